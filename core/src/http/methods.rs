//! The HTTP lab's methods part: a client calls a small resource server (`/items` and
//! `/items/{id}`, JSON) with GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS, each as real
//! HTTP/1.1 bytes, and the server's state shows what each one changed. A call sent twice shows
//! what idempotent means (RFC 9110 section 9.2.2): PUT and DELETE leave the state as the first
//! call did, POST creates a second item. The run ends with each method's properties (safe,
//! idempotent, cacheable, bodies) beside what it did here.

use super::{reason, Message};
use crate::scenario::FieldError;
use crate::trace::{Actor, ActorState, Field, SimTime, SpecRef, StateChange, Step, StepKind, Trace, Var};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

pub mod limits {
    pub const ITEM: usize = 2000;
    pub const CALLS_TEXT: usize = 4000;
    pub const CALLS: usize = 30;
    /// Items the server holds at most: a POST past it is answered 507.
    pub const ITEMS: usize = 50;
}

/// The methods part's inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MethodsScenario {
    /// `/items/7` as the server first holds it, as JSON.
    pub item: String,
    /// One call a line: `[2x] METHOD [path] [JSON body]`.
    pub calls: String,
}

impl Default for MethodsScenario {
    fn default() -> Self {
        MethodsScenario {
            item: "{\"name\":\"lamp\",\"price\":12}".into(),
            calls: "GET\nHEAD\n2x PUT {\"name\":\"lamp\",\"price\":15}\nPATCH {\"price\":10}\n2x POST /items {\"name\":\"desk\",\"price\":80}\n2x DELETE\nGET\nOPTIONS".into(),
        }
    }
}

/// One call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub times: u32,
    pub method: String,
    pub path: String,
    pub body: Option<String>,
    pub line: usize,
}

pub const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

fn shown(text: &str) -> String {
    crate::export::visible(&text.chars().take(40).collect::<String>())
}

/// Reads the calls; each problem names its line.
pub fn parse_calls(text: &str) -> Result<Vec<Call>, Vec<String>> {
    super::read_lines(text, true, (limits::CALLS, "calls"), Some("add at least one call, e.g. GET"), |line, number, _| call(line, number))
}

fn call(line: &str, number: usize) -> Result<Call, String> {
    let (mut word, mut rest) = line.split_once(char::is_whitespace).map(|(w, r)| (w, r.trim_start())).unwrap_or((line, ""));
    let mut times = 1;
    if let Some(n) = word.strip_suffix('x').and_then(|n| n.parse::<u32>().ok()) {
        if !(1..=3).contains(&n) {
            return Err("send a call at most 3 times (3x)".into());
        }
        times = n;
        let (w, r) = rest.split_once(char::is_whitespace).map(|(w, r)| (w, r.trim_start())).unwrap_or((rest, ""));
        word = w;
        rest = r;
    }
    if !super::cors::is_token(word) || word.len() > 20 {
        return Err(format!("“{}” is not a method: {}", shown(word), METHODS.join(", ")));
    }
    let (path, body) = if rest.starts_with('/') {
        let (p, b) = rest.split_once(char::is_whitespace).map(|(p, b)| (p, b.trim())).unwrap_or((rest, ""));
        (p.to_string(), b)
    } else {
        ("/items/7".to_string(), rest)
    };
    if path.len() > 100 || !path.chars().all(|c| c.is_ascii_graphic()) {
        return Err(format!("“{}” is not a path", shown(&path)));
    }
    Ok(Call { times, method: word.to_string(), path, body: (!body.is_empty()).then(|| body.to_string()), line: number })
}

impl MethodsScenario {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.item.len() > limits::ITEM {
            errors.push(FieldError::new("methods_item", format!("at most {} characters", limits::ITEM)));
        } else if !matches!(serde_json::from_str::<Value>(&self.item), Ok(Value::Object(_))) {
            errors.push(FieldError::new("methods_item", "the item is a JSON object, like {\"name\":\"lamp\"}"));
        }
        if self.calls.len() > limits::CALLS_TEXT {
            errors.push(FieldError::new("methods_calls", format!("at most {} characters", limits::CALLS_TEXT)));
        } else if let Err(p) = parse_calls(&self.calls) {
            errors.push(FieldError::new("methods_calls", p.join("; ")));
        }
        errors
    }
}

