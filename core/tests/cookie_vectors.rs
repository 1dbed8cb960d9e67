//! The cookie jar against the IETF http-state suite, as tough-cookie runs it (copies in
//! `tests/vectors/`): 222 Set-Cookie cases, each set from `http://home.example.org/cookie-parser`
//! and then read back for a second address, and the suite's cookie dates.

use serde_json::Value;
use wirelab_core::cache::rfc9111::http_date;
use wirelab_core::cookies::date;
use wirelab_core::cookies::jar::{Api, Context, Jar, Policy, Url};

const PARSER: &str = include_str!("vectors/tough-cookie_ietf_parser.json");
const DATES: &str = include_str!("vectors/tough-cookie_ietf_dates.json");
/// 2026-12-01: the suite's far expiry dates were moved to 9999; its past ones are in 2007.
const NOW: i64 = 1_796_083_200;

/// The second address: the case's `sent-to` resolved against the host, or the default.
fn sent_to(case: &Value, test: &str) -> String {
    match case["sent-to"].as_str() {
        Some(s) if s.starts_with('/') => format!("http://home.example.org{s}"),
        Some(s) => s.to_string(),
        None => format!("http://home.example.org/cookie-parser-result?{test}"),
    }
}

#[test]
fn the_http_state_parser_cases() {
    let cases: Vec<Value> = serde_json::from_str(PARSER).unwrap();
    assert_eq!(cases.len(), 222);
    let from = Url::parse("http://home.example.org/cookie-parser").unwrap();
    let mut failed = Vec::new();
    for case in &cases {
        let test = case["test"].as_str().unwrap();
        let mut jar = Jar::default();
        for line in case["received"].as_array().unwrap() {
            jar.set(line.as_str().unwrap(), &from, &Context::typed(), Api::Http, Policy::default(), NOW);
        }
        let to = Url::parse(&sent_to(case, test)).unwrap();
        let decisions = jar.decide(&to, &Context::typed(), Api::Http, Policy::default(), NOW);
        let got: Vec<(String, String)> = decisions.iter().filter(|d| d.sent).map(|d| (jar.cookies[d.index].name.clone(), jar.cookies[d.index].value.clone())).collect();
        let want: Vec<(String, String)> = case["sent"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["name"].as_str().unwrap().to_string(), c["value"].as_str().unwrap().to_string()))
            .collect();
        if got != want {
            failed.push(format!("{test}: received {:?}\n   sent {got:?}\n   want {want:?}", case["received"]));
        }
    }
    assert!(failed.is_empty(), "{} of 222 differ:\n{}", failed.len(), failed.join("\n"));
}

#[test]
fn the_http_state_date_cases() {
    let all: Value = serde_json::from_str(DATES).unwrap();
    let mut n = 0;
    let mut failed = Vec::new();
    for list in ["examples", "bsd_examples"] {
        for case in all[list].as_array().unwrap() {
            n += 1;
            let text = case["test"].as_str().unwrap();
            let got = date::parse(text).ok().map(|d| http_date(d.at));
            let want = case["expected"].as_str().map(str::to_string);
            if got != want {
                failed.push(format!("{text:?}: {got:?}, want {want:?}"));
            }
        }
    }
    assert_eq!(n, 70);
    assert!(failed.is_empty(), "{} differ:\n{}", failed.len(), failed.join("\n"));
}
