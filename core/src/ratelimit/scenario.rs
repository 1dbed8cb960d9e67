//! The rate limiter lab's inputs: the limit, the scope, and each client's traffic.

use super::algorithms::{Algorithm, Limits, Micros};
use crate::rng::SplitMix64;
use crate::scenario::{FieldError, Scenario};
use serde::{Deserialize, Serialize};

/// Which requests share one limiter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// One limit for everyone.
    Global,
    /// One limit per user.
    PerUser,
    /// One limit per client address: clients behind one NAT share it.
    PerIp,
}

/// A way requests arrive. Times are milliseconds from the start. In JSON, an object whose
/// `kind` names the variant (`{"kind":"steady","start_ms":0,"every_ms":100,"count":5}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Pattern {
    /// `count` requests, one every `every_ms`, from `start_ms`.
    Steady { start_ms: u64, every_ms: u64, count: u64 },
    /// `count` requests spread evenly over `spread_ms` from `at_ms` (0: all at once).
    Burst { at_ms: u64, count: u64, spread_ms: u64 },
    /// Random arrivals averaging one per `mean_gap_ms` over `duration_ms` from `start_ms`,
    /// drawn as a Bernoulli trial each millisecond from `seed` (a Poisson process in the limit).
    Random { start_ms: u64, duration_ms: u64, mean_gap_ms: u64, seed: u64 },
    /// Requests at the given times.
    Manual { times_ms: Vec<u64> },
}

/// Read as one flat object and then checked against its kind, rather than by serde's
/// internally tagged enums: those buffer the input in a generic `Content` tree, whose code was
/// the largest part of serde in every page that reads traffic (about 50 KiB before wasm-opt).
/// The messages are serde's own: a missing field, an unknown variant, and a field that does not
/// belong to the kind named with the fields that do.
impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        #[derive(Deserialize)]
        #[serde(rename_all = "snake_case")]
        enum Kind {
            Steady,
            Burst,
            Random,
            Manual,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            kind: Kind,
            start_ms: Option<u64>,
            every_ms: Option<u64>,
            count: Option<u64>,
            at_ms: Option<u64>,
            spread_ms: Option<u64>,
            duration_ms: Option<u64>,
            mean_gap_ms: Option<u64>,
            seed: Option<u64>,
            times_ms: Option<Vec<u64>>,
        }
        let r = Raw::deserialize(d)?;
        let fields: &'static [&'static str] = match r.kind {
            Kind::Steady => &["start_ms", "every_ms", "count"],
            Kind::Burst => &["at_ms", "count", "spread_ms"],
            Kind::Random => &["start_ms", "duration_ms", "mean_gap_ms", "seed"],
            Kind::Manual => &["times_ms"],
        };
        let present = [
            ("start_ms", r.start_ms.is_some()),
            ("every_ms", r.every_ms.is_some()),
            ("count", r.count.is_some()),
            ("at_ms", r.at_ms.is_some()),
            ("spread_ms", r.spread_ms.is_some()),
            ("duration_ms", r.duration_ms.is_some()),
            ("mean_gap_ms", r.mean_gap_ms.is_some()),
            ("seed", r.seed.is_some()),
            ("times_ms", r.times_ms.is_some()),
        ];
        if let Some((name, _)) = present.iter().find(|(name, here)| *here && !fields.contains(name)) {
            return Err(D::Error::unknown_field(name, fields));
        }
        let need = |v: Option<u64>, name: &'static str| v.ok_or_else(|| D::Error::missing_field(name));
        Ok(match r.kind {
            Kind::Steady => Pattern::Steady { start_ms: need(r.start_ms, "start_ms")?, every_ms: need(r.every_ms, "every_ms")?, count: need(r.count, "count")? },
            Kind::Burst => Pattern::Burst { at_ms: need(r.at_ms, "at_ms")?, count: need(r.count, "count")?, spread_ms: need(r.spread_ms, "spread_ms")? },
            Kind::Random => Pattern::Random { start_ms: need(r.start_ms, "start_ms")?, duration_ms: need(r.duration_ms, "duration_ms")?, mean_gap_ms: need(r.mean_gap_ms, "mean_gap_ms")?, seed: need(r.seed, "seed")? },
            Kind::Manual => Pattern::Manual { times_ms: r.times_ms.ok_or_else(|| D::Error::missing_field("times_ms"))? },
        })
    }
}

