//! Verification as a trace: the client sends the token, and the API checks it one step at a
//! time (split, header, payload, algorithm, key, key kind, signature, each claim) until it
//! accepts or rejects, answering 200 or 401 (RFC 6750 section 3). A strict verifier follows
//! RFC 8725; a naive one trusts what the token says, as the attack scenarios show.

use super::alg::{Alg, Family};
use super::keys::{from_jwk, parse_any, public_pem, Key};
use super::scenario::{secret_bytes, JwtScenario, Verifier};
use super::sign::{self, SignError};
use super::token::{decode, find, Decoded, Payload};
use crate::civil::{relative, utc};
use crate::trace::{hex_bytes, Actor, ActorState, ByteRange, Field, SimTime, SpecRef, StateChange, Step, StepKind, Trace, Var};
use serde_json::Value;

pub const CLIENT: usize = 0;
pub const API: usize = 1;
pub const KEYS: usize = 2;

/// What the verifier concluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Accepted,
    /// Rejected, with the reason and the label of the step that decided.
    Rejected { reason: String, at: String },
}

struct Run {
    trace: Trace,
    t: u64,
    verdict: Option<Verdict>,
    checks: Vec<(String, String)>,
}

fn field(name: &str, value: String, bytes: Option<ByteRange>, note: &str) -> Field {
    Field { name: name.into(), value, bytes, note: note.into(), points_to: None }
}

fn rfc(n: u32, section: &str, title: &str) -> SpecRef {
    SpecRef::rfc(n, section, title)
}

impl Run {
    fn state(&self) -> ActorState {
        let vars = self.checks.iter().map(|(name, value)| Var { name: name.clone(), value: value.clone() }).collect();
        ActorState { name: match &self.verdict { None => "checking".into(), Some(Verdict::Accepted) => "accepted".into(), Some(Verdict::Rejected { .. }) => "rejected".into() }, vars }
    }

    #[allow(clippy::too_many_arguments)]
    fn step(&mut self, from: usize, to: usize, label: String, fields: Vec<Field>, bytes: Vec<u8>, bytes_label: &str, explanation: String, spec: Vec<SpecRef>) {
        let before = self.state();
        let at = SimTime(self.t);
        self.t += 1000;
        let kind = if from == to { StepKind::Local } else { StepKind::Message };
        let arrives = (from != to).then_some(SimTime(self.t));
        self.trace.steps.push(Step { at, arrives, kind, from, to, label, fields, bytes, bytes_label: bytes_label.into(), states: vec![StateChange { actor: API, before: before.clone(), after: before }], explanation, spec });
    }

    fn pass(&mut self, check: &str, value: &str) {
        self.checks.push((check.into(), value.into()));
        if let Some(last) = self.trace.steps.last_mut() {
            last.states[0].after = ActorState { name: "checking".into(), vars: self.checks.iter().map(|(n, v)| Var { name: n.clone(), value: v.clone() }).collect() };
        }
    }

    fn reject(&mut self, reason: String) {
        let at = self.trace.steps.last().map(|s| s.label.clone()).unwrap_or_default();
        self.verdict = Some(Verdict::Rejected { reason, at });
        let after = self.state();
        if let Some(last) = self.trace.steps.last_mut() {
            last.states[0].after = after;
        }
    }
}

/// Known claim names and what they mean (RFC 7519 section 4.1).
fn claim_note(name: &str) -> &'static str {
    match name {
        "iss" => "issuer: who made the token",
        "sub" => "subject: whom it is about",
        "aud" => "audience: who may accept it",
        "exp" => "expiration time",
        "nbf" => "not before",
        "iat" => "issued at",
        "jti" => "JWT ID: unique per token, for replay checks",
        "alg" => "how the token is signed",
        "typ" => "media type of the whole token",
        "kid" => "which key signed it",
        "jwk" => "a key carried in the token: never trusted by a careful verifier",
        "jku" => "a URL to fetch keys from: trusted only against an allow list",
        "x5c" => "a certificate chain in the token: trusted only if it chains to a known CA",
        "cty" => "media type of the payload",
        _ => "",
    }
}

fn time_text(v: &Value, now: i64) -> Option<String> {
    let secs = v.as_f64()? as i64;
    Some(format!("{} ({})", utc(secs), relative(secs, now)))
}

