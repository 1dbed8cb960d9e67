//! The HTTP caching scenario: the origin's resource and the response header fields it sends,
//! whether a shared cache (a CDN) stands between the browsers and the origin, and a list of
//! events in time: requests from one or more people's browsers, the origin publishing a new
//! version, failing and recovering, and a purge at the CDN.

use super::rfc9111;
use crate::scenario::{FieldError, Scenario};
use serde::{Deserialize, Serialize};

pub mod limits {
    pub const PATH: usize = 200;
    pub const HEADERS: usize = 4000;
    pub const HEADER_LINES: usize = 30;
    pub const EVENTS_TEXT: usize = 8000;
    pub const EVENTS: usize = 60;
    pub const CLIENTS: usize = 4;
    /// The last event's time: 400 days.
    pub const END_S: u64 = 400 * 86_400;
    pub const MODIFIED_AGO_S: u64 = 3650 * 86_400;
    /// t = 0 lies between 2001 and 2099.
    pub const START: (i64, i64) = (978_307_200, 4_102_444_799);
}

/// The lab's inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CacheScenario {
    pub v: u32,
    /// The resource's path on `www.example.com`.
    pub path: String,
    /// The origin's status for a GET of it.
    pub status: u16,
    /// The origin's response header fields, one `Name: value` line each (Date, ETag and
    /// Last-Modified are added by the origin when switched on).
    pub headers: String,
    /// The origin sends an ETag naming the version.
    pub etag: bool,
    /// The origin sends Last-Modified: when the current version was made.
    pub last_modified: bool,
    /// How long before t = 0 the first version was made.
    pub modified_ago_s: u64,
    /// A shared cache (a CDN) between the browsers and the origin.
    pub cdn: bool,
    /// One event a line (see [`parse_events`]).
    pub events: String,
    /// t = 0, seconds since 1970 (UTC).
    pub start: i64,
    /// The application caching simulation.
    pub app: super::app::AppScenario,
}

pub const START: i64 = 1_796_029_200; // Mon, 30 Nov 2026 09:00:00 GMT

impl Default for CacheScenario {
    fn default() -> Self {
        CacheScenario {
            v: 1,
            path: "/app.css".into(),
            status: 200,
            headers: "Content-Type: text/css\nCache-Control: max-age=60".into(),
            etag: true,
            last_modified: true,
            modified_ago_s: 7 * 86_400,
            cdn: true,
            events: "0s GET\n30s GET\n90s GET\n100s bob GET".into(),
            start: START,
            app: super::app::AppScenario::default(),
        }
    }
}

/// Request methods the events may use.
pub const METHODS: [&str; 6] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

/// One event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    /// A person's browser sends a request (extra header fields as given).
    Request { client: String, method: String, path: String, headers: Vec<(String, String)> },
    /// The origin publishes a new version of the resource.
    Change,
    /// The origin starts answering with this error status.
    Down(u16),
    /// The origin answers again.
    Up,
    /// The CDN is told to drop what it holds for a path.
    Purge(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Seconds after t = 0.
    pub at: u64,
    pub what: What,
    /// Its line in the text, from 1.
    pub line: usize,
}

/// A time: whole seconds, or a sum of numbers with units s, m, h, d (`90s`, `1h30m`, `2d`).
pub fn parse_time(text: &str) -> Result<u64, String> {
    if text.is_empty() {
        return Err("a time is missing".into());
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse::<u64>().ok().filter(|s| *s <= limits::END_S).ok_or_else(|| format!("“{}” is past the {}-day limit", shown(text), limits::END_S / 86_400));
    }
    let (mut total, mut number) = (0u64, String::new());
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(format!("“{}” is not a time: write e.g. 30s, 5m, 2h, 1d or 1h30m", shown(text))),
        };
        if number.is_empty() || number.len() > 9 {
            return Err(format!("“{}” is not a time: write e.g. 30s, 5m, 2h, 1d or 1h30m", shown(text)));
        }
        total = total.saturating_add(number.parse::<u64>().unwrap_or(u64::MAX).saturating_mul(unit));
        number.clear();
    }
    if !number.is_empty() {
        return Err(format!("“{}” ends without a unit (s, m, h or d)", shown(text)));
    }
    if total > limits::END_S {
        return Err(format!("“{}” is past the {}-day limit", shown(text), limits::END_S / 86_400));
    }
    Ok(total)
}

