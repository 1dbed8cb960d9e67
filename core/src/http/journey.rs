//! The HTTP lab's journey part: "you type a name and press Enter". The DNS lab's core resolves
//! the name, the TCP lab's core opens the connection, the TLS lab's core runs the handshake and
//! carries the HTTP request and response as encrypted records, and the HTTP/1.1 messages inside
//! are shown as the bytes they are. One trace on one time axis; each phase links to its own lab
//! with the same inputs.

use super::{reason, Message};
use crate::dns::scenario::{DnsScenario, LookupSpec};
use crate::permalink::{self, LinkOptions};
use crate::scenario::FieldError;
use crate::tcp::TcpScenario;
use crate::tls::TlsScenario;
use crate::trace::{Actor, SimTime, SpecRef, Step, StepKind, Trace};
use serde::{Deserialize, Serialize};

pub mod limits {
    pub const RTT_MS: u32 = 1000;
    pub const BODY: u32 = 20_000;
}

/// The journey's inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JourneyScenario {
    /// The name typed (the DNS lab's example zones answer for it).
    pub host: String,
    pub path: String,
    /// The browser to the web server and back.
    pub rtt_ms: u32,
    /// The name was looked up a moment before, so the browser's own cache answers.
    pub dns_cached: bool,
    /// `1.3` or `1.2`.
    pub tls: String,
    /// The HTML page's size in bytes.
    pub body_bytes: u32,
    /// The server sends the page in the chunked transfer coding, this many bytes a chunk (0: with
    /// a Content-Length).
    pub chunk_bytes: u32,
}

impl Default for JourneyScenario {
    fn default() -> Self {
        JourneyScenario { host: "www.example.com".into(), path: "/".into(), rtt_ms: 100, dns_cached: false, tls: "1.3".into(), body_bytes: 600, chunk_bytes: 0 }
    }
}

impl JourneyScenario {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let host_ok = !self.host.is_empty() && self.host.len() <= 253 && self.host.split('.').all(|l| !l.is_empty() && l.len() <= 63 && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        if !host_ok {
            errors.push(FieldError::new("journey_host", "a host name: labels of letters, digits and '-', joined by dots, like www.example.com"));
        }
        if !self.path.starts_with('/') || self.path.len() > 200 || !self.path.chars().all(|c| c.is_ascii_graphic()) {
            errors.push(FieldError::new("journey_path", "a path starts with / and is printable ASCII"));
        }
        if self.rtt_ms == 0 || self.rtt_ms > limits::RTT_MS {
            errors.push(FieldError::new("journey_rtt_ms", format!("1 to {} ms", limits::RTT_MS)));
        }
        if self.tls != "1.3" && self.tls != "1.2" {
            errors.push(FieldError::new("journey_tls", "1.3 or 1.2"));
        }
        if self.body_bytes > limits::BODY {
            errors.push(FieldError::new("journey_body_bytes", format!("at most {} bytes", limits::BODY)));
        }
        if self.chunk_bytes > limits::BODY {
            errors.push(FieldError::new("journey_chunk_bytes", format!("at most {} bytes", limits::BODY)));
        }
        errors
    }

    /// The HTTP request the browser sends.
    pub fn request(&self) -> Message {
        Message::request("GET", &self.path).header("Host", &self.host).header("User-Agent", "Mozilla/5.0 (Wirelab)").header("Accept", "text/html").header("Accept-Encoding", "gzip, br")
    }

    /// The server's answer: an HTML page of `body_bytes`.
    pub fn response(&self) -> Message {
        let head = format!("<!DOCTYPE html><html><head><title>{}</title><link rel=\"stylesheet\" href=\"/app.css\"></head><body><h1>Hello from {}</h1>", self.host, self.host);
        let mut body = head.into_bytes();
        let tail = b"</body></html>\n";
        while body.len() + tail.len() < self.body_bytes as usize {
            body.extend_from_slice(b"<p>lorem ipsum dolor sit amet</p>\n");
        }
        body.extend_from_slice(tail);
        body.truncate(self.body_bytes.max(tail.len() as u32) as usize);
        let m = Message::response(200, reason(200)).header("Cache-Control", "max-age=60");
        match self.chunk_bytes {
            0 => m.body("text/html; charset=utf-8", body),
            size => m.chunked("text/html; charset=utf-8", &body, size as usize),
        }
    }

    pub fn dns(&self) -> DnsScenario {
        let mut d = DnsScenario::default();
        let lookup = |at| LookupSpec { at, qtype: "A".into(), name: self.host.clone() };
        d.lookups = if self.dns_cached { vec![lookup(0), lookup(1)] } else { vec![lookup(0)] };
        d
    }

    pub fn tcp(&self) -> TcpScenario {
        TcpScenario { rtt_ms: self.rtt_ms, client_bytes: self.request().bytes().len() as u32, server_bytes: self.response().bytes().len() as u32, ..TcpScenario::default() }
    }

