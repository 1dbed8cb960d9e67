//! Prints every DNS message of every built-in DNS scenario as JSON lines, for
//! `tests/dns_interop.py` to check against dnspython. The bytes are taken from each run's
//! exported trace JSON (what a person downloads); beside them is what Wirelab's own decoder
//! reads in them. A message carried over TCP is printed as the whole segment, for the checker
//! to unwrap itself; handshake segments without a DNS message are left out.

use wirelab_core::dns::resolve::tcp_dns;
use wirelab_core::dns::scenario::{presets, run};
use wirelab_core::dns::wire::{decode, presentation, rtype, Message, Record};
use wirelab_core::trace::{hex_bytes, Trace};

fn main() {
    for (id, _, scenario) in presets() {
        let exported = run(&scenario).trace.to_json();
        let trace: Trace = match serde_json::from_str(&exported) {
            Ok(t) => t,
            Err(e) => {
                println!("{}", serde_json::json!({ "run": id, "step": 0, "error": format!("the exported trace does not read back: {e}") }));
                continue;
            }
        };
        for (i, step) in trace.steps.iter().enumerate().filter(|(_, s)| !s.bytes.is_empty()) {
            let over_tcp = step.bytes_label.starts_with("TCP");
            if over_tcp && !step.bytes_label.contains("carrying a DNS message") {
                continue;
            }
            let decoded: Option<Message> = if over_tcp { tcp_dns(&step.bytes) } else { decode(&step.bytes).ok() };
            let Some(m) = decoded else {
                println!("{}", serde_json::json!({ "run": id, "step": i + 1, "error": "Wirelab cannot decode its own message" }));
                continue;
            };
            let records = |rs: &[Record]| -> Vec<serde_json::Value> {
                rs.iter().map(|r| serde_json::json!({ "name": r.name.to_string(), "type": rtype::name(r.rtype), "ttl": r.ttl, "rdata": presentation(&r.data) })).collect()
            };
            let h = m.header;
            println!(
                "{}",
                serde_json::json!({
                    "run": id,
                    "step": i + 1,
                    "transport": if over_tcp { "tcp" } else { "udp" },
                    "hex": hex_bytes::encode(&step.bytes),
                    "id": h.id,
                    "qr": h.qr, "aa": h.aa, "tc": h.tc, "rd": h.rd, "ra": h.ra, "ad": h.z & 0b010 != 0, "rcode": h.rcode,
                    "edns": m.additional.iter().any(|r| r.rtype == rtype::OPT),
                    "do": m.additional.iter().any(|r| r.rtype == rtype::OPT && r.ttl & 0x8000 != 0),
                    "question": m.questions.iter().map(|q| serde_json::json!({ "name": q.name.to_string(), "type": rtype::name(q.qtype) })).collect::<Vec<_>>(),
                    "answer": records(&m.answers),
                    "authority": records(&m.authority),
                    "additional": records(&m.additional),
                })
            );
        }
    }
}
