//! Resolution as a trace: a browser's lookups go through the browser's cache, the operating
//! system's stub resolver and its cache, and a recursive resolver that walks from the root to
//! the authoritative server (RFC 1034 section 5.3.3), caching what it learns for its TTL and
//! caching denials for the SOA minimum (RFC 2308). Every message between resolvers and servers
//! is a real RFC 1035 message, encoded and then decoded by its receiver.
//!
//! Simplified, and said so in the UI: one server per zone, UDP only here, no retries or
//! timeouts, glue is always present where needed, and the browser-to-stub hop is an API call.

use super::wire::{decode, encode, rcode_name, rtype, Header, Message, Name, RData, Record};
use super::zone::{question, Outcome, Server};
use crate::rng::SplitMix64;
use crate::trace::{Actor, ActorState, SimTime, SpecRef, StateChange, Step, StepKind, Trace, Var};
use std::collections::BTreeMap;

pub const BROWSER: usize = 0;
pub const STUB: usize = 1;
pub const RESOLVER: usize = 2;
pub const ROOT: usize = 3;
pub const TLD: usize = 4;
pub const AUTHORITATIVE: usize = 5;
/// No run records more steps than this.
pub const STEP_CAP: usize = 2000;

/// One lookup the browser makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    /// Seconds from the start.
    pub at_s: u64,
    pub name: Name,
    pub qtype: u16,
}

/// The inputs of a resolution run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    pub lookups: Vec<Lookup>,
    /// One-way delay between the stub and the recursive resolver, in ms.
    pub lan_ms: u32,
    /// One-way delay between the recursive resolver and any server, in ms.
    pub wan_ms: u32,
    /// The longest a browser keeps an answer, whatever its TTL (Chromium: 60 s).
    pub browser_cap_s: u32,
    pub seed: u64,
}

#[derive(Debug, Clone)]
struct Entry {
    records: Vec<Record>,
    /// The RCODE of a cached denial (NXDOMAIN), or NOERROR with no records (NODATA).
    negative: Option<u8>,
    expires: SimTime,
}

/// A cache of RRsets keyed by (lowercased name, type).
#[derive(Debug, Clone, Default)]
struct Cache {
    entries: BTreeMap<(String, u16), Entry>,
}

impl Cache {
    fn key(name: &Name, t: u16) -> (String, u16) {
        (name.lowercase().to_string(), t)
    }

    fn get(&self, now: SimTime, name: &Name, t: u16) -> Option<Entry> {
        let e = self.entries.get(&Cache::key(name, t))?;
        (e.expires > now).then(|| {
            // What a cache hands out counts down: the TTL left, not the TTL received.
            let left = ((e.expires.micros() - now.micros()) / 1_000_000) as u32;
            Entry { records: e.records.iter().map(|r| Record { ttl: left, ..r.clone() }).collect(), ..e.clone() }
        })
    }

    fn put(&mut self, now: SimTime, name: &Name, t: u16, records: Vec<Record>, negative: Option<u8>, ttl_s: u64) {
        let expires = now.saturating_add(ttl_s * 1_000_000);
        self.entries.insert(Cache::key(name, t), Entry { records, negative, expires });
    }

    /// Stores every RRset of a response under its own name and type, with its own TTL.
    fn put_records(&mut self, now: SimTime, records: &[Record]) {
        let mut sets: BTreeMap<(String, u16), Vec<Record>> = BTreeMap::new();
        for r in records {
            sets.entry(Cache::key(&r.name, r.rtype)).or_default().push(r.clone());
        }
        for (_, set) in sets {
            let ttl = set.iter().map(|r| r.ttl).min().unwrap_or(0) as u64;
            let (name, t) = (set[0].name.clone(), set[0].rtype);
            self.put(now, &name, t, set, None, ttl);
        }
    }

