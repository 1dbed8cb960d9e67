//! The HTTP lab's status codes part: a client calls an API through a reverse proxy, and each
//! status code comes from a reason the trace shows: the app's routing, authentication and
//! authorization, how it parses the body by its Content-Type, validation, conflicts, a rate
//! limit, a bug, maintenance, and, at the proxy, an upstream that is down (502) or too slow
//! (504). Each answer says which side must change: 4xx the request, 5xx the server.

use super::{basic_credentials, reason, Message};
use crate::scenario::FieldError;
use crate::trace::{Actor, Field, SimTime, SpecRef, Step, StepKind, Trace};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub mod limits {
    pub const REQUESTS_TEXT: usize = 6000;
    pub const REQUESTS: usize = 30;
    pub const MS: u64 = 600_000;
    pub const LIMIT: u32 = 1000;
}

/// The app server behind the proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Upstream {
    #[default]
    Up,
    /// Nothing listens: the proxy's connection is refused.
    Down,
    /// It answers, after `upstream_ms`.
    Slow,
}

/// The status part's inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StatusScenario {
    /// One request a line: `METHOD path [body] [| Name: value]…`.
    pub requests: String,
    pub upstream: Upstream,
    /// How long the app takes to answer when slow.
    pub upstream_ms: u64,
    /// How long the proxy waits for the app.
    pub timeout_ms: u64,
    /// The app answers 503 to everything.
    pub maintenance: bool,
    /// Requests a client may make in a minute (the app's rate limit).
    pub limit: u32,
}

impl Default for StatusScenario {
    fn default() -> Self {
        StatusScenario {
            requests: "GET /items/7\nGET /items/7 | If-None-Match: \"v3\"\nPOST /items {\"name\":\"desk\",\"price\":80}\nPOST /items {\"name\":\"desk\",\"price\":80} | Authorization: Bearer writer-token\nDELETE /items/7 | Authorization: Bearer reader-token".into(),
            upstream: Upstream::Up,
            upstream_ms: 2000,
            timeout_ms: 1000,
            maintenance: false,
            limit: 60,
        }
    }
}

/// One request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub body: Option<String>,
    pub headers: Vec<(String, String)>,
}

fn shown(text: &str) -> String {
    crate::export::visible(&text.chars().take(40).collect::<String>())
}

/// Reads the requests; each problem names its line.
pub fn parse_requests(text: &str) -> Result<Vec<Request>, Vec<String>> {
    super::read_lines(text, true, (limits::REQUESTS, "requests"), Some("add at least one request, e.g. GET /items/7"), |line, _, _| request(line))
}

fn request(line: &str) -> Result<Request, String> {
    let mut parts = line.split(" | ");
    let head = parts.next().unwrap_or("").trim();
    let (method, rest) = head.split_once(' ').ok_or("write METHOD /path, e.g. GET /items/7")?;
    if !super::cors::is_token(method) || method.len() > 20 {
        return Err(format!("“{}” is not a method", shown(method)));
    }
    let rest = rest.trim_start();
    let (path, body) = rest.split_once(' ').map(|(p, b)| (p, b.trim())).unwrap_or((rest, ""));
    if !path.starts_with('/') || path.len() > 200 || !path.chars().all(|c| c.is_ascii_graphic()) {
        return Err(format!("“{}” is not a path: start with /", shown(path)));
    }
    let mut headers = Vec::new();
    for h in parts {
        headers.push(super::field_line(h.trim())?);
    }
    if headers.len() > 12 {
        return Err("at most 12 header fields on a request".into());
    }
    Ok(Request { method: method.to_string(), path: path.to_string(), body: (!body.is_empty()).then(|| body.to_string()), headers })
}

impl StatusScenario {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.requests.len() > limits::REQUESTS_TEXT {
            errors.push(FieldError::new("status_requests", format!("at most {} characters", limits::REQUESTS_TEXT)));
        } else if let Err(p) = parse_requests(&self.requests) {
            errors.push(FieldError::new("status_requests", p.join("; ")));
        }
        for (key, ms) in [("status_upstream_ms", self.upstream_ms), ("status_timeout_ms", self.timeout_ms)] {
            if ms == 0 || ms > limits::MS {
                errors.push(FieldError::new(key, format!("1 to {} ms", limits::MS)));
            }
        }
        if self.limit == 0 || self.limit > limits::LIMIT {
            errors.push(FieldError::new("status_limit", format!("1 to {} a minute", limits::LIMIT)));
        }
        errors
    }
}

