//! The DNS lab's inputs: the lookups the browser makes, the zones (only those edited; the rest
//! are the example's), the latencies and the resolver's behaviour, and the built-in scenarios.

use super::resolve::{self, DnsRun, Lookup, Setup, Spoofing};
use super::wire::{rtype, Name};
use super::world;
use super::zone::Server;
use super::zonefile::{self, type_by_name};
use crate::scenario::{FieldError, Scenario};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One lookup: when, what type, which name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LookupSpec {
    /// Seconds from the start.
    pub at: u64,
    #[serde(rename = "type")]
    pub qtype: String,
    pub name: String,
}

/// How the recursive resolver picks query IDs and ports, and whether an attacker races it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Attack {
    #[default]
    None,
    /// Sequential IDs from port 53; an attacker forges answers.
    Guessable,
    /// Random IDs and ports; an attacker forges answers.
    Random,
}

/// The DNS lab's scenario, version 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DnsScenario {
    pub v: u32,
    pub lookups: Vec<LookupSpec>,
    /// Zone text by origin, for the zones that differ from the example.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub zones: BTreeMap<String, String>,
    /// One-way delay between this machine and the recursive resolver, in ms.
    pub lan_ms: u32,
    /// One-way delays between the recursive resolver and the root, TLD and authoritative
    /// servers, in ms.
    pub root_ms: u32,
    pub tld_ms: u32,
    pub auth_ms: u32,
    /// The longest the browser keeps an answer, in seconds.
    pub browser_cap_s: u32,
    pub seed: u64,
    pub attack: Attack,
    /// The zones are signed (Ed25519) and the recursive resolver validates.
    pub dnssec: bool,
}

impl Default for DnsScenario {
    fn default() -> Self {
        DnsScenario {
            v: DnsScenario::VERSION,
            lookups: vec![at(0, "A", "www.example.com")],
            zones: BTreeMap::new(),
            lan_ms: 5,
            root_ms: 20,
            tld_ms: 20,
            auth_ms: 20,
            // Chromium keeps host-resolver answers for at most a minute.
            browser_cap_s: 60,
            seed: 1,
            attack: Attack::None,
            dnssec: false,
        }
    }
}

fn at(s: u64, t: &str, name: &str) -> LookupSpec {
    LookupSpec { at: s, qtype: t.into(), name: name.into() }
}

pub mod limits {
    pub const LOOKUPS: usize = 20;
    /// A week of simulated time.
    pub const AT_MAX: u64 = 7 * 86_400;
    pub const DELAY_MS: (u32, u32) = (0, 2000);
    pub const BROWSER_CAP_S: (u32, u32) = (0, 86_400);
}

/// The field key of a zone's text in the editor and in errors.
pub fn zone_key(origin: &str) -> String {
    format!("zone:{origin}")
}

impl DnsScenario {
    /// The text of the zone `origin`: edited, or the example's.
    pub fn zone_text(&self, origin: &str) -> String {
        self.zones.get(origin).cloned().unwrap_or_else(|| world::example_zone(origin).unwrap_or_default().to_string())
    }

    /// The servers and their zones.
    pub fn world(&self) -> Result<Vec<Server>, Vec<FieldError>> {
        world::build(|origin| self.zone_text(origin)).map_err(|errors| {
            errors
                .into_iter()
                .map(|(origin, lines)| {
                    let shown: Vec<String> = lines.iter().take(3).map(|e| e.to_string()).collect();
                    let more = if lines.len() > 3 { format!("; and {} more", lines.len() - 3) } else { String::new() };
                    FieldError::new(&zone_key(&origin), format!("{}{more}", shown.join("; ")))
                })
                .collect()
        })
    }

