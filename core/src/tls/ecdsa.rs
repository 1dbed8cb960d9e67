//! ECDSA on P-256 with SHA-256 (RFC 6979 nonces), remembered: the lab signs and checks the
//! same certificates, CRLs, OCSP answers and transcripts again on every edit that does not
//! change them (a round-trip time, a request), and these are its slowest steps. The results
//! are those of the p256 crate; only the repeats are skipped.

use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use std::cell::RefCell;

thread_local! {
    static MEMO: crate::memo::Memo = const { crate::memo::Memo::new(512) };
}

fn remembered(kind: u8, parts: &[&[u8]], compute: impl FnOnce() -> Vec<u8>) -> Vec<u8> {
    MEMO.with(|m| m.get_or(kind, parts, || Some(compute()))).unwrap_or_default()
}

thread_local! {
    static KEYS: RefCell<Vec<([u8; 32], SigningKey)>> = const { RefCell::new(Vec::new()) };
}

/// The signing key for a valid P-256 scalar (making one computes its public key: remembered
/// too).
pub fn key_from(scalar: &[u8; 32]) -> Option<SigningKey> {
    if let Some(k) = KEYS.with(|m| m.borrow().iter().find(|(s, _)| s == scalar).map(|(_, k)| k.clone())) {
        return Some(k);
    }
    let k = SigningKey::from_slice(scalar).ok()?;
    KEYS.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= 64 {
            m.clear();
        }
        m.push((*scalar, k.clone()));
    });
    Some(k)
}

/// `key`'s public key as an uncompressed point (65 bytes).
pub fn point(key: &SigningKey) -> Vec<u8> {
    remembered(b'p', &[&key.to_bytes()], || key.verifying_key().to_encoded_point(false).as_bytes().to_vec())
}

/// The DER signature of `message` by `key`.
pub fn sign(key: &SigningKey, message: &[u8]) -> Vec<u8> {
    remembered(b's', &[&key.to_bytes(), message], || {
        let signature: Signature = key.sign(message);
        signature.to_der().as_bytes().to_vec()
    })
}

/// Whether `signature` (DER) is the signature of `message` by the public key `point` (SEC1).
pub fn verify(point: &[u8], message: &[u8], signature: &[u8]) -> bool {
    let ok = remembered(b'v', &[point, message, signature], || {
        let good = match (VerifyingKey::from_sec1_bytes(point), Signature::from_der(signature)) {
            (Ok(key), Ok(sig)) => key.verify(message, &sig).is_ok(),
            _ => false,
        };
        vec![u8::from(good)]
    });
    ok == [1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_results_are_the_computed_ones() {
        let key = crate::tls::x509::key(&[5; 32]);
        let sig = sign(&key, b"message");
        assert_eq!(sig, sign(&key, b"message"), "deterministic, and the repeat comes from memory");
        let p = point(&key);
        assert!(verify(&p, b"message", &sig));
        assert!(verify(&p, b"message", &sig), "again, remembered");
        assert!(!verify(&p, b"massage", &sig));
        let mut bad = sig.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert!(!verify(&p, b"message", &bad));
        assert!(!verify(&[4; 65], b"message", &sig), "not a point");
        // A fresh computation agrees with the remembered one.
        let fresh: Signature = key.sign(b"message");
        assert_eq!(fresh.to_der().as_bytes(), &sig[..]);
    }
}
