//! What the benchmark command measures in this lab's wasm. The lab's binary exports these
//! to the page (`window.wasmBindings`); no other page carries them.

/// Measurement hook for the benchmark command: encodes (`decode` false) or decodes (`decode`
/// true) the cold lookup's authoritative answer `messages` times in this page's wasm, and
/// returns the milliseconds it took.
pub fn wire(decode: bool, messages: u32) -> f64 {
    use wirelab_core::dns::wire;
    let run = wirelab_core::dns::scenario::run(&Default::default());
    let Some(bytes) = run.trace.steps.iter().find(|s| s.label.starts_with("answer (AA)")).map(|s| s.bytes.clone()) else { return -1.0 };
    let Ok(message) = wire::decode(&bytes) else { return -1.0 };
    let clock = crate::browser::now_ms;
    let mut observed = 0usize;
    let start = clock();
    for _ in 0..messages {
        observed += if decode { wire::decode(&bytes).map(|m| m.answers.len()).unwrap_or(0) } else { wire::encode(&message, true).bytes.len() };
    }
    let elapsed = clock() - start;
    // Keep the work observable so it cannot be optimised away.
    if observed == usize::MAX {
        return -1.0;
    }
    elapsed
}
