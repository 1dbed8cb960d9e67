//! The HTTP lab's waterfall part: a page load as the browser's network panel shows it, computed
//! from a model. The HTML comes first; the stylesheets, scripts and images it references are
//! found when it has arrived, and fonts when the stylesheet that names them has. Each request's
//! time is split as the network panel splits it: queued, DNS, connect, TLS, waiting (to the
//! first byte) and download.
//!
//! The model: a name's lookup costs 40 ms unless cached; TCP one round trip and TLS 1.3 one more
//! (QUIC both in one); a request's first byte comes a round trip and 20 ms of server time after
//! it is sent; every response in flight shares the access link's bandwidth equally. HTTP/1.1
//! opens at most six connections to a host, one request at a time on each; HTTP/2 multiplexes
//! every request on one connection; HTTP/3 does the same over QUIC. A lost packet costs a round
//! trip: over TCP (HTTP/1.1 and 2) everything on that connection waits (head-of-line blocking),
//! over QUIC only its own stream. What it leaves out, on purpose: TCP slow start, and HTTP/2's
//! priorities (stylesheets are not favoured).

use crate::scenario::FieldError;
use crate::trace::{Actor, Field, SimTime, SpecRef, Step, StepKind, Trace};
use serde::{Deserialize, Serialize};

pub mod limits {
    pub const RESOURCES: usize = 60;
    pub const TEXT: usize = 4000;
    pub const SIZE_KB: u64 = 5_000;
    /// All resources together: it bounds the loss events the model steps through.
    pub const TOTAL_KB: u64 = 20_000;
    pub const RTT_MS: u64 = 2000;
    pub const MBPS: u64 = 10_000;
    pub const LOSS_PERCENT: u64 = 10;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Protocol {
    #[default]
    H1,
    H2,
    H3,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::H1 => "HTTP/1.1",
            Protocol::H2 => "HTTP/2",
            Protocol::H3 => "HTTP/3",
        }
    }
}

/// The waterfall part's inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WaterfallScenario {
    pub protocol: Protocol,
    pub rtt_ms: u64,
    pub mbps: u64,
    pub loss_percent: u64,
    /// One resource a line: `kind size_kb [name]`, kind one of css, js, font, img.
    pub resources: String,
    pub html_kb: u64,
    /// The browser has every resource cached and fresh (and the name's address).
    pub warm_cache: bool,
    /// Static resources come from a CDN edge this close (0: from the origin).
    pub cdn_rtt_ms: u64,
    /// The CSS files are one bundle, and the scripts another.
    pub bundle: bool,
    /// `<link rel=preconnect>` to the static host: its connection opens while the HTML loads.
    pub preconnect: bool,
    pub seed: u64,
}

impl Default for WaterfallScenario {
    fn default() -> Self {
        WaterfallScenario {
            protocol: Protocol::H1,
            rtt_ms: 80,
            mbps: 20,
            loss_percent: 0,
            resources: "css 30 app.css\ncss 12 theme.css\njs 120 app.js\njs 40 vendor.js\njs 15 analytics.js\nfont 45 inter.woff2\nimg 60 hero.jpg\nimg 25 a.png\nimg 25 b.png\nimg 25 c.png\nimg 25 d.png\nimg 25 e.png".into(),
            html_kb: 14,
            warm_cache: false,
            cdn_rtt_ms: 0,
            bundle: false,
            preconnect: false,
            seed: 1,
        }
    }
}

/// One resource as read from the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub kind: String,
    pub bytes: u64,
    pub name: String,
}

pub fn parse_resources(text: &str) -> Result<Vec<Resource>, Vec<String>> {
    super::read_lines(text, true, (limits::RESOURCES, "resources"), None, |line, _, count| {
        let mut words = line.split_whitespace();
        let kind = words.next().unwrap_or("");
        if !["css", "js", "font", "img"].contains(&kind) {
            return Err(format!("“{}” is not a kind: css, js, font or img", crate::export::visible(&kind.chars().take(20).collect::<String>())));
        }
        let kb = words.next().and_then(|w| w.parse::<u64>().ok()).filter(|kb| (1..=limits::SIZE_KB).contains(kb)).ok_or_else(|| format!("after the kind, the size in kB (1 to {})", limits::SIZE_KB))?;
        let name = words.next().map(|n| n.chars().filter(|c| c.is_ascii_graphic()).take(40).collect::<String>()).unwrap_or_else(|| format!("{kind}{}", count + 1));
        Ok(Resource { kind: kind.into(), bytes: kb * 1000, name })
    })
}

