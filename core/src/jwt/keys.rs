//! Keys as JSON Web Keys (RFC 7517, RFC 7518 section 6, RFC 8037 for OKP): an HMAC secret, an
//! RSA, P-256/384/521 or Ed25519 key pair or public key; and a JWKS with a key picked by `kid`.
//! Every problem names the member at fault.

use crate::base64url;
use crate::ext::{self, Curve};
use der::asn1::{AnyRef, BitStringRef, ObjectIdentifier};
use der::{Decode, Encode};
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, RsaPrivateKey, RsaPublicKey};
use serde_json::Value;

/// A key Wirelab can sign or verify with.
#[derive(Clone)]
pub enum Key {
    Secret(Vec<u8>),
    RsaPrivate(Box<RsaPrivateKey>),
    RsaPublic(RsaPublicKey),
    P256Private(p256::ecdsa::SigningKey),
    P256Public(p256::ecdsa::VerifyingKey),
    P384Private(EcPrivate),
    P384Public(EcPublic),
    P521Private(EcPrivate),
    P521Public(EcPublic),
    Ed25519Private(ed25519_dalek::SigningKey),
    Ed25519Public(ed25519_dalek::VerifyingKey),
}

/// A P-384 or P-521 private key: its scalar (padded to the curve's size) and its public point.
/// Their arithmetic is loaded separately (`crate::ext`); here they are bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct EcPrivate {
    pub d: Vec<u8>,
    pub point: Vec<u8>,
}

/// A P-384 or P-521 public key: an uncompressed SEC1 point, checked to be on the curve.
#[derive(Clone, PartialEq, Eq)]
pub struct EcPublic {
    pub point: Vec<u8>,
}

impl std::fmt::Debug for Key {
    /// The description only: a key's secret parts never go into logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl Key {
    /// A short description: "an HMAC secret of 32 bytes", "an RSA public key (2048 bits)".
    pub fn describe(&self) -> String {
        match self {
            Key::Secret(k) => format!("an HMAC secret of {} bytes", k.len()),
            Key::RsaPrivate(k) => format!("an RSA private key ({} bits)", k.size() * 8),
            Key::RsaPublic(k) => format!("an RSA public key ({} bits)", k.size() * 8),
            Key::P256Private(_) => "a P-256 private key".into(),
            Key::P256Public(_) => "a P-256 public key".into(),
            Key::P384Private(_) => "a P-384 private key".into(),
            Key::P384Public(_) => "a P-384 public key".into(),
            Key::P521Private(_) => "a P-521 private key".into(),
            Key::P521Public(_) => "a P-521 public key".into(),
            Key::Ed25519Private(_) => "an Ed25519 private key".into(),
            Key::Ed25519Public(_) => "an Ed25519 public key".into(),
        }
    }

    /// A P-384 or P-521 private key from its scalar, which is checked.
    pub fn ec_private(curve: Curve, d: &[u8]) -> Result<Key, KeyError> {
        let nist = ext::nist().map_err(|m| KeyError(m.to_string()))?;
        let point = nist.public_key(curve, d).map_err(KeyError)?;
        let mut padded = vec![0u8; curve.size().saturating_sub(d.len())];
        padded.extend_from_slice(d);
        let key = EcPrivate { d: padded, point };
        Ok(match curve {
            Curve::P384 => Key::P384Private(key),
            Curve::P521 => Key::P521Private(key),
        })
    }

    /// A P-384 or P-521 public key from its SEC1 point, which is checked to be on the curve.
    pub fn ec_public(curve: Curve, point: Vec<u8>) -> Result<Key, KeyError> {
        let nist = ext::nist().map_err(|m| KeyError(m.to_string()))?;
        nist.check_point(curve, &point).map_err(KeyError)?;
        let key = EcPublic { point };
        Ok(match curve {
            Curve::P384 => Key::P384Public(key),
            Curve::P521 => Key::P521Public(key),
        })
    }

