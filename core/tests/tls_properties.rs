//! Property tests over the TLS lab: any scenario within its limits runs to a handshake or an
//! alert, links round trip it, every protected record decrypts with the keys the schedule
//! shows, and no text typed into any field panics.

use proptest::prelude::*;
use wirelab_core::permalink::{self, LinkOptions};
use wirelab_core::scenario::Scenario;
use wirelab_core::tls::crypto::Suite;
use wirelab_core::tls::scenario::{Method, TlsForm, TlsScenario};
use wirelab_core::tls::{self, Protection, Side};

const SUITES: [&str; 5] = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA"];
const GROUPS: [&str; 4] = ["x25519", "secp256r1", "secp384r1", "ffdhe2048"];
const SHARES: [&str; 2] = ["x25519", "secp256r1"];
const SCHEMES: [&str; 4] = ["rsa_pss_rsae_sha256", "ecdsa_secp256r1_sha256", "ed25519", "rsa_pkcs1_sha256"];

fn pick(from: &'static [&'static str]) -> impl Strategy<Value = Vec<String>> {
    proptest::sample::subsequence(from, 0..=from.len()).prop_map(|v| v.into_iter().map(String::from).collect())
}

fn scenarios() -> impl Strategy<Value = TlsScenario> {
    (
        (any::<u64>(), 1u32..=10_000, pick(&SUITES), pick(&SUITES[..3]), pick(&GROUPS), pick(&GROUPS)),
        (pick(&SCHEMES), "[a-z0-9.-]{0,20}", proptest::collection::vec("[a-z0-9/.]{1,8}", 0..3), proptest::collection::vec(any::<u8>(), 0..2000), proptest::collection::vec(any::<u8>(), 0..300), any::<bool>()),
    )
        .prop_flat_map(|t| (Just(t), pick(&SHARES)))
        .prop_map(|(((seed, rtt_ms, client_suites, server_suites, mut client_groups, server_groups), (signature_algorithms, server_name, alpn, request, ticket, rfc)), key_shares)| TlsScenario {
            seed,
            rtt_ms,
            client_suites,
            server_suites,
            client_groups: {
                // A key share must be for a group the client supports.
                for g in &key_shares {
                    if !client_groups.contains(g) {
                        client_groups.push(g.clone());
                    }
                }
                client_groups
            },
            key_shares,
            server_groups,
            signature_algorithms,
            server_name,
            client_alpn: alpn.clone(),
            server_alpn: alpn,
            request: format!("hex:{}", request.iter().map(|b| format!("{b:02x}")).collect::<String>()),
            ticket: ticket.iter().map(|b| format!("{b:02x}")).collect(),
            rfc8448_extensions: rfc,
            ..TlsScenario::default()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_scenario_runs_and_its_records_decrypt(s in scenarios()) {
        prop_assert_eq!(s.validate(), vec![]);
        let run = tls::run(&s);
        let alert = run.trace.steps.iter().any(|st| st.label.starts_with("alert: "));
        prop_assert_eq!(alert, run.schedule.is_empty());
        if !alert {
            let (client, server, data) = tls::run::configs(&s);
            let hs = tls::handshake(&client, &server, &data).unwrap();
            prop_assert_eq!(hs.certificate_verify_check.clone(), Some(Ok(())));
            prop_assert!(hs.server_finished_check);
            for r in hs.records.iter().filter(|r| r.protection != Protection::Plaintext) {
                let keys = match (r.from, r.protection) {
                    (Side::Client, Protection::Handshake) => &hs.schedule.client_handshake,
                    (Side::Server, Protection::Handshake) => &hs.schedule.server_handshake,
                    (Side::Client, _) => &hs.schedule.client_application,
                    (Side::Server, _) => &hs.schedule.server_application,
                };
                prop_assert!(r.bytes.len() <= 5 + tls::MAX_FRAGMENT + 1 + Suite::TAG_LEN);
                prop_assert_eq!(tls::unprotect(hs.suite, keys, r.sequence, &r.bytes), Some(r.inner.clone()));
            }
        }
    }

    #[test]
    fn links_round_trip_any_tls_scenario(s in scenarios(), plain: bool) {
        let fragment = permalink::link(&s, 0, LinkOptions { plain, embed: false, include_secrets: true });
        let location = permalink::parse(&fragment).unwrap();
        prop_assert_eq!(permalink::scenario::<TlsScenario>(&location).unwrap(), Some(s));
    }

    #[test]
    fn no_typed_text_panics(field in 0usize..21, resume: bool, text in "\\PC{0,300}") {
        let mut form = TlsForm::from(&TlsScenario::default());
        let all = [
            &mut form.seed, &mut form.rtt_ms, &mut form.client_random, &mut form.server_random, &mut form.client_key, &mut form.server_key,
            &mut form.client_suites, &mut form.server_suites, &mut form.client_groups, &mut form.key_shares, &mut form.server_groups, &mut form.signature_algorithms,
            &mut form.server_name, &mut form.client_alpn, &mut form.server_alpn, &mut form.request, &mut form.response, &mut form.early_data, &mut form.ticket_age_ms,
            &mut form.now, &mut form.responder_rtt_ms,
        ];
        *all.into_iter().nth(field).unwrap() = text;
        form.resume = resume;
        match form.parse() {
            Ok(s) => drop(tls::run(&s)),
            Err(errors) => prop_assert!(!errors.is_empty()),
        }
    }

    /// Whatever the revocation settings, the connection ends as the rules say: refused when the
    /// client checks and learns the certificate is revoked (44), or learns nothing and fails
    /// hard (46); otherwise it goes on. Asking the CA costs two round trips to it, or the 2 s
    /// wait when it does not answer; a staple costs nothing.
    #[test]
    fn revocation_ends_as_the_rules_say(method in 0usize..4, revoked: bool, down: bool, hard_fail: bool, responder_rtt_ms in 1u32..=2000, tls12: bool, seed in 0u64..1000) {
        let method = [Method::None, Method::Crl, Method::Ocsp, Method::Stapled][method];
        let versions = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut s = TlsScenario { revocation: method, revoked, responder_down: down, hard_fail, responder_rtt_ms, seed, ..TlsScenario::default() };
        if tls12 {
            s.client_versions = versions(&["1.2"]);
            s.client_suites = versions(&["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"]);
            s.server_suites = versions(&["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"]);
        }
        prop_assert_eq!(s.validate(), vec![]);
        let checks = method != Method::None;
        let want = match (checks, down, revoked, hard_fail) {
            (false, ..) => None,
            (true, true, _, true) => Some("certificate_unknown"),
            (true, true, _, false) => None,
            (true, false, true, _) => Some("certificate_revoked"),
            (true, false, false, _) => None,
        };
        let t = tls::run(&s).trace;
        let alert = t.steps.iter().find(|st| st.label.contains("alert") && !st.label.contains("close_notify")).map(|st| st.label.clone());
        prop_assert_eq!(alert.as_deref().map(|a| a.rsplit(' ').next().unwrap_or_default()), want, "{:?}", alert);
        let when = |label: &str| t.steps.iter().find(|st| st.label == label).map(|st| st.at.micros());
        let wait = match (method, down) {
            (Method::Crl | Method::Ocsp, true) => 2_000_000,
            (Method::Crl | Method::Ocsp, false) => 2 * responder_rtt_ms as u64 * 1000,
            _ => 0,
        };
        // The request leaves one (1.3) or two (1.2) round trips after the ClientHello, plus the wait.
        if want.is_none() {
            let trips = if tls12 { 2 } else { 1 };
            prop_assert_eq!(when("{application data}: request").zip(when("ClientHello")).map(|(r, h)| r - h), Some(trips * s.rtt_ms as u64 * 1000 + wait));
        }
    }
}
