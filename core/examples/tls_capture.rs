//! Writes each TLS built-in scenario's capture and key log, for the Wireshark check
//! (tests/tls_wireshark.py): <folder>/<id>.pcap, <id>.keys, and <id>.json (what each side sent).
//! Usage: cargo run -p wirelab-core --example tls_capture -- <folder>

use std::path::PathBuf;
use wirelab_core::tls::{self, scenario};

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).expect("usage: tls_capture <folder>"));
    std::fs::create_dir_all(&dir).expect("the folder can be made");
    for (id, _, s) in tls::presets() {
        let run = tls::run(&s);
        std::fs::write(dir.join(format!("{id}.pcap")), &run.capture).expect("written");
        std::fs::write(dir.join(format!("{id}.keys")), &run.keylog).expect("written");
        let hex = |b: Vec<u8>| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        let (client, server, data) = tls::run::configs(&s);
        let hs = tls::handshake(&client, &server, &data).ok();
        let lab = (s.identity == scenario::Identity::Lab).then(|| tls::run::lab_chain(&s));
        let sent = serde_json::json!({
            "refused": hs.as_ref().and_then(|h| h.refusal).map(|r| r.alert().0),
            "chain": lab.as_ref().map(|l| l.chain.iter().map(|c| hex(c.clone())).collect::<Vec<_>>()),
            "trusted": lab.as_ref().map(|l| l.trusted.iter().map(|c| hex(c.clone())).collect::<Vec<_>>()),
            "host": if s.server_name.is_empty() { "example.com".to_string() } else { s.server_name.clone() },
            "now": s.now,
            "handshake": !run.keylog.is_empty(),
            "resumed": hs.as_ref().is_some_and(|h| h.resumed),
            "early": hex(client.resumption.as_ref().and_then(|r| r.early_data.clone()).unwrap_or_default()),
            "request": hex(scenario::data(&s.request).unwrap_or_default()),
            "response": hex(scenario::data(&s.response).unwrap_or_default()),
            "suite": run.suite,
            "records": run.trace.steps.iter().filter(|st| st.bytes_label.starts_with("TLS record") && st.from < 2 && st.to < 2).count(),
        });
        std::fs::write(dir.join(format!("{id}.json")), sent.to_string()).expect("written");
    }
}