    fn vars(&self, now: SimTime) -> Vec<Var> {
        let live: Vec<_> = self.entries.iter().filter(|(_, e)| e.expires > now).collect();
        let mut vars = vec![Var { name: "entries".into(), value: live.len().to_string() }];
        for ((name, t), e) in live.iter().take(8) {
            let left = (e.expires.micros() - now.micros()) / 1_000_000;
            let what = match e.negative {
                Some(3) => "NXDOMAIN".to_string(),
                Some(_) => "no data".to_string(),
                None => format!("{} record(s)", e.records.len()),
            };
            vars.push(Var { name: format!("{name} {}", rtype::name(*t)), value: format!("{what}, {left} s left") });
        }
        vars
    }
}

struct Run<'a> {
    setup: &'a Setup,
    world: &'a [Server],
    trace: Trace,
    rng: SplitMix64,
    browser: Cache,
    stub: Cache,
    resolver: Cache,
}

fn lane_of(server: &Server) -> usize {
    match server.zones.iter().map(|z| z.origin.labels().len()).min().unwrap_or(2) {
        0 => ROOT,
        1 => TLD,
        _ => AUTHORITATIVE,
    }
}

fn summary_of(m: &Message) -> String {
    if m.header.rcode != 0 {
        return rcode_name(m.header.rcode).to_string();
    }
    if let Some(a) = m.answers.last() {
        return format!("{} {}", rtype::name(a.rtype), rdata_text(&a.data));
    }
    if let Some(ns) = m.authority.iter().find(|r| r.rtype == rtype::NS) {
        return format!("referral: {} NS {}", ns.name, rdata_text(&ns.data));
    }
    "no data".into()
}

fn rdata_text(d: &RData) -> String {
    match d {
        RData::A(a) => format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3]),
        RData::Ns(n) | RData::Cname(n) | RData::Ptr(n) => n.to_string(),
        RData::Mx { preference, exchange } => format!("{preference} {exchange}"),
        RData::Srv { priority, weight, port, target } => format!("{priority} {weight} {port} {target}"),
        RData::Txt(t) => t.iter().map(|s| format!("\"{}\"", String::from_utf8_lossy(s))).collect::<Vec<_>>().join(" "),
        RData::Aaaa(_) | RData::Soa { .. } | RData::Unknown(_) => "…".into(),
    }
}

impl<'a> Run<'a> {
    fn state(&self, actor: usize, now: SimTime) -> ActorState {
        let (name, cache) = match actor {
            BROWSER => ("browser cache", Some(&self.browser)),
            STUB => ("stub resolver cache", Some(&self.stub)),
            RESOLVER => ("resolver cache", Some(&self.resolver)),
            _ => ("authoritative", None),
        };
        ActorState { name: name.into(), vars: cache.map(|c| c.vars(now)).unwrap_or_default() }
    }

    /// Records a DNS message sent `from` → `to` at `at`, arriving `delay_ms` later. The bytes are
    /// encoded here and decoded as the receiver would.
    #[allow(clippy::too_many_arguments)]
    fn message(&mut self, at: SimTime, delay_ms: u32, from: usize, to: usize, m: &Message, explanation: String, spec: Vec<SpecRef>) -> SimTime {
        let encoded = encode(m, true);
        let arrives = at.saturating_add(delay_ms as u64 * 1000);
        if decode(&encoded.bytes).as_ref() != Ok(m) {
            self.trace.warnings.push(format!("a message at {at} did not decode back to itself"));
        }
        let label = if m.header.qr {
            format!("{} {}", if m.header.aa { "answer (AA)" } else { "response" }, summary_of(m))
        } else {
            let q = &m.questions[0];
            format!("query {} {}{}", rtype::name(q.qtype), q.name, if m.header.rd { " (RD)" } else { "" })
        };
        let states = vec![
            StateChange { actor: from, before: self.state(from, at), after: self.state(from, at) },
        ];
        self.trace.steps.push(Step {
            at,
            arrives: Some(arrives),
            kind: StepKind::Message,
            from,
            to,
            label,
            fields: encoded.fields,
            bytes_label: format!("DNS message over UDP, {} bytes", encoded.bytes.len()),
            bytes: encoded.bytes,
            states,
            explanation,
            spec,
        });
        arrives
    }

