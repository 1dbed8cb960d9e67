//! Writes the fuzz targets' starting corpora (`scripts/fuzz.sh` runs it): every built-in
//! scenario as a link in both forms and as JSON, the JWT presets' tokens and the test keys, the
//! DNS runs' messages, the example zones, and the rate limiter's traffic text.
//! Usage: cargo run -p wirelab-core --example fuzz_seeds -- <corpus folder>

use std::path::{Path, PathBuf};
use wirelab_core::permalink::{self, LinkOptions};
use wirelab_core::scenario::{self, Scenario};
use wirelab_core::{dns, jwt, oauth, ratelimit, tcp, tls};

fn write(root: &Path, target: &str, name: &str, bytes: &[u8]) {
    let dir = root.join(target);
    std::fs::create_dir_all(&dir).expect("the corpus folder can be made");
    std::fs::write(dir.join(format!("seed-{name}")), bytes).expect("a seed can be written");
}

fn lab<S: Scenario>(root: &Path, presets: Vec<(&str, &str, S)>) {
    for (id, _, s) in presets {
        for plain in [false, true] {
            let link = permalink::link(&s, 0, LinkOptions { include_secrets: true, plain, embed: false });
            write(root, "links", &format!("{}-{id}-{}", S::LAB, if plain { "s" } else { "z" }), link.as_bytes());
        }
        write(root, "scenario_json", &format!("{}-{id}", S::LAB), scenario::to_json(&s, true).as_bytes());
    }
}

