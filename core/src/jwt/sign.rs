//! Signing and verifying a JWS signing input with a key, for every algorithm (RFC 7518
//! section 3, RFC 8037). ECDSA signatures are the fixed-size `r || s` JWS uses, not DER.

use super::alg::{Alg, Family};
use super::keys::{EcPublic, Key};
use crate::ext::Curve;
use crate::rng::{Seeded, SplitMix64};
use hmac::{Hmac, Mac};
use rsa::{Pkcs1v15Sign, Pss};
use sha2::{Digest, Sha256, Sha384, Sha512};
use std::fmt;

/// Why a signature could not be made or did not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignError {
    /// The key is not of the kind the algorithm uses (the check that stops algorithm confusion).
    WrongKey { alg: Alg, key: String },
    /// A public key cannot sign.
    NeedsPrivate { key: String },
    /// `alg: none` has no signature to make or check.
    Unsecured,
    WrongLength { alg: Alg, expected: usize, found: usize },
    /// The signature is well formed but does not match.
    Mismatch,
    Failed(String),
    /// The algorithm's code is loaded separately and has not arrived yet (`crate::ext`).
    Unavailable(crate::ext::Missing),
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignError::WrongKey { alg, key } => write!(f, "{} needs {}, but the key is {key}", alg.name(), needs(*alg)),
            SignError::NeedsPrivate { key } => write!(f, "signing needs a secret or a private key; {key} can only verify"),
            SignError::Unsecured => write!(f, "alg \"none\" carries no signature: nothing proves who made the token"),
            SignError::WrongLength { alg, expected, found } => write!(f, "a {} signature is {expected} bytes; this one is {found}", alg.name()),
            SignError::Mismatch => write!(f, "the signature does not match: the token was changed after signing, or signed with another key"),
            SignError::Failed(e) => write!(f, "{e}"),
            SignError::Unavailable(m) => write!(f, "{m}"),
        }
    }
}

/// What kind of key an algorithm needs, in words.
pub fn needs(alg: Alg) -> &'static str {
    match alg.family() {
        Family::Hmac => "an HMAC secret",
        Family::RsaPkcs1 | Family::RsaPss => "an RSA key",
        Family::Ecdsa => match alg {
            Alg::ES256 => "a P-256 key",
            Alg::ES384 => "a P-384 key",
            _ => "a P-521 key",
        },
        Family::EdDsa => "an Ed25519 key",
        Family::Unsecured => "no key",
    }
}

fn digest(alg: Alg, input: &[u8]) -> Vec<u8> {
    match alg.hash_len() {
        48 => Sha384::digest(input).to_vec(),
        64 => Sha512::digest(input).to_vec(),
        _ => Sha256::digest(input).to_vec(),
    }
}

/// HMAC with the hash of `alg` (HS384, HS512; SHA-256 otherwise).
pub fn hmac(alg: Alg, secret: &[u8], input: &[u8]) -> Vec<u8> {
    // Hmac accepts keys of any length, so these cannot fail.
    match alg {
        Alg::HS384 => Hmac::<Sha384>::new_from_slice(secret).map(|m| m.chain_update(input).finalize().into_bytes().to_vec()).unwrap_or_default(),
        Alg::HS512 => Hmac::<Sha512>::new_from_slice(secret).map(|m| m.chain_update(input).finalize().into_bytes().to_vec()).unwrap_or_default(),
        _ => Hmac::<Sha256>::new_from_slice(secret).map(|m| m.chain_update(input).finalize().into_bytes().to_vec()).unwrap_or_default(),
    }
}

fn pkcs1(alg: Alg) -> Pkcs1v15Sign {
    match alg.hash_len() {
        48 => Pkcs1v15Sign::new::<Sha384>(),
        64 => Pkcs1v15Sign::new::<Sha512>(),
        _ => Pkcs1v15Sign::new::<Sha256>(),
    }
}

fn pss(alg: Alg) -> Pss {
    // RFC 7518 section 3.5: MGF1 with the same hash, and a salt as long as the hash.
    match alg.hash_len() {
        48 => Pss::new::<Sha384>(),
        64 => Pss::new::<Sha512>(),
        _ => Pss::new::<Sha256>(),
    }
}


/// Signs `input` (the JWS signing input) with `key`. `salt_seed` feeds PSS's salt.
pub fn sign(alg: Alg, key: &Key, input: &[u8], salt_seed: u64) -> Result<Vec<u8>, SignError> {
    use ecdsa_signer::sign_ecdsa;
    let wrong = || SignError::WrongKey { alg, key: key.describe() };
    if !key.can_sign() {
        return Err(SignError::NeedsPrivate { key: key.describe() });
    }
    match (alg.family(), key) {
        (Family::Unsecured, _) => Err(SignError::Unsecured),
        (Family::Hmac, Key::Secret(s)) => Ok(hmac(alg, s, input)),
        (Family::RsaPkcs1, Key::RsaPrivate(k)) => k.sign(pkcs1(alg), &digest(alg, input)).map_err(|e| SignError::Failed(e.to_string())),
        (Family::RsaPss, Key::RsaPrivate(k)) => k.sign_with_rng(&mut Seeded(SplitMix64::new(salt_seed)), pss(alg), &digest(alg, input)).map_err(|e| SignError::Failed(e.to_string())),
        (Family::Ecdsa, _) => sign_ecdsa(alg, key, input, salt_seed).ok_or_else(wrong)?,
        (Family::EdDsa, Key::Ed25519Private(k)) => {
            use ed25519_dalek::Signer;
            Ok(k.sign(input).to_bytes().to_vec())
        }
        _ => Err(wrong()),
    }
}