/// Verifies the scenario's token at its `now` (or `real_now`) and returns the trace.
pub fn run(s: &JwtScenario, real_now: i64) -> Trace {
    let actors = vec![
        Actor { id: "client".into(), name: "Client".into(), detail: "holds the token".into() },
        Actor { id: "api".into(), name: "API".into(), detail: match s.verifier { Verifier::Strict => "strict verifier".into(), Verifier::Naive => "naive verifier".into() } },
        Actor { id: "keys".into(), name: "Keys".into(), detail: "its configured keys".into() },
    ];
    let mut r = Run { trace: Trace::new("jwt", "JWT: verified step by step", actors), t: 0, verdict: None, checks: Vec::new() };
    let now = s.now.unwrap_or(real_now);
    verify_into(&mut r, s, now);
    let verdict = r.verdict.clone().unwrap_or(Verdict::Accepted);
    // The answer the client gets.
    let (status, response, line) = match &verdict {
        Verdict::Accepted => ("200 OK", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n".to_string(), "Accepted: the API serves the request.".to_string()),
        Verdict::Rejected { reason, at } => {
            let quoted = reason.replace('"', "'");
            (
                "401 Unauthorized",
                format!("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer error=\"invalid_token\", error_description=\"{quoted}\"\r\nContent-Length: 0\r\n\r\n"),
                format!("Rejected at “{at}”: {reason}."),
            )
        }
    };
    let bytes = response.as_bytes().to_vec();
    let first_line = response.find("\r\n").unwrap_or(0);
    r.step(API, CLIENT, status.into(), vec![field("Status line", status.into(), Some(ByteRange::new(0, first_line)), "")], bytes, "HTTP response head", match verdict {
        Verdict::Accepted => "Every check passed, so the API trusts the claims and serves the request.".into(),
        Verdict::Rejected { .. } => "The API refuses: 401 with a WWW-Authenticate header that names the error (RFC 6750). It should not say more than that to the client; the detail belongs in its logs.".into(),
    }, vec![rfc(6750, "3", "The WWW-Authenticate Response Header Field")]);
    r.trace.summary.push(line);
    if s.verifier == Verifier::Naive {
        let strict = JwtScenario { verifier: Verifier::Strict, ..s.clone() };
        let mut other = Run { trace: Trace::new("jwt", "", Vec::new()), t: 0, verdict: None, checks: Vec::new() };
        verify_into(&mut other, &strict, now);
        r.trace.summary.push(match other.verdict {
            Some(Verdict::Rejected { reason, at }) => format!("The fix: a strict verifier (pick it in the editor) rejects this token at “{at}”: {reason}."),
            _ => "A strict verifier accepts it too.".into(),
        });
    }
    r.trace
}

fn verify_into(r: &mut Run, s: &JwtScenario, now: i64) {
    // 1. The request, and the token in it.
    let found = match find(&s.token) {
        Ok(f) => f,
        Err(e) => {
            r.step(CLIENT, API, "a request without a usable token".into(), Vec::new(), Vec::new(), "", e.to_string(), vec![rfc(6750, "2.1", "Authorization Request Header Field")]);
            r.reject(e.to_string());
            return;
        }
    };
    let token = found.token.clone();
    let mut fields = Vec::new();
    let mut offset = 0;
    for (k, part) in token.split('.').enumerate() {
        let name = match k {
            0 => "Header (base64url)",
            1 => "Payload (base64url)",
            2 => "Signature (base64url)",
            _ => "Part",
        };
        fields.push(field(name, format!("{} characters", part.len()), Some(ByteRange::new(offset, offset + part.len())), ""));
        offset += part.len() + 1;
    }
    let from = found.context.map(|c| format!(" The token was found {c} in what was pasted.")).unwrap_or_default();
    r.step(CLIENT, API, "GET /orders, Authorization: Bearer …".into(), fields, token.as_bytes().to_vec(), "the token as sent (ASCII)", format!("The client presents the token in the Authorization header. It is three base64url parts joined by dots: header, payload and signature. Anyone can read the first two; only the signature proves who made them.{from}"), vec![rfc(6750, "2.1", "Authorization Request Header Field"), rfc(7515, "7.1", "JWS Compact Serialization")]);

    // 2. Split and decode.
    let jws = match decode(&token) {
        Ok(Decoded::Jws(j)) => j,
        Ok(Decoded::Jwe { header, .. }) => {
            let fields = header.as_object().map(|o| o.iter().map(|(k, v)| field(k, v.to_string(), None, "")).collect()).unwrap_or_default();
            r.step(API, API, "an encrypted token (JWE)".into(), fields, Vec::new(), "", "Five parts: this is a JWE, an encrypted token (RFC 7516). Its header is readable; the payload is ciphertext only the holder of the decryption key can read. Wirelab does not decrypt JWEs.".into(), vec![rfc(7516, "7.1", "JWE Compact Serialization")]);
            r.reject("an encrypted token (JWE), which this API does not accept".into());
            return;
        }
        Err(e) => {
            r.step(API, API, "cannot decode the token".into(), Vec::new(), Vec::new(), "", e.to_string(), vec![rfc(7515, "5.2", "Message Signature or MAC Validation")]);
            r.reject(e.to_string());
            return;
        }
    };
    r.pass("parts", "3, base64url");

    // 3. Header.
    let header_fields = jws.header.as_object().map(|o| o.iter().map(|(k, v)| field(k, v.to_string(), None, claim_note(k))).collect()).unwrap_or_default();
    let risky: Vec<&str> = ["jwk", "jku", "x5c", "x5u"].into_iter().filter(|k| jws.header.get(*k).is_some()).collect();
    let mut why = format!("The header says how the token is signed: alg {}.", jws.alg_name);
    if !risky.is_empty() {
        why.push_str(&format!(" It also carries {}: a key or a place to fetch one, chosen by whoever made the token. A careful verifier ignores it and uses only keys it was configured with (RFC 8725 section 3.10).", risky.join(", ")));
    }
    r.step(API, API, format!("header: alg {}", jws.alg_name), header_fields, jws.header_text.as_bytes().to_vec(), "the header's JSON", why, vec![rfc(7515, "4.1", "Registered Header Parameter Names")]);

    // 4. Payload.
    let payload_fields = match &jws.payload {
        Payload::Json(Value::Object(o)) => o
            .iter()
            .map(|(k, v)| {
                let shown = if matches!(k.as_str(), "exp" | "nbf" | "iat") { time_text(v, now).map(|t| format!("{v} = {t}")).unwrap_or_else(|| v.to_string()) } else { v.to_string() };
                field(k, shown, None, claim_note(k))
            })
            .collect(),
        Payload::Json(other) => vec![field("payload", other.to_string(), None, "JSON, but not an object of claims")],
        Payload::Text { text, not_json } => vec![field("payload", text.chars().take(200).collect(), None, &format!("not JSON ({not_json})"))],
        Payload::Bytes(b) => vec![field("payload", format!("{} bytes", b.len()), None, "not text")],
    };
    r.step(API, API, "payload: the claims".into(), payload_fields, jws.payload_bytes.clone(), "the payload's bytes", "The payload is the claims, readable by anyone who has the token: never put secrets in a JWT. Nothing here can be trusted until the signature is checked.".into(), vec![rfc(7519, "4.1", "Registered Claim Names")]);

    // 5. Algorithm.
    let alg = match (jws.alg, s.verifier) {
        (None, _) => {
            r.step(API, API, format!("alg {}: unknown", jws.alg_name), Vec::new(), Vec::new(), "", format!("“{}” is not an algorithm this verifier knows (names are case-sensitive).", jws.alg_name), vec![rfc(7518, "3.1", "\"alg\" (Algorithm) Header Parameter Values for JWS")]);
            r.reject(format!("unknown algorithm “{}”", jws.alg_name));
            return;
        }
        (Some(Alg::None), Verifier::Strict) => {
            r.step(API, API, "alg none: refused".into(), Vec::new(), Vec::new(), "", "alg none means the token is not signed at all. A verifier must never accept it where signed tokens are expected (RFC 8725 section 3.1): otherwise anyone can write any claims.".into(), vec![rfc(8725, "3.1", "Perform Algorithm Verification"), rfc(7518, "3.6", "Using the Algorithm \"none\"")]);
            r.reject("alg none is not accepted".into());
            return;
        }
        (Some(Alg::None), Verifier::Naive) => {
            r.step(API, API, "alg none: accepted without a signature".into(), Vec::new(), Vec::new(), "", "The naive verifier does what the header says: alg none, so there is no signature to check. Anyone can now write any claims, here scope admin. This is the classic alg none attack.".into(), vec![rfc(8725, "3.1", "Perform Algorithm Verification")]);
            r.pass("signature", "skipped (alg none)");
            check_claims(r, s, &jws.payload, now);
            return;
        }
        (Some(a), Verifier::Strict) if !s.allowed.iter().any(|x| x == a.name()) => {
            r.step(API, API, format!("alg {}: not allowed", a.name()), Vec::new(), Vec::new(), "", format!("This API accepts only {}. The token asks for {}; a verifier that lets the token choose its algorithm is open to algorithm confusion, so the header's alg is checked against a fixed list (RFC 8725 section 3.1).", s.allowed.join(", "), a.name()), vec![rfc(8725, "3.1", "Perform Algorithm Verification")]);
            r.reject(format!("{} is not an allowed algorithm (allowed: {})", a.name(), s.allowed.join(", ")));
            return;
        }
        (Some(a), Verifier::Strict) => {
            r.step(API, API, format!("alg {}: allowed", a.name()), Vec::new(), Vec::new(), "", format!("{} is on this API's list of accepted algorithms ({}).", a.name(), s.allowed.join(", ")), vec![rfc(8725, "3.1", "Perform Algorithm Verification")]);
            a
        }
        (Some(a), Verifier::Naive) => {
            r.step(API, API, format!("alg {}: taken from the header", a.name()), Vec::new(), Vec::new(), "", format!("The naive verifier has no list of its own: it uses whatever the header says, {}. The token's author picks how it is checked.", a.name()), vec![rfc(8725, "2.1", "Weak Signatures and Insufficient Signature Validation")]);
            a
        }
    };
    r.pass("alg", alg.name());

    // 6. The key.
    let kid = jws.header.get("kid").and_then(Value::as_str);
    let key = match select_key(r, s, &jws.header, alg, kid) {
        Some(k) => k,
        None => return,
    };

    // 7. The key's kind against the algorithm.
    let fits = sign::key_fits(alg, &key);
    match (fits, s.verifier) {
        (true, _) => {
            r.step(API, API, format!("key fits {}", alg.name()), Vec::new(), Vec::new(), "", format!("{} is the kind of key {} uses.", capitalise(&key.describe()), alg.name()), vec![rfc(8725, "3.1", "Perform Algorithm Verification")]);
            r.pass("key kind", "matches");
        }
        (false, Verifier::Strict) => {
            r.step(API, API, "key does not fit the algorithm".into(), Vec::new(), Vec::new(), "", format!("{} needs {}, but the key is {}. Using a key with an algorithm it was not made for is how algorithm confusion works, so the check stops here.", alg.name(), sign::needs(alg), key.describe()), vec![rfc(8725, "3.1", "Perform Algorithm Verification")]);
            r.reject(format!("{} needs {}, but the key is {}", alg.name(), sign::needs(alg), key.describe()));
            return;
        }
        (false, Verifier::Naive) => {}
    }

    // 8. The signature.
    let input = jws.signing_input();
    if s.verifier == Verifier::Naive && jws.signature.is_empty() {
        r.step(API, API, "empty signature: check skipped".into(), Vec::new(), Vec::new(), "", "The signature part is empty and the naive verifier treats that as nothing to check. Stripping the signature turned a signed token into an unchecked one.".into(), vec![rfc(8725, "3.1", "Perform Algorithm Verification")]);
        r.pass("signature", "skipped (empty)");
        check_claims(r, s, &jws.payload, now);
        return;
    }
    let mut fields = vec![
        field("Signing input", format!("{} bytes: header.payload as sent", input.len()), None, "what the signature covers"),
        field("Signature", hex_bytes::encode(&jws.signature), Some(ByteRange::new(0, jws.signature.len())), ""),
    ];
    let mut why = String::new();
    if let Key::Secret(secret) = &key {
        let mac = sign::sign(alg, &key, input.as_bytes(), 0).unwrap_or_default();
        fields.push(field("Expected MAC", hex_bytes::encode(&mac), None, "HMAC of the signing input with the secret"));
        if secret.len() < alg.hash_len() {
            why.push_str(&format!(" Warning: the secret is {} bytes; RFC 7518 section 3.2 requires at least {} for {}, and short secrets fall to a dictionary attack.", secret.len(), alg.hash_len(), alg.name()));
        }
    }
    match sign::verify(alg, &key, input.as_bytes(), &jws.signature) {
        Ok(()) => {
            r.step(API, API, "signature: valid".into(), fields, jws.signature.clone(), "the signature's bytes", format!("The {} signature over header.payload verifies with {}. The claims are exactly what the key's holder signed.{why}", alg.name(), key.describe()), vec![rfc(7515, "5.2", "Message Signature or MAC Validation")]);
            r.pass("signature", "valid");
        }
        Err(e) => {
            let spec = match e {
                SignError::WrongKey { .. } => vec![rfc(8725, "3.1", "Perform Algorithm Verification"), rfc(7515, "5.2", "Message Signature or MAC Validation")],
                _ => vec![rfc(7515, "5.2", "Message Signature or MAC Validation")],
            };
            let label = match e {
                SignError::WrongKey { .. } => "key does not fit the algorithm",
                SignError::Unavailable(_) => "signature: code loading",
                _ => "signature: invalid",
            };
            r.step(API, API, label.into(), fields, jws.signature.clone(), "the signature's bytes", format!("{}.{why}", capitalise(&e.to_string())), spec);
            r.reject(e.to_string());
            return;
        }
    }
    check_claims(r, s, &jws.payload, now);
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
}

/// Chooses the key as the verifier would, with its steps. `None` when the run has ended.
fn select_key(r: &mut Run, s: &JwtScenario, header: &Value, alg: Alg, kid: Option<&str>) -> Option<Key> {
    let spec = || vec![rfc(8725, "3.10", "Do Not Trust Received Claims"), rfc(7515, "4.1.4", "\"kid\" (Key ID) Header Parameter")];
    if s.verifier == Verifier::Naive {
        if let Some(jwk) = header.get("jwk") {
            return match from_jwk(jwk) {
                Ok(k) => {
                    r.step(API, API, "uses the key in the token's header".into(), vec![field("jwk", jwk.to_string(), None, "supplied by the token")], Vec::new(), "", format!("The header carries a jwk, and the naive verifier uses it: {}. But whoever made the token chose that key, so the signature proves nothing; the attacker signed with its own private key.", k.describe()), spec());
                    r.pass("key", "from the token's jwk");
                    Some(k)
                }
                Err(e) => {
                    r.step(API, API, "the header's jwk is unreadable".into(), Vec::new(), Vec::new(), "", e.to_string(), spec());
                    r.reject(e.to_string());
                    None
                }
            };
        }
        if let Some(chain) = header.get("x5c").and_then(Value::as_array) {
            let first = chain.first().and_then(Value::as_str).unwrap_or_default();
            let pem = format!("-----BEGIN CERTIFICATE-----\n{first}\n-----END CERTIFICATE-----");
            return match super::keys::from_pem(&pem) {
                Ok(k) => {
                    r.step(API, API, "uses the certificate in the token's header".into(), vec![field("x5c", format!("{} certificate(s)", chain.len()), None, "supplied by the token")], Vec::new(), "", format!("The header carries an x5c certificate chain, and the naive verifier takes the first certificate's key, {}, without checking that the chain leads to a certificate authority it trusts. Anyone can make a certificate for any name.", k.describe()), spec());
                    r.pass("key", "from the token's x5c");
                    Some(k)
                }
                Err(e) => {
                    r.step(API, API, "the header's x5c is unreadable".into(), Vec::new(), Vec::new(), "", e.to_string(), spec());
                    r.reject(e.to_string());
                    None
                }
            };
        }
        if let Some(url) = header.get("jku").and_then(Value::as_str) {
            r.step(API, API, "would fetch keys from the token's jku".into(), vec![field("jku", url.into(), None, "supplied by the token")], Vec::new(), "", format!("The header names {url} as the place to get keys, and a naive verifier fetches it: the attacker's own key set. (Wirelab never contacts another site, so the fetch is not made; the verifier falls back to its configured key here.)"), spec());
        }
        if let Some(k) = kid.filter(|k| k.contains('/') || k.contains("..")) {
            r.step(API, KEYS, format!("read key file {k}"), Vec::new(), Vec::new(), "", format!("The naive verifier builds a file path from kid and reads the key from it. “{k}” walks out of the key directory to /dev/null, which reads as empty: the HMAC secret is zero bytes, which the attacker also knows. (Simplified: no file system is read; the path's effect is modelled.)"), spec());
            r.step(KEYS, API, "an empty secret".into(), Vec::new(), Vec::new(), "", "The key is 0 bytes long.".into(), spec());
            r.pass("key", "empty, from kid");
            return Some(Key::Secret(Vec::new()));
        }
    }
    let ask = match kid {
        Some(k) => format!("key for kid “{k}”"),
        None => "the key".into(),
    };
    r.step(API, KEYS, ask, Vec::new(), Vec::new(), "", format!("The verifier takes the key from its own configuration{}; never from the token.", if kid.is_some() { ", picking it by kid" } else { "" }), spec());
    let hmac = alg.family() == Family::Hmac;
    let from_public = || parse_any(&s.public_key, kid);
    let chosen: Result<(Key, String), String> = if hmac && s.verifier == Verifier::Naive && s.secret.trim().is_empty() && !s.public_key.trim().is_empty() {
        // A naive server passes its configured key material, the PEM text, to HMAC.
        match from_public() {
            Ok((k, _)) => match public_pem(&k) {
                Some(pem) => Ok((Key::Secret(pem.into_bytes()), "the server's RSA public key as PEM text, used as an HMAC secret: the attacker has it too, so the forged MAC verifies (algorithm confusion)".into())),
                None => Err("the configured key is not an RSA key".into()),
            },
            Err(e) => Err(e.0),
        }
    } else if hmac {
        if s.secret.trim().is_empty() {
            Err("no HMAC secret is configured".into())
        } else if s.secret.trim_start().starts_with('{') {
            parse_any(&s.secret, kid).map(|(k, _)| (k, "the secret from the configured JWK".into())).map_err(|e| e.0)
        } else {
            secret_bytes(&s.secret, s.secret_encoding).map(|b| {
                let how = format!("an HMAC secret of {} bytes ({})", b.len(), match s.secret_encoding {
                    super::scenario::SecretEncoding::Utf8 => "the text's UTF-8 bytes",
                    super::scenario::SecretEncoding::Base64 => "decoded from base64",
                    super::scenario::SecretEncoding::Base64url => "decoded from base64url",
                    super::scenario::SecretEncoding::Hex => "decoded from hex",
                });
                (Key::Secret(b), how)
            })
        }
    } else if !s.public_key.trim().is_empty() {
        from_public().map(|(k, i)| {
            let d = k.describe();
            (k, match i {
                Some(i) => format!("{d}, key {} of the JWKS", i + 1),
                None => d,
            })
        }).map_err(|e| e.0)
    } else if !s.secret.trim().is_empty() {
        parse_any(&s.secret, kid).map(|(k, _)| {
            let d = k.describe();
            (k, d)
        }).map_err(|e| e.0)
    } else {
        Err("no key is configured".into())
    };
    match chosen {
        Ok((key, how)) => {
            r.step(KEYS, API, format!("key: {}", key.describe()), Vec::new(), Vec::new(), "", format!("The verifier has {how}."), spec());
            r.pass("key", &key.describe());
            Some(key)
        }
        Err(e) => {
            r.step(KEYS, API, "no key".into(), Vec::new(), Vec::new(), "", capitalise(&e), spec());
            r.reject(e);
            None
        }
    }
}

fn check_claims(r: &mut Run, s: &JwtScenario, payload: &Payload, now: i64) {
    let Payload::Json(Value::Object(claims)) = payload else {
        r.step(API, API, "no claims to check".into(), Vec::new(), Vec::new(), "", "The payload is not a JSON object, so it holds no claims: fine for a JWS, but not a JWT.".into(), vec![rfc(7519, "7.2", "Validating a JWT")]);
        return;
    };
    let skew = s.skew_s as i64;
    let spec = |section: &str, title: &str| vec![rfc(7519, section, title)];
    let time = |name: &str| claims.get(name).and_then(Value::as_f64).map(|v| v as i64);
    match time("exp") {
        Some(exp) if now >= exp.saturating_add(skew) => {
            r.step(API, API, "exp: expired".into(), vec![field("exp", utc(exp), None, ""), field("now", utc(now), None, "")], Vec::new(), "", format!("The token expired {} (at {}), beyond the {skew} s of clock skew allowed. An expired token is refused even though its signature is valid.", relative(exp, now), utc(exp)), spec("4.1.4", "\"exp\" (Expiration Time) Claim"));
            r.reject(format!("the token expired {}", relative(exp, now)));
            return;
        }
        Some(exp) => {
            r.step(API, API, format!("exp: expires {}", relative(exp, now)), vec![field("exp", utc(exp), None, "")], Vec::new(), "", format!("Valid until {} ({}), with {skew} s of clock skew allowed.", utc(exp), relative(exp, now)), spec("4.1.4", "\"exp\" (Expiration Time) Claim"));
            r.pass("exp", &relative(exp, now));
        }
        None => {
            r.step(API, API, "exp: none".into(), Vec::new(), Vec::new(), "", "The token has no exp: it never expires, and a stolen copy works forever. Issuers should always set one.".into(), spec("4.1.4", "\"exp\" (Expiration Time) Claim"));
        }
    }
    if let Some(nbf) = time("nbf") {
        if now.saturating_add(skew) < nbf {
            r.step(API, API, "nbf: not yet valid".into(), vec![field("nbf", utc(nbf), None, "")], Vec::new(), "", format!("The token becomes valid {}.", relative(nbf, now)), spec("4.1.5", "\"nbf\" (Not Before) Claim"));
            r.reject(format!("not valid until {}", relative(nbf, now)));
            return;
        }
        r.step(API, API, "nbf: valid now".into(), vec![field("nbf", utc(nbf), None, "")], Vec::new(), "", format!("Valid since {}.", relative(nbf, now)), spec("4.1.5", "\"nbf\" (Not Before) Claim"));
    }
    if let Some(iat) = time("iat") {
        if iat > now.saturating_add(skew) {
            r.step(API, API, "iat: in the future".into(), vec![field("iat", utc(iat), None, "")], Vec::new(), "", format!("The token says it was issued {}: a clock is wrong, or the token was forged.", relative(iat, now)), spec("4.1.6", "\"iat\" (Issued At) Claim"));
            r.reject("issued in the future".into());
            return;
        }
        r.step(API, API, format!("iat: issued {}", relative(iat, now)), vec![field("iat", utc(iat), None, "")], Vec::new(), "", format!("Issued at {}.", utc(iat)), spec("4.1.6", "\"iat\" (Issued At) Claim"));
    }
    if !s.audience.is_empty() {
        let ok = match claims.get("aud") {
            Some(Value::String(a)) => a == &s.audience,
            Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(&s.audience)),
            _ => false,
        };
        let got = claims.get("aud").map(Value::to_string).unwrap_or_else(|| "none".into());
        r.step(API, API, format!("aud: {}", if ok { "this API" } else { "not this API" }), vec![field("aud", got.clone(), None, ""), field("expected", s.audience.clone(), None, "")], Vec::new(), "", if ok { format!("The token is meant for {}, this API.", s.audience) } else { format!("The token is meant for {got}, not {}: a token for another service must not be accepted here.", s.audience) }, spec("4.1.3", "\"aud\" (Audience) Claim"));
        if !ok {
            r.reject(format!("the audience is {got}, not {}", s.audience));
            return;
        }
        r.pass("aud", &s.audience);
    }
    if !s.issuer.is_empty() {
        let got = claims.get("iss").and_then(Value::as_str).unwrap_or("");
        let ok = got == s.issuer;
        r.step(API, API, format!("iss: {}", if ok { "trusted" } else { "unknown" }), vec![field("iss", got.into(), None, ""), field("expected", s.issuer.clone(), None, "")], Vec::new(), "", if ok { format!("Issued by {got}, the issuer this API trusts.") } else { format!("Issued by “{got}”; this API trusts only {}.", s.issuer) }, spec("4.1.1", "\"iss\" (Issuer) Claim"));
        if !ok {
            r.reject(format!("the issuer is “{got}”, not {}", s.issuer));
            return;
        }
        r.pass("iss", got);
    }
    r.verdict = Some(Verdict::Accepted);
}

