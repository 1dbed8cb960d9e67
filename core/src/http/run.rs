//! The HTTP lab's trace. For CORS: each call as the script makes it, the browser's checks, the
//! preflight and its answer as real HTTP/1.1 bytes, the request, what the server does with it,
//! the response, and the CORS check that decides whether the script sees it. The decisions are
//! [`super::cors::decide`]'s; a CDN in front of the server decides with the caching lab's
//! RFC 9111 core.

use super::cors::{self, Answer, Check, Credentials, Decision, Fetch, PreflightCache};
use super::scenario::{parse_headers, CorsScenario, HttpScenario};
use super::{reason, Message};
use crate::cache::rfc9111::{self, Kind, Stored, Use};
use crate::trace::{Actor, ActorState, Field, SimTime, SpecRef, StateChange, Step, StepKind, Trace, Var};

/// One way, in milliseconds: browser to server directly, browser to CDN, CDN to server.
const DIRECT_MS: u64 = 25;
const EDGE_MS: u64 = 5;
const ORIGIN_MS: u64 = 20;
/// The CDN's clock: t = 0 of the scenario, in seconds since 1970.
const T0: i64 = 1_796_029_200;

pub fn run(s: &HttpScenario) -> Trace {
    match s.part {
        super::scenario::Part::Cors => cors_run(&s.cors),
        super::scenario::Part::Methods => super::methods::run(&s.methods),
        super::scenario::Part::Status => super::status::run(&s.status),
        super::scenario::Part::Journey => super::journey::run(&s.journey),
        super::scenario::Part::Waterfall => super::waterfall::run(&s.waterfall),
    }
}

fn cors_run(c: &CorsScenario) -> Trace {
    let mut r = Run::new(c);
    r.call(0, &c.page.clone(), 0);
    if let Some(after) = c.then_s {
        let page = if c.then_page.is_empty() { c.page.clone() } else { c.then_page.clone() };
        let who = usize::from(!c.then_page.is_empty() && c.then_page != c.page);
        r.at = r.at.max(after * 1_000_000);
        r.call(who, &page, after);
    }
    r.t
}

/// Who had answered when the browser blocked the response.
#[derive(Clone, Copy)]
enum Acted {
    Nobody,
    Server,
    Cdn,
}

struct Run<'a> {
    c: &'a CorsScenario,
    t: Trace,
    at: u64,
    browser: usize,
    cdn: Option<usize>,
    server: usize,
    cache: PreflightCache,
    /// What the CDN holds, each with its body.
    stored: Vec<(Stored, Vec<u8>)>,
    changes: u32,
    /// `Call 1 (0 s, https://app.example)`, for the summary.
    call: String,
}

fn fld(name: &str, value: &str, note: &str) -> Field {
    Field { name: name.into(), value: value.into(), bytes: None, note: note.into(), points_to: None }
}

fn fetch_spec(anchor: &str, title: &str) -> Vec<SpecRef> {
    vec![SpecRef::fetch(anchor, title)]
}

/// The checks as fields: the rule, ✔ when it lets the call through and ✘ when it does not
/// (or forces a preflight), and why.
fn check_fields(checks: &[Check]) -> Vec<Field> {
    checks.iter().map(|c| fld(&c.rule, if c.passed { "✔" } else { "✘" }, &c.detail)).collect()
}

fn origin_of(url: &str) -> String {
    cors::parse_url(url).map(|(o, _)| o.serialize()).unwrap_or_default()
}

/// `$origin` in a header value: the request's Origin, echoed.
fn echo(headers: &str, origin: &str) -> Vec<(String, String)> {
    parse_headers(headers).unwrap_or_default().into_iter().map(|(n, v)| (n, v.replace("$origin", origin))).collect()
}

