//! The JWT lab's core (in progress): finding and decoding tokens, the JWS algorithms, keys as
//! JWK, and real signing and verification (HMAC, RSA PKCS#1 v1.5 and PSS, ECDSA, Ed25519).
//! Not yet listed on the home page.

pub mod alg;
pub mod keys;
pub mod sign;
pub mod token;