    /// Whether this key can sign (a secret or a private key).
    pub fn can_sign(&self) -> bool {
        matches!(self, Key::Secret(_) | Key::RsaPrivate(_) | Key::P256Private(_) | Key::P384Private(_) | Key::P521Private(_) | Key::Ed25519Private(_))
    }
}

/// The key's public half as a JWK (for a secret: the secret itself, as `oct`).
pub fn public_jwk(key: &Key) -> Value {
    let b = |bytes: &[u8]| Value::String(base64url::encode(bytes));
    let ec = |crv: &str, point: &[u8]| {
        let size = (point.len() - 1) / 2;
        serde_json::json!({ "kty": "EC", "crv": crv, "x": b(&point[1..1 + size]), "y": b(&point[1 + size..]) })
    };
    match key {
        Key::Secret(k) => serde_json::json!({ "kty": "oct", "k": b(k) }),
        Key::RsaPrivate(k) => serde_json::json!({ "kty": "RSA", "n": b(&k.n().to_bytes_be()), "e": b(&k.e().to_bytes_be()) }),
        Key::RsaPublic(k) => serde_json::json!({ "kty": "RSA", "n": b(&k.n().to_bytes_be()), "e": b(&k.e().to_bytes_be()) }),
        Key::P256Private(k) => ec("P-256", k.verifying_key().to_encoded_point(false).as_bytes()),
        Key::P256Public(k) => ec("P-256", k.to_encoded_point(false).as_bytes()),
        Key::P384Private(EcPrivate { point, .. }) | Key::P384Public(EcPublic { point }) => ec("P-384", point),
        Key::P521Private(EcPrivate { point, .. }) | Key::P521Public(EcPublic { point }) => ec("P-521", point),
        Key::Ed25519Private(k) => serde_json::json!({ "kty": "OKP", "crv": "Ed25519", "x": b(k.verifying_key().as_bytes()) }),
        Key::Ed25519Public(k) => serde_json::json!({ "kty": "OKP", "crv": "Ed25519", "x": b(k.as_bytes()) }),
    }
}

/// The largest RSA modulus read, in bits. JWTs use 2048 to 4096; a larger key would make each
/// signature take seconds, so it is refused before any arithmetic (the RSA crates stop at 4096
/// too).
pub const RSA_BITS_MAX: usize = 4096;

fn rsa_too_large(bits: usize) -> KeyError {
    KeyError(format!("the RSA key has {bits} bits; keys of up to {RSA_BITS_MAX} bits are read here (JWTs use 2048 to 4096)"))
}

/// Why a JWK or JWKS was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError(pub String);

impl std::fmt::Display for KeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn member<'a>(jwk: &'a Value, name: &str) -> Result<&'a str, KeyError> {
    match jwk.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(KeyError(format!("the JWK's \"{name}\" must be a string"))),
        None => Err(KeyError(format!("the JWK has no \"{name}\""))),
    }
}

fn bytes(jwk: &Value, name: &str) -> Result<Vec<u8>, KeyError> {
    base64url::decode(member(jwk, name)?).map_err(|e| KeyError(format!("the JWK's \"{name}\" is not base64url: {e:?}")))
}

fn uint(jwk: &Value, name: &str) -> Result<BigUint, KeyError> {
    Ok(BigUint::from_bytes_be(&bytes(jwk, name)?))
}

/// The x and y of an EC key as an uncompressed SEC1 point, each padded to `size` bytes.
fn point(jwk: &Value, size: usize) -> Result<Vec<u8>, KeyError> {
    let (x, y) = (bytes(jwk, "x")?, bytes(jwk, "y")?);
    if x.len() != size || y.len() != size {
        return Err(KeyError(format!("on this curve \"x\" and \"y\" are {size} bytes each; found {} and {}", x.len(), y.len())));
    }
    Ok([vec![4u8], x, y].concat())
}

