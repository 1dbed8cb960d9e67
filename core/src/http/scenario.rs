//! The HTTP lab's inputs. Its first part is CORS: a script on one origin calls an API on
//! another, and the browser decides, by the Fetch Standard, whether to ask first, what to send,
//! and whether the script may read the answer. The person sets the call (method, headers,
//! credentials), the server's answers to the preflight and to the request, and what follows:
//! the same call again later (the preflight cache), or from another page through a shared cache
//! (why `Vary: Origin` matters).

use super::cors::{self, Credentials};
use crate::scenario::{FieldError, Scenario};
use serde::{Deserialize, Serialize};

pub mod limits {
    pub const URL: usize = super::cors::MAX_URL;
    pub const HEADERS: usize = 4000;
    pub const HEADER_LINES: usize = 30;
    pub const BODY: usize = 2000;
    /// The second call comes at most a day later.
    pub const THEN_S: u64 = 86_400;
}

/// Which part of the lab a scenario shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Part {
    Cors,
    Methods,
    Status,
    #[default]
    Journey,
    Waterfall,
}

/// The lab's inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpScenario {
    pub v: u32,
    pub part: Part,
    pub cors: CorsScenario,
    pub methods: super::methods::MethodsScenario,
    pub status: super::status::StatusScenario,
    pub journey: super::journey::JourneyScenario,
    pub waterfall: super::waterfall::WaterfallScenario,
}

impl Default for HttpScenario {
    fn default() -> Self {
        HttpScenario { v: 1, part: Part::Journey, cors: CorsScenario::default(), methods: Default::default(), status: Default::default(), journey: Default::default(), waterfall: Default::default() }
    }
}

/// A cross-origin call and the server's answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CorsScenario {
    /// The calling page's origin.
    pub page: String,
    /// What the script fetches.
    pub url: String,
    pub method: String,
    /// The headers the script sets, one `Name: value` a line.
    pub headers: String,
    pub body: String,
    pub credentials: Credentials,
    /// The server's answer to a preflight.
    pub preflight_status: u16,
    /// Its header fields; `$origin` stands for the request's Origin, echoed.
    pub preflight_headers: String,
    /// The server's answer to the request itself.
    pub status: u16,
    pub response_headers: String,
    /// A second call this many seconds after the first (none when absent).
    pub then_s: Option<u64>,
    /// The page that makes the second call (the first page when empty).
    pub then_page: String,
    /// A shared cache (a CDN) in front of the server.
    pub cdn: bool,
}

impl Default for CorsScenario {
    fn default() -> Self {
        CorsScenario {
            page: "https://app.example".into(),
            url: "https://api.example/items/7".into(),
            method: "PUT".into(),
            headers: "Content-Type: application/json\nAuthorization: Bearer alice-token".into(),
            body: "{\"name\":\"lamp\"}".into(),
            credentials: Credentials::SameOrigin,
            preflight_status: 204,
            preflight_headers: "Access-Control-Allow-Origin: https://app.example\nAccess-Control-Allow-Methods: GET, PUT, DELETE\nAccess-Control-Allow-Headers: Content-Type, Authorization\nAccess-Control-Max-Age: 600".into(),
            status: 200,
            response_headers: "Access-Control-Allow-Origin: https://app.example\nContent-Type: application/json\nX-Request-Id: 7f3a".into(),
            then_s: Some(60),
            then_page: String::new(),
            cdn: false,
        }
    }
}

/// The status codes a server here may answer with.
pub const STATUSES: [u16; 17] = [200, 201, 204, 301, 302, 303, 307, 308, 400, 401, 403, 404, 405, 429, 500, 502, 503];

fn shown(text: &str) -> String {
    crate::export::visible(&text.chars().take(40).collect::<String>())
}