impl WaterfallScenario {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.resources.len() > limits::TEXT {
            errors.push(FieldError::new("waterfall_resources", format!("at most {} characters", limits::TEXT)));
        } else {
            match parse_resources(&self.resources) {
                Err(p) => errors.push(FieldError::new("waterfall_resources", p.join("; "))),
                Ok(r) if r.iter().map(|r| r.bytes / 1000).sum::<u64>() > limits::TOTAL_KB => errors.push(FieldError::new("waterfall_resources", format!("at most {} kB in all", limits::TOTAL_KB))),
                Ok(_) => {}
            }
        }
        for (key, v, lo, hi) in [("waterfall_rtt_ms", self.rtt_ms, 1, limits::RTT_MS), ("waterfall_mbps", self.mbps, 1, limits::MBPS), ("waterfall_html_kb", self.html_kb, 1, limits::SIZE_KB), ("waterfall_loss_percent", self.loss_percent, 0, limits::LOSS_PERCENT), ("waterfall_cdn_rtt_ms", self.cdn_rtt_ms, 0, limits::RTT_MS)] {
            if !(lo..=hi).contains(&v) {
                errors.push(FieldError::new(key, format!("{lo} to {hi}")));
            }
        }
        errors
    }
}

/// One request's row in the waterfall, in microseconds from the start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub name: String,
    pub kind: String,
    pub bytes: u64,
    /// `origin` or `static` (the CDN's host when there is one).
    pub host: &'static str,
    /// Which connection carried it (per host, from 1).
    pub connection: usize,
    pub discovered: u64,
    pub queued: u64,
    pub dns: u64,
    pub connect: u64,
    pub tls: u64,
    pub waiting: u64,
    pub download: u64,
    pub end: u64,
    pub cached: bool,
    /// Round trips lost to retransmission, its own and other streams'.
    pub lost_rtts: u64,
}

impl Row {
    pub fn start(&self) -> u64 {
        self.discovered
    }
}

/// The model's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waterfall {
    pub rows: Vec<Row>,
    /// When the last byte arrived.
    pub load: u64,
    /// Connections opened, per host.
    pub connections: (usize, usize),
}

const SEGMENT: u64 = 1460;
const SERVER_MS: u64 = 20;
const DNS_MS: u64 = 40;

/// Deterministic losses: the byte offsets in a response of `bytes` at which a packet is lost.
fn losses(rng: &mut crate::rng::SplitMix64, bytes: u64, percent: u64) -> Vec<u64> {
    if percent == 0 {
        return Vec::new();
    }
    (0..bytes.div_ceil(SEGMENT)).filter(|_| rng.next_u64() % 1000 < percent * 10).map(|p| p * SEGMENT).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Not found yet (waits for the HTML, or for the stylesheets).
    Hidden,
    /// Found; waiting for the host's address or a connection.
    Waiting,
    /// Sent; the first byte arrives at `first_byte`.
    Sent,
    Flowing,
    Done,
}

struct Req {
    row: Row,
    host: usize,
    phase: Phase,
    first_byte: u64,
    /// Bytes still to come (in thousandths of a byte, so sharing stays exact enough).
    left: u128,
    /// Offsets of the lost packets, in order, and how many have been reached.
    lost: Vec<u64>,
    lost_at: usize,
    stall_until: u64,
    conn: usize,
}

