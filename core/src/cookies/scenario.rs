//! The cookies lab's inputs. Its first part is the jar: the person writes what the browser does,
//! one event a line (open an address, follow a link, submit a form, load an image or a frame
//! from a page, run `document.cookie`, let time pass, close the browser), and what each server
//! answers with (`| Set-Cookie: …`). The run shows every cookie stored or refused, and for every
//! request, which cookies go and why.

use super::jar::Url;
use crate::scenario::{FieldError, Scenario};
use serde::{Deserialize, Serialize};

pub mod limits {
    pub const EVENTS_TEXT: usize = 8000;
    pub const EVENTS: usize = 40;
    /// Set-Cookie fields on one response.
    pub const SET_COOKIES: usize = 10;
    /// Distinct servers (each a lane).
    pub const HOSTS: usize = 8;
    /// A password, in bytes.
    pub const PASSWORD: usize = 128;
}

/// Which part of the lab a scenario shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Part {
    #[default]
    Jar,
    Sessions,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CookieScenario {
    pub v: u32,
    pub part: Part,
    pub jar: JarScenario,
    pub sessions: super::sessions::SessionScenario,
    /// Alice's password at registration (a secret: kept out of links unless asked).
    pub password: String,
    /// The password she sets with a reset link (a secret too).
    pub new_password: String,
}

/// The passwords a scenario has when none are given (a link leaves them out).
pub const PASSWORD: &str = "correct horse battery staple";
pub const NEW_PASSWORD: &str = "vanilla otter lantern 9";

impl Default for CookieScenario {
    fn default() -> Self {
        CookieScenario { v: 1, part: Part::Jar, jar: JarScenario::default(), sessions: Default::default(), password: PASSWORD.into(), new_password: NEW_PASSWORD.into() }
    }
}

impl CookieScenario {
    pub fn passwords(&self) -> super::sessions::Passwords<'_> {
        super::sessions::Passwords { password: &self.password, new_password: &self.new_password }
    }
}

/// The jar part's inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JarScenario {
    /// One event a line (see [`parse_events`]).
    pub events: String,
    /// A cookie without SameSite is treated as Lax (Chromium); off: as None (Firefox, Safari).
    pub lax_by_default: bool,
    /// Third-party cookies blocked (Safari; Chromium or Firefox when the person chooses).
    pub block_third_party: bool,
}

impl Default for JarScenario {
    fn default() -> Self {
        JarScenario {
            events: "open https://shop.example/login | Set-Cookie: sid=7f3a9c; Path=/; Secure; HttpOnly; SameSite=Lax | Set-Cookie: theme=dark; Max-Age=31536000\nopen https://shop.example/cart\nscript https://shop.example/cart read\nwait 10m\nlink https://shop.example/ from https://news.example/\nform POST https://shop.example/cart from https://evil.example/\nfetch https://shop.example/avatar.png from https://evil.example/".into(),
            lax_by_default: true,
            block_third_party: false,
        }
    }
}

/// How a request is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum How {
    /// Typed in the address bar (or a bookmark): a top-level GET of the site itself.
    Open,
    /// A link followed on a page: a top-level GET navigation that page started.
    Link,
    /// A form submitted on a page: a top-level navigation with the form's method.
    Form(String),
    /// A subresource a page loads (an image, a script, a fetch with credentials).
    Fetch,
    /// A frame a page embeds.
    Frame,
}

/// One event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Request { how: How, url: Url, from: Option<Url>, set_cookies: Vec<String> },
    /// `document.cookie` on a page: read (None) or write (Some).
    Script { page: Url, write: Option<String> },
    Wait(u64),
    /// The browser closes: session cookies are gone.
    Close,
}

/// An event and the line it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub event: Event,
    pub number: usize,
}

fn shown(text: &str) -> String {
    crate::export::visible(&text.chars().take(40).collect::<String>())
}

fn url(text: &str) -> Result<Url, String> {
    Url::parse(text).map_err(|e| format!("{} ({})", e, shown(text)))
}

