//! Random cross-origin fetches with the core's CORS decisions, one JSON object per line, for
//! the differential check against Chromium itself (tests/cors_interop.mjs): the script's
//! request, the server's answers to the preflight and to the request, and what the core says
//! the browser does (throws, sends a preflight and with which headers, sends the request,
//! blocks it with which console line, or lets the script read which headers).
//!
//! usage: cargo run -p wirelab-core --example cors_cases COUNT SEED PAGE_ORIGIN API_ORIGIN

use serde_json::json;
use wirelab_core::http::cors::{self, Answer, Credentials, Fetch, PreflightCache};
use wirelab_core::rng::SplitMix64;

struct Pick(SplitMix64);

impl Pick {
    fn below(&mut self, n: u64) -> u64 {
        self.0.next_u64() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn one<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// The request headers a script might set, each with values that are and are not safelisted.
const REQUEST_HEADERS: &[(&str, &[&str])] = &[
    ("Content-Type", &["text/plain", "application/json", "application/x-www-form-urlencoded;charset=UTF-8", "multipart/form-data; boundary=x", "text/plain; a=\"b\"", "Text/Plain ", "text"]),
    ("Accept", &["*/*", "application/json", "a:b", "text/html(x)"]),
    ("Accept-Language", &["en-GB", "en-GB;q=0.9, fr", "en_GB"]),
    ("Content-Language", &["de", "de/at"]),
    ("Range", &["bytes=0-99", "bytes=100-", "bytes=-100", "bytes=9-1", "bytes=0-1,3-4"]),
    ("X-Api-Key", &["k-123"]),
    ("x-request-id", &["7"]),
    ("Authorization", &["Bearer t0k3n", "Basic YTpi"]),
    ("Cookie", &["a=1"]),
    ("Sec-Fetch-Site", &["none"]),
    ("X-HTTP-Method-Override", &["TRACE", "PUT"]),
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let count: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(300);
    let seed: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(6454);
    let page = args.get(2).cloned().unwrap_or_else(|| "http://127.0.0.1:8001".into());
    let api = args.get(3).cloned().unwrap_or_else(|| "http://127.0.0.1:8002".into());
    let mut p = Pick(SplitMix64::new(seed));
    for id in 0..count {
        let method = p.one(&["GET", "GET", "HEAD", "POST", "POST", "PUT", "put", "DELETE", "PATCH", "patch", "OPTIONS", "PURGE", "TRACE"]).to_string();
        let mut headers = Vec::new();
        for (name, values) in REQUEST_HEADERS {
            if p.chance(if *name == "Content-Type" { 45 } else { 14 }) {
                headers.push((name.to_string(), p.one(values).to_string()));
            }
        }
        if p.chance(3) {
            // Safelisted values over 1024 bytes in total.
            for _ in 0..9 {
                headers.push(("Accept".to_string(), "a".repeat(120)));
            }
        }
        let credentials = Credentials::ALL[p.below(3) as usize];
        let allow_origin = |p: &mut Pick| -> Vec<(String, String)> {
            let value = match p.below(24) {
                0 | 1 => return Vec::new(),
                2..=5 => "*".to_string(),
                6 => format!("{page}/"),
                7 => format!("{page}, {page}"),
                8 => "null".into(),
                9 => "https://other.example".into(),
                10 => "other.example".into(),
                _ => page.clone(),
            };
            let mut h = vec![("Access-Control-Allow-Origin".to_string(), value)];
            match p.below(8) {
                0 | 1 => {}
                2 => h.push(("Access-Control-Allow-Credentials".into(), "TRUE".into())),
                _ => h.push(("Access-Control-Allow-Credentials".into(), "true".into())),
            }
            h
        };
        let mut pre = allow_origin(&mut p);
        if !p.chance(10) {
            pre.push(("Access-Control-Allow-Methods".into(), p.one(&["PUT, PATCH, DELETE", "PUT, PATCH, DELETE, OPTIONS, PURGE", "put, patch", "PUT", "*", "GET POST", "GET,,PUT", "DELETE, OPTIONS, PURGE", "PATCH, patch, PUT, DELETE, OPTIONS, PURGE"]).into()));
        }
        if !p.chance(10) {
            pre.push(("Access-Control-Allow-Headers".into(), p.one(&["*", "*", "X-Api-Key", "authorization, x-api-key, content-type, x-request-id, accept, range, x-http-method-override", "authorization, x-api-key, content-type", "Content-Type, Range, Accept, Content-Language, Accept-Language, X-Request-Id", "*, Authorization", "x-api-key x-request-id", ""]).into()));
        }
        if p.chance(20) {
            pre.push(("Access-Control-Max-Age".into(), p.one(&["600", "-1", "abc"]).into()));
        }
        let status = [204, 204, 204, 200, 200, 401, 500, 302][p.below(8) as usize];
        if status == 302 {
            pre.push(("Location".into(), format!("{api}/elsewhere")));
        }
        let preflight = Answer { status, headers: pre };
        let mut resp = allow_origin(&mut p);
        resp.push(("Content-Type".into(), "text/plain".into()));
        resp.push(("X-Total".into(), "3".into()));
        resp.push(("X-Trace".into(), "abc".into()));
        if p.chance(50) {
            resp.push(("Access-Control-Expose-Headers".into(), p.one(&["X-Total", "*", "x-total, x-trace"]).into()));
        }
        let answer = Answer { status: if p.chance(15) { 500 } else { 200 }, headers: resp };
        let fetch = Fetch { page: page.clone(), url: format!("{api}/case/{id}?q=1"), method, headers, credentials };
        // Each case has its own URL, so the preflight cache never carries over between cases.
        let d = cors::decide(&fetch, &preflight, &answer, &mut PreflightCache::default(), 0);
        let header = |m: &Option<wirelab_core::http::Message>, name: &str| m.as_ref().and_then(|m| m.header_value(name).map(str::to_string));
        let line = json!({
            "id": id,
            "url": fetch.url,
            "method": fetch.method,
            "headers": fetch.headers,
            "credentials": credentials.id(),
            "preflightAnswer": { "status": preflight.status, "headers": preflight.headers },
            "answer": { "status": answer.status, "headers": answer.headers },
            "expect": {
                "typeError": d.type_error,
                "preflight": d.preflight.is_some(),
                "requestMethod": header(&d.preflight, "Access-Control-Request-Method"),
                "requestHeaders": header(&d.preflight, "Access-Control-Request-Headers"),
                "sent": d.request.is_some(),
                "sentHeaders": d.request.as_ref().map(|m| m.headers.iter().filter(|(n, _)| !matches!(n.as_str(), "Host" | "Origin")).cloned().collect::<Vec<_>>()),
                "ok": d.ok(),
                "console": d.console,
                // When several headers are refused, Chromium's line may name any one of them.
                "refused": match &d.error { Some(cors::CorsError::HeaderNotAllowed(names)) => names.clone(), _ => Vec::new() },
                "exposed": d.exposed,
            },
        });
        println!("{line}");
    }
}
