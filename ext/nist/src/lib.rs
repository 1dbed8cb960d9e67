//! ECDSA on P-384 and P-521 as its own wasm (`wirelab_core::ext`): the JWT lab's page fetches
//! it the first time a token or key on those curves needs it. Each function is the core's
//! native implementation; curves are numbered as `Curve::code` numbers them, and an error is
//! thrown as a string.

use wasm_bindgen::prelude::*;
use wirelab_core::ext::native::NistNative;
use wirelab_core::ext::{Curve, Nist};

fn curve(code: u8) -> Result<Curve, String> {
    Curve::from_code(code).ok_or_else(|| format!("curve {code} is not P-384 (1) or P-521 (2)"))
}

#[wasm_bindgen]
pub fn public_key(code: u8, d: &[u8]) -> Result<Vec<u8>, String> {
    NistNative.public_key(curve(code)?, d)
}

#[wasm_bindgen]
pub fn check_point(code: u8, point: &[u8]) -> Result<(), String> {
    NistNative.check_point(curve(code)?, point)
}

/// `seed` is the run's seed as 8 little-endian bytes.
#[wasm_bindgen]
pub fn sign(code: u8, d: &[u8], input: &[u8], seed: &[u8]) -> Result<Vec<u8>, String> {
    let seed = u64::from_le_bytes(seed.try_into().map_err(|_| "the seed is 8 bytes".to_string())?);
    NistNative.sign(curve(code)?, d, input, seed)
}

#[wasm_bindgen]
pub fn verify(code: u8, point: &[u8], input: &[u8], signature: &[u8]) -> Result<bool, String> {
    Ok(NistNative.verify(curve(code)?, point, input, signature))
}