/// How a time is written back (`90s` as `1m30s`).
pub fn time_text(mut s: u64) -> String {
    if s == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    for (unit, name) in [(86_400, 'd'), (3600, 'h'), (60, 'm'), (1, 's')] {
        if s >= unit {
            out.push_str(&format!("{}{name}", s / unit));
            s %= unit;
        }
    }
    out
}

fn shown(text: &str) -> String {
    crate::export::visible(&text.chars().take(40).collect::<String>())
}

/// Reads `Name: value` lines; each problem names its line.
pub fn parse_headers(text: &str) -> Result<Vec<(String, String)>, Vec<String>> {
    crate::http::read_lines(text, false, (limits::HEADER_LINES, "header lines"), None, |line, _, _| header_line(line))
}

/// One `Name: value` (see [`crate::http::field_line`]), but not the fields the origin writes.
fn header_line(line: &str) -> Result<(String, String), String> {
    let (name, value) = crate::http::field_line(line)?;
    if matches!(name.to_ascii_lowercase().as_str(), "date" | "content-length" | "transfer-encoding" | "connection") {
        return Err(format!("{name} is written by the origin itself"));
    }
    Ok((name.to_string(), value.to_string()))
}

/// Reads the events, one a line: `TIME [person] METHOD [path] [| Name: value]…`, `TIME change`,
/// `TIME down [500|502|503|504]`, `TIME up`, `TIME purge [path]`. `#` starts a comment. Events
/// are kept in time order (lines with the same time in the order written).
pub fn parse_events(text: &str, default_path: &str) -> Result<Vec<Event>, Vec<String>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut clients: Vec<String> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        match event(line, default_path) {
            Ok(what) => {
                if let What::Request { client, .. } = &what {
                    if !clients.contains(client) {
                        clients.push(client.clone());
                    }
                }
                let at = parse_time(line.split_whitespace().next().unwrap_or("")).unwrap_or(0);
                out.push(Event { at, what, line: i + 1 });
            }
            Err(e) => problems.push(format!("line {}: {e}", i + 1)),
        }
    }
    if out.len() > limits::EVENTS {
        problems.push(format!("at most {} events", limits::EVENTS));
    }
    if clients.len() > limits::CLIENTS {
        problems.push(format!("at most {} people ({} named)", limits::CLIENTS, clients.len()));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    crate::order::sort_by_key(&mut out, |e| e.at);
    Ok(out)
}

fn event(line: &str, default_path: &str) -> Result<What, String> {
    let (head, extra) = match line.split_once('|') {
        Some((h, e)) => (h, Some(e)),
        None => (line, None),
    };
    let mut words = head.split_whitespace();
    parse_time(words.next().unwrap_or(""))?;
    let mut word = words.next().ok_or("say what happens after the time: GET, change, down, up or purge")?;
    let no_headers = |what: &str| if extra.is_some() { Err(format!("{what} takes no header fields")) } else { Ok(()) };
    match word {
        "change" | "up" => {
            no_headers(word)?;
            if !words.by_ref().collect::<Vec<_>>().is_empty() {
                return Err(format!("{word} takes nothing after it"));
            }
            return Ok(if word == "up" { What::Up } else { What::Change });
        }
        "down" => {
            no_headers(word)?;
            return match words.by_ref().collect::<Vec<_>>().as_slice() {
                [] => Ok(What::Down(503)),
                [s] => match s.parse::<u16>() {
                    Ok(code @ (500 | 502 | 503 | 504)) => Ok(What::Down(code)),
                    _ => Err(format!("down takes 500, 502, 503 or 504, not “{}”", shown(s))),
                },
                _ => Err("down takes at most a status code".into()),
            };
        }
        "purge" => {
            no_headers(word)?;
            return match words.by_ref().collect::<Vec<_>>().as_slice() {
                [] => Ok(What::Purge(default_path.to_string())),
                [p] => Ok(What::Purge(path(p)?)),
                _ => Err("purge takes at most a path".into()),
            };
        }
        _ => {}
    }
    let mut client = "alice".to_string();
    if !METHODS.contains(&word) {
        if word.len() > 12 || !word.chars().all(|c| c.is_ascii_lowercase()) {
            return Err(format!("“{}” is neither a method ({}) nor an event (change, down, up, purge), nor a name in lower-case letters", shown(word), METHODS.join(", ")));
        }
        client = word.to_string();
        word = words.next().ok_or_else(|| format!("what does {client} send? e.g. GET"))?;
        if !METHODS.contains(&word) {
            return Err(format!("“{}” is not a method: {}", shown(word), METHODS.join(", ")));
        }
    }
    let method = word.to_string();
    let path = match words.by_ref().collect::<Vec<_>>().as_slice() {
        [] => default_path.to_string(),
        [p] => path(p)?,
        _ => return Err("after the method, at most a path; header fields go after |".into()),
    };
    let mut headers = Vec::new();
    if let Some(extra) = extra {
        for part in extra.split('|') {
            let part = part.trim();
            if !part.is_empty() {
                headers.push(header_line(part)?);
            }
        }
    }
    if headers.len() > 12 {
        return Err("at most 12 header fields on a request".into());
    }
    Ok(What::Request { client, method, path, headers })
}

