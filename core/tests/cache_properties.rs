//! Property tests of the caching lab's RFC 9111 core: no header text panics it, and its
//! storability, freshness and age laws hold on random header sets.

use proptest::prelude::*;
use wirelab_core::cache::rfc9111::{self as rfc, CacheControl, Delta, Kind, Rule, Stored, Use, DELTA_MAX};

const T0: i64 = 1_764_547_200;

fn fields(pairs: &[(&str, String)]) -> Vec<(String, String)> {
    pairs.iter().map(|(n, v)| (n.to_string(), v.clone())).collect()
}

/// A Cache-Control value from the directives the RFC defines, with valid and invalid arguments.
fn directives() -> impl Strategy<Value = String> {
    let one = prop_oneof![
        (0u64..100_000).prop_map(|s| format!("max-age={s}")),
        (0u64..100_000).prop_map(|s| format!("s-maxage={s}")),
        Just("max-age=abc".to_string()),
        Just("no-cache".to_string()),
        Just("no-store".to_string()),
        Just("private".to_string()),
        Just("public".to_string()),
        Just("must-revalidate".to_string()),
        Just("proxy-revalidate".to_string()),
        Just("immutable".to_string()),
        (0u64..10_000).prop_map(|s| format!("stale-while-revalidate={s}")),
        (0u64..10_000).prop_map(|s| format!("stale-if-error={s}")),
    ];
    prop::collection::vec(one, 0..5).prop_map(|d| d.join(", "))
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![Just(Kind::Private), Just(Kind::Shared)]
}

fn status() -> impl Strategy<Value = u16> {
    prop::sample::select(vec![200u16, 203, 204, 206, 301, 302, 304, 307, 404, 410, 500, 501, 503])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn no_header_text_panics(cc in ".{0,200}", other in ".{0,120}", kind in kind(), status in status(), now in -1_000_000i64..1_000_000_000_000) {
        let response = fields(&[("Cache-Control", cc.clone()), ("Expires", other.clone()), ("Date", other.clone()), ("Age", other.clone()), ("Vary", other.clone()), ("Last-Modified", other.clone())]);
        let request = fields(&[("Cache-Control", other.clone()), ("Pragma", other.clone())]);
        let _ = rfc::storable(kind, "GET", &request, status, &response);
        let stored = Stored { method: "GET".into(), request: request.clone(), status, response: response.clone(), request_time: T0, response_time: T0 };
        let _ = rfc::reuse(kind, &stored, "GET", &request, now);
        let _ = rfc::stale_if_error(kind, &stored, now);
        let _ = rfc::update_from_304(&stored, &response, now, now);
        let _ = rfc::parse_http_date(&cc);
    }

    #[test]
    fn what_forbids_storing_always_does(cc in directives(), kind in kind(), status in status(), auth in any::<bool>()) {
        let parsed = CacheControl::parse(&cc);
        let mut request = Vec::new();
        if auth {
            request.push(("Authorization".to_string(), "Bearer x".to_string()));
        }
        let verdict = rfc::storable(kind, "GET", &request, status, &fields(&[("Cache-Control", cc.clone())]));
        if parsed.has("no-store") {
            prop_assert!(!verdict.yes, "no-store stored: {}", cc);
        }
        if kind == Kind::Shared && parsed.has("private") {
            prop_assert!(!verdict.yes, "private in a shared cache: {}", cc);
        }
        if kind == Kind::Shared && auth && !(parsed.has("public") || parsed.has("s-maxage") || parsed.has("must-revalidate")) {
            prop_assert!(!verdict.yes, "Authorization without permission: {}", cc);
        }
        if !rfc::UNDERSTOOD.contains(&status) {
            prop_assert!(!verdict.yes);
        }
        prop_assert!(!verdict.reason.is_empty());
    }

    #[test]
    fn lifetime_follows_the_first_rule_that_applies(cc in directives(), kind in kind(), expires_in in -5000i64..50_000, modified_ago in 1i64..5_000_000) {
        let response = fields(&[("Cache-Control", cc.clone()), ("Date", rfc::http_date(T0)), ("Expires", rfc::http_date(T0 + expires_in)), ("Last-Modified", rfc::http_date(T0 - modified_ago))]);
        let parsed = CacheControl::parse(&cc);
        let life = rfc::freshness_lifetime(kind, 200, &response, T0);
        let expect = match (kind, parsed.seconds("s-maxage"), parsed.seconds("max-age")) {
            (Kind::Shared, Some(s), _) => (s.or_zero(), Rule::SMaxAge),
            (_, _, Some(m)) => (m.or_zero(), Rule::MaxAge),
            _ => (expires_in.max(0) as u64, Rule::Expires),
        };
        prop_assert_eq!((life.seconds, life.rule), expect, "{}", cc);
        prop_assert!(life.seconds <= DELTA_MAX);
        // Without explicit freshness, the heuristic is a tenth of the time since Last-Modified.
        let heuristic = rfc::freshness_lifetime(kind, 200, &fields(&[("Date", rfc::http_date(T0)), ("Last-Modified", rfc::http_date(T0 - modified_ago))]), T0);
        prop_assert_eq!((heuristic.seconds, heuristic.rule), ((modified_ago / 10) as u64, Rule::Heuristic));
    }

    #[test]
    fn age_grows_with_time_and_freshness_only_ends(cc in directives(), kind in kind(), age in 0u64..5000, delay in 0i64..30, a in 0i64..100_000, b in 0i64..100_000) {
        let (early, late) = (T0 + a.min(b), T0 + a.max(b));
        let stored = Stored {
            method: "GET".into(),
            request: Vec::new(),
            status: 200,
            response: fields(&[("Cache-Control", cc.clone()), ("Date", rfc::http_date(T0)), ("Age", age.to_string())]),
            request_time: T0 - delay,
            response_time: T0,
        };
        let (x, y) = (stored.age(early), stored.age(late));
        prop_assert_eq!(y.current_age - x.current_age, (late - early) as u64, "age grows one second a second");
        prop_assert!(x.current_age >= age + delay as u64, "the Age received and the response delay count");
        if stored.fresh(kind, late) {
            prop_assert!(stored.fresh(kind, early), "fresh later but stale earlier: {}", cc);
        }
        let reuse = rfc::reuse(kind, &stored, "GET", &[], early);
        if reuse.decision == Use::Fresh {
            prop_assert!(stored.fresh(kind, early));
            prop_assert!(!CacheControl::parse(&cc).has("no-cache"));
        }
    }

    #[test]
    fn a_304_makes_it_young_again(max_age in 1u64..10_000, gone in 0i64..100_000) {
        let stored = Stored {
            method: "GET".into(),
            request: Vec::new(),
            status: 200,
            response: fields(&[("Cache-Control", format!("max-age={max_age}")), ("ETag", "\"a\"".to_string())]),
            request_time: T0,
            response_time: T0,
        };
        let at = T0 + gone;
        let not_modified = fields(&[("ETag", "\"a\"".to_string())]);
        prop_assert!(rfc::validates(&stored, &not_modified));
        let updated = rfc::update_from_304(&stored, &not_modified, at, at);
        prop_assert_eq!(updated.age(at).current_age, 0);
        prop_assert!(updated.fresh(Kind::Private, at));
        prop_assert_eq!(rfc::conditional_headers(&updated), fields(&[("If-None-Match", "\"a\"".to_string())]));
    }

    #[test]
    fn delta_seconds_are_digits_capped(text in "[0-9]{1,30}|[^0-9]{0,5}[0-9]{0,5}") {
        match rfc::delta_seconds(&text) {
            Delta::Seconds(s) => {
                prop_assert!(text.bytes().all(|b| b.is_ascii_digit()));
                prop_assert!(s <= DELTA_MAX);
                if text.len() <= 9 {
                    prop_assert_eq!(s, text.parse::<u64>().unwrap());
                }
            }
            Delta::Invalid => prop_assert!(text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit())),
        }
    }
}