impl<'a> Run<'a> {
    fn new(c: &'a CorsScenario) -> Run<'a> {
        let mut actors = vec![Actor { id: "page".into(), name: "Page".into(), detail: origin_of(&c.page) }];
        if !c.then_page.is_empty() && c.then_page != c.page && c.then_s.is_some() {
            actors.push(Actor { id: "other".into(), name: "Other page".into(), detail: origin_of(&c.then_page) });
        }
        let browser = actors.len();
        actors.push(Actor { id: "browser".into(), name: "Browser".into(), detail: "fetch and CORS".into() });
        let cdn = c.cdn.then(|| {
            actors.push(Actor { id: "cdn".into(), name: "CDN".into(), detail: "shared cache".into() });
            actors.len() - 1
        });
        let server = actors.len();
        actors.push(Actor { id: "server".into(), name: "API server".into(), detail: origin_of(&c.url) });
        let t = Trace::new("http", "CORS: a cross-origin fetch, as the browser decides it", actors);
        Run { c, t, at: 0, browser, cdn, server, cache: PreflightCache::default(), stored: Vec::new(), changes: 0, call: String::new() }
    }

    fn step(&mut self, from: usize, to: usize, label: String, fields: Vec<Field>, bytes: Vec<u8>, explanation: String, spec: Vec<SpecRef>) {
        let (kind, arrives) = if from == to {
            (StepKind::Local, None)
        } else {
            let ms = match (self.cdn, from == self.server || to == self.server) {
                (None, _) => DIRECT_MS,
                (Some(_), true) => ORIGIN_MS,
                (Some(_), false) => EDGE_MS,
            };
            let sent = self.at;
            self.at += ms * 1000;
            (StepKind::Message, Some(SimTime(sent)))
        };
        let (at, arrives) = match arrives {
            Some(sent) => (sent, Some(SimTime(self.at))),
            None => (SimTime(self.at), None),
        };
        let bytes_label = if bytes.is_empty() { String::new() } else if bytes.starts_with(b"HTTP/") { "HTTP/1.1 response".into() } else { "HTTP/1.1 request".into() };
        self.t.steps.push(Step { at, arrives, kind, from, to, label, fields, bytes, bytes_label, states: Vec::new(), explanation, spec });
    }

    /// A message from the browser to the server (through the CDN when there is one), or back.
    fn carry(&mut self, m: &Message, toward_server: bool, label: &str, explanation: &str, spec: Vec<SpecRef>) {
        let (bytes, fields) = m.encode();
        let hops: Vec<(usize, usize)> = match (self.cdn, toward_server) {
            (None, true) => vec![(self.browser, self.server)],
            (None, false) => vec![(self.server, self.browser)],
            (Some(cdn), true) => vec![(self.browser, cdn), (cdn, self.server)],
            (Some(cdn), false) => vec![(self.server, cdn), (cdn, self.browser)],
        };
        for (i, (from, to)) in hops.into_iter().enumerate() {
            let note = if i == 1 && toward_server { " The CDN passes it on." } else if i == 1 { " The CDN passes it back." } else { "" };
            self.step(from, to, label.to_string(), fields.clone(), bytes.clone(), format!("{explanation}{note}"), spec.clone());
        }
    }

    fn call(&mut self, who: usize, page: &str, at_s: u64) {
        let c = self.c;
        let origin = origin_of(page);
        self.call = format!("Call {} ({at_s} s, {origin})", if at_s == 0 && self.t.steps.is_empty() { 1 } else { 2 });
        let headers = parse_headers(&c.headers).unwrap_or_default();
        let fetch = Fetch { page: page.to_string(), url: c.url.clone(), method: c.method.clone(), headers: headers.clone(), credentials: c.credentials };
        let mut options: Vec<Field> = vec![fld("method", &c.method, ""), fld("url", &c.url, "")];
        options.extend(headers.iter().map(|(n, v)| fld(&format!("header {n}"), v, "")));
        if !c.body.is_empty() {
            options.push(fld("body", &c.body, ""));
        }
        options.push(fld("credentials", c.credentials.id(), match c.credentials {
            Credentials::Include => "send cookies to the other origin too, and require it to agree",
            Credentials::SameOrigin => "fetch's default: cookies only to the page's own origin",
            Credentials::Omit => "no cookies at all",
        }));
        self.step(who, who, format!("fetch(\"{}\") at {at_s} s", c.url), options, Vec::new(), format!("A script on {origin} calls fetch. The browser, not the script, decides what is sent and whether the script may see the answer."), fetch_spec("fetch-method", "fetch()"));

        if !c.body.is_empty() && matches!(c.method.to_ascii_uppercase().as_str(), "GET" | "HEAD") {
            let error = "TypeError: Failed to execute 'fetch' on 'Window': Request with GET/HEAD method cannot have body.";
            self.step(who, who, "fetch throws".into(), vec![fld("error", error, "")], Vec::new(), "Nothing is sent: a GET or HEAD request has no body.".into(), fetch_spec("dom-request", "new Request()"));
            self.t.summary.push(format!("{}: fetch threw before sending. {error}", self.call));
            return;
        }
        // What the CDN would answer, and the server's answers, with $origin echoed.
        let now = self.at;
        let path = cors::parse_url(&c.url).map(|(_, p)| p).unwrap_or_default();
        let pre = Answer { status: c.preflight_status, headers: echo(&c.preflight_headers, &origin) };
        let prepared = cors::prepare(&c.method, &headers).ok();
        let cdn_request: Vec<(String, String)> = std::iter::once(("Origin".to_string(), origin.clone())).chain(prepared.iter().flat_map(|p| p.headers.clone())).collect();
        let method = prepared.as_ref().map(|p| p.method.clone()).unwrap_or_default();
        let now_s = T0 + (now / 1_000_000) as i64;
        let from_cdn = self.cdn.and_then(|_| self.stored.iter().map(|(st, body)| (st.clone(), body.clone(), rfc9111::reuse(Kind::Shared, st, &method, &cdn_request, now_s))).find(|(_, _, r)| r.decision != Use::NoMatch));
        let server_answer = Answer { status: c.status, headers: echo(&c.response_headers, &origin) };
        let answer = match &from_cdn {
            Some((st, _, r)) if r.decision == Use::Fresh => Answer { status: st.status, headers: st.response.clone() },
            _ => server_answer.clone(),
        };
        let d = cors::decide(&fetch, &pre, &answer, &mut self.cache, now);
        if let Some(error) = &d.type_error {
            self.step(self.browser, self.browser, "fetch throws".into(), check_fields(&d.checks), Vec::new(), "Nothing is sent.".into(), fetch_spec("concept-method-normalize", "methods"));
            self.step(who, who, "TypeError".into(), vec![fld("error", error, "")], Vec::new(), "The promise rejects before any request leaves the browser.".into(), Vec::new());
            self.t.summary.push(format!("{}: fetch threw before sending. {error}", self.call));
            return;
        }
        let label = if d.same_origin {
            "same origin: no CORS".to_string()
        } else if d.preflight.is_some() {
            "a preflight is needed".to_string()
        } else if d.checks.iter().any(|c| c.anchor == "concept-cache-match") {
            "no preflight: the cache allows it".to_string()
        } else {
            "no preflight: a simple request".to_string()
        };
        let why = if d.same_origin {
            "CORS governs only calls to another origin (scheme, host and port)."
        } else if d.preflight.is_some() {
            "This call could not have been made by an HTML form, so the server must agree before it is sent."
        } else {
            "A form could send this call anyway, so it goes at once: CORS only decides whether the script may read the answer."
        };
        self.step(self.browser, self.browser, label, check_fields(&d.checks), Vec::new(), why.into(), fetch_spec("cors-preflight-fetch", "CORS-preflight fetch"));

        if let Some(preflight) = &d.preflight {
            self.carry(preflight, true, &format!("OPTIONS {path} (preflight)"), "The browser asks first: which method and which headers the request will carry. A preflight never carries cookies or the Authorization header.", fetch_spec("cors-preflight-fetch", "CORS-preflight fetch"));
            let mut m = Message::response(pre.status, reason(pre.status));
            m.headers = pre.headers.clone();
            self.carry(&m, false, &format!("{} {} (preflight answer)", pre.status, reason(pre.status)), "The server's answer to the preflight.", fetch_spec("http-responses", "CORS protocol: HTTP responses"));
            let refused = d.request.is_none();
            let mut fields = check_fields(&d.preflight_checks);
            if !refused {
                let entries: Vec<String> = self.cache.entries.iter().filter(|e| e.expires > now).map(|e| e.method.clone().or_else(|| e.header.clone()).unwrap_or_default()).collect();
                fields.push(fld("preflight cache", &entries.join(", "), "what later calls from this origin to this URL may do without asking again, until max-age runs out"));
            }
            let label = if refused { "preflight refused" } else { "preflight allowed" };
            self.step(self.browser, self.browser, label.into(), fields, Vec::new(), if refused { "The request itself is never sent." } else { "The browser now sends the request." }.into(), fetch_spec("cors-preflight-fetch", "CORS-preflight fetch"));
            if refused {
                self.blocked(who, &d, Acted::Nobody);
                return;
            }
        }
        let Some(request) = &d.request else { return };
        let mut request = request.clone();
        if c.credentials == Credentials::Include || (d.same_origin && c.credentials == Credentials::SameOrigin) {
            request = request.header("Cookie", "session=alice-session");
        }
        if !c.body.is_empty() {
            if request.header_value("Content-Type").is_none() {
                request = request.header("Content-Type", "text/plain;charset=UTF-8");
            }
            request = request.header("Content-Length", &c.body.len().to_string());
            request.body = c.body.as_bytes().to_vec();
        }
        let cookie_note = if request.header_value("Cookie").is_some() { " It carries the cookie the browser holds for the server's site (this lab assumes the person is signed in there, with SameSite=None)." } else { "" };
        let served = match (self.cdn, &from_cdn) {
            (Some(cdn), Some((_, _, r))) if r.decision == Use::Fresh => {
                let (bytes, fields) = request.encode();
                self.step(self.browser, cdn, format!("{} {path}", d.request.as_ref().map_or("", |m| m.start.split(' ').next().unwrap_or(""))), fields, bytes, format!("The request goes to the CDN.{cookie_note}"), Vec::new());
                let mut fields = vec![fld("stored for", &cors::get(&answer.headers, "Access-Control-Allow-Origin").map(|a| format!("a request whose answer says Access-Control-Allow-Origin: {a}")).unwrap_or_default(), "")];
                fields.push(fld("reuse", &r.reason, r.section));
                self.step(cdn, cdn, "served from the CDN's store".into(), fields, Vec::new(), "The CDN answers from what it stored for an earlier request. It compares only the headers Vary names: without Vary: Origin, a request from another origin gets the answer made for the first.".into(), vec![SpecRef::rfc(9111, "4.1", "Calculating Cache Keys with the Vary Header Field")]);
                true
            }
            _ => false,
        };
        if !served {
            let start = request.start.split(' ').next().unwrap_or("").to_string();
            self.carry(&request, true, &format!("{start} {path}"), &format!("The request itself, with Origin naming the calling page.{cookie_note}"), fetch_spec("http-requests", "CORS protocol: HTTP requests"));
            let safe = matches!(start.as_str(), "GET" | "HEAD" | "OPTIONS");
            let before = self.changes;
            if !safe && (200..300).contains(&server_answer.status) || server_answer.status == 303 {
                self.changes += 1;
            }
            let state = |n: u32| ActorState { name: "serving".into(), vars: vec![Var { name: "changes made".into(), value: n.to_string() }] };
            let explanation = if safe {
                "The server answers. It does not enforce CORS: it answers every origin alike, and leaves the decision to the browser.".to_string()
            } else {
                format!("The server does the work ({start} changes its data) and answers. It does not enforce CORS: whatever the browser decides next, this has happened.")
            };
            self.t.steps.push(Step { at: SimTime(self.at), arrives: None, kind: StepKind::Local, from: self.server, to: self.server, label: format!("handles {start} {path}"), fields: vec![fld("answers", &format!("{} {}", server_answer.status, reason(server_answer.status)), "")], bytes: Vec::new(), bytes_label: String::new(), states: vec![StateChange { actor: self.server, before: state(before), after: state(self.changes) }], explanation, spec: Vec::new() });
            let mut m = Message::response(server_answer.status, reason(server_answer.status));
            m.headers = server_answer.headers.clone();
            if !matches!(server_answer.status, 204 | 301..=308) && start != "HEAD" {
                let body = format!("{{\"status\":{}}}", server_answer.status);
                if m.header_value("Content-Type").is_none() {
                    m = m.header("Content-Type", "application/json");
                }
                m = m.header("Content-Length", &body.len().to_string());
                m.body = body.into_bytes();
            }
            self.carry(&m, false, &format!("{} {}", server_answer.status, reason(server_answer.status)), "The server's answer.", Vec::new());
            if self.cdn.is_some() {
                let stored = Stored { method: start.clone(), request: cdn_request.clone(), status: server_answer.status, response: m.headers.clone(), request_time: now_s, response_time: now_s };
                let why = rfc9111::storable(Kind::Shared, &start, &cdn_request, server_answer.status, &server_answer.headers);
                if why.yes {
                    self.stored.retain(|(st, _)| rfc9111::reuse(Kind::Shared, st, &start, &cdn_request, now_s).decision == Use::NoMatch);
                    self.stored.push((stored, m.body.clone()));
                }
            }
        } else {
            let mut m = Message::response(answer.status, reason(answer.status));
            m.headers = answer.headers.clone();
            m.body = from_cdn.as_ref().map(|(_, body, _)| body.clone()).unwrap_or_default();
            self.step(self.cdn.unwrap_or(self.browser), self.browser, format!("{} {} (stored)", answer.status, reason(answer.status)), m.encode().1, m.bytes(), "The stored answer, as it was made for the first request.".into(), Vec::new());
        }
        if d.same_origin {
            self.read(who, &d);
            return;
        }
        let refused = d.error.is_some();
        self.step(self.browser, self.browser, if refused { "CORS check failed".into() } else { "CORS check passed".into() }, check_fields(&d.response_checks), Vec::new(), if refused { "The browser has the answer, and keeps it from the script." } else { "The script may read the answer." }.into(), fetch_spec("cors-check", "CORS check"));
        if refused {
            self.blocked(who, &d, if served { Acted::Cdn } else { Acted::Server });
        } else {
            self.read(who, &d);
        }
    }

    fn read(&mut self, who: usize, d: &Decision) {
        let fields = vec![fld("readable headers", &d.exposed.join(", "), "the CORS-safelisted response headers, and those Access-Control-Expose-Headers names")];
        self.step(who, who, "the script reads the answer".into(), fields, Vec::new(), "The fetch promise resolves with the response.".into(), fetch_spec("cors-safelisted-response-header-name", "CORS-safelisted response-header name"));
        let how = if d.same_origin {
            "same origin, no CORS"
        } else if d.preflight.is_some() {
            "after a preflight"
        } else if d.checks.iter().any(|c| c.anchor == "concept-cache-match") {
            "without a preflight: the preflight cache allowed it"
        } else {
            "a simple request, no preflight"
        };
        self.t.summary.push(format!("{}: read by the script ({how}).", self.call));
    }

    fn blocked(&mut self, who: usize, d: &Decision, acted: Acted) {
        let error = d.error.clone();
        let line = d.console.clone().unwrap_or_default();
        let origin = self.t.actors[who].detail.clone();
        let mut fields = vec![fld("console", &line, "as Chromium prints it"), fld("fetch rejects", "TypeError: Failed to fetch", "the script learns nothing more: not the status, not the reason")];
        if let Some(e) = &error {
            fields.push(fld("fix", &e.fix(&origin), ""));
        }
        let explanation = match acted {
            Acted::Server => "Blocked. But the request reached the server, which acted on it: CORS protects the answer, not the server. A server must not rely on it to refuse a call (CSRF needs SameSite cookies or a token).",
            Acted::Cdn => "Blocked: the CDN answered with what it stored for another origin's request, Access-Control-Allow-Origin and all. A server whose answer depends on Origin must say Vary: Origin, so a shared cache keeps one answer per origin.",
            Acted::Nobody => "Blocked before the request was sent: the server never saw it.",
        };
        self.step(who, who, "blocked by CORS".into(), fields, Vec::new(), explanation.into(), fetch_spec("cors-check", "CORS check"));
        let when = match acted {
            Acted::Server => " after the server acted",
            Acted::Cdn => ", served from the CDN's store",
            Acted::Nobody => " before sending",
        };
        self.t.summary.push(format!("{}: blocked{when}. {}", self.call, error.map(|e| e.message()).unwrap_or_default()));
    }
}

#[cfg(test)]
mod tests {
    use super::super::scenario::presets;
    use super::*;