fn path(p: &str) -> Result<String, String> {
    if !p.starts_with('/') || p.len() > limits::PATH || !p.chars().all(|c| c.is_ascii_graphic()) {
        return Err(format!("“{}” is not a path: start with / and use printable ASCII", shown(p)));
    }
    Ok(p.to_string())
}

/// Status codes the origin may send for the resource.
pub const STATUSES: [u16; 9] = [200, 203, 204, 301, 302, 307, 308, 404, 410];

impl Scenario for CacheScenario {
    const LAB: &'static str = "cache";
    const VERSION: u32 = 1;

    fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if let Err(e) = path(&self.path) {
            errors.push(FieldError::new("path", e));
        }
        if !STATUSES.contains(&self.status) {
            errors.push(FieldError::new("status", format!("the origin's status is one of {}", STATUSES.map(|s| s.to_string()).join(", "))));
        }
        if self.headers.len() > limits::HEADERS {
            errors.push(FieldError::new("headers", format!("at most {} characters", limits::HEADERS)));
        } else if let Err(p) = parse_headers(&self.headers) {
            errors.push(FieldError::new("headers", p.join("; ")));
        }
        if self.modified_ago_s > limits::MODIFIED_AGO_S {
            errors.push(FieldError::new("modified_ago_s", format!("at most {} days", limits::MODIFIED_AGO_S / 86_400)));
        }
        if self.events.len() > limits::EVENTS_TEXT {
            errors.push(FieldError::new("events", format!("at most {} characters", limits::EVENTS_TEXT)));
        } else {
            match parse_events(&self.events, &self.path) {
                Err(p) => errors.push(FieldError::new("events", p.join("; "))),
                Ok(e) if !e.iter().any(|e| matches!(e.what, What::Request { .. })) => errors.push(FieldError::new("events", "add at least one request, e.g. 0s GET")),
                Ok(_) => {}
            }
        }
        if !(limits::START.0..=limits::START.1).contains(&self.start) {
            errors.push(FieldError::new("start", "t = 0 lies between 2001 and 2099"));
        }
        errors.extend(self.app.validate().into_iter().map(|e| FieldError::new(&format!("app_{}", e.field), e.message)));
        errors
    }
}