    fn lookups_parsed(&self) -> Result<Vec<Lookup>, FieldError> {
        if self.lookups.is_empty() {
            return Err(FieldError::new("lookups", "add at least one lookup, e.g. “0 A www.example.com”"));
        }
        if self.lookups.len() > limits::LOOKUPS {
            return Err(FieldError::new("lookups", format!("at most {} lookups", limits::LOOKUPS)));
        }
        self.lookups
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let which = format!("lookup {}", i + 1);
                if l.at > limits::AT_MAX {
                    return Err(FieldError::new("lookups", format!("{which}: {} s is past the end of the simulated week ({} s)", l.at, limits::AT_MAX)));
                }
                let qtype = type_by_name(&l.qtype).ok_or_else(|| FieldError::new("lookups", format!("{which}: “{}” is not a type here; use one of {}", l.qtype, zonefile::TYPES.join(", "))))?;
                let name = Name::parse(&l.name).map_err(|e| FieldError::new("lookups", format!("{which}: {e}")))?;
                if name == Name::ROOT && qtype != rtype::NS && qtype != rtype::SOA {
                    return Err(FieldError::new("lookups", format!("{which}: the name is empty")));
                }
                Ok(Lookup { at_s: l.at, name, qtype })
            })
            .collect()
    }

    /// The resolution inputs, once valid.
    pub fn setup(&self) -> Setup {
        Setup {
            lookups: self.lookups_parsed().unwrap_or_default(),
            lan_ms: self.lan_ms,
            root_ms: self.root_ms,
            tld_ms: self.tld_ms,
            auth_ms: self.auth_ms,
            browser_cap_s: self.browser_cap_s,
            seed: self.seed,
            spoofing: match self.attack {
                Attack::None => Spoofing::None,
                Attack::Guessable => Spoofing::Guessable,
                Attack::Random => Spoofing::Random,
            },
            dnssec: self.dnssec,
        }
    }
}

impl Scenario for DnsScenario {
    const LAB: &'static str = "dns";
    const VERSION: u32 = 1;

    fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if let Err(e) = self.lookups_parsed() {
            errors.push(e);
        }
        for origin in self.zones.keys() {
            if world::example_zone(origin).is_none() {
                let known: Vec<&str> = world::ZONES.iter().map(|(o, _)| *o).collect();
                errors.push(FieldError::new("zones", format!("there is no zone “{origin}” to edit; the zones are {}", known.join(", "))));
            }
        }
        if errors.is_empty() {
            if let Err(e) = self.world() {
                errors.extend(e);
            }
        }
        for (key, v) in [("lan_ms", self.lan_ms), ("root_ms", self.root_ms), ("tld_ms", self.tld_ms), ("auth_ms", self.auth_ms)] {
            if !(limits::DELAY_MS.0..=limits::DELAY_MS.1).contains(&v) {
                errors.push(FieldError::new(key, format!("must be from {} to {} ms", limits::DELAY_MS.0, limits::DELAY_MS.1)));
            }
        }
        if !(limits::BROWSER_CAP_S.0..=limits::BROWSER_CAP_S.1).contains(&self.browser_cap_s) {
            errors.push(FieldError::new("browser_cap_s", format!("must be from {} to {} s", limits::BROWSER_CAP_S.0, limits::BROWSER_CAP_S.1)));
        }
        errors
    }
}

/// Runs a scenario. An invalid one (which the editor never loads) runs as the default.
pub fn run(s: &DnsScenario) -> DnsRun {
    match s.world() {
        Ok(world) => resolve::run(&s.setup(), &world),
        Err(_) => resolve::run(&DnsScenario::default().setup(), &world::example_world()),
    }
}

/// The example zone `origin` with `edit` applied to its text.
fn edited(origin: &str, edit: impl Fn(&str) -> String) -> BTreeMap<String, String> {
    let mut zones = BTreeMap::new();
    zones.insert(origin.to_string(), edit(world::example_zone(origin).unwrap_or_default()));
    zones
}

