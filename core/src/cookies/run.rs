//! The cookies lab's run: the events of a [`JarScenario`] through a browser's jar, as a trace.
//! Every request is real HTTP/1.1 bytes with the Cookie header the jar chose (and the
//! Sec-Fetch-Site header a browser adds, so the server can tell a cross-site request); every
//! response carries its Set-Cookie fields, each attribute a field pointing at its bytes; the
//! browser's lane holds the jar.

use super::jar::{Api, Check, Context, Cookie, Decision, Jar, Outcome, Policy, SetResult, Url};
use super::scenario::{parse_events, CookieScenario, Event, How, JarScenario, Part};
use super::set_cookie::{self, Effect};
use crate::cache::rfc9111::http_date;
use crate::civil;
use crate::http::Message;
use crate::trace::{Actor, ActorState, ByteRange, Field, SimTime, SpecRef, StateChange, Step, StepKind, Trace, Var};

/// When every scenario starts: 2026-12-01 10:00:00 UTC (no clock is read).
pub const START: i64 = 1_796_119_200;
/// One way between the browser and any server.
const ONE_WAY_US: u64 = 25_000;

/// The run: the trace, and the jar after each step (the page's jar table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieRun {
    pub trace: Trace,
    pub jars: Vec<Vec<JarRow>>,
}

/// One cookie as a browser's storage panel lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JarRow {
    pub name: String,
    pub value: String,
    /// With a leading dot for a domain cookie (sent to subdomains too).
    pub domain: String,
    pub path: String,
    /// `session`, or when it expires, seen from the step's time.
    pub expires: String,
    pub secure: bool,
    pub http_only: bool,
    /// `Strict`, `Lax`, `None`, or empty when not given.
    pub same_site: String,
    /// The top-level site a partitioned cookie belongs to; empty when not partitioned.
    pub partition: String,
}

pub fn run(s: &CookieScenario) -> CookieRun {
    match s.part {
        Part::Jar => run_jar(&s.jar),
        // No jar table: the part has several browsers, each jar shown on its own lane.
        Part::Sessions => CookieRun { trace: super::sessions::run(&s.sessions, s.passwords()), jars: Vec::new() },
    }
}

fn rows(jar: &Jar, now: i64) -> Vec<JarRow> {
    jar.cookies
        .iter()
        .map(|c| JarRow {
            name: c.name.clone(),
            value: c.value.clone(),
            domain: format!("{}{}", if c.host_only { "" } else { "." }, c.domain),
            path: c.path.clone(),
            expires: match c.expires {
                None => "session".into(),
                Some(t) => format!("{} ({})", http_date(t), civil::relative(t, now)),
            },
            secure: c.secure,
            http_only: c.http_only,
            same_site: c.same_site.map(|s| s.name().to_string()).unwrap_or_default(),
            partition: c.partition.clone().unwrap_or_default(),
        })
        .collect()
}

fn field(name: impl Into<String>, value: impl Into<String>, note: impl Into<String>) -> Field {
    Field { name: name.into(), value: value.into(), bytes: None, note: note.into(), points_to: None }
}

/// RFC 6265bis, the revision browsers follow (an Internet-Draft).
fn bis(section: &str, title: &str) -> SpecRef {
    SpecRef {
        document: "RFC 6265bis".into(),
        section: section.into(),
        title: title.into(),
        url: format!("https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#section-{section}"),
    }
}

/// The jar as the browser's lane shows it.
fn jar_state(jar: &Jar, now: i64) -> ActorState {
    let n = jar.cookies.len();
    ActorState { name: format!("{n} cookie{}", if n == 1 { "" } else { "s" }), vars: jar.cookies.iter().map(|c| Var { name: cookie_name(c), value: cookie_text(c, now) }).collect() }
}

/// `sid · shop.example/` (a leading dot for a domain cookie, as devtools show it).
fn cookie_name(c: &Cookie) -> String {
    let partition = c.partition.as_deref().map(|p| format!(" · in {p}")).unwrap_or_default();
    format!("{} · {}{}{}{partition}", c.name, if c.host_only { "" } else { "." }, c.domain, c.path)
}

