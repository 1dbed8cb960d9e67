//! The checks the fuzz targets run (`fuzz/`, `scripts/fuzz.sh`), one function per parser of
//! untrusted input. They are here, not in the targets, so that every input the fuzzer found
//! that once failed is run again by the normal tests (`tests/fuzz_regressions.rs`). Each
//! function panics when a law is broken; the fuzzer reports that as a crash.

use crate::permalink::{self, LinkOptions};
use crate::scenario::{self, Scenario};
use crate::dns::{wire, wire::Name, world, zonefile};
use crate::jwt::{inspect, keys, token};
use crate::ratelimit::text;
use crate::oauth::{self, redirect};
use crate::{dns, jwt, ratelimit, tcp, tls};

/// The time the JWT runs use.
const NOW: i64 = 1_795_305_600;

fn links_lab<S: Scenario + std::fmt::Debug>(location: &permalink::Location) {
    let Ok(Some(s)) = permalink::scenario::<S>(location) else { return };
    for plain in [false, true] {
        let link = permalink::link(&s, 0, LinkOptions { include_secrets: true, plain, embed: false });
        // A scenario may hold more than a link carries; the share panel says so (and offers
        // the JSON export) instead of giving out a link that would not open.
        if !permalink::fits(&link) {
            continue;
        }
        let again = permalink::parse(&link).expect("a written link parses");
        let back = permalink::scenario::<S>(&again).expect("a written link's scenario reads").expect("it has one");
        assert_eq!(back, s, "{link}");
    }
}

/// A link from a stranger: any fragment, for every lab. The scenario a link opens, written back
/// into a link, in both forms and with its secrets, reads back as the same scenario (when the
/// written link is short enough to be a link at all: see `permalink::fits`). (Running
/// what a link opens is `scenario_json`'s work: here the decoding gets the executions.)
pub fn links(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = permalink::lab_name(text);
    let _ = permalink::is_embed(text);
    let Ok(location) = permalink::parse(text) else { return };
    match location.lab.as_deref() {
        Some("tcp") => links_lab::<tcp::scenario::TcpScenario>(&location),
        Some("dns") => links_lab::<dns::scenario::DnsScenario>(&location),
        Some("jwt") => links_lab::<jwt::scenario::JwtScenario>(&location),
        Some("ratelimit") => links_lab::<ratelimit::scenario::RateScenario>(&location),
        Some("tls") => links_lab::<tls::TlsScenario>(&location),
        Some("oauth") => links_lab::<oauth::OAuthScenario>(&location),
        Some("cache") => links_lab::<crate::cache::scenario::CacheScenario>(&location),
        Some("http") => links_lab::<crate::http::scenario::HttpScenario>(&location),
        Some("cookies") => links_lab::<crate::cookies::scenario::CookieScenario>(&location),
        _ => {}
    }
}

fn scenario_json_lab<S: Scenario + std::fmt::Debug>(text: &str, run: impl Fn(&S)) {
    let Ok(s) = scenario::from_json::<S>(text) else { return };
    run(&s);
    let written = scenario::to_json(&s, true);
    assert_eq!(scenario::from_json::<S>(&written).expect("written JSON reads"), s, "{written}");
}

/// Any scenario JSON (a link's payload, or what the browser kept), for every lab: read, run,
/// and written back (secrets included) it reads as the same scenario.
pub fn scenario_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    scenario_json_lab::<tcp::scenario::TcpScenario>(text, |s| drop(tcp::run(s)));
    scenario_json_lab::<dns::scenario::DnsScenario>(text, |s| drop(dns::scenario::run(s)));
    scenario_json_lab::<jwt::scenario::JwtScenario>(text, |s| drop(jwt::run(s, NOW)));
    scenario_json_lab::<ratelimit::scenario::RateScenario>(text, |s| drop(ratelimit::report::run(s)));
    scenario_json_lab::<tls::TlsScenario>(text, |s| drop(tls::run(s)));
    scenario_json_lab::<oauth::OAuthScenario>(text, |s| drop(oauth::run(s)));
    scenario_json_lab::<crate::cache::scenario::CacheScenario>(text, |s| drop(crate::cache::run(s)));
    scenario_json_lab::<crate::http::scenario::HttpScenario>(text, |s| drop(crate::http::run::run(s)));
    scenario_json_lab::<crate::cookies::scenario::CookieScenario>(text, |s| drop(crate::cookies::run::run(&cheap_hashing(s))));
}

