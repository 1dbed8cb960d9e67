//! Resolution as a trace: a browser's lookups go through the browser's cache, the operating
//! system's stub resolver and its cache, and a recursive resolver that walks from the root to
//! the authoritative server (RFC 1034 section 5.3.3), caching what it learns for its TTL and
//! caching denials for the SOA minimum (RFC 2308). Every message between resolvers and servers
//! is a real RFC 1035 message, encoded and then decoded by its receiver. An answer too big for
//! 512 bytes of UDP comes back truncated (TC) and is fetched again over TCP, as real TCP
//! segments carrying the message after its two-byte length (RFC 1035 section 4.2.2, RFC 7766).
//!
//! Simplified, and said so in the UI: one server per zone, no retries or timeouts, no EDNS, and
//! the browser-to-stub hop is an API call. The spoofing scenario is a model of the race, not a
//! network attack: the attacker's packets are real DNS messages, their timing is chosen.

use super::dnssec;
use super::wire::{decode, encode, rcode_name, rtype, Encoded, Header, Message, Name, RData, Record};
use super::zone::{question, same_name, Outcome, Server};
use crate::rng::SplitMix64;
use crate::tcp::wire::{Flags, Segment};
use crate::trace::{Actor, ActorState, ByteRange, Field, SimTime, SpecRef, StateChange, Step, StepKind, Trace, Var};
use std::collections::{BTreeMap, BTreeSet};

pub const BROWSER: usize = 0;
pub const STUB: usize = 1;
pub const RESOLVER: usize = 2;
pub const ROOT: usize = 3;
pub const TLD: usize = 4;
pub const AUTHORITATIVE: usize = 5;
/// The attacker's lane, present only in the spoofing scenarios.
pub const ATTACKER: usize = 6;
/// No run records more steps than this. The largest built-in scenario has 78 steps and twenty
/// cold lookups about 400; at 2000, a scenario of glueless delegations (a fuzz finding) took
/// 90 ms natively, several frames in the page. At 600 it takes about a third of that.
pub const STEP_CAP: usize = 600;
/// The queries the resolver sends for one client query, at most, like Unbound's
/// max-sent-count (32) and BIND's max-recursion-queries: delegations whose servers are named
/// without glue can make one lookup fan out into hundreds (the NXNSAttack), so real resolvers
/// give up instead. A fuzz finding: a zone with many glueless NS records made one lookup
/// send 380 queries.
pub const QUERIES_PER_LOOKUP: u32 = 32;
/// The largest DNS message over UDP without EDNS (RFC 1035 section 4.2.1).
pub const UDP_LIMIT: usize = 512;
/// The address the attacker wants cached.
pub const FORGED_ADDRESS: [u8; 4] = [203, 0, 113, 66];

/// The addresses of the machine running the browser and of the recursive resolver.
const HOST_IP: [u8; 4] = [192, 0, 2, 10];
const RESOLVER_IP: [u8; 4] = [192, 0, 2, 1];

/// One lookup the browser makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    /// Seconds from the start.
    pub at_s: u64,
    pub name: Name,
    pub qtype: u16,
}

/// A forged answer racing the real one (RFC 5452), in one of two resolvers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Spoofing {
    #[default]
    None,
    /// The resolver counts its query IDs up by one and always sends from port 53, as resolvers
    /// did before 2008: an attacker who has seen one query can predict the next.
    Guessable,
    /// Random IDs and random source ports: a forged answer must guess 32 bits.
    Random,
}

/// The inputs of a resolution run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    pub lookups: Vec<Lookup>,
    /// One-way delay between the stub and the recursive resolver, in ms.
    pub lan_ms: u32,
    /// One-way delays between the recursive resolver and the root, TLD and authoritative
    /// servers, in ms.
    pub root_ms: u32,
    pub tld_ms: u32,
    pub auth_ms: u32,
    /// The longest a browser keeps an answer, whatever its TTL (Chromium: 60 s).
    pub browser_cap_s: u32,
    pub seed: u64,
    pub spoofing: Spoofing,
    /// The zones are signed and the recursive resolver validates (DNSSEC).
    pub dnssec: bool,
}

/// The AD (authentic data) bit in [`Header::z`] (RFC 4035 section 3.2.3).
pub const AD: u8 = 0b010;

/// One entry put into one of the caches, for the time view: it lives from `stored` until
/// `expires`, unless a later entry with the same key replaces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheEvent {
    /// The lane of the cache's owner: [`BROWSER`], [`STUB`] or [`RESOLVER`].
    pub cache: usize,
    /// Lowercased owner name and type, e.g. `www.example.com.` and `A`.
    pub name: String,
    pub rtype: String,
    /// What it holds, e.g. `93.184.216.34` or `NXDOMAIN`.
    pub what: String,
    pub stored: SimTime,
    pub expires: SimTime,
    /// The index of the trace step whose message made the cache store it (the step recorded
    /// last when it was stored), so that a view of the caches at a step shows what that step
    /// left, not what a later step at the same moment stores.
    pub step: usize,
}

/// A cache entry as it stands at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheView {
    pub cache: usize,
    pub name: String,
    pub rtype: String,
    pub what: String,
    /// Whole seconds of TTL left, as the cache would hand it out.
    pub left_s: u64,
    /// The TTL it was stored with, in seconds.
    pub ttl_s: u64,
}

/// What a run produces: the trace, and every cache entry made, for the time view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsRun {
    pub trace: Trace,
    pub cache_log: Vec<CacheEvent>,
    /// Every packet that crossed a network, as it left its sender (the browser's questions to
    /// the OS stay inside the host).
    pub packets: Vec<Packet>,
}

/// A packet as it left its sender: addresses, and a UDP datagram's ports and DNS message, or a
/// TCP segment as the trace shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    pub at: SimTime,
    pub source: [u8; 4],
    pub destination: [u8; 4],
    pub wire: Wire,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wire {
    Udp { ports: (u16, u16), payload: Vec<u8> },
    Tcp(Vec<u8>),
}

impl DnsRun {
    /// The run as a pcap file (`crate::pcap`), every packet at the moment it was sent. Where
    /// the scenario does not model source ports (no spoofing attempt), each query leaves from an
    /// ephemeral port made from its ID, and its answer goes back to it.
    pub fn capture(&self) -> Vec<u8> {
        let mut c = crate::pcap::Capture::new();
        for p in &self.packets {
            let when = crate::pcap::EPOCH * 1_000_000 + p.at.micros();
            match &p.wire {
                Wire::Udp { ports, payload } => c.udp(when, (p.source, ports.0), (p.destination, ports.1), payload),
                Wire::Tcp(segment) => c.ipv4(when, p.source, p.destination, crate::pcap::TCP, segment),
            }
        }
        c.into_bytes()
    }

    /// When the last step ends.
    pub fn end(&self) -> SimTime {
        self.trace.steps.iter().map(|s| s.arrives.unwrap_or(s.at)).max().unwrap_or_default()
    }

    /// Every cache's live entries at `t`, with the TTL left, caches in lane order. With
    /// `step`, only what that step and the steps before it stored (the caches as the selected
    /// step leaves them); without, everything stored by `t`.
    pub fn caches_at(&self, t: SimTime, step: Option<usize>) -> Vec<CacheView> {
        let mut latest: BTreeMap<(usize, &str, &str), &CacheEvent> = BTreeMap::new();
        for e in self.cache_log.iter().filter(|e| e.stored <= t && step.is_none_or(|i| e.step <= i)) {
            latest.insert((e.cache, &e.name, &e.rtype), e);
        }
        latest
            .into_values()
            .filter(|e| e.expires > t)
            .map(|e| CacheView {
                cache: e.cache,
                name: e.name.clone(),
                rtype: e.rtype.clone(),
                what: e.what.clone(),
                left_s: (e.expires.micros() - t.micros()) / 1_000_000,
                ttl_s: (e.expires.micros() - e.stored.micros()) / 1_000_000,
            })
            .collect()
    }
}

#[derive(Debug, Clone)]
struct Entry {
    records: Vec<Record>,
    /// The RCODE of a cached denial (NXDOMAIN), or NOERROR with no records (NODATA). A denial
    /// keeps the zone's SOA in `records`, to pass on.
    negative: Option<u8>,
    expires: SimTime,
}

/// A cache of RRsets keyed by (lowercased name, type).
#[derive(Debug, Clone)]
struct Cache {
    lane: usize,
    entries: BTreeMap<(String, u16), Entry>,
}

fn what_of(records: &[Record], negative: Option<u8>) -> String {
    match negative {
        Some(3) => "NXDOMAIN".into(),
        Some(_) => "no data".into(),
        None => records.iter().map(|r| rdata_text(&r.data)).collect::<Vec<_>>().join(", "),
    }
}

impl Cache {
    fn new(lane: usize) -> Cache {
        Cache { lane, entries: BTreeMap::new() }
    }

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

    #[allow(clippy::too_many_arguments)]
    fn put(&mut self, log: &mut Vec<CacheEvent>, now: SimTime, name: &Name, t: u16, records: Vec<Record>, negative: Option<u8>, ttl_s: u64) {
        let expires = now.saturating_add(ttl_s * 1_000_000);
        let (key, rt) = Cache::key(name, t);
        // The step is filled in by the run, which knows the trace (see `Run::stamp`).
        log.push(CacheEvent { cache: self.lane, name: key.clone(), rtype: rtype::name(rt), what: what_of(&records, negative), stored: now, expires, step: usize::MAX });
        self.entries.insert((key, rt), Entry { records, negative, expires });
    }

