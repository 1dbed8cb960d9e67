//! The DNS lab's page (`dns/`): the shell and the DNS lab, nothing of the other labs.
use leptos::prelude::*;
use wasm_bindgen::prelude::wasm_bindgen;
use wirelab::labs::dns::{bench, DnsLab};

fn main() {
    console_error_panic_hook::set_once();
    wirelab::start(wirelab::Page::lab(&wirelab_core::labs::DNS, |location, notices, embed| view! { <DnsLab location=location notices=notices embed=embed /> }.into_any()));
}

/// For the benchmark command: see [`bench::wire`].
#[wasm_bindgen]
pub fn bench_dns_wire(decode: bool, messages: u32) -> f64 {
    bench::wire(decode, messages)
}
