//! The JWT lab's core: finding and decoding tokens, the JWS algorithms, keys as JWK, JWKS, PEM
//! or certificate, real signing and verification (HMAC, RSA PKCS#1 v1.5 and PSS, ECDSA,
//! Ed25519), verification as a trace with a strict and a naive verifier, building tokens, a
//! dictionary attack, tokens in an application, and the built-in scenarios.

pub mod alg;
pub mod app;
pub mod build;
pub mod crack;
pub mod inspect;
pub mod keys;
pub mod scenario;
pub mod sign;
pub mod token;
pub mod verify;

use crate::trace::Trace;
use scenario::{JwtScenario, Mode};

/// Runs the scenario: the token's verification, or the application flow. `real_now` is the
/// time to use when the scenario sets none (seconds since 1970).
pub fn run(s: &JwtScenario, real_now: i64) -> Trace {
    match s.mode {
        Mode::Verify => verify::run(s, real_now),
        Mode::App => app::run(
            app::AppSettings { access_ttl_s: s.access_ttl_s, refresh_ttl_s: s.refresh_ttl_s, rotation: s.rotation, reuse_detection: s.reuse_detection },
            s.now.unwrap_or(real_now),
        ),
    }
}