mod lab {
    use proptest::prelude::*;
    use wirelab_core::cache::{self, scenario::{self, CacheScenario}};
    use wirelab_core::scenario::Scenario;
    use wirelab_core::trace::StepKind;

    fn event() -> impl Strategy<Value = String> {
        let request = (0u64..200_000, prop::sample::select(vec!["", "bob ", "carol "]), prop::sample::select(vec!["GET", "GET", "HEAD", "POST", "DELETE"]), prop::sample::select(vec!["", " | Cache-Control: no-cache", " | Cache-Control: max-age=0", " | Cache-Control: max-stale", " | Cache-Control: only-if-cached", " | Accept-Encoding: gzip", " | Authorization: Bearer t", " | Pragma: no-cache"]))
            .prop_map(|(t, who, m, h)| format!("{t}s {who}{m}{h}"));
        prop_oneof![
            6 => request,
            1 => (0u64..200_000).prop_map(|t| format!("{t}s change")),
            1 => (0u64..200_000, prop::sample::select(vec!["down", "down 502", "up"])).prop_map(|(t, w)| format!("{t}s {w}")),
            1 => (0u64..200_000).prop_map(|t| format!("{t}s purge")),
        ]
    }

    fn headers() -> impl Strategy<Value = String> {
        let cc = prop::collection::vec(prop::sample::select(vec!["max-age=60", "max-age=0", "s-maxage=600", "no-cache", "no-store", "private", "public", "must-revalidate", "proxy-revalidate", "immutable", "stale-while-revalidate=120", "stale-if-error=3600"]), 0..4);
        (cc, prop::sample::select(vec!["", "\nVary: Accept-Encoding", "\nVary: *", "\nExpires: Mon, 30 Nov 2026 10:00:00 GMT", "\nExpires: 0", "\nSet-Cookie: id=1"]))
            .prop_map(|(cc, extra)| if cc.is_empty() { format!("Content-Type: text/css{extra}") } else { format!("Content-Type: text/css\nCache-Control: {}{extra}", cc.join(", ")) })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn any_scenario_runs_to_real_http_messages(events in prop::collection::vec(event(), 1..12), headers in headers(), cdn in any::<bool>(), etag in any::<bool>(), last_modified in any::<bool>(), status in prop::sample::select(scenario::STATUSES.to_vec())) {
            let s = CacheScenario { events: format!("0s GET\n{}", events.join("\n")), headers, cdn, etag, last_modified, status, ..CacheScenario::default() };
            prop_assert!(s.validate().is_empty(), "{:?}", s.validate());
            let run = cache::run(&s);
            prop_assert!(run.trace.steps.len() <= 2000);
            for step in &run.trace.steps {
                if step.kind == StepKind::Message {
                    let text = String::from_utf8(step.bytes.clone()).unwrap();
                    let (head, body) = text.split_once("\r\n\r\n").expect("a blank line ends the header");
                    let mut lines = head.split("\r\n");
                    let start = lines.next().unwrap();
                    prop_assert!(start.starts_with("HTTP/1.1 ") || start.ends_with(" HTTP/1.1"), "{}", start);
                    let mut length = None;
                    for line in lines {
                        let (name, value) = line.split_once(": ").expect("Name: value");
                        prop_assert!(!name.is_empty() && !name.contains(' '));
                        if name.eq_ignore_ascii_case("content-length") {
                            length = value.parse::<usize>().ok();
                        }
                    }
                    if start.starts_with("HTTP/1.1 304") || start.starts_with("HTTP/1.1 204") {
                        prop_assert!(body.is_empty());
                    } else if start.starts_with("HTTP/1.1 ") && !body.is_empty() {
                        prop_assert_eq!(Some(body.len()), length);
                    }
                    for f in &step.fields {
                        if let Some(r) = f.bytes {
                            prop_assert!(r.end <= step.bytes.len());
                        }
                    }
                }
            }
            for stretch in &run.stretches {
                if let Some(until) = stretch.until {
                    prop_assert!(until >= stretch.from);
                }
            }
        }

        #[test]
        fn no_events_text_panics(text in "(.{0,40}\n){0,10}") {
            let _ = scenario::parse_events(&text, "/");
            let _ = scenario::parse_headers(&text);
        }
    }
}