/// Any text as a redirect URI (the OAuth lab's registered and sent URIs): refused with a
/// character inside the text, or read into parts whose dot segments resolve once and for all,
/// and whose resolved form reads back as the same origin; and every matching rule answers.
/// (A resolved form may be a byte longer than what was typed: an empty path becomes `/`. So
/// at the length limit it need not read back; a fuzz finding, at 512 bytes.)
pub fn oauth_uri(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match redirect::parse(text) {
        Err(e) => assert!(e.at >= 1 && e.at <= text.chars().count() + 1, "{e}"),
        Ok(uri) => {
            let resolved = uri.resolved();
            let settled = redirect::Uri { path: uri.resolved_path(), ..uri.clone() };
            assert_eq!(settled.resolved(), resolved, "resolving twice changes nothing");
            assert!(resolved.len() <= text.len() + 1, "{resolved}");
            if resolved.len() <= redirect::MAX_LEN {
                let again = redirect::parse(&resolved).expect("a resolved URI reads");
                assert_eq!(again.resolved(), resolved);
                assert_eq!((again.scheme.as_str(), again.host.as_str(), again.port), (uri.scheme.as_str(), uri.host.as_str(), uri.port));
            }
            for rule in redirect::Matching::ALL {
                assert!(rule.allows(text, text), "{rule:?}");
                let _ = rule.allows(text, &resolved);
            }
        }
    }
}


/// HTTP caching by RFC 9111 on any header text. The first byte picks the cache, the status and
/// the method; the rest is, split by U+001F: a Cache-Control value, the request's header lines,
/// the response's, a 304's, and times (comma-separated seconds). Laws: a Cache-Control field
/// written back reads as the same directives; an HTTP-date read is written and read back to
/// the same second; a response served fresh is fresh; a 304's fields end up in the stored
/// response (all but Content-Length and the connection's own).
pub fn cache_headers(data: &[u8]) {
    use crate::cache::rfc9111::{self as rfc, CacheControl, Kind, Stored, Use};
    let Some((&flags, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let mut parts = text.split('\u{1f}');
    let cc_text = parts.next().unwrap_or("");
    let cc = CacheControl::parse(cc_text);
    let again = CacheControl::parse(&cc.to_field());
    assert_eq!(again.directives, cc.directives, "{:?} written as {:?}", cc_text, cc.to_field());
    assert!(again.problems.iter().all(|p| p.contains("more than once")), "{:?}", again.problems);
    if let Some(t) = rfc::parse_http_date(cc_text) {
        assert_eq!(rfc::parse_http_date(&rfc::http_date(t)), Some(t), "{cc_text:?}");
    }
    let fields = |s: &str| -> Vec<(String, String)> { s.lines().filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_string(), v.trim().to_string())).collect() };
    let request = fields(parts.next().unwrap_or(""));
    let mut response = fields(parts.next().unwrap_or(""));
    response.push(("Cache-Control".into(), cc_text.into()));
    let not_modified = fields(parts.next().unwrap_or(""));
    let times: Vec<i64> = parts.next().unwrap_or("").split(',').filter_map(|t| t.trim().parse().ok()).collect();
    let t = |i: usize| times.get(i).copied().unwrap_or(0);
    let kind = if flags & 1 == 0 { Kind::Private } else { Kind::Shared };
    let status = [200, 203, 204, 206, 302, 304, 404, 500, 501, 100][(flags >> 1) as usize % 10];
    let method = ["GET", "HEAD", "POST", "DELETE"][(flags >> 5) as usize % 4];
    let _ = rfc::storable(kind, method, &request, status, &response);
    let stored = Stored { method: method.into(), request: request.clone(), status, response, request_time: t(0), response_time: t(1) };
    let lifetime = stored.lifetime(kind);
    let age = stored.age(t(2));
    assert!(age.current_age >= age.corrected_initial_age && age.current_age >= age.resident_time);
    let reuse = rfc::reuse(kind, &stored, method, &request, t(2));
    if reuse.decision == Use::Fresh {
        assert!(lifetime.seconds > age.current_age, "served fresh when stale: {reuse:?}");
    }
    let _ = rfc::stale_if_error(kind, &stored, t(2));
    let _ = rfc::conditional_headers(&stored);
    let _ = rfc::validates(&stored, &not_modified);
    let updated = rfc::update_from_304(&stored, &not_modified, t(3), t(4));
    for (name, _) in &not_modified {
        let lower = name.to_ascii_lowercase();
        if !["content-length", "connection", "keep-alive", "proxy-connection", "te", "transfer-encoding", "upgrade", "proxy-authenticate", "proxy-authentication-info"].contains(&lower.as_str()) {
            assert_eq!(rfc::field(&updated.response, name), rfc::field(&not_modified, name), "{name}");
        }
    }
    let _ = rfc::invalidates(method, status);
    // The whole text as the lab's events and header lines: each problem names a line of it,
    // and a scenario that validates runs.
    use crate::cache::scenario::{parse_events, parse_headers, CacheScenario};
    let lines = text.lines().count();
    for problem in parse_events(text, "/").err().into_iter().flatten().chain(parse_headers(text).err().into_iter().flatten()) {
        if let Some(n) = problem.strip_prefix("line ").and_then(|r| r.split(':').next()).and_then(|n| n.parse::<usize>().ok()) {
            assert!(n >= 1 && n <= lines, "{problem}");
        }
    }
    let scenario = CacheScenario { events: text.to_string(), cdn: flags & 2 == 0, ..CacheScenario::default() };
    if scenario.validate().is_empty() {
        drop(crate::cache::run(&scenario));
    }
}

