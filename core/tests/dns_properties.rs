//! Property tests over the DNS lab's scenario and its parsers of untrusted text: links and the
//! editor round trip any valid scenario exactly, every valid scenario runs to messages that
//! decode, and no zone text, lookup text or scenario JSON of any shape panics.

use proptest::prelude::*;
use wirelab_core::dns::resolve::tcp_dns;
use wirelab_core::dns::scenario::{self, parse_lookups, Attack, DnsForm, DnsScenario, LookupSpec};
use wirelab_core::dns::wire::{decode, Name};
use wirelab_core::dns::world;
use wirelab_core::dns::zonefile;
use wirelab_core::permalink::{self, LinkOptions};
use wirelab_core::scenario::{self as contract, Scenario};

const NAMES: &[&str] = &["www.example.com", "example.com", "blog.example.com", "shop.example.com", "wwww.example.com", "34.216.184.93.in-addr.arpa", "_sip._tcp.example.com", "www.example.org", "nope.org", "s4096._domainkey.example.com", "mail.example.com"];
const TYPES: &[&str] = &["A", "AAAA", "CNAME", "MX", "NS", "TXT", "PTR", "SOA", "SRV"];

fn lookups() -> impl Strategy<Value = Vec<LookupSpec>> {
    proptest::collection::vec((0u64..=7 * 86_400, 0..TYPES.len(), 0..NAMES.len()), 1..6)
        .prop_map(|ls| ls.into_iter().map(|(at, t, n)| LookupSpec { at, qtype: TYPES[t].into(), name: NAMES[n].into() }).collect())
}

/// A valid edit of example.com: some of its lines dropped, TTLs changed.
fn zones() -> impl Strategy<Value = std::collections::BTreeMap<String, String>> {
    (proptest::collection::vec(any::<bool>(), 20), 0u32..=100_000, any::<bool>()).prop_map(|(keep, ttl, edit)| {
        let mut m = std::collections::BTreeMap::new();
        if edit {
            let text = world::example_zone("example.com").unwrap();
            let lines: String = text
                .lines()
                .enumerate()
                // The SOA (line 0) stays: a zone needs it.
                .filter(|(i, _)| *i == 0 || keep[i % keep.len()])
                .map(|(_, l)| format!("{}\n", l.replacen(" 3600 ", &format!(" {ttl} "), 1)))
                .collect();
            m.insert("example.com".to_string(), lines);
        }
        m
    })
}

fn scenarios() -> impl Strategy<Value = DnsScenario> {
    (lookups(), zones(), 0u32..=2000, (0u32..=2000, 0u32..=2000, 0u32..=2000), 0u32..=86_400, any::<u64>(), prop_oneof![Just(Attack::None), Just(Attack::Guessable), Just(Attack::Random)], any::<bool>())
        .prop_map(|(lookups, zones, lan_ms, (root_ms, tld_ms, auth_ms), browser_cap_s, seed, attack, dnssec)| DnsScenario { v: 1, lookups, zones, lan_ms, root_ms, tld_ms, auth_ms, browser_cap_s, seed, attack, dnssec })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn links_and_the_editor_round_trip_any_dns_scenario(s in scenarios(), step in 0usize..500, plain: bool) {
        prop_assert!(s.validate().is_empty(), "{:?}", s.validate());
        let fragment = permalink::link(&s, step, LinkOptions { plain, embed: false, include_secrets: false });
        let location = permalink::parse(&fragment).unwrap();
        prop_assert_eq!(permalink::scenario::<DnsScenario>(&location).unwrap(), Some(s.clone()));
        prop_assert_eq!(DnsForm::from(&s).parse().unwrap(), s);
    }

    #[test]
    fn every_valid_scenario_runs_to_messages_that_decode(s in scenarios()) {
        let run = scenario::run(&s);
        prop_assert!(!run.trace.steps.is_empty());
        for step in run.trace.steps.iter().filter(|st| !st.bytes.is_empty()) {
            let carries_dns = !step.bytes_label.starts_with("TCP") || step.bytes_label.contains("carrying");
            if carries_dns {
                let ok = if step.bytes_label.starts_with("TCP") { tcp_dns(&step.bytes).is_some() } else { decode(&step.bytes).is_ok() };
                prop_assert!(ok, "{}", step.label);
            }
        }
        // No cache entry shows more TTL left than it was stored with.
        for c in run.caches_at(run.end(), None) {
            prop_assert!(c.left_s <= c.ttl_s);
        }
    }

    #[test]
    fn zone_text_of_any_shape_never_panics(text in "\\PC{0,300}") {
        let _ = zonefile::parse(&Name::parse("example.com").unwrap(), &text);
        let _ = zonefile::parse(&Name::ROOT, &text);
    }

    #[test]
    fn zone_lines_of_record_shape_never_panic(name in "[@a-z0-9._-]{1,12}", ttl in "[0-9]{1,12}", t in 0..TYPES.len(), data in "[ -~]{0,60}") {
        let line = format!("{name} {ttl} {} {data}", TYPES[t]);
        let _ = zonefile::parse(&Name::parse("example.com").unwrap(), &line);
    }

    #[test]
    fn lookup_text_of_any_shape_never_panics(text in "\\PC{0,200}") {
        if let Ok(ls) = parse_lookups(&text) {
            let s = DnsScenario { lookups: ls, ..DnsScenario::default() };
            if s.validate().is_empty() {
                let _ = scenario::run(&s);
            }
        }
    }

    #[test]
    fn scenario_json_of_any_shape_never_panics(text in "\\PC{0,200}") {
        let _ = contract::from_json::<DnsScenario>(&text);
    }

    #[test]
    fn scenario_json_with_hostile_values_never_panics(key in prop_oneof![Just("lookups"), Just("zones"), Just("attack"), Just("lan_ms"), Just("seed")], value in prop_oneof![
        Just("null".to_string()), Just("[]".to_string()), Just("{}".to_string()), Just("-1".to_string()),
        Just("1e999".to_string()), Just("\"x\"".to_string()), Just("[{\"at\":1,\"type\":\"A\",\"name\":\"a..b\"}]".to_string()),
        Just("{\"example.com\":\"@ 1 A 1.2.3.4\"}".to_string()), Just("{\"com\":\"\"}".to_string()),
    ]) {
        let _ = contract::from_json::<DnsScenario>(&format!("{{\"v\":1,\"{key}\":{value}}}"));
    }
}

#[test]
fn every_preset_survives_a_link() {
    for (id, _, s) in scenario::presets() {
        let fragment = permalink::link(&s, 0, LinkOptions::default());
        assert!(fragment.len() < 2000, "{id}: a {}-character link", fragment.len());
        let location = permalink::parse(&fragment).unwrap();
        assert_eq!(permalink::scenario::<DnsScenario>(&location).unwrap(), Some(s), "{id}");
    }
}