/// Reads `Name: value` lines; each problem names its line.
pub fn parse_headers(text: &str) -> Result<Vec<(String, String)>, Vec<String>> {
    super::read_lines(text, false, (limits::HEADER_LINES, "header lines"), None, |line, _, _| super::field_line(line))
}

impl CorsScenario {
    /// The problems with each field, keyed as in the editor (`cors_` and the field's name).
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let url = |key: &str, text: &str, errors: &mut Vec<FieldError>| {
            if let Err(e) = cors::parse_url(text) {
                errors.push(FieldError::new(key, format!("character {}: {}", e.at, e.message)));
            }
        };
        url("cors_page", &self.page, &mut errors);
        url("cors_url", &self.url, &mut errors);
        if !self.then_page.is_empty() {
            url("cors_then_page", &self.then_page, &mut errors);
        }
        if self.method.is_empty() || self.method.len() > 20 || !cors::is_token(&self.method) {
            errors.push(FieldError::new("cors_method", format!("“{}” is not a method: a word such as GET, PUT or PATCH", shown(&self.method))));
        }
        for (key, text) in [("cors_headers", &self.headers), ("cors_preflight_headers", &self.preflight_headers), ("cors_response_headers", &self.response_headers)] {
            if text.len() > limits::HEADERS {
                errors.push(FieldError::new(key, format!("at most {} characters", limits::HEADERS)));
            } else if let Err(p) = parse_headers(text) {
                errors.push(FieldError::new(key, p.join("; ")));
            }
        }
        if self.body.len() > limits::BODY {
            errors.push(FieldError::new("cors_body", format!("at most {} characters", limits::BODY)));
        }
        for (key, status) in [("cors_preflight_status", self.preflight_status), ("cors_status", self.status)] {
            if !STATUSES.contains(&status) {
                errors.push(FieldError::new(key, format!("one of {}", STATUSES.map(|s| s.to_string()).join(", "))));
            }
        }
        if self.then_s.is_some_and(|t| t > limits::THEN_S) {
            errors.push(FieldError::new("cors_then", "at most a day (1d)"));
        }
        errors
    }
}

impl Scenario for HttpScenario {
    const LAB: &'static str = "http";
    const VERSION: u32 = 1;

    fn validate(&self) -> Vec<FieldError> {
        // Only the part shown must be valid; the other keeps its values for when it is shown.
        match self.part {
            Part::Cors => self.cors.validate(),
            Part::Methods => self.methods.validate(),
            Part::Status => self.status.validate(),
            Part::Journey => self.journey.validate(),
            Part::Waterfall => self.waterfall.validate(),
        }
    }
}

