//! Permalinks: the lab, its scenario and the current step, carried in the URL fragment (which
//! never reaches a server).
//!
//! Forms (see `docs/scenarios.md`):
//! - `#/` home; `#/tcp` a lab with its default (or last edited) scenario;
//! - `#/tcp?z=<base64url(raw DEFLATE(scenario JSON))>&step=5`: what the Share button writes;
//! - `#/tcp?s=<base64url(scenario JSON)>&step=5`: the plain form, easy to write by hand;
//! - `&embed=1` on either: embed mode.
//!
//! Every limit is checked before work proportional to the input is done, so a huge or hostile
//! link costs little and never panics.

use crate::base64url;
use crate::scenario::{self, Scenario, ScenarioError};
use std::fmt;

/// The longest fragment accepted, in bytes. Browsers keep far longer URLs, but a scenario never
/// needs this much, and a limit keeps a pasted monster from costing anything.
pub const MAX_FRAGMENT_BYTES: usize = 16 * 1024;
/// The largest scenario JSON accepted after decompression (guards against deflate bombs).
pub const MAX_SCENARIO_BYTES: usize = 64 * 1024;

/// Where a fragment points.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// `None` for the home page.
    pub lab: Option<String>,
    pub payload: Option<Payload>,
    /// The 1-based step number the link names, if any.
    pub step: Option<usize>,
    /// What was wrong with the link's step, if it named one that is not a step number. The
    /// rest of the link still counts: the lab opens its scenario at the first step.
    pub step_error: Option<LinkError>,
    pub embed: bool,
}

/// The scenario carried by a link, still encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// `z=`: base64url of raw DEFLATE of the JSON.
    Compressed(String),
    /// `s=`: base64url of the JSON.
    Plain(String),
}

/// What was wrong with a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkError {
    TooLong { length: usize, limit: usize },
    BadBase64 { parameter: char, error: base64url::DecodeError },
    NotDeflate,
    TooLarge { limit: usize },
    NotUtf8,
    Scenario(ScenarioError),
    BadStep(String),
    StepOutOfRange { requested: usize, steps: usize },
    UnknownLab(String),
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::TooLong { length, limit } => {
                write!(f, "The link is too long ({length} characters; the limit is {limit}).")
            }
            LinkError::BadBase64 { parameter, error } => {
                write!(f, "The link's scenario ({parameter}=…) is damaged: {error}.")
            }
            LinkError::NotDeflate => write!(
                f,
                "The link's scenario (z=…) did not decompress: the link was probably cut short or altered."
            ),
            LinkError::TooLarge { limit } => {
                write!(f, "The link's scenario is larger than {} KiB once decompressed.", limit / 1024)
            }
            LinkError::NotUtf8 => write!(f, "The link's scenario is not UTF-8 text."),
            LinkError::Scenario(e) => write!(f, "The link's scenario was not accepted: {e}."),
            LinkError::BadStep(text) => write!(f, "The link's step {text:?} is not a step number (1, 2, 3…)."),
            LinkError::StepOutOfRange { requested, steps } => write!(
                f,
                "The link asks for step {requested}, but this scenario has {steps} steps."
            ),
            LinkError::UnknownLab(lab) => write!(f, "There is no lab called {lab:?}."),
        }
    }
}

/// Parses a fragment (with or without its leading `#`) into a [`Location`].
pub fn parse(fragment: &str) -> Result<Location, LinkError> {
    if fragment.len() > MAX_FRAGMENT_BYTES {
        return Err(LinkError::TooLong { length: fragment.len(), limit: MAX_FRAGMENT_BYTES });
    }
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let fragment = fragment.strip_prefix('/').unwrap_or(fragment);
    let (path, query) = match fragment.split_once('?') {
        Some((p, q)) => (p, q),
        None => (fragment, ""),
    };
    let path = path.trim_end_matches('/');
    let mut location = Location {
        lab: if path.is_empty() { None } else { Some(lab_id(path)) },
        ..Location::default()
    };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "z" => location.payload = Some(Payload::Compressed(value.to_string())),
            "s" => location.payload = Some(Payload::Plain(value.to_string())),
            "step" => {
                location.step = value.parse::<usize>().ok().filter(|n| *n >= 1);
                location.step_error = match location.step {
                    Some(_) => None,
                    None => Some(LinkError::BadStep(value.chars().take(20).collect())),
                };
            }
            "embed" => location.embed = value != "0",
            // Unknown keys are ignored so that later versions can add some.
            _ => {}
        }
    }
    Ok(location)
}

