//! The rate limiter lab's page (`ratelimit/`): the shell and the rate limiter lab, nothing of
//! the other labs.
use leptos::prelude::*;
use wasm_bindgen::prelude::wasm_bindgen;
use wirelab::labs::ratelimit::{bench, RateLimitLab};

fn main() {
    console_error_panic_hook::set_once();
    wirelab::start(wirelab::Page::lab(&wirelab_core::labs::RATELIMIT, |location, notices, embed| view! { <RateLimitLab location=location notices=notices embed=embed /> }.into_any()));
}

/// For the benchmark command: see [`bench::run_model`].
#[wasm_bindgen]
pub fn bench_ratelimit(model: usize, requests: u32) -> f64 {
    bench::run_model(model, requests)
}