/// One check the app made, for the inspector.
fn check(name: &str, value: impl Into<String>, note: &str) -> Field {
    Field { name: name.into(), value: value.into(), bytes: None, note: note.into(), points_to: None }
}

/// What the app decided: the response, the checks that led there, and what to fix.
struct Verdict {
    response: Message,
    checks: Vec<Field>,
    fix: String,
}

struct App {
    /// id → (item, version).
    items: std::collections::BTreeMap<u32, (Value, u32)>,
    next: u32,
    /// Request times in this minute's window.
    window_start: u64,
    in_window: u32,
}

fn problem(status: u16, detail: &str) -> Message {
    Message::response(status, reason(status)).body("application/problem+json", serde_json::json!({"type": "about:blank", "title": reason(status), "status": status, "detail": detail}).to_string())
}

impl App {
    fn handle(&mut self, s: &StatusScenario, r: &Request, now_ms: u64) -> Verdict {
        let mut checks = Vec::new();
        let v = |response: Message, checks: Vec<Field>, fix: &str| Verdict { response, checks, fix: fix.into() };
        if s.maintenance {
            checks.push(check("maintenance", "on", "the app is being upgraded"));
            return v(problem(503, "down for maintenance").header("Retry-After", "120"), checks, "Nothing to fix in the request: retry after the time Retry-After gives. The server's operators end the maintenance.");
        }
        if now_ms >= self.window_start + 60_000 {
            self.window_start = now_ms - now_ms % 60_000;
            self.in_window = 0;
        }
        self.in_window += 1;
        checks.push(check("rate limit", format!("{} of {} this minute", self.in_window, s.limit), "a fixed one-minute window per client"));
        if self.in_window > s.limit {
            let retry = (self.window_start + 60_000).saturating_sub(now_ms).div_ceil(1000);
            return v(problem(429, "too many requests").header("Retry-After", &retry.to_string()), checks, "Send fewer requests: wait the seconds Retry-After gives (RFC 6585).");
        }
        let header = |name: &str| r.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
        // Routing.
        let id = r.path.strip_prefix("/items/").and_then(|n| n.parse::<u32>().ok());
        match (r.method.as_str(), r.path.as_str()) {
            ("GET", "/old-items") => {
                checks.push(check("route", "/old-items", "moved for good to /items"));
                return v(Message::response(301, reason(301)).header("Location", "/items"), checks, "Nothing is wrong: follow Location, and update the link (it moved for good).");
            }
            ("GET", "/account") if header("Authorization").is_none() => {
                checks.push(check("route", "/account", "a page that needs a session"));
                return v(Message::response(302, reason(302)).header("Location", "/login?next=/account"), checks, "Nothing is wrong: the browser follows Location to the login page, for now.");
            }
            (_, "/items/crash") => {
                checks.push(check("handler", "threw: TypeError: cannot read 'price' of undefined", "a bug in the app"));
                return v(problem(500, "an unexpected error"), checks, "Fix the server: its handler has a bug. Retrying the same request will fail the same way.");
            }
            _ => {}
        }
        let collection = r.path == "/items";
        if !collection && id.is_none() {
            checks.push(check("route", r.path.clone(), "no such resource"));
            return v(problem(404, &format!("no resource at {}", r.path)), checks, "Fix the request: check the path.");
        }
        checks.push(check("route", r.path.clone(), if collection { "the collection" } else { "one item" }));
        let write = !matches!(r.method.as_str(), "GET" | "HEAD" | "OPTIONS");
        if write {
            // Authentication, then authorization.
            let who = match header("Authorization") {
                None => {
                    checks.push(check("Authorization", "missing", "writing needs a signed-in writer"));
                    return v(problem(401, "sign in first").header("WWW-Authenticate", "Bearer realm=\"api\", Basic realm=\"api\""), checks, "Fix the request: send credentials (Authorization). 401 means 'who are you?'; the WWW-Authenticate field says how.");
                }
                Some(a) => {
                    let (scheme, rest) = a.split_once(' ').unwrap_or((a, ""));
                    match (scheme.to_ascii_lowercase().as_str(), rest) {
                        ("bearer", "writer-token") => "writer",
                        ("bearer", "reader-token") => "reader",
                        ("basic", b) => match basic_credentials(b) {
                            Some((u, p)) if u == "alice" && p == "secret" => {
                                checks.push(check("Basic credentials", format!("{u}:{p}"), "base64 is an encoding, not encryption: anyone on the path reads the password without TLS"));
                                "writer"
                            }
                            Some((u, p)) => {
                                checks.push(check("Basic credentials", format!("{u}:{p}"), "not a known user and password"));
                                return v(problem(401, "wrong user or password").header("WWW-Authenticate", "Basic realm=\"api\""), checks, "Fix the request: the credentials are wrong.");
                            }
                            None => {
                                checks.push(check("Basic credentials", "not base64 of user:password", ""));
                                return v(problem(400, "malformed Basic credentials"), checks, "Fix the request: Basic takes base64 of user:password (RFC 7617).");
                            }
                        },
                        _ => {
                            checks.push(check("Authorization", a.to_string(), "not a token or credentials this API issued"));
                            return v(problem(401, "invalid token").header("WWW-Authenticate", "Bearer realm=\"api\", error=\"invalid_token\""), checks, "Fix the request: get a valid token (sign in again).");
                        }
                    }
                }
            };
            checks.push(check("authenticated as", who, ""));
            if who == "reader" {
                return v(problem(403, "readers may not change items"), checks, "Not fixable by signing in again: this user is known but not allowed. 403 means 'I know who you are, and no'.");
            }
        }
        match (r.method.as_str(), id) {
            ("GET" | "HEAD", None) => {
                let list = Value::Array(self.items.iter().map(|(id, (v, _))| serde_json::json!({"id": id, "item": v})).collect());
                v(Message::response(200, reason(200)).body("application/json", list.to_string()), checks, "Nothing to fix.")
            }
            ("GET" | "HEAD", Some(id)) => match self.items.get(&id) {
                None => {
                    checks.push(check("item", id.to_string(), "not found"));
                    v(problem(404, &format!("no item {id}")), checks, "Fix the request: no item has this id.")
                }
                Some((item, version)) => {
                    let etag = format!("\"v{version}\"");
                    if header("If-None-Match").is_some_and(|m| m.split(',').any(|t| t.trim() == etag || t.trim() == "*")) {
                        checks.push(check("If-None-Match", etag.clone(), "the client's copy is current"));
                        return v(Message::response(304, reason(304)).header("ETag", &etag), checks, "Nothing to fix: the client's cached copy is still good, and no body was sent.");
                    }
                    v(Message::response(200, reason(200)).header("ETag", &etag).body("application/json", item.to_string()), checks, "Nothing to fix.")
                }
            },
            ("POST", None) | ("PUT", Some(_)) => {
                let parsed = match self.parse_body(r, header("Content-Type"), &mut checks) {
                    Ok(v) => v,
                    Err(verdict) => return verdict,
                };
                let mut problems = Vec::new();
                if !parsed.get("name").and_then(Value::as_str).is_some_and(|n| !n.trim().is_empty()) {
                    problems.push("name: a non-empty string");
                }
                if !parsed.get("price").and_then(Value::as_f64).is_some_and(|p| p >= 0.0) {
                    problems.push("price: a number, 0 or more");
                }
                if !problems.is_empty() {
                    checks.push(check("valid", problems.join("; "), "well-formed JSON, but not a valid item"));
                    return v(problem(422, &problems.join("; ")), checks, "Fix the request: the body parses, but its values are wrong (422, not 400).");
                }
                checks.push(check("valid", "yes", ""));
                let name = parsed.get("name").cloned();
                if r.method == "POST" && self.items.values().any(|(v, _)| v.get("name") == name.as_ref()) {
                    checks.push(check("conflict", "an item with this name exists", ""));
                    return v(problem(409, "an item with this name already exists"), checks, "Fix the request: it conflicts with the resource's current state (rename it, or update the existing one).");
                }
                match id {
                    None => {
                        let id = self.next;
                        self.next += 1;
                        self.items.insert(id, (parsed.clone(), 1));
                        v(Message::response(201, reason(201)).header("Location", &format!("/items/{id}")).body("application/json", parsed.to_string()), checks, "Nothing to fix: created, at the address Location gives.")
                    }
                    Some(id) => {
                        let version = self.items.get(&id).map_or(1, |(_, v)| v + 1);
                        self.items.insert(id, (parsed.clone(), version));
                        v(Message::response(200, reason(200)).header("ETag", &format!("\"v{version}\"")).body("application/json", parsed.to_string()), checks, "Nothing to fix.")
                    }
                }
            }
            ("DELETE", Some(id)) => match self.items.remove(&id) {
                Some(_) => v(Message::response(204, reason(204)), checks, "Nothing to fix: done, and nothing to send back."),
                None => v(problem(404, &format!("no item {id}")), checks, "Fix the request: no item has this id."),
            },
            _ => {
                let allow = if collection { "GET, HEAD, POST" } else { "GET, HEAD, PUT, DELETE" };
                v(problem(405, &format!("{} is not allowed here", r.method)).header("Allow", allow), checks, "Fix the request: use a method the Allow field lists.")
            }
        }
    }

