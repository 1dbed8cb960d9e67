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
        let connection = tls::connect(&client, &server, &data).ok();
        let (refused, resumed, version, rsa_auth, kex_signed) = match &connection {
            Some(tls::Connection::Tls13(h)) => (h.refusal.map(|r| r.alert().0), h.resumed, "1.3", false, false),
            Some(tls::Connection::Tls12(h)) => (h.refusal.map(|r| r.alert().0), false, "1.2", h.suite.auth == tls::tls12::Auth::Rsa, h.scheme.is_some()),
            None => (None, false, "", false, false),
        };
        let lab = (s.identity == scenario::Identity::Lab).then(|| tls::run::lab_chain(&s));
        // The chain the server sent: its RSA one for TLS 1.2's RSA suites.
        let chain = lab.as_ref().map(|l| if rsa_auth { l.rsa.as_ref().map(|r| r.0.clone()).unwrap_or_default() } else { l.chain.clone() });
        // The CA's answers and the client's OCSP request, for the cryptography package to read.
        let answers = lab.as_ref().filter(|_| s.revocation != scenario::Method::None).map(|l| tls::run::ca_answers(&s, l));
        let request = lab.as_ref().and_then(|l| {
            let leaf = tls::x509::parse(l.chain.first()?).ok()?;
            let issuer = tls::x509::parse(&l.issuing.0).ok()?;
            Some(hex(tls::revocation::ocsp_request(&tls::revocation::CertId::of(&leaf, &issuer))))
        });
        let staple = match &connection {
            Some(tls::Connection::Tls13(h)) => h.staple.clone(),
            Some(tls::Connection::Tls12(h)) => h.staple.clone(),
            None => None,
        };
        let chain_refused = match &connection {
            Some(tls::Connection::Tls13(h)) if h.revocation_checks.is_empty() => h.refusal.map(|r| r.alert().0),
            Some(tls::Connection::Tls12(h)) if h.revocation_checks.is_empty() => h.refusal.map(|r| r.alert().0),
            _ => None,
        };
        let sent = serde_json::json!({
            "chain_refused": chain_refused,
            "revocation": answers.map(|a| serde_json::json!({
                "method": format!("{:?}", s.revocation).to_lowercase(),
                "revoked": s.revoked,
                "crl": hex(a.crl),
                "ocsp": a.ocsp.into_iter().map(|(_, d)| hex(d)).collect::<Vec<_>>(),
                "request": request,
                "issuer": lab.as_ref().map(|l| hex(l.issuing.0.clone())),
            })),
            "staple": staple.map(hex),
            "version": version,
            "server_key_exchange": kex_signed,
            "refused": refused,
            "chain": chain.map(|c| c.iter().map(|c| hex(c.clone())).collect::<Vec<_>>()),
            "trusted": lab.as_ref().map(|l| l.trusted.iter().map(|c| hex(c.clone())).collect::<Vec<_>>()),
            "host": if s.server_name.is_empty() { "example.com".to_string() } else { s.server_name.clone() },
            "now": s.now,
            "handshake": !run.keylog.is_empty(),
            "resumed": resumed,
            "early": hex(client.resumption.as_ref().and_then(|r| r.early_data.clone()).unwrap_or_default()),
            "request": hex(scenario::data(&s.request).unwrap_or_default()),
            "response": hex(scenario::data(&s.response).unwrap_or_default()),
            "suite": run.suite,
            "records": run.trace.steps.iter().filter(|st| st.bytes_label.starts_with("TLS record") && st.from < 2 && st.to < 2).count(),
        });
        std::fs::write(dir.join(format!("{id}.json")), sent.to_string()).expect("written");
    }
}
