//! Property tests of the cookies lab's core: no Set-Cookie text, cookie date, address or event
//! text panics it, and the jar's laws hold on random cookies and requests.

use proptest::prelude::*;
use wirelab_core::cache::rfc9111::http_date;
use wirelab_core::cookies::jar::{self, Api, Context, Jar, Outcome, Policy, Url};
use wirelab_core::cookies::{date, run, scenario, set_cookie};

/// Attributes, from the ones browsers know (in any case, with odd values) and from anything.
fn attribute() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "Secure", "HttpOnly", "secure", "Path=/", "Path=/a", "Path=/a/", "Path=", "path=rel", "Domain=example.com", "Domain=.example.com", "Domain=com",
            "Domain=www.example.com", "Domain=other.test", "Domain=", "Max-Age=60", "Max-Age=0", "Max-Age=-1", "Max-Age=1e3", "max-age=99999999999999999999999",
            "Expires=Wed, 01 Dec 2027 10:00:00 GMT", "Expires=Thu, 01 Jan 1970 00:00:00 GMT", "expires=garbage", "SameSite=Strict", "SameSite=Lax", "SameSite=None",
            "samesite=sometimes", "Partitioned", "Flavour=choc", "",
        ])
        .prop_map(String::from),
        "\\PC{0,30}",
    ]
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![prop::sample::select(vec!["sid", "__Host-sid", "__Secure-id", "__host-x", "a", "", " b "]).prop_map(String::from), "[^;=\\r\\n\\x00]{0,12}"]
}

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        (name(), "[^;\\r\\n\\x00]{0,20}", prop::collection::vec(attribute(), 0..6)).prop_map(|(n, v, a)| {
            let mut s = format!("{n}={v}");
            for x in a {
                s.push_str("; ");
                s.push_str(&x);
            }
            s
        }),
        ".{0,120}",
    ]
}

fn address() -> impl Strategy<Value = String> {
    let scheme = prop::sample::select(vec!["https", "http", "wss"]);
    let host = prop::sample::select(vec!["example.com", "www.example.com", "a.b.example.com", "other.test", "localhost", "127.0.0.1", "co.uk", "shop.co.uk"]);
    let path = prop::sample::select(vec!["/", "/a", "/a/b", "/a/", "/ab", "/a%2Fb", ""]);
    (scheme, host, path).prop_map(|(s, h, p)| format!("{s}://{h}{p}"))
}

