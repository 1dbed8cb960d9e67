//! What the benchmark command measures in this lab's wasm. The lab's binary exports these
//! to the page (`window.wasmBindings`); no other page carries them.

/// Measurement hook for the benchmark command: `op` 0 signs HS256, 1 verifies HS256, 2
/// verifies RS256 (2048-bit), 3 verifies ES256, 4 tries dictionary candidates against an HS256
/// token; `n` times, in this page's wasm. Returns the milliseconds taken.
pub fn jwt_operations(op: u32, n: u32) -> f64 {
    use wirelab_core::jwt::{alg::Alg, crack, keys, sign};
    let v: serde_json::Value = serde_json::from_str(include_str!("../../../core/tests/vectors/rfc7515_jws.json")).unwrap_or_default();
    let (Ok(rsa), Ok(p256)) = (keys::from_jwk(&v["a_2_1"]["jwk"]), keys::from_jwk(&v["a_3_1"]["jwk"])) else { return -1.0 };
    let secret = keys::Key::Secret(vec![0x42; 32]);
    let input = b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJiZW5jaCJ9".to_vec();
    let (alg, key) = match op {
        0 | 1 | 4 => (Alg::HS256, &secret),
        2 => (Alg::RS256, &rsa),
        _ => (Alg::ES256, &p256),
    };
    let Ok(signature) = sign::sign(alg, key, &input, 0) else { return -1.0 };
    let list = if op == 4 { crack::candidates() } else { Vec::new() };
    let clock = crate::browser::now_ms;
    let mut ok = 0usize;
    let start = clock();
    match op {
        0 => {
            for _ in 0..n {
                ok += sign::sign(alg, key, &input, 0).map(|s| s.len()).unwrap_or(0);
            }
        }
        4 => {
            let mut done = 0usize;
            while done < n as usize {
                let (_, tried) = crack::try_range(alg, &input, &signature, &list, 0, (n as usize - done).min(list.len()));
                done += tried.max(1);
                ok += tried;
            }
        }
        _ => {
            for _ in 0..n {
                ok += sign::verify(alg, key, &input, &signature).is_ok() as usize;
            }
        }
    }
    let elapsed = clock() - start;
    if ok == 0 {
        return -1.0;
    }
    elapsed
}