/// A lab's id as a link spells it: percent-escapes decoded (invalid UTF-8 replaced) and
/// letters lowercased, so `#/TCP` and `#/%74cp` both name the TCP lab.
fn lab_id(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).to_ascii_lowercase()
}

/// The lab a fragment names, read even when the rest of the link is too broken to parse (at
/// most 40 characters of it).
pub fn lab_name(fragment: &str) -> Option<String> {
    let path: String = fragment.trim_start_matches('#').trim_start_matches('/').chars().take(40).take_while(|c| *c != '?').collect();
    let path = path.trim_end_matches('/');
    (!path.is_empty()).then(|| lab_id(path))
}

/// Cheap check for embed mode that works even when the rest of the link is broken.
pub fn is_embed(fragment: &str) -> bool {
    let query = fragment.get(..MAX_FRAGMENT_BYTES.min(fragment.len())).unwrap_or("");
    query.split(['?', '&']).any(|p| p == "embed" || p == "embed=1")
}

/// The scenario JSON text carried by a payload.
pub fn payload_json(payload: &Payload) -> Result<String, LinkError> {
    let bytes = match payload {
        Payload::Plain(text) => {
            // Accept what hand-written links often use: standard base64 and '=' padding.
            let normal: String = text
                .trim_end_matches('=')
                .chars()
                .map(|c| match c {
                    '+' => '-',
                    '/' => '_',
                    c => c,
                })
                .collect();
            let bytes = base64url::decode(&normal).map_err(|error| LinkError::BadBase64 { parameter: 's', error })?;
            if bytes.len() > MAX_SCENARIO_BYTES {
                return Err(LinkError::TooLarge { limit: MAX_SCENARIO_BYTES });
            }
            bytes
        }
        Payload::Compressed(text) => {
            let packed = base64url::decode(text).map_err(|error| LinkError::BadBase64 { parameter: 'z', error })?;
            miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_SCENARIO_BYTES).map_err(|e| {
                match e.status {
                    miniz_oxide::inflate::TINFLStatus::HasMoreOutput => LinkError::TooLarge { limit: MAX_SCENARIO_BYTES },
                    _ => LinkError::NotDeflate,
                }
            })?
        }
    };
    String::from_utf8(bytes).map_err(|_| LinkError::NotUtf8)
}

/// Decodes a location's scenario, if it carries one.
pub fn scenario<S: Scenario>(location: &Location) -> Result<Option<S>, LinkError> {
    match &location.payload {
        None => Ok(None),
        Some(payload) => {
            let json = payload_json(payload)?;
            scenario::from_json::<S>(&json).map(Some).map_err(LinkError::Scenario)
        }
    }
}

/// Checks a 1-based step number against a trace's length and returns the 0-based index.
pub fn resolve_step(requested: usize, steps: usize) -> Result<usize, LinkError> {
    if requested >= 1 && requested <= steps {
        Ok(requested - 1)
    } else {
        Err(LinkError::StepOutOfRange { requested, steps })
    }
}

/// What to put in a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LinkOptions {
    pub include_secrets: bool,
    /// The plain `s=` form instead of the compressed one.
    pub plain: bool,
    pub embed: bool,
}

/// Whether a fragment is short enough to be read back as a link ([`MAX_FRAGMENT_BYTES`]): a
/// scenario can hold more than a link carries (long tokens, zones, application data).
pub fn fits(fragment: &str) -> bool {
    fragment.len() <= MAX_FRAGMENT_BYTES
}