/// The built-in scenarios: id, title, scenario.
pub fn presets() -> Vec<(&'static str, &'static str, CacheScenario)> {
    let base = CacheScenario::default();
    let with = |headers: &str, events: &str| CacheScenario { headers: headers.into(), events: events.into(), ..base.clone() };
    let expires = rfc9111::http_date(START + 3600);
    vec![
        ("max-age", "max-age=60 through a CDN: fresh, stale, revalidated with a 304, and a second person served by the CDN", base.clone()),
        ("immutable", "A versioned asset: a year of max-age and immutable, so even a reload asks no one", CacheScenario { path: "/app.3f9c2e.css".into(), ..with("Content-Type: text/css\nCache-Control: public, max-age=31536000, immutable", "0s GET\n1h GET\n1d GET | Cache-Control: max-age=0\n30d bob GET") }),
        ("no-cache-etag", "no-cache is not no-store: an HTML page with no-cache and an ETag is stored, but asked about every time, and a 304 saves the body", CacheScenario { path: "/".into(), ..with("Content-Type: text/html\nCache-Control: no-cache", "0s GET\n10s GET\n20s change\n30s GET") }),
        ("private-authorization", "Private data behind Authorization: the CDN must not store it, each browser may", CacheScenario { path: "/account".into(), ..with("Content-Type: application/json\nCache-Control: private, max-age=300", "0s GET | Authorization: Bearer alice-token\n5s bob GET | Authorization: Bearer bob-token\n60s GET | Authorization: Bearer alice-token") }),
        ("vary-encoding", "Vary: Accept-Encoding: one stored response for each encoding a browser accepts", with("Content-Type: text/css\nCache-Control: max-age=600\nVary: Accept-Encoding", "0s GET | Accept-Encoding: gzip, br\n10s bob GET | Accept-Encoding: gzip\n20s GET | Accept-Encoding: gzip, br")),
        ("vary-star", "Vary: * — stored, but no later request ever matches it", with("Content-Type: text/css\nCache-Control: max-age=600\nVary: *", "0s GET\n10s GET\n20s bob GET")),
        ("stale-while-revalidate", "stale-while-revalidate hides the origin's latency: served stale at once, refreshed behind", with("Content-Type: application/json\nCache-Control: max-age=30, stale-while-revalidate=60", "0s GET\n40s GET\n45s GET\n2m30s GET")),
        ("stale-if-error", "stale-if-error rides out an outage: the origin fails and the stale copy is served", with("Content-Type: text/html\nCache-Control: max-age=60, stale-if-error=3600", "0s GET\n2m down\n3m GET\n2h GET\n2h10m up\n2h15m GET")),
        ("heuristic", "No freshness given: a heuristic 10% of the time since Last-Modified surprises someone after a change", CacheScenario { modified_ago_s: 30 * 86_400, ..with("Content-Type: text/html", "0s GET\n1h change\n2h GET\n3d GET") }),
        ("no-store", "no-store is not no-cache: nothing is kept, so every request fetches the whole body from the origin (compare the no-cache preset)", with("Content-Type: text/html\nCache-Control: no-store", "0s GET\n10s GET\n20s bob GET")),
        ("expires", "Expires, the HTTP/1.0 way: an absolute date, overridden when max-age is there too", with(&format!("Content-Type: text/css\nExpires: {expires}"), "0s GET\n30m GET\n2h GET")),
        ("purge", "A purge at the CDN after a change: the CDN fetches the new version, browsers still hold the old one", with("Content-Type: text/css\nCache-Control: public, max-age=60, s-maxage=86400", "0s GET\n1m change\n2m bob GET\n3m purge\n4m bob GET\n5m GET")),
        ("post-invalidates", "A successful POST invalidates what the caches hold for that URI", with("Content-Type: application/json\nCache-Control: max-age=600", "0s GET\n10s POST\n20s GET")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(parse_time("0"), Ok(0));
        assert_eq!(parse_time("90s"), Ok(90));
        assert_eq!(parse_time("1h30m"), Ok(5400));
        assert_eq!(parse_time("2d"), Ok(172_800));
        assert_eq!(time_text(5400), "1h30m");
        for bad in ["", "10x", "5m3", "h", "401d", "99999999999s"] {
            assert!(parse_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn events_and_their_errors() {
        let e = parse_events("30s bob GET /a | Accept-Encoding: gzip, br | Cache-Control: no-cache\n0s GET # first\n1m change\n2m down 502\n3m up\n4m purge\n", "/app.css").unwrap();
        assert_eq!(e[0].what, What::Request { client: "alice".into(), method: "GET".into(), path: "/app.css".into(), headers: Vec::new() });
        assert_eq!(e[1].what, What::Request { client: "bob".into(), method: "GET".into(), path: "/a".into(), headers: vec![("Accept-Encoding".into(), "gzip, br".into()), ("Cache-Control".into(), "no-cache".into())] });
        assert_eq!(e[1].line, 1);
        assert_eq!(e.iter().map(|e| e.what.clone()).skip(2).collect::<Vec<_>>(), vec![What::Change, What::Down(502), What::Up, What::Purge("/app.css".into())]);
        let errors = parse_events("0s GET\nsoon GET\n1s FETCH\n2s down 404\n3s GET app.css\n4s GET | NoColon", "/").unwrap_err();
        assert_eq!(errors.len(), 5, "{errors:?}");
        for (e, line) in errors.iter().zip([2, 3, 4, 5, 6]) {
            assert!(e.starts_with(&format!("line {line}: ")), "{e}");
        }
        let many = (0..5).map(|i| format!("0s {} GET", ["a", "b", "c", "d", "e"][i])).collect::<Vec<_>>().join("\n");
        assert!(parse_events(&many, "/").unwrap_err()[0].contains("at most 4 people"));
    }

    #[test]
    fn presets_are_valid_and_named_once() {
        let presets = presets();
        for (id, _, s) in &presets {
            assert!(s.validate().is_empty(), "{id}: {:?}", s.validate());
        }
        let mut ids: Vec<_> = presets.iter().map(|p| p.0).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), presets.len());
    }

    #[test]
    fn header_lines_say_what_is_wrong() {
        let errors = parse_headers("Cache-Control: max-age=60\nno colon here\nBad Name: x\nDate: now").unwrap_err();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[2].contains("written by the origin"));
    }
}

/// The editor's fields as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheForm {
    pub path: String,
    pub status: u16,
    pub headers: String,
    pub etag: bool,
    pub last_modified: bool,
    pub modified_ago: String,
    pub cdn: bool,
    pub events: String,
    /// t = 0, kept from the scenario (not edited here).
    pub start: i64,
    /// The application part: its menus as chosen, its numbers and traffic as typed.
    pub app: super::app::AppScenario,
    pub app_capacity: String,
    pub app_ttl_ms: String,
    pub app_keys: String,
    pub app_hot_percent: String,
    pub app_db_ms: String,
    pub app_reader_pause_ms: String,
    pub app_flush_ms: String,
    pub app_crash_ms: String,
    pub app_duration_ms: String,
    pub app_reads: String,
    pub app_writes: String,
}