impl Pattern {
    /// How many requests the pattern makes, without keeping them. A random pattern draws once
    /// a millisecond, so counting it costs its duration in draws: see `limits::RANDOM_MS`.
    pub fn count(&self) -> u64 {
        match self {
            Pattern::Steady { count, .. } | Pattern::Burst { count, .. } => *count,
            Pattern::Random { duration_ms, mean_gap_ms, seed, .. } => {
                let mut rng = SplitMix64::new(*seed);
                let threshold = u64::MAX / (*mean_gap_ms).max(1);
                (0..*duration_ms).filter(|_| rng.next_u64() < threshold).count() as u64
            }
            Pattern::Manual { times_ms } => times_ms.len() as u64,
        }
    }

    /// Milliseconds of random traffic: one draw each.
    pub fn random_ms(&self) -> u64 {
        match self {
            Pattern::Random { duration_ms, .. } => *duration_ms,
            _ => 0,
        }
    }

    /// The time of the pattern's last request, in ms; `None` if it is past any `u64` time.
    pub fn last_ms(&self) -> Option<u64> {
        match self {
            Pattern::Steady { start_ms, every_ms, count } => every_ms.checked_mul(count.saturating_sub(1))?.checked_add(*start_ms),
            Pattern::Burst { at_ms, spread_ms, .. } => at_ms.checked_add(*spread_ms),
            Pattern::Random { start_ms, duration_ms, .. } => start_ms.checked_add(*duration_ms),
            Pattern::Manual { times_ms } => Some(times_ms.iter().copied().max().unwrap_or(0)),
        }
    }

    /// Arrival times in microseconds, in order.
    pub fn times(&self) -> Vec<Micros> {
        match self {
            Pattern::Steady { start_ms, every_ms, count } => (0..*count).map(|i| (start_ms + i * every_ms) * 1000).collect(),
            Pattern::Burst { at_ms, count, spread_ms } => {
                (0..*count).map(|i| at_ms * 1000 + if *count > 1 { i * spread_ms * 1000 / (count - 1) } else { 0 }).collect()
            }
            Pattern::Random { start_ms, duration_ms, mean_gap_ms, seed } => {
                let mut rng = SplitMix64::new(*seed);
                let threshold = u64::MAX / (*mean_gap_ms).max(1);
                (0..*duration_ms).filter(|_| rng.next_u64() < threshold).map(|ms| (start_ms + ms) * 1000).collect()
            }
            Pattern::Manual { times_ms } => {
                let mut t: Vec<Micros> = times_ms.iter().map(|ms| ms * 1000).collect();
                crate::order::sort(&mut t);
                t
            }
        }
    }
}

/// A client of the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Client {
    pub name: String,
    pub user: String,
    pub ip: String,
    pub patterns: Vec<Pattern>,
}

impl Default for Client {
    fn default() -> Self {
        Client { name: "client".into(), user: "alice".into(), ip: "192.0.2.1".into(), patterns: Vec::new() }
    }
}

/// The lab's scenario, version 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateScenario {
    pub v: u32,
    /// Requests admitted per window, on average.
    pub limit: u64,
    pub window_ms: u64,
    /// Capacity: token bucket size, queue length, meter size, GCRA burst.
    pub burst: u64,
    pub scope: Scope,
    /// The span the charts cover.
    pub duration_ms: u64,
    pub clients: Vec<Client>,
    /// Which models run, in order.
    pub algorithms: Vec<Algorithm>,
}

impl Default for RateScenario {
    fn default() -> Self {
        RateScenario {
            v: 1,
            limit: 10,
            window_ms: 1000,
            burst: 10,
            scope: Scope::Global,
            duration_ms: 6000,
            clients: vec![Client {
                name: "app".into(),
                user: "alice".into(),
                ip: "192.0.2.1".into(),
                patterns: vec![
                    Pattern::Steady { start_ms: 0, every_ms: 150, count: 40 },
                    Pattern::Burst { at_ms: 2500, count: 25, spread_ms: 200 },
                ],
            }],
            algorithms: Algorithm::ALL.to_vec(),
        }
    }
}

