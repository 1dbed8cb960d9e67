//! The Rust side of `tests/jwt_interop.py`, which checks Wirelab's JWTs against PyJWT.
//!
//! `sign`: prints, for every algorithm, a token Wirelab signed, the same token with a changed
//! payload, and the public JWK, as JSON lines.
//! `verify`: reads JSON lines `{"alg", "token", "jwk"}` (tokens PyJWT signed) and prints, for
//! each, whether Wirelab's verification accepts it and why not.

use serde_json::{json, Value};
use std::io::BufRead;
use wirelab_core::base64url;
use wirelab_core::jwt::alg::Alg;
use wirelab_core::jwt::keys::{from_jwk, public_jwk, Key};
use wirelab_core::jwt::sign::{sign, verify};
use wirelab_core::jwt::token::{decode, Decoded};

const RFC7515: &str = include_str!("../tests/vectors/rfc7515_jws.json");

fn keys() -> Vec<(Alg, Key)> {
    let v: Value = serde_json::from_str(RFC7515).unwrap_or_default();
    let jwk = |j: &Value| from_jwk(j).ok();
    let rsa = jwk(&v["a_2_1"]["jwk"]);
    let p256 = jwk(&v["a_3_1"]["jwk"]);
    let p521 = jwk(&v["a_4_1"]["jwk"]);
    let p384 = Key::ec_private(wirelab_core::ext::Curve::P384, &[7u8; 48]).ok();
    let ed = Some(Key::Ed25519Private(ed25519_dalek::SigningKey::from_bytes(&[9u8; 32])));
    let secret = Some(Key::Secret(b"an interoperability secret of sixty-four bytes, long for HS512!!".to_vec()));
    let mut out = Vec::new();
    for alg in Alg::ALL {
        let key = match alg.name().get(..2) {
            Some("HS") => secret.clone(),
            Some("RS") | Some("PS") => rsa.clone(),
            _ => match alg {
                Alg::ES256 => p256.clone(),
                Alg::ES384 => p384.clone(),
                Alg::ES512 => p521.clone(),
                Alg::EdDSA => ed.clone(),
                _ => None,
            },
        };
        if let Some(k) = key {
            out.push((alg, k));
        }
    }
    out
}

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("sign") => {
            for (alg, key) in keys() {
                let header = format!("{{\"alg\":\"{}\",\"typ\":\"JWT\"}}", alg.name());
                let payload = format!("{{\"sub\":\"interop\",\"alg_tested\":\"{}\",\"iat\":1795305600}}", alg.name());
                let input = format!("{}.{}", base64url::encode(header.as_bytes()), base64url::encode(payload.as_bytes()));
                let signature = match sign(alg, &key, input.as_bytes(), 7) {
                    Ok(s) => base64url::encode(&s),
                    Err(e) => {
                        println!("{}", json!({ "alg": alg.name(), "error": e.to_string() }));
                        continue;
                    }
                };
                let tampered_payload = payload.replace("interop", "admin");
                let tampered = format!("{}.{}.{signature}", base64url::encode(header.as_bytes()), base64url::encode(tampered_payload.as_bytes()));
                println!("{}", json!({ "alg": alg.name(), "token": format!("{input}.{signature}"), "tampered": tampered, "jwk": public_jwk(&key) }));
            }
        }
        Some("verify") => {
            for line in std::io::stdin().lock().lines().map_while(Result::ok) {
                let Ok(case) = serde_json::from_str::<Value>(&line) else { continue };
                let alg_name = case["alg"].as_str().unwrap_or_default();
                let result = (|| -> Result<(), String> {
                    let alg = Alg::from_name(alg_name).ok_or("unknown alg")?;
                    let key = from_jwk(&case["jwk"]).map_err(|e| e.to_string())?;
                    let Decoded::Jws(jws) = decode(case["token"].as_str().unwrap_or_default()).map_err(|e| e.to_string())? else { return Err("a JWE".into()) };
                    if jws.alg != Some(alg) {
                        return Err(format!("the header says {}", jws.alg_name));
                    }
                    verify(alg, &key, jws.signing_input().as_bytes(), &jws.signature).map_err(|e| e.to_string())
                })();
                println!("{}", json!({ "alg": alg_name, "label": case["label"], "ok": result.is_ok(), "error": result.err() }));
            }
        }
        _ => eprintln!("usage: jwt_interop sign | verify < cases.jsonl"),
    }
}
