//! Password hashing as its own wasm (`wirelab_core::ext::Passwords`): the cookies lab's page
//! runs it in a worker (`ext/worker.js`), so a hash at a real cost never holds up the page.
//! Each function is the core's own; a scheme is written as `Scheme::text` writes it, and an
//! error is thrown as a string.

use wasm_bindgen::prelude::*;
use wirelab_core::cookies::passwords::{self, Scheme};

/// The stored string of `password` under `scheme` (e.g. `argon2id m=19456 t=2 p=1`) with a
/// 16-byte salt.
#[wasm_bindgen]
pub fn hash(scheme: &str, password: &str, salt: &[u8]) -> Result<String, String> {
    let salt: [u8; 16] = salt.try_into().map_err(|_| "the salt is 16 bytes".to_string())?;
    passwords::hash(Scheme::parse(scheme)?, password, &salt)
}

/// `n` (at most ten million) unsalted SHA-256 guesses, to time the fast scheme.
#[wasm_bindgen]
pub fn sha256_guesses(n: u32) -> Vec<u8> {
    passwords::sha256_guesses(n.min(10_000_000)).to_vec()
}