/// The fragment (starting with `#/`) for a lab's scenario at a 0-based step index.
pub fn link<S: Scenario>(scenario: &S, step_index: usize, options: LinkOptions) -> String {
    let unpacked = Unpacked::new(scenario, step_index, options);
    // Level 9: links are written rarely and read often; smaller is better.
    let deflated = unpacked.to_compress().map(|json| miniz_oxide::deflate::compress_to_vec(json, 9));
    unpacked.fragment(deflated.as_deref())
}

/// A link before its scenario is compressed: the JSON it carries and what the link says beside
/// it. [`link`] compresses with `miniz_oxide`. A lab's page has the browser compress instead
/// (`CompressionStream("deflate-raw")`, the same raw DEFLATE), so that the page need not carry
/// a compressor of its own: [`Unpacked::to_compress`] gives the bytes to compress, and
/// [`Unpacked::fragment`] makes the link of what came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unpacked {
    lab: &'static str,
    json: String,
    step_index: usize,
    options: LinkOptions,
}

impl Unpacked {
    pub fn new<S: Scenario>(scenario: &S, step_index: usize, options: LinkOptions) -> Unpacked {
        Unpacked { lab: S::LAB, json: scenario::to_json(scenario, options.include_secrets), step_index, options }
    }

    /// The plain `s=` payload, when it is asked for and a link can carry it.
    fn plain(&self) -> Option<String> {
        // The plain form only while a link can carry it (a fuzz finding: a large scenario's
        // plain link was longer than links are read); past that, the compressed form.
        let plain = format!("s={}", base64url::encode(self.json.as_bytes()));
        (self.options.plain && plain.len() + self.lab.len() + 32 <= MAX_FRAGMENT_BYTES).then_some(plain)
    }

    /// The bytes to compress as raw DEFLATE (RFC 1951), or `None` when the link is plain.
    pub fn to_compress(&self) -> Option<&[u8]> {
        self.plain().is_none().then_some(self.json.as_bytes())
    }

    /// The same link, in or out of embed mode.
    pub fn embedded(&self, embed: bool) -> Unpacked {
        Unpacked { options: LinkOptions { embed, ..self.options }, ..self.clone() }
    }

