//! Proof Key for Code Exchange (RFC 7636): the client makes a secret `code_verifier`, sends only
//! its `code_challenge` with the authorization request, and proves it holds the verifier when
//! it redeems the code. Whoever intercepts the code alone cannot redeem it.

use crate::base64url;
use crate::rng::SplitMix64;
use sha2::{Digest, Sha256};
use std::fmt;

/// The `code_challenge_method` (RFC 7636 section 4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `code_challenge = code_verifier`: only for clients that cannot compute SHA-256.
    Plain,
    /// `code_challenge = BASE64URL(SHA256(ASCII(code_verifier)))`.
    S256,
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Method::Plain => "plain",
            Method::S256 => "S256",
        }
    }
}

/// A `code_verifier` from 32 random octets, base64url without padding: 43 characters, 256 bits
/// (RFC 7636 section 4.1 recommends exactly this).
pub fn verifier(seed: u64) -> String {
    let mut rng = SplitMix64::new(seed ^ 0x706b_6365);
    let octets: Vec<u8> = (0..4).flat_map(|_| rng.next_u64().to_be_bytes()).collect();
    base64url::encode(&octets)
}

/// The challenge for `verifier` (RFC 7636 section 4.2).
pub fn challenge(method: Method, verifier: &str) -> String {
    match method {
        Method::Plain => verifier.to_string(),
        Method::S256 => base64url::encode(&Sha256::digest(verifier.as_bytes())),
    }
}

/// Why the authorization server refused a verifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The code was issued with a challenge, and the token request has no verifier.
    VerifierMissing,
    /// Not 43 to 128 characters of `[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"`.
    VerifierMalformed,
    /// The transformed verifier is not the challenge.
    Mismatch { computed: String },
    /// The token request has a verifier for a code issued without a challenge.
    Unexpected,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::VerifierMissing => write!(f, "the code was issued for a PKCE challenge, and the request has no code_verifier"),
            Refusal::VerifierMalformed => write!(f, "the code_verifier is not 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_' and '~'"),
            Refusal::Mismatch { computed } => write!(f, "the code_verifier transforms to {computed}, which is not the code_challenge the code was issued for"),
            Refusal::Unexpected => write!(f, "the request has a code_verifier, and the code was issued without a challenge"),
        }
    }
}

/// Whether `verifier` is well formed (RFC 7636 section 4.1).
pub fn well_formed(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len()) && verifier.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// The authorization server's check at the token endpoint (RFC 7636 section 4.6): the code's
/// stored challenge and method against the verifier the request carries.
pub fn check(issued: Option<(Method, &str)>, verifier: Option<&str>) -> Result<(), Refusal> {
    match (issued, verifier) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(Refusal::Unexpected),
        (Some(_), None) => Err(Refusal::VerifierMissing),
        (Some((method, expected)), Some(v)) => {
            if !well_formed(v) {
                return Err(Refusal::VerifierMalformed);
            }
            let computed = challenge(method, v);
            if computed == expected {
                Ok(())
            } else {
                Err(Refusal::Mismatch { computed })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifiers_are_43_characters_and_differ_by_seed() {
        let a = verifier(1);
        assert!(well_formed(&a), "{a}");
        assert_eq!(a.len(), 43);
        assert_ne!(a, verifier(2));
        assert_eq!(a, verifier(1));
    }

    #[test]
    fn the_check_follows_section_4_6() {
        let v = verifier(7);
        let c = challenge(Method::S256, &v);
        assert_eq!(check(Some((Method::S256, &c)), Some(&v)), Ok(()));
        assert_eq!(check(Some((Method::Plain, &v)), Some(&v)), Ok(()));
        assert_eq!(check(Some((Method::S256, &c)), None), Err(Refusal::VerifierMissing));
        assert_eq!(check(None, Some(&v)), Err(Refusal::Unexpected));
        assert_eq!(check(Some((Method::S256, &c)), Some("short")), Err(Refusal::VerifierMalformed));
        let other = verifier(8);
        assert!(matches!(check(Some((Method::S256, &c)), Some(&other)), Err(Refusal::Mismatch { .. })));
        // An attacker who saw a plain challenge knows the verifier; one who saw S256 does not.
        assert_eq!(check(Some((Method::Plain, &v)), Some(&v)), Ok(()));
        assert!(check(Some((Method::S256, &c)), Some(&c)).is_err());
    }
}
