//! Every input has a stated size limit, checked before any work, and hitting it gives a
//! message that says which limit (issue 15). Limits with tests next to their code (the link's
//! deflate bomb, a huge TCP paste, the rate limiter's times and names, whole numbers) are not
//! repeated here.

use wirelab_core::dns::scenario::{limits as dns_limits, DnsForm, DnsScenario};
use wirelab_core::dns::wire::Name;
use wirelab_core::dns::zonefile;
use wirelab_core::jwt::keys::{from_jwk, RSA_BITS_MAX};
use wirelab_core::jwt::scenario::{limits as jwt_limits, JwtForm, JwtScenario};
use wirelab_core::jwt::token::{self, TokenError, INPUT_MAX};
use wirelab_core::permalink::{self, MAX_FRAGMENT_BYTES};
use wirelab_core::ratelimit::text;
use wirelab_core::tcp::scenario::{limits as tcp_limits, TcpForm, TcpScenario};

fn b64(bytes: &[u8]) -> String {
    wirelab_core::base64url::encode(bytes)
}

#[test]
fn a_link_longer_than_its_limit_is_refused_unread() {
    let fragment = format!("#/tcp?s={}", "A".repeat(MAX_FRAGMENT_BYTES));
    let e = permalink::parse(&fragment).unwrap_err().to_string();
    assert!(e.starts_with("The link is too long (") && e.contains(&format!("the limit is {MAX_FRAGMENT_BYTES}")), "{e}");
}

#[test]
fn an_rsa_key_beyond_4096_bits_is_refused_before_any_arithmetic() {
    // A 16384-bit modulus (not a real key: it is never used).
    let n = vec![0xc5; 2048];
    let public = serde_json::json!({ "kty": "RSA", "n": b64(&n), "e": "AQAB" });
    let e = from_jwk(&public).unwrap_err().0;
    assert_eq!(e, format!("the RSA key has 16384 bits; keys of up to {RSA_BITS_MAX} bits are read here (JWTs use 2048 to 4096)"));
    let private = serde_json::json!({ "kty": "RSA", "n": b64(&n), "e": "AQAB", "d": b64(&n), "p": b64(&n[..1024]), "q": b64(&n[..1024]) });
    assert!(from_jwk(&private).unwrap_err().0.starts_with("the RSA key has 16384 bits"));
    // 4096 bits is still read (as far as the modulus goes).
    let at_limit = serde_json::json!({ "kty": "RSA", "n": b64(&[0xc5; 512]), "e": "AQAB" });
    if let Err(e) = from_jwk(&at_limit) {
        assert!(!e.0.contains("bits; keys of up to"), "{}", e.0);
    }
}

#[test]
fn a_token_paste_beyond_its_limit_is_refused_unread() {
    let e = token::find(&"a".repeat(INPUT_MAX + 1)).unwrap_err();
    assert!(matches!(e, TokenError::TooLong { .. }), "{e:?}");
}

#[test]
fn a_jwt_field_beyond_its_limit_names_the_field() {
    let mut form = JwtForm::from(&JwtScenario::default());
    form.public_key = "x".repeat(jwt_limits::TEXT_MAX + 1);
    let errors = form.parse().unwrap_err();
    assert!(errors.iter().any(|e| e.field == "public_key" && e.message.contains(&jwt_limits::TEXT_MAX.to_string())), "{errors:?}");
}

#[test]
fn a_zone_beyond_its_size_or_record_count_is_refused() {
    let origin = Name::parse("example.com").unwrap();
    let soa = "@ 3600 SOA ns1 admin 1 7200 3600 1209600 300\n";
    let long = format!("{soa}{}", "; a comment that makes the zone long\n".repeat(zonefile::TEXT_MAX / 30));
    let e = zonefile::parse(&origin, &long).unwrap_err();
    assert_eq!(e[0].line, 0);
    assert!(e[0].message.contains(&zonefile::TEXT_MAX.to_string()) || e[0].message.contains("KiB"), "{}", e[0].message);
    let many: String = (0..=zonefile::RECORDS_MAX).map(|i| format!("h{i} 60 A 192.0.2.1\n")).collect();
    let e = zonefile::parse(&origin, &format!("{soa}{many}")).unwrap_err();
    // Named at the first record beyond the limit (the SOA, on line 1, is the first record).
    assert_eq!(e[0].line, zonefile::RECORDS_MAX + 1, "{}", e[0].message);
    assert!(e[0].message.contains(&zonefile::RECORDS_MAX.to_string()), "{}", e[0].message);
}

