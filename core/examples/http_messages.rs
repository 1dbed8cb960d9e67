//! Every HTTP/1.1 message the labs write (the HTTP, caching and OAuth labs' built-in scenarios),
//! and chunked messages of random sizes, each with what the core's reader makes of it, for the
//! independent check in `tests/http_interop.py` (Python's http.client). One JSON object a line.
//!
//! usage: cargo run -p wirelab-core --example http_messages [random count] [seed]

use serde_json::json;
use wirelab_core::http::wire::{self, Framing};
use wirelab_core::http::Message;
use wirelab_core::rng::SplitMix64;
use wirelab_core::trace::Trace;

fn line(source: &str, bytes: &[u8], head: bool) {
    let p = wire::parse(bytes, head).unwrap_or_else(|e| panic!("{source}: the core cannot read its own message: {e:?}"));
    let framing = match &p.framing {
        Framing::Empty => json!("empty"),
        Framing::Length(n) => json!({"length": n}),
        Framing::Chunked(sizes) => json!({"chunked": sizes}),
        Framing::UntilClose => json!("until-close"),
    };
    println!("{}", json!({
        "source": source,
        "head": head,
        "hex": hex(bytes),
        "start": p.message.start,
        "headers": p.message.headers,
        "body": hex(&p.message.body),
        "framing": framing,
        "consumed": p.consumed,
    }));
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn trace(lab: &str, id: &str, t: &Trace) {
    let mut head = false;
    for (i, st) in t.steps.iter().enumerate().filter(|(_, st)| !st.bytes.is_empty() && st.bytes_label.starts_with("HTTP/1.1")) {
        // A response answers HEAD when the last request was one.
        let is_request = !st.bytes.starts_with(b"HTTP/");
        if is_request {
            head = st.bytes.starts_with(b"HEAD ");
        }
        line(&format!("{lab}/{id} step {}", i + 1), &st.bytes, !is_request && head);
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(300);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(9112);
    for (id, _, s) in wirelab_core::http::scenario::presets() {
        trace("http", id, &wirelab_core::http::run::run(&s));
    }
    for (id, _, s) in wirelab_core::cache::scenario::presets() {
        trace("cache", id, &wirelab_core::cache::run(&s).trace);
    }
    for (id, _, s) in wirelab_core::oauth::scenario::presets() {
        trace("oauth", id, &wirelab_core::oauth::run(&s));
    }
    let mut rng = SplitMix64::new(seed);
    for i in 0..count {
        let len = (rng.next_u64() % 400) as usize;
        let content: Vec<u8> = (0..len).map(|_| (rng.next_u64() % 256) as u8).collect();
        let size = 1 + (rng.next_u64() % 64) as usize;
        let status = [200u16, 201, 404, 500][(rng.next_u64() % 4) as usize];
        let m = if rng.next_u64() % 2 == 0 {
            Message::response(status, wirelab_core::http::reason(status)).header("Cache-Control", "no-store").chunked("application/octet-stream", &content, size)
        } else {
            Message::request("POST", &format!("/upload/{i}?part=1")).header("Host", "api.example").chunked("application/octet-stream", &content, size)
        };
        line(&format!("random chunked {i}"), &m.bytes(), false);
    }
}