fn context() -> impl Strategy<Value = Context> {
    (prop::option::of(address()), any::<bool>(), prop::sample::select(vec!["GET", "POST", "PUT"])).prop_map(|(from, navigation, method)| Context {
        initiator: from.and_then(|f| Url::parse(&f).ok()),
        navigation,
        method: method.into(),
        top_level: None,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Any date text reads or is refused with a reason; a date read, written as an HTTP-date,
    /// reads back to the same second.
    #[test]
    fn dates(text in prop_oneof!["\\PC{0,40}", ".{0,40}", "[0-9]{1,3} (jan|Feb|MAR|apr) [0-9]{2,4} [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}"]) {
        match date::parse(&text) {
            Ok(d) => prop_assert_eq!(date::parse(&http_date(d.at)).map(|x| x.at), Ok(d.at)),
            Err(e) => prop_assert!(!e.0.is_empty()),
        }
    }

    /// Any line is read or ignored with a reason; each attribute read sits in its own bytes.
    #[test]
    fn set_cookie_lines(line in line()) {
        match set_cookie::parse(&line) {
            Ok(p) => {
                let seg = set_cookie::segments(&line);
                prop_assert_eq!(seg.len(), p.attributes.len() + 1);
                prop_assert!(!p.name.is_empty());
                for (a, (s, e)) in p.attributes.iter().zip(&seg[1..]) {
                    prop_assert!(line[*s..*e].starts_with(a.name.as_str()));
                }
            }
            Err(e) => prop_assert!(!e.reason.is_empty()),
        }
    }

    /// The jar's laws on random cookies and requests: a refusal says why; a stored cookie
    /// obeys the rules it was stored under (Secure only from a secure address, prefixes kept,
    /// SameSite=None only with Secure); a cookie goes back to the host and path it was set for;
    /// no cookie goes to a host outside its domain, to a path outside its path, or over http
    /// when Secure; a script never sees an HttpOnly cookie; the header holds exactly the sent.
    #[test]
    fn the_jar(lines in prop::collection::vec((line(), address(), context(), any::<bool>()), 1..6), asks in prop::collection::vec((address(), context(), any::<bool>()), 1..4), lax in any::<bool>(), block in any::<bool>(), later in 0i64..1000) {
        let policy = Policy { lax_by_default: lax, block_third_party: block };
        let mut j = Jar::default();
        for (line, from, ctx, script) in &lines {
            let Ok(url) = Url::parse(from) else { continue };
            let api = if *script { Api::Script } else { Api::Http };
            let r = j.set(line, &url, ctx, api, policy, 0);
            if r.outcome == Outcome::Refused {
                prop_assert!(r.checks.last().is_some_and(|c| !c.ok && !c.text.is_empty()));
                continue;
            }
            let Some(c) = r.cookie else { continue };
            prop_assert!(!c.secure || url.secure());
            prop_assert!(!(c.http_only && api == Api::Script) || r.outcome != Outcome::Stored);
            let lower = c.name.to_ascii_lowercase();
            prop_assert!(!lower.starts_with("__secure-") || c.secure);
            prop_assert!(!lower.starts_with("__host-") || (c.secure && c.host_only && c.path == "/"));
            prop_assert!(c.same_site != Some(set_cookie::SameSite::None) || c.secure);
            if r.outcome == Outcome::Stored && c.partition.is_none() {
                let back = Url { path: c.path.clone(), ..url.clone() };
                let d = j.decide(&back, &Context::typed(), Api::Http, policy, 0);
                prop_assert!(d.iter().any(|d| d.sent && j.cookies[d.index] == c));
            }
        }
        for (to, ctx, script) in &asks {
            let Ok(url) = Url::parse(to) else { continue };
            let api = if *script { Api::Script } else { Api::Http };
            let d = j.decide(&url, ctx, api, policy, later);
            prop_assert_eq!(d.len(), j.cookies.len());
            let mut header = Vec::new();
            for x in d.iter().filter(|x| x.sent) {
                let c = &j.cookies[x.index];
                prop_assert!(jar::domain_match(&url.host, &c.domain));
                prop_assert!(!c.host_only || url.host == c.domain);
                prop_assert!(jar::path_match(&url.path, &c.path));
                prop_assert!(!c.secure || url.secure());
                prop_assert!(!(c.http_only && api == Api::Script));
                prop_assert!(!c.expired(later));
                header.push(c.pair());
            }
            prop_assert_eq!(j.header(&d), header.join("; "));
            prop_assert!(d.iter().all(|x| !x.why.is_empty()));
        }
    }

    /// No event text panics the lab: it is refused line by line, or it runs.
    #[test]
    fn events(text in prop_oneof![".{0,200}", prop::collection::vec(prop_oneof![
        Just("open https://shop.example/ | Set-Cookie: a=1".to_string()),
        Just("wait 2h".to_string()),
        Just("close".to_string()),
        (address(), address(), line()).prop_map(|(u, p, l)| format!("form POST {u} from {p} | Set-Cookie: {l}")),
        (address(), address()).prop_map(|(u, p)| format!("frame {u} in {p}")),
        (address(), line()).prop_map(|(p, l)| format!("script {p} write {l}")),
        ".{0,60}",
    ], 0..8).prop_map(|l| l.join("\n"))]) {
        let s = scenario::CookieScenario { jar: scenario::JarScenario { events: text, ..Default::default() }, ..Default::default() };
        match scenario::parse_events(&s.jar.events) {
            Ok(_) => prop_assert!(!run::run(&s).trace.steps.is_empty()),
            Err(p) => prop_assert!(p.iter().all(|x| !x.is_empty())),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// A server reads any Cookie header without panicking, and reads back exactly the pairs a
    /// browser's jar wrote.
    #[test]
    fn cookie_headers(text in ".{0,200}", pairs in prop::collection::vec(("[A-Za-z0-9_]{1,10}", "[A-Za-z0-9_=/+.-]{0,20}"), 0..8)) {
        let _ = jar::parse_cookie_header(&text);
        let header = pairs.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("; ");
        prop_assert_eq!(jar::parse_cookie_header(&header), pairs);
    }

    /// No sessions scenario panics: its events are refused line by line, or it runs, and every
    /// request the app answers is real HTTP/1.1 bytes.
    #[test]
    fn sessions(text in prop_oneof![".{0,200}", prop::collection::vec(prop::sample::select(vec![
        "laptop: login alice", "phone: login alice", "attacker: login mallory", "laptop: get /account", "phone: get /", "attacker: get /",
        "laptop: post /transfer", "laptop: logout", "phone: logout everywhere", "wait 20m", "wait 13h", "csrf POST /transfer", "csrf GET /transfer?to=x",
        "xss", "sniff", "replay", "fixate", "attacker: logout everywhere",
        "laptop: register alice", "phone: register alice", "laptop: login alice wrong", "phone: login alice old", "laptop: reset alice", "laptop: reset bob",
        "laptop: use reset link", "attacker: use reset link", "laptop: refresh", "phone: refresh", "attacker: refresh", "leak",
    ]), 0..12).prop_map(|l| l.join("\n"))], mode in 0..3u8, https in any::<bool>(), rotate in any::<bool>(), csrf in any::<bool>(), cookie in prop_oneof![Just("Path=/; Secure; HttpOnly; SameSite=Lax".to_string()), Just(String::new()), "[ -~]{0,40}"]) {
        use wirelab_core::cookies::sessions::{self, Mode, SessionScenario};
        let mode = [Mode::Sessions, Mode::Jwt, Mode::Tokens][mode as usize];
        let s = SessionScenario { events: text, mode, https, rotate_on_login: rotate, csrf_token: csrf, cookie, hash: "argon2id m=8 t=1 p=1".into(), ..Default::default() };
        if sessions::parse_events(&s.events).is_ok() {
            let t = sessions::run(&s, sessions::Passwords { password: "pw", new_password: "new pw" });
            for step in t.steps.iter().filter(|st| st.bytes_label.starts_with("HTTP/1.1")) {
                prop_assert!(step.bytes.windows(4).any(|w| w == b"\r\n\r\n"));
            }
        }
    }
}
