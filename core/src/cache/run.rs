//! Runs the HTTP caching scenario: each request goes from a person's browser (its private
//! cache) through the CDN (a shared cache) to the origin and back, as real HTTP/1.1 messages;
//! each cache's decision comes from [`rfc9111`] with its reason and section.

use super::rfc9111::{self, field, CacheControl, Kind, Stored, Use};
use super::scenario::{self, CacheScenario, Event, What};
use crate::civil;
use crate::http::Message;
use crate::trace::{Actor, ActorState, Field, SimTime, SpecRef, StateChange, Step, StepKind, Trace, Var};

pub const HOST: &str = "www.example.com";

/// One-way delays, in milliseconds: browser to CDN, CDN to origin, browser to origin (no CDN).
const EDGE_MS: u64 = 15;
const ORIGIN_MS: u64 = 60;
const DIRECT_MS: u64 = 75;

/// A stored response's life, for the time control: which cache, from when (seconds after
/// t = 0) until it was replaced or dropped, its age when stored and its freshness lifetime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stretch {
    pub cache: String,
    pub key: String,
    pub from: u64,
    pub until: Option<u64>,
    pub initial_age: u64,
    pub lifetime: u64,
    pub rule: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheRun {
    pub trace: Trace,
    pub stretches: Vec<Stretch>,
}

struct Entry {
    stored: Stored,
    body: Vec<u8>,
    stretch: usize,
}

struct Cache {
    name: String,
    kind: Kind,
    lane: usize,
    entries: Vec<Entry>,
    hits: u32,
}

/// A response travelling back down the chain.
#[derive(Clone)]
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

use crate::http::reason;

fn rfc(section: &str, title: &str) -> SpecRef {
    SpecRef::rfc(9111, section, title)
}

/// The RFC reference for a section string from [`rfc9111`] ("§4.2" or "RFC 5861 §3").
fn spec_of(section: &str) -> SpecRef {
    if let Some(s) = section.strip_prefix("RFC 5861 §") {
        return SpecRef::rfc(5861, s, "HTTP Cache-Control Extensions for Stale Content");
    }
    if let Some(s) = section.strip_prefix("RFC 8246 §") {
        return SpecRef::rfc(8246, s, "HTTP Immutable Responses");
    }
    rfc(section.trim_start_matches('§'), "HTTP Caching")
}

struct Run<'a> {
    s: &'a CacheScenario,
    t: Trace,
    stretches: Vec<Stretch>,
    /// caches[0..clients] are the browsers; the CDN, if any, is last.
    caches: Vec<Cache>,
    clients: Vec<String>,
    origin: usize,
    /// Microseconds on the trace's clock.
    at: u64,
    /// The event's time, seconds after t = 0.
    now: u64,
    version: u32,
    version_time: i64,
    down: Option<u16>,
    origin_requests: u32,
    origin_bytes: usize,
    origin_headers: Vec<(String, String)>,
    background: Vec<(usize, Vec<(String, String)>, String)>,
}

pub fn run(s: &CacheScenario) -> CacheRun {
    let events = scenario::parse_events(&s.events, &s.path).unwrap_or_default();
    let mut clients: Vec<String> = Vec::new();
    for e in &events {
        if let What::Request { client, .. } = &e.what {
            if !clients.contains(client) {
                clients.push(client.clone());
            }
        }
    }
    if clients.is_empty() {
        clients.push("alice".into());
    }
    let mut actors: Vec<Actor> = clients.iter().map(|c| Actor { id: c.clone(), name: format!("{}'s browser", capital(c)), detail: "private cache".into() }).collect();
    let mut caches: Vec<Cache> = clients.iter().enumerate().map(|(i, c)| Cache { name: format!("{}'s browser", capital(c)), kind: Kind::Private, lane: i, entries: Vec::new(), hits: 0 }).collect();
    if s.cdn {
        actors.push(Actor { id: "cdn".into(), name: "CDN".into(), detail: "shared cache".into() });
        caches.push(Cache { name: "the CDN".into(), kind: Kind::Shared, lane: actors.len() - 1, entries: Vec::new(), hits: 0 });
    }
    actors.push(Actor { id: "origin".into(), name: "Origin".into(), detail: HOST.into() });
    let origin = actors.len() - 1;
    let mut r = Run {
        s,
        t: Trace::new("cache", "HTTP caching (RFC 9111)", actors),
        stretches: Vec::new(),
        caches,
        clients,
        origin,
        at: 0,
        now: 0,
        version: 1,
        version_time: s.start - s.modified_ago_s as i64,
        down: None,
        origin_requests: 0,
        origin_bytes: 0,
        origin_headers: scenario::parse_headers(&s.headers).unwrap_or_default(),
        background: Vec::new(),
    };
    for e in &events {
        r.event(e);
    }
    r.finish();
    CacheRun { trace: r.t, stretches: r.stretches }
}