/// Any pasted text as a token: finding it (Bearer headers, URLs, cookies), decoding it, and
/// the inspector the page draws from it.
pub fn jwt_token(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(found) = token::find(text) {
        let _ = token::decode(&found.token);
    }
    let _ = token::decode(text);
    let _ = inspect::inspect(text, NOW);
}


/// Any pasted key: JWK, JWKS (with and without a kid), PEM of every label, certificates. A key
/// that reads is written back as a JWK that reads as the same key.
pub fn jwt_keys(data: &[u8]) {
    let _ = keys::certificate_spki(data);
    let Ok(text) = std::str::from_utf8(data) else { return };
    for kid in [None, Some("k1")] {
        if let Ok((key, _)) = keys::parse_any(text, kid) {
            let jwk = keys::private_jwk(&key);
            let back = keys::from_jwk(&jwk).expect("a key's own JWK reads");
            assert_eq!(keys::public_jwk(&back), keys::public_jwk(&key));
            let _ = keys::public_pem(&key);
            let _ = keys::private_pem(&key);
        }
    }
}


/// Any bytes as a DNS message (RFC 1035): decoded, then encoded and decoded again to the same
/// message. Without compression exactly; with it, up to the ASCII case of names: compression
/// matches names without regard to case (RFC 4343), as dnspython does, so a later name may
/// point at an earlier one spelled in another case (a finding of the fuzzer, kept as a
/// regression).
pub fn dns_wire(data: &[u8]) {
    let Ok(message) = wire::decode(data) else { return };
    let plain = wire::decode(&wire::encode(&message, false).bytes).expect("an encoded message decodes");
    assert_eq!(plain, message);
    let compressed = wire::decode(&wire::encode(&message, true).bytes).expect("a compressed message decodes");
    assert_eq!(folded(&compressed), folded(&message));
}

/// The message with every name, in questions, owners and record data, in lowercase.
fn folded(m: &wire::Message) -> wire::Message {
    let records = |rs: &[wire::Record]| rs.iter().map(|r| wire::Record { name: r.name.lowercase(), data: r.data.lowercased(), ..r.clone() }).collect();
    wire::Message {
        header: m.header,
        questions: m.questions.iter().map(|q| wire::Question { name: q.name.lowercase(), ..q.clone() }).collect(),
        answers: records(&m.answers),
        authority: records(&m.authority),
        additional: records(&m.additional),
    }
}