/// The built-in scenarios: (id, title, scenario).
pub fn presets() -> Vec<(&'static str, &'static str, DnsScenario)> {
    let d = DnsScenario::default;
    let lookups = |l: Vec<LookupSpec>| DnsScenario { lookups: l, ..d() };
    vec![
        ("cold", "Cold lookup: root, TLD, authoritative", d()),
        ("warm", "Warm lookups: browser cache, then the OS cache", lookups(vec![at(0, "A", "www.example.com"), at(10, "A", "www.example.com"), at(120, "A", "www.example.com")])),
        ("ttl", "TTL 3600: asked at 0, 30 and 70 minutes", lookups(vec![at(0, "A", "www.example.com"), at(1800, "A", "www.example.com"), at(4200, "A", "www.example.com")])),
        (
            "ttl-short",
            "TTL 60: the same three lookups, each one upstream",
            DnsScenario {
                zones: edited("example.com", |t| t.replace("www 3600 A", "www 60 A")),
                ..lookups(vec![at(0, "A", "www.example.com"), at(1800, "A", "www.example.com"), at(4200, "A", "www.example.com")])
            },
        ),
        ("cname", "CNAME chain to another zone", lookups(vec![at(0, "A", "blog.example.com")])),
        ("mx", "MX: where mail for example.com goes", lookups(vec![at(0, "MX", "example.com"), at(1, "A", "mail.example.com")])),
        ("ptr", "PTR: reverse lookup of 93.184.216.34", lookups(vec![at(0, "PTR", "34.216.184.93.in-addr.arpa")])),
        ("srv", "SRV: finding a SIP service", lookups(vec![at(0, "SRV", "_sip._tcp.example.com"), at(1, "A", "sip.example.com")])),
        ("txt", "TXT: the SPF record", lookups(vec![at(0, "TXT", "example.com")])),
        ("glue", "Glue: ns1.example.com inside example.com", lookups(vec![at(0, "A", "www.example.com")])),
        (
            "no-glue",
            "Glue removed: a circular delegation fails",
            DnsScenario { zones: edited("com", |t| t.lines().filter(|l| !l.starts_with("ns1.example ")).map(|l| format!("{l}\n")).collect()), ..lookups(vec![at(0, "A", "www.example.com")]) },
        ),
        ("nxdomain", "NXDOMAIN and negative caching", lookups(vec![at(0, "A", "wwww.example.com"), at(200, "A", "wwww.example.com"), at(400, "A", "wwww.example.com")])),
        ("tcp", "Over 512 bytes: truncated, then TCP", lookups(vec![at(0, "TXT", "s4096._domainkey.example.com")])),
        ("spoof-guessable", "Cache poisoning: guessable IDs (simplified)", DnsScenario { attack: Attack::Guessable, ..lookups(vec![at(0, "A", "www.example.com"), at(120, "A", "www.example.com")]) }),
        ("spoof-random", "Cache poisoning: random IDs and ports (simplified)", DnsScenario { attack: Attack::Random, ..lookups(vec![at(0, "A", "www.example.com")]) }),
        ("dnssec", "DNSSEC: the chain of trust from the root (simplified)", DnsScenario { dnssec: true, ..d() }),
        ("dnssec-spoof", "DNSSEC against a forged answer (simplified)", DnsScenario { dnssec: true, attack: Attack::Guessable, ..d() }),
        (
            "tour",
            "Every record type, one after another",
            lookups(vec![
                at(0, "A", "blog.example.com"),
                at(10, "MX", "example.com"),
                at(20, "TXT", "example.com"),
                at(30, "SRV", "_sip._tcp.example.com"),
                at(40, "PTR", "34.216.184.93.in-addr.arpa"),
                at(50, "AAAA", "www.example.com"),
                at(60, "A", "wwww.example.com"),
            ]),
        ),
    ]
}

/// The lookups as editor text, one a line: `30m A www.example.com`.
pub fn lookups_text(lookups: &[LookupSpec]) -> String {
    lookups.iter().map(|l| format!("{} {} {}\n", duration_text(l.at), l.qtype, l.name)).collect()
}

