//! Random HTTP caching cases with the core's RFC 9111 decisions, one JSON object per line, for
//! the differential check against http-cache-semantics (tests/cache_interop.mjs).
//!
//! usage: cargo run -p wirelab-core --example cache_cases [count] [seed]

use serde_json::json;
use wirelab_core::cache::rfc9111::{self, CacheControl, Kind, Stored, Use};
use wirelab_core::rng::SplitMix64;

const T0: i64 = 1_764_547_200; // 2025-12-01 00:00:00 UTC

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
    fn seconds(&mut self) -> String {
        match self.below(10) {
            0 => "0".into(),
            1 => "abc".into(),
            2 => "99999999999".into(),
            3 => format!("\"{}\"", self.below(5000)),
            _ => self.below(5000).to_string(),
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(4000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(9111);
    let mut p = Pick(SplitMix64::new(seed));
    for _ in 0..count {
        let kind = if p.chance(50) { Kind::Shared } else { Kind::Private };
        let method = if p.chance(85) { "GET" } else { "HEAD" };
        let status: u16 = p.one(&["200", "200", "200", "203", "204", "206", "300", "301", "302", "303", "307", "308", "404", "405", "410", "414", "501", "500", "503"]).parse().unwrap_or(200);
        let encodings = ["gzip", "br", "gzip,br"];
        let mut request = vec![("Host".to_string(), "example.com".to_string())];
        if p.chance(20) {
            request.push(("Authorization".into(), "Bearer abc".into()));
        }
        if p.chance(5) {
            request.push(("Cache-Control".into(), "no-store".into()));
        }
        if p.chance(60) {
            request.push(("Accept-Encoding".into(), p.one(&encodings).into()));
        }
        // The response's directives: each at most once, names in lower case.
        let mut directives = Vec::new();
        for (name, percent, valued) in [
            ("max-age", 45, true),
            ("s-maxage", 20, true),
            ("no-cache", 10, false),
            ("no-store", 7, false),
            ("private", 12, false),
            ("public", 15, false),
            ("must-revalidate", 12, false),
            ("proxy-revalidate", 8, false),
            ("immutable", 8, false),
            ("stale-while-revalidate", 15, true),
            ("stale-if-error", 10, true),
        ] {
            if p.chance(percent) {
                directives.push(if valued { format!("{name}={}", p.seconds()) } else { name.to_string() });
            }
        }
        let mut response = vec![("Date".to_string(), rfc9111::http_date(T0))];
        if !directives.is_empty() {
            response.push(("Cache-Control".into(), directives.join(", ")));
        }
        if p.chance(30) {
            let expires = match p.below(5) {
                0 => "0".to_string(),
                1 => "never".to_string(),
                2 => rfc9111::http_date(T0 - p.below(10_000) as i64),
                _ => rfc9111::http_date(T0 + p.below(100_000) as i64),
            };
            response.push(("Expires".into(), expires));
        }
        if p.chance(40) {
            response.push(("Last-Modified".into(), rfc9111::http_date(T0 - p.below(2_000_000) as i64)));
        }
        if p.chance(25) {
            response.push(("Age".into(), p.below(300).to_string()));
        }
        if p.chance(30) {
            response.push(("Vary".into(), "Accept-Encoding".into()));
        }
        if p.chance(40) {
            response.push(("ETag".into(), format!("\"v{}\"", p.below(9))));
        }
        let later = p.below(6000) as i64;
        let now = T0 + later;
        // A later GET whose request directives are among those the check compares.
        let mut again = vec![("Host".to_string(), "example.com".to_string())];
        if let Some((_, v)) = request.iter().find(|(n, _)| n == "Accept-Encoding") {
            if p.chance(70) {
                again.push(("Accept-Encoding".into(), v.clone()));
            }
        } else if p.chance(20) {
            again.push(("Accept-Encoding".into(), p.one(&encodings).into()));
        }
        let mut request_directives = Vec::new();
        match p.below(8) {
            0 => request_directives.push("no-cache".to_string()),
            1 => request_directives.push(format!("max-age={}", p.below(3000))),
            2 => request_directives.push(format!("min-fresh={}", p.below(3000))),
            3 => request_directives.push(if p.chance(30) { "max-stale".to_string() } else { format!("max-stale={}", p.below(3000)) }),
            4 => again.push(("Pragma".into(), "no-cache".into())),
            _ => {}
        }
        if !request_directives.is_empty() {
            again.push(("Cache-Control".into(), request_directives.join(", ")));
        }

        let stored = Stored { method: method.into(), request: request.clone(), status, response: response.clone(), request_time: T0, response_time: T0 };
        let storable = rfc9111::storable(kind, method, &request, status, &response);
        let lifetime = stored.lifetime(kind);
        let no_cache = CacheControl::of(&response).has("no-cache");
        let age = stored.age(now).current_age;
        let reuse = rfc9111::reuse(kind, &stored, "GET", &again, now);
        let to_map = |fields: &[(String, String)]| {
            let mut m = serde_json::Map::new();
            for (n, v) in fields {
                m.insert(n.to_ascii_lowercase(), json!(v));
            }
            m
        };
        println!(
            "{}",
            json!({
                "shared": kind == Kind::Shared,
                "method": method,
                "status": status,
                "request": to_map(&request),
                "response": to_map(&response),
                "t0": T0,
                "now": now,
                "again": to_map(&again),
                "core": {
                    "storable": storable.yes,
                    "storable_reason": storable.reason,
                    "lifetime": lifetime.seconds,
                    "rule": format!("{:?}", lifetime.rule),
                    "no_cache": no_cache,
                    "age": age,
                    "fresh": lifetime.seconds > age,
                    "reuse": format!("{:?}", reuse.decision),
                    "reuse_reason": reuse.reason,
                    "served_without_revalidation": matches!(reuse.decision, Use::Fresh | Use::StaleAccepted),
                },
            })
        );
    }
}