/// Reads one JWK. A private member (`d`) makes a private key.
pub fn from_jwk(jwk: &Value) -> Result<Key, KeyError> {
    if !jwk.is_object() {
        return Err(KeyError("a JWK is a JSON object with a \"kty\"".into()));
    }
    let private = jwk.get("d").is_some();
    match member(jwk, "kty")? {
        "oct" => Ok(Key::Secret(bytes(jwk, "k")?)),
        "RSA" => {
            let (n, e) = (uint(jwk, "n")?, uint(jwk, "e")?);
            if n.bits() > RSA_BITS_MAX {
                return Err(rsa_too_large(n.bits()));
            }
            // Zero or tiny values make the RSA crate's arithmetic underflow (it panics); no real
            // key has them, so they are refused first.
            if n.bits() < 512 {
                return Err(KeyError(format!("the RSA modulus \"n\" has {} bits; an RSA key has at least 512 (JWTs use 2048 to 4096)", n.bits())));
            }
            if e.bits() < 2 {
                return Err(KeyError("the RSA exponent \"e\" must be at least 3 (it is usually 65537, \"AQAB\")".into()));
            }
            if private {
                let primes = match (jwk.get("p"), jwk.get("q")) {
                    (Some(_), Some(_)) => vec![uint(jwk, "p")?, uint(jwk, "q")?],
                    _ => Vec::new(),
                };
                if uint(jwk, "d")?.bits() < 2 || primes.iter().any(|p| p.bits() < 2) {
                    return Err(KeyError("the RSA private key is not consistent: \"d\", \"p\" and \"q\" must be greater than 1".into()));
                }
                let key = RsaPrivateKey::from_components(n, e, uint(jwk, "d")?, primes).map_err(|e| KeyError(format!("the RSA private key is not consistent: {e}")))?;
                key.validate().map_err(|e| KeyError(format!("the RSA private key is not consistent: {e}")))?;
                Ok(Key::RsaPrivate(Box::new(key)))
            } else {
                RsaPublicKey::new(n, e).map(Key::RsaPublic).map_err(|e| KeyError(format!("the RSA public key is not usable: {e}")))
            }
        }
        "EC" => {
            let crv = member(jwk, "crv")?;
            let bad = |e: &dyn std::fmt::Display| KeyError(format!("the {crv} key is not valid: {e}"));
            match (crv, private) {
                ("P-256", true) => p256::ecdsa::SigningKey::from_slice(&bytes(jwk, "d")?).map(Key::P256Private).map_err(|e| bad(&e)),
                ("P-256", false) => p256::ecdsa::VerifyingKey::from_sec1_bytes(&point(jwk, 32)?).map(Key::P256Public).map_err(|e| bad(&e)),
                ("P-384", true) => Key::ec_private(Curve::P384, &bytes(jwk, "d")?),
                ("P-384", false) => Key::ec_public(Curve::P384, point(jwk, 48)?),
                ("P-521", true) => Key::ec_private(Curve::P521, &bytes(jwk, "d")?),
                ("P-521", false) => Key::ec_public(Curve::P521, point(jwk, 66)?),
                (other, _) => Err(KeyError(format!("the curve “{other}” is not one of P-256, P-384, P-521"))),
            }
        }
        "OKP" => {
            let crv = member(jwk, "crv")?;
            if crv != "Ed25519" {
                return Err(KeyError(format!("the OKP curve “{crv}” is not Ed25519")));
            }
            let fixed = |name: &str| -> Result<[u8; 32], KeyError> {
                let b = bytes(jwk, name)?;
                b.as_slice().try_into().map_err(|_| KeyError(format!("an Ed25519 \"{name}\" is 32 bytes, not {}", b.len())))
            };
            if private {
                Ok(Key::Ed25519Private(ed25519_dalek::SigningKey::from_bytes(&fixed("d")?)))
            } else {
                ed25519_dalek::VerifyingKey::from_bytes(&fixed("x")?).map(Key::Ed25519Public).map_err(|_| KeyError("the Ed25519 \"x\" is not a point on the curve".into()))
            }
        }
        other => Err(KeyError(format!("the key type “{other}” is not one of oct, RSA, EC, OKP"))),
    }
}

