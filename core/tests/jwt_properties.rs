//! No input of any shape panics the JWT core: pasted text, tokens with any bytes in any part,
//! JWK and JWKS JSON of any shape, and verification of any signature with any key.

use proptest::prelude::*;
use serde_json::Value;
use wirelab_core::base64url;
use wirelab_core::jwt::alg::Alg;
use wirelab_core::jwt::keys::{certificate_spki, from_jwk, from_jwks, from_pem, Key};
use wirelab_core::jwt::scenario::{make_token, JwtScenario, Verifier};
use wirelab_core::jwt::sign::verify;
use wirelab_core::jwt::token::{decode, find, Decoded};

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[A-Za-z0-9_=+/-]{0,90}".prop_map(Value::String),
        prop_oneof![Just("oct"), Just("RSA"), Just("EC"), Just("OKP"), Just("P-256"), Just("P-384"), Just("P-521"), Just("Ed25519")].prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(prop_oneof![Just("kty"), Just("crv"), Just("k"), Just("n"), Just("e"), Just("d"), Just("x"), Just("y"), Just("p"), Just("q"), Just("kid"), Just("keys")].prop_map(String::from), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_paste_is_handled(text in "\\PC{0,300}") {
        if let Ok(found) = find(&text) {
            let _ = decode(&found.token);
        }
    }

    #[test]
    fn any_bytes_in_any_part_are_handled(header in proptest::collection::vec(any::<u8>(), 0..80), payload in proptest::collection::vec(any::<u8>(), 0..80), signature in proptest::collection::vec(any::<u8>(), 0..140), alg in 0..Alg::ALL.len()) {
        let token = format!("{}.{}.{}", base64url::encode(&header), base64url::encode(&payload), base64url::encode(&signature));
        let _ = decode(&token);
        // And a well-formed header with that alg: verification with each kind of key fails
        // cleanly on random signatures.
        let header = format!("{{\"alg\":\"{}\"}}", Alg::ALL[alg].name());
        let token = format!("{}.{}.{}", base64url::encode(header.as_bytes()), base64url::encode(&payload), base64url::encode(&signature));
        if let Ok(Decoded::Jws(jws)) = decode(&token) {
            for key in [Key::Secret(vec![1; 32]), Key::Ed25519Public(ed25519_dalek::SigningKey::from_bytes(&[3; 32]).verifying_key())] {
                prop_assert!(verify(Alg::ALL[alg], &key, jws.signing_input().as_bytes(), &jws.signature).is_err());
            }
        }
    }

    #[test]
    fn any_jwk_or_jwks_shape_is_handled(v in json_value(), kid in proptest::option::of("[a-z]{0,4}")) {
        let _ = from_jwk(&v);
        let _ = from_jwks(&v, kid.as_deref());
    }

    #[test]
    fn any_pem_text_or_certificate_bytes_are_handled(label in prop_oneof![Just("PUBLIC KEY"), Just("PRIVATE KEY"), Just("RSA PUBLIC KEY"), Just("RSA PRIVATE KEY"), Just("EC PRIVATE KEY"), Just("CERTIFICATE")], body in "[A-Za-z0-9+/=\n]{0,200}", der in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = from_pem(&format!("-----BEGIN {label}-----\n{body}\n-----END {label}-----"));
        let _ = certificate_spki(&der);
    }

    #[test]
    fn any_claims_are_checked_without_panic(claims in proptest::collection::btree_map(prop_oneof![Just("exp"), Just("nbf"), Just("iat"), Just("aud"), Just("iss"), Just("sub")].prop_map(String::from), prop_oneof![any::<i64>().prop_map(Value::from), any::<f64>().prop_map(Value::from), json_value()], 0..6), now in any::<i64>(), skew in 0u32..100_000, naive: bool) {
        let claims = Value::Object(claims.into_iter().collect());
        let payload = claims.to_string();
        let secret = Key::Secret(vec![7; 32]);
        let token = make_token("{\"alg\":\"HS256\"}", &payload, wirelab_core::jwt::alg::Alg::HS256, Some(&secret));
        let s = JwtScenario {
            token,
            secret: base64url::encode(&[7; 32]),
            secret_encoding: wirelab_core::jwt::scenario::SecretEncoding::Base64url,
            allowed: vec!["HS256".into()],
            now: Some(now / 4),
            skew_s: skew,
            verifier: if naive { Verifier::Naive } else { Verifier::Strict },
            ..JwtScenario::default()
        };
        let t = wirelab_core::jwt::run(&s, 0);
        prop_assert!(t.summary[0].starts_with("Accepted") || t.summary[0].starts_with("Rejected"));
    }
}