    fn local(&mut self, at: SimTime, actor: usize, label: String, explanation: String, spec: Vec<SpecRef>, before: ActorState) {
        let after = self.state(actor, at);
        self.trace.steps.push(Step {
            at,
            arrives: None,
            kind: StepKind::Local,
            from: actor,
            to: actor,
            label,
            fields: Vec::new(),
            bytes: Vec::new(),
            bytes_label: String::new(),
            states: vec![StateChange { actor, before, after }],
            explanation,
            spec,
        });
    }

    fn call(&mut self, at: SimTime, from: usize, to: usize, label: String, explanation: String) -> SimTime {
        self.trace.steps.push(Step {
            at,
            arrives: Some(at),
            kind: StepKind::Message,
            from,
            to,
            label,
            fields: Vec::new(),
            bytes: Vec::new(),
            bytes_label: String::new(),
            states: Vec::new(),
            explanation,
            spec: Vec::new(),
        });
        at
    }

    fn id(&mut self) -> u16 {
        // Random IDs (and ports) make forged answers hard to match (RFC 5452).
        (self.rng.next_u64() >> 48) as u16
    }

    /// One browser lookup, start to finish. Returns when the browser has its answer.
    fn lookup(&mut self, l: &Lookup) {
        let now = SimTime(l.at_s * 1_000_000);
        let what = format!("{} {}", rtype::name(l.qtype), l.name);
        let before = self.state(BROWSER, now);
        if let Some(e) = self.browser.get(now, &l.name, l.qtype) {
            let left = e.records.first().map(|r| r.ttl).unwrap_or(0);
            self.local(now, BROWSER, format!("browser cache hit: {what}"), format!("The browser already knows {what} ({left} s left of the time it keeps answers): no message leaves the machine, and the lookup costs nothing."), vec![], before);
            return;
        }
        self.local(now, BROWSER, format!("browser cache miss: {what}"), format!("The browser has no fresh answer for {what}, so it asks the operating system (getaddrinfo). Browsers keep answers briefly, at most {} s, whatever the TTL.", self.setup.browser_cap_s), vec![], before);
        let t = self.call(now, BROWSER, STUB, format!("getaddrinfo({})", l.name), "An operating-system call, not a network message: the stub resolver in the OS answers it.".into());
        let before = self.state(STUB, t);
        let (records, rcode, done) = if let Some(e) = self.stub.get(t, &l.name, l.qtype) {
            self.local(t, STUB, format!("stub cache hit: {what}"), "The operating system's resolver cache has the answer; no network message is needed.".into(), vec![SpecRef::rfc(1034, "5.3.1", "Stub resolvers")], before);
            (e.records, e.negative.unwrap_or(0), t)
        } else {
            self.local(t, STUB, format!("stub cache miss: {what}"), "The stub resolver has no fresh answer and asks the recursive resolver configured for this network (from DHCP), with RD set: \"please recurse for me\".".into(), vec![SpecRef::rfc(1034, "5.3.1", "Stub resolvers")], before);
            let q = Message { header: Header { id: self.id(), rd: true, ..Header::default() }, questions: vec![question(&l.name, l.qtype)], ..Message::default() };
            let arrive = self.message(t, self.setup.lan_ms, STUB, RESOLVER, &q, "The stub's query to the recursive resolver: one question, recursion desired.".into(), vec![SpecRef::rfc(1035, "4.1.1", "Header section format")]);
            let (records, rcode, ready) = self.recurse(arrive, &l.name, l.qtype);
            let mut r = Message { header: Header { id: q.header.id, qr: true, rd: true, ra: true, rcode, ..Header::default() }, questions: q.questions.clone(), answers: records.clone(), ..Message::default() };
            if rcode == 3 {
                r.answers.clear();
            }
            let elapsed = (ready.micros() - now.micros()) as f64 / 1000.0;
            let back = self.message(ready, self.setup.lan_ms, RESOLVER, STUB, &r, format!("The recursive resolver's answer (RA: recursion available), {elapsed:.0} ms after the browser asked. The stub caches it for its TTL."), vec![SpecRef::rfc(1034, "5.3.3", "Resolver algorithm")]);
            self.cache_answer(StubOrBrowser::Stub, back, &l.name, l.qtype, &records, rcode);
            (records, rcode, back)
        };
        self.call(done, STUB, BROWSER, format!("→ {}", if rcode == 3 { "NXDOMAIN".to_string() } else { records.last().map(|r| rdata_text(&r.data)).unwrap_or_else(|| "no data".into()) }), "The OS returns the answer to the browser, which keeps it for a short while.".into());
        self.cache_answer(StubOrBrowser::Browser, done, &l.name, l.qtype, &records, rcode);
    }