fn capital(name: &str) -> String {
    let mut c = name.chars();
    c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
}

impl Run<'_> {
    fn abs(&self) -> i64 {
        self.s.start + self.now as i64
    }

    fn event(&mut self, e: &Event) {
        self.now = e.at;
        self.at = self.at.max(e.at * 1_000_000);
        match &e.what {
            What::Request { client, method, path, headers } => {
                let c = self.clients.iter().position(|x| x == client).unwrap_or(0);
                let mut req = vec![("Host".to_string(), HOST.to_string())];
                req.extend(headers.iter().cloned());
                self.request(c, method, path, req);
                while let Some((cache, req, path)) = self.background.pop() {
                    self.revalidate_in_background(cache, &req, &path);
                }
            }
            What::Change => {
                self.version += 1;
                self.version_time = self.abs();
                let etag = if self.s.etag { format!(" (ETag \"v{}\")", self.version) } else { String::new() };
                self.local(self.origin, &format!("version {} published", self.version), Vec::new(), format!("The origin now serves version {}{etag}. Nothing tells the caches: each keeps what it stored until it is stale and revalidates, or until it is purged. This is why versioned file names (app.3f9c2e.css) are the usual answer for static assets.", self.version), vec![rfc("4.2", "Freshness")]);
            }
            What::Down(code) => {
                self.down = Some(*code);
                self.local(self.origin, &format!("origin fails ({code})"), Vec::new(), format!("From now on the origin answers every request with {code} {}.", reason(*code)), vec![SpecRef::rfc(5861, "4", "The stale-if-error Cache-Control Extension")]);
            }
            What::Up => {
                self.down = None;
                self.local(self.origin, "origin recovers", Vec::new(), "The origin answers normally again.".into(), Vec::new());
            }
            What::Purge(path) => {
                let Some(cdn) = self.cdn() else {
                    self.t.warnings.push(format!("line {}: a purge needs a CDN; this scenario has none", e.line));
                    return;
                };
                let before = self.state(cdn);
                let dropped = self.drop_path(cdn, path);
                let lane = self.caches[cdn].lane;
                self.local(lane, &format!("purge {path}"), vec![fld("Dropped", &dropped.to_string(), "stored responses removed")], format!("The CDN is told, through its own API (purging is not part of HTTP), to drop what it holds for {path}. The next request for it goes to the origin. Browsers are not told: what they stored stays until it is stale."), Vec::new());
                self.changed(cdn, before);
            }
        }
    }

    fn cdn(&self) -> Option<usize> {
        self.s.cdn.then(|| self.caches.len() - 1)
    }

    /// The chain of caches a request from this person's browser passes: the browser, then the
    /// CDN.
    fn chain(&self, client: usize) -> Vec<usize> {
        let mut chain = vec![client];
        chain.extend(self.cdn());
        chain
    }

    fn request(&mut self, client: usize, method: &str, path: &str, req: Vec<(String, String)>) {
        let chain = self.chain(client);
        let lane = self.caches[client].lane;
        let resp = self.serve(&chain, 0, method, path, req);
        let from = if resp.headers.iter().any(|(n, _)| n == "X-From-Cache") { "from its cache" } else { "from the network" };
        let mut fields = vec![fld("Status", &format!("{} {}", resp.status, reason(resp.status)), from)];
        if let Some(age) = field(&resp.headers, "age") {
            fields.push(fld("Age", &age, "seconds the response had spent in caches"));
        }
        let explanation = format!("The page receives {} {} for {method} {path}, {from}.", resp.status, reason(resp.status));
        self.local(lane, &format!("page gets {}", resp.status), fields, explanation, Vec::new());
    }

    /// The request arrives at `chain[hop]` (a cache) or, past the chain, at the origin, and its
    /// response goes back to the previous hop. Returns the response.
    fn serve(&mut self, chain: &[usize], hop: usize, method: &str, path: &str, req: Vec<(String, String)>) -> Resp {
        if hop == chain.len() {
            return self.origin_serve(method, path, &req);
        }
        let c = chain[hop];
        let lane = self.caches[c].lane;
        let kind = self.caches[c].kind;
        let abs = self.abs();
        let next_lane = if hop + 1 < chain.len() { self.caches[chain[hop + 1]].lane } else { self.origin };
        if !matches!(method, "GET" | "HEAD") {
            let resp = self.forward(chain, hop, lane, next_lane, method, path, req.clone());
            let verdict = rfc9111::invalidates(method, resp.status);
            if verdict.yes {
                let before = self.state(c);
                let dropped = self.drop_path(c, path);
                if dropped > 0 {
                    self.local(lane, "invalidated", vec![fld("Dropped", &dropped.to_string(), "stored responses for the URI")], format!("{}: {} drops what it stored for {path}.", verdict.reason, self.caches[c].name), vec![spec_of(verdict.section)]);
                    self.changed(c, before);
                }
            }
            return self.answer(chain, hop, &req, resp, "");
        }
        let selected = self.select(c, path, &req);
        let decision = match selected {
            Some(i) => rfc9111::reuse(kind, &self.caches[c].entries[i].stored, method, &req, abs),
            None => {
                let only = CacheControl::of(&req).has("only-if-cached");
                let any = self.caches[c].entries.iter().any(|e| e.stored.request.iter().any(|(n, v)| n == ":path" && v == path));
                let why = match (any, self.variant_miss(c, path, &req)) {
                    (true, Some(why)) => why,
                    _ => format!("nothing stored for {path}"),
                };
                rfc9111::Reuse { decision: if only { Use::GatewayTimeout } else { Use::NoMatch }, reason: why, section: "§4" }
            }
        };
        let mut fields = vec![fld("Cache key", &format!("{method} https://{HOST}{path}"), "the method and target URI (§2)")];
        if let Some(i) = selected {
            fields.extend(self.entry_fields(c, i));
        }
        fields.push(fld("Decision", &format!("{:?}", decision.decision), &decision.reason));
        let name = self.caches[c].name.clone();
        match decision.decision {
            Use::Fresh | Use::StaleAccepted | Use::StaleWhileRevalidate => {
                let i = selected.unwrap_or(0);
                self.caches[c].hits += 1;
                let label = match decision.decision {
                    Use::Fresh => "hit: fresh",
                    Use::StaleAccepted => "hit: stale, accepted",
                    _ => "hit: stale, revalidate behind",
                };
                self.local(lane, label, fields, format!("{name} answers from its store: {}.", decision.reason), vec![spec_of(decision.section)]);
                if decision.decision == Use::StaleWhileRevalidate {
                    self.background.push((c, req.clone(), path.to_string()));
                }
                let resp = self.from_store(c, i);
                self.answer(chain, hop, &req, resp, "from its store")
            }
            Use::GatewayTimeout => {
                self.local(lane, "504: only-if-cached", fields, format!("The request says only-if-cached and {name} has nothing it may use ({}): it answers 504 without asking upstream.", decision.reason), vec![rfc("5.2.1.7", "only-if-cached")]);
                let resp = Resp { status: 504, headers: vec![("Date".into(), rfc9111::http_date(abs))], body: Vec::new() };
                self.answer(chain, hop, &req, resp, "")
            }
            Use::Revalidate | Use::NoMatch => {
                let mut upstream: Vec<(String, String)> = req.iter().filter(|(n, _)| !n.eq_ignore_ascii_case("if-none-match") && !n.eq_ignore_ascii_case("if-modified-since")).cloned().collect();
                let conditional = match (decision.decision, selected) {
                    (Use::Revalidate, Some(i)) => rfc9111::conditional_headers(&self.caches[c].entries[i].stored),
                    _ => Vec::new(),
                };
                let label = if !conditional.is_empty() {
                    "revalidate"
                } else if decision.decision == Use::Revalidate {
                    "must ask upstream"
                } else {
                    "miss"
                };
                let how = if conditional.is_empty() { "It asks upstream for the full response.".to_string() } else { format!("It asks upstream with a conditional request ({}), so an unchanged response comes back as a 304 without its body.", conditional.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(" and ")) };
                self.local(lane, label, fields, format!("{name}: {}. {how}", decision.reason), vec![spec_of(decision.section), rfc("4.3.1", "Sending a Validation Request")]);
                upstream.extend(conditional.iter().cloned());
                let up = self.forward(chain, hop, lane, next_lane, method, path, upstream);
                let resp = self.receive(c, selected, method, path, &req, up, !conditional.is_empty());
                self.answer(chain, hop, &req, resp, "")
            }
        }
    }

    /// Sends the request from `lane` to the next hop and returns what comes back.
    #[allow(clippy::too_many_arguments)]
    fn forward(&mut self, chain: &[usize], hop: usize, lane: usize, next_lane: usize, method: &str, path: &str, req: Vec<(String, String)>) -> Resp {
        let mut m = Message::request(method, path);
        m.headers = req.clone();
        let explanation = if next_lane == self.origin { format!("{method} {path} to the origin.") } else { format!("{method} {path} to the CDN.") };
        self.send(lane, next_lane, &format!("{method} {path}"), &m, explanation, vec![SpecRef::rfc(9110, "9.3.1", "GET")]);
        self.serve(chain, hop + 1, method, path, req)
    }

    /// What a cache does with the response from upstream (§3, §4.3.3, §4.3.4, RFC 5861 §4).
    #[allow(clippy::too_many_arguments)]
    fn receive(&mut self, c: usize, selected: Option<usize>, method: &str, path: &str, req: &[(String, String)], up: Resp, conditional: bool) -> Resp {
        let lane = self.caches[c].lane;
        let kind = self.caches[c].kind;
        let name = self.caches[c].name.clone();
        let abs = self.abs();
        if up.status == 304 && conditional {
            if let Some(i) = selected {
                if rfc9111::validates(&self.caches[c].entries[i].stored, &up.headers) {
                    let before = self.state(c);
                    let updated = rfc9111::update_from_304(&self.caches[c].entries[i].stored, &up.headers, abs, abs);
                    self.caches[c].entries[i].stored = updated;
                    self.restretch(c, i);
                    let life = self.caches[c].entries[i].stored.lifetime(kind);
                    let age = self.caches[c].entries[i].stored.age(abs).current_age;
                    let restart = if age == 0 { "its age starts again from 0".to_string() } else { format!("its age is now the {age} s the 304 reports (Age)") };
                    let fresh = if life.seconds > age { format!("fresh for {} more", civil::span(life.seconds - age)) } else { "already stale".to_string() };
                    self.local(lane, "304: updated", vec![fld("Lifetime", &format!("{} s", life.seconds), &life.reason), fld("Age", &format!("{age} s"), "after the update (§4.2.3)")], format!("304 Not Modified: what {name} stored is still current. It takes the 304's header fields into the stored response, {restart}, so it is {fresh}; it answers with the stored body, which did not travel again."), vec![rfc("4.3.4", "Freshening Stored Responses upon Validation")]);
                    self.changed(c, before);
                    return self.from_store(c, i);
                }
            }
        }
        if matches!(up.status, 500 | 502 | 503 | 504) {
            if let Some(i) = selected {
                let verdict = rfc9111::stale_if_error(kind, &self.caches[c].entries[i].stored, abs);
                self.local(lane, if verdict.yes { "error: serve stale" } else { "error: passed on" }, Vec::new(), format!("Upstream answered {} {}. {}", up.status, reason(up.status), verdict.reason), vec![spec_of(verdict.section)]);
                if verdict.yes {
                    self.caches[c].hits += 1;
                    return self.from_store(c, i);
                }
            }
            return up;
        }
        let response: Vec<(String, String)> = up.headers.iter().filter(|(n, _)| n != "X-From-Cache").cloned().collect();
        let verdict = rfc9111::storable(kind, method, req, up.status, &response);
        let before = self.state(c);
        if verdict.yes && method == "GET" {
            let mut request = req.to_vec();
            request.push((":path".into(), path.into()));
            let stored = Stored { method: method.into(), request, status: up.status, response, request_time: abs, response_time: abs };
            let life = stored.lifetime(kind);
            let age = stored.age(abs).current_age;
            self.store(c, path, stored, up.body.clone());
            let cc = CacheControl::of(&up.headers);
            let extra = if cc.has("no-cache") { " It must still be revalidated before each use (no-cache)." } else { "" };
            let fresh = match (life.seconds > age, age) {
                (true, 0) => format!("it will be fresh for {}", civil::span(life.seconds)),
                (true, _) => format!("it arrived {age} s old (Age), so it will be fresh for {} more", civil::span(life.seconds - age)),
                (false, _) => format!("but it is stale already: its age ({age} s, from Age) is not below its lifetime ({} s)", life.seconds),
            };
            self.local(lane, "stored", vec![fld("Storable", "yes", &verdict.reason), fld("Lifetime", &format!("{} s", life.seconds), &life.reason), fld("Age", &format!("{age} s"), "on arrival (§4.2.3)")], format!("{name} stores the response ({}); {fresh}.{extra}", verdict.reason.trim_start_matches("stored: ")), vec![spec_of(verdict.section), rfc("4.2.1", "Calculating Freshness Lifetime"), rfc("4.2.3", "Calculating Age")]);
            self.changed(c, before);
        } else {
            let why = if verdict.yes { "a HEAD response has no body to store".to_string() } else { verdict.reason.clone() };
            self.local(lane, "not stored", vec![fld("Storable", "no", &why)], format!("{name} passes the response on without storing it: {why}."), vec![spec_of(verdict.section)]);
        }
        up
    }

    /// Sends `resp` from `chain[hop]` back to the previous hop (a 304 when that hop's own
    /// validators match), and returns it.
    fn answer(&mut self, chain: &[usize], hop: usize, req: &[(String, String)], resp: Resp, _how: &str) -> Resp {
        if hop == 0 {
            return resp;
        }
        let from = self.caches[chain[hop]].lane;
        let to = self.caches[chain[hop - 1]].lane;
        let mut resp = self.maybe_304(req, resp);
        self.send_resp(from, to, &resp);
        // Where it came from is this hop's business: downstream it is a response from the network.
        resp.headers.retain(|(n, _)| n != "X-From-Cache");
        resp
    }

    /// A full response turned into a 304 when the request's validators match it (RFC 9110
    /// §13.1.1 and §13.1.3).
    fn maybe_304(&self, req: &[(String, String)], resp: Resp) -> Resp {
        if resp.status != 200 {
            return resp;
        }
        let matches = match (field(req, "if-none-match"), field(&resp.headers, "etag")) {
            (Some(inm), Some(etag)) => inm.split(',').any(|t| t.trim() == "*" || t.trim().trim_start_matches("W/") == etag.trim_start_matches("W/")),
            (Some(_), None) => false,
            (None, _) => match (field(req, "if-modified-since").and_then(|d| rfc9111::parse_http_date(&d)), field(&resp.headers, "last-modified").and_then(|d| rfc9111::parse_http_date(&d))) {
                (Some(since), Some(modified)) => modified <= since,
                _ => false,
            },
        };
        if !matches {
            return resp;
        }
        let keep = ["date", "etag", "cache-control", "expires", "vary", "content-location", "age", "x-from-cache"];
        let mut headers: Vec<(String, String)> = resp.headers.iter().filter(|(n, _)| keep.contains(&n.to_ascii_lowercase().as_str())).cloned().collect();
        if field(&resp.headers, "etag").is_none() {
            if let Some(lm) = field(&resp.headers, "last-modified") {
                headers.push(("Last-Modified".into(), lm));
            }
        }
        Resp { status: 304, headers, body: Vec::new() }
    }

    fn origin_serve(&mut self, method: &str, path: &str, req: &[(String, String)]) -> Resp {
        self.origin_requests += 1;
        let abs = self.abs();
        let date = ("Date".to_string(), rfc9111::http_date(abs));
        let resp = if let Some(code) = self.down {
            let body = format!("{} {}\n", code, reason(code)).into_bytes();
            Resp { status: code, headers: vec![date, ("Content-Type".into(), "text/plain".into()), ("Content-Length".into(), body.len().to_string())], body }
        } else if !matches!(method, "GET" | "HEAD") {
            if method == "DELETE" {
                Resp { status: 204, headers: vec![date], body: Vec::new() }
            } else {
                let body = b"{\"saved\":true}\n".to_vec();
                Resp { status: 200, headers: vec![date, ("Content-Type".into(), "application/json".into()), ("Content-Length".into(), body.len().to_string())], body }
            }
        } else {
            let mut headers = vec![date];
            headers.extend(self.origin_headers.iter().cloned());
            if self.s.etag {
                headers.push(("ETag".into(), format!("\"v{}\"", self.version)));
            }
            if self.s.last_modified {
                headers.push(("Last-Modified".into(), rfc9111::http_date(self.version_time)));
            }
            let status = if path == self.s.path { self.s.status } else { 404 };
            let body = match status {
                204 => Vec::new(),
                404 => b"Not Found\n".to_vec(),
                _ => format!("version {} of {path}\n", self.version).into_bytes(),
            };
            headers.push(("Content-Length".into(), body.len().to_string()));
            let full = Resp { status, headers, body: if method == "HEAD" { Vec::new() } else { body } };
            self.maybe_304(req, full)
        };
        self.origin_bytes += resp.body.len();
        let to = self.t.steps.last().map(|s| s.from).unwrap_or(0);
        let explanation = match resp.status {
            304 => "The origin compares the validators with the current version: they match, so it answers 304 Not Modified with the header fields a cache needs and no body (RFC 9110 §15.4.5).".to_string(),
            s if s >= 500 => format!("The origin is failing: {s} {}.", reason(s)),
            s if !matches!(method, "GET" | "HEAD") => format!("The origin handles the {method}: {s} {}.", reason(s)),
            s => format!("The origin answers {s} {} with the current version ({} bytes of body).", reason(s), resp.body.len()),
        };
        let m = message(&resp);
        self.send(self.origin, to, &label(&resp), &m, explanation, vec![SpecRef::rfc(9110, "15", "Status Codes")]);
        resp
    }

    fn send_resp(&mut self, from: usize, to: usize, resp: &Resp) {
        let m = message(resp);
        let explanation = match (resp.status, field(&resp.headers, "age")) {
            (304, _) => "A 304: the validators of the cache below match what this cache holds, so no body is sent.".to_string(),
            (s, Some(age)) => format!("{s} {} from this cache's store, with Age: {age}, the seconds it has spent in caches (§5.1).", reason(s)),
            (s, None) => format!("{s} {} passed down as it came.", reason(s)),
        };
        self.send(from, to, &label(resp), &m, explanation, vec![rfc("5.1", "Age")]);
    }

    /// The stored response as it is served: with Age set to its current age (§5.1).
    fn from_store(&self, c: usize, i: usize) -> Resp {
        let e = &self.caches[c].entries[i];
        let age = e.stored.age(self.abs()).current_age;
        let mut headers: Vec<(String, String)> = e.stored.response.iter().filter(|(n, _)| !n.eq_ignore_ascii_case("age")).cloned().collect();
        headers.push(("Age".into(), age.to_string()));
        headers.push(("X-From-Cache".into(), self.caches[c].name.clone()));
        Resp { status: e.stored.status, headers, body: e.body.clone() }
    }

    fn revalidate_in_background(&mut self, c: usize, req: &[(String, String)], path: &str) {
        let chain: Vec<usize> = if c == self.caches.len() - 1 && self.s.cdn { vec![c] } else { self.chain(c) };
        let Some(i) = self.select(c, path, req) else { return };
        let lane = self.caches[c].lane;
        let next_lane = if chain.len() > 1 { self.caches[chain[1]].lane } else { self.origin };
        let mut upstream: Vec<(String, String)> = req.iter().filter(|(n, _)| !n.eq_ignore_ascii_case("if-none-match") && !n.eq_ignore_ascii_case("if-modified-since")).cloned().collect();
        let conditional = rfc9111::conditional_headers(&self.caches[c].entries[i].stored);
        upstream.extend(conditional.iter().cloned());
        let name = self.caches[c].name.clone();
        self.local(lane, "background revalidation", Vec::new(), format!("Having answered from its stale copy, {name} now revalidates it, so the next request finds it fresh (stale-while-revalidate)."), vec![SpecRef::rfc(5861, "3", "The stale-while-revalidate Cache-Control Extension")]);
        let up = self.forward(&chain, 0, lane, next_lane, "GET", path, upstream);
        self.receive(c, Some(i), "GET", path, req, up, !conditional.is_empty());
    }

    /// The stored response for this path that the request selects (§4.1), if any.
    fn select(&self, c: usize, path: &str, req: &[(String, String)]) -> Option<usize> {
        self.caches[c].entries.iter().position(|e| stored_path(&e.stored) == path && rfc9111::vary_matches(&e.stored, req).is_ok())
    }

    /// Why the stored responses for this path do not match (Vary).
    fn variant_miss(&self, c: usize, path: &str, req: &[(String, String)]) -> Option<String> {
        self.caches[c].entries.iter().filter(|e| stored_path(&e.stored) == path).find_map(|e| rfc9111::vary_matches(&e.stored, req).err())
    }

    fn store(&mut self, c: usize, path: &str, stored: Stored, body: Vec<u8>) {
        // The new response replaces any it would be selected instead of (same Vary values).
        let now = self.now;
        let request = stored.request.clone();
        let mut kept = Vec::new();
        for e in std::mem::take(&mut self.caches[c].entries) {
            let same = stored_path(&e.stored) == path && (rfc9111::vary_matches(&e.stored, &request).is_ok() || rfc9111::vary(&e.stored.response) != rfc9111::vary(&stored.response));
            if same {
                self.stretches[e.stretch].until = Some(now);
            } else {
                kept.push(e);
            }
        }
        self.caches[c].entries = kept;
        let kind = self.caches[c].kind;
        let life = stored.lifetime(kind);
        let key = variant_key(path, &stored);
        self.stretches.push(Stretch { cache: self.caches[c].name.clone(), key, from: now, until: None, initial_age: stored.age(stored.response_time).current_age, lifetime: life.seconds, rule: format!("{:?}", life.rule) });
        let stretch = self.stretches.len() - 1;
        self.caches[c].entries.push(Entry { stored, body, stretch });
    }

    /// After a 304: the stored response's life starts again.
    fn restretch(&mut self, c: usize, i: usize) {
        let now = self.now;
        let old = self.caches[c].entries[i].stretch;
        self.stretches[old].until = Some(now);
        let kind = self.caches[c].kind;
        let stored = &self.caches[c].entries[i].stored;
        let life = stored.lifetime(kind);
        let key = variant_key(&stored_path(stored), stored);
        let initial_age = stored.age(stored.response_time).current_age;
        self.stretches.push(Stretch { cache: self.caches[c].name.clone(), key, from: now, until: None, initial_age, lifetime: life.seconds, rule: format!("{:?}", life.rule) });
        self.caches[c].entries[i].stretch = self.stretches.len() - 1;
    }

    fn drop_path(&mut self, c: usize, path: &str) -> usize {
        let now = self.now;
        let before = self.caches[c].entries.len();
        let mut kept = Vec::new();
        for e in std::mem::take(&mut self.caches[c].entries) {
            if stored_path(&e.stored) == path {
                self.stretches[e.stretch].until = Some(now);
            } else {
                kept.push(e);
            }
        }
        self.caches[c].entries = kept;
        before - self.caches[c].entries.len()
    }

    fn entry_fields(&self, c: usize, i: usize) -> Vec<Field> {
        let e = &self.caches[c].entries[i];
        let kind = self.caches[c].kind;
        let age = e.stored.age(self.abs());
        let life = e.stored.lifetime(kind);
        vec![
            fld("Age", &format!("{} s", age.current_age), &format!("{} s when stored + {} s resident (§4.2.3)", age.corrected_initial_age, age.resident_time)),
            fld("Freshness lifetime", &format!("{} s", life.seconds), &life.reason),
            fld("Fresh", if life.seconds > age.current_age { "yes" } else { "no" }, "lifetime > age (§4.2)"),
        ]
    }

    /// A cache's stored responses as the inspector shows them.
    fn state(&self, c: usize) -> ActorState {
        let cache = &self.caches[c];
        let abs = self.abs();
        let vars = cache
            .entries
            .iter()
            .map(|e| {
                let age = e.stored.age(abs).current_age;
                let life = e.stored.lifetime(cache.kind).seconds;
                let etag = field(&e.stored.response, "etag").map(|t| format!(" · ETag {t}")).unwrap_or_default();
                Var { name: variant_key(&stored_path(&e.stored), &e.stored), value: format!("{} · age {age} s of {life} s{etag}", if life > age { "fresh" } else { "stale" }) }
            })
            .collect();
        ActorState { name: cache.name.clone(), vars }
    }

    fn changed(&mut self, c: usize, before: ActorState) {
        let after = self.state(c);
        if before != after {
            let actor = self.caches[c].lane;
            if let Some(step) = self.t.steps.last_mut() {
                step.states.push(StateChange { actor, before, after });
            }
        }
    }

    fn delay(&self, from: usize, to: usize) -> u64 {
        let origin_side = from == self.origin || to == self.origin;
        let via_cdn = self.s.cdn;
        match (origin_side, via_cdn) {
            (true, true) => ORIGIN_MS,
            (true, false) => DIRECT_MS,
            _ => EDGE_MS,
        }
    }

    fn send(&mut self, from: usize, to: usize, label: &str, m: &Message, explanation: String, spec: Vec<SpecRef>) {
        let (bytes, fields) = m.encode();
        let sent = self.at;
        self.at += self.delay(from, to) * 1000;
        let bytes_label = if m.status().is_some() { "HTTP/1.1 response" } else { "HTTP/1.1 request" };
        self.t.steps.push(Step { at: SimTime(sent), arrives: Some(SimTime(self.at)), kind: StepKind::Message, from, to, label: label.into(), fields, bytes, bytes_label: bytes_label.into(), states: Vec::new(), explanation, spec });
    }

    fn local(&mut self, actor: usize, label: &str, fields: Vec<Field>, explanation: String, spec: Vec<SpecRef>) {
        self.t.steps.push(Step { at: SimTime(self.at), arrives: None, kind: StepKind::Local, from: actor, to: actor, label: label.into(), fields, bytes: Vec::new(), bytes_label: String::new(), states: Vec::new(), explanation, spec });
    }

    fn finish(&mut self) {
        let hits: Vec<String> = self.caches.iter().map(|c| format!("{} answered {} time{} from its store", c.name, c.hits, if c.hits == 1 { "" } else { "s" })).collect();
        self.t.summary.push(format!("The origin was asked {} time{} and sent {} bytes of body.", self.origin_requests, if self.origin_requests == 1 { "" } else { "s" }, self.origin_bytes));
        self.t.summary.push(format!("{}.", hits.join("; ")));
    }
}

fn stored_path(s: &Stored) -> String {
    s.request.iter().find(|(n, _)| n == ":path").map(|(_, v)| v.clone()).unwrap_or_default()
}

/// The cache key with Vary's secondary key (§4.1): `/app.css [Accept-Encoding: gzip]`.
fn variant_key(path: &str, s: &Stored) -> String {
    let vary = rfc9111::vary(&s.response);
    if vary.is_empty() {
        return path.to_string();
    }
    let parts: Vec<String> = vary.iter().map(|name| if name == "*" { "*".to_string() } else { format!("{name}: {}", field(&s.request, name).unwrap_or_else(|| "(none)".into())) }).collect();
    format!("{path} [{}]", parts.join("; "))
}

fn message(resp: &Resp) -> Message {
    let mut m = Message::response(resp.status, reason(resp.status));
    m.headers = resp.headers.iter().filter(|(n, _)| n != "X-From-Cache").cloned().collect();
    m.body = resp.body.clone();
    m
}

fn label(resp: &Resp) -> String {
    format!("{} {}", resp.status, reason(resp.status))
}

fn fld(name: &str, value: &str, note: &str) -> Field {
    Field { name: name.into(), value: value.into(), bytes: None, note: note.into(), points_to: None }
}
