//! The benchmark's figure for the caching lab's application models: 100,000 requests (90,000
//! reads, 10,000 writes) through each strategy, eviction policy and stampede defence, natively
//! (five times a scenario's limit, straight through the model).
//!
//! usage: cargo run --release -p wirelab-core --example cache_bench

use std::time::Instant;
use wirelab_core::cache::app::{self, AppScenario, Eviction, Stampede, Strategy};
use wirelab_core::ratelimit::scenario::Pattern;

fn main() {
    let base = AppScenario {
        keys: 5000,
        capacity: 1000,
        reads: vec![Pattern::Steady { start_ms: 0, every_ms: 1, count: 90_000 }],
        writes: vec![Pattern::Steady { start_ms: 0, every_ms: 9, count: 10_000 }],
        duration_ms: 90_000,
        ..AppScenario::default()
    };
    println!("model | requests | time (ms) | hit ratio");
    let mut cases: Vec<(String, AppScenario)> = Strategy::ALL.iter().map(|s| (format!("{} (LRU)", s.name()), AppScenario { strategy: *s, ..base.clone() })).collect();
    cases.push(("cache-aside (LFU)".into(), AppScenario { eviction: Eviction::Lfu, ..base.clone() }));
    cases.push(("cache-aside (TTL only)".into(), AppScenario { eviction: Eviction::Ttl, ..base.clone() }));
    cases.push(("cache-aside, coalescing".into(), AppScenario { stampede: Stampede::Coalesce, ..base.clone() }));
    cases.push(("cache-aside, early expiration".into(), AppScenario { stampede: Stampede::EarlyExpiration, ..base.clone() }));
    for (name, s) in cases {
        // Past a scenario's request limit on purpose: the model itself, as the rate limiter's
        // million requests are.
        let t = Instant::now();
        let r = app::run(&s);
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        println!("{name} | {} | {ms:.1} | {:.1}%", r.requests.len(), r.hits as f64 * 100.0 / r.reads.max(1) as f64);
    }
}