    fn cache_answer(&mut self, who: StubOrBrowser, now: SimTime, name: &Name, qtype: u16, records: &[Record], rcode: u8) {
        let ttl = records.iter().map(|r| r.ttl as u64).min().unwrap_or(60);
        let (cache, ttl) = match who {
            StubOrBrowser::Stub => (&mut self.stub, ttl),
            StubOrBrowser::Browser => (&mut self.browser, ttl.min(self.setup.browser_cap_s as u64)),
        };
        let negative = if rcode == 3 || records.is_empty() { Some(rcode) } else { None };
        cache.put(now, name, qtype, records.to_vec(), negative, ttl);
    }

    /// The recursive resolver's work: from its cache if it can, else iteratively from the
    /// closest servers it knows. Returns the answer, the RCODE and when it is ready.
    fn recurse(&mut self, start: SimTime, name: &Name, qtype: u16) -> (Vec<Record>, u8, SimTime) {
        self.recurse_depth(start, name, qtype, 0)
    }

    /// The address of a server named `host`: from the response's glue, else the cache, else by
    /// resolving it (at most two levels deep, so a circular delegation cannot recurse forever).
    fn address_of(&mut self, now: SimTime, host: &Name, glue: &[Record], depth: u8) -> (Option<[u8; 4]>, SimTime) {
        let a_of = |records: &[Record]| records.iter().find_map(|r| match r.data {
            RData::A(a) if super::zone::same_name(&r.name, host) => Some(a),
            _ => None,
        });
        if let Some(a) = a_of(glue) {
            return (Some(a), now);
        }
        if let Some(e) = self.resolver.get(now, host, rtype::A) {
            return (a_of(&e.records), now);
        }
        if depth >= 2 {
            return (None, now);
        }
        let before = self.state(RESOLVER, now);
        self.local(now, RESOLVER, format!("needs the address of {host}"), format!("The referral names {host} as the server, but that name lies outside the zone being delegated, so no glue could be given: the resolver must look up its address first."), vec![SpecRef::rfc(1034, "5.3.3", "Resolver algorithm")], before);
        let (records, _, ready) = self.recurse_depth(now, host, rtype::A, depth + 1);
        (a_of(&records), ready)
    }

