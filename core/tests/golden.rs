//! Golden traces: each built-in scenario's trace as text, compared with the committed snapshot
//! in `tests/golden/`, so any change to what a lab teaches shows up in review.
//! After an intended change: `UPDATE_GOLDEN=1 cargo test -p wirelab-core --test golden`.

use std::path::PathBuf;
use wirelab_core::dns::scenario as dns;
use wirelab_core::tcp;

fn check(name: &str, actual: &str) -> Result<(), String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(format!("{name}.txt"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).map_err(|e| format!("{}: {e}", path.display()))?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(&path)
        .map_err(|e| format!("{}: {e} (run with UPDATE_GOLDEN=1 to create it)", path.display()))?;
    if expected == actual {
        return Ok(());
    }
    let line = expected.lines().zip(actual.lines()).position(|(a, b)| a != b).unwrap_or(expected.lines().count().min(actual.lines().count()));
    Err(format!(
        "{name}: the trace differs from {} from line {}:\n  expected: {}\n  actual:   {}",
        path.display(),
        line + 1,
        expected.lines().nth(line).unwrap_or("<end>"),
        actual.lines().nth(line).unwrap_or("<end>")
    ))
}

#[test]
fn tcp_presets_match_their_golden_traces() {
    let failures: Vec<String> = tcp::presets()
        .into_iter()
        .filter_map(|(id, _, scenario)| check(&format!("tcp-{id}"), &tcp::run(&scenario).to_text()).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn dns_presets_match_their_golden_traces() {
    let failures: Vec<String> = dns::presets()
        .into_iter()
        .filter_map(|(id, _, scenario)| check(&format!("dns-{id}"), &dns::run(&scenario).trace.to_text()).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn jwt_presets_match_their_golden_traces() {
    use wirelab_core::jwt::{self, scenario};
    let failures: Vec<String> = scenario::presets()
        .into_iter()
        .filter_map(|(id, _, s)| check(&format!("jwt-{id}"), &jwt::run(&s, 0).to_text()).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn tls_presets_match_their_golden_traces() {
    use wirelab_core::tls;
    let failures: Vec<String> = tls::presets()
        .into_iter()
        .filter_map(|(id, _, s)| check(&format!("tls-{id}"), &tls::run(&s).trace.to_text()).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn oauth_presets_match_their_golden_traces() {
    use wirelab_core::oauth;
    let failures: Vec<String> = oauth::scenario::presets()
        .into_iter()
        .filter_map(|(id, _, s)| check(&format!("oauth-{id}"), &oauth::run(&s).to_text()).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn cache_presets_match_their_golden_traces() {
    use wirelab_core::cache::{self, scenario};
    let failures: Vec<String> = scenario::presets()
        .into_iter()
        .filter_map(|(id, _, s)| check(&format!("cache-{id}"), &cache::run(&s).trace.to_text()).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn application_cache_presets_match_their_golden_reports() {
    use wirelab_core::cache::app;
    let failures: Vec<String> = app::presets()
        .into_iter()
        .filter_map(|(id, title, s)| {
            let r = app::run(&s);
            let mut text = format!("# {title}\n");
            for line in &r.summary {
                text.push_str(&format!("{line}\n"));
            }
            text.push_str("bucket: reads hits db_queries mean_latency_us\n");
            for b in &r.buckets {
                let mean = if b.reads == 0 { 0 } else { b.latency_sum / b.reads as u64 };
                text.push_str(&format!("{}: {} {} {} {}\n", b.start, b.reads, b.hits, b.db_queries, mean));
            }
            for q in r.requests.iter().take(40) {
                text.push_str(&format!("{} k{} {:?} {}us v{}/{} [{}] {}\n", q.at, q.key, q.outcome, q.latency, q.version, q.current, q.commands.join("; "), q.why));
            }
            check(&format!("cache-app-{id}"), &text).err()
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn http_presets_match_their_golden_traces() {
    use wirelab_core::http::{run, scenario};
    let failures: Vec<String> = scenario::presets()
        .into_iter()
        .filter_map(|(id, _, s)| check(&format!("http-{id}"), &run::run(&s).to_text()).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn cookies_presets_match_their_golden_traces() {
    use wirelab_core::cookies::{run, scenario};
    let failures: Vec<String> = scenario::presets()
        .into_iter()
        .filter_map(|(id, _, s)| check(&format!("cookies-{id}"), &run::run(&s).trace.to_text()).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