/// Reads the events, one a line:
/// `open URL`, `link URL from PAGE`, `form METHOD URL from PAGE`, `fetch URL from PAGE`,
/// `frame URL in PAGE`, each optionally followed by `| Set-Cookie: …` for the response;
/// `script PAGE read`, `script PAGE write COOKIE`; `wait 2h`; `close`. `#` starts a comment line.
pub fn parse_events(text: &str) -> Result<Vec<Line>, Vec<String>> {
    let mut hosts: Vec<String> = Vec::new();
    crate::http::read_lines(text, true, (limits::EVENTS, "events"), Some("add at least one event, e.g. open https://shop.example/"), |line, number, _| {
        let event = event(line)?;
        if let Event::Request { url, .. } = &event {
            if !hosts.contains(&url.host) {
                if hosts.len() == limits::HOSTS {
                    return Err(format!("at most {} servers in one scenario", limits::HOSTS));
                }
                hosts.push(url.host.clone());
            }
        }
        Ok(Line { event, number })
    })
}

fn event(line: &str) -> Result<Event, String> {
    let mut parts = line.split('|');
    let head = parts.next().unwrap_or("").trim();
    let mut set_cookies = Vec::new();
    for p in parts {
        let p = p.trim();
        let Some((name, value)) = p.split_once(':') else {
            return Err(format!("“{}” after | should be Set-Cookie: name=value", shown(p)));
        };
        if !name.trim().eq_ignore_ascii_case("set-cookie") {
            return Err(format!("“{}” after | should be Set-Cookie: name=value", shown(name.trim())));
        }
        set_cookies.push(value.trim().to_string());
    }
    if set_cookies.len() > limits::SET_COOKIES {
        return Err(format!("at most {} Set-Cookie fields on one response", limits::SET_COOKIES));
    }
    let words: Vec<&str> = head.split_whitespace().collect();
    let no_cookies = |what: &str| if set_cookies.is_empty() { Ok(()) } else { Err(format!("{what} has no response to carry Set-Cookie")) };
    let request = |how: How, u: &str, from: Option<&str>, set_cookies: Vec<String>| -> Result<Event, String> {
        Ok(Event::Request { how, url: url(u)?, from: from.map(url).transpose()?, set_cookies })
    };
    match words.as_slice() {
        ["open", u] => request(How::Open, u, None, set_cookies),
        ["link", u, "from", p] => request(How::Link, u, Some(p), set_cookies),
        ["form", m, u, "from", p] => {
            let m = m.to_ascii_uppercase();
            if m != "GET" && m != "POST" {
                return Err(format!("a form's method is GET or POST, not “{}”", shown(&m)));
            }
            request(How::Form(m), u, Some(p), set_cookies)
        }
        ["fetch", u, "from", p] => request(How::Fetch, u, Some(p), set_cookies),
        ["frame", u, "in", p] => request(How::Frame, u, Some(p), set_cookies),
        ["script", p, "read"] => {
            no_cookies("a script")?;
            Ok(Event::Script { page: url(p)?, write: None })
        }
        ["script", p, "write", ..] => {
            no_cookies("a script")?;
            let page = url(p)?;
            // The cookie string is the rest of the line as written, spaces kept.
            let rest = head.splitn(4, char::is_whitespace).nth(3).unwrap_or("").trim();
            if rest.is_empty() {
                return Err("write what? e.g. script https://shop.example/ write theme=light".into());
            }
            Ok(Event::Script { page, write: Some(rest.to_string()) })
        }
        ["wait", t] => {
            no_cookies("wait")?;
            Ok(Event::Wait(crate::cache::scenario::parse_time(t)?))
        }
        ["close"] => {
            no_cookies("close")?;
            Ok(Event::Close)
        }
        [] => Err("an empty event".into()),
        [w, ..] if ["open", "link", "form", "fetch", "frame", "script", "wait", "close"].contains(w) => Err(format!("“{}” is not written as expected: {}", shown(head), usage(w))),
        [w, ..] => Err(format!("“{}” is not an event: open, link, form, fetch, frame, script, wait or close", shown(w))),
    }
}

fn usage(word: &str) -> &'static str {
    match word {
        "open" => "open URL",
        "link" => "link URL from PAGE",
        "form" => "form POST URL from PAGE",
        "fetch" => "fetch URL from PAGE",
        "frame" => "frame URL in PAGE",
        "script" => "script PAGE read, or script PAGE write name=value",
        "wait" => "wait 2h (s, m, h, d)",
        _ => "close",
    }
}

