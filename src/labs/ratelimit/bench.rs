//! What the benchmark command measures in this lab's wasm. The lab's binary exports these
//! to the page (`window.wasmBindings`); no other page carries them.

/// Measurement hook for the benchmark command: runs one
/// rate-limiting model over `requests` evenly spaced requests, 1 ms apart, in this page's wasm,
/// and returns the milliseconds it took.
pub fn run_model(model: usize, requests: u32) -> f64 {
    use wirelab_core::ratelimit::{algorithms::Algorithm, Client, Pattern, RateScenario};
    let Some(&algorithm) = Algorithm::ALL.get(model) else { return -1.0 };
    let scenario = RateScenario {
        limit: 800,
        window_ms: 1000,
        burst: 100,
        duration_ms: requests as u64,
        clients: vec![Client { patterns: vec![Pattern::Steady { start_ms: 0, every_ms: 1, count: requests as u64 }], ..Client::default() }],
        algorithms: vec![algorithm],
        ..RateScenario::default()
    };
    let clock = crate::browser::now_ms;
    let start = clock();
    let report = wirelab_core::ratelimit::run(&scenario);
    let elapsed = clock() - start;
    // Keep the work observable so it cannot be optimised away.
    if report.runs[0].stats.allowed == u64::MAX {
        return -1.0;
    }
    elapsed
}