#[cfg(test)]
mod tests {
    use super::super::scenario::{presets, PRESET_NOW};
    use super::*;

    fn preset(id: &str) -> JwtScenario {
        presets().into_iter().find(|p| p.0 == id).unwrap().2
    }

    fn summary(id: &str) -> Vec<String> {
        run(&preset(id), 0).summary
    }

    #[test]
    fn valid_tokens_are_accepted_and_each_attack_fails_strictly() {
        assert_eq!(summary("valid-rs256")[0], "Accepted: the API serves the request.");
        assert_eq!(summary("valid-hs256")[0], "Accepted: the API serves the request.");
        assert!(summary("tampered")[0].starts_with("Rejected at “signature: invalid”: the signature does not match"), "{:?}", summary("tampered"));
        assert!(summary("expired")[0].starts_with("Rejected at “exp: expired”: the token expired 2 h ago"), "{:?}", summary("expired"));
        for (id, strict_reason) in [
            ("alg-none", "alg none is not accepted"),
            ("alg-confusion", "HS256 is not an allowed algorithm"),
            ("jwk-injection", "EdDSA is not an allowed algorithm"),
            ("stripped", "a RS256 signature is 256 bytes; this one is 0"),
            ("kid-injection", "HS256 is not an allowed algorithm"),
        ] {
            let s = summary(id);
            assert_eq!(s[0], "Accepted: the API serves the request.", "{id}: the naive verifier falls for it");
            assert!(s[1].starts_with("The fix: a strict verifier") && s[1].contains(strict_reason), "{id}: {:?}", s);
        }
    }

