//! The JWT core against published vectors (copies in `tests/vectors/`): RFC 7515 appendix A
//! (A.1 HS256 and A.2 RS256 re-signed byte for byte, A.3 ES256 and A.4 ES512 verified, A.5
//! recognised as unsecured), the RFC 7520 cookbook's RS256, ES512 and HS256 signatures, and
//! RFC 4231's HMAC-SHA-256 cases; plus RFC 8037's Ed25519 example.

use serde_json::Value;
use wirelab_core::base64url;
use wirelab_core::jwt::alg::Alg;
use wirelab_core::jwt::keys::{from_jwk, from_jwks, Key};
use wirelab_core::jwt::sign::{sign, verify, SignError};
use wirelab_core::jwt::token::{decode, Decoded, Jws};
use wirelab_core::trace::hex_bytes;

const RFC7515: &str = include_str!("vectors/rfc7515_jws.json");
const RFC7520: &str = include_str!("vectors/rfc7520_jws.json");
const RFC4231: &str = include_str!("vectors/rfc4231_hmac_sha256.json");

fn jws(token: &str) -> Jws {
    match decode(token).unwrap() {
        Decoded::Jws(j) => j,
        Decoded::Jwe { .. } => panic!("not a JWS"),
    }
}

fn key(jwk: &Value) -> Key {
    from_jwk(jwk).unwrap()
}

/// Signs the vector's exact signing input and checks the result is the published signature.
fn resigns_exactly(case: &Value, alg: Alg) {
    let token = case["compact"].as_str().unwrap();
    let j = jws(token);
    assert_eq!(j.signing_input(), case["signing_input"].as_str().unwrap());
    let signature = sign(alg, &key(&case["jwk"]), j.signing_input().as_bytes(), 0).unwrap();
    assert_eq!(base64url::encode(&signature), j.parts[2], "{}", alg.name());
}

fn verifies(token: &str, jwk: &Value, alg: Alg) {
    let j = jws(token);
    assert_eq!(j.alg, Some(alg));
    let k = key(jwk);
    assert_eq!(verify(alg, &k, j.signing_input().as_bytes(), &j.signature), Ok(()), "{}", alg.name());
    // One changed byte of payload: the signature no longer matches.
    let mut tampered = j.signing_input().into_bytes();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    assert_eq!(verify(alg, &k, &tampered, &j.signature), Err(SignError::Mismatch));
}

#[test]
fn rfc7515_appendix_a() {
    let v: Value = serde_json::from_str(RFC7515).unwrap();
    // A.1 and A.2: deterministic, so re-signing gives the published bytes.
    resigns_exactly(&v["a_1_1"], Alg::HS256);
    resigns_exactly(&v["a_2_1"], Alg::RS256);
    let header = jws(v["a_1_1"]["compact"].as_str().unwrap()).header_text;
    assert_eq!(header, v["a_1_1"]["protected_header_json"].as_str().unwrap(), "CR LF bytes kept as given");
    for (case, alg) in [("a_1_1", Alg::HS256), ("a_2_1", Alg::RS256), ("a_3_1", Alg::ES256), ("a_4_1", Alg::ES512)] {
        verifies(v[case]["compact"].as_str().unwrap(), &v[case]["jwk"], alg);
    }
    // A.5: no signature at all, recognised, and never "verified".
    let a5 = jws(v["a_5_1"]["compact"].as_str().unwrap());
    assert_eq!((a5.alg, a5.signature.len()), (Some(Alg::None), 0));
    assert_eq!(verify(Alg::None, &Key::Secret(Vec::new()), a5.signing_input().as_bytes(), &a5.signature), Err(SignError::Unsecured));
}

#[test]
fn rfc7520_cookbook() {
    let v: Value = serde_json::from_str(RFC7520).unwrap();
    let rs = v["4_1_RS256_compact"].as_str().unwrap();
    let j = jws(rs);
    assert_eq!(j.header_text, v["4_1_protected_header"].as_str().unwrap());
    assert_eq!(j.parts[1], v["payload_b64"].as_str().unwrap());
    let rsa = key(&v["key_3_4_rsa"]);
    assert_eq!(base64url::encode(&sign(Alg::RS256, &rsa, j.signing_input().as_bytes(), 0).unwrap()), j.parts[2]);
    verifies(rs, &v["key_3_4_rsa"], Alg::RS256);
    verifies(v["4_3_ES512_compact"].as_str().unwrap(), &v["key_3_2_ec_p521"], Alg::ES512);
    let hs = v["4_4_HS256_compact"].as_str().unwrap();
    let j = jws(hs);
    assert_eq!(base64url::encode(&sign(Alg::HS256, &key(&v["key_3_5_oct"]), j.signing_input().as_bytes(), 0).unwrap()), j.parts[2]);
    // The cookbook's keys carry kids: a JWKS of all three picks each by its kid.
    let jwks = serde_json::json!({ "keys": [v["key_3_4_rsa"], v["key_3_5_oct"]] });
    let (picked, index) = from_jwks(&jwks, Some("018c0ae5-4d9b-471b-bfd6-eef314bc7037")).unwrap();
    assert_eq!((index, picked.describe()), (1, "an HMAC secret of 32 bytes".to_string()));
    assert!(from_jwks(&jwks, Some("nobody")).unwrap_err().0.contains("its kids are: bilbo.baggins@hobbiton.example, 018c0ae5"));
}

