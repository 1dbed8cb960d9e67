//! Tokens in an application, as a trace: login issues a short-lived access token and a
//! long-lived refresh token; requests carry the access token; it expires; the refresh exchange
//! returns a new pair; a stolen refresh token is replayed; logout. Every token is a real JWT
//! signed by the authorization server's key, and every message is HTTP text.
//!
//! Rotation and reuse detection follow the OAuth 2.0 Security BCP (RFC 9700 section 4.14):
//! each refresh returns a new refresh token and retires the old one, and a retired one coming
//! back revokes the whole family. Without rotation, a stolen refresh token works until it
//! expires, and a JWT cannot be revoked before its `exp` without state on the server.

use super::alg::Alg;
use super::keys::{from_jwk, Key};
use super::scenario::make_token;
use super::sign::verify;
use super::token::{decode, Decoded, Payload};
use crate::civil::span;
use crate::trace::{Actor, ActorState, ByteRange, Field, SimTime, SpecRef, StateChange, Step, StepKind, Trace, Var};
use serde_json::Value;
use std::collections::BTreeMap;

pub const BROWSER: usize = 0;
pub const AUTH: usize = 1;
pub const API: usize = 2;
pub const ATTACKER: usize = 3;

/// The application's token settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppSettings {
    pub access_ttl_s: u32,
    pub refresh_ttl_s: u32,
    /// Each refresh returns a new refresh token and retires the old one.
    pub rotation: bool,
    /// A retired refresh token coming back revokes its whole family.
    pub reuse_detection: bool,
}

#[derive(Debug, Clone)]
struct RefreshRecord {
    family: u32,
    retired: bool,
    expires: i64,
}

struct Flow {
    trace: Trace,
    key: Key,
    now: i64,
    start: i64,
    settings: AppSettings,
    /// The server's refresh-token table, by jti: the state a JWT alone does not have.
    refresh: BTreeMap<String, RefreshRecord>,
    revoked_families: Vec<u32>,
    serial: u32,
    browser_access: Option<String>,
    browser_refresh: Option<String>,
}

fn http_fields(text: &str) -> Vec<Field> {
    let mut fields = Vec::new();
    let mut at = 0;
    for line in text.split("\r\n") {
        if line.is_empty() {
            break;
        }
        let name = line.split(':').next().filter(|_| line.contains(": ")).unwrap_or("Start line");
        fields.push(Field { name: name.to_string(), value: line.chars().take(90).collect::<String>() + if line.len() > 90 { "…" } else { "" }, bytes: Some(ByteRange::new(at, at + line.len())), note: String::new(), points_to: None });
        at += line.len() + 2;
    }
    fields
}