impl From<&CacheScenario> for CacheForm {
    fn from(s: &CacheScenario) -> CacheForm {
        let a = &s.app;
        CacheForm {
            path: s.path.clone(),
            status: s.status,
            headers: s.headers.clone(),
            etag: s.etag,
            last_modified: s.last_modified,
            modified_ago: time_text(s.modified_ago_s),
            cdn: s.cdn,
            events: s.events.clone(),
            start: s.start,
            app: a.clone(),
            app_capacity: a.capacity.to_string(),
            app_ttl_ms: a.ttl_ms.to_string(),
            app_keys: a.keys.to_string(),
            app_hot_percent: a.hot_percent.to_string(),
            app_db_ms: a.db_ms.to_string(),
            app_reader_pause_ms: a.reader_pause_ms.to_string(),
            app_flush_ms: a.flush_ms.to_string(),
            app_crash_ms: a.crash_ms.map(|c| c.to_string()).unwrap_or_default(),
            app_duration_ms: a.duration_ms.to_string(),
            app_reads: crate::ratelimit::text::format(&a.reads),
            app_writes: crate::ratelimit::text::format(&a.writes),
        }
    }
}

impl CacheForm {
    /// The scenario, or each field's problem.
    pub fn parse(&self) -> Result<CacheScenario, Vec<FieldError>> {
        let mut errors = Vec::new();
        let modified_ago_s = match parse_time(self.modified_ago.trim()) {
            Ok(s) => s,
            Err(e) => {
                errors.push(FieldError::new("modified_ago", e));
                0
            }
        };
        let mut app = self.app.clone();
        let number = |errors: &mut Vec<FieldError>, key: &str, text: &str| -> u64 {
            crate::scenario::whole_number::<u64>(text).unwrap_or_else(|e| {
                errors.push(FieldError::new(key, e));
                0
            })
        };
        app.capacity = number(&mut errors, "app_capacity", &self.app_capacity).min(u32::MAX as u64) as u32;
        app.ttl_ms = number(&mut errors, "app_ttl_ms", &self.app_ttl_ms);
        app.keys = number(&mut errors, "app_keys", &self.app_keys).min(u32::MAX as u64) as u32;
        app.hot_percent = number(&mut errors, "app_hot_percent", &self.app_hot_percent).min(u32::MAX as u64) as u32;
        app.db_ms = number(&mut errors, "app_db_ms", &self.app_db_ms);
        app.reader_pause_ms = number(&mut errors, "app_reader_pause_ms", &self.app_reader_pause_ms);
        app.flush_ms = number(&mut errors, "app_flush_ms", &self.app_flush_ms);
        app.duration_ms = number(&mut errors, "app_duration_ms", &self.app_duration_ms);
        app.crash_ms = if self.app_crash_ms.trim().is_empty() { None } else { Some(number(&mut errors, "app_crash_ms", &self.app_crash_ms)) };
        for (key, text, out) in [("app_reads", &self.app_reads, &mut app.reads), ("app_writes", &self.app_writes, &mut app.writes)] {
            match crate::ratelimit::text::parse(text) {
                Ok(p) => *out = p,
                Err(e) => errors.push(FieldError::new(key, e.to_string())),
            }
        }
        let s = CacheScenario {
            app,
            path: self.path.trim().to_string(),
            status: self.status,
            headers: self.headers.clone(),
            etag: self.etag,
            last_modified: self.last_modified,
            modified_ago_s,
            cdn: self.cdn,
            events: self.events.clone(),
            start: self.start,
            v: CacheScenario::VERSION,
        };
        crate::scenario::checked(s, errors)
    }
}