    /// The body, read by its Content-Type.
    fn parse_body(&self, r: &Request, content_type: Option<&str>, checks: &mut Vec<Field>) -> Result<Value, Verdict> {
        let fail = |status: u16, detail: String, fix: &str, checks: &mut Vec<Field>| Verdict { response: problem(status, &detail), checks: std::mem::take(checks), fix: fix.into() };
        let Some(body) = &r.body else {
            checks.push(check("body", "none", ""));
            return Err(fail(400, "the request has no body".into(), "Fix the request: send the item as the body.", checks));
        };
        let essence = super::cors::mime_essence(content_type.unwrap_or("application/json")).unwrap_or_default();
        checks.push(check("Content-Type", essence.clone(), "how the server will read the body"));
        match essence.as_str() {
            "application/json" => match serde_json::from_str::<Value>(body) {
                Ok(v @ Value::Object(_)) => Ok(v),
                Ok(_) => Err(fail(400, "the body must be a JSON object".into(), "Fix the request: send a JSON object.", checks)),
                Err(e) => {
                    checks.push(check("JSON", format!("line {}, column {}: {e}", e.line(), e.column()), "not valid JSON"));
                    Err(fail(400, format!("the body is not valid JSON (line {}, column {})", e.line(), e.column()), "Fix the request: the body does not parse (400, not 422).", checks))
                }
            },
            "application/x-www-form-urlencoded" => {
                let mut map = serde_json::Map::new();
                for (k, v) in super::decode_form(body) {
                    let value = v.parse::<f64>().ok().and_then(|n| serde_json::Number::from_f64(n).map(Value::Number)).unwrap_or(Value::String(v));
                    map.insert(k, value);
                }
                checks.push(check("form", format!("{} fields", map.len()), "name=value pairs, as an HTML form sends them"));
                Ok(Value::Object(map))
            }
            other => Err(fail(415, format!("{other} is not a type this API reads"), "Fix the request: send application/json (or a form).", checks)),
        }
    }
}