    #[test]
    fn the_confusion_attack_really_uses_the_pem_as_secret() {
        // Strict, but allowing HS256 too: the key kind check still refuses the RSA key.
        let mut s = preset("alg-confusion");
        s.verifier = Verifier::Strict;
        s.allowed.push("HS256".into());
        let t = run(&s, 0);
        assert!(t.summary[0].contains("no HMAC secret is configured"), "{:?}", t.summary);
    }

    #[test]
    fn an_hmac_secret_shorter_than_the_hash_is_warned_about() {
        let mut s = preset("valid-hs256");
        let short = super::super::scenario::make_token("{\"alg\":\"HS256\"}", "{\"sub\":\"x\"}", Alg::HS256, Some(&Key::Secret(b"secretsecret".to_vec())));
        s.token = short;
        s.secret = "secretsecret".into();
        s.secret_encoding = super::super::scenario::SecretEncoding::Utf8;
        s.audience.clear();
        s.issuer.clear();
        let t = run(&s, PRESET_NOW);
        assert!(t.summary[0].starts_with("Accepted"), "{:?}", t.summary);
        let sig = t.steps.iter().find(|st| st.label == "signature: valid").unwrap();
        assert!(sig.explanation.contains("the secret is 12 bytes; RFC 7518 section 3.2 requires at least 32 for HS256"), "{}", sig.explanation);
        // The same text read as base64 is other bytes (9 of them): the signature fails.
        s.secret_encoding = super::super::scenario::SecretEncoding::Base64;
        let summary = &run(&s, PRESET_NOW).summary[0];
        assert!(summary.contains("does not match"), "{summary}");
    }

