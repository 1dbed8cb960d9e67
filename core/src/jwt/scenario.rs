//! The JWT lab's inputs: the token as pasted, the verifier's keys and rules, and the moment of
//! verification; and the built-in scenarios, whose tokens are signed here with real keys.

use super::alg::Alg;
use super::keys::{from_jwk, public_jwk, public_pem, Key};
use super::sign::sign;
use crate::base64url;
use crate::scenario::{FieldError, Scenario};
use serde::{Deserialize, Serialize};

/// How the HMAC secret's text becomes bytes: the most common confusion with HS256.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SecretEncoding {
    #[default]
    Utf8,
    Base64,
    Base64url,
    Hex,
}

/// Which verifier checks the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Verifier {
    /// Checks as RFC 8725 advises: an allowed list of algorithms, keys of the right kind from
    /// the verifier's own configuration, every time claim.
    #[default]
    Strict,
    /// Trusts the token: takes `alg` from the header (even `none`), uses a key the header
    /// supplies, reads a key file named by `kid`, and skips an empty signature, as vulnerable
    /// libraries and hand-written verifiers have.
    Naive,
}

/// What the lab shows: one token verified, or tokens living in an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    #[default]
    Verify,
    App,
}

/// The JWT lab's scenario, version 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JwtScenario {
    pub v: u32,
    /// What was pasted: a token, a `Bearer` header, a URL or text containing a token.
    pub token: String,
    /// The verifier's public key: a JWK, a JWKS, or PEM. Not secret; kept in links.
    pub public_key: String,
    /// An HMAC secret, or a private key (JWK or PEM). Left out of links unless asked.
    pub secret: String,
    pub secret_encoding: SecretEncoding,
    pub verifier: Verifier,
    /// The algorithms the verifier accepts.
    pub allowed: Vec<String>,
    /// The moment of verification, in seconds since 1970; `None`: the real time.
    pub now: Option<i64>,
    /// Clock skew tolerated for exp, nbf and iat, in seconds.
    pub skew_s: u32,
    /// The `aud` this verifier is (empty: not checked).
    pub audience: String,
    /// The `iss` it trusts (empty: not checked).
    pub issuer: String,
    pub mode: Mode,
    /// The application flow's token lifetimes and refresh policy.
    pub access_ttl_s: u32,
    pub refresh_ttl_s: u32,
    pub rotation: bool,
    pub reuse_detection: bool,
}

impl Default for JwtScenario {
    fn default() -> Self {
        presets().into_iter().next().map(|p| p.2).unwrap_or_else(|| JwtScenario {
            v: 1,
            token: String::new(),
            public_key: String::new(),
            secret: String::new(),
            secret_encoding: SecretEncoding::Utf8,
            verifier: Verifier::Strict,
            allowed: Vec::new(),
            now: None,
            skew_s: 60,
            audience: String::new(),
            issuer: String::new(),
            mode: Mode::Verify,
            access_ttl_s: 900,
            refresh_ttl_s: 14 * 86_400,
            rotation: true,
            reuse_detection: true,
        })
    }
}

pub mod limits {
    pub const TEXT_MAX: usize = 64 * 1024;
    pub const SKEW_MAX: u32 = 86_400;
}

/// The secret's bytes under its encoding, or why they cannot be read.
pub fn secret_bytes(text: &str, encoding: SecretEncoding) -> Result<Vec<u8>, String> {
    match encoding {
        SecretEncoding::Utf8 => Ok(text.as_bytes().to_vec()),
        SecretEncoding::Base64url => base64url::decode(text.trim().trim_end_matches('=')).map_err(|e| format!("not base64url: {e:?}")),
        SecretEncoding::Base64 => base64url::decode(&text.trim().trim_end_matches('=').replace('+', "-").replace('/', "_")).map_err(|e| format!("not base64: {e:?}")),
        SecretEncoding::Hex => crate::trace::hex_bytes::decode(&text.trim().to_ascii_lowercase()).ok_or_else(|| "not hex: an even number of 0-9 and a-f".into()),
    }
}