    pub fn tls(&self) -> TlsScenario {
        // TLS 1.2: the TLS lab's browser of today against a server that speaks only TLS 1.2.
        let base = if self.tls == "1.2" { crate::tls::presets().into_iter().find(|p| p.0 == "tls12").map(|p| p.2).unwrap_or_default() } else { TlsScenario::default() };
        TlsScenario {
            rtt_ms: self.rtt_ms,
            compare: false,
            server_name: self.host.clone(),
            request: String::from_utf8_lossy(&self.request().bytes()).into_owned(),
            response: String::from_utf8_lossy(&self.response().bytes()).into_owned(),
            ..base
        }
    }
}

fn lab_link(lab: &str, title: &str, fragment: String) -> SpecRef {
    SpecRef::lab(lab, title, &fragment)
}

fn link<S: crate::scenario::Scenario>(s: &S) -> String {
    permalink::link(s, 0, LinkOptions { include_secrets: false, plain: false, embed: false })
}

/// Copies `steps` into `t`, moved by `shift` µs (earlier when negative, never before 0), their
/// actors renumbered by `map`.
fn splice(t: &mut Trace, steps: &[Step], shift: i64, map: &dyn Fn(usize) -> usize) {
    let moved = |at: SimTime| SimTime((at.micros() as i64).saturating_add(shift).max(0) as u64);
    for s in steps {
        let mut s = s.clone();
        s.at = moved(s.at);
        s.arrives = s.arrives.map(moved);
        s.from = map(s.from);
        s.to = map(s.to);
        for change in &mut s.states {
            change.actor = map(change.actor);
        }
        t.steps.push(s);
    }
}

fn end_of(steps: &[Step]) -> u64 {
    steps.iter().map(|s| s.arrives.unwrap_or(s.at).micros()).max().unwrap_or(0)
}

fn phase(t: &mut Trace, at: u64, actor: usize, label: &str, explanation: String, link: SpecRef) {
    t.steps.push(Step { at: SimTime(at), arrives: None, kind: StepKind::Local, from: actor, to: actor, label: label.into(), fields: Vec::new(), bytes: Vec::new(), bytes_label: String::new(), states: Vec::new(), explanation, spec: vec![link] });
}