mod application {
    use proptest::prelude::*;
    use wirelab_core::cache::app::{self, AppScenario, Eviction, Outcome, Stampede, Strategy};
    use wirelab_core::ratelimit::scenario::Pattern;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        #[test]
        fn any_application_scenario_runs_and_its_counts_add_up(
            strategy in prop::sample::select(Strategy::ALL.to_vec()),
            eviction in prop::sample::select(vec![Eviction::Ttl, Eviction::Lru, Eviction::Lfu]),
            stampede in prop::sample::select(vec![Stampede::None, Stampede::Coalesce, Stampede::EarlyExpiration]),
            capacity in 1u32..200, keys in 1u32..500, hot in 0u32..=100, ttl in 1u64..5000, db in 0u64..200, cache in 0u64..5,
            gap in 1u64..50, writes in 0u64..40, pause in 0u64..500, crash in prop::option::of(0u64..6000), seed in any::<u64>(),
        ) {
            let s = AppScenario {
                strategy, eviction, stampede, capacity, keys, hot_percent: hot, ttl_ms: ttl, db_ms: db, cache_ms: cache, reader_pause_ms: pause, crash_ms: crash, seed,
                reads: vec![Pattern::Random { start_ms: 0, duration_ms: 3000, mean_gap_ms: gap, seed }],
                writes: vec![Pattern::Steady { start_ms: 0, every_ms: 97, count: writes }],
                duration_ms: 3000,
                ..AppScenario::default()
            };
            prop_assert!(s.validate().is_empty(), "{:?}", s.validate());
            let r = app::run(&s);
            let reads = r.requests.iter().filter(|q| q.outcome != Outcome::Write).count() as u64;
            prop_assert_eq!(reads, r.reads);
            prop_assert_eq!(r.requests.iter().filter(|q| q.outcome == Outcome::Hit).count() as u64, r.hits);
            prop_assert!(r.hits <= r.reads);
            prop_assert!(r.stale_reads <= r.reads);
            prop_assert!(r.requests.iter().all(|q| q.latency >= cache * 1000));
            if strategy != Strategy::WriteBehind {
                prop_assert_eq!(r.lost_writes, 0);
            }
            if eviction == Eviction::Ttl {
                prop_assert_eq!(r.evictions, 0);
            }
        }
    }
}