    #[test]
    fn a_certificate_in_the_header_fools_only_the_naive_verifier() {
        // A self-signed P-256 certificate made with OpenSSL, its key signing the token.
        let cert = include_str!("../../tests/vectors/pem/p256.cert.pem");
        let der_b64: String = cert.lines().filter(|l| !l.starts_with("-----")).collect();
        let key = super::super::keys::from_pem(include_str!("../../tests/vectors/pem/p256.pkcs8.pem")).unwrap();
        let header = format!("{{\"alg\":\"ES256\",\"x5c\":[\"{der_b64}\"]}}");
        let mut s = preset("jwk-injection");
        s.token = super::super::scenario::make_token(&header, "{\"iss\":\"https://auth.example.com\",\"aud\":\"api.example.com\",\"exp\":1795341840}", Alg::ES256, Some(&key));
        let t = run(&s, 0);
        assert_eq!(t.summary[0], "Accepted: the API serves the request.");
        assert!(t.steps.iter().any(|st| st.label == "uses the certificate in the token's header"));
        assert!(t.summary[1].contains("ES256 is not an allowed algorithm"), "{:?}", t.summary);
    }

    #[test]
    fn broken_input_is_rejected_with_the_reason() {
        let mut s = preset("valid-rs256");
        s.token = "not a token".into();
        assert!(run(&s, 0).summary[0].contains("No token found"));
        s.token = "eyJhbGciOiJIUzI1NiJ9.e30".into();
        assert!(run(&s, 0).summary[0].contains("has 2"));
    }

    #[test]
    fn the_real_time_is_used_when_none_is_set() {
        let mut s = preset("valid-rs256");
        s.now = None;
        assert!(run(&s, PRESET_NOW).summary[0].starts_with("Accepted"));
        assert!(run(&s, PRESET_NOW + 3600).summary[0].contains("expired"));
    }
}