pub mod limits {
    pub const LIMIT: (u64, u64) = (1, 100_000);
    pub const WINDOW_MS: (u64, u64) = (1, 86_400_000);
    pub const BURST: (u64, u64) = (1, 100_000);
    pub const DURATION_MS: (u64, u64) = (1, 86_400_000);
    pub const CLIENTS: usize = 12;
    pub const PATTERNS: usize = 12;
    /// Requests in one scenario: at this many, running all seven models takes about 15 ms
    /// natively and two frames in the page; a million took over a second. (The benchmark's
    /// million requests go through the models directly, not through a scenario.)
    pub const REQUESTS: u64 = 20_000;
    /// Milliseconds of random traffic in one scenario (one draw each): bounds the work of
    /// counting and making it to a few milliseconds.
    pub const RANDOM_MS: u64 = 1_000_000;
    pub const NAME_CHARS: usize = 40;
    /// The latest time of any request, in ms: 24 hours, as long as the longest run.
    pub const TIME_MS: u64 = 86_400_000;
}

impl RateScenario {
    pub fn limits(&self) -> Limits {
        Limits { limit: self.limit, window: self.window_ms * 1000, burst: self.burst }
    }

    pub fn request_count(&self) -> u64 {
        self.clients.iter().flat_map(|c| &c.patterns).map(Pattern::count).fold(0u64, u64::saturating_add)
    }
}

impl Scenario for RateScenario {
    const LAB: &'static str = "ratelimit";
    const VERSION: u32 = 1;

    fn validate(&self) -> Vec<FieldError> {
        use limits::*;
        let mut e = Vec::new();
        let mut range = |field: &str, v: u64, (lo, hi): (u64, u64)| {
            if v < lo || v > hi {
                e.push(FieldError::new(field, format!("must be from {lo} to {hi}")));
            }
        };
        range("limit", self.limit, LIMIT);
        range("window_ms", self.window_ms, WINDOW_MS);
        range("burst", self.burst, BURST);
        range("duration_ms", self.duration_ms, DURATION_MS);
        if self.clients.is_empty() || self.clients.len() > CLIENTS {
            e.push(FieldError::new("clients", format!("between 1 and {CLIENTS} clients")));
        }
        for (i, c) in self.clients.iter().enumerate() {
            if c.patterns.len() > PATTERNS {
                e.push(FieldError::new("clients", format!("client {}: at most {PATTERNS} patterns", i + 1)));
            }
            for (key, what, text) in [("name", "name", &c.name), ("user", "user", &c.user), ("ip", "IP", &c.ip)] {
                let n = text.chars().count();
                if n > NAME_CHARS {
                    e.push(FieldError::new(&format!("clients.{i}.{key}"), format!("the {what} is {n} characters; at most {NAME_CHARS}")));
                }
            }
            let patterns = format!("clients.{i}.patterns");
            for p in &c.patterns {
                let bad = match p {
                    Pattern::Steady { every_ms, .. } => *every_ms == 0,
                    Pattern::Random { mean_gap_ms, .. } => *mean_gap_ms == 0,
                    _ => false,
                };
                if bad {
                    e.push(FieldError::new(&patterns, "a gap of 0 ms would never end"));
                }
                match p.last_ms() {
                    Some(last) if last <= TIME_MS => {}
                    Some(last) => e.push(FieldError::new(&patterns, format!("a request at {last} ms is past the last time allowed, {TIME_MS} ms (24 h)"))),
                    None => e.push(FieldError::new(&patterns, format!("its requests reach past any time (the last time allowed is {TIME_MS} ms, 24 h)"))),
                }
            }
        }
        let random_ms = self.clients.iter().flat_map(|c| &c.patterns).map(Pattern::random_ms).fold(0u64, u64::saturating_add);
        if random_ms > RANDOM_MS {
            e.push(FieldError::new("clients", format!("at most {RANDOM_MS} ms of random traffic in all")));
        } else if self.request_count() > REQUESTS {
            e.push(FieldError::new("clients", format!("at most {REQUESTS} requests in all")));
        }
        if self.algorithms.is_empty() {
            e.push(FieldError::new("algorithms", "choose at least one algorithm"));
        }
        e
    }
}

