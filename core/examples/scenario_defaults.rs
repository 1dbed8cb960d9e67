//! Prints each lab's default scenario as JSON, one object keyed by lab id, for the browser's
//! hostile-input test (tests/hostile.test.mjs), which puts hostile values in every field.

use wirelab_core::scenario::{self, Scenario};
use wirelab_core::{dns, jwt, oauth, ratelimit, tcp, tls};

fn entry<S: Scenario>() -> (String, serde_json::Value) {
    (S::LAB.to_string(), scenario::to_value(&S::default(), true))
}

fn main() {
    let all: serde_json::Map<String, serde_json::Value> =
        [entry::<tcp::scenario::TcpScenario>(), entry::<dns::scenario::DnsScenario>(), entry::<jwt::scenario::JwtScenario>(), entry::<ratelimit::scenario::RateScenario>(), entry::<tls::TlsScenario>(), entry::<oauth::OAuthScenario>(), entry::<wirelab_core::cache::scenario::CacheScenario>(), entry::<wirelab_core::http::scenario::HttpScenario>(), entry::<wirelab_core::cookies::scenario::CookieScenario>()].into_iter().collect();
    println!("{}", serde_json::Value::Object(all));
}
