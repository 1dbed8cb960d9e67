//! Prints one of the HTTP lab's built-in scenarios as text (a quick look while editing).
//!
//! usage: cargo run -p wirelab-core --example http_trace [preset]
fn main() {
    let id = std::env::args().nth(1).unwrap_or_else(|| "preflight".into());
    let (_, _, s) = wirelab_core::http::scenario::presets().into_iter().find(|p| p.0 == id).expect("a preset id");
    print!("{}", wirelab_core::http::run::run(&s).to_text());
}