/// The lab's built-in scenarios: (id, title, scenario).
pub fn presets() -> Vec<(&'static str, &'static str, RateScenario)> {
    let one = |patterns: Vec<Pattern>| vec![Client { name: "app".into(), user: "alice".into(), ip: "192.0.2.1".into(), patterns }];
    let base = RateScenario::default();
    vec![
        ("steady-and-burst", "Steady traffic, then a burst", base.clone()),
        (
            "window-boundary",
            "The window-boundary burst: 100 at 00:59, 100 at 01:00",
            RateScenario {
                limit: 100,
                window_ms: 60_000,
                burst: 100,
                duration_ms: 120_000,
                clients: one(vec![Pattern::Burst { at_ms: 59_500, count: 100, spread_ms: 400 }, Pattern::Burst { at_ms: 60_000, count: 100, spread_ms: 400 }]),
                ..base.clone()
            },
        ),
        (
            "random",
            "Random arrivals at twice the limit",
            RateScenario { clients: one(vec![Pattern::Random { start_ms: 0, duration_ms: 6000, mean_gap_ms: 50, seed: 7 }]), ..base.clone() },
        ),
        (
            "nat",
            "Per-IP limits: two users behind one address",
            RateScenario {
                scope: Scope::PerIp,
                clients: vec![
                    Client { name: "laptop".into(), user: "alice".into(), ip: "203.0.113.7".into(), patterns: vec![Pattern::Steady { start_ms: 0, every_ms: 120, count: 50 }] },
                    Client { name: "phone".into(), user: "bob".into(), ip: "203.0.113.7".into(), patterns: vec![Pattern::Steady { start_ms: 60, every_ms: 120, count: 50 }] },
                    Client { name: "office".into(), user: "carol".into(), ip: "198.51.100.4".into(), patterns: vec![Pattern::Steady { start_ms: 30, every_ms: 200, count: 30 }] },
                ],
                ..base.clone()
            },
        ),
        (
            "heavy",
            "10,000 requests from five clients, one global limit",
            RateScenario {
                limit: 200,
                burst: 200,
                duration_ms: 60_000,
                clients: (0..5)
                    .map(|i| Client {
                        name: format!("client {}", i + 1),
                        user: format!("user{}", i + 1),
                        ip: format!("192.0.2.{}", i + 10),
                        patterns: vec![Pattern::Random { start_ms: 0, duration_ms: 60_000, mean_gap_ms: 30, seed: 100 + i as u64 }],
                    })
                    .collect(),
                ..base
            },
        ),
    ]
}

/// The editor's view of a client: what was typed, kept as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientForm {
    pub name: String,
    pub user: String,
    pub ip: String,
    pub patterns: String,
}

/// The editor's view of the scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateForm {
    pub limit: String,
    pub window_ms: String,
    pub burst: String,
    pub duration_ms: String,
    pub scope: Scope,
    pub algorithms: Vec<Algorithm>,
    pub clients: Vec<ClientForm>,
}

impl From<&RateScenario> for RateForm {
    fn from(s: &RateScenario) -> RateForm {
        RateForm {
            limit: s.limit.to_string(),
            window_ms: s.window_ms.to_string(),
            burst: s.burst.to_string(),
            duration_ms: s.duration_ms.to_string(),
            scope: s.scope,
            algorithms: s.algorithms.clone(),
            clients: s
                .clients
                .iter()
                .map(|c| ClientForm { name: c.name.clone(), user: c.user.clone(), ip: c.ip.clone(), patterns: super::text::format(&c.patterns) })
                .collect(),
        }
    }
}

impl RateForm {
    /// The scenario, or every problem tied to its field (`clients.N.patterns` for a client's
    /// traffic text).
    pub fn parse(&self) -> Result<RateScenario, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut number = |field: &str, text: &str| -> u64 {
            crate::scenario::whole_number(text).unwrap_or_else(|e| {
                errors.push(FieldError::new(field, e));
                0
            })
        };
        let limit = number("limit", &self.limit);
        let window_ms = number("window_ms", &self.window_ms);
        let burst = number("burst", &self.burst);
        let duration_ms = number("duration_ms", &self.duration_ms);
        let mut clients = Vec::new();
        for (i, c) in self.clients.iter().enumerate() {
            match super::text::parse(&c.patterns) {
                Ok(patterns) => clients.push(Client { name: c.name.clone(), user: c.user.clone(), ip: c.ip.clone(), patterns }),
                Err(e) => errors.push(FieldError::new(&format!("clients.{i}.patterns"), e.to_string())),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let s = RateScenario { v: 1, limit, window_ms, burst, scope: self.scope, duration_ms, clients, algorithms: self.algorithms.clone() };
        crate::scenario::checked(s, errors)
    }
}

#[cfg(test)]
mod form_tests {
    use crate::scenario::Scenario as _;