/// Any zone text (RFC 1035 section 5) under each example origin: an error names a line of the
/// text (or 0 for the whole zone), and a zone that reads, printed, reads as the same records.
pub fn dns_zonefile(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let lines = text.lines().count().max(1);
    for (origin, _) in world::ZONES.iter().take(2) {
        let Ok(origin) = Name::parse(origin) else { continue };
        match zonefile::parse(&origin, text) {
            Ok(records) => {
                let printed = zonefile::print(&origin, &records);
                assert_eq!(zonefile::parse(&origin, &printed).expect("a printed zone reads"), records, "{printed}");
            }
            Err(errors) => {
                assert!(!errors.is_empty());
                assert!(errors.iter().all(|e| e.line <= lines), "{errors:?}");
            }
        }
    }
}


/// Any traffic text for the rate limiter: an error names a line of the text (or 0 for the
/// whole text).
pub fn ratelimit_text(data: &[u8]) {
    let Ok(input) = std::str::from_utf8(data) else { return };
    if let Err(e) = text::parse(input) {
        assert!(e.line <= input.lines().count().max(1), "{e}");
    }
}

/// Every editor form of every lab, any text in any field: after a first byte that picks the
/// lab, the input is split at 0x1f into that lab's text fields in turn. A form either reads as
/// a scenario that runs, or names the fields at fault.
pub fn forms(data: &[u8]) {
    // The first byte picks the lab, so each run costs one lab's parse and run.
    let Some((&which, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let mut parts = text.split('\u{1f}').map(str::to_string);
    let mut next = |field: &mut String| {
        if let Some(p) = parts.next() {
            *field = p;
        }
    };

    match which % 9 {
        0 => form_tcp(&mut next),
        1 => form_dns(&mut next),
        2 => form_jwt(&mut next),
        3 => form_rate(&mut next),
        4 => form_tls(&mut next),
        5 => form_oauth(&mut next),
        6 => form_cache(&mut next),
        7 => form_http(&mut next),
        _ => form_cookies(&mut next),
    }
}

fn form_cookies(next: &mut dyn FnMut(&mut String)) {
    use crate::cookies::scenario::{CookieForm, CookieScenario};
    let base = CookieScenario::default();
    let mut f = CookieForm::from(&base);
    let mut flags = String::new();
    next(&mut flags);
    let n = flags.len();
    (f.lax_by_default, f.block_third_party, f.rotate_on_login, f.csrf_token, f.https) = (n % 2 == 0, n % 3 == 0, n % 5 != 0, n % 7 != 0, n % 11 != 0);
    f.part = if n % 4 < 2 { crate::cookies::scenario::Part::Jar } else { crate::cookies::scenario::Part::Sessions };
    f.mode = match n % 13 {
        0 => crate::cookies::sessions::Mode::Jwt,
        1 => crate::cookies::sessions::Mode::Tokens,
        _ => crate::cookies::sessions::Mode::Sessions,
    };
    for field in [&mut f.events, &mut f.s_events, &mut f.s_cookie, &mut f.idle, &mut f.absolute, &mut f.token_ttl, &mut f.hash, &mut f.reset_ttl, &mut f.refresh_ttl, &mut f.password, &mut f.new_password] {
        next(field);
    }
    match f.parse(&base) {
        Ok(s) => drop(crate::cookies::run::run(&cheap_hashing(&s))),
        Err(errors) => assert!(!errors.is_empty()),
    }
}

/// The scenario with its password scheme at its lowest cost (same scheme, same code paths), so
/// a fuzzer's inputs run in microseconds instead of a real hash's tenths of a second.
fn cheap_hashing(s: &crate::cookies::scenario::CookieScenario) -> crate::cookies::scenario::CookieScenario {
    use crate::cookies::passwords::Scheme;
    let mut s = s.clone();
    if let Ok(scheme) = Scheme::parse(&s.sessions.hash) {
        let cheap = match scheme {
            Scheme::Argon2id { .. } => Scheme::Argon2id { m_kib: 8, t: 1, p: 1 },
            Scheme::Bcrypt { .. } => Scheme::Bcrypt { cost: 4 },
            Scheme::Scrypt { .. } => Scheme::Scrypt { log_n: 1, r: 1, p: 1 },
            other => other,
        };
        // The scheme's text reads back to the scheme.
        assert_eq!(Scheme::parse(&scheme.text()), Ok(scheme));
        s.sessions.hash = cheap.text();
    }
    s
}

/// Cookies as a browser and a server read them. The first byte picks the scheme (bit 0: http),
/// who sets the cookie (bit 1: a script) and the browser's policy (bits 2 and 3); the rest is,
/// split by U+001F, a Set-Cookie value (also read as a server reads a Cookie header), the
/// address after `scheme://`, and a cookie date. Laws: a date read is written as an HTTP-date
/// and read back to the same second; each attribute read has its bytes in the line; every pair
/// a server reads from a Cookie header is in its text; a cookie the jar stores from an address
/// goes back to that host at its own path.
pub fn cookies(data: &[u8]) {
    use crate::cookies::jar::{Api, Context, Jar, Outcome, Policy, Url};
    use crate::cookies::{date, set_cookie};
    let Some((&flags, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let mut parts = text.split('\u{1f}');
    let line = parts.next().unwrap_or("");
    let address = parts.next().unwrap_or("");
    let date_text = parts.next().unwrap_or("");
    match date::parse(date_text) {
        Ok(d) => {
            let written = crate::cache::rfc9111::http_date(d.at);
            assert_eq!(date::parse(&written).map(|x| x.at), Ok(d.at), "{date_text:?} written as {written}");
        }
        Err(e) => assert!(!e.0.is_empty()),
    }
    if let Ok(p) = set_cookie::parse(line) {
        let segments = set_cookie::segments(line);
        assert_eq!(segments.len(), p.attributes.len() + 1, "{line:?}");
        for (a, (start, end)) in p.attributes.iter().zip(&segments[1..]) {
            assert!(line[*start..*end].starts_with(a.name.as_str()), "{line:?}: {} at {start}..{end}", a.name);
        }
    }
    // A server reading the line as a Cookie header: every pair it finds is in the text.
    for (n, v) in crate::cookies::jar::parse_cookie_header(line) {
        assert!(!n.is_empty() && line.contains(n.as_str()) && line.contains(v.as_str()), "{line:?}");
    }
    let scheme = if flags & 1 == 0 { "https" } else { "http" };
    let api = if flags & 2 == 0 { Api::Http } else { Api::Script };
    let Ok(url) = Url::parse(&format!("{scheme}://{address}")) else { return };
    let policy = Policy { lax_by_default: flags & 4 == 0, block_third_party: flags & 8 != 0 };
    let mut jar = Jar::default();
    let r = jar.set(line, &url, &Context::typed(), api, policy, 0);
    if matches!(r.outcome, Outcome::Stored) {
        let c = r.cookie.expect("a stored cookie is returned");
        let back = Url { path: c.path.clone(), ..url.clone() };
        let decisions = jar.decide(&back, &Context::typed(), api, policy, 0);
        assert!(decisions.iter().any(|d| d.sent && jar.cookies[d.index] == c), "{line:?} from {address:?}: {decisions:?}");
        assert!(jar.header(&decisions).contains(&c.pair()));
    }
}

fn form_http(next: &mut dyn FnMut(&mut String)) {
    use crate::http::scenario::{HttpForm, HttpScenario};
    let base = HttpScenario::default();
    let mut f = HttpForm::from(&base);
    let mut which = String::new();
    next(&mut which);
    f.part = [crate::http::scenario::Part::Cors, crate::http::scenario::Part::Methods, crate::http::scenario::Part::Status, crate::http::scenario::Part::Journey, crate::http::scenario::Part::Waterfall][which.len() % 5];
    for field in [&mut f.page, &mut f.url, &mut f.method, &mut f.headers, &mut f.body, &mut f.preflight_headers, &mut f.response_headers, &mut f.then, &mut f.then_page, &mut f.item, &mut f.calls, &mut f.requests, &mut f.upstream_ms, &mut f.timeout_ms, &mut f.limit, &mut f.host, &mut f.path, &mut f.rtt_ms, &mut f.tls, &mut f.body_bytes, &mut f.chunk_bytes, &mut f.waterfall.resources, &mut f.w_rtt_ms, &mut f.w_mbps, &mut f.w_loss_percent, &mut f.w_html_kb, &mut f.w_cdn_rtt_ms] {
        next(field);
    }
    match f.parse(&base) {
        Ok(s) => drop(crate::http::run::run(&s)),
        Err(errors) => assert!(!errors.is_empty()),
    }
}

fn form_cache(next: &mut dyn FnMut(&mut String)) {
    let mut f = crate::cache::scenario::CacheForm::from(&Default::default());
    for field in [&mut f.path, &mut f.headers, &mut f.modified_ago, &mut f.events, &mut f.app_reads, &mut f.app_writes, &mut f.app_capacity, &mut f.app_ttl_ms, &mut f.app_keys, &mut f.app_crash_ms] {
        next(field);
    }
    match f.parse() {
        Ok(s) => drop(crate::cache::run(&s)),
        Err(errors) => assert!(!errors.is_empty()),
    }
}

fn form_oauth(next: &mut dyn FnMut(&mut String)) {
    let mut f = oauth::scenario::OAuthForm::from(&Default::default());
    for field in [&mut f.scope, &mut f.redirect_uris, &mut f.redirect_uri, &mut f.client_secret, &mut f.code_ttl_s, &mut f.access_ttl_s, &mut f.id_token_ttl_s, &mut f.now, &mut f.seed, &mut f.device_poll_s, &mut f.callback_delay_s] {
        next(field);
    }
    match f.parse() {
        Ok(s) => drop(oauth::run(&s)),
        Err(errors) => assert!(!errors.is_empty()),
    }
}

fn form_tcp(next: &mut dyn FnMut(&mut String)) {
    let mut f = tcp::scenario::TcpForm::from(&Default::default());
    for field in [&mut f.seed, &mut f.client_isn, &mut f.server_isn, &mut f.rtt_ms, &mut f.mss, &mut f.initial_window, &mut f.client_bytes, &mut f.server_bytes, &mut f.lose, &mut f.msl_ms, &mut f.client_port, &mut f.server_port] {
        next(field);
    }
    match f.parse() {
        Ok(s) => drop(tcp::run(&s)),
        Err(errors) => assert!(!errors.is_empty()),
    }
}

fn form_dns(next: &mut dyn FnMut(&mut String)) {
    let mut f = dns::scenario::DnsForm::from(&Default::default());
    for field in [&mut f.lookups, &mut f.lan_ms, &mut f.root_ms, &mut f.tld_ms, &mut f.auth_ms, &mut f.browser_cap_s, &mut f.seed] {
        next(field);
    }
    if let Some((_, zone)) = f.zones.first_mut() {
        next(zone);
    }
    match f.parse() {
        Ok(s) => drop(dns::scenario::run(&s)),
        Err(errors) => assert!(!errors.is_empty()),
    }
}

fn form_jwt(next: &mut dyn FnMut(&mut String)) {
    let mut f = jwt::scenario::JwtForm::from(&Default::default());
    for field in [&mut f.token, &mut f.public_key, &mut f.secret, &mut f.allowed, &mut f.now, &mut f.skew_s, &mut f.audience, &mut f.issuer, &mut f.access_ttl_s, &mut f.refresh_ttl_s] {
        next(field);
    }
    match f.parse() {
        Ok(s) => drop(jwt::run(&s, NOW)),
        Err(errors) => assert!(!errors.is_empty()),
    }
}

fn form_rate(next: &mut dyn FnMut(&mut String)) {
    let mut f = ratelimit::scenario::RateForm::from(&Default::default());
    for field in [&mut f.limit, &mut f.window_ms, &mut f.burst, &mut f.duration_ms] {
        next(field);
    }
    if let Some(c) = f.clients.first_mut() {
        for field in [&mut c.name, &mut c.user, &mut c.ip, &mut c.patterns] {
            next(field);
        }
    }
    match f.parse() {
        Ok(s) => drop(ratelimit::report::run(&s)),
        Err(errors) => assert!(!errors.is_empty()),
    }
}

fn form_tls(next: &mut dyn FnMut(&mut String)) {
    let mut f = tls::scenario::TlsForm::from(&Default::default());
    for field in [
        &mut f.seed,
        &mut f.rtt_ms,
        &mut f.client_random,
        &mut f.server_random,
        &mut f.client_key,
        &mut f.server_key,
        &mut f.client_suites,
        &mut f.server_suites,
        &mut f.client_groups,
        &mut f.key_shares,
        &mut f.server_groups,
        &mut f.signature_algorithms,
        &mut f.server_name,
        &mut f.client_alpn,
        &mut f.server_alpn,
        &mut f.request,
        &mut f.response,
        &mut f.early_data,
        &mut f.ticket_age_ms,
        &mut f.client_versions,
        &mut f.server_versions,
        &mut f.responder_rtt_ms,
        &mut f.now,
    ] {
        next(field);
    }
    // The cipher suite explainer reads what is typed into its own field.
    let mut suite = String::new();
    next(&mut suite);
    if let Err(e) = tls::suites::explain(&suite) {
        assert!(!e.is_empty());
    }
    f.resume = f.early_data.len() % 2 == 1;
    // The revocation choices are menus and checkboxes: set from what was typed.
    let pick = f.server_name.len() + f.request.len();
    f.carried.revocation = [tls::scenario::Method::None, tls::scenario::Method::Crl, tls::scenario::Method::Ocsp, tls::scenario::Method::Stapled][pick % 4];
    (f.carried.revoked, f.carried.responder_down, f.carried.hard_fail) = (pick & 4 != 0, pick & 8 != 0, pick & 16 != 0);
    match f.parse() {
        Ok(s) => drop(tls::run(&s)),
        Err(errors) => assert!(!errors.is_empty()),
    }
}

/// Any bytes as an X.509 certificate (the TLS lab's Certificate messages), a CRL, an OCSP
/// request and an OCSP response: read, or refused with a message; what reads has every
/// field's bytes inside the input.
pub fn x509(data: &[u8]) {
    let inside = |fields: &[crate::trace::Field]| fields.iter().all(|f| f.bytes.is_some_and(|b| b.start <= b.end && b.end <= data.len()));
    match tls::x509::parse(data) {
        Ok(c) => assert!(inside(&c.fields)),
        Err(e) => assert!(!e.is_empty()),
    }
    match tls::revocation::read_crl(data, 0) {
        Ok(c) => assert!(inside(&c.fields)),
        Err(e) => assert!(!e.is_empty()),
    }
    match tls::revocation::read_ocsp_response(data, 0) {
        Ok(r) => assert!(inside(&r.fields)),
        Err(e) => assert!(!e.is_empty()),
    }
    match tls::revocation::read_ocsp_request(data, 0) {
        Ok((_, fields)) => assert!(inside(&fields)),
        Err(e) => assert!(!e.is_empty()),
    }
    let _ = tls::x509::validate(&[data.to_vec()], &[data.to_vec()], "example.com", 1_795_341_600);
}


/// The HTTP lab's CORS core on any fetch and any answers: the input is the method, the
/// script's headers, the preflight's answer, the response's and the request URL, separated
/// by U+001F; headers one `name: value` a line. The first byte picks the credentials mode and
/// the two statuses. Checks: a URL is read or refused at a character inside it; nothing is sent
/// when fetch throws; a forbidden header is never sent; a preflight goes exactly when the
/// method or a header is not safelisted, and names them sorted and lower-case; a response the
/// script reads passed the CORS check; every failure has its console line.
pub fn cors(data: &[u8]) {
    use crate::http::cors::{self, Answer, Credentials, Fetch, PreflightCache};
    let Some((&flags, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let mut parts = text.split('\u{1f}');
    let method = parts.next().unwrap_or("GET").to_string();
    let fields = |s: &str| -> Vec<(String, String)> { s.lines().filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_string(), v.to_string())).collect() };
    let headers = fields(parts.next().unwrap_or(""));
    let statuses = [200, 204, 301, 302, 401, 500, 206, 299];
    let pre = Answer { status: statuses[(flags >> 2) as usize % 8], headers: fields(parts.next().unwrap_or("")) };
    let ans = Answer { status: statuses[(flags >> 5) as usize % 8], headers: fields(parts.next().unwrap_or("")) };
    let url = parts.next().filter(|u| !u.is_empty()).unwrap_or("https://api.example/items").to_string();
    if let Err(e) = cors::parse_url(&url) {
        assert!(e.at >= 1 && e.at <= url.chars().count().max(1), "{e:?} in {url:?}");
    }
    let credentials = Credentials::ALL[flags as usize % 3];
    let page = "https://app.example";
    let fetch = Fetch { page: page.into(), url, method: method.clone(), headers: headers.clone(), credentials };
    let mut cache = PreflightCache::default();
    let d = cors::decide(&fetch, &pre, &ans, &mut cache, 0);
    if d.type_error.is_some() {
        assert!(d.preflight.is_none() && d.request.is_none());
        return;
    }
    let prepared = cors::prepare(&method, &headers).expect("decide did not throw");
    if let Some(request) = &d.request {
        for (name, value) in &headers {
            if cors::forbidden_header(name, value.trim_matches([' ', '\t', '\n', '\r'])).is_some() && !name.eq_ignore_ascii_case("Origin") {
                assert!(request.header_value(name).is_none(), "{name} was sent");
            }
        }
    }
    if d.same_origin {
        assert!(d.ok() && d.preflight.is_none());
        return;
    }
    let (names, _) = cors::unsafe_names(&prepared.headers);
    assert_eq!(d.preflight.is_some(), !cors::is_safelisted_method(&prepared.method) || !names.is_empty());
    if let Some(p) = &d.preflight {
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted, names);
        assert_eq!(p.header_value("Access-Control-Request-Headers").map(str::to_string), (!names.is_empty()).then(|| names.join(",")));
        // A refused preflight leaves nothing in the cache.
        assert!(d.request.is_some() || cache.entries.is_empty());
    }
    if d.ok() {
        assert!(cors::cors_check(page, credentials, &ans.headers).1.is_ok());
        assert!(!d.exposed.iter().any(|n| n == "set-cookie"));
    } else {
        assert!(d.console.as_deref().is_some_and(|l| l.starts_with("Access to fetch at '")));
    }
}

/// Any bytes as an HTTP/1.1 message (the first byte says whether it answers HEAD): refused at a
/// byte inside the input, or read with no more bytes than there are; and what was read,
/// written again with a Content-Length, reads back as the same message.
pub fn http_wire(data: &[u8]) {
    use crate::http::wire;
    let Some((&flags, bytes)) = data.split_first() else { return };
    match wire::parse(bytes, flags & 1 == 1) {
        Err(e) => assert!(e.at <= bytes.len(), "{e:?}"),
        Ok(p) => {
            assert!(p.consumed <= bytes.len());
            let mut m = p.message.clone();
            m.headers.retain(|(n, _)| !n.eq_ignore_ascii_case("content-length") && !n.eq_ignore_ascii_case("transfer-encoding"));
            let body = std::mem::take(&mut m.body);
            // Written again it gains a Content-Length: past the reader's field limit, it is
            // rightly refused (a fuzz finding, in this check, not in the reader).
            if m.headers.len() >= wire::MAX_FIELDS {
                return;
            }
            let m = m.header("Content-Length", &body.len().to_string());
            let mut again = m.bytes();
            again.extend_from_slice(&body);
            let status = m.status();
            let bodiless = status.is_some_and(|s| (100..200).contains(&s) || s == 204 || s == 304);
            if let Ok(q) = wire::parse(&again, false) {
                assert_eq!(q.message.start, m.start);
                assert_eq!(q.message.headers, m.headers);
                if !bodiless {
                    assert_eq!(q.message.body, body);
                }
            } else {
                // Only a start line the writer passes through unchanged can fail again: never.
                panic!("a message read and written again does not read: {:?}", String::from_utf8_lossy(&again));
            }
        }
    }
}
