//! The JWT lab's page (`jwt/`): the shell and the JWT lab with its cryptography, nothing of the
//! other labs.
use leptos::prelude::*;
use wasm_bindgen::prelude::wasm_bindgen;
use wirelab::labs::jwt::{bench, JwtLab};

fn main() {
    console_error_panic_hook::set_once();
    wirelab::start(wirelab::Page::lab(&wirelab_core::labs::JWT, |location, notices, embed| view! { <JwtLab location=location notices=notices embed=embed /> }.into_any()));
}

/// For the benchmark command: see [`bench::jwt_operations`].
#[wasm_bindgen]
pub fn bench_jwt(op: u32, n: u32) -> f64 {
    bench::jwt_operations(op, n)
}