    /// The fragment, given [`Unpacked::to_compress`]'s bytes as raw DEFLATE. Without them (a
    /// browser that cannot compress) the link is the plain form, which every version reads.
    pub fn fragment(&self, deflated: Option<&[u8]>) -> String {
        let payload = match (self.plain(), deflated) {
            (Some(plain), _) => plain,
            (None, Some(deflated)) => format!("z={}", base64url::encode(deflated)),
            (None, None) => format!("s={}", base64url::encode(self.json.as_bytes())),
        };
        let mut out = format!("#/{}?{payload}&step={}", self.lab, self.step_index + 1);
        if self.options.embed {
            out.push_str("&embed=1");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::tests::Demo;
    use proptest::prelude::*;

    #[test]
    fn home_and_lab_routes() {
        assert_eq!(parse("").unwrap(), Location::default());
        assert_eq!(parse("#/").unwrap(), Location::default());
        assert_eq!(parse("#/tcp").unwrap().lab.as_deref(), Some("tcp"));
        let l = parse("#/tcp/?step=3&embed=1&future=x").unwrap();
        assert_eq!((l.lab.as_deref(), l.step, l.embed), (Some("tcp"), Some(3), true));
    }

    #[test]
    fn lab_names_ignore_case_and_percent_escapes() {
        assert_eq!(parse("#/TCP?step=2").unwrap().lab.as_deref(), Some("tcp"));
        assert_eq!(parse("#/%74Cp").unwrap().lab.as_deref(), Some("tcp"));
        assert_eq!(parse("#/a%20b%").unwrap().lab.as_deref(), Some("a b%"));
        assert_eq!(parse("#/%ff").unwrap().lab.as_deref(), Some("\u{fffd}"));
        // A link too broken to parse still names its lab.
        assert_eq!(lab_name("#/DNS?step=0"), Some("dns".to_string()));
        assert_eq!(lab_name("#/"), None);
        assert_eq!(lab_name(&format!("#/{}", "x".repeat(100))).map(|l| l.len()), Some(40));
    }

    #[test]
    fn compressed_link_round_trips_with_step() {
        let d = Demo { name: "round trip".into(), count: 9, ..Demo::default() };
        let fragment = link(&d, 4, LinkOptions::default());
        assert!(fragment.starts_with("#/demo?z="), "{fragment}");
        let location = parse(&fragment).unwrap();
        assert_eq!(location.step, Some(5));
        assert_eq!(scenario::<Demo>(&location).unwrap(), Some(d));
    }

    #[test]
    fn plain_link_is_base64url_of_the_json() {
        let d = Demo::default();
        let fragment = link(&d, 0, LinkOptions { plain: true, ..LinkOptions::default() });
        let json = scenario::to_json(&d, false);
        assert_eq!(fragment, format!("#/demo?s={}&step=1", base64url::encode(json.as_bytes())));
    }

    #[test]
    fn hand_written_links_accept_standard_base64_and_partial_json() {
        // btoa('{"count":4}') in a browser console.
        let location = parse("#/demo?s=eyJjb3VudCI6NH0=").unwrap();
        assert_eq!(scenario::<Demo>(&location).unwrap().unwrap().count, 4);
    }

    #[test]
    fn secrets_left_out_unless_asked() {
        let d = Demo { secret: "hunter2".into(), ..Demo::default() };
        let without = link(&d, 0, LinkOptions { plain: true, ..LinkOptions::default() });
        let back = scenario::<Demo>(&parse(&without).unwrap()).unwrap().unwrap();
        assert_eq!(back.secret, "");
        let with = link(&d, 0, LinkOptions { plain: true, include_secrets: true, ..LinkOptions::default() });
        assert_eq!(scenario::<Demo>(&parse(&with).unwrap()).unwrap().unwrap().secret, "hunter2");
    }

    #[test]
    fn each_failure_names_its_cause() {
        let long = format!("#/demo?s={}", "A".repeat(MAX_FRAGMENT_BYTES));
        assert!(matches!(parse(&long), Err(LinkError::TooLong { .. })));
        // A bad step is reported, and the rest of the link kept.
        for (text, fragment) in [("zero", "#/demo?s=e30&step=zero"), ("0", "#/demo?s=e30&step=0")] {
            let l = parse(fragment).unwrap();
            assert_eq!((l.step, l.step_error), (None, Some(LinkError::BadStep(text.into()))));
            assert_eq!(l.payload, Some(Payload::Plain("e30".into())));
        }
        let bad = parse("#/demo?z=ab*d").unwrap();
        assert!(matches!(scenario::<Demo>(&bad), Err(LinkError::BadBase64 { parameter: 'z', .. })));
        let not_deflate = parse(&format!("#/demo?z={}", base64url::encode(b"hello, not deflate"))).unwrap();
        assert_eq!(scenario::<Demo>(&not_deflate), Err(LinkError::NotDeflate));
        let not_utf8 = parse(&format!("#/demo?s={}", base64url::encode(&[0xff, 0xfe]))).unwrap();
        assert_eq!(scenario::<Demo>(&not_utf8), Err(LinkError::NotUtf8));
        let invalid = parse(&format!("#/demo?s={}", base64url::encode(br#"{"count":99}"#))).unwrap();
        assert!(matches!(scenario::<Demo>(&invalid), Err(LinkError::Scenario(ScenarioError::Values(_)))));
        assert_eq!(resolve_step(3, 2), Err(LinkError::StepOutOfRange { requested: 3, steps: 2 }));
        assert_eq!(resolve_step(2, 2), Ok(1));
    }

    #[test]
    fn deflate_bombs_are_stopped_at_the_limit() {
        let huge = vec![b' '; MAX_SCENARIO_BYTES * 4];
        let packed = miniz_oxide::deflate::compress_to_vec(&huge, 9);
        let fragment = format!("#/demo?z={}", base64url::encode(&packed));
        assert!(fragment.len() < MAX_FRAGMENT_BYTES, "the bomb fits in a link");
        let location = parse(&fragment).unwrap();
        assert_eq!(scenario::<Demo>(&location), Err(LinkError::TooLarge { limit: MAX_SCENARIO_BYTES }));
    }

    #[test]
    fn a_link_compressed_elsewhere_reads_the_same() {
        // What a page does: the browser compresses (another DEFLATE encoder, other choices of
        // matches and codes); the link still opens the same scenario at the same step.
        let d = Demo { name: "packed by the browser ".repeat(3), count: 7, ..Demo::default() };
        let unpacked = Unpacked::new(&d, 2, LinkOptions { embed: true, ..LinkOptions::default() });
        let json = unpacked.to_compress().expect("the compressed form");
        let stored = miniz_oxide::deflate::compress_to_vec(json, 0);
        let fast = miniz_oxide::deflate::compress_to_vec(json, 1);
        assert_ne!(stored, fast);
        for deflated in [stored, fast] {
            let fragment = unpacked.fragment(Some(&deflated));
            assert!(fragment.starts_with("#/demo?z=") && fragment.ends_with("&step=3&embed=1"), "{fragment}");
            let location = parse(&fragment).unwrap();
            assert!(location.embed);
            assert_eq!((location.step, scenario::<Demo>(&location).unwrap()), (Some(3), Some(d.clone())));
        }
        // The same link out of embed mode, for "Open in Wirelab".
        let full = unpacked.embedded(false).fragment(Some(&miniz_oxide::deflate::compress_to_vec(json, 9)));
        assert_eq!(full, link(&d, 2, LinkOptions::default()));
    }

    #[test]
    fn without_a_compressor_the_link_is_plain() {
        let d = Demo { count: 3, ..Demo::default() };
        let unpacked = Unpacked::new(&d, 0, LinkOptions::default());
        assert_eq!(unpacked.fragment(None), link(&d, 0, LinkOptions { plain: true, ..LinkOptions::default() }));
        // Asked for plain, there is nothing to compress, and what comes back is ignored.
        let plain = Unpacked::new(&d, 0, LinkOptions { plain: true, ..LinkOptions::default() });
        assert_eq!(plain.to_compress(), None);
        assert_eq!(plain.fragment(Some(b"ignored")), plain.fragment(None));
    }

    #[test]
    fn embed_flag_survives_a_broken_link() {
        assert!(is_embed("#/tcp?z=%%%&embed=1"));
        assert!(!is_embed("#/tcp?z=abc"));
    }

    proptest! {
        #[test]
        fn any_demo_scenario_round_trips(name in ".{0,40}", secret in ".{0,20}", count in 0u32..=10, step in 0usize..500, plain: bool) {
            let d = Demo { v: 2, name, secret, count };
            let options = LinkOptions { include_secrets: true, plain, embed: false };
            let location = parse(&link(&d, step, options)).unwrap();
            prop_assert_eq!(location.step, Some(step + 1));
            prop_assert_eq!(scenario::<Demo>(&location).unwrap(), Some(d));
        }

        #[test]
        fn arbitrary_fragments_never_panic(fragment in ".{0,300}") {
            if let Ok(location) = parse(&fragment) {
                let _ = scenario::<Demo>(&location);
            }
            let _ = is_embed(&fragment);
        }

        #[test]
        fn arbitrary_bytes_as_payload_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let encoded = base64url::encode(&bytes);
            for fragment in [format!("#/demo?z={encoded}"), format!("#/demo?s={encoded}")] {
                let location = parse(&fragment).unwrap();
                let _ = scenario::<Demo>(&location);
            }
        }
    }
}