/// The built-in scenarios: each CORS rule and trap.
pub fn presets() -> Vec<(&'static str, &'static str, HttpScenario)> {
    let base = CorsScenario::default();
    use super::methods::MethodsScenario;
    let cors = |c: CorsScenario| HttpScenario { part: Part::Cors, cors: c, ..HttpScenario::default() };
    let methods = |m: MethodsScenario| HttpScenario { part: Part::Methods, methods: m, ..HttpScenario::default() };
    use super::status::{StatusScenario, Upstream};
    let status = |requests: &str, tweak: fn(&mut StatusScenario)| {
        let mut st = StatusScenario { requests: requests.into(), ..StatusScenario::default() };
        tweak(&mut st);
        HttpScenario { part: Part::Status, status: st, ..HttpScenario::default() }
    };
    let keep = |_: &mut StatusScenario| {};
    use super::journey::JourneyScenario;
    let journey = |j: JourneyScenario| HttpScenario { part: Part::Journey, journey: j, ..HttpScenario::default() };
    use super::waterfall::{Protocol, WaterfallScenario};
    let waterfall = |w: WaterfallScenario| HttpScenario { part: Part::Waterfall, waterfall: w, ..HttpScenario::default() };
    let wbase = WaterfallScenario::default();
    let simple_answer = "Access-Control-Allow-Origin: https://app.example\nContent-Type: application/json";
    vec![
        ("journey", "The journey: you type www.example.com and press Enter; DNS, TCP, TLS 1.3 and HTTP on one time axis", journey(JourneyScenario::default())),
        ("journey-cached", "The journey again a moment later: the browser's DNS cache answers at once", journey(JourneyScenario { dns_cached: true, ..JourneyScenario::default() })),
        ("journey-tls12", "The journey over TLS 1.2: one more round trip before the request can leave", journey(JourneyScenario { tls: "1.2".into(), ..JourneyScenario::default() })),
        ("journey-chunked", "The journey with the page sent in chunks (Transfer-Encoding: chunked), each chunk's size in hex", journey(JourneyScenario { chunk_bytes: 256, ..JourneyScenario::default() })),
        ("journey-far", "The journey to a server 300 ms away: set-up round trips dominate", journey(JourneyScenario { rtt_ms: 300, ..JourneyScenario::default() })),
        ("waterfall-h1", "A page load over HTTP/1.1: six connections, each set up, and requests queued behind them", waterfall(wbase.clone())),
        ("waterfall-h2", "The same page over HTTP/2: one connection, every request at once", waterfall(WaterfallScenario { protocol: Protocol::H2, ..wbase.clone() })),
        ("waterfall-loss", "2% packet loss over HTTP/2: one lost packet holds up every stream on the connection", waterfall(WaterfallScenario { protocol: Protocol::H2, loss_percent: 2, ..wbase.clone() })),
        ("waterfall-h3-loss", "The same loss over HTTP/3: QUIC holds up only the stream that lost it", waterfall(WaterfallScenario { protocol: Protocol::H3, loss_percent: 2, ..wbase.clone() })),
        ("waterfall-cdn", "Static files from a CDN edge 15 ms away, with a preconnect while a slow HTML page loads", waterfall(WaterfallScenario { cdn_rtt_ms: 15, preconnect: true, html_kb: 200, mbps: 5, ..wbase.clone() })),
        ("waterfall-bundle", "Bundling over HTTP/1.1: fewer requests, fewer queues", waterfall(WaterfallScenario { bundle: true, ..wbase.clone() })),
        ("waterfall-warm", "A warm cache: the HTML asked again, everything else fresh in the cache", waterfall(WaterfallScenario { warm_cache: true, ..wbase.clone() })),
        ("journey-nxdomain", "A name that does not exist: the journey ends at DNS", journey(JourneyScenario { host: "wwww.example.com".into(), ..JourneyScenario::default() })),
        ("preflight", "A PUT with a JSON body and a token: preflighted, allowed, then cached for the second call", cors(base.clone())),
        ("simple-get", "A simple GET: no preflight, and Access-Control-Allow-Origin lets the script read the answer", cors(CorsScenario { method: "GET".into(), headers: "Accept: application/json".into(), body: String::new(), response_headers: simple_answer.into(), then_s: None, ..base.clone() })),
        ("missing-allow-origin", "No Access-Control-Allow-Origin: the browser hides the answer (the server still sent it)", cors(CorsScenario { method: "GET".into(), headers: String::new(), body: String::new(), response_headers: "Content-Type: application/json".into(), then_s: None, ..base.clone() })),
        ("wildcard-credentials", "Access-Control-Allow-Origin: * with credentials: refused, and the fix", cors(CorsScenario { method: "GET".into(), headers: String::new(), body: String::new(), credentials: Credentials::Include, response_headers: "Access-Control-Allow-Origin: *\nAccess-Control-Allow-Credentials: true\nContent-Type: application/json".into(), then_s: None, ..base.clone() })),
        ("credentials", "A call with cookies: the exact origin and Access-Control-Allow-Credentials: true", cors(CorsScenario { method: "GET".into(), headers: String::new(), body: String::new(), credentials: Credentials::Include, response_headers: "Access-Control-Allow-Origin: https://app.example\nAccess-Control-Allow-Credentials: true\nVary: Origin\nContent-Type: application/json".into(), then_s: None, ..base.clone() })),
        ("header-not-allowed", "A custom header the preflight's answer does not name: the request is never sent", cors(CorsScenario { headers: "Content-Type: application/json\nX-Api-Key: k-123".into(), ..base.clone() })),
        ("method-case", "fetch sends patch as written, and Access-Control-Allow-Methods: PATCH does not match it", cors(CorsScenario { method: "patch".into(), preflight_headers: "Access-Control-Allow-Origin: https://app.example\nAccess-Control-Allow-Methods: GET, PATCH\nAccess-Control-Allow-Headers: Content-Type, Authorization".into(), then_s: None, ..base.clone() })),
        ("preflight-redirect", "A preflight answered with a redirect (http to https, a trailing slash): refused", cors(CorsScenario { preflight_status: 301, preflight_headers: "Location: https://api.example/items/7/".into(), then_s: None, ..base.clone() })),
        ("preflight-auth", "A server that asks for a token on OPTIONS too: the preflight never carries one, so it fails", cors(CorsScenario { preflight_status: 401, preflight_headers: "Access-Control-Allow-Origin: https://app.example\nWWW-Authenticate: Bearer".into(), then_s: None, ..base.clone() })),
        ("server-did-the-work", "A simple POST the browser does not preflight: the server acts on it, and only then is the answer hidden", cors(CorsScenario { method: "POST".into(), url: "https://api.example/transfers".into(), headers: "Content-Type: text/plain".into(), body: "{\"to\":\"mallory\",\"amount\":100}".into(), response_headers: "Content-Type: application/json".into(), status: 201, then_s: None, ..base.clone() })),
        ("csrf", "CORS is not CSRF protection: another site's form-type POST with cookies still reaches the server", cors(CorsScenario { page: "https://evil.example".into(), method: "POST".into(), url: "https://bank.example/transfer".into(), headers: "Content-Type: application/x-www-form-urlencoded".into(), body: "to=mallory&amount=1000".into(), credentials: Credentials::Include, status: 303, response_headers: "Location: /done".into(), then_s: None, ..base.clone() })),
        ("vary-origin", "A server that echoes the Origin, behind a CDN without Vary: Origin: the second site gets the first one's answer", cors(CorsScenario { method: "GET".into(), headers: String::new(), body: String::new(), response_headers: "Access-Control-Allow-Origin: $origin\nCache-Control: public, max-age=300\nContent-Type: application/json".into(), then_s: Some(10), then_page: "https://admin.example".into(), cdn: true, ..base.clone() })),
        ("vary-origin-fixed", "The same with Vary: Origin: the CDN keeps one answer per origin", cors(CorsScenario { method: "GET".into(), headers: String::new(), body: String::new(), response_headers: "Access-Control-Allow-Origin: $origin\nVary: Origin\nCache-Control: public, max-age=300\nContent-Type: application/json".into(), then_s: Some(10), then_page: "https://admin.example".into(), cdn: true, ..base.clone() })),
        ("cache-expired", "The preflight cache: Access-Control-Max-Age: 5 has run out when the second call comes", cors(CorsScenario { preflight_headers: "Access-Control-Allow-Origin: https://app.example\nAccess-Control-Allow-Methods: PUT\nAccess-Control-Allow-Headers: Content-Type, Authorization\nAccess-Control-Max-Age: 5".into(), then_s: Some(30), ..base.clone() })),
        ("expose-headers", "Which response headers the script may read: the safelisted ones, and those Access-Control-Expose-Headers names", cors(CorsScenario { method: "GET".into(), headers: String::new(), body: String::new(), response_headers: "Access-Control-Allow-Origin: https://app.example\nAccess-Control-Expose-Headers: X-Total-Count\nContent-Type: application/json\nX-Total-Count: 42\nX-Request-Id: 7f3a".into(), then_s: None, ..base.clone() })),
        ("forbidden-headers", "Headers only the browser may set (Cookie, Origin, Host) are dropped without a word", cors(CorsScenario { method: "GET".into(), headers: "Cookie: session=forged\nOrigin: https://api.example\nX-Requested-With: fetch".into(), body: String::new(), preflight_headers: "Access-Control-Allow-Origin: https://app.example\nAccess-Control-Allow-Headers: X-Requested-With".into(), response_headers: simple_answer.into(), then_s: None, ..base.clone() })),
        ("same-origin", "The same origin: CORS does not apply at all", cors(CorsScenario { page: "https://api.example".into(), response_headers: "Content-Type: application/json".into(), then_s: None, ..base })),
        ("methods", "Methods: GET, HEAD, PUT, PATCH, POST, DELETE and OPTIONS against a resource server, each twice where it matters", methods(MethodsScenario::default())),
        ("methods-retry", "Why idempotency matters: a client retries after a lost response, and only POST makes a duplicate", methods(MethodsScenario { calls: "2x POST /items {\"name\":\"order\",\"qty\":1}\n2x PUT /items/20 {\"name\":\"order\",\"qty\":1}\nGET /items".into(), ..MethodsScenario::default() })),
 ("status", "Status codes: the same API answering 200, 304, 401, 201 and 403, each for a reason the trace shows", status(&StatusScenario::default().requests, keep)),
        ("status-2xx", "2xx: 200 OK with the item, 201 Created with its Location, 204 No Content after a delete", status("GET /items/7\nPOST /items {\"name\":\"desk\",\"price\":80} | Authorization: Bearer writer-token\nDELETE /items/7 | Authorization: Bearer writer-token", keep)),
        ("status-3xx", "3xx: 301 moved for good, 302 to the login page for now, 304 the cached copy is still good", status("GET /old-items\nGET /account\nGET /items/7 | If-None-Match: \"v3\"", keep)),
        ("status-4xx", "4xx, the client's mistakes: 400 bad JSON, 401 no credentials, 403 not allowed, 404 no such item, 409 a conflict, 415 a type it cannot read, 422 wrong values", status("POST /items {\"name\": | Authorization: Bearer writer-token\nPOST /items {\"name\":\"desk\",\"price\":80}\nPOST /items {\"name\":\"desk\",\"price\":80} | Authorization: Bearer reader-token\nGET /items/99\nPOST /items {\"name\":\"lamp\",\"price\":5} | Authorization: Basic YWxpY2U6c2VjcmV0\nPOST /items name=desk | Content-Type: text/plain | Authorization: Bearer writer-token\nPOST /items {\"name\":\"\",\"price\":-1} | Authorization: Bearer writer-token", keep)),
        ("status-429", "429: a client over its rate limit, told when to come back with Retry-After", status("GET /items/7\nGET /items/7\nGET /items/7\nGET /items/7", |s| s.limit = 3)),
        ("status-500", "500: a bug in the app's handler; retrying will not help", status("GET /items/crash", keep)),
        ("status-502", "502: the app behind the proxy is down, so the proxy answers for it", status("GET /items/7", |s| s.upstream = Upstream::Down)),
        ("status-503", "503: down for maintenance, with Retry-After", status("GET /items/7", |s| s.maintenance = true)),
        ("status-504", "504: the app takes 2 s and the proxy waits 1 s; the app's late answer is thrown away, its work may be done", status("PUT /items/7 {\"name\":\"lamp\",\"price\":15} | Authorization: Bearer writer-token", |s| s.upstream = Upstream::Slow)),
        ("methods-errors", "The client's mistakes, answered 4xx: a missing item, a method the resource does not allow, a body that is not JSON", methods(MethodsScenario { calls: "GET /items/99\nDELETE /items\nPUT {\"name\": lamp}\nPATCH /items/42 {\"price\":1}\nPURGE".into(), ..MethodsScenario::default() })),
    ]
}

