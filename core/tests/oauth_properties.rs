//! The OAuth lab against RFC 7636's published PKCE values and Python's form encoding rules, and
//! property tests: any scenario within the limits runs to a trace whose every message is an
//! HTTP/1.1 message with its fields inside its bytes; the server issues tokens only when every
//! defence the scenario turned on was satisfied; links round trip; no text panics.

use proptest::prelude::*;
use serde_json::Value;
use wirelab_core::http;
use wirelab_core::oauth::pkce::{self, Method};
use wirelab_core::oauth::redirect::Matching;
use wirelab_core::oauth::scenario::{Attack, ClientAuth, ClientKind, Flow, IdTokenAlg, OAuthScenario, Pkce};
use wirelab_core::oauth::{self, redirect};
use wirelab_core::permalink::{self, LinkOptions};
use wirelab_core::scenario::{self, Scenario};
use wirelab_core::trace::StepKind;

const RFC7636: &str = include_str!("vectors/rfc7636_pkce.json");

#[test]
fn pkce_reproduces_rfc_7636_appendix_b() {
    let v: Value = serde_json::from_str(RFC7636).unwrap();
    let octets: Vec<u8> = v["verifier_octets"].as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as u8).collect();
    let verifier = wirelab_core::base64url::encode(&octets);
    assert_eq!(verifier, v["code_verifier"].as_str().unwrap());
    assert_eq!(pkce::challenge(Method::S256, &verifier), v["code_challenge"].as_str().unwrap());
    assert_eq!(pkce::challenge(Method::Plain, &verifier), v["plain_method_challenge"].as_str().unwrap());
    let challenge = v["code_challenge"].as_str().unwrap();
    assert_eq!(pkce::check(Some((Method::S256, challenge)), Some(&verifier)), Ok(()));
}