/// RFC 9110's properties of a method (section 9.2), and where each is defined.
pub fn properties(method: &str) -> Option<(bool, bool, &'static str, &'static str, &'static str)> {
    // (safe, idempotent, cacheable, request body, section)
    Some(match method {
        "GET" => (true, true, "yes", "none (a body has no defined meaning)", "9.3.1"),
        "HEAD" => (true, true, "yes", "none", "9.3.2"),
        "POST" => (false, false, "only with explicit freshness and Content-Location, rarely done", "yes", "9.3.3"),
        "PUT" => (false, true, "no", "yes: the whole new representation", "9.3.4"),
        "PATCH" => (false, false, "no", "yes: the changes (RFC 5789)", "RFC 5789"),
        "DELETE" => (false, true, "no", "none", "9.3.5"),
        "OPTIONS" => (true, true, "no", "rarely", "9.3.7"),
        _ => return None,
    })
}

/// JSON Merge Patch (RFC 7396).
fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

struct Server {
    items: BTreeMap<u32, Value>,
    next: u32,
}

impl Server {
    fn state(&self) -> ActorState {
        ActorState { name: format!("{} item{}", self.items.len(), if self.items.len() == 1 { "" } else { "s" }), vars: self.items.iter().map(|(id, v)| Var { name: format!("/items/{id}"), value: v.to_string() }).collect() }
    }

    /// The server's answer to a request, and what it did.
    fn handle(&mut self, method: &str, path: &str, body: Option<&str>) -> (Message, String) {
        let json = |status: u16, v: &Value| Message::response(status, reason(status)).body("application/json", v.to_string());
        let problem = |status: u16, detail: &str| Message::response(status, reason(status)).body("application/problem+json", serde_json::json!({"title": reason(status), "status": status, "detail": detail}).to_string());
        let id = path.strip_prefix("/items/").and_then(|n| n.parse::<u32>().ok());
        let collection = path == "/items";
        if id.is_none() && !collection {
            return (problem(404, "no such resource: this server has /items and /items/{id}"), "nothing: no such resource".into());
        }
        let allow = if collection { "GET, HEAD, POST, OPTIONS" } else { "GET, HEAD, PUT, PATCH, DELETE, OPTIONS" };
        let parsed = body.map(serde_json::from_str::<Value>);
        let bad_body = || problem(400, "the body is not valid JSON");
        match (method, id) {
            ("GET" | "HEAD", None) => {
                let list = Value::Array(self.items.iter().map(|(id, v)| serde_json::json!({"id": id, "item": v})).collect());
                (json(200, &list), "read the list, changed nothing".into())
            }
            ("GET" | "HEAD", Some(id)) => match self.items.get(&id) {
                Some(v) => (json(200, v), "read it, changed nothing".into()),
                None => (problem(404, &format!("no item {id}")), "nothing: no such item".into()),
            },
            ("POST", None) => match parsed {
                Some(Ok(v @ Value::Object(_))) => {
                    if self.items.len() >= limits::ITEMS {
                        return (problem(507, "the lab's server holds at most 50 items"), "nothing: full".into());
                    }
                    let id = self.next;
                    self.next += 1;
                    self.items.insert(id, v.clone());
                    (json(201, &v).header("Location", &format!("/items/{id}")), format!("created /items/{id}"))
                }
                Some(_) => (bad_body(), "nothing: the body is not a JSON object".into()),
                None => (problem(400, "POST needs a body: the new item"), "nothing: no body".into()),
            },
            ("PUT", Some(id)) => match parsed {
                Some(Ok(v @ Value::Object(_))) => {
                    let existed = self.items.insert(id, v.clone()).is_some();
                    self.next = self.next.max(id + 1);
                    if existed {
                        (json(200, &v), format!("replaced /items/{id} as a whole"))
                    } else {
                        (json(201, &v).header("Location", &format!("/items/{id}")), format!("created /items/{id} at the client's chosen address"))
                    }
                }
                Some(_) => (bad_body(), "nothing: the body is not a JSON object".into()),
                None => (problem(400, "PUT needs a body: the whole new item"), "nothing: no body".into()),
            },
            ("PATCH", Some(id)) => match (self.items.get_mut(&id), parsed) {
                (None, _) => (problem(404, &format!("no item {id}")), "nothing: no such item".into()),
                (Some(item), Some(Ok(p @ Value::Object(_)))) => {
                    merge(item, &p);
                    let v = item.clone();
                    (json(200, &v), format!("merged the changes into /items/{id} (JSON Merge Patch, RFC 7396)"))
                }
                (Some(_), Some(_)) => (bad_body(), "nothing: the body is not a JSON object".into()),
                (Some(_), None) => (problem(400, "PATCH needs a body: the changes"), "nothing: no body".into()),
            },
            ("DELETE", Some(id)) => match self.items.remove(&id) {
                Some(_) => (Message::response(204, reason(204)), format!("deleted /items/{id}")),
                None => (problem(404, &format!("no item {id}")), "nothing: already gone".into()),
            },
            ("OPTIONS", _) => (Message::response(204, reason(204)).header("Allow", allow), "told which methods the resource allows".into()),
            (m, _) if METHODS.contains(&m) => (problem(405, &format!("{m} is not allowed on {path}")).header("Allow", allow), "nothing: method not allowed here".into()),
            (m, _) => (problem(501, &format!("this server does not implement {}", shown(m))), "nothing: unknown method".into()),
        }
    }
}