/// The editor's text fields, kept as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpForm {
    pub part: Part,
    pub waterfall: super::waterfall::WaterfallScenario,
    pub w_rtt_ms: String,
    pub w_mbps: String,
    pub w_loss_percent: String,
    pub w_html_kb: String,
    pub w_cdn_rtt_ms: String,
    pub host: String,
    pub path: String,
    pub rtt_ms: String,
    pub dns_cached: bool,
    pub tls: String,
    pub body_bytes: String,
    pub chunk_bytes: String,
    pub item: String,
    pub calls: String,
    pub requests: String,
    pub upstream: super::status::Upstream,
    pub upstream_ms: String,
    pub timeout_ms: String,
    pub maintenance: bool,
    pub limit: String,
    pub page: String,
    pub url: String,
    pub method: String,
    pub headers: String,
    pub body: String,
    pub credentials: Credentials,
    pub preflight_status: u16,
    pub preflight_headers: String,
    pub status: u16,
    pub response_headers: String,
    pub then: String,
    pub then_page: String,
    pub cdn: bool,
}

impl From<&HttpScenario> for HttpForm {
    fn from(s: &HttpScenario) -> Self {
        let c = &s.cors;
        HttpForm {
            part: s.part,
            waterfall: s.waterfall.clone(),
            w_rtt_ms: s.waterfall.rtt_ms.to_string(),
            w_mbps: s.waterfall.mbps.to_string(),
            w_loss_percent: s.waterfall.loss_percent.to_string(),
            w_html_kb: s.waterfall.html_kb.to_string(),
            w_cdn_rtt_ms: s.waterfall.cdn_rtt_ms.to_string(),
            host: s.journey.host.clone(),
            path: s.journey.path.clone(),
            rtt_ms: s.journey.rtt_ms.to_string(),
            dns_cached: s.journey.dns_cached,
            tls: s.journey.tls.clone(),
            body_bytes: s.journey.body_bytes.to_string(),
            chunk_bytes: s.journey.chunk_bytes.to_string(),
            item: s.methods.item.clone(),
            calls: s.methods.calls.clone(),
            requests: s.status.requests.clone(),
            upstream: s.status.upstream,
            upstream_ms: s.status.upstream_ms.to_string(),
            timeout_ms: s.status.timeout_ms.to_string(),
            maintenance: s.status.maintenance,
            limit: s.status.limit.to_string(),
            page: c.page.clone(),
            url: c.url.clone(),
            method: c.method.clone(),
            headers: c.headers.clone(),
            body: c.body.clone(),
            credentials: c.credentials,
            preflight_status: c.preflight_status,
            preflight_headers: c.preflight_headers.clone(),
            status: c.status,
            response_headers: c.response_headers.clone(),
            then: c.then_s.map(crate::cache::scenario::time_text).unwrap_or_default(),
            then_page: c.then_page.clone(),
            cdn: c.cdn,
        }
    }
}