impl Flow {
    fn state(&self) -> ActorState {
        let live = self.refresh.values().filter(|r| !r.retired && !self.revoked_families.contains(&r.family)).count();
        ActorState {
            name: "auth server".into(),
            vars: vec![
                Var { name: "refresh tokens on record".into(), value: self.refresh.len().to_string() },
                Var { name: "usable".into(), value: live.to_string() },
                Var { name: "revoked families".into(), value: format!("{:?}", self.revoked_families) },
            ],
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn message(&mut self, from: usize, to: usize, label: &str, http: String, explanation: String, spec: Vec<SpecRef>) {
        let before = self.state();
        let at = SimTime(((self.now - self.start) as u64) * 1_000_000);
        self.now += 1;
        let arrives = Some(SimTime(((self.now - self.start) as u64) * 1_000_000));
        let fields = http_fields(&http);
        self.trace.steps.push(Step {
            at,
            arrives,
            kind: if from == to { StepKind::Local } else { StepKind::Message },
            from,
            to,
            label: label.into(),
            fields,
            bytes: http.into_bytes(),
            bytes_label: "HTTP/1.1 message".into(),
            states: vec![StateChange { actor: AUTH, before, after: self.state() }],
            explanation,
            spec,
        });
    }

    fn local(&mut self, actor: usize, label: &str, explanation: String, spec: Vec<SpecRef>) {
        let before = self.state();
        let at = SimTime(((self.now - self.start) as u64) * 1_000_000);
        self.trace.steps.push(Step { at, arrives: None, kind: StepKind::Local, from: actor, to: actor, label: label.into(), fields: Vec::new(), bytes: Vec::new(), bytes_label: String::new(), states: vec![StateChange { actor: AUTH, before: before.clone(), after: self.state() }], explanation, spec });
    }

    fn wait_until(&mut self, offset_s: i64) {
        self.now = self.now.max(self.start + offset_s);
    }

    fn token(&mut self, kind: &str, ttl: u32, family: u32) -> (String, String) {
        self.serial += 1;
        let jti = format!("{kind}-{}", self.serial);
        let payload = format!(
            "{{\"iss\":\"https://auth.example.com\",\"sub\":\"alice\",\"aud\":\"{}\",\"iat\":{},\"exp\":{},\"jti\":\"{jti}\"{}}}",
            if kind == "rt" { "https://auth.example.com" } else { "api.example.com" },
            self.now,
            self.now + ttl as i64,
            if kind == "rt" { format!(",\"fam\":{family}") } else { ",\"scope\":\"orders:read\"".to_string() }
        );
        (make_token("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"auth-2026\"}", &payload, Alg::RS256, Some(&self.key)), jti)
    }

    fn issue_pair(&mut self, family: u32) -> (String, String) {
        let (access, _) = self.token("at", self.settings.access_ttl_s, family);
        let (refresh, jti) = self.token("rt", self.settings.refresh_ttl_s, family);
        let expires = self.now + self.settings.refresh_ttl_s as i64;
        self.refresh.insert(jti, RefreshRecord { family, retired: false, expires });
        (access, refresh)
    }

    fn claims(&self, token: &str) -> Option<serde_json::Map<String, Value>> {
        let Ok(Decoded::Jws(j)) = decode(token) else { return None };
        verify(Alg::RS256, &self.key, j.signing_input().as_bytes(), &j.signature).ok()?;
        match j.payload {
            Payload::Json(Value::Object(o)) => Some(o),
            _ => None,
        }
    }

    /// A request to the API with the browser's access token; returns whether it was served.
    fn api_request(&mut self, path: &str) -> bool {
        let token = self.browser_access.clone().unwrap_or_default();
        self.message(BROWSER, API, &format!("GET {path}"), format!("GET {path} HTTP/1.1\r\nHost: api.example.com\r\nAuthorization: Bearer {token}\r\n\r\n"), "The app sends the access token on every request to the API. The API checks it alone, with the auth server's public key: no call to the auth server, no database lookup. That is the point of a JWT.".into(), vec![SpecRef::rfc(6750, "2.1", "Authorization Request Header Field")]);
        let exp = self.claims(&token).and_then(|c| c.get("exp").and_then(Value::as_i64)).unwrap_or(0);
        if self.now < exp {
            self.message(API, BROWSER, "200 OK", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n\r\n".into(), format!("Signature valid, exp {} ahead: served.", span((exp - self.now) as u64)), vec![SpecRef::rfc(7519, "7.2", "Validating a JWT")]);
            true
        } else {
            self.message(API, BROWSER, "401: token expired", "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer error=\"invalid_token\", error_description=\"The access token expired\"\r\n\r\n".into(), format!("The access token expired {} ago. Short access tokens limit the damage if one leaks: it is useless after {}.", span((self.now - exp) as u64), span(self.settings.access_ttl_s as u64)), vec![SpecRef::rfc(6750, "3.1", "Error Codes"), SpecRef::rfc(7519, "4.1.4", "\"exp\" (Expiration Time) Claim")]);
            false
        }
    }

    /// A refresh exchange by `who` with `refresh`; returns the new pair if granted.
    fn refresh_exchange(&mut self, who: usize, refresh: &str) -> Option<(String, String)> {
        let label = if who == ATTACKER { "refresh with a stolen token" } else { "POST /token (refresh)" };
        self.message(who, AUTH, label, format!("POST /token HTTP/1.1\r\nHost: auth.example.com\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\ngrant_type=refresh_token&refresh_token={refresh}"), if who == ATTACKER { "Someone else presents a refresh token copied from the browser earlier (from XSS, a log, a backup). The auth server cannot tell who is sending it.".into() } else { "The app exchanges its refresh token for a new access token, without asking the user to log in again.".into() }, vec![SpecRef::rfc(6749, "6", "Refreshing an Access Token")]);
        let claims = self.claims(refresh);
        let jti = claims.as_ref().and_then(|c| c.get("jti").and_then(Value::as_str)).unwrap_or_default().to_string();
        let record = self.refresh.get(&jti).cloned();
        let deny = |flow: &mut Flow, why: String, to: usize| {
            flow.message(AUTH, to, "400 invalid_grant", "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n\r\n{\"error\":\"invalid_grant\"}".into(), why, vec![SpecRef::rfc(6749, "5.2", "Error Response"), SpecRef::rfc(9700, "4.14.2", "Recommendations")]);
        };
        let Some(record) = record else {
            deny(self, "The auth server has no record of this refresh token.".into(), who);
            return None;
        };
        if self.revoked_families.contains(&record.family) {
            deny(self, "This token's family was revoked after a reuse was detected: every refresh token from that login is dead, the thief's and the user's. The user must log in again.".into(), who);
            return None;
        }
        if self.now >= record.expires {
            deny(self, "The refresh token has expired.".into(), who);
            return None;
        }
        if record.retired {
            if self.settings.reuse_detection {
                self.revoked_families.push(record.family);
                deny(self, "This refresh token was already used and replaced (rotation). Seeing it again means two parties hold it: the auth server revokes the whole family, so the stolen copy and every token descended from it stop working (RFC 9700 section 4.14.2).".into(), who);
            } else {
                deny(self, "This refresh token was already used and replaced (rotation), so it is refused; without reuse detection the newer tokens stay valid, and whoever holds them keeps access.".into(), who);
            }
            return None;
        }
        if self.settings.rotation {
            if let Some(r) = self.refresh.get_mut(&jti) {
                r.retired = true;
            }
        }
        let (access, new_refresh) = if self.settings.rotation { self.issue_pair(record.family) } else { (self.token("at", self.settings.access_ttl_s, record.family).0, refresh.to_string()) };
        let body = format!("{{\"access_token\":\"{access}\",\"token_type\":\"Bearer\",\"expires_in\":{},\"refresh_token\":\"{new_refresh}\"}}", self.settings.access_ttl_s);
        let why = if self.settings.rotation { "A new access token and a new refresh token; the old refresh token is retired (rotation). If it is ever presented again, someone has a copy." } else { "A new access token; the same refresh token stays valid until it expires. Without rotation, a stolen refresh token keeps working for its whole lifetime and nobody notices." };
        self.message(AUTH, who, "200: new tokens", format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n\r\n{body}"), why.into(), vec![SpecRef::rfc(6749, "5.1", "Successful Response"), SpecRef::rfc(9700, "4.14.2", "Recommendations")]);
        Some((access, new_refresh))
    }
}

/// Runs the application flow from `start` (seconds since 1970) with `settings`.
pub fn run(settings: AppSettings, start: i64) -> Trace {
    let actors = vec![
        Actor { id: "browser".into(), name: "Browser".into(), detail: "the app, holding tokens".into() },
        Actor { id: "auth".into(), name: "Auth server".into(), detail: "issues and refreshes".into() },
        Actor { id: "api".into(), name: "API".into(), detail: "checks access tokens".into() },
        Actor { id: "attacker".into(), name: "Attacker".into(), detail: "has a copied token".into() },
    ];
    let key = from_jwk(&serde_json::from_str(include_str!("rfc7515_a2_key.json")).unwrap_or_default()).unwrap_or(Key::Secret(Vec::new()));
    let mut f = Flow { trace: Trace::new("jwt", "JWTs in an application", actors), key, now: start, start, settings, refresh: BTreeMap::new(), revoked_families: Vec::new(), serial: 0, browser_access: None, browser_refresh: None };
    let access = settings.access_ttl_s as i64;

    // Login.
    f.message(BROWSER, AUTH, "POST /login", "POST /login HTTP/1.1\r\nHost: auth.example.com\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nusername=alice&password=…".into(), "Alice logs in once with her password.".into(), vec![SpecRef::rfc(6749, "4.1", "Authorization Code Grant")]);
    let (a, r) = f.issue_pair(1);
    let body = format!("{{\"access_token\":\"{a}\",\"token_type\":\"Bearer\",\"expires_in\":{},\"refresh_token\":\"{r}\"}}", settings.access_ttl_s);
    f.message(AUTH, BROWSER, "200: access + refresh tokens", format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n\r\n{body}"), format!("Two tokens: a short-lived access token ({}) for the API, and a long-lived refresh token ({}) only ever sent to the auth server. Both are JWTs signed with the auth server's key.", span(settings.access_ttl_s as u64), span(settings.refresh_ttl_s as u64)), vec![SpecRef::rfc(6749, "1.5", "Refresh Token"), SpecRef::rfc(9068, "2", "JWT Access Token Header and Data Structure")]);
    let stolen = r.clone();
    f.browser_access = Some(a);
    f.browser_refresh = Some(r);
    f.wait_until(60);
    f.api_request("/orders");

    // The access token expires; the app refreshes and retries.
    f.wait_until(access + 60);
    if !f.api_request("/orders") {
        let current = f.browser_refresh.clone().unwrap_or_default();
        if let Some((a, r)) = f.refresh_exchange(BROWSER, &current) {
            f.browser_access = Some(a);
            f.browser_refresh = Some(r);
            f.api_request("/orders");
        }
    }

    // A copy of the first refresh token is replayed.
    f.wait_until(access + 300);
    f.local(ATTACKER, "has a copy of the first refresh token", "Earlier, a script injected into the page (XSS) read the refresh token from localStorage. Now the attacker uses it.".into(), vec![SpecRef::rfc(9700, "4.14", "Refresh Token Protection")]);
    let thief = f.refresh_exchange(ATTACKER, &stolen);
    if thief.is_some() {
        f.local(ATTACKER, "has a fresh access token", format!("The attacker now holds a valid access token ({}), and can keep refreshing.", span(settings.access_ttl_s as u64)), vec![SpecRef::rfc(9700, "4.14", "Refresh Token Protection")]);
    }

    // The user's next refresh, after the access token expires again.
    f.wait_until(2 * access + 120);
    if !f.api_request("/orders") {
        let current = f.browser_refresh.clone().unwrap_or_default();
        match f.refresh_exchange(BROWSER, &current) {
            Some((a, r)) => {
                f.browser_access = Some(a);
                f.browser_refresh = Some(r);
                f.api_request("/orders");
            }
            None => f.local(BROWSER, "must log in again", "The refresh failed: the app sends Alice back to the login page. Annoying, but the attacker's tokens died too.".into(), vec![SpecRef::rfc(9700, "4.14.2", "Recommendations")]),
        }
    }

    // Logout.
    f.wait_until(2 * access + 600);
    let current = f.browser_refresh.clone().unwrap_or_default();
    f.message(BROWSER, AUTH, "POST /logout (revoke)", format!("POST /revoke HTTP/1.1\r\nHost: auth.example.com\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\ntoken={current}&token_type_hint=refresh_token"), "Logging out revokes the refresh token at the auth server (RFC 7009) and drops both tokens from the app.".into(), vec![SpecRef::rfc(7009, "2", "Token Revocation")]);
    let claims = f.claims(&current);
    if let Some(jti) = claims.as_ref().and_then(|c| c.get("jti").and_then(Value::as_str)) {
        if let Some(rec) = f.refresh.get_mut(jti) {
            rec.retired = true;
        }
    }
    let access_left = f.browser_access.as_ref().and_then(|t| f.claims(t)).and_then(|c| c.get("exp").and_then(Value::as_i64)).map(|e| e - f.now).unwrap_or(0);
    f.message(AUTH, BROWSER, "200: revoked", "HTTP/1.1 200 OK\r\n\r\n".into(), format!("The refresh token is dead. But an access token is a JWT the API checks on its own: a copy of the last one still works for {} more, until its exp. A JWT cannot be revoked early without server state (a deny list the API consults, which gives up the JWT's statelessness), which is why access tokens are kept short. A session ID in an httpOnly cookie, by contrast, is revoked the moment the server deletes the session.", span(access_left.max(0) as u64)), vec![SpecRef::rfc(7009, "2", "Token Revocation"), SpecRef::rfc(8725, "3.10", "Do Not Trust Received Claims")]);

    let thief_text = match (&thief, settings.rotation, settings.reuse_detection) {
        (Some(_), false, _) => "Without rotation, the stolen refresh token was accepted: the attacker keeps access for as long as it lives.".to_string(),
        (None, true, true) => "With rotation and reuse detection, the replayed refresh token revoked its family: the attacker got nothing and the user had to log in again.".to_string(),
        (None, true, false) => "With rotation, the replayed token was refused, but without reuse detection the family lives on.".to_string(),
        _ => "The stolen token was refused.".to_string(),
    };
    f.trace.summary.push(format!("Access tokens last {}, refresh tokens {}; rotation {}, reuse detection {}.", span(settings.access_ttl_s as u64), span(settings.refresh_ttl_s as u64), if settings.rotation { "on" } else { "off" }, if settings.reuse_detection { "on" } else { "off" }));
    f.trace.summary.push(thief_text);
    f.trace
}

/// Where a browser app can keep a token, and what an attacker can do to each (for the table).
pub const STORAGE: &[(&str, &str, &str, &str)] = &[
    ("In memory (a JavaScript variable)", "XSS can use it while the page is open, but not carry it off after a reload.", "Not sent automatically, so no CSRF.", "Lost on reload: pair with a refresh token in an httpOnly cookie."),
    ("localStorage", "XSS reads it and sends it anywhere; it stays until removed.", "Not sent automatically, so no CSRF.", "Convenient, and the most exposed to XSS."),
    ("sessionStorage", "XSS reads it, like localStorage; it dies with the tab.", "No CSRF.", "A little less exposure in time, not in kind."),
    ("httpOnly, Secure, SameSite cookie", "XSS cannot read it (but can send requests from the page while it runs).", "Sent automatically: SameSite=Lax or Strict, or a CSRF token, is needed.", "The usual choice for sessions and refresh tokens."),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(rotation: bool, reuse_detection: bool) -> AppSettings {
        AppSettings { access_ttl_s: 900, refresh_ttl_s: 14 * 86_400, rotation, reuse_detection }
    }

    #[test]
    fn rotation_with_reuse_detection_revokes_the_family() {
        let t = run(settings(true, true), 1_795_341_600);
        let labels: Vec<&str> = t.steps.iter().map(|s| s.label.as_str()).collect();
        assert!(labels.contains(&"401: token expired"));
        assert!(labels.contains(&"must log in again"), "{labels:?}");
        assert!(t.summary[1].contains("revoked its family"));
        // Every token on the wire is a real RS256 JWT that verifies with the auth server's key.
        let body = String::from_utf8(t.steps.iter().find(|s| s.label == "200: access + refresh tokens").unwrap().bytes.clone()).unwrap();
        let json: Value = serde_json::from_str(body.split("\r\n\r\n").nth(1).unwrap()).unwrap();
        let key = from_jwk(&serde_json::from_str(include_str!("rfc7515_a2_key.json")).unwrap()).unwrap();
        for name in ["access_token", "refresh_token"] {
            let Decoded::Jws(j) = decode(json[name].as_str().unwrap()).unwrap() else { panic!() };
            assert_eq!(verify(Alg::RS256, &key, j.signing_input().as_bytes(), &j.signature), Ok(()));
        }
    }

    #[test]
    fn without_rotation_the_stolen_token_works() {
        let t = run(settings(false, false), 1_795_341_600);
        assert!(t.steps.iter().any(|s| s.label == "has a fresh access token"));
        assert!(t.summary[1].starts_with("Without rotation, the stolen refresh token was accepted"));
        assert!(!t.steps.iter().any(|s| s.label == "must log in again"));
    }
}