/// Runs the page load: requests found as the HTML and the stylesheets arrive, connections
/// opened as the protocol allows, and every response sharing the access link's bandwidth
/// equally while its bytes flow. Event by event, so the time is exact to the microsecond.
pub fn model(s: &WaterfallScenario) -> Waterfall {
    let mut resources = parse_resources(&s.resources).unwrap_or_default();
    if s.bundle {
        // One bundle per kind of code: the CSS files together, the scripts together.
        let mut bundled: Vec<Resource> = Vec::new();
        for kind in ["css", "js"] {
            let total: u64 = resources.iter().filter(|r| r.kind == kind).map(|r| r.bytes).sum();
            if total > 0 {
                bundled.push(Resource { kind: kind.into(), bytes: total, name: format!("bundle.{kind}") });
            }
        }
        bundled.extend(resources.into_iter().filter(|r| r.kind != "css" && r.kind != "js"));
        resources = bundled;
    }
    let us = |ms: u64| ms * 1000;
    let cdn = s.cdn_rtt_ms > 0;
    // Host 0: the origin; host 1: where static files come from (the origin again, or a CDN).
    let rtt = [us(s.rtt_ms), us(if cdn { s.cdn_rtt_ms } else { s.rtt_ms })];
    let bytes_per_us = (s.mbps as u128 * 125_000 * 1000) / 1_000_000; // thousandths of a byte per µs
    let lookup = if s.warm_cache { 0 } else { us(DNS_MS) };
    let server = us(SERVER_MS);
    let setup = |host: usize| -> (u64, u64) { if s.protocol == Protocol::H3 { (rtt[host], 0) } else { (rtt[host], rtt[host]) } };
    let max_conns = if s.protocol == Protocol::H1 { 6 } else { 1 };
    let mut rng = crate::rng::SplitMix64::new(s.seed);
    let static_host = if cdn { 1 } else { 0 };
    let mut reqs: Vec<Req> = Vec::new();
    let mut push = |name: String, kind: String, bytes: u64, host: usize, rng: &mut crate::rng::SplitMix64| {
        let cached = s.warm_cache && kind != "html";
        reqs.push(Req { row: Row { name, kind, bytes, host: if host == 0 { "origin" } else { "static" }, connection: 0, discovered: 0, queued: 0, dns: 0, connect: 0, tls: 0, waiting: 0, download: 0, end: 0, cached, lost_rtts: 0 }, host, phase: Phase::Hidden, first_byte: 0, left: bytes as u128 * 1000, lost: losses(rng, bytes, s.loss_percent), lost_at: 0, stall_until: 0, conn: 0 });
    };
    push("index.html".into(), "html".into(), s.html_kb * 1000, 0, &mut rng);
    for r in &resources {
        push(r.name.clone(), r.kind.clone(), r.bytes, static_host, &mut rng);
    }
    // Per host: when its address is known (None: not asked yet), and its connections as
    // (free at, in use by a request, ready at).
    let mut dns_at: [Option<u64>; 2] = [None, None];
    let mut conns: [Vec<(u64, bool, u64)>; 2] = [Vec::new(), Vec::new()];
    let mut now = 0u64;
    reqs[0].phase = Phase::Waiting;
    dns_at[0] = Some(lookup);
    reqs[0].row.dns = lookup;
    let preconnect = s.preconnect && cdn;
    let mut css_done = false;
    for _ in 0..100_000 {
        // Found: everything but fonts when the HTML is done; fonts when every stylesheet is. A
        // preconnect starts the static host's lookup and connection once the HTML's first byte
        // is in.
        let html_done = reqs[0].phase == Phase::Done;
        if preconnect && dns_at[1].is_none() && reqs[0].phase == Phase::Flowing {
            dns_at[1] = Some(now + lookup);
            let (c, t) = setup(1);
            conns[1].push((now + lookup + c + t, false, now + lookup + c + t));
        }
        // Twice: stylesheets from the cache are done at once, and then their fonts are found.
        for i in (1..reqs.len()).chain(1..reqs.len()) {
            if i == 1 && html_done {
                css_done = reqs.iter().filter(|r| r.row.kind == "css").all(|r| r.phase == Phase::Done);
            }
            if reqs[i].phase == Phase::Hidden && html_done && (reqs[i].row.kind != "font" || css_done) {
                reqs[i].row.discovered = now;
                if reqs[i].row.cached {
                    reqs[i].phase = Phase::Done;
                    reqs[i].row.end = now;
                    continue;
                }
                reqs[i].phase = Phase::Waiting;
                let h = reqs[i].host;
                if dns_at[h].is_none() {
                    dns_at[h] = Some(now + lookup);
                    reqs[i].row.dns = lookup;
                }
            }
        }
        // Send what can be sent: the host's address known, and a connection (H1: an idle one,
        // or a new one while fewer than six; H2/H3: the one connection, opened once).
        for i in 0..reqs.len() {
            if reqs[i].phase != Phase::Waiting {
                continue;
            }
            let h = reqs[i].host;
            // Not before the host's address is known.
            if dns_at[h].is_none_or(|t| t > now) {
                continue;
            }
            let idle = conns[h].iter().position(|c| !c.1);
            let slot = match idle {
                Some(k) => Some(k),
                None if conns[h].len() < max_conns => {
                    let (c, t) = setup(h);
                    reqs[i].row.connect = c;
                    reqs[i].row.tls = t;
                    conns[h].push((now + c + t, false, now + c + t));
                    Some(conns[h].len() - 1)
                }
                None => None,
            };
            let Some(k) = slot else { continue };
            let ready = conns[h][k].2.max(now);
            if s.protocol == Protocol::H1 {
                conns[h][k].1 = true;
            }
            let r = &mut reqs[i];
            r.conn = k;
            r.row.connection = k + 1;
            r.row.queued = now - r.row.discovered - r.row.dns;
            // Waiting on a connection still being set up by another request counts as queued.
            r.row.queued += ready.saturating_sub(now + r.row.connect + r.row.tls);
            r.first_byte = ready + rtt[h] + server;
            r.row.waiting = rtt[h] + server;
            r.phase = Phase::Sent;
        }
        if reqs.iter().all(|r| r.phase == Phase::Done) {
            break;
        }
        for r in reqs.iter_mut() {
            if r.phase == Phase::Sent && r.first_byte <= now {
                r.phase = Phase::Flowing;
            }
        }
        // Share the bandwidth among the flowing, unstalled responses.
        let flowing: Vec<usize> = (0..reqs.len()).filter(|i| reqs[*i].phase == Phase::Flowing && reqs[*i].stall_until <= now).collect();
        let rate = if flowing.is_empty() { 0 } else { (bytes_per_us / flowing.len() as u128).max(1) };
        // The next event: a response sent or its first byte, one done, a loss reached, a stall
        // over, an address known.
        let mut next = u64::MAX;
        for r in &reqs {
            match r.phase {
                Phase::Sent => next = next.min(r.first_byte),
                Phase::Flowing if r.stall_until > now => next = next.min(r.stall_until),
                Phase::Flowing => {
                    let done = r.left.div_ceil(rate) as u64;
                    let got = r.row.bytes as u128 * 1000 - r.left;
                    let loss = r.lost.get(r.lost_at).map(|p| (*p as u128 * 1000).saturating_sub(got).div_ceil(rate) as u64);
                    next = next.min(now + done.min(loss.unwrap_or(u64::MAX)).max(1));
                }
                _ => {}
            }
        }
        for t in dns_at.iter().flatten() {
            if *t > now {
                next = next.min(*t);
            }
        }
        for h in 0..2 {
            for c in &conns[h] {
                if c.0 > now {
                    next = next.min(c.0);
                }
                if c.2 > now {
                    next = next.min(c.2);
                }
            }
        }
        if next == u64::MAX {
            break;
        }
        let dt = next - now;
        now = next;
        for i in &flowing {
            let r = &mut reqs[*i];
            let before = r.row.bytes as u128 * 1000 - r.left;
            r.left = r.left.saturating_sub(rate * dt as u128);
            let after = r.row.bytes as u128 * 1000 - r.left;
            // A lost packet reached: one round trip to notice and resend it. Over TCP the whole
            // connection waits (HTTP/2 head-of-line blocking); over QUIC only this stream.
            if r.lost.get(r.lost_at).is_some_and(|p| (*p as u128 * 1000) >= before && (*p as u128 * 1000) < after.max(before + 1)) {
                r.lost_at += 1;
                let (h, conn, until) = (r.host, r.conn, now + rtt[r.host]);
                r.row.lost_rtts += 1;
                r.stall_until = until;
                if s.protocol == Protocol::H2 {
                    for (j, o) in reqs.iter_mut().enumerate() {
                        if j != *i && o.host == h && o.conn == conn && o.phase == Phase::Flowing {
                            o.stall_until = o.stall_until.max(until);
                            o.row.lost_rtts += 1;
                        }
                    }
                }
                continue;
            }
            if r.left == 0 {
                r.phase = Phase::Done;
                r.row.end = now;
                r.row.download = now - r.first_byte;
                if s.protocol == Protocol::H1 {
                    let (h, k) = (r.host, r.conn);
                    conns[h][k].1 = false;
                    conns[h][k].0 = now;
                }
            }
        }
    }
    let rows: Vec<Row> = reqs.into_iter().map(|r| r.row).collect();
    let load = rows.iter().map(|r| r.end).max().unwrap_or(0);
    Waterfall { rows, load, connections: (conns[0].len(), if cdn { conns[1].len() } else { conns[0].len() }) }
}