impl HttpForm {
    /// The scenario these fields describe, or each field's problem.
    pub fn parse(&self, base: &HttpScenario) -> Result<HttpScenario, Vec<FieldError>> {
        let mut errors = Vec::new();
        let then = self.then.trim();
        let then_s = if then.is_empty() {
            None
        } else {
            match crate::cache::scenario::parse_time(then) {
                Ok(t) => Some(t),
                Err(e) => {
                    errors.push(FieldError::new("cors_then", e));
                    None
                }
            }
        };
        let cors = CorsScenario {
            page: self.page.trim().to_string(),
            url: self.url.trim().to_string(),
            method: self.method.trim().to_string(),
            headers: self.headers.clone(),
            body: self.body.clone(),
            credentials: self.credentials,
            preflight_status: self.preflight_status,
            preflight_headers: self.preflight_headers.clone(),
            status: self.status,
            response_headers: self.response_headers.clone(),
            then_s,
            then_page: self.then_page.trim().to_string(),
            cdn: self.cdn,
        };
        let methods = super::methods::MethodsScenario { item: self.item.clone(), calls: self.calls.clone() };
        let mut number = |key: &str, text: &str, fallback: u64| match text.trim().parse::<u64>() {
            Ok(n) => n,
            Err(_) => {
                if key.starts_with(match self.part { Part::Status => "status_", Part::Journey => "journey_", Part::Waterfall => "waterfall_", _ => "-" }) {
                    errors.push(FieldError::new(key, format!("“{}” is not a whole number", shown(text))));
                }
                fallback
            }
        };
        let upstream_ms = number("status_upstream_ms", &self.upstream_ms, base.status.upstream_ms);
        let timeout_ms = number("status_timeout_ms", &self.timeout_ms, base.status.timeout_ms);
        let limit = number("status_limit", &self.limit, base.status.limit as u64).min(u32::MAX as u64) as u32;
        let rtt_ms = number("journey_rtt_ms", &self.rtt_ms, base.journey.rtt_ms as u64).min(u32::MAX as u64) as u32;
        let body_bytes = number("journey_body_bytes", &self.body_bytes, base.journey.body_bytes as u64).min(u32::MAX as u64) as u32;
        let status = super::status::StatusScenario { requests: self.requests.clone(), upstream: self.upstream, upstream_ms, timeout_ms, maintenance: self.maintenance, limit };
        let chunk_bytes = number("journey_chunk_bytes", &self.chunk_bytes, base.journey.chunk_bytes as u64).min(u32::MAX as u64) as u32;
        let journey = super::journey::JourneyScenario { host: self.host.trim().to_string(), path: self.path.trim().to_string(), rtt_ms, dns_cached: self.dns_cached, tls: self.tls.clone(), body_bytes, chunk_bytes };
        let w = &self.waterfall;
        let waterfall = super::waterfall::WaterfallScenario {
            rtt_ms: number("waterfall_rtt_ms", &self.w_rtt_ms, w.rtt_ms),
            mbps: number("waterfall_mbps", &self.w_mbps, w.mbps),
            loss_percent: number("waterfall_loss_percent", &self.w_loss_percent, w.loss_percent),
            html_kb: number("waterfall_html_kb", &self.w_html_kb, w.html_kb),
            cdn_rtt_ms: number("waterfall_cdn_rtt_ms", &self.w_cdn_rtt_ms, w.cdn_rtt_ms),
            ..w.clone()
        };
        let s = HttpScenario { part: self.part, cors, methods, status, journey, waterfall, ..base.clone() };
        let more: Vec<FieldError> = s.validate().into_iter().filter(|e| !errors.iter().any(|f| f.field == e.field)).collect();
        errors.extend(more);
        if errors.is_empty() {
            Ok(s)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_valid_and_named_once() {
        let presets = presets();
        for (id, _, s) in &presets {
            assert!(s.validate().is_empty(), "{id}: {:?}", s.validate());
            assert_eq!(HttpForm::from(s).parse(&HttpScenario::default()).as_ref(), Ok(s), "{id}");
        }
        let mut ids: Vec<_> = presets.iter().map(|p| p.0).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), presets.len());
    }

    #[test]
    fn each_field_names_its_problem() {
        let mut form = HttpForm::from(&HttpScenario::default());
        form.part = Part::Cors;
        form.url = "api.example/items".into();
        form.method = "GE T".into();
        form.headers = "Content-Type application/json".into();
        form.then = "soon".into();
        form.preflight_status = 299;
        let errors = form.parse(&HttpScenario::default()).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["cors_then", "cors_url", "cors_method", "cors_headers", "cors_preflight_status"], "{errors:?}");
        assert!(errors[3].message.starts_with("line 1: "), "{errors:?}");
    }
}
