//! Property tests of the HTTP lab's CORS core: no method, header or answer text panics it, and
//! the Fetch Standard's laws hold on random fetches.

use proptest::prelude::*;
use wirelab_core::http::cors::{self, Answer, Credentials, Fetch, Key, PreflightCache};

const PAGE: &str = "https://app.example";
const URL: &str = "https://api.example/items";

/// Header names and values, from the ones CORS cares about and from anything at all.
fn header() -> impl Strategy<Value = (String, String)> {
    let name = prop_oneof![
        prop::sample::select(vec!["Content-Type", "Accept", "Accept-Language", "Content-Language", "Range", "Authorization", "X-Api-Key", "Cookie", "Origin", "Sec-Fetch-Site", "X-HTTP-Method-Override", "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Max-Age", "Access-Control-Expose-Headers", "Location", "Set-Cookie"]).prop_map(String::from),
        "\\PC{0,12}",
    ];
    let value = prop_oneof![
        prop::sample::select(vec!["*", "true", PAGE, "https://app.example/", "null", "text/plain", "application/json", "bytes=0-9", "bytes=-5", "PUT, PATCH", "x-api-key, authorization", "600", "GET POST", ""]).prop_map(String::from),
        "\\PC{0,40}",
        ".{0,200}",
    ];
    (name, value)
}

fn credentials() -> impl Strategy<Value = Credentials> {
    prop::sample::select(Credentials::ALL.to_vec())
}

fn method() -> impl Strategy<Value = String> {
    prop_oneof![prop::sample::select(vec!["GET", "HEAD", "POST", "PUT", "put", "PATCH", "patch", "DELETE", "OPTIONS", "TRACE", "PURGE"]).prop_map(String::from), "\\PC{0,10}"]
}

fn answer() -> impl Strategy<Value = Answer> {
    (prop::sample::select(vec![200u16, 204, 301, 302, 401, 404, 500]), prop::collection::vec(header(), 0..8)).prop_map(|(status, headers)| Answer { status, headers })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn no_fetch_panics_and_the_laws_hold(method in method(), headers in prop::collection::vec(header(), 0..8), credentials in credentials(), pre in answer(), ans in answer(), url in prop_oneof![Just(URL.to_string()), Just(format!("{PAGE}/same")), "\\PC{0,30}"]) {
        let fetch = Fetch { page: PAGE.into(), url: url.clone(), method: method.clone(), headers: headers.clone(), credentials };
        let mut cache = PreflightCache::default();
        let d = cors::decide(&fetch, &pre, &ans, &mut cache, 0);
        if d.type_error.is_some() {
            // Nothing is sent when fetch throws.
            prop_assert!(d.preflight.is_none() && d.request.is_none() && !d.ok());
            return Ok(());
        }
        let prepared = cors::prepare(&method, &headers).unwrap();
        // The browser never sends what only it may set.
        let sent = d.request.as_ref().map(|m| m.headers.clone()).unwrap_or_default();
        for (name, value) in &headers {
            if cors::forbidden_header(name, value.trim_matches([' ', '\t', '\n', '\r'])).is_some() && !name.eq_ignore_ascii_case("Origin") {
                prop_assert!(!sent.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)), "{name} was sent");
            }
        }
        if d.same_origin {
            prop_assert!(d.preflight.is_none() && d.ok());
            return Ok(());
        }
        let (names, _) = cors::unsafe_names(&prepared.headers);
        // A preflight exactly when the method or a header is not safelisted (the cache is empty).
        prop_assert_eq!(d.preflight.is_some(), !cors::is_safelisted_method(&prepared.method) || !names.is_empty());
        if let Some(p) = &d.preflight {
            prop_assert_eq!(p.header_value("Access-Control-Request-Method"), Some(prepared.method.as_str()));
            let listed = p.header_value("Access-Control-Request-Headers").map(str::to_string);
            prop_assert_eq!(listed, (!names.is_empty()).then(|| names.join(",")));
            let mut sorted = names.clone();
            sorted.sort();
            sorted.dedup();
            prop_assert!(sorted == names && names.iter().all(|n| *n == n.to_ascii_lowercase()));
        }
        if d.ok() {
            // A response the script reads passed the CORS check, and never shows Set-Cookie.
            prop_assert!(cors::cors_check(PAGE, credentials, &ans.headers).1.is_ok());
            prop_assert!(!d.exposed.iter().any(|n| n == "set-cookie"));
            if credentials == Credentials::Include {
                let allow = cors::get(&ans.headers, "Access-Control-Allow-Origin");
                prop_assert_ne!(allow.as_deref(), Some("*"));
            }
        } else {
            let line = d.console.clone().unwrap_or_default();
            prop_assert!(line.starts_with("Access to fetch at '"), "{}", line);
            prop_assert!(d.error.is_some());
        }
        // The request reached the server whenever no preflight was needed, or one succeeded:
        // the server acts on it even when the script is not shown the answer.
        prop_assert_eq!(d.request.is_some(), d.preflight.is_none() || !matches!(d.console, Some(ref l) if l.contains("preflight")));
    }

    #[test]
    fn a_successful_preflight_spares_the_next_one(method in prop::sample::select(vec!["PUT", "PATCH", "DELETE", "purge"]), names in prop::collection::btree_set("x-[a-z]{1,6}", 0..4), include in any::<bool>(), age in 1u64..10_000) {
        let names: Vec<String> = names.into_iter().collect();
        let mut cache = PreflightCache::default();
        let key = Key { origin: PAGE, url: URL, include, now: 0 };
        cache.store(&key, &[method.to_string()], &names, age);
        let soon = Key { now: age * 1_000_000 - 1, ..key };
        prop_assert!(!cors::needs_preflight(method, &names, &cache, &soon).0);
        let late = Key { now: age * 1_000_000, ..key };
        prop_assert!(cors::needs_preflight(method, &names, &cache, &late).0);
        let other = Key { include: !include, ..key };
        prop_assert!(cors::needs_preflight(method, &names, &cache, &other).0);
    }

    #[test]
    fn urls_are_read_or_refused_with_a_position_inside(text in prop_oneof!["\\PC{0,60}", "https?://[a-z.:0-9@/?#]{0,30}"]) {
        match cors::parse_url(&text) {
            Ok((origin, path)) => {
                prop_assert!(path.starts_with('/'));
                let (again, _) = cors::parse_url(&origin.serialize()).unwrap();
                prop_assert_eq!(again, origin);
            }
            Err(e) => prop_assert!(e.at >= 1 && e.at <= text.chars().count().max(1), "{:?} in {:?}", e, text),
        }
    }
}