impl JarScenario {
    pub fn validate(&self) -> Vec<FieldError> {
        if self.events.len() > limits::EVENTS_TEXT {
            return vec![FieldError::new("jar_events", format!("at most {} characters", limits::EVENTS_TEXT))];
        }
        match parse_events(&self.events) {
            Ok(_) => Vec::new(),
            Err(p) => vec![FieldError::new("jar_events", p.join("; "))],
        }
    }
}

impl Scenario for CookieScenario {
    const LAB: &'static str = "cookies";
    const VERSION: u32 = 1;
    const SECRET_FIELDS: &'static [&'static str] = &["password", "new_password"];

    fn validate(&self) -> Vec<FieldError> {
        match self.part {
            Part::Jar => self.jar.validate(),
            Part::Sessions => {
                let mut errors = self.sessions.validate();
                for (key, p) in [("password", &self.password), ("new_password", &self.new_password)] {
                    if p.is_empty() || p.len() > limits::PASSWORD || p.chars().any(char::is_control) {
                        errors.push(FieldError::new(key, format!("1 to {} bytes, no control characters", limits::PASSWORD)));
                    }
                }
                errors
            }
        }
    }
}

/// The built-in scenarios: each rule of the jar, and each way a cookie is or is not sent.
pub fn presets() -> Vec<(&'static str, &'static str, CookieScenario)> {
    let jar = |events: &str| CookieScenario { part: Part::Jar, jar: JarScenario { events: events.into(), ..JarScenario::default() }, ..CookieScenario::default() };
    let with = |events: &str, tweak: fn(&mut JarScenario)| {
        let mut s = jar(events);
        tweak(&mut s.jar);
        s
    };
    use super::sessions::{Mode, SessionScenario};
    let sessions = |events: &str, tweak: fn(&mut SessionScenario)| {
        let mut st = SessionScenario { events: events.into(), ..SessionScenario::default() };
        tweak(&mut st);
        CookieScenario { part: Part::Sessions, sessions: st, ..CookieScenario::default() }
    };
    let keep = |_: &mut SessionScenario| {};
    vec![
        ("jar", "A sign-in cookie and a preference: stored, sent back, hidden from scripts, and held back from another site's form", CookieScenario::default()),
        ("domain-path", "Domain and Path: a cookie for every subdomain, one for this host only, and one for /admin only", jar("open https://www.example.com/account | Set-Cookie: wide=1; Domain=example.com | Set-Cookie: narrow=1 | Set-Cookie: admin=1; Path=/admin\nopen https://api.example.com/v1/items\nopen https://www.example.com/admin/users\nopen https://www.example.com/administrator")),
        ("expiry", "Max-Age, Expires and session cookies: time passes, the browser closes", jar("open https://news.example/ | Set-Cookie: short=1; Max-Age=60 | Set-Cookie: dated=1; Expires=Wed, 01 Dec 2027 10:00:00 GMT | Set-Cookie: session=1\nwait 2m\nopen https://news.example/\nclose\nopen https://news.example/")),
        ("delete", "How a server deletes a cookie: the same name, domain and path, already expired", jar("open https://shop.example/login | Set-Cookie: sid=7f3a9c; Path=/; Secure; HttpOnly\nopen https://shop.example/logout | Set-Cookie: sid=; Path=/app; Max-Age=0 | Set-Cookie: sid=; Path=/; Max-Age=0\nopen https://shop.example/")),
        ("cap-400-days", "A cookie asking for ten years gets 400 days, the longest a browser keeps one", jar("open https://news.example/ | Set-Cookie: forever=1; Max-Age=315360000\nwait 399d\nopen https://news.example/\nwait 2d\nopen https://news.example/")),
        ("secure", "Secure: only https may set it, and it never goes over http, where anyone on the network can read a cookie", jar("open http://shop.example/ | Set-Cookie: sid=7f3a9c; Secure | Set-Cookie: plain=1\nopen https://shop.example/ | Set-Cookie: sid=7f3a9c; Secure\nopen http://shop.example/")),
        ("leave-secure-alone", "An http page may not overwrite or shadow a Secure cookie", jar("open https://bank.example/ | Set-Cookie: sid=good; Secure; Path=/\nopen http://bank.example/ | Set-Cookie: sid=evil; Path=/\nopen https://bank.example/")),
        ("prefixes", "__Host- and __Secure-: names that promise Secure, and for __Host- no Domain and Path=/", jar("open https://app.example/ | Set-Cookie: __Host-sid=1; Secure; Path=/ | Set-Cookie: __Host-bad=1; Secure; Path=/; Domain=app.example | Set-Cookie: __Secure-id=1; Secure; Domain=app.example | Set-Cookie: __Secure-no=1\nopen https://www.app.example/")),
        ("samesite", "SameSite Strict, Lax and None against another site's link, form POST and image", jar("open https://bank.example/ | Set-Cookie: strict=1; SameSite=Strict; Secure | Set-Cookie: lax=1; SameSite=Lax; Secure | Set-Cookie: none=1; SameSite=None; Secure\nlink https://bank.example/ from https://news.example/\nform POST https://bank.example/transfer from https://evil.example/\nfetch https://bank.example/logo.png from https://evil.example/\nopen https://bank.example/")),
        ("lax-by-default", "No SameSite in Chromium: Lax, but for its first 2 minutes a cross-site POST still carries it (Lax+POST)", jar("open https://bank.example/ | Set-Cookie: sid=1; Secure\nform POST https://bank.example/transfer from https://evil.example/\nwait 3m\nform POST https://bank.example/transfer from https://evil.example/\nlink https://bank.example/ from https://evil.example/")),
        ("no-lax-default", "The same in a browser without Lax by default (Firefox, Safari): every cross-site POST carries the cookie (CSRF)", with("open https://bank.example/ | Set-Cookie: sid=1; Secure\nform POST https://bank.example/transfer from https://evil.example/\nwait 3m\nform POST https://bank.example/transfer from https://evil.example/\nlink https://bank.example/ from https://evil.example/", |j| j.lax_by_default = false)),
        ("httponly", "HttpOnly: a script can neither read nor overwrite it, so injected script cannot steal the session", jar("open https://shop.example/ | Set-Cookie: sid=7f3a9c; Secure; HttpOnly | Set-Cookie: theme=dark\nscript https://shop.example/ read\nscript https://shop.example/ write sid=stolen\nscript https://shop.example/ write theme=light; Max-Age=3600\nscript https://shop.example/ write x=1; HttpOnly\nopen https://shop.example/")),
        ("third-party", "A tracker's cookie follows a person from one site to another, through the image both embed", jar("fetch https://tracker.example/pixel.gif from https://news.example/ | Set-Cookie: uid=u-4821; SameSite=None; Secure; Max-Age=31536000\nfetch https://tracker.example/pixel.gif from https://shop.example/\nframe https://tracker.example/widget in https://blog.example/")),
        ("third-party-blocked", "The same with third-party cookies blocked: the tracker never gets its cookie", with("fetch https://tracker.example/pixel.gif from https://news.example/ | Set-Cookie: uid=u-4821; SameSite=None; Secure; Max-Age=31536000\nfetch https://tracker.example/pixel.gif from https://shop.example/\nopen https://tracker.example/ | Set-Cookie: own=1; SameSite=None; Secure", |j| j.block_third_party = true)),
        ("partitioned", "Partitioned (CHIPS): an embedded chat keeps one cookie per top-level site, so it cannot follow the person", with("frame https://chat.example/ in https://news.example/ | Set-Cookie: __Host-chat=n1; Secure; Path=/; SameSite=None; Partitioned\nframe https://chat.example/ in https://shop.example/ | Set-Cookie: __Host-chat=s1; Secure; Path=/; SameSite=None; Partitioned\nframe https://chat.example/ in https://news.example/", |j| j.block_third_party = true)),
        ("refused", "Cookies a browser refuses: a public suffix, another site's domain, SameSite=None without Secure, a bad date", jar("open https://www.shop.example/ | Set-Cookie: a=1; Domain=example | Set-Cookie: b=1; Domain=bank.example | Set-Cookie: c=1; SameSite=None | Set-Cookie: d=1; Expires=next tuesday | Set-Cookie: e\nopen https://www.shop.example/")),
        ("sessions", "Sessions: sign in on two devices, an idle gap, logout ends one session, sign out everywhere ends the rest", sessions(&SessionScenario::default().events, keep)),
        ("idle-timeout", "Idle and absolute timeouts: each request renews the store's TTL until the session is an hour old; then 31 idle minutes end a new one", sessions("laptop: login alice\nwait 25m\nlaptop: get /account\nwait 25m\nlaptop: get /account\nwait 20m\nlaptop: get /account\nlaptop: login alice\nwait 31m\nlaptop: get /account", |s| s.absolute_s = 3600)),
        ("fixation", "Session fixation: the attacker plants an id before sign-in; a new id at sign-in defeats it", sessions("fixate\nlaptop: login alice\nreplay", keep)),
        ("fixation-open", "The same app keeping the planted id at sign-in: the attacker is signed in as Alice", sessions("fixate\nlaptop: login alice\nreplay", |s| s.rotate_on_login = false)),
        ("csrf-lax", "CSRF with SameSite=Lax and no token: the cross-site POST fails, but a state change on GET goes through", sessions("laptop: login alice\nlaptop: post /transfer\ncsrf POST /transfer\ncsrf GET /transfer?to=mallory&amount=100", |s| s.csrf_token = false)),
        ("csrf-none", "CSRF with SameSite=None and no token: another site's form moves Alice's money", sessions("laptop: login alice\ncsrf POST /transfer", |s| {
            s.csrf_token = false;
            s.cookie = "Path=/; Secure; HttpOnly; SameSite=None".into();
        })),
        ("csrf-token", "The same with a CSRF token: the cookie goes, but the forged form lacks the token, so 403", sessions("laptop: login alice\nlaptop: post /transfer\ncsrf POST /transfer", |s| s.cookie = "Path=/; Secure; HttpOnly; SameSite=None".into())),
        ("xss", "XSS without HttpOnly: injected script reads the session cookie, and the attacker replays it", sessions("laptop: login alice\nxss\nreplay", |s| s.cookie = "Path=/; Secure; SameSite=Lax".into())),
        ("xss-httponly", "The same with HttpOnly: document.cookie does not show the session, so there is nothing to steal", sessions("laptop: login alice\nxss\nreplay", keep)),
        ("sniff", "An app on plain http: someone on the café's Wi-Fi reads the cookie off the wire and replays it", sessions("laptop: login alice\nlaptop: get /account\nsniff\nreplay", |s| {
            s.https = false;
            s.cookie = "Path=/; HttpOnly; SameSite=Lax".into();
        })),
        ("accounts", "The whole sign-in flow: register, a wrong password, sign in, a refresh, logout, and a password reset link that works once", sessions("laptop: register alice\nlaptop: login alice wrong\nlaptop: login alice\nlaptop: get /account\nwait 16m\nlaptop: get /account\nlaptop: refresh\nlaptop: get /account\nphone: login alice\nlaptop: logout\nlaptop: reset alice\nlaptop: use reset link\nlaptop: use reset link\nphone: refresh\nlaptop: login alice old\nlaptop: login alice", |s| s.mode = Mode::Tokens)),
        ("bcrypt", "The same accounts stored with bcrypt (cost 10): its $2b$ string, and its 72-byte limit", sessions("laptop: register alice\nlaptop: login alice wrong\nlaptop: login alice", |s| s.hash = "bcrypt cost=10".into())),
        ("scrypt", "The same accounts stored with scrypt (N=2^17, r=8: 128 MiB a guess)", sessions("laptop: register alice\nlaptop: login alice wrong\nlaptop: login alice", |s| s.hash = "scrypt ln=17 r=8 p=1".into())),
        ("sha256", "Unsalted SHA-256, for contrast: instant, and two accounts with the same password have the same hash when the store leaks", sessions("laptop: register alice\nphone: register bob\nlaptop: login alice wrong\nlaptop: login alice\nleak", |s| s.hash = "sha256".into())),
        ("plain-text", "Plain text, for contrast: whoever reads the store has every password", sessions("laptop: register alice\nphone: register bob\nlaptop: login alice\nleak", |s| s.hash = "plain".into())),
        ("leak", "The store leaks with argon2id: the same password, two different hashes, each to be attacked alone", sessions("laptop: register alice\nphone: register bob\nleak", keep)),
        ("reset-expired", "A reset link used after its 15 minutes, and a reset for a name that has no account (the same answer, no mail)", sessions("laptop: register alice\nlaptop: reset alice\nwait 16m\nlaptop: use reset link\nlaptop: reset mallory\nlaptop: login alice", keep)),
        ("refresh-reuse", "A refresh token copied off plain http: its second use gives the theft away, and every refresh token of Alice is revoked", sessions("laptop: register alice\nlaptop: login alice\nwait 16m\nlaptop: refresh\nsniff\nreplay\nlaptop: refresh", |s| {
            s.mode = Mode::Tokens;
            s.https = false;
            s.cookie = "Path=/; HttpOnly; SameSite=Lax".into();
        })),
        ("jwt", "The same app with a JWT in the cookie: logout cannot end a stolen token, only its exp can", sessions("laptop: login alice\nlaptop: get /account\nxss\nlaptop: logout\nreplay\nphone: login alice\nphone: logout everywhere\nwait 20m\nreplay", |s| {
            s.mode = Mode::Jwt;
            s.cookie = "Path=/; Secure; SameSite=Lax".into();
        })),
    ]
}