    #[test]
    fn patterns_read_from_json_by_kind_with_serde_messages() {
        let read = |j: &str| serde_json::from_str::<Pattern>(j).map_err(|e| e.to_string());
        let all = [
            Pattern::Steady { start_ms: 1, every_ms: 2, count: 3 },
            Pattern::Burst { at_ms: 4, count: 5, spread_ms: 6 },
            Pattern::Random { start_ms: 7, duration_ms: 8, mean_gap_ms: 9, seed: 10 },
            Pattern::Manual { times_ms: vec![11, 12] },
        ];
        for p in all {
            let j = serde_json::to_string(&p).unwrap();
            assert_eq!(read(&j), Ok(p), "{j}");
        }
        assert_eq!(serde_json::to_string(&Pattern::Manual { times_ms: vec![1] }).unwrap(), r#"{"kind":"manual","times_ms":[1]}"#);
        let err = |j: &str| read(j).unwrap_err();
        assert!(err(r#"{"kind":"steady","start_ms":0,"every_ms":1,"count":1,"at_ms":3}"#).starts_with("unknown field `at_ms`, expected one of `start_ms`, `every_ms`, `count`"));
        assert!(err(r#"{"kind":"steady","start_ms":0,"every_ms":1,"cuont":1}"#).starts_with("unknown field `cuont`"));
        assert!(err(r#"{"kind":"burst","at_ms":0,"count":1}"#).starts_with("missing field `spread_ms`"));
        assert!(err(r#"{"kind":"sometimes"}"#).starts_with("unknown variant `sometimes`"));
        assert!(err(r#"{"start_ms":0}"#).starts_with("missing field `kind`"));
        assert!(err(r#"{"kind":"manual","times_ms":[-1]}"#).contains("invalid value"));
    }

    #[test]
    fn request_times_and_names_have_stated_limits() {
        let at = |patterns: Vec<Pattern>| RateScenario { clients: vec![Client { patterns, ..Client::default() }], ..RateScenario::default() };
        let messages = |s: RateScenario| s.validate().into_iter().map(|e| (e.field, e.message)).collect::<Vec<_>>();
        let huge = u64::MAX;
        // The newcomer's link: three requests from start_ms = every_ms = 2^64 - 1.
        assert_eq!(
            messages(at(vec![Pattern::Steady { start_ms: huge, every_ms: huge, count: 3 }])),
            [("clients.0.patterns".to_string(), "its requests reach past any time (the last time allowed is 86400000 ms, 24 h)".to_string())]
        );
        assert_eq!(
            messages(at(vec![Pattern::Manual { times_ms: vec![5, 86_400_001] }])),
            [("clients.0.patterns".to_string(), "a request at 86400001 ms is past the last time allowed, 86400000 ms (24 h)".to_string())]
        );
        assert!(messages(at(vec![Pattern::Steady { start_ms: 0, every_ms: 43_200_000, count: 3 }])).is_empty(), "exactly 24 h is allowed");
        assert!(!messages(at(vec![Pattern::Burst { at_ms: 86_400_000, count: 2, spread_ms: 1 }])).is_empty());
        assert!(!messages(at(vec![Pattern::Random { start_ms: 86_000_000, duration_ms: 500_000, mean_gap_ms: 10, seed: 1 }])).is_empty());
        // A name over the limit is reported once, for its own field, with its length.
        let mut s = RateScenario::default();
        s.clients[0].user = "u".repeat(41);
        assert_eq!(messages(s), [("clients.0.user".to_string(), "the user is 41 characters; at most 40".to_string())]);
    }
    use super::*;

    #[test]
    fn presets_survive_the_form() {
        for (id, _, s) in presets() {
            assert_eq!(RateForm::from(&s).parse(), Ok(s), "{id}");
        }
    }

    #[test]
    fn errors_name_their_field() {
        let mut f = RateForm::from(&RateScenario::default());
        f.limit = "ten".into();
        f.clients[0].patterns = "steady every=10\nburts at=1 count=2".into();
        let e = f.parse().unwrap_err();
        assert_eq!(e[0], FieldError::new("limit", "“ten” is not a whole number"));
        assert_eq!(e[1].field, "clients.0.patterns");
        assert!(e[1].message.starts_with("line 1: steady needs count="), "{}", e[1].message);
        f.limit = "0".into();
        f.clients[0].patterns = "at 5".into();
        assert_eq!(f.parse().unwrap_err()[0].field, "limit");
    }
}