mod ecdsa_signer {
    use super::{Alg, Key, SignError};
    use crate::ext::Curve;
    use crate::jwt::keys::EcPrivate;

    /// P-384 and P-521 through their separately loaded code.
    fn nist(curve: Curve, key: &EcPrivate, input: &[u8], seed: u64) -> Result<Vec<u8>, SignError> {
        let provider = crate::ext::nist().map_err(SignError::Unavailable)?;
        provider.sign(curve, &key.d, input, seed).map_err(SignError::Failed)
    }

    /// ECDSA with the deterministic nonce of RFC 6979, as `r || s`.
    pub fn sign_ecdsa(alg: Alg, key: &Key, input: &[u8], seed: u64) -> Option<Result<Vec<u8>, SignError>> {
        use p256::ecdsa::signature::Signer;
        match (alg, key) {
            (Alg::ES256, Key::P256Private(k)) => Some(Ok(Signer::<p256::ecdsa::Signature>::sign(k, input).to_bytes().to_vec())),
            (Alg::ES384, Key::P384Private(k)) => Some(nist(Curve::P384, k, input, seed)),
            (Alg::ES512, Key::P521Private(k)) => Some(nist(Curve::P521, k, input, seed)),
            _ => None,
        }
    }
}

/// Whether `key` is the kind of key `alg` uses (RFC 8725 section 3.1: never use a key with an
/// algorithm it was not meant for).
pub fn key_fits(alg: Alg, key: &Key) -> bool {
    matches!(
        (alg, key),
        (Alg::HS256 | Alg::HS384 | Alg::HS512, Key::Secret(_))
            | (Alg::RS256 | Alg::RS384 | Alg::RS512 | Alg::PS256 | Alg::PS384 | Alg::PS512, Key::RsaPrivate(_) | Key::RsaPublic(_))
            | (Alg::ES256, Key::P256Private(_) | Key::P256Public(_))
            | (Alg::ES384, Key::P384Private(_) | Key::P384Public(_))
            | (Alg::ES512, Key::P521Private(_) | Key::P521Public(_))
            | (Alg::EdDSA, Key::Ed25519Private(_) | Key::Ed25519Public(_))
    )
}

/// The public half of a key (a secret stays a secret).
fn public(key: &Key) -> Key {
    match key {
        Key::RsaPrivate(k) => Key::RsaPublic(k.to_public_key()),
        Key::P256Private(k) => Key::P256Public(*k.verifying_key()),
        Key::P384Private(k) => Key::P384Public(EcPublic { point: k.point.clone() }),
        Key::P521Private(k) => Key::P521Public(EcPublic { point: k.point.clone() }),
        Key::Ed25519Private(k) => Key::Ed25519Public(k.verifying_key()),
        other => other.clone(),
    }
}

/// Checks `signature` over `input` with `key` for `alg`. The key must be of the algorithm's
/// kind: an RSA public key is never used as an HMAC secret (RFC 8725 section 3.1).
pub fn verify(alg: Alg, key: &Key, input: &[u8], signature: &[u8]) -> Result<(), SignError> {
    use p256::ecdsa::signature::Verifier;
    let key = public(key);
    let wrong = || SignError::WrongKey { alg, key: key.describe() };
    let length = |expected: usize| if signature.len() == expected { Ok(()) } else { Err(SignError::WrongLength { alg, expected, found: signature.len() }) };
    match (alg.family(), &key) {
        (Family::Unsecured, _) => Err(SignError::Unsecured),
        (Family::Hmac, Key::Secret(s)) => {
            length(alg.hash_len())?;
            // Compared in constant time, as a server must.
            let expected = hmac(alg, s, input);
            let same = expected.iter().zip(signature).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
            if same {
                Ok(())
            } else {
                Err(SignError::Mismatch)
            }
        }
        (Family::RsaPkcs1, Key::RsaPublic(k)) => {
            length(rsa::traits::PublicKeyParts::size(k))?;
            k.verify(pkcs1(alg), &digest(alg, input), signature).map_err(|_| SignError::Mismatch)
        }
        (Family::RsaPss, Key::RsaPublic(k)) => {
            length(rsa::traits::PublicKeyParts::size(k))?;
            k.verify(pss(alg), &digest(alg, input), signature).map_err(|_| SignError::Mismatch)
        }
        (Family::Ecdsa, _) => match (alg, &key) {
            (Alg::ES256, Key::P256Public(k)) => {
                length(64)?;
                let sig = p256::ecdsa::Signature::from_slice(signature).map_err(|_| SignError::Mismatch)?;
                k.verify(input, &sig).map_err(|_| SignError::Mismatch)
            }
            (Alg::ES384, Key::P384Public(k)) | (Alg::ES512, Key::P521Public(k)) => {
                let curve = if alg == Alg::ES384 { Curve::P384 } else { Curve::P521 };
                length(2 * curve.size())?;
                let provider = crate::ext::nist().map_err(SignError::Unavailable)?;
                if provider.verify(curve, &k.point, input, signature) {
                    Ok(())
                } else {
                    Err(SignError::Mismatch)
                }
            }
            _ => Err(wrong()),
        },
        (Family::EdDsa, Key::Ed25519Public(k)) => {
            length(64)?;
            let sig: [u8; 64] = signature.try_into().map_err(|_| SignError::Mismatch)?;
            k.verify_strict(input, &ed25519_dalek::Signature::from_bytes(&sig)).map_err(|_| SignError::Mismatch)
        }
        _ => Err(wrong()),
    }
}