/// The editor's fields, kept as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieForm {
    pub part: Part,
    pub events: String,
    pub lax_by_default: bool,
    pub block_third_party: bool,
    pub s_events: String,
    pub mode: super::sessions::Mode,
    pub s_cookie: String,
    pub idle: String,
    pub absolute: String,
    pub token_ttl: String,
    pub hash: String,
    pub reset_ttl: String,
    pub refresh_ttl: String,
    pub password: String,
    pub new_password: String,
    pub rotate_on_login: bool,
    pub csrf_token: bool,
    pub https: bool,
}

impl From<&CookieScenario> for CookieForm {
    fn from(s: &CookieScenario) -> Self {
        let t = crate::cache::scenario::time_text;
        let x = &s.sessions;
        CookieForm {
            part: s.part,
            events: s.jar.events.clone(),
            lax_by_default: s.jar.lax_by_default,
            block_third_party: s.jar.block_third_party,
            s_events: x.events.clone(),
            mode: x.mode,
            s_cookie: x.cookie.clone(),
            idle: t(x.idle_s),
            absolute: t(x.absolute_s),
            token_ttl: t(x.token_ttl_s),
            hash: x.hash.clone(),
            reset_ttl: t(x.reset_ttl_s),
            refresh_ttl: t(x.refresh_ttl_s),
            password: s.password.clone(),
            new_password: s.new_password.clone(),
            rotate_on_login: x.rotate_on_login,
            csrf_token: x.csrf_token,
            https: x.https,
        }
    }
}

