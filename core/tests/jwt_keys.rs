//! Keys pasted as PEM (made by OpenSSL, in `tests/vectors/pem/`): every form is read, each
//! private key signs what its public key verifies, and the forms of one key agree.

use wirelab_core::jwt::alg::Alg;
use wirelab_core::jwt::keys::{from_pem, parse_any, private_pem, public_jwk, public_pem};
use p384::pkcs8::DecodePrivateKey;
use wirelab_core::jwt::sign::{sign, verify};

fn pem(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/vectors/pem/{name}.pem", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn every_pem_form_is_read_and_pairs_sign_and_verify() {
    let input = b"eyJhbGciOiJ0ZXN0In0.eyJzdWIiOiJwZW0ifQ";
    for (private, public, forms, alg) in [
        ("rsa.pkcs8", "rsa.spki", &["rsa.pkcs1"][..], Alg::RS256),
        ("rsa.pkcs8", "rsa.pkcs1pub", &[][..], Alg::PS256),
        ("p256.pkcs8", "p256.spki", &["p256.sec1"][..], Alg::ES256),
        ("p384.pkcs8", "p384.spki", &["p384.sec1"][..], Alg::ES384),
        ("p521.pkcs8", "p521.spki", &["p521.sec1"][..], Alg::ES512),
        ("ed25519.pkcs8", "ed25519.spki", &[][..], Alg::EdDSA),
    ] {
        let sk = from_pem(&pem(private)).unwrap_or_else(|e| panic!("{private}: {e}"));
        let pk = from_pem(&pem(public)).unwrap_or_else(|e| panic!("{public}: {e}"));
        assert!(sk.can_sign() && !pk.can_sign());
        let signature = sign(alg, &sk, input, 3).unwrap();
        assert_eq!(verify(alg, &pk, input, &signature), Ok(()), "{private} → {public}");
        assert_eq!(public_jwk(&sk), public_jwk(&pk), "{private} and {public} are one key");
        for other in forms {
            let same = from_pem(&pem(other)).unwrap_or_else(|e| panic!("{other}: {e}"));
            assert_eq!(public_jwk(&same), public_jwk(&pk), "{other}");
        }
    }
    // The SPKI PEM written for a key reads back as the same key.
    let rsa = from_pem(&pem("rsa.pkcs8")).unwrap();
    let written = public_pem(&rsa).unwrap();
    assert_eq!(written.trim(), pem("rsa.spki").trim());
}

#[test]
fn what_cannot_be_read_says_why() {
    assert!(from_pem("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----").unwrap_err().0.contains("X.509 certificate"));
    assert!(from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----").unwrap_err().0.contains("not a valid"));
    assert!(from_pem("-----BEGIN DH PARAMETERS-----").unwrap_err().0.contains("not a key type read here"));
    assert!(parse_any("hello", None).unwrap_err().0.starts_with("paste a JWK"));
    assert!(parse_any("{\"kty\":", None).unwrap_err().0.starts_with("the key is not JSON (line 1, column 7)"));
    assert!(parse_any("{\"kty\":\"oct\"}", None).unwrap_err().0.contains("has no \"k\""));
}

#[test]
fn exports_read_back_as_the_same_key() {
    use wirelab_core::jwt::keys::{from_jwk, from_jwks, jwks, private_jwk, private_pem};
    let input = b"eyJhbGciOiJ0ZXN0In0.eyJzdWIiOiJleHBvcnQifQ";
    for (name, alg) in [("rsa.pkcs8", Alg::RS256), ("p256.pkcs8", Alg::ES256), ("p384.pkcs8", Alg::ES384), ("p521.pkcs8", Alg::ES512), ("ed25519.pkcs8", Alg::EdDSA)] {
        let key = from_pem(&pem(name)).unwrap();
        let again = from_pem(&private_pem(&key).unwrap()).unwrap();
        let from_json = from_jwk(&private_jwk(&key)).unwrap();
        let public = from_pem(&public_pem(&key).unwrap()).unwrap();
        for k in [&again, &from_json] {
            assert!(k.can_sign(), "{name}");
            assert_eq!(verify(alg, &public, input, &sign(alg, k, input, 5).unwrap()), Ok(()), "{name}");
        }
        let set = jwks(&[("one", &key), ("two", &public)]);
        let (picked, i) = from_jwks(&set, Some("two")).unwrap();
        assert_eq!((i, public_jwk(&picked)), (1, public_jwk(&key)), "{name}");
        assert!(!set.to_string().contains("\"d\""), "a JWKS never carries private members");
    }
}

#[test]
fn a_certificate_gives_its_public_key() {
    for (cert, spki) in [("rsa.cert", "rsa.spki"), ("p256.cert", "p256.spki")] {
        let from_cert = from_pem(&pem(cert)).unwrap_or_else(|e| panic!("{cert}: {e}"));
        assert_eq!(public_jwk(&from_cert), public_jwk(&from_pem(&pem(spki)).unwrap()), "{cert}");
    }
}

/// P-384 and P-521 keys are bytes in the core (their arithmetic loads separately); the PEM
/// written for them is byte for byte what the curve crates write.
#[test]
fn nist_curve_pems_are_written_as_the_curve_crates_write_them() {
    use p384::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
    for name in ["p384.pkcs8", "p521.pkcs8"] {
        let key = from_pem(&pem(name)).unwrap();
        let (public, private) = if name.starts_with("p384") {
            let k = p384::SecretKey::from_pkcs8_pem(&pem(name)).unwrap();
            (k.public_key().to_public_key_pem(LineEnding::LF).unwrap(), k.to_pkcs8_pem(LineEnding::LF).unwrap().to_string())
        } else {
            let k = p521::SecretKey::from_pkcs8_pem(&pem(name)).unwrap();
            (k.public_key().to_public_key_pem(LineEnding::LF).unwrap(), k.to_pkcs8_pem(LineEnding::LF).unwrap().to_string())
        };
        assert_eq!(public_pem(&key).unwrap(), public, "{name}");
        assert_eq!(private_pem(&key).unwrap(), private, "{name}");
    }
}
