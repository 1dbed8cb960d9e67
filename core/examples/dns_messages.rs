//! Prints every DNS message of the DNS lab's built-in runs as JSON lines, with what Wirelab's
//! own decoder reads in them, for `tests/dns_interop.py` to check against dnspython.

use wirelab_core::dns::resolve::{run, showcase, ttl_example};
use wirelab_core::dns::wire::{decode, presentation, rtype};
use wirelab_core::dns::world::example_world;
use wirelab_core::trace::hex_bytes;

fn main() {
    let world = example_world();
    for (name, setup) in [("ttl-example", ttl_example()), ("showcase", showcase())] {
        let trace = run(&setup, &world);
        for (i, step) in trace.steps.iter().enumerate().filter(|(_, s)| !s.bytes.is_empty()) {
            let Ok(m) = decode(&step.bytes) else {
                println!("{}", serde_json::json!({ "run": name, "step": i + 1, "error": "Wirelab cannot decode its own message" }));
                continue;
            };
            let records = |rs: &[wirelab_core::dns::wire::Record]| -> Vec<serde_json::Value> {
                rs.iter().map(|r| serde_json::json!({ "name": r.name.to_string(), "type": rtype::name(r.rtype), "ttl": r.ttl, "rdata": presentation(&r.data) })).collect()
            };
            let h = m.header;
            println!(
                "{}",
                serde_json::json!({
                    "run": name,
                    "step": i + 1,
                    "hex": hex_bytes::encode(&step.bytes),
                    "id": h.id,
                    "qr": h.qr, "aa": h.aa, "tc": h.tc, "rd": h.rd, "ra": h.ra, "rcode": h.rcode,
                    "question": m.questions.iter().map(|q| serde_json::json!({ "name": q.name.to_string(), "type": rtype::name(q.qtype) })).collect::<Vec<_>>(),
                    "answer": records(&m.answers),
                    "authority": records(&m.authority),
                    "additional": records(&m.additional),
                })
            );
        }
    }
}