fn cookie_text(c: &Cookie, now: i64) -> String {
    let mut parts = vec![if c.value.is_empty() { "(empty)".to_string() } else { crate::export::visible(&c.value.chars().take(60).collect::<String>()) }];
    if c.secure {
        parts.push("Secure".into());
    }
    if c.http_only {
        parts.push("HttpOnly".into());
    }
    parts.push(match c.same_site {
        Some(s) => format!("SameSite={}", s.name()),
        None => "no SameSite".into(),
    });
    parts.push(match c.expires {
        None => "session".into(),
        Some(t) => format!("expires {}", civil::relative(t, now)),
    });
    parts.join(" · ")
}

fn rule_spec(rule: &str) -> Option<SpecRef> {
    let (doc, rest) = rule.split_once(" §")?;
    let section = rest.split(' ').next().unwrap_or(rest);
    let title = match section {
        "5.1.1" => "Dates",
        "5.1.3" => "Domain Matching",
        "5.1.4" => "Paths and Path-Match",
        "5.2" => "The Set-Cookie Header",
        "5.3" => "Storage Model",
        "5.4" => "The Cookie Header",
        "6.1" => "Limits",
        "4.1.3.1" => "The \"__Secure-\" Prefix",
        "4.1.3.2" => "The \"__Host-\" Prefix",
        "5.6" | "5.6.1" | "5.6.2" | "5.6.3" | "5.6.7" => "The Set-Cookie Header Field",
        "5.7" => "Storage Model",
        "5.8.3" => "Retrieval Algorithm",
        _ => "",
    };
    match doc {
        "RFC 6265" => Some(SpecRef::rfc(6265, section, title)),
        "RFC 6265bis" => Some(bis(section, title)),
        _ => None,
    }
}