/// The trace: the HTML's request and response as real HTTP/1.1 bytes, each connection opened,
/// and each resource's request and response at its model times.
pub fn run(s: &WaterfallScenario) -> Trace {
    let w = model(s);
    let actors = vec![
        Actor { id: "browser".into(), name: "Browser".into(), detail: s.protocol.name().into() },
        Actor { id: "origin".into(), name: "Origin".into(), detail: format!("www.example.com, {} ms away", s.rtt_ms) },
        Actor { id: "static".into(), name: if s.cdn_rtt_ms > 0 { "CDN edge".into() } else { "Origin (static)".into() }, detail: if s.cdn_rtt_ms > 0 { format!("static.example.com, {} ms away", s.cdn_rtt_ms) } else { "the same server".into() } },
    ];
    let mut t = Trace::new("http", &format!("A page load over {}", s.protocol.name()), actors);
    for r in &w.rows {
        let to = if r.host == "origin" && r.kind == "html" { 1 } else { 2 };
        let fields = vec![
            Field { name: "queued".into(), value: format!("{} ms", r.queued / 1000), bytes: None, note: "waiting for a free connection (HTTP/1.1: six per host)".into(), points_to: None },
            Field { name: "DNS".into(), value: format!("{} ms", r.dns / 1000), bytes: None, note: String::new(), points_to: None },
            Field { name: "connect".into(), value: format!("{} ms", r.connect / 1000), bytes: None, note: if s.protocol == Protocol::H3 { "QUIC: transport and TLS in one round trip".into() } else { "the TCP handshake".into() }, points_to: None },
            Field { name: "TLS".into(), value: format!("{} ms", r.tls / 1000), bytes: None, note: String::new(), points_to: None },
            Field { name: "waiting".into(), value: format!("{} ms", r.waiting / 1000), bytes: None, note: "to the first byte".into(), points_to: None },
            Field { name: "download".into(), value: format!("{} ms", r.download / 1000), bytes: None, note: if r.lost_rtts > 0 { format!("{} round trip{} lost to retransmission", r.lost_rtts, if r.lost_rtts == 1 { "" } else { "s" }) } else { String::new() }, points_to: None },
            Field { name: "connection".into(), value: if r.cached { "none: from the cache".into() } else { format!("#{}", r.connection) }, bytes: None, note: String::new(), points_to: None },
        ];
        let label = if r.cached { format!("{} (from the cache)", r.name) } else { format!("{} {} kB", r.name, r.bytes / 1000) };
        let (bytes, bytes_label) = if s.protocol == Protocol::H1 {
            (super::Message::request("GET", &format!("/{}", if r.kind == "html" { "" } else { &r.name })).header("Host", if to == 1 { "www.example.com" } else if s.cdn_rtt_ms > 0 { "static.example.com" } else { "www.example.com" }).bytes(), "HTTP/1.1 request".to_string())
        } else {
            (Vec::new(), String::new())
        };
        let explanation = if s.protocol == Protocol::H1 { "The request, as the bytes HTTP/1.1 sends.".to_string() } else { format!("{} sends it as a HEADERS frame on a stream of the one connection (binary, HPACK or QPACK compressed: not shown here).", s.protocol.name()) };
        let spec = match s.protocol {
            Protocol::H1 => SpecRef::rfc(9112, "9.3", "Persistence"),
            Protocol::H2 => SpecRef::rfc(9113, "5", "Streams and Multiplexing"),
            Protocol::H3 => SpecRef::rfc(9114, "4", "Expressing HTTP Semantics in HTTP/3"),
        };
        let start = r.discovered + r.queued + r.dns + r.connect + r.tls;
        if r.cached {
            t.steps.push(Step { at: SimTime(r.discovered), arrives: None, kind: StepKind::Local, from: 0, to: 0, label, fields, bytes: Vec::new(), bytes_label: String::new(), states: Vec::new(), explanation: "Fresh in the browser's cache: no request at all.".into(), spec: vec![SpecRef::rfc(9111, "4.2", "Freshness")] });
            continue;
        }
        // The request takes half a round trip to arrive; the response's last byte arrives at the end.
        let half = r.waiting.saturating_sub(SERVER_MS * 1000) / 2;
        t.steps.push(Step { at: SimTime(start), arrives: Some(SimTime(start + half)), kind: StepKind::Message, from: 0, to, label: format!("GET {label}"), fields, bytes, bytes_label, states: Vec::new(), explanation, spec: vec![spec] });
        t.steps.push(Step { at: SimTime(start + half + SERVER_MS * 1000), arrives: Some(SimTime(r.end)), kind: StepKind::Message, from: to, to: 0, label: format!("200 OK {} ({} ms)", r.name, (r.end - r.discovered) / 1000), fields: Vec::new(), bytes: Vec::new(), bytes_label: String::new(), states: Vec::new(), explanation: format!("The response: {} kB, downloaded in {} ms.", r.bytes / 1000, r.download / 1000), spec: Vec::new() });
    }
    crate::order::sort_by_key(&mut t.steps, |s| s.at);
    t.summary.push(format!("The page loaded in {} ms over {}: {} request{}, {} connection{} to the static host.", w.load / 1000, s.protocol.name(), w.rows.len(), if w.rows.len() == 1 { "" } else { "s" }, w.connections.1, if w.connections.1 == 1 { "" } else { "s" }));
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(tweak: impl Fn(&mut WaterfallScenario)) -> u64 {
        let mut s = WaterfallScenario::default();
        tweak(&mut s);
        model(&s).load / 1000
    }

    #[test]
    fn the_levers_move_the_load_time_the_right_way() {
        let h1 = load(|_| {});
        let h2 = load(|s| s.protocol = Protocol::H2);
        assert!(h2 < h1, "HTTP/2 {h2} < HTTP/1.1 {h1}");
        assert!(load(|s| s.warm_cache = true) < h2);
        assert!(load(|s| s.rtt_ms = 300) > h1);
        assert!(load(|s| s.bundle = true) < h1, "bundling: fewer requests over HTTP/1.1");
        // Under loss, HTTP/3 suffers less than HTTP/2 (no TCP head-of-line blocking).
        let lossy2 = load(|s| { s.protocol = Protocol::H2; s.loss_percent = 5; });
        let lossy3 = load(|s| { s.protocol = Protocol::H3; s.loss_percent = 5; });
        assert!(lossy3 < lossy2, "HTTP/3 {lossy3} < HTTP/2 {lossy2} at 5% loss");
        // HTTP/1.1 opens at most six connections to the static host.
        let w = model(&WaterfallScenario::default());
        assert!(w.rows.iter().all(|r| r.connection <= 6));
        assert!(w.rows.iter().any(|r| r.queued > 0), "with twelve resources, some wait for a connection");
        // Fonts wait for the stylesheet that names them.
        let css_end = w.rows.iter().filter(|r| r.kind == "css").map(|r| r.end).max().unwrap();
        assert!(w.rows.iter().filter(|r| r.kind == "font").all(|r| r.discovered >= css_end));
    }
}