    fn recurse_depth(&mut self, start: SimTime, name: &Name, qtype: u16, depth: u8) -> (Vec<Record>, u8, SimTime) {
        let mut now = start;
        let mut chain: Vec<Record> = Vec::new();
        let mut target = name.clone();
        for _ in 0..8 {
            let before = self.state(RESOLVER, now);
            if let Some(e) = self.resolver.get(now, &target, qtype) {
                self.local(now, RESOLVER, format!("cache hit: {} {target}", rtype::name(qtype)), "The resolver answered this recently and the TTL has not run out: it answers from its cache, with the TTL that remains, and asks no server.".into(), vec![SpecRef::rfc(1034, "5.3.3", "Resolver algorithm")], before);
                if let Some(rcode) = e.negative {
                    return (chain, rcode, now);
                }
                chain.extend(e.records);
                return (chain, 0, now);
            }
            if let Some(e) = self.resolver.get(now, &target, rtype::CNAME) {
                if let Some(RData::Cname(next)) = e.records.first().map(|r| r.data.clone()) {
                    self.local(now, RESOLVER, format!("cache hit: CNAME {target}"), format!("{target} is an alias of {next}; the resolver follows it."), vec![], before);
                    chain.extend(e.records);
                    target = next;
                    continue;
                }
            }
            // Start from the closest zone whose servers are cached, else from the root hints.
            let (mut server, zone) = self.closest_server(now, &target);
            self.local(now, RESOLVER, format!("cache miss: {} {target}", rtype::name(qtype)), format!("Nothing fresh in the cache for {target}; the closest servers it knows are for the zone {zone}, so it starts there{}.", if zone == Name::ROOT { " (the root hints every resolver is configured with)" } else { ", skipping the levels above" }), vec![SpecRef::rfc(1034, "5.3.3", "Resolver algorithm")], before);
            for _ in 0..16 {
                if self.trace.steps.len() >= STEP_CAP {
                    self.trace.warnings.push("the run stopped at the step cap".into());
                    return (chain, 2, now);
                }
                let Some(srv) = self.world.iter().find(|s| s.address == server) else {
                    return (chain, 2, now);
                };
                let lane = lane_of(srv);
                let q = Message { header: Header { id: self.id(), ..Header::default() }, questions: vec![question(&target, qtype)], ..Message::default() };
                let arrive = self.message(now, self.setup.wan_ms, RESOLVER, lane, &q, format!("The resolver asks {} ({}) about {target}, without RD: servers on the way only say what they know.", srv.name, ip(server)), vec![SpecRef::rfc(1034, "4.3.1", "Queries and responses")]);
                let (response, outcome) = srv.answer(q.header.id, &q.questions[0]);
                let why = match &outcome {
                    Outcome::Referral { zone: child } => format!("{} does not hold {target} but knows who does: the servers of {child} (NS records in the authority section){}. This is a referral, not an answer: AA is off.", srv.name, if response.additional.is_empty() { "" } else { ", with their addresses as glue in the additional section, because the server names lie inside the zone they serve and could not be looked up otherwise" }),
                    Outcome::Answer => format!("{} is authoritative for {target} (AA set) and answers. The resolver caches every record for its TTL.", srv.name),
                    Outcome::NxDomain => "The name does not exist: NXDOMAIN, with the zone's SOA in the authority section. The resolver caches the denial for the SOA's minimum TTL (negative caching), so repeated typos do not reach the server.".to_string(),
                    Outcome::NoData => "The name exists but has no records of this type: NOERROR with an empty answer and the SOA, cached as a negative answer.".to_string(),
                    Outcome::Refused => format!("{} serves no zone for {target} and refuses.", srv.name),
                };
                let back = self.message(arrive, self.setup.wan_ms, lane, RESOLVER, &response, why, vec![SpecRef::rfc(1034, "4.3.2", "Algorithm"), SpecRef::rfc(2308, "5", "Caching negative answers")]);
                now = back;
                let mut learned: Vec<Record> = response.answers.clone();
                learned.extend(response.authority.iter().filter(|r| r.rtype == rtype::NS).cloned());
                learned.extend(response.additional.iter().cloned());
                self.resolver.put_records(now, &learned);
                match outcome {
                    Outcome::Referral { .. } => {
                        let hosts: Vec<Name> = response.authority.iter().filter_map(|r| match &r.data {
                            RData::Ns(h) => Some(h.clone()),
                            _ => None,
                        }).collect();
                        let mut found = None;
                        for host in hosts {
                            let (a, ready) = self.address_of(now, &host, &response.additional, depth);
                            now = ready;
                            if a.is_some() {
                                found = a;
                                break;
                            }
                        }
                        match found {
                            Some(a) => server = a,
                            // No server's address could be found: SERVFAIL.
                            None => return (chain, 2, now),
                        }
                    }
                    Outcome::Answer => {
                        chain.extend(response.answers.clone());
                        match response.answers.last() {
                            Some(Record { data: RData::Cname(next), .. }) if qtype != rtype::CNAME => {
                                target = next.clone();
                                break;
                            }
                            _ => return (chain, 0, now),
                        }
                    }
                    Outcome::NxDomain | Outcome::NoData => {
                        let minimum = response.authority.iter().find_map(|r| match r.data {
                            RData::Soa { minimum, .. } => Some(minimum.min(r.ttl)),
                            _ => None,
                        });
                        let rcode = response.header.rcode;
                        self.resolver.put(now, &target, qtype, Vec::new(), Some(rcode), minimum.unwrap_or(0) as u64);
                        return (chain, rcode, now);
                    }
                    Outcome::Refused => return (chain, 2, now),
                }
            }
        }
        (chain, 2, now)
    }