fn scenarios() -> impl Strategy<Value = OAuthScenario> {
    let clients = prop_oneof![Just(ClientKind::Web), Just(ClientKind::Spa)];
    let auths = prop_oneof![Just(ClientAuth::ClientSecretBasic), Just(ClientAuth::ClientSecretPost), Just(ClientAuth::PrivateKeyJwt), Just(ClientAuth::None)];
    let pkces = prop_oneof![Just(Pkce::Off), Just(Pkce::Plain), Just(Pkce::S256)];
    let attacks = prop_oneof![Just(Attack::None), Just(Attack::LoginCsrf), Just(Attack::CodeInterception), Just(Attack::CodeReplay), Just(Attack::RefreshTheft), Just(Attack::PkcePlain), Just(Attack::WrongAudience), Just(Attack::IdTokenReplay), Just(Attack::OpenRedirect), Just(Attack::MixUp)];
    let flows = proptest::sample::select(Flow::ALL.to_vec());
    let matchings = prop_oneof![Just(Matching::Exact), Just(Matching::Prefix), Just(Matching::Subdomain)];
    let sent = prop_oneof![Just(oauth::scenario::CALLBACK.to_string()), Just("https://app.example.com/callback/../open".to_string()), Just("https://evil.app.example.com/x".to_string()), "https://[a-z]{1,8}\\.example/[a-z]{0,6}"];
    (
        (clients, auths, pkces, any::<bool>(), any::<bool>(), proptest::sample::subsequence(&["openid", "profile", "email", "photos.read", "x"][..], 1..=5)),
        (any::<bool>(), matchings, sent, any::<bool>(), any::<bool>(), attacks, any::<u64>(), 1u32..200, prop_oneof![Just(IdTokenAlg::RS256), Just(IdTokenAlg::ES256)]),
        (flows, any::<bool>(), 1u32..=12, any::<bool>(), prop_oneof![Just(0u32), 1u32..300], any::<bool>()),
    )
        .prop_map(|((client, client_auth, pkce, state, nonce, scopes), (_, matching, redirect_uri, consent, wrong_secret, attack, seed, code_ttl_s, id_token_alg), (flow, rotation, device_poll_s, check_aud, callback_delay_s, check_iss))| OAuthScenario {
            check_iss,
            check_aud,
            callback_delay_s,
            flow,
            rotation,
            device_poll_s,
            client,
            client_auth,
            pkce,
            state,
            nonce,
            scope: scopes.join(" "),
            matching,
            redirect_uri,
            consent,
            wrong_secret,
            attack,
            seed,
            code_ttl_s,
            id_token_alg,
            ..OAuthScenario::default()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn any_scenario_runs_to_http_messages_and_tokens_only_when_the_defences_allow(s in scenarios()) {
        prop_assert_eq!(s.validate(), Vec::new());
        let t = oauth::run(&s);
        prop_assert_eq!(&t, &oauth::run(&s));
        for step in &t.steps {
            if step.kind == StepKind::Message {
                let text = String::from_utf8_lossy(&step.bytes);
                prop_assert!(text.starts_with("HTTP/1.1 ") || text.split("\r\n").next().is_some_and(|l| l.ends_with(" HTTP/1.1")), "{}", step.label);
                prop_assert!(text.contains("\r\n\r\n"));
            }
            for f in &step.fields {
                if let Some(r) = f.bytes {
                    prop_assert!(r.start <= r.end && r.end <= step.bytes.len(), "{} {:?}", f.name, r);
                }
            }
        }
        let labels: Vec<&str> = t.steps.iter().map(|s| s.label.as_str()).collect();
        let redeemed = labels.iter().filter(|l| **l == "code redeemed").count();
        // An unregistered redirect_uri (under the rule) never gets a code.
        // (In the open-redirect attack the attacker writes the redirect_uri; see below.)
        if s.attack != Attack::OpenRedirect && !s.redirect_uris.iter().any(|r| s.matching.allows(r, &s.redirect_uri)) {
            prop_assert!(!labels.contains(&"302 back with a code"));
            prop_assert_eq!(redeemed, 0);
        }
        // A wrong secret never redeems for a confidential client's own request.
        if s.wrong_secret && s.client == ClientKind::Web && s.attack != Attack::LoginCsrf {
            prop_assert!(!labels.contains(&"ID token valid"));
        }
        // An attack the flow has no place for is named in a warning, not silently dropped.
        let applies = match s.attack {
            Attack::None => true,
            Attack::RefreshTheft => s.flow == Flow::Refresh,
            _ => matches!(s.flow, Flow::AuthorizationCode | Flow::Refresh),
        };
        prop_assert_eq!(t.warnings.iter().any(|w| w.contains("does not apply")), !applies);
        // A code is redeemed at most once.
        prop_assert!(redeemed <= 1 + usize::from(s.attack == Attack::LoginCsrf));
        // With state on, login CSRF never signs the victim in as the attacker.
        if s.attack == Attack::LoginCsrf && s.state {
            prop_assert!(!labels.contains(&"302 signed in as mallory"));
        }
        // With rotation, a stolen refresh token used after the client's refresh gets nothing.
        if s.flow == Flow::Refresh && s.attack == Attack::RefreshTheft && s.rotation {
            prop_assert!(!t.steps.iter().any(|st| st.label == "200 tokens" && t.actors[st.to].id == "attacker"));
        }
        // The device flow ends, and a device that polls too fast is told to slow down.
        if s.flow == Flow::DeviceCode {
            prop_assert!(!t.summary.iter().any(|l| l.contains("gave up")));
            prop_assert_eq!(labels.contains(&"400 slow_down"), s.device_poll_s < 5);
        }
        // An ID token for another app never signs anyone in where aud is checked; a replayed one
        // never where the nonce is.
        if (s.attack == Attack::WrongAudience && s.check_aud) || (s.attack == Attack::IdTokenReplay && s.nonce) {
            prop_assert!(!labels.contains(&"302 attacker signed in as alice"));
        }
        // A code redeemed after its lifetime is refused.
        if s.flow == Flow::AuthorizationCode && s.attack == Attack::None && s.consent && s.callback_delay_s > s.code_ttl_s + 1 {
            prop_assert!(!labels.contains(&"code redeemed"));
        }
        // Exact matching never lets the attacker's redirect_uri through.
        if s.attack == Attack::OpenRedirect && s.matching == Matching::Exact && matches!(s.flow, Flow::AuthorizationCode | Flow::Refresh) {
            prop_assert!(labels.contains(&"400 error page (no redirect)"));
            prop_assert!(!labels.contains(&"302 back with a code"));
        }
        // With the iss check, a mix-up never sends the code to the attacker's server.
        if s.attack == Attack::MixUp && s.check_iss {
            prop_assert!(!labels.contains(&"POST /token (to Evil ID)"));
        }
        // With S256, seeing the request and the code is not enough.
        if s.attack == Attack::PkcePlain && s.pkce == Pkce::S256 {
            prop_assert!(!t.steps.iter().any(|st| st.label == "200 tokens" && t.actors[st.to].id == "attacker"));
        }
        // With PKCE on, an intercepted code is never redeemed by the attacker.
        if s.attack == Attack::CodeInterception && s.pkce != Pkce::Off && matches!(s.flow, Flow::AuthorizationCode | Flow::Refresh) {
            prop_assert!(!labels.contains(&"200 photos") || t.steps.iter().filter(|st| st.label == "200 photos").all(|st| t.actors[st.to].id != "attacker"));
        }
    }

    #[test]
    fn links_round_trip(s in scenarios()) {
        for plain in [false, true] {
            let link = permalink::link(&s, 3, LinkOptions { include_secrets: true, plain, embed: false });
            let back = permalink::scenario::<OAuthScenario>(&permalink::parse(&link).unwrap()).unwrap().unwrap();
            prop_assert_eq!(&back, &s);
        }
    }

    #[test]
    fn no_text_in_any_field_panics(text in "\\PC{0,300}", field in 0usize..4) {
        let mut s = OAuthScenario::default();
        match field {
            0 => s.scope = text.clone(),
            1 => s.redirect_uri = text.clone(),
            2 => s.redirect_uris = vec![text.clone()],
            _ => s.client_secret = text.clone(),
        }
        if s.validate().is_empty() {
            let _ = oauth::run(&s);
        }
        let _ = scenario::from_json::<OAuthScenario>(&text);
        let _ = redirect::parse(&text);
    }

    #[test]
    fn form_encoding_decodes_to_the_same_pairs(pairs in proptest::collection::vec(("\\PC{0,12}", "\\PC{0,24}"), 0..6)) {
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let encoded = http::encode_form(&borrowed);
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"*-._%+=&".contains(&b)));
        prop_assert_eq!(http::decode_form(&encoded), pairs);
    }
}
