//! Property tests over the TLS lab: any scenario within its limits runs to a handshake or an
//! alert, links round trip it, every protected record decrypts with the keys the schedule
//! shows, and no text typed into any field panics.

use proptest::prelude::*;
use wirelab_core::permalink::{self, LinkOptions};
use wirelab_core::scenario::Scenario;
use wirelab_core::tls::crypto::Suite;
use wirelab_core::tls::scenario::{TlsForm, TlsScenario};
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
    fn no_typed_text_panics(field in 0usize..19, resume: bool, text in "\\PC{0,300}") {
        let mut form = TlsForm::from(&TlsScenario::default());
        let all = [
            &mut form.seed, &mut form.rtt_ms, &mut form.client_random, &mut form.server_random, &mut form.client_key, &mut form.server_key,
            &mut form.client_suites, &mut form.server_suites, &mut form.client_groups, &mut form.key_shares, &mut form.server_groups, &mut form.signature_algorithms,
            &mut form.server_name, &mut form.client_alpn, &mut form.server_alpn, &mut form.request, &mut form.response, &mut form.early_data, &mut form.ticket_age_ms,
        ];
        *all.into_iter().nth(field).unwrap() = text;
        form.resume = resume;
        match form.parse() {
            Ok(s) => drop(tls::run(&s)),
            Err(errors) => prop_assert!(!errors.is_empty()),
        }
    }
}