#[test]
fn dns_lookups_beyond_their_count_or_time_are_refused() {
    let mut form = DnsForm::from(&DnsScenario::default());
    form.lookups = (0..=dns_limits::LOOKUPS).map(|i| format!("{i} A www.example.com\n")).collect();
    let errors = form.parse().unwrap_err();
    assert!(errors.iter().any(|e| e.field == "lookups" && e.message.contains(&dns_limits::LOOKUPS.to_string())), "{errors:?}");
    form.lookups = format!("{} A www.example.com", dns_limits::AT_MAX + 1);
    let errors = form.parse().unwrap_err();
    assert!(errors.iter().any(|e| e.field == "lookups" && e.message.contains(&format!("past the end of the simulated week ({} s)", dns_limits::AT_MAX))), "{errors:?}");
}

#[test]
fn traffic_text_beyond_its_limit_is_refused_unread() {
    let e = text::parse(&"1".repeat(text::MAX_CHARS + 1)).unwrap_err();
    assert_eq!(e.line, 0);
    assert!(e.message.contains("200000") || e.message.contains("200,000") || e.message.contains("200 000"), "{}", e.message);
}

#[test]
fn tcp_losses_beyond_their_count_are_refused() {
    let mut form = TcpForm::from(&TcpScenario::default());
    form.lose = (1..=tcp_limits::LOSE_COUNT as u32 + 1).map(|n| n.to_string()).collect::<Vec<_>>().join(",");
    let errors = form.parse().unwrap_err();
    assert!(errors.iter().any(|e| e.field == "lose" && e.message.contains(&tcp_limits::LOSE_COUNT.to_string())), "{errors:?}");
}

#[test]
fn rate_limiter_traffic_beyond_its_request_count_is_refused_before_it_runs() {
    use wirelab_core::ratelimit::scenario::{limits as rate_limits, RateForm, RateScenario};
    let mut form = RateForm::from(&RateScenario::default());
    form.clients.truncate(1);
    form.clients[0].patterns = format!("steady every=1 count={} start=0", rate_limits::REQUESTS + 1);
    let errors = form.parse().unwrap_err();
    assert!(errors.iter().any(|e| e.field == "clients" && e.message == format!("at most {} requests in all", rate_limits::REQUESTS)), "{errors:?}");
    form.clients[0].patterns = format!("steady every=1 count={} start=0", rate_limits::REQUESTS);
    assert!(form.parse().is_ok());
    // Random traffic is counted by drawing it, so its length is limited first.
    form.clients[0].patterns = format!("random start=0 duration={} gap=100000 seed=1", rate_limits::RANDOM_MS + 1);
    let errors = form.parse().unwrap_err();
    assert!(errors.iter().any(|e| e.message == format!("at most {} ms of random traffic in all", rate_limits::RANDOM_MS)), "{errors:?}");
}

#[test]
fn a_plain_link_too_long_to_read_is_written_compressed_and_a_scenario_too_big_for_any_link_is_said_so() {
    use wirelab_core::jwt::scenario::JwtScenario;
    use wirelab_core::permalink::LinkOptions;
    // A fuzz finding: the plain form of a large (valid) scenario was longer than links are read.
    let big = JwtScenario { token: "x".repeat(20_000), ..JwtScenario::default() };
    let plain = permalink::link(&big, 0, LinkOptions { plain: true, ..LinkOptions::default() });
    assert!(plain.contains("?z="), "written compressed instead");
    assert!(permalink::fits(&plain));
    assert_eq!(permalink::scenario::<JwtScenario>(&permalink::parse(&plain).unwrap()).unwrap(), Some(big));
    // Incompressible and valid, yet too big for a link: the share panel says so.
    let mut rng = wirelab_core::rng::SplitMix64::new(7);
    let noise: String = (0..60_000).map(|_| char::from(b'a' + (rng.next_u64() % 26) as u8)).collect();
    let huge = JwtScenario { token: noise, ..JwtScenario::default() };
    assert!(!permalink::fits(&permalink::link(&huge, 0, LinkOptions::default())));
}