/// The distinct specs of some rules, in order.
fn specs<'a>(rules: impl Iterator<Item = &'a str>, first: SpecRef) -> Vec<SpecRef> {
    let mut out = vec![first];
    for r in rules {
        if let Some(s) = rule_spec(r) {
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out
}

/// `Sec-Fetch-Site` as a browser computes it (Fetch Metadata).
fn fetch_site(ctx: &Context, url: &Url) -> &'static str {
    match &ctx.initiator {
        None => "none",
        Some(i) if i.origin() == url.origin() => "same-origin",
        Some(i) if i.site() == url.site() => "same-site",
        Some(_) => "cross-site",
    }
}

fn how_text(how: &How, from: Option<&Url>) -> String {
    let page = from.map(|f| f.host.clone()).unwrap_or_default();
    match how {
        How::Open => "typed in the address bar".into(),
        How::Link => format!("a link on {page}"),
        How::Form(m) => format!("a {m} form on {page}"),
        How::Fetch => format!("an image or fetch on {page}"),
        How::Frame => format!("a frame in {page}"),
    }
}

struct Run {
    t: Trace,
    jars: Vec<Vec<JarRow>>,
    jar: Jar,
    policy: Policy,
    at: u64,
    hosts: Vec<String>,
    stored: usize,
    refused: Vec<String>,
}

impl Run {
    fn now(&self) -> i64 {
        START + (self.at / 1_000_000) as i64
    }

    /// A step, and the jar as it stands after it.
    fn push(&mut self, step: Step) {
        self.t.steps.push(step);
        self.jars.push(rows(&self.jar, self.now()));
    }

    fn actor(&mut self, host: &str) -> usize {
        match self.hosts.iter().position(|h| h == host) {
            Some(i) => i + 1,
            None => {
                self.hosts.push(host.to_string());
                self.t.actors.push(Actor { id: format!("server{}", self.hosts.len()), name: host.to_string(), detail: "server".into() });
                self.hosts.len()
            }
        }
    }

    fn local(&mut self, label: String, fields: Vec<Field>, before: ActorState, explanation: String, spec: Vec<SpecRef>) {
        let after = jar_state(&self.jar, self.now());
        self.push(Step { at: SimTime(self.at), arrives: None, kind: StepKind::Local, from: 0, to: 0, label, fields, bytes: Vec::new(), bytes_label: String::new(), states: vec![StateChange { actor: 0, before, after }], explanation, spec });
    }

    /// One decision per cookie, as fields.
    fn decision_fields(&self, decisions: &[Decision]) -> Vec<Field> {
        decisions.iter().map(|d| {
            let c = &self.jar.cookies[d.index];
            field(format!("{} {}", if d.sent { "✔" } else { "✘" }, cookie_name(c)), if d.sent { "sent" } else { "not sent" }, format!("{} ({})", d.why, d.rule))
        }).collect()
    }

    fn request(&mut self, how: &How, url: &Url, from: Option<&Url>, set_cookies: &[String]) {
        let now = self.now();
        let gone = self.jar.expire(now);
        let ctx = match how {
            How::Open => Context::typed(),
            How::Link => Context { initiator: from.cloned(), navigation: true, method: "GET".into(), top_level: None },
            How::Form(m) => Context { initiator: from.cloned(), navigation: true, method: m.clone(), top_level: None },
            How::Fetch | How::Frame => Context { initiator: from.cloned(), navigation: false, method: "GET".into(), top_level: None },
        };
        let server = self.actor(&url.host);
        let decisions = self.jar.decide(url, &ctx, Api::Http, self.policy, now);
        let header = self.jar.header(&decisions);
        let method = ctx.method.clone();
        let host = match url.port {
            Some(p) => format!("{}:{p}", url.host),
            None => url.host.clone(),
        };
        let site = fetch_site(&ctx, url);
        let (mode, dest) = match how {
            How::Open | How::Link | How::Form(_) => ("navigate", "document"),
            How::Fetch => ("no-cors", "image"),
            How::Frame => ("navigate", "iframe"),
        };
        let mut m = Message::request(&method, &url.path).header("Host", &host).header("Sec-Fetch-Site", site).header("Sec-Fetch-Mode", mode).header("Sec-Fetch-Dest", dest);
        if method == "POST" {
            if let Some(f) = from {
                m = m.header("Origin", &f.origin());
            }
        }
        if !header.is_empty() {
            m = m.header("Cookie", &header);
        }
        if method == "POST" {
            m = m.form(&[("to", "mallory"), ("amount", "100")]);
        }
        let (bytes, mut fields) = m.encode();
        for f in fields.iter_mut() {
            match f.name.as_str() {
                "Sec-Fetch-Site" => f.note = "the browser tells the server where the request comes from; a server can refuse cross-site requests on it".into(),
                "Cookie" => f.note = "the cookies the jar chose, longest path first (RFC 6265 §5.4)".into(),
                "Origin" => f.note = "sent on every POST: another defence a server can check".into(),
                _ => {}
            }
        }
        fields.extend(self.decision_fields(&decisions));
        let sent = decisions.iter().filter(|d| d.sent).count();
        let held = decisions.len() - sent;
        let cross = ctx.cross_site(url);
        let how_said = how_text(how, from);
        let mut explanation = format!("{}{} to {}: ", how_said[..1].to_uppercase(), &how_said[1..], url.host);
        explanation.push_str(&if cross { format!("a cross-site request ({} → {}). ", from.map(Url::site).unwrap_or_default(), url.site()) } else { "a same-site request. ".to_string() });
        explanation.push_str(&match (sent, held) {
            (0, 0) => "The jar holds no cookies, so there is no Cookie header.".to_string(),
            (0, h) => format!("None of the jar's {h} cookie{} go{}: each field below says why.", if h == 1 { "" } else { "s" }, if h == 1 { "es" } else { "" }),
            (s, 0) => format!("{s} cookie{} go{} with it.", if s == 1 { "" } else { "s" }, if s == 1 { "es" } else { "" }),
            (s, h) => format!("{s} cookie{} go{}, {h} stay{} behind: each field below says why.", if s == 1 { "" } else { "s" }, if s == 1 { "es" } else { "" }, if h == 1 { "s" } else { "" }),
        });
        if sent > 0 && !url.secure() {
            explanation.push_str(" Over plain http: anyone on the network path can read these cookies, and copy them to act as this person.");
        }
        if !gone.is_empty() {
            explanation.push_str(&format!(" Expired and dropped first: {}.", gone.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ")));
        }
        let spec = specs(decisions.iter().map(|d| d.rule), SpecRef::rfc(6265, "5.4", "The Cookie Header"));
        let label = format!("{method} {}{}", url.path, if sent > 0 { format!(" · {sent} cookie{}", if sent == 1 { "" } else { "s" }) } else { String::new() });
        self.push(Step { at: SimTime(self.at), arrives: Some(SimTime(self.at + ONE_WAY_US)), kind: StepKind::Message, from: 0, to: server, label, fields, bytes, bytes_label: "HTTP/1.1 request".into(), states: Vec::new(), explanation, spec });
        self.at += ONE_WAY_US;
        let summary_sent = if header.is_empty() { "no Cookie header".to_string() } else { format!("Cookie: {}", crate::export::visible(&header.chars().take(80).collect::<String>())) };
        self.t.summary.push(format!("{method} {}{} ({}): {summary_sent}.", url.host, url.path, how_text(how, from)));
        self.response(url, &ctx, server, set_cookies);
    }

    fn response(&mut self, url: &Url, ctx: &Context, server: usize, set_cookies: &[String]) {
        let now = self.now();
        let before = jar_state(&self.jar, now);
        let mut m = Message::response(200, "OK");
        for c in set_cookies {
            m = m.header("Set-Cookie", c);
        }
        m = m.header("Content-Length", "0");
        let (bytes, encoded) = m.encode();
        let mut fields = Vec::new();
        let mut lines = Vec::new();
        let mut rules: Vec<&'static str> = Vec::new();
        let mut n = 0;
        for f in encoded {
            let is_set = f.name.eq_ignore_ascii_case("Set-Cookie");
            let range = f.bytes;
            fields.push(f);
            if !is_set {
                continue;
            }
            let line = &set_cookies[n];
            n += 1;
            let r = self.jar.set(line, url, ctx, Api::Http, self.policy, now);
            // The header line is `Set-Cookie: ` and the value.
            let base = range.map(|b| b.start + "Set-Cookie: ".len());
            fields.extend(set_fields(line, &r, base));
            lines.push(outcome_text(&r));
            rules.extend(r.checks.iter().map(|c| c.rule));
            self.count(&r);
        }
        let explanation = if set_cookies.is_empty() {
            "The answer sets no cookie.".to_string()
        } else {
            format!("The browser reads each Set-Cookie (RFC 6265 §5.2) and decides whether to store it (§5.3): {}", lines.join(" "))
        };
        let label = if set_cookies.is_empty() { "200 OK".to_string() } else { format!("200 OK · Set-Cookie ×{}", set_cookies.len()) };
        let after = jar_state(&self.jar, now);
        let spec = if set_cookies.is_empty() { Vec::new() } else { specs(rules.into_iter(), SpecRef::rfc(6265, "5.2", "The Set-Cookie Header")) };
        self.push(Step { at: SimTime(self.at), arrives: Some(SimTime(self.at + ONE_WAY_US)), kind: StepKind::Message, from: server, to: 0, label, fields, bytes, bytes_label: "HTTP/1.1 response".into(), states: vec![StateChange { actor: 0, before, after }], explanation, spec });
        self.at += ONE_WAY_US;
    }

    fn count(&mut self, r: &SetResult) {
        match r.outcome {
            Outcome::Stored | Outcome::Replaced => self.stored += 1,
            Outcome::Refused => {
                let why = r.checks.last().map(|c| c.text.clone()).unwrap_or_default();
                self.refused.push(match &r.parsed {
                    Ok(p) => format!("{}: {why}", p.name),
                    Err(e) => format!("a line: {}", e.reason),
                });
            }
            Outcome::Deleted { .. } => {}
        }
    }

    fn script(&mut self, page: &Url, write: Option<&str>) {
        let now = self.now();
        self.jar.expire(now);
        let before = jar_state(&self.jar, now);
        let ctx = Context::typed();
        match write {
            None => {
                let decisions = self.jar.decide(page, &ctx, Api::Script, self.policy, now);
                let value = self.jar.header(&decisions);
                let mut fields = vec![field("document.cookie", format!("\"{}\"", crate::export::visible(&value)), "what a script on this page reads")];
                fields.extend(self.decision_fields(&decisions));
                let hidden: Vec<String> = decisions.iter().filter(|d| !d.sent && self.jar.cookies[d.index].http_only && d.why.starts_with("HttpOnly")).map(|d| self.jar.cookies[d.index].name.clone()).collect();
                let explanation = format!(
                    "A script on {} reads document.cookie: the same cookies a request to this page would carry, less the HttpOnly ones.{}",
                    page.host,
                    if hidden.is_empty() { String::new() } else { format!(" Hidden: {}. Script injected into the page (XSS) cannot read them either.", hidden.join(", ")) }
                );
                self.t.summary.push(format!("document.cookie on {}: \"{}\".", page.host, crate::export::visible(&value.chars().take(80).collect::<String>())));
                let spec = specs(decisions.iter().map(|d| d.rule), SpecRef::rfc(6265, "5.4", "The Cookie Header"));
                self.local("document.cookie".into(), fields, before, explanation, spec);
            }
            Some(line) => {
                let r = self.jar.set(line, page, &ctx, Api::Script, self.policy, now);
                let mut fields = vec![field("document.cookie =", format!("\"{}\"", crate::export::visible(line)), "a script writes a cookie: the jar checks it as it checks Set-Cookie")];
                fields.extend(set_fields(line, &r, None));
                self.count(&r);
                let explanation = format!("A script on {} writes document.cookie. {}", page.host, outcome_text(&r));
                let spec = specs(r.checks.iter().map(|c| c.rule), SpecRef::rfc(6265, "5.3", "Storage Model"));
                self.local(format!("document.cookie = {}", crate::export::visible(&line.chars().take(30).collect::<String>())), fields, before, explanation, spec);
            }
        }
        self.at += 1_000;
    }

    fn wait(&mut self, secs: u64) {
        let before = jar_state(&self.jar, self.now());
        self.at = self.at.saturating_add(secs.saturating_mul(1_000_000));
        let now = self.now();
        let gone = self.jar.expire(now);
        let fields: Vec<Field> = gone.iter().map(|c| field(format!("✘ {}", cookie_name(c)), "expired", format!("at {}", c.expires.map(http_date).unwrap_or_default()))).collect();
        let explanation = if gone.is_empty() {
            format!("{} pass. No cookie expires.", crate::cache::scenario::time_text(secs))
        } else {
            format!("{} pass. The browser drops the cookies whose time has come: {}.", crate::cache::scenario::time_text(secs), gone.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", "))
        };
        self.local(format!("{} later", crate::cache::scenario::time_text(secs)), fields, before, explanation, vec![SpecRef::rfc(6265, "5.3", "Storage Model")]);
    }

    fn close(&mut self) {
        let now = self.now();
        let before = jar_state(&self.jar, now);
        let (gone, kept): (Vec<Cookie>, Vec<Cookie>) = std::mem::take(&mut self.jar.cookies).into_iter().partition(|c| c.expires.is_none());
        self.jar.cookies = kept;
        let fields: Vec<Field> = gone.iter().map(|c| field(format!("✘ {}", cookie_name(c)), "gone", "a session cookie: no Expires or Max-Age")).collect();
        let explanation = format!(
            "The browser closes. Session cookies end with it{}; persistent ones stay until they expire. (Browsers that restore the last session keep session cookies too.)",
            if gone.is_empty() { String::new() } else { format!(": {}", gone.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ")) }
        );
        self.local("the browser closes".into(), fields, before, explanation, vec![SpecRef::rfc(6265, "5.3", "Storage Model")]);
        self.at += 1_000_000;
    }
}

/// One sentence on what happened to a Set-Cookie line.
fn outcome_text(r: &SetResult) -> String {
    let name = r.parsed.as_ref().map(|p| p.name.clone()).unwrap_or_else(|_| "The line".into());
    let last = r.checks.last().map(|c| c.text.clone()).unwrap_or_default();
    match r.outcome {
        Outcome::Stored => format!("{name}: stored."),
        Outcome::Replaced => format!("{name}: stored in place of the old one."),
        Outcome::Deleted { removed: true } => format!("{name}: deleted (already expired)."),
        Outcome::Deleted { removed: false } => format!("{name}: already expired, and there was none to delete."),
        Outcome::Refused => format!("{name}: refused, {last}."),
    }
}

/// The fields of one Set-Cookie: the outcome, the pair, each attribute (pointing at its bytes
/// when `base`, the value's offset in the message, is known), and each check.
fn set_fields(line: &str, r: &SetResult, base: Option<usize>) -> Vec<Field> {
    let segments = set_cookie::segments(line);
    let at = |i: usize| base.zip(segments.get(i)).map(|(b, (s, e))| ByteRange::new(b + s, b + e));
    let verdict = match r.outcome {
        Outcome::Stored => "stored",
        Outcome::Replaced => "stored, replacing",
        Outcome::Deleted { .. } => "deleted",
        Outcome::Refused => "refused",
    };
    let mut out = Vec::new();
    match &r.parsed {
        Err(e) => out.push(Field { name: "  cookie".into(), value: verdict.into(), bytes: at(0), note: e.reason.clone(), points_to: None }),
        Ok(p) => {
            out.push(Field { name: format!("  {}", p.name), value: format!("{verdict}: {}", crate::export::visible(&p.value.chars().take(60).collect::<String>())), bytes: at(0), note: "the cookie's name and value".into(), points_to: None });
            for (i, a) in p.attributes.iter().enumerate() {
                let (value, note) = match &a.effect {
                    Effect::Sets(t) => (if a.value.is_empty() { "on".to_string() } else { a.value.clone() }, t.clone()),
                    Effect::Ignored(t) => ("ignored".to_string(), t.clone()),
                };
                out.push(Field { name: format!("    {}", a.name), value: crate::export::visible(&value.chars().take(60).collect::<String>()), bytes: at(i + 1), note, points_to: None });
            }
        }
    }
    for Check { ok, text, rule } in &r.checks {
        out.push(field(format!("    {}", if *ok { "✔ check" } else { "✘ check" }), text.clone(), *rule));
    }
    out
}

pub fn run_jar(s: &JarScenario) -> CookieRun {
    let actors = vec![Actor { id: "browser".into(), name: "Browser".into(), detail: "its cookie jar".into() }];
    let mut r = Run {
        t: Trace::new("cookies", "Cookies: the browser's jar", actors),
        jars: Vec::new(),
        jar: Jar::default(),
        policy: Policy { lax_by_default: s.lax_by_default, block_third_party: s.block_third_party },
        at: 0,
        hosts: Vec::new(),
        stored: 0,
        refused: Vec::new(),
    };
    for line in parse_events(&s.events).unwrap_or_default() {
        match &line.event {
            Event::Request { how, url, from, set_cookies } => r.request(how, url, from.as_ref(), set_cookies),
            Event::Script { page, write } => r.script(page, write.as_deref()),
            Event::Wait(secs) => r.wait(*secs),
            Event::Close => r.close(),
        }
        r.at += 100_000;
    }
    let mut head = vec![format!("{} cookie{} stored, {} refused; {} in the jar at the end.", r.stored, if r.stored == 1 { "" } else { "s" }, r.refused.len(), r.jar.cookies.len())];
    head.extend(r.refused.iter().map(|x| format!("Refused {x}.")));
    head.append(&mut r.t.summary);
    r.t.summary = head;
    CookieRun { trace: r.t, jars: r.jars }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cookies::scenario::presets;

    #[test]
    fn the_default_scenario_shows_each_rule() {
        let t = run(&CookieScenario::default()).trace;
        let s = t.summary.join("\n");
        assert!(s.starts_with("2 cookies stored, 0 refused"), "{s}");
        assert!(s.contains("GET shop.example/cart (typed in the address bar): Cookie: sid=7f3a9c; theme=dark."), "{s}");
        assert!(s.contains("document.cookie on shop.example: \"theme=dark\"."), "{s}");
        assert!(s.contains("POST shop.example/cart (a POST form on evil.example): no Cookie header."), "{s}");
        assert!(s.contains("GET shop.example/ (a link on news.example): Cookie: sid=7f3a9c; theme=dark."), "{s}");
        let post = t.steps.iter().find(|st| st.label.starts_with("POST")).unwrap();
        let text = String::from_utf8_lossy(&post.bytes);
        assert!(text.contains("Sec-Fetch-Site: cross-site\r\n") && text.contains("Origin: https://evil.example\r\n") && !text.contains("Cookie:"), "{text}");
    }

    #[test]
    fn attribute_fields_point_at_their_bytes() {
        let t = run(&CookieScenario::default()).trace;
        let answer = &t.steps[1];
        for f in answer.fields.iter().filter(|f| f.name.starts_with("    ") && f.bytes.is_some()) {
            let b = f.bytes.unwrap();
            let text = String::from_utf8_lossy(&answer.bytes[b.start..b.end]).to_string();
            assert!(text.starts_with(f.name.trim()), "{} → {text}", f.name);
        }
        assert!(answer.fields.iter().any(|f| f.name == "    HttpOnly"));
    }

    #[test]
    fn every_preset_is_valid_and_runs() {
        use crate::scenario::Scenario;
        for (id, _, s) in presets() {
            assert!(s.validate().is_empty(), "{id}: {:?}", s.validate());
            let r = run(&s);
            assert!(!r.trace.steps.is_empty(), "{id}");
            assert!(r.jars.is_empty() || r.jars.len() == r.trace.steps.len(), "{id}");
        }
    }
}