    /// Stores every RRset of a response under its own name and type, with its own TTL.
    fn put_records(&mut self, log: &mut Vec<CacheEvent>, now: SimTime, records: &[Record]) {
        let mut sets: BTreeMap<(String, u16), Vec<Record>> = BTreeMap::new();
        for r in records {
            sets.entry(Cache::key(&r.name, r.rtype)).or_default().push(r.clone());
        }
        for (_, set) in sets {
            let ttl = set.iter().map(|r| r.ttl).min().unwrap_or(0) as u64;
            let (name, t) = (set[0].name.clone(), set[0].rtype);
            self.put(log, now, &name, t, set, None, ttl);
        }
    }

    fn vars(&self, now: SimTime) -> Vec<Var> {
        let live: Vec<_> = self.entries.iter().filter(|(_, e)| e.expires > now).collect();
        let mut vars = vec![Var { name: "entries".into(), value: live.len().to_string() }];
        for ((name, t), e) in live.iter().take(8) {
            let left = (e.expires.micros() - now.micros()) / 1_000_000;
            vars.push(Var { name: format!("{name} {}", rtype::name(*t)), value: format!("{}, {left} s left", what_of(&e.records, e.negative)) });
        }
        if live.len() > 8 {
            vars.push(Var { name: "…".into(), value: format!("{} more", live.len() - 8) });
        }
        vars
    }
}

/// What the recursive resolver found: the records (a CNAME chain ends in the answer), the
/// RCODE, the zone's SOA for a denial, and when it was ready.
struct Found {
    records: Vec<Record>,
    rcode: u8,
    soa: Option<Record>,
    ready: SimTime,
}

impl Found {
    fn fail(records: Vec<Record>, ready: SimTime) -> Found {
        Found { records, rcode: 2, soa: None, ready }
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
    log: Vec<CacheEvent>,
    /// The last query ID the resolver used (for the guessable resolver's counter).
    last_id: u16,
    /// Whether the spoofing attempt has been made (once per run).
    spoofed: bool,
    /// DNSSEC: the signatures seen, the DS records (with their signature) by child zone, the
    /// zone keys already validated, and the RRsets validated.
    sigs: Vec<Record>,
    ds: BTreeMap<String, (Vec<Record>, Option<Record>)>,
    keys: BTreeMap<String, Record>,
    validated: BTreeSet<(String, u16)>,
    /// What crossed a network, for the capture; the server the resolver is talking to (its
    /// address), and the queries sent, by ID, lanes and ports, to answer to the right port.
    packets: Vec<Packet>,
    peer: Option<[u8; 4]>,
    open: Vec<(u16, usize, usize, (u16, u16))>,
    /// Queries sent for the client query being resolved ([`QUERIES_PER_LOOKUP`]).
    sent: u32,
}

fn lane_of(server: &Server) -> usize {
    match server.zones.iter().map(|z| z.origin.labels().len()).min().unwrap_or(2) {
        0 => ROOT,
        1 => TLD,
        _ => AUTHORITATIVE,
    }
}

fn summary_of(m: &Message) -> String {
    if m.header.tc {
        return "truncated (TC)".into();
    }
    if m.header.rcode != 0 {
        return rcode_name(m.header.rcode).to_string();
    }
    if let Some(a) = m.answers.iter().rev().find(|r| r.rtype != rtype::RRSIG) {
        let more = if m.answers.iter().filter(|r| r.rtype == a.rtype).count() > 1 { " …" } else { "" };
        return format!("{} {}{more}", rtype::name(a.rtype), short(&rdata_text(&a.data)));
    }
    if let Some(ns) = m.authority.iter().find(|r| r.rtype == rtype::NS) {
        return format!("referral: {} NS {}", ns.name, rdata_text(&ns.data));
    }
    "no data".into()
}

fn short(text: &str) -> String {
    if text.chars().count() > 40 {
        text.chars().take(38).collect::<String>() + "…"
    } else {
        text.to_string()
    }
}

fn rdata_text(d: &RData) -> String {
    match d {
        RData::A(a) => ip(*a),
        RData::Soa { mname, minimum, .. } => format!("SOA {mname} minimum {minimum}"),
        RData::Unknown(_) => "…".into(),
        other => super::wire::presentation(other),
    }
}

fn ip(a: [u8; 4]) -> String {
    format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])
}

/// The fields of `encoded` moved `by` bytes on (when the message sits inside a TCP segment).
fn shifted(fields: Vec<Field>, by: usize) -> Vec<Field> {
    let shift = |r: ByteRange| ByteRange::new(r.start + by, r.end + by);
    fields.into_iter().map(|f| Field { bytes: f.bytes.map(shift), points_to: f.points_to.map(shift), ..f }).collect()
}

impl<'a> Run<'a> {
    fn address(&self, lane: usize, server: Option<[u8; 4]>) -> [u8; 4] {
        match lane {
            BROWSER | STUB => HOST_IP,
            RESOLVER => RESOLVER_IP,
            _ => server.unwrap_or([0, 0, 0, 0]),
        }
    }

    /// The one-way delay between the recursive resolver and a server's lane, in ms.
    fn delay(&self, lane: usize) -> u32 {
        match lane {
            ROOT => self.setup.root_ms,
            TLD => self.setup.tld_ms,
            _ => self.setup.auth_ms,
        }
    }

    fn state(&self, actor: usize, now: SimTime) -> ActorState {
        let (name, cache) = match actor {
            BROWSER => ("browser cache", Some(&self.browser)),
            STUB => ("stub resolver cache", Some(&self.stub)),
            RESOLVER => ("resolver cache", Some(&self.resolver)),
            ATTACKER => ("attacker", None),
            _ => ("authoritative", None),
        };
        ActorState { name: name.into(), vars: cache.map(|c| c.vars(now)).unwrap_or_default() }
    }

    #[allow(clippy::too_many_arguments)]
    fn push(&mut self, at: SimTime, arrives: SimTime, kind: StepKind, from: usize, to: usize, label: String, fields: Vec<Field>, bytes: Vec<u8>, bytes_label: String, explanation: String, spec: Vec<SpecRef>) {
        let states = vec![StateChange { actor: from, before: self.state(from, at), after: self.state(from, at) }];
        self.trace.steps.push(Step { at, arrives: Some(arrives), kind, from, to, label, fields, bytes_label, bytes, states, explanation, spec });
    }

    fn label_of(m: &Message) -> String {
        if m.header.qr {
            let ad = if m.header.z & AD != 0 { " (AD)" } else { "" };
            format!("{} {}{ad}", if m.header.aa { "answer (AA)" } else { "response" }, summary_of(m))
        } else {
            let q = &m.questions[0];
            format!("query {} {}{}", rtype::name(q.qtype), q.name, if m.header.rd { " (RD)" } else { "" })
        }
    }

    /// Records a DNS message over UDP sent `from` → `to` at `at`, arriving `delay_ms` later. The
    /// bytes are encoded here and decoded as the receiver would. `ports` adds the UDP ports
    /// (which are outside the DNS message) as a field.
    #[allow(clippy::too_many_arguments)]
    fn message(&mut self, at: SimTime, delay_ms: u32, from: usize, to: usize, m: &Message, ports: Option<(u16, u16)>, explanation: String, spec: Vec<SpecRef>) -> SimTime {
        let Encoded { bytes, mut fields } = encode(m, true);
        let arrives = at.saturating_add(delay_ms as u64 * 1000);
        if decode(&bytes).as_ref() != Ok(m) {
            self.trace.warnings.push(format!("a message at {at} did not decode back to itself"));
        }
        if let Some((source, destination)) = ports {
            fields.insert(0, Field { name: "UDP ports (outside the message)".into(), value: format!("{source} → {destination}"), bytes: None, note: "a response must come back to the port the query left from".into(), points_to: None });
        }
        if from != BROWSER && to != BROWSER {
            self.sent_udp(at, from, to, m.header.id, m.header.qr, ports, &bytes);
        }
        let bytes_label = format!("DNS message over UDP, {} bytes", bytes.len());
        self.push(at, arrives, StepKind::Message, from, to, Run::label_of(m), fields, bytes, bytes_label, explanation, spec);
        arrives
    }

    /// Keeps a UDP datagram for the capture. A forged answer claims the server's address.
    #[allow(clippy::too_many_arguments)]
    fn sent_udp(&mut self, at: SimTime, from: usize, to: usize, id: u16, response: bool, ports: Option<(u16, u16)>, payload: &[u8]) {
        let ip_of = |run: &Run, lane: usize| if lane == ATTACKER { run.peer.unwrap_or([0, 0, 0, 0]) } else { run.address(lane, run.peer) };
        let ports = match ports {
            Some(p) => p,
            None if !response => (49152 + id % 16384, 53),
            None => self.open.iter().rev().find(|(i, f, t, _)| *i == id && *f == to && *t == from).map(|(_, _, _, (a, b))| (*b, *a)).unwrap_or((53, 53)),
        };
        if !response {
            self.open.push((id, from, to, ports));
        }
        let (source, destination) = (ip_of(self, from), ip_of(self, to));
        self.packets.push(Packet { at, source, destination, wire: Wire::Udp { ports, payload: payload.to_vec() } });
    }

    /// Sends `response` to the asker over UDP; if it is longer than 512 bytes, sends it truncated
    /// instead, and the asker fetches it again over TCP. Returns when the full answer arrives.
    #[allow(clippy::too_many_arguments)]
    fn respond(&mut self, at: SimTime, delay_ms: u32, server: usize, asker: usize, server_ip: Option<[u8; 4]>, query: &Message, response: &Message, explanation: String, spec: Vec<SpecRef>) -> SimTime {
        if server_ip.is_some() {
            self.peer = server_ip;
        }
        let size = encode(response, true).bytes.len();
        let limit = if dnssec::wants_dnssec(query) { 1232 } else { UDP_LIMIT };
        if size <= limit {
            return self.message(at, delay_ms, server, asker, response, None, explanation, spec);
        }
        let mut cut = Message { header: Header { tc: true, ..response.header }, questions: response.questions.clone(), ..Message::default() };
        cut.header.aa = response.header.aa;
        let arrived = self.message(
            at,
            delay_ms,
            server,
            asker,
            &cut,
            None,
            format!("The full answer would be {size} bytes, more than the {UDP_LIMIT} a UDP message may carry without EDNS. The server sends what fits, here only the header and question, and sets TC (truncated). The asker must not use a truncated answer; it asks again over TCP."),
            vec![SpecRef::rfc(1035, "4.2.1", "UDP usage"), SpecRef::rfc(2181, "9", "The TC (truncated) header bit")],
        );
        self.over_tcp(arrived, delay_ms, asker, server, server_ip, query, response, explanation)
    }