/// Picks the key for `kid` from a JWKS (`{"keys": [...]}`); with no `kid`, the only key.
pub fn from_jwks(jwks: &Value, kid: Option<&str>) -> Result<(Key, usize), KeyError> {
    let Some(Value::Array(keys)) = jwks.get("keys") else {
        return Err(KeyError("a JWKS is a JSON object with a \"keys\" array".into()));
    };
    let index = match kid {
        Some(kid) => keys.iter().position(|k| k.get("kid").and_then(Value::as_str) == Some(kid)).ok_or_else(|| {
            let known: Vec<&str> = keys.iter().filter_map(|k| k.get("kid").and_then(Value::as_str)).collect();
            KeyError(format!("no key in the JWKS has kid “{kid}”; its kids are: {}", if known.is_empty() { "none".to_string() } else { known.join(", ") }))
        })?,
        None if keys.len() == 1 => 0,
        None => return Err(KeyError(format!("the token has no \"kid\" and the JWKS holds {} keys: which one signed it is unknown", keys.len()))),
    };
    from_jwk(&keys[index]).map(|k| (k, index))
}

/// Reads a PEM key: SPKI (`PUBLIC KEY`), PKCS#1 (`RSA PUBLIC KEY`, `RSA PRIVATE KEY`), PKCS#8
/// (`PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`), for RSA, P-256, P-384, P-521 and Ed25519.
pub fn from_pem(text: &str) -> Result<Key, KeyError> {
    let key = pem_key(text)?;
    match &key {
        Key::RsaPrivate(k) if k.size() * 8 > RSA_BITS_MAX => Err(rsa_too_large(k.size() * 8)),
        Key::RsaPublic(k) if k.size() * 8 > RSA_BITS_MAX => Err(rsa_too_large(k.size() * 8)),
        _ => Ok(key),
    }
}