#[test]
fn rfc4231_hmac_sha256() {
    let v: Value = serde_json::from_str(RFC4231).unwrap();
    for case in v["cases"].as_array().unwrap() {
        let secret = Key::Secret(hex_bytes::decode(case["key_hex"].as_str().unwrap()).unwrap());
        let data = hex_bytes::decode(case["data_hex"].as_str().unwrap()).unwrap();
        let mac = hex_bytes::encode(&sign(Alg::HS256, &secret, &data, 0).unwrap());
        match (case.get("hmac_sha256"), case.get("hmac_sha256_truncated_128")) {
            (Some(full), _) => assert_eq!(mac, full.as_str().unwrap(), "case {}", case["tc"]),
            (None, Some(short)) => assert_eq!(&mac[..32], short.as_str().unwrap(), "case {}", case["tc"]),
            _ => panic!("case {} has no expected value", case["tc"]),
        }
    }
}

#[test]
fn rfc8037_ed25519_example() {
    // RFC 8037 appendix A.1 (key) and A.4 (the JWS of "Example of Ed25519 signing").
    let jwk = serde_json::json!({ "kty": "OKP", "crv": "Ed25519", "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" });
    let token = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
    let j = jws(token);
    assert_eq!(base64url::encode(&sign(Alg::EdDSA, &key(&jwk), j.signing_input().as_bytes(), 0).unwrap()), j.parts[2]);
    let public = serde_json::json!({ "kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" });
    verifies(token, &public, Alg::EdDSA);
}

#[test]
fn every_algorithm_signs_and_verifies_and_refuses_the_wrong_kind_of_key() {
    let v: Value = serde_json::from_str(RFC7515).unwrap();
    let rsa = key(&v["a_2_1"]["jwk"]);
    let p256 = key(&v["a_3_1"]["jwk"]);
    let p521 = key(&v["a_4_1"]["jwk"]);
    let p384 = Key::ec_private(wirelab_core::ext::Curve::P384, &[7u8; 48]).unwrap();
    let ed = Key::Ed25519Private(ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]));
    let secret = Key::Secret(b"a secret of at least 64 bytes for HS512, so that no warning applies!".to_vec());
    let input = b"eyJhbGciOiJ0ZXN0In0.eyJzdWIiOiIxMjMifQ";
    for (alg, k) in [
        (Alg::HS256, &secret), (Alg::HS384, &secret), (Alg::HS512, &secret),
        (Alg::RS256, &rsa), (Alg::RS384, &rsa), (Alg::RS512, &rsa),
        (Alg::PS256, &rsa), (Alg::PS384, &rsa), (Alg::PS512, &rsa),
        (Alg::ES256, &p256), (Alg::ES384, &p384), (Alg::ES512, &p521), (Alg::EdDSA, &ed),
    ] {
        let s = sign(alg, k, input, 1).unwrap();
        assert_eq!(verify(alg, k, input, &s), Ok(()), "{}", alg.name());
        assert_eq!(verify(alg, k, b"other", &s), Err(SignError::Mismatch), "{}", alg.name());
        // An HMAC secret is never accepted for an asymmetric algorithm, nor the reverse.
        let other = if alg.name().starts_with("HS") { &rsa } else { &secret };
        assert!(matches!(verify(alg, other, input, &s), Err(SignError::WrongKey { .. })), "{}", alg.name());
    }
    // PSS is randomised by its salt: two seeds, two signatures, both valid.
    assert_ne!(sign(Alg::PS256, &rsa, input, 1).unwrap(), sign(Alg::PS256, &rsa, input, 2).unwrap());
    // A public key verifies but cannot sign.
    let public = from_jwk(&serde_json::json!({ "kty": "RSA", "n": v["a_2_1"]["jwk"]["n"], "e": "AQAB" })).unwrap();
    assert!(matches!(sign(Alg::RS256, &public, input, 0), Err(SignError::NeedsPrivate { .. })));
}