    /// The TCP retry: handshake, the query and the answer each after a two-byte length.
    #[allow(clippy::too_many_arguments)]
    fn over_tcp(&mut self, at: SimTime, delay_ms: u32, client: usize, server: usize, server_ip: Option<[u8; 4]>, query: &Message, response: &Message, explanation: String) -> SimTime {
        let (cip, sip) = (self.address(client, server_ip), self.address(server, server_ip));
        let cport = 49152 + (self.rng.next_u64() % 16384) as u16;
        let (ciss, siss) = (self.rng.next_u32(), self.rng.next_u32());
        let tcp_spec = || vec![SpecRef::rfc(7766, "5", "Transport protocol selection"), SpecRef::rfc(1035, "4.2.2", "TCP usage")];
        let d = delay_ms as u64 * 1000;
        let mut t = at;
        let segment = |run: &mut Run, t: SimTime, from: usize, to: usize, seg: Segment, label: String, dns: Option<&Message>, explanation: String| -> SimTime {
            let (src, dst) = if from == client { (cip, sip) } else { (sip, cip) };
            let bytes = seg.encode(src, dst);
            let mut fields = seg.fields(&bytes, if from == client { ciss } else { siss }, Some(if from == client { siss } else { ciss }));
            if let Some(m) = dns {
                fields.retain(|f| f.name != "Data");
                let e = encode(m, true);
                let at = seg.header_len();
                fields.push(Field { name: "DNS length prefix".into(), value: format!("{} bytes follow", e.bytes.len()), bytes: Some(ByteRange::new(at, at + 2)), note: "over TCP each message is preceded by its length, two bytes, because TCP is a stream without message boundaries".into(), points_to: None });
                fields.extend(shifted(e.fields, at + 2));
            }
            let bytes_label = match dns {
                Some(_) => format!("TCP segment to port 53 carrying a DNS message, {} bytes", bytes.len()),
                None => format!("TCP segment, {} bytes", bytes.len()),
            };
            let arrives = t.saturating_add(d);
            run.packets.push(Packet { at: t, source: src, destination: dst, wire: Wire::Tcp(bytes.clone()) });
            run.push(t, arrives, StepKind::Message, from, to, label, fields, bytes, bytes_label, explanation, tcp_spec());
            arrives
        };
        let syn = Segment { source_port: cport, destination_port: 53, seq: ciss, ack: 0, flags: Flags::SYN, window: 65535, mss: Some(1460), payload: Vec::new() };
        t = segment(self, t, client, server, syn, "TCP SYN to port 53".into(), None, "Retrying over TCP starts with a connection: the three-way handshake costs one more round trip before the question can be asked again.".into());
        let synack = Segment { source_port: 53, destination_port: cport, seq: siss, ack: ciss.wrapping_add(1), flags: Flags::SYN.with(Flags::ACK), window: 65535, mss: Some(1460), payload: Vec::new() };
        t = segment(self, t, server, client, synack, "TCP SYN-ACK".into(), None, "The server accepts the connection.".into());
        let prefixed = |m: &Message| {
            let b = encode(m, true).bytes;
            let mut out = (b.len() as u16).to_be_bytes().to_vec();
            out.extend(b);
            out
        };
        let q = prefixed(query);
        let r = prefixed(response);
        let ask = Segment { source_port: cport, destination_port: 53, seq: ciss.wrapping_add(1), ack: siss.wrapping_add(1), flags: Flags::ACK.with(Flags::PSH), window: 65535, mss: None, payload: q.clone() };
        t = segment(self, t, client, server, ask, format!("{} over TCP", Run::label_of(query)), Some(query), "The handshake's last ACK carries the same question, now after its two-byte length.".into());
        let answer = Segment { source_port: 53, destination_port: cport, seq: siss.wrapping_add(1), ack: ciss.wrapping_add(1 + q.len() as u32), flags: Flags::ACK.with(Flags::PSH), window: 65535, mss: None, payload: r };
        t = segment(self, t, server, client, answer, format!("{} over TCP", Run::label_of(response)), Some(response), format!("The full answer, {} bytes, arrives over TCP. {explanation} The connection is then closed (not shown); RFC 7766 lets a client keep it open for more queries.", encode(response, true).bytes.len()));
        t
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

    /// A new query ID: random (RFC 5452), or the last plus one for the guessable resolver.
    fn id(&mut self) -> u16 {
        self.last_id = if self.setup.spoofing == Spoofing::Guessable { self.last_id.wrapping_add(1) } else { (self.rng.next_u64() >> 48) as u16 };
        self.last_id
    }

    /// The resolver's source port for a query: fixed at 53 for the guessable resolver.
    fn source_port(&mut self) -> Option<u16> {
        match self.setup.spoofing {
            Spoofing::None => None,
            Spoofing::Guessable => Some(53),
            Spoofing::Random => Some(1024 + (self.rng.next_u64() % 64512) as u16),
        }
    }

    /// One browser lookup, start to finish.
    fn lookup(&mut self, l: &Lookup) {
        let now = SimTime(l.at_s * 1_000_000);
        let what = format!("{} {}", rtype::name(l.qtype), l.name);
        let before = self.state(BROWSER, now);
        if let Some(e) = self.browser.get(now, &l.name, l.qtype) {
            let left = e.records.first().map(|r| r.ttl).unwrap_or(0);
            let shown = match e.negative {
                Some(rcode) if rcode != 0 => rcode_name(rcode).to_string(),
                Some(_) => "no data".to_string(),
                None => e.records.last().map(|r| short(&rdata_text(&r.data))).unwrap_or_default(),
            };
            self.local(now, BROWSER, format!("browser cache hit: {what} → {shown}"), format!("The browser already knows {what} ({left} s left of the time it keeps answers): no message leaves the machine, and the lookup costs nothing."), vec![], before);
            return;
        }
        self.local(now, BROWSER, format!("browser cache miss: {what}"), format!("No fresh answer in the browser's cache for {what} Browsers keep answers briefly, here at most {} s whatever the TTL, so it asks the operating system.", self.setup.browser_cap_s), vec![], before);
        let (call, why) = if l.qtype == rtype::A || l.qtype == rtype::AAAA {
            ("getaddrinfo", "An operating-system call, not a network message: the stub resolver in the OS answers it.")
        } else {
            ("res_query", "Addresses come from getaddrinfo; other types (MX for a mail server, SRV for a SIP phone, TXT for a mail filter) come from the resolver library's res_query. Either way the OS's stub resolver answers: a call, not a network message.")
        };
        let t = self.call(now, BROWSER, STUB, format!("{call}({} {})", l.name, rtype::name(l.qtype)), why.into());
        let before = self.state(STUB, t);
        let (records, rcode, soa, done) = if let Some(e) = self.stub.get(t, &l.name, l.qtype) {
            self.local(t, STUB, format!("stub cache hit: {what}"), "The operating system's resolver cache has the answer; no network message is needed.".into(), vec![SpecRef::rfc(1034, "5.3.1", "Stub resolvers")], before);
            let (records, soa) = if e.negative.is_some() { (Vec::new(), e.records.first().cloned()) } else { (e.records, None) };
            (records, e.negative.unwrap_or(0), soa, t)
        } else {
            self.local(t, STUB, format!("stub cache miss: {what}"), "The stub resolver has no fresh answer and asks the recursive resolver configured for this network (from DHCP), with RD set: \"please recurse for me\".".into(), vec![SpecRef::rfc(1034, "5.3.1", "Stub resolvers")], before);
            let id = (self.rng.next_u64() >> 48) as u16;
            let ad = if self.setup.dnssec { AD } else { 0 };
            let q = Message { header: Header { id, rd: true, z: ad, ..Header::default() }, questions: vec![question(&l.name, l.qtype)], ..Message::default() };
            let why = if self.setup.dnssec { "The stub's query to the recursive resolver: one question, recursion desired, and AD set to ask whether the answer was validated (RFC 6840 section 5.7)." } else { "The stub's query to the recursive resolver: one question, recursion desired." };
            let arrive = self.message(t, self.setup.lan_ms, STUB, RESOLVER, &q, None, why.into(), vec![SpecRef::rfc(1035, "4.1.1", "Header section format")]);
            self.sent = 0;
            let mut found = self.recurse(arrive, &l.name, l.qtype, 0);
            let mut secure = false;
            if self.setup.dnssec && found.rcode == 0 && !found.records.is_empty() {
                let key = (l.name.lowercase().to_string(), l.qtype);
                if self.validated.contains(&key) {
                    secure = true;
                } else {
                    let (ok, ready) = self.validate(found.ready, &found.records);
                    found.ready = ready;
                    match ok {
                        Some(true) => {
                            secure = true;
                            self.validated.insert(key);
                        }
                        Some(false) => found = Found::fail(Vec::new(), ready),
                        None => {}
                    }
                }
            }
            let mut r = Message { header: Header { id, qr: true, rd: true, ra: true, rcode: found.rcode, z: if secure { AD } else { 0 }, ..Header::default() }, questions: q.questions.clone(), answers: found.records.clone(), ..Message::default() };
            if found.rcode == 3 {
                r.answers.clear();
            }
            r.authority.extend(found.soa.clone());
            let elapsed = crate::trace::whole_ms(found.ready.micros() - now.micros());
            let why = match found.rcode {
                0 if found.records.is_empty() => "The name exists but has no records of this type. The SOA in the authority section tells the stub how long it may remember that (RFC 2308).".to_string(),
                0 if secure => format!("The recursive resolver's answer, {elapsed} ms after the browser asked, with AD set: every signature from the root's key down to this answer checked out. The stub trusts the AD bit only because it trusts its resolver and the network in between."),
                0 => format!("The recursive resolver's answer (RA: recursion available), {elapsed} ms after the browser asked. The stub caches it for its TTL."),
                3 => "NXDOMAIN: the name does not exist. The SOA in the authority section tells the stub how long it may remember the denial (RFC 2308).".to_string(),
                _ if self.setup.dnssec => "SERVFAIL: the answer could not be validated (or no server answered). A validating resolver gives no answer rather than an unproven one. Nothing is cached.".to_string(),
                _ => "SERVFAIL: the resolver could not get an answer from the servers it was sent to. Nothing is cached.".to_string(),
            };
            let back = self.respond(found.ready, self.setup.lan_ms, RESOLVER, STUB, None, &q, &r, why, vec![SpecRef::rfc(1034, "5.3.3", "Resolver algorithm")]);
            self.cache_answer(STUB, back, &l.name, l.qtype, &found.records, found.rcode, found.soa.as_ref());
            (found.records, found.rcode, found.soa, back)
        };
        let shown = match rcode {
            0 => records.last().map(|r| short(&rdata_text(&r.data))).unwrap_or_else(|| "no data".into()),
            other => rcode_name(other).to_string(),
        };
        self.call(done, STUB, BROWSER, format!("→ {shown}"), "The OS returns the answer to the browser, which keeps it for a short while.".into());
        self.cache_answer(BROWSER, done, &l.name, l.qtype, &records, rcode, soa.as_ref());
    }

    /// Ties the cache entries just stored to the step recorded last, whose message caused them.
    fn stamp(&mut self) {
        let last = self.trace.steps.len().saturating_sub(1);
        for e in self.log.iter_mut().rev().take_while(|e| e.step == usize::MAX) {
            e.step = last;
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn cache_answer(&mut self, who: usize, now: SimTime, name: &Name, qtype: u16, records: &[Record], rcode: u8, soa: Option<&Record>) {
        if rcode != 0 && rcode != 3 {
            return;
        }
        let negative = rcode == 3 || records.is_empty();
        let ttl = if negative {
            // RFC 2308 section 5: a denial is kept for the lesser of the SOA's TTL and minimum.
            soa.map(|r| match r.data {
                RData::Soa { minimum, .. } => minimum.min(r.ttl) as u64,
                _ => 0,
            })
            .unwrap_or(0)
        } else {
            records.iter().map(|r| r.ttl as u64).min().unwrap_or(0)
        };
        let (cache, ttl) = match who {
            STUB => (&mut self.stub, ttl),
            _ => (&mut self.browser, ttl.min(self.setup.browser_cap_s as u64)),
        };
        let kept = if negative { soa.cloned().into_iter().collect() } else { records.to_vec() };
        cache.put(&mut self.log, now, name, qtype, kept, negative.then_some(rcode), ttl);
        self.stamp();
    }

    /// The address of a server named `host`: from the response's glue, else the cache, else by
    /// resolving it (at most two levels deep, so a circular delegation cannot recurse forever).
    fn address_of(&mut self, now: SimTime, host: &Name, glue: &[Record], depth: u8) -> (Option<[u8; 4]>, SimTime) {
        let a_of = |records: &[Record]| records.iter().find_map(|r| match r.data {
            RData::A(a) if same_name(&r.name, host) => Some(a),
            _ => None,
        });
        if let Some(a) = a_of(glue) {
            return (Some(a), now);
        }
        if let Some(e) = self.resolver.get(now, host, rtype::A) {
            return (a_of(&e.records), now);
        }
        let before = self.state(RESOLVER, now);
        if depth >= 2 {
            self.local(now, RESOLVER, format!("gives up on the address of {host}"), format!("Finding {host} needs the address of a server that can only be found through {host} itself: a circular delegation. Without glue in the parent zone there is no way in, and the lookup fails (SERVFAIL)."), vec![SpecRef::rfc(1034, "4.2.1", "Glue")], before);
            return (None, now);
        }
        self.local(now, RESOLVER, format!("needs the address of {host}"), format!("The referral names {host} as the server but gives no address for it (no glue in the additional section), so the resolver must look that address up first."), vec![SpecRef::rfc(1034, "5.3.3", "Resolver algorithm")], before);
        let found = self.recurse(now, host, rtype::A, depth + 1);
        (a_of(&found.records), found.ready)
    }

    /// The recursive resolver's work: from its cache if it can, else iteratively from the
    /// closest servers it knows.
    fn recurse(&mut self, start: SimTime, name: &Name, qtype: u16, depth: u8) -> Found {
        let mut now = start;
        let mut chain: Vec<Record> = Vec::new();
        let mut target = name.clone();
        for _ in 0..8 {
            let before = self.state(RESOLVER, now);
            if let Some(e) = self.resolver.get(now, &target, qtype) {
                self.local(now, RESOLVER, format!("cache hit: {} {target}", rtype::name(qtype)), "The resolver has this answer from earlier and its TTL has not run out: it answers from its cache, with the TTL that remains, and asks no server.".into(), vec![SpecRef::rfc(1034, "5.3.3", "Resolver algorithm")], before);
                if let Some(rcode) = e.negative {
                    return Found { records: chain, rcode, soa: e.records.first().cloned(), ready: now };
                }
                chain.extend(e.records);
                return Found { records: chain, rcode: 0, soa: None, ready: now };
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
                    if !self.trace.warnings.iter().any(|w| w.contains("step cap")) {
                        self.trace.warnings.push(format!("the run stopped at the step cap ({STEP_CAP} steps)"));
                    }
                    return Found::fail(chain, now);
                }
                if self.sent >= QUERIES_PER_LOOKUP {
                    let before = self.state(RESOLVER, now);
                    self.local(now, RESOLVER, "gives up: too many queries".into(), format!("This lookup has already made the resolver send {QUERIES_PER_LOOKUP} queries, chasing name servers named without glue. Real resolvers cap this work (Unbound's max-sent-count, BIND's max-recursion-queries), since a zone full of such names could otherwise make one lookup send hundreds of queries (the NXNSAttack): SERVFAIL."), vec![SpecRef::rfc(1034, "5.3.3", "Resolver algorithm")], before);
                    return Found::fail(chain, now);
                }
                self.sent += 1;
                let Some(srv) = self.world.iter().find(|s| s.address == server) else {
                    let before = self.state(RESOLVER, now);
                    self.local(now, RESOLVER, format!("no server at {}", ip(server)), format!("The delegation points at {}, but no name server answers there (a lame delegation). The resolver has no other server to try: SERVFAIL.", ip(server)), vec![SpecRef::rfc(1034, "4.2.2", "Administrative considerations")], before);
                    return Found::fail(chain, now);
                };
                let lane = lane_of(srv);
                let id = self.id();
                let port = self.source_port();
                let mut q = Message { header: Header { id, ..Header::default() }, questions: vec![question(&target, qtype)], ..Message::default() };
                let mut why = format!("The resolver asks {} ({}) about {target}, without RD: servers on the way only say what they know.", srv.name, ip(server));
                if self.setup.dnssec {
                    q.additional.push(dnssec::opt_do());
                    why.push_str(" The EDNS record in the additional section sets DO: send the DNSSEC records too.");
                }
                self.peer = Some(server);
                let arrive = self.message(now, self.delay(lane), RESOLVER, lane, &q, port.map(|p| (p, 53)), why, vec![SpecRef::rfc(1034, "4.3.1", "Queries and responses")]);
                let (response, outcome) = if self.setup.dnssec { dnssec::answer_signed(srv, id, &q.questions[0]) } else { srv.answer(id, &q.questions[0]) };
                if lane == AUTHORITATIVE && qtype == rtype::A && !self.spoofed {
                    if let Some(port) = port {
                        self.spoofed = true;
                        if let Some(forged) = self.spoof(now, arrive, &q, port, &response) {
                            chain.extend(forged.records);
                            return Found { records: chain, ..forged };
                        }
                    }
                }
                let mut why = match &outcome {
                    Outcome::Referral { zone: child } => format!("{} does not hold {target} but knows who does: the servers of {child} (NS records in the authority section){}. This is a referral, not an answer: AA is off.", srv.name, if response.additional.is_empty() { ", without their addresses (no glue: the server names lie outside the zone, so they can be looked up on their own)" } else { ", with their addresses as glue in the additional section: the server names lie inside the zone they serve, so without glue no one could find them" }),
                    Outcome::Answer => format!("{} is authoritative for {target} (AA set) and answers. The resolver caches every record for its TTL.", srv.name),
                    Outcome::NxDomain => "The name does not exist: NXDOMAIN, with the zone's SOA in the authority section. The resolver caches the denial for the lesser of the SOA's TTL and its minimum field (negative caching), so repeated typos do not reach the server.".to_string(),
                    Outcome::NoData => "The name exists but has no records of this type: NOERROR with an empty answer and the SOA, cached as a negative answer.".to_string(),
                    Outcome::Refused => format!("{} serves no zone for {target} and refuses.", srv.name),
                };
                if self.setup.dnssec {
                    why.push_str(match &outcome {
                        Outcome::Referral { .. } => " With DO set, the referral also carries the child's DS record (a digest of the child zone's key) and the parent's RRSIG over it: this is how trust passes down a level.",
                        Outcome::Answer => " With DO set, each RRset comes with its RRSIG, a signature by the zone's key.",
                        _ => " With DO set, the SOA comes with its RRSIG.",
                    });
                }
                let back = self.respond(arrive, self.delay(lane), lane, RESOLVER, Some(server), &q, &response, why, vec![SpecRef::rfc(1034, "4.3.2", "Algorithm"), SpecRef::rfc(2308, "5", "Caching negative answers")]);
                now = back;
                if self.setup.dnssec {
                    self.note_dnssec(&response);
                }
                let response = without_dnssec(response);
                let mut learned: Vec<Record> = response.answers.clone();
                learned.extend(response.authority.iter().filter(|r| r.rtype == rtype::NS).cloned());
                learned.extend(response.additional.iter().cloned());
                self.resolver.put_records(&mut self.log, now, &learned);
                self.stamp();
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
                            None => return Found::fail(chain, now),
                        }
                    }
                    Outcome::Answer => {
                        chain.extend(response.answers.clone());
                        match response.answers.last() {
                            Some(Record { data: RData::Cname(next), .. }) if qtype != rtype::CNAME => {
                                target = next.clone();
                                break;
                            }
                            _ => return Found { records: chain, rcode: 0, soa: None, ready: now },
                        }
                    }
                    Outcome::NxDomain | Outcome::NoData => {
                        let soa = response.authority.iter().find(|r| r.rtype == rtype::SOA).cloned();
                        let minimum = soa.as_ref().and_then(|r| match r.data {
                            RData::Soa { minimum, .. } => Some(minimum.min(r.ttl)),
                            _ => None,
                        });
                        let rcode = response.header.rcode;
                        self.resolver.put(&mut self.log, now, &target, qtype, soa.clone().into_iter().collect(), Some(rcode), minimum.unwrap_or(0) as u64);
                        self.stamp();
                        return Found { records: chain, rcode, soa, ready: now };
                    }
                    Outcome::Refused => return Found::fail(chain, now),
                }
            }
        }
        Found::fail(chain, now)
    }

    /// The attacker's forged answers race the real one. With the guessable resolver the first
    /// one matches and is cached (returned); with random IDs and ports they all miss (`None`).
    fn spoof(&mut self, sent: SimTime, arrive: SimTime, q: &Message, port: u16, real: &Message) -> Option<Found> {
        let target = q.questions[0].name.clone();
        let forged_for = |id: u16| Message {
            header: Header { id, qr: true, aa: true, ..Header::default() },
            questions: q.questions.clone(),
            answers: vec![Record { name: target.clone(), rtype: rtype::A, class: super::wire::CLASS_IN, ttl: 86_400, data: RData::A(FORGED_ADDRESS) }],
            ..Message::default()
        };
        let spec = || vec![SpecRef::rfc(5452, "4", "Spoofing Attacks"), SpecRef::rfc(5452, "9.2", "Port randomisation")];
        let hop = (self.setup.auth_ms as u64 * 1000 / 4).max(1000);
        let real_id = q.header.id;
        if self.setup.spoofing == Spoofing::Guessable {
            let m = forged_for(real_id);
            let at = sent.saturating_add(1000);
            let landed = self.message(at, (hop / 1000) as u32, ATTACKER, RESOLVER, &m, Some((53, 53)), format!("The attacker saw the resolver's previous query ID, so it knows this one: the last plus one, 0x{real_id:04x}. The resolver always sends from port 53, so the port is known too. The forged answer (address {}, TTL one day) matches the ID, the port and the question, and it arrives before the real one.", ip(FORGED_ADDRESS)), spec());
            if self.setup.dnssec {
                let before = self.state(RESOLVER, landed);
                self.local(landed, RESOLVER, "bogus: the forged answer has no RRSIG".into(), format!("The forged packet matched the ID, port and question, so it was taken as the response. But the zones are signed: the answer must carry an RRSIG by example.com's key, which only the zone's owner can make. This one carries none, so the validating resolver refuses it and caches nothing; the browser gets SERVFAIL, not {}. DNSSEC turns a poisoning into a failed lookup. (Simplified: the resolver gives up here rather than waiting for the real answer.)", ip(FORGED_ADDRESS)), vec![SpecRef::rfc(4035, "4.3", "Determining Security Status of Data"), SpecRef::rfc(5452, "4", "Spoofing Attacks")], before);
                self.message(arrive, self.setup.auth_ms, AUTHORITATIVE, RESOLVER, real, None, "The real answer arrives, but the query it answers was already settled: the resolver drops it.".into(), spec());
                return Some(Found::fail(Vec::new(), landed));
            }
            let before = self.state(RESOLVER, landed);
            self.resolver.put_records(&mut self.log, landed, &m.answers);
            self.stamp();
            self.local(landed, RESOLVER, format!("accepts the forged {target} → {}", ip(FORGED_ADDRESS)), format!("Nothing in a plain DNS answer proves who sent it: an answer is accepted when its ID, port and question match. The forged record is now cached for a day, and every client of this resolver is sent to {} (cache poisoning). Simplified: a real attacker triggers the query and floods guesses; here the guess is right the first time.", ip(FORGED_ADDRESS)), spec(), before);
            let late = self.message(arrive, self.setup.auth_ms, AUTHORITATIVE, RESOLVER, real, None, "The real answer arrives, but the query it answers is already settled: the resolver drops it.".into(), spec());
            return Some(Found { records: m.answers, rcode: 0, soa: None, ready: late.min(landed) });
        }
        for k in 1..=3u64 {
            let mut guess = (self.rng.next_u64() >> 48) as u16;
            if guess == real_id {
                guess = guess.wrapping_add(1);
            }
            let guessed_port = 1024 + (self.rng.next_u64() % 64512) as u16;
            let m = forged_for(guess);
            let at = sent.saturating_add(k * 1000);
            let landed = self.message(at, (hop / 1000) as u32, ATTACKER, RESOLVER, &m, Some((53, guessed_port)), format!("A forged answer with a guessed ID 0x{guess:04x} sent to a guessed port {guessed_port}. The resolver's query used ID 0x{real_id:04x} from port {port}: each forged packet has about a 1 in 2^32 chance (16 bits of ID, about 16 bits of port)."), spec());
            let before = self.state(RESOLVER, landed);
            self.local(landed, RESOLVER, format!("drops forged answer {k}: ID or port does not match"), "The answer does not match an outstanding query (ID and port), so it is dropped. Random IDs and random source ports make an attacker guess 32 bits instead of none; DNSSEC goes further and makes forged records detectable.".into(), spec(), before);
        }
        None
    }

    /// Keeps the DNSSEC records of a response: signatures, and DS records by child zone.
    fn note_dnssec(&mut self, response: &Message) {
        let all = response.answers.iter().chain(response.authority.iter());
        for r in all {
            match r.rtype {
                rtype::RRSIG => self.sigs.push(r.clone()),
                rtype::DS => {
                    let key = r.name.lowercase().to_string();
                    let sig = response.authority.iter().find(|s| matches!(&s.data, RData::Rrsig { type_covered, .. } if *type_covered == rtype::DS) && same_name(&s.name, &r.name)).cloned();
                    let entry = self.ds.entry(key).or_insert_with(|| (Vec::new(), None));
                    if !entry.0.contains(r) {
                        entry.0.push(r.clone());
                    }
                    entry.1 = sig;
                }
                _ => {}
            }
        }
    }

    /// The signature seen for the RRset of `name` and type `t`.
    fn signature_of(&self, name: &Name, t: u16) -> Option<Record> {
        self.sigs.iter().rev().find(|s| same_name(&s.name, name) && matches!(&s.data, RData::Rrsig { type_covered, .. } if *type_covered == t)).cloned()
    }

    /// A validation step: what was checked, and whether it held.
    fn check(&mut self, now: SimTime, label: String, explanation: String) {
        let before = self.state(RESOLVER, now);
        self.local(now, RESOLVER, label, explanation, vec![SpecRef::rfc(4035, "5", "Authenticating DNS Responses"), SpecRef::rfc(8080, "4", "Signature format")], before);
    }

    /// Validates every RRset of `records`: each signature with its zone's key, and each key
    /// up the chain to the root's. `Some(true)`: secure; `Some(false)`: bogus; `None`: no
    /// signature to check (insecure).
    fn validate(&mut self, start: SimTime, records: &[Record]) -> (Option<bool>, SimTime) {
        let mut now = start;
        let mut sets: Vec<Vec<Record>> = Vec::new();
        for r in records {
            match sets.iter_mut().find(|s| same_name(&s[0].name, &r.name) && s[0].rtype == r.rtype) {
                Some(set) => set.push(r.clone()),
                None => sets.push(vec![r.clone()]),
            }
        }
        for set in sets {
            let what = format!("{} {}", set[0].name, rtype::name(set[0].rtype));
            let Some(sig) = self.signature_of(&set[0].name, set[0].rtype) else {
                self.check(now, format!("bogus: no RRSIG for {what}"), format!("The zones here are signed, so every answer must come with a signature. {what} came without one: it cannot be proven, and a validating resolver refuses it (SERVFAIL)."));
                return (Some(false), now);
            };
            let RData::Rrsig { signer, key_tag, .. } = &sig.data else { return (Some(false), now) };
            let signer = signer.clone();
            let tag = *key_tag;
            let (key, ready) = self.zone_key(now, &signer, 0);
            now = ready;
            let Some(key) = key else { return (Some(false), now) };
            match dnssec::verify(&sig, &set, &key, dnssec::EPOCH + (now.micros() / 1_000_000) as u32) {
                Ok(()) => self.check(now, format!("RRSIG over {what}: valid"), format!("The Ed25519 signature by {signer} (key tag {tag}) over {what}, computed over the records in canonical form (names lowercased, sorted), verifies with {signer}'s DNSKEY, and today is inside its validity period. The answer is exactly what the zone's owner signed.")),
                Err(e) => {
                    self.check(now, format!("bogus: RRSIG over {what} fails"), format!("The signature over {what} does not verify: {e}. A validating resolver refuses the answer (SERVFAIL)."));
                    return (Some(false), now);
                }
            }
        }
        (Some(true), now)
    }

    /// The validated DNSKEY of `zone`: from the cache, or fetched and checked against the DS
    /// its parent signed (or, for the root, against the configured trust anchor).
    fn zone_key(&mut self, start: SimTime, zone: &Name, depth: u8) -> (Option<Record>, SimTime) {
        let name = zone.lowercase().to_string();
        if let Some(k) = self.keys.get(&name) {
            return (Some(k.clone()), start);
        }
        let mut now = start;
        // First the parent's key, which signed this zone's DS.
        let (expected, parent) = if *zone == Name::ROOT {
            (dnssec::ds_for(&dnssec::dnskey(&Name::ROOT, 3600)), None)
        } else {
            let Some((ds, sig)) = self.ds.get(&name).cloned() else {
                self.check(now, format!("bogus: no DS for {zone}"), format!("The parent of {zone} published no DS record for it, so there is no signed link from the root down to {zone}'s key. (With a proven 'no DS', the zone would be insecure, and answered without AD; that proof, NSEC, is not shown here.)"));
                return (None, now);
            };
            let Some(sig) = sig else { return (None, now) };
            let RData::Rrsig { signer, .. } = &sig.data else { return (None, now) };
            let signer = signer.clone();
            if depth > 8 {
                return (None, now);
            }
            let (parent_key, ready) = self.zone_key(now, &signer, depth + 1);
            now = ready;
            let Some(parent_key) = parent_key else { return (None, now) };
            if let Err(e) = dnssec::verify(&sig, &ds, &parent_key, dnssec::EPOCH + (now.micros() / 1_000_000) as u32) {
                self.check(now, format!("bogus: DS of {zone} fails"), format!("{signer}'s signature over the DS of {zone} does not verify: {e}."));
                return (None, now);
            }
            let Some(first) = ds.first() else { return (None, now) };
            (first.data.clone(), Some((signer, parent_key)))
        };
        // Then this zone's own key, asked of its server.
        let key = match self.resolver.get(now, zone, rtype::DNSKEY) {
            Some(e) => e.records.first().cloned(),
            None => {
                let (server, _) = self.closest_server(now, zone);
                // A DNSKEY query counts toward the lookup's queries too.
                if self.sent >= QUERIES_PER_LOOKUP {
                    return (None, now);
                }
                self.sent += 1;
                let Some(srv) = self.world.iter().find(|s| s.address == server) else { return (None, now) };
                let lane = lane_of(srv);
                let id = self.id();
                let mut q = Message { header: Header { id, ..Header::default() }, questions: vec![question(zone, rtype::DNSKEY)], ..Message::default() };
                q.additional.push(dnssec::opt_do());
                self.peer = Some(server);
                let arrive = self.message(now, self.delay(lane), RESOLVER, lane, &q, None, format!("To check signatures made by {zone}, the resolver needs {zone}'s public key: it asks {} for the DNSKEY records.", srv.name), vec![SpecRef::rfc(4034, "2", "The DNSKEY Resource Record")]);
                let (response, _) = dnssec::answer_signed(srv, id, &q.questions[0]);
                now = self.respond(arrive, self.delay(lane), lane, RESOLVER, Some(server), &q, &response, format!("{zone}'s DNSKEY (an Ed25519 public key, algorithm 15) and the RRSIG the key made over itself."), vec![SpecRef::rfc(4034, "2", "The DNSKEY Resource Record"), SpecRef::rfc(8080, "3", "Public key format")]);
                self.note_dnssec(&response);
                let keys: Vec<Record> = response.answers.iter().filter(|r| r.rtype == rtype::DNSKEY).cloned().collect();
                self.resolver.put_records(&mut self.log, now, &keys);
                self.stamp();
                keys.first().cloned()
            }
        };
        let Some(key) = key else { return (None, now) };
        let tag = dnssec::key_tag(&key.data);
        let digest = dnssec::ds_for(&key);
        let hex = |d: &RData| match d {
            RData::Ds { digest, .. } => crate::trace::hex_bytes::encode(&digest[..8.min(digest.len())]) + "…",
            _ => String::new(),
        };
        if digest != expected {
            self.check(now, format!("bogus: {zone} DNSKEY does not match"), format!("The SHA-256 digest of {zone}'s DNSKEY is {}, but the {} says {}. Someone else's key: the chain of trust is broken.", hex(&digest), if parent.is_some() { "parent's DS" } else { "trust anchor" }, hex(&expected)));
            return (None, now);
        }
        let self_sig = self.signature_of(zone, rtype::DNSKEY);
        let at = dnssec::EPOCH + (now.micros() / 1_000_000) as u32;
        match self_sig.map(|s| dnssec::verify(&s, std::slice::from_ref(&key), &key, at)) {
            Some(Ok(())) => {}
            Some(Err(e)) => {
                self.check(now, format!("bogus: {zone} DNSKEY self-signature fails"), e);
                return (None, now);
            }
            None => {
                self.check(now, format!("bogus: {zone} DNSKEY unsigned"), "The key set came without a signature.".into());
                return (None, now);
            }
        }
        let how = match &parent {
            None => format!("The root's key (key tag {tag}) has SHA-256 digest {}, the trust anchor this resolver is configured with (as every validating resolver is configured with the root's key). Its RRSIG over itself verifies. Trust starts here.", hex(&digest)),
            Some((signer, _)) => format!("The DS record for {zone}, signed by {signer} with the key already trusted, holds digest {}; the SHA-256 of {zone}'s DNSKEY (key tag {tag}) is the same, and the key's signature over itself verifies. {zone}'s key is now trusted: one more link in the chain.", hex(&digest)),
        };
        self.check(now, format!("{zone} DNSKEY trusted (key tag {tag})"), how);
        self.keys.insert(name, key.clone());
        (Some(key), now)
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

/// The response without its DNSSEC records and EDNS: what the resolver caches and passes on.
fn without_dnssec(mut m: Message) -> Message {
    let plain = |r: &Record| !matches!(r.rtype, rtype::RRSIG | rtype::DS | rtype::OPT | rtype::DNSKEY) || r.rtype == rtype::DNSKEY && m.questions.first().is_some_and(|q| q.qtype == rtype::DNSKEY);
    let keep_answers: Vec<Record> = m.answers.iter().filter(|r| plain(r)).cloned().collect();
    let keep_authority: Vec<Record> = m.authority.iter().filter(|r| plain(r)).cloned().collect();
    let keep_additional: Vec<Record> = m.additional.iter().filter(|r| plain(r)).cloned().collect();
    m.answers = keep_answers;
    m.authority = keep_authority;
    m.additional = keep_additional;
    m
}

/// What a lookup's answer teaches, beyond its timing.
fn lesson(l: &Lookup, records: Option<&Message>) -> Option<String> {
    let m = records?;
    match l.qtype {
        rtype::MX => {
            let mut mx: Vec<(u16, String)> = m.answers.iter().filter_map(|r| match &r.data {
                RData::Mx { preference, exchange } => Some((*preference, exchange.to_string())),
                _ => None,
            }).collect();
            crate::order::sort(&mut mx);
            (!mx.is_empty()).then(|| format!("Mail for {} goes to {} first (lowest preference, {}){}.", l.name, mx[0].1, mx[0].0, if mx.len() > 1 { format!("; if it does not answer, to {} ({})", mx[1].1, mx[1].0) } else { String::new() }))
        }
        rtype::SRV => m.answers.iter().find_map(|r| match &r.data {
            RData::Srv { priority, weight, port, target } => Some(format!("The service is at {target} port {port} (priority {priority}, weight {weight}); the client now looks up that host's address.")),
            _ => None,
        }),
        rtype::PTR => m.answers.iter().find_map(|r| match &r.data {
            RData::Ptr(host) => Some(format!("A reverse lookup: the address written backwards under in-addr.arpa names {host}.")),
            _ => None,
        }),
        rtype::TXT => m.answers.iter().find_map(|r| match &r.data {
            RData::Txt(parts) if parts.first().is_some_and(|p| p.starts_with(b"v=spf1")) => Some(format!("An SPF policy: {}. Receiving mail servers read it to decide which hosts may send mail for {}.", String::from_utf8_lossy(&parts.concat()), l.name)),
            _ => None,
        }),
        _ => None,
    }
}

/// One lookup of a name, for the TTL trade-off: servers asked, and the answer's TTL.
type Seen = (usize, Option<u32>);

/// Runs the lookups in time order against `world`.
pub fn run(setup: &Setup, world: &[Server]) -> DnsRun {
    // DNSSEC's Ed25519 is loaded separately on the web: until it arrives, the run is shown
    // without DNSSEC, says so, and is run again when it is there.
    let loading = if setup.dnssec { crate::ext::ed25519().err() } else { None };
    let unsigned;
    let setup = match loading {
        Some(_) => {
            unsigned = Setup { dnssec: false, ..setup.clone() };
            &unsigned
        }
        None => setup,
    };
    let mut signed;
    let world = if setup.dnssec {
        signed = world.to_vec();
        dnssec::sign_world(&mut signed);
        &signed[..]
    } else {
        world
    };
    let mut actors = vec![
        Actor { id: "browser".into(), name: "Browser".into(), detail: "its cache".into() },
        Actor { id: "stub".into(), name: "OS stub".into(), detail: ip(HOST_IP) },
        Actor { id: "resolver".into(), name: "Recursive".into(), detail: ip(RESOLVER_IP) },
        Actor { id: "root".into(), name: "Root".into(), detail: "198.41.0.4".into() },
        Actor { id: "tld".into(), name: "TLD".into(), detail: "com org arpa".into() },
        Actor { id: "auth".into(), name: "Authoritative".into(), detail: "192.0.2.53".into() },
    ];
    if setup.spoofing != Spoofing::None {
        actors.push(Actor { id: "attacker".into(), name: "Attacker".into(), detail: "off-path, forging answers".into() });
    }
    let mut r = Run {
        setup,
        world,
        trace: Trace::new("dns", "DNS: from a name to an address", actors),
        rng: SplitMix64::new(setup.seed),
        browser: Cache::new(BROWSER),
        stub: Cache::new(STUB),
        resolver: Cache::new(RESOLVER),
        log: Vec::new(),
        last_id: (SplitMix64::new(setup.seed).next_u64() >> 48) as u16,
        spoofed: false,
        sigs: Vec::new(),
        ds: BTreeMap::new(),
        keys: BTreeMap::new(),
        validated: BTreeSet::new(),
        packets: Vec::new(),
        peer: None,
        open: Vec::new(),
        sent: 0,
    };
    if let Some(missing) = loading {
        r.trace.warnings.push(format!("DNSSEC is off in this run while {missing}; the run starts again with DNSSEC when it arrives."));
    }
    let mut lookups = setup.lookups.clone();
    crate::order::sort_by_key(&mut lookups, |l| l.at_s);
    // Per name and type: the first lookup's time, and every lookup's (servers asked, answer TTL).
    let mut first_us: BTreeMap<(String, u16), u64> = BTreeMap::new();
    let mut history: BTreeMap<(String, u16), Vec<Seen>> = BTreeMap::new();
    for l in &lookups {
        let first = r.trace.steps.len();
        let first_event = r.log.len();
        r.lookup(l);
        // A message that arrives after the lookup settled (a real answer beaten by a forged
        // one) is recorded late; rows go in time order, and cache entries keep their step.
        let mut order: Vec<usize> = (first..r.trace.steps.len()).collect();
        crate::order::sort_by_key(&mut order, |&i| r.trace.steps[i].at);
        let mut moved = vec![0; order.len()];
        for (to, &from) in order.iter().enumerate() {
            moved[from - first] = first + to;
        }
        let mut recorded: Vec<Option<Step>> = r.trace.steps.drain(first..).map(Some).collect();
        r.trace.steps.extend(order.iter().filter_map(|&i| recorded[i - first].take()));
        for e in &mut r.log[first_event..] {
            if let Some(&to) = e.step.checked_sub(first).and_then(|k| moved.get(k)) {
                e.step = to;
            }
        }
        let steps = &r.trace.steps[first..];
        // The lookup ends when the browser has its answer (later arrivals change nothing).
        let (start, end) = (steps[0].at, steps.iter().filter(|s| s.to == BROWSER).map(|s| s.arrives.unwrap_or(s.at)).max().unwrap_or(steps[0].at));
        let servers = steps.iter().filter(|s| s.from == RESOLVER && (ROOT..=AUTHORITATIVE).contains(&s.to) && !s.bytes.is_empty() && !s.label.starts_with("TCP")).count();
        let answer = steps.iter().rev().find(|s| s.from == RESOLVER && s.to == STUB && !s.bytes.is_empty()).and_then(|s| decode(&s.bytes).ok().or_else(|| tcp_dns(&s.bytes)));
        let validated = steps.iter().any(|s| s.from == RESOLVER && s.to == STUB && s.label.ends_with("(AD)"));
        let answered = steps.iter().rev().find_map(|s| match s.label.split_once("→ ") {
            Some((before, after)) if before.is_empty() || before.starts_with("browser cache hit") => Some(after.to_string()),
            _ => None,
        });
        let outcome = match answered {
            Some(a) => format!(" → {a}{}", if validated { ", validated (AD)" } else { "" }),
            None => String::new(),
        };
        let took = end.micros() - start.micros();
        let key = (l.name.lowercase().to_string(), l.qtype);
        let first = *first_us.entry(key.clone()).or_insert(took);
        let served_by = steps.iter().find_map(|s| {
            if s.label.starts_with("browser cache hit") {
                Some("the browser's cache")
            } else if s.label.starts_with("stub cache hit") {
                Some("the OS cache")
            } else if s.label.starts_with("cache hit") {
                Some("the resolver's cache")
            } else {
                None
            }
        });
        let saved = match served_by {
            Some(cache) if first > took => format!("; served from {cache}, {} ms faster than the first time", crate::trace::whole_ms(first - took)),
            _ => String::new(),
        };
        r.trace.summary.push(format!(
            "At {}: {} {} took {} ms and {} server quer{}{outcome}{saved}.",
            clock(l.at_s),
            rtype::name(l.qtype),
            l.name,
            crate::trace::whole_ms(took),
            servers,
            if servers == 1 { "y" } else { "ies" }
        ));
        let ttl = answer.as_ref().and_then(|m| m.answers.iter().map(|r| r.ttl).max());
        history.entry(key).or_default().push((servers, ttl));
        if let Some(text) = lesson(l, answer.as_ref()) {
            r.trace.summary.push(text);
        }
        if r.trace.steps.len() >= STEP_CAP {
            if !r.trace.warnings.iter().any(|w| w.contains("step cap")) {
                r.trace.warnings.push(format!("the run stopped at the step cap ({STEP_CAP} steps)"));
            }
            break;
        }
    }
    // The TTL trade-off, for each name asked more than once.
    for ((name, t), seen) in &history {
        let Some(ttl) = seen.iter().find_map(|(_, ttl)| *ttl) else { continue };
        if seen.len() < 2 {
            continue;
        }
        let upstream = seen.iter().filter(|(servers, _)| *servers > 0).count();
        r.trace.summary.push(format!(
            "TTL trade-off for {} {name}: with a TTL of {ttl} s, {upstream} of {} lookups reached a server. A longer TTL means fewer queries and faster answers; a shorter one means a changed record reaches everyone sooner (a cache may serve the old one for up to {ttl} s).",
            rtype::name(*t),
            seen.len()
        ));
    }
    // In the order they were sent (a forged answer is sent before the real one arrives).
    let mut packets = r.packets;
    packets.sort_by_key(|p| p.at);
    DnsRun { trace: r.trace, cache_log: r.log, packets }
}

/// The DNS message inside a TCP segment that carries one after its two-byte length.
pub fn tcp_dns(segment: &[u8]) -> Option<Message> {
    let offset = (*segment.get(12)? >> 4) as usize * 4;
    let payload = segment.get(offset..)?;
    let length = u16::from_be_bytes([*payload.first()?, *payload.get(1)?]) as usize;
    decode(payload.get(2..2 + length)?).ok()
}

/// Seconds as `0 s`, `30 min`, `1 h 10 min`.
pub fn clock(s: u64) -> String {
    match s {
        0..=119 => format!("{s} s"),
        _ if s.is_multiple_of(3600) => format!("{} h", s / 3600),
        _ if s < 3600 && s.is_multiple_of(60) => format!("{} min", s / 60),
        _ if s.is_multiple_of(60) => format!("{} h {} min", s / 3600, s % 3600 / 60),
        _ => format!("{s} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::scenario::{self, presets, DnsScenario};
    use super::*;

    fn preset(id: &str) -> DnsRun {
        let s = presets().into_iter().find(|p| p.0 == id).unwrap().2;
        scenario::run(&s)
    }

    fn lanes(t: &Trace) -> Vec<(usize, usize)> {
        t.steps.iter().filter(|s| !s.bytes.is_empty()).map(|s| (s.from, s.to)).collect()
    }

    #[test]
    fn cold_lookup_walks_root_tld_authoritative() {
        let t = preset("cold").trace;
        assert_eq!(
            lanes(&t),
            [(STUB, RESOLVER), (RESOLVER, ROOT), (ROOT, RESOLVER), (RESOLVER, TLD), (TLD, RESOLVER), (RESOLVER, AUTHORITATIVE), (AUTHORITATIVE, RESOLVER), (RESOLVER, STUB)]
        );
        assert_eq!(t.summary[0], "At 0 s: A www.example.com. took 130 ms and 3 server queries → 93.184.216.34.");
        let root_referral = decode(&t.steps.iter().find(|s| s.from == ROOT).unwrap().bytes).unwrap();
        assert!(!root_referral.header.aa && root_referral.answers.is_empty());
        assert_eq!(root_referral.additional.len(), 1, "glue for a.gtld-servers.net");
        assert!(t.warnings.is_empty(), "{:?}", t.warnings);
    }

    #[test]
    fn ttl_example_as_in_the_seeds() {
        let t = preset("ttl").trace;
        // At 30 min the browser's copy is long gone (60 s), but the OS stub still holds the
        // answer (TTL 3600): no query leaves the machine.
        assert_eq!(t.summary[1], "At 30 min: A www.example.com. took 0 ms and 0 server queries → 93.184.216.34; served from the OS cache, 130 ms faster than the first time.");
        // At 70 min the answer has expired everywhere, but the NS records (2 days) have not:
        // only the authoritative server is asked.
        assert_eq!(t.summary[2], "At 1 h 10 min: A www.example.com. took 50 ms and 1 server query → 93.184.216.34.");
        assert!(t.summary[3].starts_with("TTL trade-off for A www.example.com.: with a TTL of 3600 s, 2 of 3 lookups reached a server."), "{:?}", t.summary);
        let short = preset("ttl-short").trace;
        assert!(short.summary[1].contains("and 1 server query"), "{:?}", short.summary);
        assert!(short.summary[3].contains("with a TTL of 60 s, 3 of 3 lookups reached a server"), "{:?}", short.summary);
    }

    #[test]
    fn warm_lookups_hit_the_browser_then_the_stub() {
        let run = preset("warm");
        assert!(run.trace.steps.iter().any(|s| s.at == SimTime(10_000_000) && s.label.starts_with("browser cache hit")));
        assert!(run.trace.steps.iter().any(|s| s.at == SimTime(120_000_000) && s.label.starts_with("stub cache hit")));
        // The time view: at 30 s the browser has 30 s left of its 60 (stored at 130 ms).
        let at30 = run.caches_at(SimTime(30_000_000), None);
        let browser = at30.iter().find(|c| c.cache == BROWSER && c.name == "www.example.com.").unwrap();
        assert_eq!((browser.left_s, browser.ttl_s), (30, 60));
        let stub = at30.iter().find(|c| c.cache == STUB).unwrap();
        assert_eq!(stub.what, "93.184.216.34");
        assert!(run.caches_at(SimTime(4000 * 1_000_000), None).iter().all(|c| c.rtype != "A" || c.name != "www.example.com."), "expired by then");
    }

    #[test]
    fn the_caches_at_a_step_are_as_that_step_leaves_them() {
        let run = scenario::run(&scenario::DnsScenario::default());
        let steps = &run.trace.steps;
        // The last step hands the answer to the browser, which caches it; at the step before,
        // which arrives at that same moment, the browser's cache is still empty.
        let last = steps.len() - 1;
        assert_eq!(steps[last].to, BROWSER);
        let t = steps[last - 1].arrives.unwrap_or(steps[last - 1].at);
        assert_eq!(steps[last].at, t, "the two steps share a moment");
        let browser = |step| run.caches_at(t, Some(step)).into_iter().filter(|c| c.cache == BROWSER).count();
        assert_eq!(browser(last - 1), 0);
        assert_eq!(browser(last), 1);
        // Every entry names a step that exists and that happens by the time it is stored.
        for e in &run.cache_log {
            assert!(e.step < steps.len() && steps[e.step].at <= e.stored, "{e:?}");
        }
    }

    #[test]
    fn cname_to_another_zone_is_chased_through_org() {
        let t = preset("cname").trace;
        let answer = t.steps.iter().rev().find(|s| s.from == RESOLVER && s.to == STUB).unwrap();
        let m = decode(&answer.bytes).unwrap();
        assert_eq!(m.answers.iter().map(|r| r.rtype).collect::<Vec<_>>(), [rtype::CNAME, rtype::A]);
        assert!(t.steps.iter().any(|s| s.label.contains("referral: org")), "went through .org");
    }

    #[test]
    fn nxdomain_is_cached_negatively_for_the_soa_minimum() {
        let run = preset("nxdomain");
        let t = &run.trace;
        let to_stub = decode(&t.steps.iter().find(|s| s.from == RESOLVER && s.to == STUB).unwrap().bytes).unwrap();
        assert_eq!(to_stub.header.rcode, 3);
        assert_eq!(to_stub.authority[0].rtype, rtype::SOA, "the SOA is passed on for negative caching");
        assert!(t.summary[1].contains("0 server queries"), "answered from the negative cache: {:?}", t.summary);
        // example.com's SOA minimum is 300 s: at 400 s the denial has expired.
        assert!(t.summary[2].contains("1 server query"), "{:?}", t.summary);
        let stub = run.caches_at(SimTime(200_000_000), None).into_iter().find(|c| c.cache == STUB).unwrap();
        assert_eq!((stub.what.as_str(), stub.ttl_s), ("NXDOMAIN", 300));
    }

    #[test]
    fn missing_glue_is_a_circular_delegation() {
        let t = preset("no-glue").trace;
        assert!(t.steps.iter().any(|s| s.label == "gives up on the address of ns1.example.com."), "{:#?}", t.steps.iter().map(|s| &s.label).collect::<Vec<_>>());
        assert!(t.summary[0].ends_with("→ SERVFAIL."), "{:?}", t.summary);
        assert!(t.steps.len() < 60);
    }

    #[test]
    fn a_big_answer_is_truncated_then_fetched_over_tcp() {
        let t = preset("tcp").trace;
        let tc = t.steps.iter().filter(|s| !s.bytes.is_empty() && decode(&s.bytes).is_ok_and(|m| m.header.tc)).count();
        // Once from the authoritative server, once from the resolver to the stub.
        assert_eq!(tc, 2);
        let over_tcp: Vec<&Step> = t.steps.iter().filter(|s| s.bytes_label.starts_with("TCP segment to port 53")).collect();
        assert_eq!(over_tcp.len(), 4, "a query and an answer on each of the two legs");
        let answer = tcp_dns(&over_tcp[1].bytes).unwrap();
        assert!(!answer.header.tc && answer.answers[0].rtype == rtype::TXT);
        assert!(encode(&answer, true).bytes.len() > UDP_LIMIT);
        // The two length bytes say how long the message is.
        let seg = &over_tcp[1].bytes;
        let off = (seg[12] >> 4) as usize * 4;
        assert_eq!(u16::from_be_bytes([seg[off], seg[off + 1]]) as usize, seg.len() - off - 2);
        assert!(over_tcp[1].fields.iter().any(|f| f.name == "DNS length prefix"));
        // The handshake segments checksum correctly (decoded with the right addresses).
        let syn = t.steps.iter().find(|s| s.label == "TCP SYN to port 53").unwrap();
        assert!(Segment::decode(&syn.bytes, RESOLVER_IP, [192, 0, 2, 53]).is_ok());
    }

    #[test]
    fn guessable_ids_let_a_forged_answer_in_and_random_ones_do_not() {
        let bad = preset("spoof-guessable").trace;
        assert!(bad.summary[0].ends_with("→ 203.0.113.66."), "{:?}", bad.summary);
        // And the poison stays: two minutes later the OS cache serves the forged address.
        assert!(bad.summary.iter().any(|l| l.starts_with("At 2 min") && l.contains("→ 203.0.113.66;")), "{:?}", bad.summary);
        let good = preset("spoof-random").trace;
        assert!(good.summary[0].ends_with("→ 93.184.216.34."), "{:?}", good.summary);
        assert_eq!(good.steps.iter().filter(|s| s.label.starts_with("drops forged answer")).count(), 3);
        let forged: Vec<Message> = good.steps.iter().filter(|s| s.from == ATTACKER).map(|s| decode(&s.bytes).unwrap()).collect();
        let real_query = good.steps.iter().rev().find(|s| s.from == RESOLVER && s.to == AUTHORITATIVE).map(|s| decode(&s.bytes).unwrap()).unwrap();
        assert!(forged.iter().all(|m| m.header.id != real_query.header.id));
    }

    #[test]
    fn every_preset_decodes_and_is_deterministic() {
        for (id, _, s) in presets() {
            let a = scenario::run(&s);
            assert_eq!(a, scenario::run(&s), "{id}");
            assert!(a.trace.warnings.is_empty(), "{id}: {:?}", a.trace.warnings);
            for step in a.trace.steps.iter().filter(|s| !s.bytes.is_empty()) {
                let ok = if step.bytes_label.starts_with("TCP") { step.bytes_label.contains("port 53 carrying") <= tcp_dns(&step.bytes).is_some() } else { decode(&step.bytes).is_ok() };
                assert!(ok, "{id}: {}", step.label);
            }
        }
        let _ = DnsScenario::default();
    }

    #[test]
    fn dnssec_validates_the_chain_from_the_root_and_refuses_a_forgery() {
        let run = preset("dnssec");
        let t = &run.trace;
        assert!(t.summary[0].ends_with("→ 93.184.216.34, validated (AD)."), "{:?}", t.summary);
        let trusted: Vec<&str> = t.steps.iter().filter(|s| s.label.contains("DNSKEY trusted")).map(|s| s.label.as_str()).collect();
        assert_eq!(trusted.len(), 3, "root, com, example.com: {trusted:?}");
        assert!(trusted[0].starts_with(". DNSKEY") && trusted[2].starts_with("example.com. DNSKEY"));
        let to_stub = decode(&t.steps.iter().find(|s| s.from == RESOLVER && s.to == STUB).unwrap().bytes).unwrap();
        assert_eq!(to_stub.header.z & AD, AD);
        assert!(to_stub.answers.iter().all(|r| r.rtype == rtype::A), "the stub did not ask for signatures");
        // Every signature on the wire verifies with the key of its signer.
        let messages: Vec<Message> = t.steps.iter().filter_map(|s| decode(&s.bytes).ok()).collect();
        let keys: Vec<Record> = messages.iter().flat_map(|m| m.answers.iter()).filter(|r| r.rtype == rtype::DNSKEY).cloned().collect();
        let mut checked = 0;
        for m in &messages {
            let records: Vec<&Record> = m.answers.iter().chain(m.authority.iter()).collect();
            for sig in records.iter().filter(|r| r.rtype == rtype::RRSIG) {
                let RData::Rrsig { type_covered, signer, .. } = &sig.data else { unreachable!() };
                let set: Vec<Record> = records.iter().filter(|r| r.rtype == *type_covered && same_name(&r.name, &sig.name)).map(|r| (*r).clone()).collect();
                let key = keys.iter().find(|k| same_name(&k.name, signer)).unwrap();
                assert_eq!(dnssec::verify(sig, &set, key, dnssec::EPOCH), Ok(()));
                checked += 1;
            }
        }
        assert!(checked >= 6, "{checked}");
        // With DNSSEC, the forged answer is refused rather than cached.
        let forged = preset("dnssec-spoof");
        assert!(forged.trace.summary[0].ends_with("→ SERVFAIL."), "{:?}", forged.trace.summary);
        assert!(forged.cache_log.iter().all(|e| !e.what.contains("203.0.113.66")));
    }

    #[test]
    fn a_lame_delegation_fails_with_a_reason() {
        let mut s = DnsScenario::default();
        s.zones.insert("com".into(), super::super::world::example_zone("com").unwrap().replace("192.0.2.53", "192.0.2.99"));
        let t = scenario::run(&s).trace;
        assert!(t.steps.iter().any(|s| s.label == "no server at 192.0.2.99"));
        assert!(t.summary[0].ends_with("→ SERVFAIL."));
    }
}