pub fn run(s: &StatusScenario) -> Trace {
    let actors = vec![
        Actor { id: "client".into(), name: "Client".into(), detail: "an app".into() },
        Actor { id: "proxy".into(), name: "Reverse proxy".into(), detail: "api.example".into() },
        Actor { id: "app".into(), name: "App server".into(), detail: "10.0.0.5:8080".into() },
    ];
    let mut t = Trace::new("http", "HTTP status codes: who must fix what", actors);
    let mut app = App { items: std::collections::BTreeMap::from([(7, (serde_json::json!({"name": "lamp", "price": 12}), 3))]), next: 8, window_start: 0, in_window: 0 };
    let requests = parse_requests(&s.requests).unwrap_or_default();
    const NET_US: u64 = 15_000;
    const INSIDE_US: u64 = 1_000;
    let mut at: u64 = 0;
    for r in &requests {
        let mut m = Message::request(&r.method, &r.path).header("Host", "api.example");
        for (n, v) in &r.headers {
            m = m.header(n, v);
        }
        if let Some(body) = &r.body {
            if m.header_value("Content-Type").is_none() {
                m = m.header("Content-Type", "application/json");
            }
            m = m.header("Content-Length", &body.len().to_string());
            m.body = body.as_bytes().to_vec();
        }
        let send = |t: &mut Trace, at: u64, from: usize, to: usize, label: String, m: &Message, d: u64, explanation: String, spec: Vec<SpecRef>| {
            let (bytes, fields) = m.encode();
            let bytes_label = if m.status().is_some() { "HTTP/1.1 response" } else { "HTTP/1.1 request" };
            t.steps.push(Step { at: SimTime(at), arrives: Some(SimTime(at + d)), kind: StepKind::Message, from, to, label, fields, bytes, bytes_label: bytes_label.into(), states: Vec::new(), explanation, spec });
        };
        let label = format!("{} {}", r.method, r.path);
        send(&mut t, at, 0, 1, label.clone(), &m, NET_US, "The client's request reaches the reverse proxy, which forwards it to the app.".into(), vec![SpecRef::rfc(9110, "9", "Methods")]);
        at += NET_US;
        let forwarded = m.clone().header("X-Forwarded-For", "203.0.113.7");
        let local = |t: &mut Trace, at: u64, actor: usize, label: String, fields: Vec<Field>, explanation: String, spec: Vec<SpecRef>| {
            t.steps.push(Step { at: SimTime(at), arrives: None, kind: StepKind::Local, from: actor, to: actor, label, fields, bytes: Vec::new(), bytes_label: String::new(), states: Vec::new(), explanation, spec });
        };
        let (response, fix, from_proxy) = match s.upstream {
            Upstream::Down => {
                local(&mut t, at, 1, "connect to the app: refused".into(), vec![check("upstream", "10.0.0.5:8080", "connection refused: nothing listens")], "The proxy cannot reach the app server.".into(), Vec::new());
                (problem(502, "the upstream server refused the connection"), "Fix the server: the app behind the proxy is down. The request was fine; retry later.".to_string(), true)
            }
            _ => {
                send(&mut t, at, 1, 2, label.clone(), &forwarded, INSIDE_US, "The proxy forwards the request, adding X-Forwarded-For with the client's address.".into(), Vec::new());
                at += INSIDE_US;
                let verdict = app.handle(s, r, at / 1000);
                let took = if s.upstream == Upstream::Slow { s.upstream_ms * 1000 } else { 2_000 };
                let status = verdict.response.status().unwrap_or(0);
                local(&mut t, at, 2, format!("decides {status}"), verdict.checks.clone(), format!("The app checks the request in order and answers {status} {}.", reason(status)), Vec::new());
                if s.upstream == Upstream::Slow && s.upstream_ms > s.timeout_ms {
                    let waited = s.timeout_ms * 1000;
                    local(&mut t, at + waited, 1, format!("no answer after {} ms", s.timeout_ms), vec![check("proxy timeout", format!("{} ms", s.timeout_ms), "how long the proxy waits for the app"), check("the app needs", format!("{} ms", s.upstream_ms), "")], "The proxy gives up waiting. The app may still finish the work: a client that retries can make it happen twice.".into(), Vec::new());
                    let late_at = at + took;
                    at += waited;
                    let late = verdict.response.clone();
                    let gateway = (problem(504, "the upstream server did not answer in time"), "Fix the server: the app is too slow for the proxy's timeout (or raise the timeout). The request may have been carried out.".to_string(), true);
                    send(&mut t, at, 1, 0, "504 Gateway Timeout".into(), &gateway.0, NET_US, class_note(504, &gateway.1), vec![SpecRef::rfc(9110, "15.6.5", "504 Gateway Timeout")]);
                    let (bytes, fields) = late.encode();
                    t.steps.push(Step { at: SimTime(late_at), arrives: Some(SimTime(late_at + INSIDE_US)), kind: StepKind::Message, from: 2, to: 1, label: format!("{status} {} (too late)", reason(status)), fields, bytes, bytes_label: "HTTP/1.1 response".into(), states: Vec::new(), explanation: "The app's answer arrives after the proxy gave up; it is thrown away.".into(), spec: Vec::new() });
                    t.summary.push(format!("{label}: 504 Gateway Timeout (the app needed {} ms, the proxy waits {} ms): fix the server.", s.upstream_ms, s.timeout_ms));
                    at = at.max(late_at) + 200_000;
                    continue;
                }
                at += took;
                send(&mut t, at, 2, 1, format!("{status} {}", reason(status)), &verdict.response, INSIDE_US, "The app's answer goes back through the proxy.".into(), Vec::new());
                at += INSIDE_US;
                (verdict.response, verdict.fix, false)
            }
        };
        let status = response.status().unwrap_or(0);
        let mut fields_note = class_note(status, &fix);
        if from_proxy {
            fields_note = format!("The proxy answers itself. {fields_note}");
        }
        send(&mut t, at, 1, 0, format!("{status} {}", reason(status)), &response, NET_US, fields_note, vec![SpecRef::rfc(9110, &section(status), &format!("{status} {}", reason(status)))]);
        at += NET_US;
        let side = match status {
            400..=499 => ": fix the request",
            500..=599 => ": fix the server",
            _ => "",
        };
        t.summary.push(format!("{label}: {status} {}{side}.", reason(status)));
        at += 200_000;
    }
    t
}