pub fn run(s: &MethodsScenario) -> Trace {
    let actors = vec![
        Actor { id: "client".into(), name: "Client".into(), detail: "curl, an app".into() },
        Actor { id: "server".into(), name: "Server".into(), detail: "api.example".into() },
    ];
    let mut t = Trace::new("http", "HTTP methods against a resource server", actors);
    let first = serde_json::from_str::<Value>(&s.item).unwrap_or_else(|_| serde_json::json!({}));
    let mut server = Server { items: BTreeMap::from([(7, first)]), next: 8 };
    let calls = parse_calls(&s.calls).unwrap_or_default();
    let mut at: u64 = 0;
    const ONE_WAY_US: u64 = 20_000;
    // Per method: what it did here, and whether a repeat left the state as the first call did.
    let mut seen: Vec<(String, Vec<String>)> = Vec::new();
    for c in &calls {
        let mut after_first = None;
        for n in 1..=c.times {
            let mut m = Message::request(&c.method, &c.path).header("Host", "api.example");
            if let Some(body) = &c.body {
                m = m.body("application/json", body.clone());
            } else if matches!(c.method.as_str(), "GET" | "HEAD") {
                m = m.header("Accept", "application/json");
            }
            let (bytes, fields) = m.encode();
            let section = properties(&c.method).map(|p| p.4).unwrap_or("9.1");
            let spec = if section.starts_with("RFC") { vec![SpecRef::rfc(5789, "2", "The PATCH Method")] } else { vec![SpecRef::rfc(9110, section, "Method Definitions")] };
            let again = if c.times > 1 { format!(" ({n} of {})", c.times) } else { String::new() };
            t.steps.push(Step { at: SimTime(at), arrives: Some(SimTime(at + ONE_WAY_US)), kind: StepKind::Message, from: 0, to: 1, label: format!("{} {}{again}", c.method, c.path), fields, bytes, bytes_label: "HTTP/1.1 request".into(), states: Vec::new(), explanation: explain(&c.method), spec });
            at += ONE_WAY_US;
            let before = server.state();
            let (mut response, did) = server.handle(&c.method, &c.path, c.body.as_deref());
            let after = server.state();
            t.steps.push(Step { at: SimTime(at), arrives: None, kind: StepKind::Local, from: 1, to: 1, label: did.clone(), fields: vec![Field { name: "state".into(), value: after.name.clone(), bytes: None, note: String::new(), points_to: None }], bytes: Vec::new(), bytes_label: String::new(), states: vec![StateChange { actor: 1, before: before.clone(), after: after.clone() }], explanation: format!("The server {did}."), spec: Vec::new() });
            if c.method == "HEAD" {
                // The same header fields as GET, Content-Length included, and no body.
                response.body.clear();
            }
            let status = response.status().unwrap_or(0);
            let (bytes, fields) = response.encode();
            t.steps.push(Step { at: SimTime(at), arrives: Some(SimTime(at + ONE_WAY_US)), kind: StepKind::Message, from: 1, to: 0, label: format!("{status} {}", reason(status)), fields, bytes, bytes_label: "HTTP/1.1 response".into(), states: Vec::new(), explanation: status_note(status), spec: vec![SpecRef::rfc(9110, "15", "Status Codes")] });
            at += ONE_WAY_US;
            let note = if n == 1 {
                after_first = Some(after.clone());
                format!("{did} ({status})")
            } else if after_first.as_ref() == Some(&after) && before == after {
                format!("sent again: the state stayed as the first call left it ({status})")
            } else {
                format!("sent again: {did}, so the state differs from after the first ({status})")
            };
            match seen.iter_mut().find(|(m, _)| *m == c.method) {
                Some((_, notes)) => notes.push(note),
                None => seen.push((c.method.clone(), vec![note])),
            }
        }
        at += 100_000;
    }
    // The table the run fills in.
    let mut fields = Vec::new();
    for (method, notes) in &seen {
        let value = match properties(method) {
            Some((safe, idem, cacheable, body, _)) => format!("safe {} · idempotent {} · cacheable: {cacheable} · request body: {body}", if safe { "✔" } else { "✘" }, if idem { "✔" } else { "✘" }),
            None => "not a method RFC 9110 defines".into(),
        };
        fields.push(Field { name: method.clone(), value, bytes: None, note: notes.join("; "), points_to: None });
    }
    t.steps.push(Step { at: SimTime(at), arrives: None, kind: StepKind::Local, from: 0, to: 0, label: "the methods, compared".into(), fields, bytes: Vec::new(), bytes_label: String::new(), states: Vec::new(), explanation: "Safe: the client asks for nothing to change. Idempotent: sending it twice has the effect of sending it once, so a client may retry it after a lost response; the response may still differ (a second DELETE is a 404). Beside each method, what it did in this run.".into(), spec: vec![SpecRef::rfc(9110, "9.2", "Common Method Properties")] });
    for (method, notes) in &seen {
        t.summary.push(format!("{method}: {}.", notes.join("; ")));
    }
    t
}

