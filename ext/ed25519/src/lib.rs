//! Ed25519, and the SHA-256 DNSSEC uses beside it, as their own wasm (`wirelab_core::ext`): the
//! DNS lab's page fetches it the first time a scenario turns DNSSEC on. Each function is the
//! core's native implementation.

use wasm_bindgen::prelude::*;
use wirelab_core::ext::native::Ed25519Native;
use wirelab_core::ext::{EdRefusal, Ed25519};

fn fixed<const N: usize>(bytes: &[u8], what: &str) -> Result<[u8; N], String> {
    bytes.try_into().map_err(|_| format!("{what} is {N} bytes, not {}", bytes.len()))
}

#[wasm_bindgen]
pub fn public_key(seed: &[u8]) -> Result<Vec<u8>, String> {
    Ok(Ed25519Native.public_key(&fixed(seed, "a seed")?).to_vec())
}

#[wasm_bindgen]
pub fn sign(seed: &[u8], message: &[u8]) -> Result<Vec<u8>, String> {
    Ok(Ed25519Native.sign(&fixed(seed, "a seed")?, message).to_vec())
}

#[wasm_bindgen]
pub fn sha256(data: &[u8]) -> Vec<u8> {
    Ed25519Native.sha256(data).to_vec()
}

/// 0: valid; 1: the key is not a point on the curve; 2: the signature does not match.
#[wasm_bindgen]
pub fn verify(public: &[u8], message: &[u8], signature: &[u8]) -> Result<u8, String> {
    Ok(match Ed25519Native.verify(&fixed(public, "a public key")?, message, &fixed(signature, "a signature")?) {
        Ok(()) => 0,
        Err(EdRefusal::NotAPoint) => 1,
        Err(EdRefusal::Mismatch) => 2,
    })
}