pub fn run(s: &JourneyScenario) -> Trace {
    let dns_s = s.dns();
    let dns = crate::dns::scenario::run(&dns_s).trace;
    let mut actors: Vec<Actor> = dns.actors.clone();
    actors[0] = Actor { id: "browser".into(), name: "Browser".into(), detail: "you typed the name".into() };
    let server = actors.len();
    actors.push(Actor { id: "server".into(), name: "Web server".into(), detail: s.host.clone() });
    let mut t = Trace::new("http", &format!("The journey of https://{}{}", s.host, s.path), actors);

    // 1. DNS. When the name was looked up a moment before, only the second lookup counts.
    let from = if s.dns_cached { 1_000_000 } else { 0 };
    let dns_steps: Vec<Step> = dns.steps.iter().filter(|st| st.at.micros() >= from).cloned().collect();
    phase(&mut t, 0, 0, &format!("1. DNS: where is {}?", s.host), "The browser needs the server's IP address. It asks its own cache, then the operating system's stub resolver, which asks a recursive resolver, which walks from the root down.".into(), lab_link("DNS", "this lookup, step by step", link(&dns_s)));
    splice(&mut t, &dns_steps, -(from as i64), &|a| a);
    let mut at = end_of(&t.steps);
    // The address the browser ends up with: the last one named in a step that reaches it.
    let address = dns_steps.iter().rev().filter(|st| st.to == 0).find_map(|st| st.label.rsplit("→ ").next().map(str::trim).filter(|a| a.parse::<std::net::Ipv4Addr>().is_ok()).map(str::to_string));
    let Some(address) = address else {
        let why = dns_steps.last().map(|st| st.label.clone()).unwrap_or_default();
        t.summary.push(format!("The name did not resolve ({why}): the browser shows an error page, and nothing else happens."));
        return t;
    };
    t.actors[server].detail = format!("{} ({address})", s.host);

    // 2. TCP: the three-way handshake (the TCP lab's state machines).
    let tcp_s = s.tcp();
    let tcp = crate::tcp::run(&tcp_s);
    let handshake: Vec<Step> = tcp.steps.iter().filter(|st| st.at.micros() <= (s.rtt_ms as u64) * 1000 && st.label != "listen()").take(3).cloned().collect();
    let tcp_start = at;
    phase(&mut t, at, 0, &format!("2. TCP: connect to {address}:443"), "A reliable byte stream first: the three-way handshake, one round trip before any data.".into(), lab_link("TCP", "this connection, open to close", link(&tcp_s)));
    splice(&mut t, &handshake, at as i64, &|a| if a == 0 { 0 } else { server });
    // The client may send as soon as it has sent its ACK.
    at = t.steps.last().map_or(at, |st| st.at.micros());
    let tcp_ms = (at - tcp_start) / 1000;

    // 3. TLS: the handshake, then the HTTP messages as encrypted records (the TLS lab's core).
    let tls_s = s.tls();
    let tls = crate::tls::run::run(&tls_s).trace;
    let records: Vec<Step> = tls.steps.iter().filter(|st| !st.label.starts_with("TCP ")).cloned().collect();
    let base = records.first().map(|st| st.at.micros()).unwrap_or(0);
    let tls_start = at;
    phase(&mut t, at, 0, &format!("3. TLS {}: a secure channel", s.tls), format!("The browser checks it is talking to {} and agrees keys with it; from here on, everything is encrypted.", s.host), lab_link("TLS", "this handshake, byte by byte", link(&tls_s)));
    let offset = at as i64 - base as i64;
    let mut request_at = None;
    let mut response_at = None;
    for st in &records {
        splice(&mut t, std::slice::from_ref(st), offset, &|a| if a == 0 { 0 } else { server });
        let last = t.steps.last().map(|x| x.arrives.unwrap_or(x.at).micros()).unwrap_or(at);
        // 4. The HTTP messages inside the application data records, as the other side reads them.
        if st.label.contains("application data") && st.label.ends_with("request") {
            request_at.get_or_insert(t.steps.last().map(|x| x.at.micros()).unwrap_or(at));
            let (bytes, fields) = s.request().encode();
            t.steps.push(Step { at: SimTime(last), arrives: None, kind: StepKind::Local, from: server, to: server, label: format!("4. HTTP: GET {} (decrypted)", s.path), fields, bytes, bytes_label: "HTTP/1.1 request".into(), states: Vec::new(), explanation: "What the record carried: the HTTP request as plain text, a request line, header fields and an empty line. The server reads it, finds the page, and answers.".into(), spec: vec![SpecRef::rfc(9112, "3", "Request Line")] });
        }
        if st.label.contains("application data") && st.label.ends_with("response") {
            response_at = Some(last);
            let (bytes, fields) = s.response().encode_chunks();
            t.steps.push(Step { at: SimTime(last), arrives: None, kind: StepKind::Local, from: 0, to: 0, label: "200 OK (decrypted)".into(), fields, bytes, bytes_label: "HTTP/1.1 response".into(), states: Vec::new(), explanation: "The response inside: a status line, header fields, and the HTML. The browser parses it, finds the stylesheet and the other resources it references, and requests each (the waterfall part shows those).".into(), spec: vec![SpecRef::rfc(9112, "4", "Status Line")] });
        }
    }
    let dns_ms = tcp_start / 1000;
    let tls_ms = (request_at.unwrap_or(at) - tls_start) / 1000;
    match (request_at, response_at) {
        (Some(req), Some(resp)) => {
            t.summary.push(format!("DNS {dns_ms} ms{}, TCP {tcp_ms} ms, TLS {tls_ms} ms, then the request and its answer {} ms: the page's HTML arrives {} ms after Enter.", if s.dns_cached { " (the browser's cache)" } else { "" }, (resp - req) / 1000, resp / 1000));
            let rtt = (s.rtt_ms as u64 * 1000).max(1);
            t.summary.push(format!("Of the {} round trips to the server, {} went to setting up the connection before the request could leave: that is why browsers keep connections open, resume TLS sessions and cache DNS answers.", (resp - tcp_start).div_ceil(rtt), (req - tcp_start).div_ceil(rtt)));
        }
        _ => t.summary.push("The TLS handshake failed, so no HTTP was sent: see the TLS lab for why.".into()),
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_then_tcp_then_tls_then_http_on_one_axis() {
        let t = run(&JourneyScenario::default());
        let labels: Vec<&str> = t.steps.iter().map(|s| s.label.as_str()).collect();
        let pos = |p: &str| labels.iter().position(|l| l.starts_with(p)).unwrap_or_else(|| panic!("{p} in {labels:?}"));
        assert!(pos("1. DNS") < pos("2. TCP") && pos("2. TCP") < pos("3. TLS") && pos("3. TLS") < pos("4. HTTP"));
        for w in t.steps.windows(2) {
            assert!(w[0].at <= w[1].at, "{} before {}", w[0].label, w[1].label);
        }
        let http = &t.steps[pos("4. HTTP")];
        assert!(http.bytes.starts_with(b"GET / HTTP/1.1\r\nHost: www.example.com\r\n"));
        assert!(t.summary[0].starts_with("DNS 130 ms, TCP 100 ms"), "{:?}", t.summary);
        let cached = run(&JourneyScenario { dns_cached: true, ..JourneyScenario::default() });
        assert!(cached.summary[0].starts_with("DNS 0 ms (the browser's cache)"), "{:?}", cached.summary);
    }
}
