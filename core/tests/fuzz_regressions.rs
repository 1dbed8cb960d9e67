//! Every input the fuzzer once found failing (`fuzz/regressions/<target>/`, kept by
//! `scripts/fuzz.sh`) runs again through the same checks, and so does every built-in scenario,
//! so the checks themselves stay true on real inputs.

use std::path::Path;
use wirelab_core::fuzzing;
use wirelab_core::permalink::{self, LinkOptions};
use wirelab_core::scenario::{self, Scenario};
use wirelab_core::{dns, jwt, ratelimit, tcp};

/// A target and its check.
type Target = (&'static str, fn(&[u8]));

const TARGETS: [Target; 14] = [
    ("links", fuzzing::links),
    ("scenario_json", fuzzing::scenario_json),
    ("jwt_token", fuzzing::jwt_token),
    ("jwt_keys", fuzzing::jwt_keys),
    ("dns_wire", fuzzing::dns_wire),
    ("dns_zonefile", fuzzing::dns_zonefile),
    ("ratelimit_text", fuzzing::ratelimit_text),
    ("forms", fuzzing::forms),
    ("x509", fuzzing::x509),
    ("oauth_uri", fuzzing::oauth_uri),
    ("cache_headers", fuzzing::cache_headers),
    ("cors", fuzzing::cors),
    ("http_wire", fuzzing::http_wire),
    ("cookies", fuzzing::cookies),
];

#[test]
fn every_input_the_fuzzer_found_runs_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions");
    let mut ran = 0;
    for (target, check) in TARGETS {
        let Ok(entries) = std::fs::read_dir(root.join(target)) else { continue };
        for entry in entries.flatten() {
            let data = std::fs::read(entry.path()).unwrap();
            check(&data);
            ran += 1;
        }
    }
    eprintln!("{ran} regression inputs");
}

fn lab<S: Scenario>(presets: Vec<(&str, &str, S)>) {
    for (_, _, s) in presets {
        for plain in [false, true] {
            fuzzing::links(permalink::link(&s, 0, LinkOptions { include_secrets: true, plain, embed: false }).as_bytes());
        }
        fuzzing::scenario_json(scenario::to_json(&s, true).as_bytes());
    }
}

#[test]
fn the_fuzz_checks_hold_on_every_built_in_scenario() {
    lab(tcp::presets());
    lab(dns::scenario::presets());
    lab(jwt::scenario::presets());
    lab(ratelimit::scenario::presets());
    lab(wirelab_core::tls::presets());
    lab(wirelab_core::oauth::scenario::presets());
    lab(wirelab_core::cache::scenario::presets());
    lab(wirelab_core::http::scenario::presets());
    lab(wirelab_core::cookies::scenario::presets());
    for (_, _, s) in wirelab_core::cookies::scenario::presets() {
        for line in wirelab_core::cookies::scenario::parse_events(&s.jar.events).unwrap() {
            if let wirelab_core::cookies::scenario::Event::Request { url, set_cookies, .. } = line.event {
                for c in set_cookies {
                    for flags in 0..16u8 {
                        fuzzing::cookies(&[[flags].as_slice(), format!("{c}\u{1f}{}{}\u{1f}{c}", url.host, url.path).as_bytes()].concat());
                    }
                }
            }
        }
    }
    let suite: serde_json::Value = serde_json::from_str(include_str!("vectors/tough-cookie_ietf_parser.json")).unwrap();
    for line in suite.as_array().unwrap().iter().flat_map(|c| c["received"].as_array().unwrap()) {
        fuzzing::cookies(format!("\u{1}{}\u{1f}home.example.org/cookie-parser\u{1f}", line.as_str().unwrap()).as_bytes());
    }
    for (_, _, s) in wirelab_core::http::scenario::presets() {
        for step in wirelab_core::http::run::run(&s).steps.iter().filter(|st| !st.bytes.is_empty()) {
            fuzzing::http_wire(&[[0u8].as_slice(), &step.bytes].concat());
        }
    }
    for (_, _, s) in wirelab_core::oauth::scenario::presets() {
        fuzzing::oauth_uri(s.redirect_uri.as_bytes());
        for uri in &s.redirect_uris {
            fuzzing::oauth_uri(uri.as_bytes());
        }
    }
    for (_, _, s) in jwt::scenario::presets() {
        fuzzing::jwt_token(s.token.as_bytes());
        fuzzing::jwt_keys(s.public_key.as_bytes());
    }
    for (_, _, s) in dns::scenario::presets() {
        for step in dns::scenario::run(&s).trace.steps.iter().filter(|st| !st.bytes.is_empty()) {
            fuzzing::dns_wire(&step.bytes);
        }
    }
    for (_, text) in dns::world::ZONES {
        fuzzing::dns_zonefile(text.as_bytes());
    }
    for (_, _, s) in wirelab_core::tls::presets() {
        for der in wirelab_core::tls::run::lab_chain(&s).chain {
            fuzzing::x509(&der);
            fuzzing::x509(&der[..der.len() / 2]);
        }
    }
    fuzzing::forms(b"");
    for lab in 0..9u8 {
        fuzzing::forms(&[&[lab], "1\u{1f}x\u{1f}\u{1f}99999999999999999999".as_bytes()].concat());
        fuzzing::forms(&[lab]);
    }
}

#[test]
fn the_cache_check_holds_on_ordinary_headers() {
    fuzzing::cache_headers(b"\x01public, max-age=60, stale-while-revalidate=30\x1fAccept-Encoding: gzip\x1fDate: Sun, 06 Nov 1994 08:49:37 GMT\nVary: Accept-Encoding\nETag: \"v1\"\x1fETag: \"v1\"\nCache-Control: max-age=120\nContent-Length: 0\x1f784111777,784111777,784111800,784111900,784111901");
    fuzzing::cache_headers(b"\x00no-cache=\"Set-Cookie, X-A\", max-age=\"5\"\x1fPragma: no-cache\x1fLast-Modified: Sunday, 06-Nov-94 08:49:37 GMT\x1f\x1f0,0,10");
    fuzzing::cors(b"\x06PUT\x1fContent-Type: application/json\nX-Api-Key: k\nCookie: a=1\x1fAccess-Control-Allow-Origin: https://app.example\nAccess-Control-Allow-Methods: PUT\nAccess-Control-Allow-Headers: content-type, x-api-key\x1fAccess-Control-Allow-Origin: https://app.example\nAccess-Control-Expose-Headers: *\x1fhttps://api.example:8443/items/7");
    fuzzing::cors(b"\x02patch\x1fAuthorization: Bearer t\x1fAccess-Control-Allow-Origin: *\nAccess-Control-Allow-Methods: *\x1f\x1fhttp://");
}