fn explain(method: &str) -> String {
    match method {
        "GET" => "GET asks for the resource's current representation. It is safe: it changes nothing on the server.",
        "HEAD" => "HEAD is GET without the body: the same status and header fields, to check existence, size or freshness.",
        "POST" => "POST asks the resource (here the collection) to process the body: this server creates a new item each time. Not idempotent: a retried POST makes a second item.",
        "PUT" => "PUT replaces the resource with the body as a whole (or creates it at this address). Idempotent: the second identical PUT leaves the same state.",
        "PATCH" => "PATCH applies changes to the resource. Not idempotent in general (RFC 5789); this server's JSON Merge Patch happens to be, an increment would not.",
        "DELETE" => "DELETE removes the resource. Idempotent: a second DELETE leaves the same state, though it answers 404.",
        "OPTIONS" => "OPTIONS asks which methods the resource allows (the Allow field); CORS preflights use it too.",
        _ => "A method this server does not implement.",
    }
    .into()
}

fn status_note(status: u16) -> String {
    let class = match status {
        200..=299 => "2xx: it worked.",
        400..=499 => "4xx: the client must change the request.",
        500..=599 => "5xx: the server failed; the same request may work later.",
        _ => "",
    };
    format!("{status} {}. {class}", reason(status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_and_delete_are_idempotent_post_is_not() {
        let t = run(&MethodsScenario::default());
        let summary = t.summary.join("\n");
        assert!(summary.contains("PUT: replaced /items/7 as a whole (200); sent again: the state stayed as the first call left it (200)."), "{summary}");
        assert!(summary.contains("POST: created /items/8 (201); sent again: created /items/9, so the state differs"), "{summary}");
        assert!(summary.contains("DELETE: deleted /items/7 (204); sent again: the state stayed as the first call left it (404)."), "{summary}");
        let i = t.steps.iter().position(|s| s.label == "HEAD /items/7").unwrap();
        let head = &t.steps[i + 2];
        assert_eq!(head.label, "200 OK");
        assert!(head.bytes.ends_with(b"\r\n\r\n"), "HEAD's answer has no body");
        assert!(String::from_utf8_lossy(&head.bytes).contains("Content-Length: 26"), "but GET's Content-Length");
    }

    #[test]
    fn calls_name_their_problems() {
        let e = parse_calls("GET\n5x PUT {}\nGE T\n").unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].starts_with("line 2"));
        assert!(parse_calls("").is_err());
        let c = parse_calls("2x POST /items {\"a\": 1}").unwrap();
        assert_eq!((c[0].times, c[0].path.as_str(), c[0].body.as_deref()), (2, "/items", Some("{\"a\": 1}")));
    }
}
