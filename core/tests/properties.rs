//! Property tests over the TCP lab's scenario and the parsers of untrusted input: links round
//! trip any valid scenario exactly, and no input of any shape panics.

use proptest::prelude::*;
use wirelab_core::permalink::{self, LinkOptions};
use wirelab_core::scenario::{self, Scenario};
use wirelab_core::tcp::scenario::TcpForm;
use wirelab_core::tcp::{self, Closer, TcpScenario};

fn closer() -> impl Strategy<Value = Closer> {
    prop_oneof![Just(Closer::Client), Just(Closer::Server), Just(Closer::Both)]
}

/// Any scenario within the lab's limits (sizes kept small so each one also runs quickly).
fn scenarios() -> impl Strategy<Value = TcpScenario> {
    (
        (any::<u64>(), proptest::option::of(any::<u32>()), proptest::option::of(any::<u32>()), 1u32..=10_000, 536u16..=9000),
        (1u16..=64, 0u32..=20_000, 0u32..=20_000, proptest::collection::vec(1u32..=40, 0..4), closer()),
        (any::<bool>(), 1u32..=600_000, 1u16..=u16::MAX, 1u16..=u16::MAX),
    )
        .prop_map(|((seed, client_isn, server_isn, rtt_ms, mss), (initial_window, client_bytes, server_bytes, mut lose, closer), (server_listening, msl_ms, client_port, server_port))| {
            lose.sort_unstable();
            lose.dedup();
            TcpScenario { v: 1, seed, client_isn, server_isn, rtt_ms, mss, initial_window, client_bytes, server_bytes, lose, closer, server_listening, msl_ms, client_port, server_port }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn links_round_trip_any_tcp_scenario(s in scenarios(), step in 0usize..3000, plain: bool, embed: bool) {
        prop_assert!(s.validate().is_empty());
        let fragment = permalink::link(&s, step, LinkOptions { plain, embed, include_secrets: false });
        let location = permalink::parse(&fragment).unwrap();
        prop_assert_eq!(location.lab.as_deref(), Some("tcp"));
        prop_assert_eq!(location.step, Some(step + 1));
        prop_assert_eq!(location.embed, embed);
        prop_assert_eq!(permalink::scenario::<TcpScenario>(&location).unwrap(), Some(s));
    }

    #[test]
    fn the_editor_form_round_trips_any_tcp_scenario(s in scenarios()) {
        prop_assert_eq!(TcpForm::from(&s).parse(), Ok(s));
    }

    #[test]
    fn every_valid_scenario_runs_to_a_checked_trace(s in scenarios()) {
        let trace = tcp::run(&s);
        prop_assert!(!trace.steps.is_empty());
        prop_assert!(trace.steps.len() <= tcp::STEP_CAP);
        prop_assert!(trace.steps.windows(2).all(|w| w[0].at <= w[1].at));
        prop_assert_eq!(&trace, &tcp::run(&s), "deterministic");
    }

    #[test]
    fn scenario_json_of_any_shape_never_panics(text in "\\PC{0,200}") {
        let _ = scenario::from_json::<TcpScenario>(&text);
    }

    #[test]
    fn json_objects_with_wrong_types_never_panic(key in "[a-z_]{1,14}", value in prop_oneof![
        Just("null".to_string()), Just("-1".to_string()), Just("1e400".to_string()), Just("\"x\"".to_string()),
        Just("[1,-2]".to_string()), Just("{}".to_string()), Just("18446744073709551616".to_string()), any::<i64>().prop_map(|n| n.to_string()),
    ]) {
        let _ = scenario::from_json::<TcpScenario>(&format!("{{\"{key}\":{value}}}"));
    }

    #[test]
    fn compressed_payloads_of_any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let packed = wirelab_core::base64url::encode(&bytes);
        let location = permalink::parse(&format!("#/tcp?z={packed}&step=1")).unwrap();
        let _ = permalink::scenario::<TcpScenario>(&location);
    }

    #[test]
    fn editor_text_of_any_shape_never_panics(field in 0usize..12, text in "\\PC{0,60}") {
        let mut form = TcpForm::from(&TcpScenario::default());
        let slot = match field {
            0 => &mut form.seed, 1 => &mut form.client_isn, 2 => &mut form.server_isn, 3 => &mut form.rtt_ms,
            4 => &mut form.mss, 5 => &mut form.initial_window, 6 => &mut form.client_bytes, 7 => &mut form.server_bytes,
            8 => &mut form.lose, 9 => &mut form.msl_ms, 10 => &mut form.client_port, _ => &mut form.server_port,
        };
        *slot = text;
        if let Ok(s) = form.parse() {
            prop_assert!(s.validate().is_empty());
        }
    }
}


#[test]
fn every_preset_survives_a_link() {
    for (id, _, s) in tcp::presets() {
        let location = permalink::parse(&permalink::link(&s, 0, LinkOptions::default())).unwrap();
        assert_eq!(permalink::scenario::<TcpScenario>(&location).unwrap(), Some(s), "{id}");
    }
}
