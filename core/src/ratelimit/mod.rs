//! The rate limiter lab: the same traffic through seven limiter models at once.
//!
//! Models (see [`algorithms`]): token bucket, leaky bucket as a queue and as a meter, fixed
//! window counter, sliding window log, sliding window counter, and GCRA. Every model enforces
//! `limit` requests per `window` on average, with `burst` as its capacity where it has one.
//! Traffic comes from clients, each with its own patterns; a scope decides whether clients
//! share one limit (global), have one each (per user), or share by address (per IP).
//!
//! Simplified, and said so in the UI: one request costs one unit; time is exact to the
//! microsecond; storage is instant (no race between Redis round trips).

pub mod algorithms;
pub mod chart;
pub mod report;
pub mod scenario;
pub mod text;

pub use algorithms::{Algorithm, Decision, Limits, Micros};
pub use report::{run, RateReport};
pub use scenario::{presets, Client, Pattern, RateScenario, Scope};

#[cfg(test)]
mod vector_tests {
    use super::algorithms::{Gcra, Limits};

    /// The redis-cell and throttled test tables (shared/vectors, copied into core/tests/vectors).
    #[test]
    fn gcra_reproduces_redis_cell_and_throttled() {
        let text = include_str!("../../tests/vectors/gcra_redis-cell_throttled.json");
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        // emission interval 1 s, max_burst 4 => limit 5, tolerance 5 s.
        let mut g = Gcra::new(Limits { limit: 1, window: 1_000_000, burst: 5 });
        let cases = v["cases"].as_array().unwrap();
        assert_eq!(cases.len(), 16);
        for c in cases {
            let n = c["n"].as_u64().unwrap();
            let a = g.throttle(c["now_ms"].as_u64().unwrap() * 1000, c["quantity"].as_u64().unwrap());
            assert_eq!(a.limited, c["limited"].as_bool().unwrap(), "case {n}: limited");
            assert_eq!(a.limit, c["limit"].as_u64().unwrap(), "case {n}: limit");
            assert_eq!(a.remaining, c["remaining"].as_u64().unwrap(), "case {n}: remaining");
            assert_eq!(a.reset_after as i64, c["reset_after_ms"].as_i64().unwrap() * 1000, "case {n}: reset_after");
            let retry = a.retry_after.map(|t| t as i64 / 1000).unwrap_or(-1);
            assert_eq!(retry, c["retry_after_ms"].as_i64().unwrap(), "case {n}: retry_after");
        }
    }

    /// governor's allow/deny and wait sequences (governor 0.10 with a fake clock).
    #[test]
    fn gcra_reproduces_governor_sequences() {
        let text = include_str!("../../tests/vectors/governor_sequences.txt");
        let mut checked = 0;
        let mut gcra: Option<Gcra> = None;
        for line in text.lines() {
            if let Some(header) = line.strip_prefix("## quota per_second(") {
                // "## quota per_second(R), burst B (…)"
                let rate: u64 = header.split(')').next().unwrap().parse().unwrap();
                let burst: u64 = header.split("burst ").nth(1).unwrap().split_whitespace().next().unwrap().parse().unwrap();
                gcra = Some(Gcra::new(Limits { limit: rate, window: 1_000_000, burst }));
                continue;
            }
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split_whitespace().collect();
            let (t_ms, n, verdict, wait_ms): (u64, u64, &str, i64) = (f[0].parse().unwrap(), f[1].parse().unwrap(), f[2], f[3].parse().unwrap());
            let g = gcra.as_mut().unwrap();
            let a = g.throttle(t_ms * 1000, n);
            match verdict {
                "allow" => assert!(!a.limited, "{line}"),
                "deny" => {
                    assert!(a.limited, "{line}");
                    assert_eq!(a.retry_after.map(|w| w as i64 / 1000), Some(wait_ms), "{line}");
                }
                "deny-insufficient-capacity" => {
                    assert!(a.limited && a.retry_after.is_none(), "{line}: can never be allowed");
                }
                other => panic!("unknown verdict {other}"),
            }
            checked += 1;
        }
        assert_eq!(checked, 32);
    }
}
