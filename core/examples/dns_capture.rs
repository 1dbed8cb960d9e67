//! Writes the DNS lab's capture of each built-in scenario, for `tests/dns_wireshark.py`:
//! `<id>.pcap`, and `<id>.json` with, for each packet, its protocol and, for each DNS message
//! it carries, the ID and whether it is a response.
use std::path::PathBuf;
use wirelab_core::dns::resolve::Wire;
use wirelab_core::dns::scenario;
use wirelab_core::dns::wire::decode;

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).expect("usage: dns_capture <folder>"));
    std::fs::create_dir_all(&dir).expect("the folder can be made");
    for (id, _, s) in scenario::presets() {
        let run = scenario::run(&s);
        std::fs::write(dir.join(format!("{id}.pcap")), run.capture()).expect("written");
        let packets: Vec<serde_json::Value> = run
            .packets
            .iter()
            .map(|p| match &p.wire {
                Wire::Udp { payload, .. } => {
                    let m = decode(payload).expect("the lab's messages decode");
                    serde_json::json!({ "udp": true, "id": m.header.id, "response": m.header.qr })
                }
                // A segment's DNS message follows the TCP header and a two-byte length.
                Wire::Tcp(segment) => {
                    let header = ((segment[12] >> 4) as usize) * 4;
                    let m = segment.get(header + 2..).filter(|d| !d.is_empty()).and_then(|d| decode(d).ok());
                    serde_json::json!({ "udp": false, "id": m.as_ref().map(|m| m.header.id), "response": m.as_ref().map(|m| m.header.qr) })
                }
            })
            .collect();
        std::fs::write(dir.join(format!("{id}.json")), serde_json::json!({ "packets": packets }).to_string()).expect("written");
    }
}