fn pem_key(text: &str) -> Result<Key, KeyError> {
    use ed25519_dalek::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _};
    use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
    let text = text.trim();
    let label = text.lines().next().unwrap_or("").trim();
    let fail = |what: &str| KeyError(format!("the PEM block is labelled {label} but is not a valid {what}"));
    match label {
        "-----BEGIN PUBLIC KEY-----" => {
            if let Ok(k) = RsaPublicKey::from_public_key_pem(text) {
                return Ok(Key::RsaPublic(k));
            }
            if let Ok(k) = p256::ecdsa::VerifyingKey::from_public_key_pem(text) {
                return Ok(Key::P256Public(k));
            }
            if let Some((curve, point)) = pem_der(text).as_deref().and_then(nist_spki) {
                return Key::ec_public(curve, point);
            }
            if let Ok(k) = ed25519_dalek::VerifyingKey::from_public_key_pem(text) {
                return Ok(Key::Ed25519Public(k));
            }
            Err(fail("RSA, P-256, P-384, P-521 or Ed25519 public key (SPKI)"))
        }
        "-----BEGIN RSA PUBLIC KEY-----" => RsaPublicKey::from_pkcs1_pem(text).map(Key::RsaPublic).map_err(|_| fail("PKCS#1 RSA public key")),
        "-----BEGIN RSA PRIVATE KEY-----" => RsaPrivateKey::from_pkcs1_pem(text).map(|k| Key::RsaPrivate(Box::new(k))).map_err(|_| fail("PKCS#1 RSA private key")),
        "-----BEGIN PRIVATE KEY-----" => {
            if let Ok(k) = RsaPrivateKey::from_pkcs8_pem(text) {
                return Ok(Key::RsaPrivate(Box::new(k)));
            }
            if let Ok(k) = p256::ecdsa::SigningKey::from_pkcs8_pem(text) {
                return Ok(Key::P256Private(k));
            }
            if let Some((curve, d)) = pem_der(text).as_deref().and_then(nist_pkcs8) {
                return Key::ec_private(curve, &d);
            }
            if let Ok(k) = ed25519_dalek::SigningKey::from_pkcs8_pem(text) {
                return Ok(Key::Ed25519Private(k));
            }
            Err(fail("RSA, P-256, P-384, P-521 or Ed25519 private key (PKCS#8)"))
        }
        "-----BEGIN EC PRIVATE KEY-----" => {
            if let Ok(k) = p256::SecretKey::from_sec1_pem(text) {
                return Ok(Key::P256Private(k.into()));
            }
            if let Some((curve, d)) = pem_der(text).as_deref().and_then(|der| nist_sec1(der, None)) {
                return Key::ec_private(curve, &d);
            }
            Err(fail("SEC1 EC private key on P-256, P-384 or P-521"))
        }
        "-----BEGIN CERTIFICATE-----" => {
            let body: String = text.lines().filter(|l| !l.starts_with("-----")).map(str::trim).collect();
            let der = base64url::decode(body.trim_end_matches('=').replace('+', "-").replace('/', "_").as_str()).map_err(|_| fail("base64 certificate"))?;
            let spki = certificate_spki(&der).ok_or_else(|| fail("X.509 certificate (its public key could not be found)"))?;
            let b64 = crate::base64url::encode_standard(spki);
            let lines: Vec<String> = b64.as_bytes().chunks(64).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
            from_pem(&format!("-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n", lines.join("\n")))
        }
        _ if label.starts_with("-----BEGIN") => Err(KeyError(format!("{label} is not a key type read here"))),
        _ => Err(KeyError("a PEM key starts with a line like -----BEGIN PUBLIC KEY-----".into())),
    }
}

const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const SECP521R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");

fn curve_oid(curve: Curve) -> ObjectIdentifier {
    match curve {
        Curve::P384 => SECP384R1,
        Curve::P521 => SECP521R1,
    }
}

fn oid_curve(oid: ObjectIdentifier) -> Option<Curve> {
    [Curve::P384, Curve::P521].into_iter().find(|c| curve_oid(*c) == oid)
}

/// A PEM block's DER bytes.
fn pem_der(text: &str) -> Option<Vec<u8>> {
    pem_rfc7468::decode_vec(text.as_bytes()).ok().map(|(_, der)| der)
}

/// A P-384 or P-521 SubjectPublicKeyInfo (RFC 5480): the curve and the point.
fn nist_spki(der: &[u8]) -> Option<(Curve, Vec<u8>)> {
    let spki = spki::SubjectPublicKeyInfoRef::from_der(der).ok()?;
    if spki.algorithm.oid != EC_PUBLIC_KEY {
        return None;
    }
    let curve = oid_curve(spki.algorithm.parameters_oid().ok()?)?;
    Some((curve, spki.subject_public_key.as_bytes()?.to_vec()))
}

/// A SEC1 ECPrivateKey (RFC 5915) on P-384 or P-521: the curve (from the key, else `known`)
/// and the scalar.
fn nist_sec1(der: &[u8], known: Option<Curve>) -> Option<(Curve, Vec<u8>)> {
    let key = sec1::EcPrivateKey::from_der(der).ok()?;
    let named = key.parameters.and_then(|p| p.named_curve()).map(oid_curve);
    let curve = match (named, known) {
        (Some(Some(c)), Some(k)) if c != k => return None,
        (Some(c), _) => c?,
        (None, k) => k?,
    };
    Some((curve, key.private_key.to_vec()))
}