impl Scenario for JwtScenario {
    const LAB: &'static str = "jwt";
    const VERSION: u32 = 1;
    const SECRET_FIELDS: &'static [&'static str] = &["secret"];

    fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        for (key, text) in [("token", &self.token), ("public_key", &self.public_key), ("secret", &self.secret)] {
            if text.len() > limits::TEXT_MAX {
                errors.push(FieldError::new(key, format!("{} characters; at most {}", text.len(), limits::TEXT_MAX)));
            }
        }
        if let Some(bad) = self.allowed.iter().find(|a| Alg::from_name(a).is_none()) {
            errors.push(FieldError::new("allowed", format!("“{bad}” is not an algorithm name (they are case-sensitive: HS256, RS256, ES256, EdDSA, …)")));
        }
        if !(60..=86_400).contains(&self.access_ttl_s) {
            errors.push(FieldError::new("access_ttl_s", "from 60 s to 1 day"));
        }
        if self.refresh_ttl_s < self.access_ttl_s || self.refresh_ttl_s > 365 * 86_400 {
            errors.push(FieldError::new("refresh_ttl_s", "at least the access token's lifetime, at most a year"));
        }
        if self.skew_s > limits::SKEW_MAX {
            errors.push(FieldError::new("skew_s", format!("at most {} s", limits::SKEW_MAX)));
        }
        if !self.secret.is_empty() && !self.secret.trim_start().starts_with(['{', '-']) {
            if let Err(e) = secret_bytes(&self.secret, self.secret_encoding) {
                errors.push(FieldError::new("secret", format!("the secret is {e}")));
            }
        }
        errors
    }
}

// The keys the built-in scenarios use. They are published test keys or derived from fixed
// bytes: demonstration keys that protect nothing.
const RFC7515: &str = include_str!("rfc7515_a2_key.json");

/// The RSA key of RFC 7515 appendix A.2: the JWT lab's issuer, and the OAuth lab's
/// authorization server's RS256 key.
pub fn issuer_key() -> Option<Key> {
    from_jwk(&serde_json::from_str(RFC7515).ok()?).ok()
}

fn attacker_key() -> Key {
    Key::Ed25519Private(ed25519_dalek::SigningKey::from_bytes(&[0x66; 32]))
}

/// A compact token of `header` and `payload` JSON text signed with `key` (none: empty signature).
pub fn make_token(header: &str, payload: &str, alg: Alg, key: Option<&Key>) -> String {
    let input = format!("{}.{}", base64url::encode(header.as_bytes()), base64url::encode(payload.as_bytes()));
    let signature = key.and_then(|k| sign(alg, k, input.as_bytes(), 1).ok()).unwrap_or_default();
    format!("{input}.{}", base64url::encode(&signature))
}

/// The time the built-in scenarios are set at: 2026-11-22 10:00:00 UTC.
pub const PRESET_NOW: i64 = 1_795_341_600;
/// A strong HMAC secret (32 random-looking bytes as base64url) for the HS256 scenarios.
pub const STRONG_SECRET: &str = "q7V0f2xY8gJmR3sLw9KcT1nZpB6eHuAaD4iOvN5yXtE";

fn claims(sub: &str, extra: &str, iat: i64, exp: i64) -> String {
    format!("{{\"iss\":\"https://auth.example.com\",\"sub\":\"{sub}\",\"aud\":\"api.example.com\",\"iat\":{iat},\"exp\":{exp}{extra}}}")
}

/// The built-in scenarios: (id, title, scenario).
///
/// Made once per thread and then copied: they are fixed (every signature in them is
/// deterministic), and making them signs a dozen tokens, which is too slow to repeat for every
/// scenario read (a scenario's missing keys take the first preset's values; a fuzz finding:
/// reading one scenario took 17 ms natively).
pub fn presets() -> Vec<(&'static str, &'static str, JwtScenario)> {
    thread_local! {
        static PRESETS: std::cell::OnceCell<Vec<(&'static str, &'static str, JwtScenario)>> = const { std::cell::OnceCell::new() };
    }
    PRESETS.with(|p| p.get_or_init(make_presets).clone())
}