/// Seconds as the editor writes them: `0`, `45s`, `30m`, `1h10m`, `2d`.
pub fn duration_text(s: u64) -> String {
    if s == 0 {
        return "0".into();
    }
    let mut out = String::new();
    let mut rest = s;
    for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] {
        if rest >= size {
            out.push_str(&format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    out
}

/// Reads `90`, `90s`, `30m`, `1h10m`, `2d`.
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let t = text.trim().to_ascii_lowercase();
    if let Ok(n) = t.parse::<u64>() {
        return Ok(n);
    }
    if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("“{text}” is too long a time"));
    }
    let mut total: u64 = 0;
    let mut digits = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let size = match c {
            'd' => 86_400,
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return Err(format!("“{text}” is not a time: write seconds, or e.g. 45s, 30m, 1h10m, 2d")),
        };
        if digits.is_empty() {
            return Err(format!("“{text}” is not a time: a number must come before each unit"));
        }
        // Past u64 is past any limit: say so about what was typed, not a saturated number.
        let too_long = || format!("“{text}” is too long a time");
        let n: u64 = digits.parse().map_err(|_| too_long())?;
        total = n.checked_mul(size).and_then(|n| total.checked_add(n)).ok_or_else(too_long)?;
        digits.clear();
    }
    if !digits.is_empty() || t.is_empty() {
        return Err(format!("“{text}” is not a time: write seconds, or e.g. 45s, 30m, 1h10m, 2d"));
    }
    Ok(total)
}

/// Reads the editor's lookups text. Each line: time, type, name.
pub fn parse_lookups(text: &str) -> Result<Vec<LookupSpec>, FieldError> {
    if text.len() > 16 * 1024 {
        return Err(FieldError::new("lookups", format!("the lookups are {} characters; at most 16384 (and at most {} lookups)", text.len(), limits::LOOKUPS)));
    }
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        let fail = |m: String| FieldError::new("lookups", format!("line {}: {m}", i + 1));
        let [time, qtype, name] = words[..] else {
            return Err(fail("write a time, a type and a name, e.g. “30m A www.example.com”".into()));
        };
        let at = parse_duration(time).map_err(fail)?;
        out.push(LookupSpec { at, qtype: qtype.to_ascii_uppercase(), name: name.to_string() });
    }
    Ok(out)
}

/// What the editor holds, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsForm {
    pub lookups: String,
    /// Every zone's text, in the order of [`world::ZONES`].
    pub zones: Vec<(String, String)>,
    pub lan_ms: String,
    pub root_ms: String,
    pub tld_ms: String,
    pub auth_ms: String,
    pub browser_cap_s: String,
    pub seed: String,
    pub attack: Attack,
    pub dnssec: bool,
}

impl From<&DnsScenario> for DnsForm {
    fn from(s: &DnsScenario) -> DnsForm {
        DnsForm {
            lookups: lookups_text(&s.lookups),
            zones: world::ZONES.iter().map(|(o, _)| (o.to_string(), s.zone_text(o))).collect(),
            lan_ms: s.lan_ms.to_string(),
            root_ms: s.root_ms.to_string(),
            tld_ms: s.tld_ms.to_string(),
            auth_ms: s.auth_ms.to_string(),
            browser_cap_s: s.browser_cap_s.to_string(),
            seed: s.seed.to_string(),
            attack: s.attack,
            dnssec: s.dnssec,
        }
    }
}