/// A PKCS#8 PrivateKeyInfo (RFC 5208, RFC 5915 section 3) holding a P-384 or P-521 key.
fn nist_pkcs8(der: &[u8]) -> Option<(Curve, Vec<u8>)> {
    let info = pkcs8::PrivateKeyInfo::from_der(der).ok()?;
    if info.algorithm.oid != EC_PUBLIC_KEY {
        return None;
    }
    let curve = oid_curve(info.algorithm.parameters_oid().ok()?)?;
    nist_sec1(info.private_key, Some(curve))
}

fn algorithm(curve: Curve) -> spki::AlgorithmIdentifierRef<'static> {
    // A constant's reference lives for the whole program.
    static OIDS: [ObjectIdentifier; 2] = [SECP384R1, SECP521R1];
    let oid: &'static ObjectIdentifier = if curve == Curve::P384 { &OIDS[0] } else { &OIDS[1] };
    spki::AlgorithmIdentifierRef { oid: EC_PUBLIC_KEY, parameters: Some(AnyRef::from(oid)) }
}

/// The SPKI PEM of a P-384 or P-521 point, as OpenSSL and the RustCrypto curves write it.
fn nist_public_pem(curve: Curve, point: &[u8]) -> Option<String> {
    let spki = spki::SubjectPublicKeyInfoRef { algorithm: algorithm(curve), subject_public_key: BitStringRef::from_bytes(point).ok()? };
    pem_rfc7468::encode_string("PUBLIC KEY", pem_rfc7468::LineEnding::LF, &spki.to_der().ok()?).ok()
}

/// The PKCS#8 PEM of a P-384 or P-521 private key (with its public point, RFC 5915).
fn nist_private_pem(curve: Curve, key: &EcPrivate) -> Option<String> {
    let inner = sec1::EcPrivateKey { private_key: &key.d, parameters: None, public_key: Some(&key.point) }.to_der().ok()?;
    let info = pkcs8::PrivateKeyInfo::new(algorithm(curve), &inner);
    pem_rfc7468::encode_string("PRIVATE KEY", pem_rfc7468::LineEnding::LF, &info.to_der().ok()?).ok()
}

/// One DER element at the start of `b`: (tag, the element's content, the rest after it).
fn der(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *b.first()?;
    let first = *b.get(1)? as usize;
    let (len, head) = if first < 0x80 {
        (first, 2)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *b.get(2 + i)? as usize;
        }
        (len, 2 + n)
    };
    let end = head.checked_add(len)?;
    Some((tag, b.get(head..end)?, b.get(end..)?))
}

/// The SubjectPublicKeyInfo of an X.509 certificate (RFC 5280 section 4.1), whole, as DER.
pub fn certificate_spki(cert: &[u8]) -> Option<&[u8]> {
    let (0x30, certificate, _) = der(cert)? else { return None };
    let (0x30, tbs, _) = der(certificate)? else { return None };
    let mut rest = tbs;
    // An optional [0] version, then serial, signature algorithm, issuer, validity, subject.
    if rest.first() == Some(&0xa0) {
        rest = der(rest)?.2;
    }
    for _ in 0..5 {
        rest = der(rest)?.2;
    }
    let (tag, content, after) = der(rest)?;
    (tag == 0x30).then(|| &rest[..rest.len() - after.len()]).filter(|_| !content.is_empty())
}

/// The public key as PEM (SPKI), as a server would keep it on disk; `None` for a secret.
pub fn public_pem(key: &Key) -> Option<String> {
    use rsa::pkcs8::{EncodePublicKey, LineEnding};
    let lf = LineEnding::LF;
    match key {
        Key::RsaPrivate(k) => k.to_public_key().to_public_key_pem(lf).ok(),
        Key::RsaPublic(k) => k.to_public_key_pem(lf).ok(),
        Key::P256Private(k) => k.verifying_key().to_public_key_pem(lf).ok(),
        Key::P256Public(k) => k.to_public_key_pem(lf).ok(),
        Key::P384Private(EcPrivate { point, .. }) | Key::P384Public(EcPublic { point }) => nist_public_pem(Curve::P384, point),
        Key::P521Private(EcPrivate { point, .. }) | Key::P521Public(EcPublic { point }) => nist_public_pem(Curve::P521, point),
        Key::Ed25519Private(k) => k.verifying_key().to_public_key_pem(lf).ok(),
        Key::Ed25519Public(k) => k.to_public_key_pem(lf).ok(),
        Key::Secret(_) => None,
    }
}