fn make_presets() -> Vec<(&'static str, &'static str, JwtScenario)> {
    let Some(rsa) = issuer_key() else { return Vec::new() };
    let public = serde_json::to_string_pretty(&public_jwk(&rsa)).unwrap_or_default();
    let pem = public_pem(&rsa).unwrap_or_default();
    let hs_key = Key::Secret(base64url::decode(STRONG_SECRET).unwrap_or_default());
    let now = PRESET_NOW;
    let base = JwtScenario {
        v: 1,
        token: String::new(),
        public_key: public.clone(),
        secret: String::new(),
        secret_encoding: SecretEncoding::Utf8,
        verifier: Verifier::Strict,
        allowed: vec!["RS256".into()],
        now: Some(now),
        skew_s: 60,
        audience: "api.example.com".into(),
        issuer: "https://auth.example.com".into(),
        mode: Mode::Verify,
        access_ttl_s: 900,
        refresh_ttl_s: 14 * 86_400,
        rotation: true,
        reuse_detection: true,
    };
    let rs_header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"auth-2026\"}";
    let good = make_token(rs_header, &claims("alice", ",\"scope\":\"read\"", now - 60, now + 240), Alg::RS256, Some(&rsa));
    let hs = make_token("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", &claims("alice", "", now - 60, now + 840), Alg::HS256, Some(&hs_key));
    let admin = claims("alice", ",\"scope\":\"admin\"", now - 60, now + 240);
    let good_parts: Vec<&str> = good.split('.').collect();
    let tampered = format!("{}.{}.{}", good_parts[0], base64url::encode(admin.as_bytes()), good_parts.get(2).copied().unwrap_or_default());
    let none = make_token("{\"alg\":\"none\",\"typ\":\"JWT\"}", &admin, Alg::None, None);
    let confused = make_token("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", &admin, Alg::HS256, Some(&Key::Secret(pem.clone().into_bytes())));
    let attacker = attacker_key();
    let jwk_header = format!("{{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"jwk\":{}}}", public_jwk(&attacker));
    let injected = make_token(&jwk_header, &admin, Alg::EdDSA, Some(&attacker));
    let stripped = format!("{}.{}.", good_parts[0], base64url::encode(admin.as_bytes()));
    let kid_header = "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"../../../../dev/null\"}";
    let kid = make_token(kid_header, &admin, Alg::HS256, Some(&Key::Secret(Vec::new())));
    let expired = make_token(rs_header, &claims("alice", "", now - 7800, now - 7200), Alg::RS256, Some(&rsa));
    let naive = |token: String| JwtScenario { token, verifier: Verifier::Naive, ..base.clone() };
    let weak = make_token("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", &claims("alice", "", now - 60, now + 840), Alg::HS256, Some(&Key::Secret(b"Summer2025".to_vec())));
    vec![
        ("valid-rs256", "A valid RS256 token, checked step by step", JwtScenario { token: good.clone(), ..base.clone() }),
        (
            "valid-hs256",
            "A valid HS256 token with its shared secret",
            JwtScenario { token: hs, public_key: String::new(), secret: STRONG_SECRET.into(), secret_encoding: SecretEncoding::Base64url, allowed: vec!["HS256".into()], ..base.clone() },
        ),
        (
            "weak-secret",
            "A weak HS256 secret, found by a dictionary attack",
            JwtScenario { token: weak, public_key: String::new(), secret: String::new(), allowed: vec!["HS256".into()], ..base.clone() },
        ),
        ("tampered", "A tampered payload: scope read → admin", JwtScenario { token: tampered, ..base.clone() }),
        ("expired", "An expired token (exp 2 h ago)", JwtScenario { token: expired, ..base.clone() }),
        ("alg-none", "Attack: alg none, against a naive verifier", naive(none)),
        ("alg-confusion", "Attack: RS256 → HS256 with the public key as secret", naive(confused)),
        ("jwk-injection", "Attack: a key supplied in the token's header", naive(injected)),
        ("stripped", "Attack: the signature stripped", naive(stripped)),
        ("kid-injection", "Attack: kid pointing at /dev/null (simplified)", naive(kid)),
        ("app-rotation", "In an app: refresh rotation catches a stolen token", JwtScenario { mode: Mode::App, ..base.clone() }),
        ("app-no-rotation", "In an app: without rotation, a stolen refresh token works", JwtScenario { mode: Mode::App, rotation: false, reuse_detection: false, ..base.clone() }),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{from_json, to_json};

    #[test]
    fn presets_are_valid_and_links_leave_out_the_secret() {
        let p = presets();
        assert_eq!(p.len(), 12);
        for (id, _, s) in &p {
            assert!(s.validate().is_empty(), "{id}: {:?}", s.validate());
            assert_eq!(&from_json::<JwtScenario>(&to_json(s, true)).unwrap(), s, "{id}");
        }
        let hs = &p[1].2;
        assert!(!to_json(hs, false).contains(STRONG_SECRET));
        assert!(to_json(hs, true).contains(STRONG_SECRET));
    }

    #[test]
    fn secrets_read_under_each_encoding() {
        assert_eq!(secret_bytes("abc", SecretEncoding::Utf8).unwrap(), b"abc");
        assert_eq!(secret_bytes("YWJj", SecretEncoding::Base64).unwrap(), b"abc");
        assert_eq!(secret_bytes("+/8=", SecretEncoding::Base64).unwrap(), [0xfb, 0xff]);
        assert_eq!(secret_bytes("-_8", SecretEncoding::Base64url).unwrap(), [0xfb, 0xff]);
        assert_eq!(secret_bytes("FBff", SecretEncoding::Hex).unwrap(), [0xfb, 0xff]);
        assert!(secret_bytes("xyz", SecretEncoding::Hex).is_err());
    }
}

/// What the editor holds, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwtForm {
    pub token: String,
    pub public_key: String,
    pub secret: String,
    pub secret_encoding: SecretEncoding,
    pub verifier: Verifier,
    /// Algorithm names separated by commas or spaces.
    pub allowed: String,
    /// A UTC time or seconds since 1970; empty: the real time.
    pub now: String,
    pub skew_s: String,
    pub audience: String,
    pub issuer: String,
    pub mode: Mode,
    pub access_ttl_s: String,
    pub refresh_ttl_s: String,
    pub rotation: bool,
    pub reuse_detection: bool,
}