    /// The address of a server for the closest enclosing zone whose NS and address are cached.
    fn closest_server(&self, now: SimTime, target: &Name) -> ([u8; 4], Name) {
        for k in (1..=target.labels().len()).rev() {
            let zone = target.suffix(k);
            let Some(ns) = self.resolver.get(now, &zone, rtype::NS) else { continue };
            for r in ns.records {
                if let RData::Ns(host) = r.data {
                    if let Some(a) = self.resolver.get(now, &host, rtype::A).and_then(|e| e.records.into_iter().find_map(|r| match r.data {
                        RData::A(a) => Some(a),
                        _ => None,
                    })) {
                        return (a, zone);
                    }
                }
            }
        }
        let root = self.world.iter().find(|s| lane_of(s) == ROOT).map(|s| s.address).unwrap_or([198, 41, 0, 4]);
        (root, Name::ROOT)
    }
}

enum StubOrBrowser {
    Stub,
    Browser,
}

fn ip(a: [u8; 4]) -> String {
    format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])
}

/// Runs the lookups in time order against `world` and returns the trace.
pub fn run(setup: &Setup, world: &[Server]) -> Trace {
    let actors = vec![
        Actor { id: "browser".into(), name: "Browser".into(), detail: "its own cache".into() },
        Actor { id: "stub".into(), name: "OS stub".into(), detail: "getaddrinfo, OS cache".into() },
        Actor { id: "resolver".into(), name: "Recursive".into(), detail: "192.0.2.1 (from DHCP)".into() },
        Actor { id: "root".into(), name: "Root".into(), detail: "a.root-servers.net".into() },
        Actor { id: "tld".into(), name: "TLD".into(), detail: ".com .org .arpa".into() },
        Actor { id: "auth".into(), name: "Authoritative".into(), detail: "ns1.example.com".into() },
    ];
    let mut r = Run {
        setup,
        world,
        trace: Trace::new("dns", "DNS: from a name to an address", actors),
        rng: SplitMix64::new(setup.seed),
        browser: Cache::default(),
        stub: Cache::default(),
        resolver: Cache::default(),
    };
    let mut lookups = setup.lookups.clone();
    lookups.sort_by_key(|l| l.at_s);
    for l in &lookups {
        let first = r.trace.steps.len();
        r.lookup(l);
        let (start, end) = (r.trace.steps[first].at, r.trace.steps.last().map(|s| s.arrives.unwrap_or(s.at)).unwrap_or_default());
        let servers = r.trace.steps[first..].iter().filter(|s| s.to >= ROOT).count();
        r.trace.summary.push(format!(
            "At {} s: {} {} took {:.0} ms and {} server queries.",
            l.at_s,
            rtype::name(l.qtype),
            l.name,
            (end.micros() - start.micros()) as f64 / 1000.0,
            servers
        ));
        if r.trace.steps.len() >= STEP_CAP {
            break;
        }
    }
    r.trace
}

/// One lookup of each kind the example world holds: an alias to another zone, mail servers,
/// an SPF record, a service, a reverse lookup, IPv6, and a name that does not exist.
pub fn showcase() -> Setup {
    let lookups = [
        ("blog.example.com", rtype::A),
        ("example.com", rtype::MX),
        ("example.com", rtype::TXT),
        ("_sip._tcp.example.com", rtype::SRV),
        ("34.216.184.93.in-addr.arpa", rtype::PTR),
        ("www.example.com", rtype::AAAA),
        ("wwww.example.com", rtype::A),
    ];
    Setup {
        lookups: lookups.iter().enumerate().map(|(i, (name, qtype))| Lookup { at_s: i as u64 * 10, name: Name::parse(name).unwrap_or_default(), qtype: *qtype }).collect(),
        ..ttl_example()
    }
}