/// The private key as PEM (PKCS#8); `None` for a public key or a secret.
pub fn private_pem(key: &Key) -> Option<String> {
    use rsa::pkcs8::{EncodePrivateKey, LineEnding};
    let pem = match key {
        Key::RsaPrivate(k) => k.to_pkcs8_pem(LineEnding::LF).ok()?,
        Key::P256Private(k) => k.to_pkcs8_pem(LineEnding::LF).ok()?,
        Key::P384Private(k) => return nist_private_pem(Curve::P384, k),
        Key::P521Private(k) => return nist_private_pem(Curve::P521, k),
        Key::Ed25519Private(k) => k.to_pkcs8_pem(LineEnding::LF).ok()?,
        _ => return None,
    };
    Some(pem.to_string())
}

/// The whole key as a JWK, private members included (RFC 7518 section 6).
pub fn private_jwk(key: &Key) -> Value {
    let b = |bytes: &[u8]| Value::String(base64url::encode(bytes));
    let mut jwk = public_jwk(key);
    let Some(o) = jwk.as_object_mut() else { return jwk };
    match key {
        Key::RsaPrivate(k) => {
            use rsa::traits::PrivateKeyParts;
            o.insert("d".into(), b(&k.d().to_bytes_be()));
            if let [p, q] = k.primes() {
                o.insert("p".into(), b(&p.to_bytes_be()));
                o.insert("q".into(), b(&q.to_bytes_be()));
            }
        }
        Key::P256Private(k) => {
            o.insert("d".into(), b(&k.to_bytes()));
        }
        Key::P384Private(k) | Key::P521Private(k) => {
            o.insert("d".into(), b(&k.d));
        }
        Key::Ed25519Private(k) => {
            o.insert("d".into(), b(&k.to_bytes()));
        }
        _ => {}
    }
    jwk
}

/// A JWKS of the public halves of `keys`, each with its kid.
pub fn jwks(keys: &[(&str, &Key)]) -> Value {
    let list: Vec<Value> = keys
        .iter()
        .map(|(kid, k)| {
            let mut jwk = public_jwk(k);
            if let Some(o) = jwk.as_object_mut() {
                o.insert("kid".into(), Value::String(kid.to_string()));
                o.insert("use".into(), Value::String("sig".into()));
            }
            jwk
        })
        .collect();
    serde_json::json!({ "keys": list })
}

/// Reads a key in any form a person pastes: a JWK, a JWKS (picking `kid`), or PEM. The
/// second value says which key of a JWKS was taken.
pub fn parse_any(text: &str, kid: Option<&str>) -> Result<(Key, Option<usize>), KeyError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(KeyError("no key given".into()));
    }
    if t.starts_with('{') {
        let v: Value = serde_json::from_str(t).map_err(|e| KeyError(format!("the key is not JSON (line {}, column {}): paste a JWK, a JWKS or a PEM key", e.line(), e.column())))?;
        if v.get("keys").is_some() {
            return from_jwks(&v, kid).map(|(k, i)| (k, Some(i)));
        }
        return from_jwk(&v).map(|k| (k, None));
    }
    if t.starts_with("-----BEGIN") {
        return from_pem(t).map(|k| (k, None));
    }
    Err(KeyError("paste a JWK ({\"kty\": …}), a JWKS ({\"keys\": […]}) or a PEM key (-----BEGIN …)".into()))
}