/// RFC 9110's section for a status code (RFC 6585 for 429).
fn section(status: u16) -> String {
    let (class, n) = match status {
        200 => (2, 1),
        201 => (2, 2),
        204 => (2, 5),
        301 => (3, 2),
        302 => (3, 3),
        304 => (3, 5),
        400 => (4, 1),
        401 => (4, 2),
        403 => (4, 4),
        404 => (4, 5),
        405 => (4, 6),
        409 => (4, 10),
        415 => (4, 16),
        422 => (4, 21),
        500 => (6, 1),
        502 => (6, 3),
        503 => (6, 4),
        504 => (6, 5),
        _ => return "15".into(),
    };
    format!("15.{}.{n}", class + 1)
}

fn class_note(status: u16, fix: &str) -> String {
    let class = match status {
        200..=299 => "2xx, success",
        300..=399 => "3xx, look elsewhere",
        400..=499 => "4xx, the client's mistake: fix the request",
        500..=599 => "5xx, the server's failure: fix the server",
        _ => "",
    };
    format!("{status} {} ({class}). {fix}", reason(status))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statuses(requests: &str, tweak: impl Fn(&mut StatusScenario)) -> Vec<String> {
        let mut s = StatusScenario { requests: requests.into(), ..StatusScenario::default() };
        tweak(&mut s);
        run(&s).summary
    }

    #[test]
    fn each_code_for_its_reason() {
        let got = statuses("GET /items/7\nGET /items/7 | If-None-Match: \"v3\"\nGET /old-items\nGET /account\nGET /nowhere\nPOST /items {\"name\":\"desk\",\"price\":80} | Authorization: Basic YWxpY2U6c2VjcmV0\nPOST /items {\"name\":\"desk\",\"price\":80} | Authorization: Basic YWxpY2U6c2VjcmV0\nPOST /items {\"name\":\"x\"} | Authorization: Bearer writer-token\nPOST /items {\"name\": | Authorization: Bearer writer-token\nPOST /items name=chair&price=5 | Content-Type: application/x-www-form-urlencoded | Authorization: Bearer writer-token\nPOST /items hi | Content-Type: text/plain | Authorization: Bearer writer-token\nDELETE /items/7\nDELETE /items/7 | Authorization: Bearer reader-token\nDELETE /items/7 | Authorization: Bearer writer-token\nGET /items/crash", |_| {});
        let codes: Vec<&str> = got.iter().map(|l| l.split(": ").nth(1).unwrap_or("").split(' ').next().unwrap_or("")).collect();
        assert_eq!(codes, vec!["200", "304", "301", "302", "404", "201", "409", "422", "400", "201", "415", "401", "403", "204", "500"], "{got:#?}");
        assert!(got[12].ends_with("fix the request."));
        assert!(got[14].ends_with("fix the server."));
        let got = statuses("GET /items/7\nGET /items/7\nGET /items/7", |s| s.limit = 2);
        assert!(got[2].contains("429"), "{got:?}");
        assert!(statuses("GET /items/7", |s| s.upstream = Upstream::Down)[0].contains("502"));
        assert!(statuses("GET /items/7", |s| s.upstream = Upstream::Slow)[0].contains("504"));
        assert!(statuses("GET /items/7", |s| { s.upstream = Upstream::Slow; s.upstream_ms = 500; })[0].contains("200"));
        assert!(statuses("GET /items/7", |s| s.maintenance = true)[0].contains("503"));
    }

    #[test]
    fn requests_name_their_problems() {
        let e = parse_requests("GET /a\nGET items\nPOST /items {} | NoColon").unwrap_err();
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e[0].starts_with("line 2") && e[1].starts_with("line 3"));
    }
}