    fn labels(id: &str) -> Vec<String> {
        let (_, _, s) = presets().into_iter().find(|p| p.0 == id).unwrap();
        run(&s).steps.iter().map(|s| s.label.clone()).collect()
    }

    #[test]
    fn a_preflight_is_cached_for_the_second_call() {
        let l = labels("preflight");
        assert_eq!(l.iter().filter(|l| l.starts_with("OPTIONS")).count(), 1, "{l:?}");
        assert!(l.contains(&"no preflight: the cache allows it".to_string()), "{l:?}");
        assert_eq!(l.iter().filter(|l| *l == "the script reads the answer").count(), 2, "{l:?}");
        let l = labels("cache-expired");
        assert_eq!(l.iter().filter(|l| l.starts_with("OPTIONS")).count(), 2, "{l:?}");
    }

    #[test]
    fn the_server_acts_on_a_simple_request_the_browser_then_hides() {
        let (_, _, s) = presets().into_iter().find(|p| p.0 == "server-did-the-work").unwrap();
        let t = run(&s);
        let handled = t.steps.iter().find(|s| s.label.starts_with("handles POST")).unwrap();
        assert_eq!(handled.states[0].after.vars[0].value, "1");
        assert_eq!(t.steps.last().unwrap().label, "blocked by CORS");
    }

    #[test]
    fn without_vary_origin_the_cdn_serves_the_first_sites_answer() {
        let l = labels("vary-origin");
        assert!(l.contains(&"served from the CDN's store".to_string()), "{l:?}");
        assert_eq!(l.last().unwrap(), "blocked by CORS");
        let l = labels("vary-origin-fixed");
        assert!(!l.contains(&"served from the CDN's store".to_string()), "{l:?}");
        assert_eq!(l.last().unwrap(), "the script reads the answer");
    }

    #[test]
    fn every_preset_runs_and_its_bytes_are_http() {
        for (id, _, s) in presets() {
            let t = run(&s);
            assert!(!t.steps.is_empty(), "{id}");
            for step in t.steps.iter().filter(|s| s.bytes_label.starts_with("HTTP/1.1")) {
                assert!(step.bytes.windows(4).any(|w| w == b"\r\n\r\n"), "{id}: {}", step.label);
            }
        }
    }
}
