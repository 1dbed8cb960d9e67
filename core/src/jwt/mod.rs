//! The JWT lab's core (in progress): finding and decoding tokens, the JWS algorithms, keys as
//! JWK, JWKS or PEM, real signing and verification (HMAC, RSA PKCS#1 v1.5 and PSS, ECDSA,
//! Ed25519), verification as a trace with a strict and a naive verifier, and the built-in
//! scenarios (valid tokens and the classic attacks). Not yet listed on the home page.

pub mod alg;
pub mod build;
pub mod crack;
pub mod inspect;
pub mod keys;
pub mod scenario;
pub mod sign;
pub mod token;
pub mod verify;