/// The seeds' example: one name with TTL 3600, asked at 0, 30 and 70 minutes.
pub fn ttl_example() -> Setup {
    let www = Name::parse("www.example.com").unwrap_or_default();
    Setup {
        lookups: vec![0, 1800, 4200].into_iter().map(|at_s| Lookup { at_s, name: www.clone(), qtype: rtype::A }).collect(),
        lan_ms: 5,
        wan_ms: 20,
        browser_cap_s: 60,
        seed: 1,
    }
}

#[cfg(test)]
mod tests {
    use super::super::world::example_world;
    use super::*;

    fn n(s: &str) -> Name {
        Name::parse(s).unwrap()
    }

    fn lanes(t: &Trace, from: usize) -> Vec<(usize, usize)> {
        t.steps[from..].iter().filter(|s| !s.bytes.is_empty()).map(|s| (s.from, s.to)).collect()
    }

    #[test]
    fn cold_then_warm_then_expired_as_in_the_seeds() {
        let world = example_world();
        let t = run(&ttl_example(), &world);
        // Cold: stub → resolver, resolver ↔ root, TLD, authoritative, resolver → stub.
        let first_lookup_end = t.steps.iter().position(|s| s.label.starts_with("→ ")).unwrap();
        assert_eq!(
            lanes(&t, 0).into_iter().take(8).collect::<Vec<_>>(),
            [(STUB, RESOLVER), (RESOLVER, ROOT), (ROOT, RESOLVER), (RESOLVER, TLD), (TLD, RESOLVER), (RESOLVER, AUTHORITATIVE), (AUTHORITATIVE, RESOLVER), (RESOLVER, STUB)]
        );
        assert!(first_lookup_end > 0);
        assert_eq!(t.summary[0], "At 0 s: A www.example.com. took 130 ms and 3 server queries.");
        // At 30 min the browser's copy is long gone (60 s), but the OS stub still holds the
        // answer (TTL 3600): no query leaves the machine.
        assert_eq!(t.summary[1], "At 1800 s: A www.example.com. took 0 ms and 0 server queries.");
        assert!(t.steps.iter().any(|s| s.at == SimTime(1_800_000_000) && s.label.starts_with("stub cache hit")));
        // At 70 min the answer has expired everywhere, but the NS records (2 days) have not:
        // only the authoritative server is asked.
        assert_eq!(t.summary[2], "At 4200 s: A www.example.com. took 50 ms and 1 server queries.");
        // Every message's bytes decode.
        for s in t.steps.iter().filter(|s| !s.bytes.is_empty()) {
            assert!(decode(&s.bytes).is_ok(), "{}", s.label);
        }
        assert!(t.warnings.is_empty(), "{:?}", t.warnings);
    }

    #[test]
    fn cname_to_another_zone_is_chased_through_org() {
        let world = example_world();
        let setup = Setup { lookups: vec![Lookup { at_s: 0, name: n("blog.example.com"), qtype: rtype::A }], ..ttl_example() };
        let t = run(&setup, &world);
        let answer = t.steps.iter().rev().find(|s| s.from == RESOLVER && s.to == STUB).unwrap();
        let m = decode(&answer.bytes).unwrap();
        assert_eq!(m.answers.iter().map(|r| r.rtype).collect::<Vec<_>>(), [rtype::CNAME, rtype::A]);
        assert!(t.steps.iter().any(|s| s.label.contains("referral: org")), "went through .org");
    }

    #[test]
    fn nxdomain_is_cached_negatively() {
        let world = example_world();
        let typo = n("wwww.example.com");
        let setup = Setup { lookups: vec![Lookup { at_s: 0, name: typo.clone(), qtype: rtype::A }, Lookup { at_s: 120, name: typo, qtype: rtype::A }], ..ttl_example() };
        let t = run(&setup, &world);
        assert!(t.steps.iter().any(|s| s.label.contains("NXDOMAIN")));
        assert!(t.summary[1].contains("0 server queries"), "answered from the negative cache: {:?}", t.summary);
    }

    #[test]
    fn deterministic() {
        let world = example_world();
        assert_eq!(run(&ttl_example(), &world), run(&ttl_example(), &world));
    }
}
