//! The cookies lab's sessions part: an app that signs people in, its session store (a
//! Redis-like lane, real RESP commands and replies), the browsers that hold the cookie (a laptop,
//! a phone, an attacker's), and the attacks on it: session fixation, CSRF from another site, XSS
//! reading document.cookie, a network attacker reading plain http, and the replay of a stolen
//! cookie. The same app can keep a signed token (a JWT, HS256 with the JWT lab's HMAC) in the
//! cookie instead of a session id, to show what logout can and cannot do then.

use super::jar::{self, Api, Context, Jar, Outcome, Policy, Url};
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
    /// The signed token's lifetime (Jwt mode).
    pub token_ttl_s: u64,
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Login(Who, String),
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

/// One event a line: `[laptop|phone|attacker:] login USER`, `… get PATH`, `… post PATH`,
/// `… logout`, `… logout everywhere`; `wait TIME`; `csrf POST PATH`, `csrf GET PATH`; `xss`;
/// `sniff`; `replay`; `fixate`. `#` starts a comment line.
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
    match words.as_slice() {
        ["login", user] => {
            if user.len() > 20 || !user.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(format!("“{}” is not a user name: letters and digits, at most 20", shown(user)));
            }
            Ok(Event::Login(who, user.to_string()))
        }
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
        _ => Err(format!(
            "“{}” is not an event: [laptop|phone|attacker:] login USER, get PATH, post PATH, logout, logout everywhere; wait TIME; csrf POST PATH; xss; sniff; replay; fixate",
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
        for (key, v) in [("sessions_idle", self.idle_s), ("sessions_absolute", self.absolute_s), ("sessions_token_ttl", self.token_ttl_s)] {
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
            Mode::Jwt => "token",
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
        if commands.is_empty() || self.s.mode == Mode::Jwt {
            return Vec::new();
        }
        self.expire_store();
        let store = match self.store_actor {
            Some(i) => i,
            None => {
                self.t.actors.push(Actor { id: "store".into(), name: "Session store".into(), detail: "Redis".into() });
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
            Mode::Jwt => {
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
        self.t.steps.push(Step { at: SimTime(self.at), arrives: Some(SimTime(self.at + ONE_WAY_US)), kind: StepKind::Message, from, to: 1, label, fields, bytes, bytes_label: "HTTP/1.1 request".into(), states: Vec::new(), explanation: format!("{}{}.{over}", what[..1].to_uppercase(), &what[1..]), spec: vec![SpecRef::rfc(6265, "5.4", "The Cookie Header")] });
        self.at += ONE_WAY_US;
        let ours = jar::parse_cookie_header(&header).into_iter().find(|(n, _)| n == self.cookie_name()).map(|(_, v)| v);
        let (status, text, set, note) = self.handle(method, path, ours.as_deref(), body.as_deref().unwrap_or(&[]), ctx.cross_site(&url));
        // The app's answer, with its Set-Cookie.
        let before = self.jar_state(who);
        let mut m = Message::response(status, crate::http::reason(status));
        if let Some(set) = &set {
            m = m.header("Set-Cookie", set);
        }
        let m = m.body("text/plain; charset=utf-8", text.clone());
        let (bytes, mut fields) = m.encode();
        if let Some(set) = &set {
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
    fn handle(&mut self, method: &str, path: &str, cookie: Option<&str>, body: &[(String, String)], cross_site: bool) -> (u16, String, Option<String>, String) {
        let attrs = self.s.cookie.trim().to_string();
        let set = |name: &str, value: &str| if attrs.is_empty() { format!("{name}={value}") } else { format!("{name}={value}; {attrs}") };
        let clear = |name: &str| if attrs.is_empty() { format!("{name}=; Max-Age=0") } else { format!("{name}=; Max-Age=0; {attrs}") };
        let name = self.cookie_name();
        let form = |k: &str| body.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        match (method, path.split('?').next().unwrap_or(path)) {
            ("POST", "/login") => {
                let user = form("user").unwrap_or_default();
                match self.s.mode {
                    Mode::Jwt => {
                        let token = self.token_for(&user);
                        // The JWT lab's link, written here as its JSON (making the lab's own
                        // scenario would link its presets' cryptography into this page). The
                        // app's secret stays out of it, as secrets do.
                        let iat = crate::cookies::run::START + self.now() as i64;
                        let json = serde_json::json!({ "v": 1, "token": token, "public_key": "", "secret": "", "allowed": ["HS256"], "now": iat });
                        let link = format!("#/jwt?s={}&step=1", base64url::encode(json.to_string().as_bytes()));
                        self.answer_spec.push(SpecRef::lab("JWT", "this token, decoded", &link));
                        (200, format!("Signed in as {user}"), Some(set(name, &token)), format!("The password is right, so the app signs a token: {{\"sub\":\"{user}\"}} with an exp {} away, HMAC-SHA-256 with its secret. The cookie carries the token itself; the app keeps nothing, and will trust any copy of it until exp.", time_text(self.s.token_ttl_s)))
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
                        (200, format!("Signed in as {user}"), Some(set(name, &sid)), note)
                    }
                }
            }
            ("POST", "/logout") => {
                if let (Some(v), Mode::Sessions) = (cookie, self.s.mode) {
                    let user = match self.identify(Some(v)) {
                        Identity::User(u, _) => u,
                        Identity::Nobody(_) => String::new(),
                    };
                    self.redis(vec![vec!["DEL".into(), format!("session:{v}")], vec!["SREM".into(), format!("user:{user}:sessions"), v.to_string()]], "logout: delete this session");
                    return (200, "Signed out".into(), Some(clear(name)), "The app deletes the session from its store and tells the browser to drop the cookie (Max-Age=0). A copy of the id anywhere else is now worthless.".into());
                }
                (200, "Signed out".into(), Some(clear(name)), "The app tells the browser to drop the cookie (Max-Age=0), and that is all it can do: it keeps no list of tokens, so the token itself stays valid until its exp. A stolen copy still works.".into())
            }
            ("POST", "/logout-everywhere") => match self.identify(cookie) {
                Identity::User(user, _) if self.s.mode == Mode::Sessions => {
                    let r = self.redis(vec![vec!["SMEMBERS".into(), format!("user:{user}:sessions")]], "which sessions does this user have?");
                    let ids = match r.first() {
                        Some(Reply::Array(v)) => v.clone(),
                        _ => Vec::new(),
                    };
                    let mut del = vec!["DEL".to_string()];
                    del.extend(ids.iter().map(|i| format!("session:{i}")));
                    del.push(format!("user:{user}:sessions"));
                    self.redis(vec![del], "sign out everywhere: delete every session of the user");
                    (200, format!("Signed out of {} session{}", ids.len(), if ids.len() == 1 { "" } else { "s" }), Some(clear(name)), format!("The app deletes every session listed under {user}: each device's next request finds its id unknown. Possible because the sessions live on the server."))
                }
                Identity::User(user, _) => (501, "Not possible".into(), Some(clear(name)), format!("With tokens the app cannot sign {user} out elsewhere: it keeps no list of them, and each stays valid until its exp. It would need a denylist or a per-user token version in a store: state on the server again.")),
                Identity::Nobody(why) => (401, "Sign in first".into(), None, format!("401: {why}.")),
            },
            (_, "/transfer") => {
                let (user, how) = match self.identify(cookie) {
                    Identity::User(user, how) => (user, how),
                    Identity::Nobody(why) => {
                        return (401, "Sign in first".into(), None, format!("401: {why}, so the transfer is refused.{}", if cross_site { " The cross-site request arrived without the session: the attack failed." } else { "" }));
                    }
                };
                if self.s.csrf_token {
                    let expected = cookie.map(|c| self.csrf_for(c)).unwrap_or_default();
                    let given = form("csrf").unwrap_or_default();
                    if given != expected {
                        return (403, "CSRF token missing or wrong".into(), None, format!("403: the session is {user}'s ({how}), but the request lacks the CSRF token the app's own form carries. Another site cannot read that token, so it cannot forge the request: the attack failed."));
                    }
                }
                let note = if cross_site {
                    format!("The request came from another site, but carried {user}'s session ({how}), and the app moved the money: the CSRF attack worked.{}", if method == "GET" { " A state change on GET is the mistake SameSite=Lax does not cover: a top-level link carries Lax cookies." } else { "" })
                } else {
                    format!("{user}'s own form, with its CSRF token: the transfer is done ({how}).")
                };
                let to = form("to").or_else(|| path.split_once("to=").map(|(_, t)| t.split('&').next().unwrap_or("").to_string())).unwrap_or_else(|| "someone".into());
                (200, format!("Sent 100 from {user} to {}", short(&to)), None, note)
            }
            ("GET", "/") => {
                if let (None, Mode::Sessions) = (cookie, self.s.mode) {
                    let sid = self.new_id();
                    self.redis(vec![vec!["SET".into(), format!("session:{sid}"), format!("{{\"user\":\"\",\"created\":{}}}", self.now()), "EX".into(), self.s.idle_s.to_string()]], "a visitor: start an anonymous session (for a cart, say)");
                    return (200, "Welcome".into(), Some(set(name, &sid)), "The home page starts an anonymous session for every new visitor, as many frameworks do (for a cart, or a sign-in form's state).".into());
                }
                (200, "Welcome".into(), None, "The home page.".into())
            }
            ("GET", p) => match self.identify(cookie) {
                Identity::User(user, how) => (200, format!("{p}: {user}'s page"), None, format!("200: {user}'s page ({how}).")),
                Identity::Nobody(why) => (401, format!("Sign in first: {why}"), None, format!("401: {why}.")),
            },
            (m, p) => (405, format!("{m} {p} is not allowed"), None, "405: the app has no such form.".into()),
        }
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
                Event::Login(who, user) => {
                    let (status, _) = self.request(*who, "POST", "/login", Context::typed(), Some(vec![("user".into(), user.clone()), ("password".into(), "correct horse".into())]), &format!("{user} signs in on the {}: the form posts the user name and password", who.name()));
                    self.t.summary.push(format!("{}: {user} signs in ({status}).", who.name()));
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
                    let (status, _) = self.request(*who, "POST", "/logout", Context::typed(), Some(Vec::new()), &format!("Sign out on the {}", who.name()));
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
                    let cookie = text.lines().find_map(|l| l.strip_prefix("Cookie: ")).map(jar::parse_cookie_header).and_then(|c| c.into_iter().find(|(n, _)| n == name));
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
                    self.t.summary.push(format!("Sniffing the laptop's network: {}.", if got.is_some() { "the session cookie was read off the wire (plain http)" } else { "nothing usable" }));
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
                            self.jars[2].set(&format!("{n}={v}; Path=/"), &url, &Context::typed(), Api::Http, Policy::default(), now_s);
                            self.local(attacker, "the attacker puts the stolen cookie in their browser", vec![field(n.clone(), short(&v), "typed into their own browser's storage")], "A cookie is a bearer credential: whoever presents it is the user, from any machine.".into());
                            let (status, text) = self.request(Who::Attacker, "GET", "/account", Context::typed(), None, "The attacker asks for Alice's account with the stolen cookie");
                            self.t.summary.push(format!("Replay of the stolen cookie: {status}, {}{}.", text.trim_end_matches('.'), if status == 200 { ": the attacker is in" } else { ": refused" }));
                        }
                    }
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
            self.at += 100_000;
        }
    }
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

pub fn run(s: &SessionScenario) -> Trace {
    let title = match s.mode {
        Mode::Sessions => "Sessions: a cookie with an id, the session on the server",
        Mode::Jwt => "Sessions with a signed token in the cookie (a JWT)",
    };
    let t = Trace::new("cookies", title, vec![Actor { id: "laptop".into(), name: "Alice's laptop".into(), detail: "a browser".into() }, Actor { id: "app".into(), name: "app.example".into(), detail: "the app".into() }]);
    let mut app = App { s: s.clone(), t, rng: SplitMix64::new(2026), at: 0, jars: Default::default(), store: Vec::new(), stolen: None, last_laptop: None, store_actor: None, evil_actor: None, answer_spec: Vec::new() };
    let events = parse_events(&s.events).unwrap_or_default();
    app.run(&events);
    let mut t = app.t;
    let end = match s.mode {
        Mode::Sessions => format!("The store holds {} key{} at the end.", app.store.len(), if app.store.len() == 1 { "" } else { "s" }),
        Mode::Jwt => "The app holds nothing: every token it issued stays valid until its exp.".into(),
    };
    t.summary.push(end);
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(s: &SessionScenario) -> String {
        run(s).summary.join("\n")
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
