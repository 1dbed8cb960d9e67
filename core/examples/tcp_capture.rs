//! Writes the TCP lab's capture of each built-in scenario, for `tests/tcp_wireshark.py`:
//! `<id>.pcap`, and `<id>.json` with what the lab says of each captured segment (its label's
//! sequence number, acknowledgment and length, relative to the initial sequence numbers).
use std::path::PathBuf;
use wirelab_core::tcp;
use wirelab_core::trace::StepKind;

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).expect("usage: tcp_capture <folder>"));
    std::fs::create_dir_all(&dir).expect("the folder can be made");
    for (id, _, s) in tcp::presets() {
        let t = tcp::run(&s);
        std::fs::write(dir.join(format!("{id}.pcap")), tcp::capture(&t)).expect("written");
        // The same selection and order as the capture: the client's segments when sent, the
        // server's when they arrived.
        let mut seen: Vec<(u64, serde_json::Value)> = t
            .steps
            .iter()
            .filter(|st| matches!(st.kind, StepKind::Message | StepKind::Lost) && !st.bytes.is_empty() && st.from != st.to)
            .filter_map(|st| {
                let when = if st.from == 0 { Some(st.at.micros()) } else { st.arrives.map(|a| a.micros()) }?;
                let num = |key: &str| st.label.split(' ').find_map(|w| w.strip_prefix(key)).and_then(|v| v.parse::<u64>().ok());
                Some((when, serde_json::json!({ "label": st.label, "seq": num("seq="), "ack": num("ack="), "len": num("len=").unwrap_or(0) })))
            })
            .collect();
        seen.sort_by_key(|p| p.0);
        let packets: Vec<serde_json::Value> = seen.into_iter().map(|p| p.1).collect();
        std::fs::write(dir.join(format!("{id}.json")), serde_json::json!({ "packets": packets }).to_string()).expect("written");
    }
}