impl DnsForm {
    /// The scenario the form describes, or every field's problem.
    pub fn parse(&self) -> Result<DnsScenario, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut number = |key: &str, text: &str| -> u64 {
            crate::scenario::whole_number(text).unwrap_or_else(|e| {
                errors.push(FieldError::new(key, e));
                0
            })
        };
        let lan_ms = number("lan_ms", &self.lan_ms).min(u32::MAX as u64) as u32;
        let root_ms = number("root_ms", &self.root_ms).min(u32::MAX as u64) as u32;
        let tld_ms = number("tld_ms", &self.tld_ms).min(u32::MAX as u64) as u32;
        let auth_ms = number("auth_ms", &self.auth_ms).min(u32::MAX as u64) as u32;
        let browser_cap_s = number("browser_cap_s", &self.browser_cap_s).min(u32::MAX as u64) as u32;
        let seed = number("seed", &self.seed);
        let lookups = match parse_lookups(&self.lookups) {
            Ok(l) => l,
            Err(e) => {
                errors.push(e);
                Vec::new()
            }
        };
        let zones = self.zones.iter().filter(|(o, text)| world::example_zone(o) != Some(text.as_str())).cloned().collect();
        let s = DnsScenario { v: DnsScenario::VERSION, lookups, zones, lan_ms, root_ms, tld_ms, auth_ms, browser_cap_s, seed, attack: self.attack, dnssec: self.dnssec };
        crate::scenario::checked(s, errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{from_json, to_json};

    #[test]
    fn every_preset_is_valid_and_round_trips_through_json_and_the_form() {
        for (id, _, s) in presets() {
            assert!(s.validate().is_empty(), "{id}: {:?}", s.validate());
            assert_eq!(from_json::<DnsScenario>(&to_json(&s, true)).unwrap(), s, "{id}");
            assert_eq!(DnsForm::from(&s).parse().unwrap(), s, "{id}");
        }
    }

    #[test]
    fn the_default_link_carries_no_zone_text() {
        assert!(!to_json(&DnsScenario::default(), true).contains("zones"));
    }

    #[test]
    fn durations_read_and_write() {
        for (text, s) in [("0", 0), ("45s", 45), ("30m", 1800), ("1h10m", 4200), ("2d", 172_800), ("90", 90)] {
            assert_eq!(parse_duration(text), Ok(s), "{text}");
        }
        assert_eq!(duration_text(4200), "1h10m");
        assert!(parse_duration("10x").is_err());
        assert!(parse_duration("h").is_err());
        // Numbers past any time are reported as typed, never as a saturated value.
        for text in ["1h99999999999999999999m", "300000000000000d", "99999999999999999999"] {
            assert_eq!(parse_duration(text), Err(format!("“{text}” is too long a time")));
        }
        assert_eq!(parse_duration("1hm"), Err("“1hm” is not a time: a number must come before each unit".to_string()));
        assert!(parse_duration("5m3").is_err());
    }

    #[test]
    fn editor_errors_name_the_field_and_the_line() {
        let mut f = DnsForm::from(&DnsScenario::default());
        f.lookups = "0 A www.example.com\n10 A\n".into();
        let e = f.parse().unwrap_err();
        assert_eq!((e[0].field.as_str(), e[0].message.as_str()), ("lookups", "line 2: write a time, a type and a name, e.g. “30m A www.example.com”"));
        let mut f = DnsForm::from(&DnsScenario::default());
        f.zones[4].1.push_str("bad 60 MX 99999 mail\n");
        let e = f.parse().unwrap_err();
        assert_eq!(e[0].field, "zone:example.com");
        assert!(e[0].message.contains("MX preference 99999 is too large"), "{}", e[0].message);
        let mut f = DnsForm::from(&DnsScenario::default());
        f.lookups = "0 HINFO www.example.com".into();
        assert!(f.parse().unwrap_err()[0].message.contains("not a type here"));
        f.lookups = "0 A www.example.com\n".repeat(5000);
        assert!(f.parse().unwrap_err()[0].message.contains("at most 16384"));
        f.lookups = "0 A www.example.com\n".repeat(21);
        assert_eq!(f.parse().unwrap_err()[0].message, "at most 20 lookups");
    }

    #[test]
    fn unknown_zones_in_a_link_are_named() {
        let s: Result<DnsScenario, _> = from_json(r#"{"v":1,"zones":{"example.net":"@ 60 A 192.0.2.1"}}"#);
        assert!(s.unwrap_err().to_string().contains("no zone “example.net”"));
    }
}