fn main() {
    let root = PathBuf::from(std::env::args().nth(1).expect("usage: fuzz_seeds <corpus folder>"));
    lab(&root, tcp::presets());
    lab(&root, dns::scenario::presets());
    lab(&root, jwt::scenario::presets());
    lab(&root, ratelimit::scenario::presets());
    lab(&root, tls::presets());
    lab(&root, oauth::scenario::presets());
    lab(&root, wirelab_core::cache::scenario::presets());
    lab(&root, wirelab_core::http::scenario::presets());
    lab(&root, wirelab_core::cookies::scenario::presets());
    // Cookies: the http-state suite's Set-Cookie lines and dates, each with an address.
    let suite: serde_json::Value = serde_json::from_str(include_str!("../tests/vectors/tough-cookie_ietf_parser.json")).expect("the suite reads");
    for case in suite.as_array().into_iter().flatten() {
        let test = case["test"].as_str().unwrap_or("case");
        for (i, line) in case["received"].as_array().into_iter().flatten().enumerate() {
            let line = line.as_str().unwrap_or("");
            write(&root, "cookies", &format!("{test}-{i}"), format!("\u{1}{line}\u{1f}home.example.org/cookie-parser\u{1f}").as_bytes());
        }
    }
    let dates: serde_json::Value = serde_json::from_str(include_str!("../tests/vectors/tough-cookie_ietf_dates.json")).expect("the dates read");
    for (i, case) in dates["examples"].as_array().into_iter().chain(dates["bsd_examples"].as_array()).flatten().enumerate() {
        write(&root, "cookies", &format!("date-{i}"), format!("\u{0}a=b\u{1f}www.example.com/\u{1f}{}", case["test"].as_str().unwrap_or("")).as_bytes());
    }
    write(&root, "cookies", "host", "\u{0}__Host-sid=1; Secure; Path=/; SameSite=None; Partitioned; HttpOnly\u{1f}app.example:8443/a/b?x\u{1f}".as_bytes());
    write(&root, "cookies", "domain", "\u{2}id=1; Domain=.Example.COM; Max-Age=-1; Expires=Wed, 01 Dec 2027 10:00:00 GMT; Max-Age=60\u{1f}www.example.com\u{1f}".as_bytes());
    for (id, _, s) in oauth::scenario::presets() {
        write(&root, "oauth_uri", id, s.redirect_uri.as_bytes());
    }
    write(&root, "oauth_uri", "traversal", b"https://app.example.com/callback/../open?to=https://evil.example/collect");
    write(&root, "oauth_uri", "port", b"http://127.0.0.1:8400/cb?x=1");
    let cache_seeds: [(&str, &str); 4] = [
        ("asset", "\u{1}public, max-age=31536000, immutable\u{1f}Accept-Encoding: gzip\u{1f}Date: Sun, 06 Nov 1994 08:49:37 GMT\nETag: \"v1\"\nVary: Accept-Encoding\u{1f}ETag: \"v1\"\nCache-Control: max-age=60\u{1f}784111777,784111778,784111900,784112000,784112001"),
        ("html", "\u{0}no-cache\u{1f}Cache-Control: max-stale=30\u{1f}Last-Modified: Sunday, 06-Nov-94 08:49:37 GMT\nAge: 12\u{1f}\u{1f}0,1,500"),
        ("quoted", "\u{3}no-cache=\"Set-Cookie, X-A\", s-maxage=\"30\", stale-while-revalidate=10\u{1f}Authorization: Bearer x\u{1f}Expires: Sun Nov  6 08:49:37 1994\u{1f}\u{1f}5,5,100"),
        ("date", "\u{21}Sun, 06 Nov 1994 08:49:37 GMT"),
    ];
    for (id, text) in cache_seeds {
        write(&root, "cache_headers", id, text.as_bytes());
    }
    let cors_seeds: [(&str, &str); 4] = [
        ("simple", "\u{0}GET\u{1f}Accept: application/json\u{1f}\u{1f}Access-Control-Allow-Origin: *\u{1f}https://api.example/items"),
        ("put", "\u{6}PUT\u{1f}Content-Type: application/json\nX-Api-Key: k\u{1f}Access-Control-Allow-Origin: https://app.example\nAccess-Control-Allow-Methods: PUT\nAccess-Control-Allow-Headers: content-type, x-api-key\nAccess-Control-Max-Age: 600\u{1f}Access-Control-Allow-Origin: https://app.example\nAccess-Control-Expose-Headers: *\u{1f}https://api.example:8443/items/7?x=1"),
        ("credentials", "\u{2}patch\u{1f}Authorization: Bearer t\nCookie: a=1\u{1f}Access-Control-Allow-Origin: https://app.example\nAccess-Control-Allow-Credentials: true\nAccess-Control-Allow-Methods: *\nAccess-Control-Allow-Headers: *\u{1f}Access-Control-Allow-Origin: *\u{1f}"),
        ("redirect", "\u{c}DELETE\u{1f}Range: bytes=-5\u{1f}Location: https://api.example/x/\u{1f}\u{1f}https://app.example/same"),
    ];
    for (id, text) in cors_seeds {
        write(&root, "cors", id, text.as_bytes());
    }
    for (id, _, s) in wirelab_core::http::scenario::presets() {
        for (i, step) in wirelab_core::http::run::run(&s).steps.iter().filter(|st| !st.bytes.is_empty()).enumerate().take(6) {
            write(&root, "http_wire", &format!("{id}-{i}"), &[[0u8].as_slice(), &step.bytes].concat());
        }
    }
    let chunked = wirelab_core::http::Message::response(200, "OK").chunked("text/plain", b"hello, chunked world", 7).bytes();
    write(&root, "http_wire", "chunked", &[[0u8].as_slice(), &chunked].concat());
    for (id, _, s) in jwt::scenario::presets() {
        write(&root, "jwt_token", id, s.token.as_bytes());
        write(&root, "jwt_token", &format!("{id}-bearer"), format!("Authorization: Bearer {}", s.token).as_bytes());
        write(&root, "jwt_keys", id, s.public_key.as_bytes());
    }
    let pems = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/pem");
    for entry in std::fs::read_dir(pems).expect("the test keys are there").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        write(&root, "jwt_keys", &name, &std::fs::read(entry.path()).expect("a test key reads"));
    }
    for (id, _, s) in dns::scenario::presets() {
        for (i, step) in dns::scenario::run(&s).trace.steps.iter().enumerate().filter(|(_, st)| !st.bytes.is_empty()).take(12) {
            write(&root, "dns_wire", &format!("{id}-{i}"), &step.bytes);
        }
    }
    for (origin, text) in dns::world::ZONES {
        write(&root, "dns_zonefile", origin, text.as_bytes());
    }
    for (id, _, s) in ratelimit::scenario::presets() {
        let form = ratelimit::scenario::RateForm::from(&s);
        for (i, c) in form.clients.iter().enumerate() {
            write(&root, "ratelimit_text", &format!("{id}-{i}"), c.patterns.as_bytes());
        }
    }
    let tcp = tcp::scenario::TcpForm::from(&tcp::scenario::TcpScenario::default());
    let fields = [&tcp.seed, &tcp.client_isn, &tcp.server_isn, &tcp.rtt_ms, &tcp.mss, &tcp.initial_window, &tcp.client_bytes, &tcp.server_bytes, &tcp.lose, &tcp.msl_ms, &tcp.client_port, &tcp.server_port];
    let joined = fields.iter().map(|f| f.as_str()).collect::<Vec<_>>().join("\u{1f}");
    for lab in 0..4u8 {
        write(&root, "forms", &format!("defaults-{lab}"), &[&[lab], joined.as_bytes()].concat());
    }
    // The cookies lab's form: a flags field, then the events (first byte 8 picks the lab).
    for (id, _, s) in wirelab_core::cookies::scenario::presets() {
        write(&root, "forms", &format!("cookies-{id}"), format!("\u{8}x\u{1f}{}", s.jar.events).as_bytes());
    }
    for (id, _, s) in tls::presets().into_iter().filter(|p| p.2.identity == tls::scenario::Identity::Lab) {
        for (i, der) in tls::run::lab_chain(&s).chain.iter().enumerate() {
            write(&root, "x509", &format!("{id}-{i}"), der);
        }
        // The CA's CRL and OCSP answers, and a client's OCSP request, read by the same target.
        if s.revocation != tls::scenario::Method::None {
            let lab = tls::run::lab_chain(&s);
            let answers = tls::run::ca_answers(&s, &lab);
            write(&root, "x509", &format!("{id}-crl"), &answers.crl);
            for (serial, der) in &answers.ocsp {
                write(&root, "x509", &format!("{id}-ocsp-{}", serial.len()), der);
            }
            if let (Some(leaf), Ok(issuer)) = (lab.chain.first().and_then(|d| tls::x509::parse(d).ok()), tls::x509::parse(&lab.issuing.0)) {
                write(&root, "x509", &format!("{id}-ocsp-request"), &tls::revocation::ocsp_request(&tls::revocation::CertId::of(&leaf, &issuer)));
            }
        }
    }
    for (id, _, s) in tls::presets() {
        let f = tls::scenario::TlsForm::from(&s);
        let fields = [&f.seed, &f.rtt_ms, &f.client_random, &f.server_random, &f.client_key, &f.server_key, &f.client_suites, &f.server_suites, &f.client_groups, &f.key_shares, &f.server_groups, &f.signature_algorithms, &f.server_name, &f.client_alpn, &f.server_alpn, &f.request, &f.response];
        let joined = fields.iter().map(|f| f.as_str()).collect::<Vec<_>>().join("\u{1f}");
        write(&root, "forms", &format!("tls-{id}"), &[&[4u8], joined.as_bytes()].concat());
    }
}