impl CookieForm {
    pub fn parse(&self, base: &CookieScenario) -> Result<CookieScenario, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut time = |key: &str, text: &str, fallback: u64| match crate::cache::scenario::parse_time(text.trim()) {
            Ok(v) => v,
            Err(e) => {
                errors.push(FieldError::new(key, e));
                fallback
            }
        };
        let sessions = super::sessions::SessionScenario {
            events: self.s_events.clone(),
            mode: self.mode,
            cookie: self.s_cookie.trim().to_string(),
            idle_s: time("sessions_idle", &self.idle, base.sessions.idle_s),
            absolute_s: time("sessions_absolute", &self.absolute, base.sessions.absolute_s),
            token_ttl_s: time("sessions_token_ttl", &self.token_ttl, base.sessions.token_ttl_s),
            hash: self.hash.trim().to_string(),
            reset_ttl_s: time("sessions_reset_ttl", &self.reset_ttl, base.sessions.reset_ttl_s),
            refresh_ttl_s: time("sessions_refresh_ttl", &self.refresh_ttl, base.sessions.refresh_ttl_s),
            rotate_on_login: self.rotate_on_login,
            csrf_token: self.csrf_token,
            https: self.https,
        };
        let s = CookieScenario {
            part: self.part,
            jar: JarScenario { events: self.events.clone(), lax_by_default: self.lax_by_default, block_third_party: self.block_third_party },
            sessions,
            password: self.password.clone(),
            new_password: self.new_password.clone(),
            ..base.clone()
        };
        for e in s.validate() {
            if !errors.iter().any(|x: &FieldError| x.field == e.field) {
                errors.push(e);
            }
        }
        if errors.is_empty() {
            Ok(s)
        } else {
            Err(errors)
        }
    }
}