impl From<&JwtScenario> for JwtForm {
    fn from(s: &JwtScenario) -> JwtForm {
        JwtForm {
            token: s.token.clone(),
            public_key: s.public_key.clone(),
            secret: s.secret.clone(),
            secret_encoding: s.secret_encoding,
            verifier: s.verifier,
            allowed: s.allowed.join(", "),
            now: s.now.map(crate::civil::utc).unwrap_or_default(),
            skew_s: s.skew_s.to_string(),
            audience: s.audience.clone(),
            issuer: s.issuer.clone(),
            mode: s.mode,
            access_ttl_s: s.access_ttl_s.to_string(),
            refresh_ttl_s: s.refresh_ttl_s.to_string(),
            rotation: s.rotation,
            reuse_detection: s.reuse_detection,
        }
    }
}

impl JwtForm {
    /// The scenario the form describes, or every field's problem.
    pub fn parse(&self) -> Result<JwtScenario, Vec<FieldError>> {
        let mut errors = Vec::new();
        let now = if self.now.trim().is_empty() {
            None
        } else {
            match crate::civil::parse_utc(&self.now) {
                Ok(n) => Some(n),
                Err(e) => {
                    errors.push(FieldError::new("now", e));
                    None
                }
            }
        };
        let skew_s = match self.skew_s.trim().parse::<u32>() {
            Ok(v) => v,
            Err(_) => {
                errors.push(FieldError::new("skew_s", format!("“{}” is not a whole number of seconds", self.skew_s.trim())));
                0
            }
        };
        let mut seconds = |key: &str, text: &str| match text.trim().parse::<u32>() {
            Ok(v) => v,
            Err(_) => {
                errors.push(FieldError::new(key, format!("“{}” is not a whole number of seconds", text.trim())));
                0
            }
        };
        let access_ttl_s = seconds("access_ttl_s", &self.access_ttl_s);
        let refresh_ttl_s = seconds("refresh_ttl_s", &self.refresh_ttl_s);
        let allowed: Vec<String> = self.allowed.split([',', ' ']).map(str::trim).filter(|a| !a.is_empty()).map(String::from).collect();
        let s = JwtScenario {
            v: JwtScenario::VERSION,
            token: self.token.clone(),
            public_key: self.public_key.clone(),
            secret: self.secret.clone(),
            secret_encoding: self.secret_encoding,
            verifier: self.verifier,
            allowed,
            now,
            skew_s,
            audience: self.audience.trim().to_string(),
            issuer: self.issuer.trim().to_string(),
            mode: self.mode,
            access_ttl_s,
            refresh_ttl_s,
            rotation: self.rotation,
            reuse_detection: self.reuse_detection,
        };
        crate::scenario::checked(s, errors)
    }
}

#[cfg(test)]
mod form_tests {
    use super::*;

    #[test]
    fn every_preset_round_trips_through_the_form() {
        for (id, _, s) in presets() {
            assert_eq!(JwtForm::from(&s).parse().unwrap(), s, "{id}");
        }
        let mut f = JwtForm::from(&JwtScenario::default());
        f.now = "soon".into();
        f.allowed = "RS256, hs256".into();
        let e = f.parse().unwrap_err();
        assert_eq!(e.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["now", "allowed"]);
    }
}
