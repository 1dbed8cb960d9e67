//! The TCP lab: one connection from open to close, segment by segment, with real header bytes.
//!
//! Simulates a client and a server (RFC 9293) over a link with a fixed one-way delay of half
//! the round-trip time, dropping the segments the scenario names: the three-way handshake, the
//! request and response as data segments and ACKs, and the close (active, passive or
//! simultaneous) through TIME-WAIT. Timeouts follow RFC 6298, the congestion window RFC 5681.
//!
//! Simplified, and said so in the UI: no fast retransmit, SACK, delayed ACKs, Nagle, window
//! scaling or timestamps; both sides use the same MSS; the receive window is always 65535; the
//! addresses are documentation addresses (RFC 5737) and appear only in the checksum's
//! pseudo-header.

pub mod machine;
pub mod scenario;
pub mod wire;

use crate::trace::{Actor, SimTime, SpecRef, StateChange, Step, StepKind, Trace};
use machine::{Endpoint, Output, Reason, TcpState, TimerEvent};
pub use scenario::{Closer, TcpScenario};
use wire::{Flags, Segment};

pub const CLIENT_IP: [u8; 4] = [192, 0, 2, 10];
pub const SERVER_IP: [u8; 4] = [198, 51, 100, 20];
/// No run records more steps than this, whatever the scenario.
pub const STEP_CAP: usize = 2000;
/// How long the passive side's application takes to notice end-of-file and call close().
const APP_REACTION_US: u64 = 1000;

const CLIENT: usize = 0;
const SERVER: usize = 1;

/// Runs the scenario to completion (or to the step cap) and returns its trace.
pub fn run(scenario: &TcpScenario) -> Trace {
    Driver::new(scenario).run()
}

/// The connection as a pcap file (`crate::pcap`), as a capture on the client's link records
/// it: every segment the client sent when it sent it (a lost one too: it left), and every
/// segment of the server's that arrived, when it arrived. The segments are the trace's bytes,
/// checksums and all.
pub fn capture(t: &Trace) -> Vec<u8> {
    let ips = [CLIENT_IP, SERVER_IP];
    let mut packets: Vec<(u64, usize, &[u8])> = t
        .steps
        .iter()
        .filter(|st| matches!(st.kind, StepKind::Message | StepKind::Lost) && !st.bytes.is_empty() && st.from < 2 && st.to < 2 && st.from != st.to)
        .filter_map(|st| if st.from == 0 { Some((st.at.micros(), 0, &st.bytes[..])) } else { st.arrives.map(|a| (a.micros(), 1, &st.bytes[..])) })
        .collect();
    packets.sort_by_key(|p| p.0);
    let mut c = crate::pcap::Capture::new();
    for (when, from, bytes) in packets {
        c.ipv4(crate::pcap::EPOCH * 1_000_000 + when, ips[from], ips[1 - from], crate::pcap::TCP, bytes);
    }
    c.into_bytes()
}

/// The request the client sends: an HTTP/1.1 GET padded to exactly `n` bytes.
pub fn request_bytes(n: u32) -> Vec<u8> {
    let head = "GET / HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: wirelab\r\n";
    let tail = "\r\n";
    sized(head, "X-Padding: ", 'a', tail, n as usize)
}

/// The server's response: an HTTP/1.1 200 with a Content-Length that matches, `n` bytes in all.
pub fn response_bytes(n: u32) -> Vec<u8> {
    let n = n as usize;
    // The header's length depends on the digits of the body length; settle it by trying.
    for digits in 1..=7 {
        let head_len = format!("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n", "0".repeat(digits)).len();
        if n >= head_len && (n - head_len).to_string().len() == digits {
            let body = n - head_len;
            let mut out = format!("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body}\r\n\r\n").into_bytes();
            out.extend((0..body).map(|i| b"Hello from the server. "[i % 23]));
            return out;
        }
    }
    // Too small for a full header: the first n bytes of one.
    b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".iter().copied().cycle().take(n).collect()
}

fn sized(head: &str, pad_name: &str, pad: char, tail: &str, n: usize) -> Vec<u8> {
    let fixed = head.len() + pad_name.len() + 2 + tail.len();
    if n < fixed {
        return head.bytes().chain(tail.bytes()).cycle().take(n).collect();
    }
    let mut out = String::with_capacity(n);
    out.push_str(head);
    out.push_str(pad_name);
    out.extend(std::iter::repeat_n(pad, n - fixed));
    out.push_str("\r\n");
    out.push_str(tail);
    out.into_bytes()
}

struct InFlight {
    arrives: SimTime,
    to: usize,
    step: usize,
    bytes: Vec<u8>,
}

struct Driver<'a> {
    s: &'a TcpScenario,
    trace: Trace,
    endpoints: [Endpoint; 2],
    ips: [[u8; 4]; 2],
    in_flight: Vec<InFlight>,
    transmitted: u32,
    lost: u32,
    retransmitted: u32,
    request: Vec<u8>,
    response: Vec<u8>,
    wrote: [bool; 2],
    close_called: [bool; 2],
    close_at: [Option<SimTime>; 2],
    first_data_sent: [bool; 2],
    established_at: Option<SimTime>,
    request_done_at: Option<SimTime>,
    response_done_at: Option<SimTime>,
    opened: [bool; 2],
    closed_at: [Option<SimTime>; 2],
}

impl<'a> Driver<'a> {
    fn new(s: &'a TcpScenario) -> Driver<'a> {
        let (client_isn, server_isn) = s.isns();
        let actors = vec![
            Actor { id: "client".into(), name: "Client".into(), detail: format!("192.0.2.10:{}", s.client_port) },
            Actor { id: "server".into(), name: "Server".into(), detail: format!("198.51.100.20:{}", s.server_port) },
        ];
        Driver {
            s,
            trace: Trace::new("tcp", "TCP: one connection, open to close", actors),
            endpoints: [
                Endpoint::new(s.client_port, s.server_port, client_isn, s.mss, s.initial_window, s.msl_ms),
                Endpoint::new(s.server_port, s.client_port, server_isn, s.mss, s.initial_window, s.msl_ms),
            ],
            ips: [CLIENT_IP, SERVER_IP],
            in_flight: Vec::new(),
            transmitted: 0,
            lost: 0,
            retransmitted: 0,
            request: request_bytes(s.client_bytes),
            response: response_bytes(s.server_bytes),
            wrote: [false; 2],
            close_called: [false; 2],
            close_at: [None; 2],
            first_data_sent: [false; 2],
            established_at: None,
            request_done_at: None,
            response_done_at: None,
            opened: [false; 2],
            closed_at: [None; 2],
        }
    }

    fn one_way_us(&self) -> u64 {
        self.s.rtt_ms as u64 * 1000 / 2
    }

    fn run(mut self) -> Trace {
        let start = SimTime::ZERO;
        if self.s.server_listening {
            let before = self.endpoints[SERVER].snapshot();
            self.endpoints[SERVER].listen();
            self.endpoints[SERVER].take_transitions();
            let after = self.endpoints[SERVER].snapshot();
            self.local_step(
                start,
                SERVER,
                "listen()",
                format!(
                    "The server's application opens port {} for connections (a passive OPEN). The server keeps no state for any client yet; it waits in LISTEN.",
                    self.s.server_port
                ),
                vec![SpecRef::rfc(9293, "3.10.1", "OPEN Call")],
                before,
                after,
            );
        }
        let before = self.endpoints[CLIENT].snapshot();
        self.endpoints[CLIENT].connect(start);
        self.emit(start, CLIENT, Some(before));
        self.note_closed(start);

        loop {
            if self.trace.steps.len() >= STEP_CAP {
                self.trace.warnings.push(format!("The run stopped at {STEP_CAP} steps, before the connection finished."));
                break;
            }
            let next_delivery = self.in_flight.iter().enumerate().min_by_key(|(_, f)| (f.arrives, f.step)).map(|(i, f)| (f.arrives, i));
            let next_close = (0..2).filter_map(|i| self.close_at[i].map(|t| (t, i))).min();
            let next_timer = (0..2).filter_map(|i| self.endpoints[i].poll_timeout().map(|t| (t, i))).min();
            let now = [next_delivery.map(|d| d.0), next_close.map(|c| c.0), next_timer.map(|t| t.0)].into_iter().flatten().min();
            let Some(now) = now else { break };
            if let Some((_, index)) = next_delivery.filter(|d| d.0 == now) {
                let flight = self.in_flight.remove(index);
                self.deliver(now, flight);
            } else if let Some((_, who)) = next_close.filter(|c| c.0 == now) {
                self.close_at[who] = None;
                self.app_close(now, who);
            } else if let Some((_, who)) = next_timer {
                self.timer(now, who);
            }
            self.note_closed(now);
        }
        self.summarize();
        self.trace
    }

    /// Remembers when each endpoint, once opened, is back in CLOSED.
    fn note_closed(&mut self, now: SimTime) {
        for who in [CLIENT, SERVER] {
            match self.endpoints[who].state() {
                TcpState::Closed if self.opened[who] && self.closed_at[who].is_none() => self.closed_at[who] = Some(now),
                TcpState::Closed => {}
                _ => self.opened[who] = true,
            }
        }
    }

    /// Delivers a segment: the receiver decodes the bytes it was sent, processes them, and
    /// its application reacts.
    fn deliver(&mut self, now: SimTime, flight: InFlight) {
        let to = flight.to;
        let from = 1 - to;
        let before = self.endpoints[to].snapshot();
        match Segment::decode(&flight.bytes, self.ips[from], self.ips[to]) {
            Ok(segment) => self.endpoints[to].handle_input(now, &segment),
            Err(e) => self.trace.warnings.push(format!("step {}: the receiver could not decode the segment: {e:?}", flight.step + 1)),
        }
        self.endpoints[to].take_transitions();
        if self.endpoints[to].state() == TcpState::Established && self.established_at.is_none() && to == CLIENT {
            self.established_at = Some(now);
        }
        self.application(now, to);
        let after = self.endpoints[to].snapshot();
        self.trace.steps[flight.step].states.push(StateChange { actor: to, before, after });
        self.emit(now, to, None);
        // The other side's application may be waiting on this endpoint (simultaneous close).
        self.application(now, from);
        self.emit(now, from, None);
    }

    fn app_close(&mut self, now: SimTime, who: usize) {
        let before = self.endpoints[who].snapshot();
        self.close_called[who] = true;
        self.endpoints[who].close(now);
        self.endpoints[who].take_transitions();
        self.emit(now, who, Some(before));
    }

    fn timer(&mut self, now: SimTime, who: usize) {
        let before = self.endpoints[who].snapshot();
        let Some(event) = self.endpoints[who].handle_timeout(now) else { return };
        self.endpoints[who].take_transitions();
        let after = self.endpoints[who].snapshot();
        let name = self.trace.actors[who].name.clone();
        let (label, explanation, spec) = match event {
            TimerEvent::Retransmit { rto_ms, attempt } => (
                format!("RTO expired ({rto_ms} ms)"),
                format!(
                    "No acknowledgment came back within the retransmission timeout of {rto_ms} ms, so the {} assumes the oldest unacknowledged segment was lost and sends it again (attempt {attempt}). The timeout doubles for the next try (exponential back-off), and the congestion window drops to one segment: a timeout is taken as a sign of congestion.",
                    name.to_ascii_lowercase()
                ),
                vec![SpecRef::rfc(6298, "5", "Managing the RTO Timer"), SpecRef::rfc(5681, "3.1", "Slow Start and Congestion Avoidance")],
            ),
            TimerEvent::GaveUp => (
                "gives up".to_string(),
                format!("The {} has retransmitted too often without an answer and abandons the connection; the application gets an error.", name.to_ascii_lowercase()),
                vec![SpecRef::rfc(9293, "3.8.3", "TCP Connection Failures")],
            ),
            TimerEvent::TimeWaitOver => (
                "2×MSL over".to_string(),
                format!(
                    "TIME-WAIT has lasted twice the maximum segment lifetime ({} s). Any segment of this connection still in the network has died out, and a lost final ACK would have been asked for again by now, so the {} forgets the connection: CLOSED. Only now may the same pair of ports be reused safely.",
                    2 * self.s.msl_ms as u64 / 1000,
                    name.to_ascii_lowercase()
                ),
                vec![SpecRef::rfc(9293, "3.10.8", "Timeouts"), SpecRef::rfc(9293, "3.4.2", "Knowing When to Keep Quiet")],
            ),
        };
        self.local_step(now, who, &label, explanation, spec, before, after);
        self.emit(now, who, None);
    }

    /// What each application does once its endpoint's state allows.
    fn application(&mut self, now: SimTime, who: usize) {
        let state = self.endpoints[who].state();
        let sending = matches!(state, TcpState::Established | TcpState::CloseWait);
        if who == CLIENT && sending && !self.wrote[CLIENT] {
            self.wrote[CLIENT] = true;
            let request = self.request.clone();
            self.endpoints[CLIENT].write(now, &request);
        }
        if who == SERVER && sending && !self.wrote[SERVER] && self.endpoints[SERVER].received().len() >= self.request.len() {
            self.wrote[SERVER] = true;
            if self.request_done_at.is_none() {
                self.request_done_at = Some(now);
            }
            let response = self.response.clone();
            self.endpoints[SERVER].write(now, &response);
        }
        if who == CLIENT && self.response_done_at.is_none() && self.wrote[SERVER] && self.endpoints[CLIENT].received().len() >= self.response.len() {
            self.response_done_at = Some(now);
        }
        // The passive side: end-of-file read, the application closes too.
        if state == TcpState::CloseWait && !self.close_called[who] && self.close_at[who].is_none() {
            self.close_at[who] = Some(now.saturating_add(APP_REACTION_US));
        }
        let done = |d: &Driver, i: usize| {
            let e = &d.endpoints[i];
            let expected = if i == CLIENT { d.response.len() } else { d.request.len() };
            e.state() == TcpState::Established && d.wrote[i] && e.received().len() >= expected && e.all_acked()
        };
        match self.s.closer {
            Closer::Client if who == CLIENT && !self.close_called[CLIENT] && done(self, CLIENT) => self.app_close_now(now, CLIENT),
            Closer::Server if who == SERVER && !self.close_called[SERVER] && done(self, SERVER) => self.app_close_now(now, SERVER),
            Closer::Both if !self.close_called[CLIENT] && !self.close_called[SERVER] && done(self, CLIENT) && done(self, SERVER) => {
                self.close_at = [Some(now), Some(now)];
            }
            _ => {}
        }
    }

    fn app_close_now(&mut self, now: SimTime, who: usize) {
        self.close_at[who] = Some(now);
    }

    /// Turns everything `who` has queued into steps; the network drops the numbered ones.
    fn emit(&mut self, now: SimTime, who: usize, mut before: Option<crate::trace::ActorState>) {
        while let Some(out) = self.endpoints[who].poll_output() {
            self.transmitted += 1;
            let number = self.transmitted;
            let lost = self.s.lose.contains(&number);
            let to = 1 - who;
            let bytes = out.segment.encode(self.ips[who], self.ips[to]);
            let arrives = now.saturating_add(self.one_way_us());
            let after = self.endpoints[who].snapshot();
            let state_before = before.take().unwrap_or_else(|| after.clone());
            let (label, mut explanation, spec) = self.explain(&out, who);
            if out.retransmission {
                self.retransmitted += 1;
            }
            if lost {
                self.lost += 1;
                explanation.push_str(" Lost: the network drops this segment (the scenario's loss list names it), so it never arrives, and only a timer can notice.");
            }
            // The ACK is relative to the peer's ISN, which the sender knows once it has seen the SYN.
            let fields = out.segment.fields(&bytes, self.endpoints[who].iss(), self.endpoints[who].irs());
            let step = Step {
                at: now,
                arrives: if lost { None } else { Some(arrives) },
                kind: if lost { StepKind::Lost } else { StepKind::Message },
                from: who,
                to,
                label: format!("#{number} {label}"),
                fields,
                bytes: bytes.clone(),
                bytes_label: format!("TCP segment, {} bytes ({} header + {} data)", bytes.len(), out.segment.header_len(), out.segment.payload.len()),
                states: vec![StateChange { actor: who, before: state_before, after }],
                explanation,
                spec,
            };
            self.trace.steps.push(step);
            if !lost {
                self.in_flight.push(InFlight { arrives, to, step: self.trace.steps.len() - 1, bytes });
            }
            if !out.segment.payload.is_empty() {
                self.first_data_sent[who] = true;
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn local_step(
        &mut self,
        at: SimTime,
        who: usize,
        label: &str,
        explanation: String,
        spec: Vec<SpecRef>,
        before: crate::trace::ActorState,
        after: crate::trace::ActorState,
    ) {
        self.trace.steps.push(Step {
            at,
            arrives: None,
            kind: StepKind::Local,
            from: who,
            to: who,
            label: label.to_string(),
            fields: Vec::new(),
            bytes: Vec::new(),
            bytes_label: String::new(),
            states: vec![StateChange { actor: who, before, after }],
            explanation,
            spec,
        });
    }

    /// The arrow's label, the explanation and the spec sections for a segment.
    fn explain(&self, out: &Output, who: usize) -> (String, String, Vec<SpecRef>) {
        let seg = &out.segment;
        let me = &self.endpoints[who];
        let peer = &self.endpoints[1 - who];
        let name = if who == CLIENT { "client" } else { "server" };
        let other = if who == CLIENT { "server" } else { "client" };
        let rel_seq = seg.seq.wrapping_sub(me.iss());
        let rel_ack = seg.ack.wrapping_sub(peer.iss());
        // A reset outside any connection carries absolute numbers (seq=0 answers a SYN).
        let mut label = if seg.flags.has(Flags::RST) {
            format!("{} seq={}", flag_label(seg.flags), seg.seq)
        } else {
            format!("{} seq={rel_seq}", flag_label(seg.flags))
        };
        if seg.flags.has(Flags::ACK) {
            label.push_str(&format!(" ack={rel_ack}"));
        }
        if !seg.payload.is_empty() {
            label.push_str(&format!(" len={}", seg.payload.len()));
        }
        let rtt = self.s.rtt_ms;
        let again = if out.retransmission { "Sent again: the first copy was not acknowledged before the retransmission timer expired. " } else { "" };
        let establishing = SpecRef::rfc(9293, "3.5", "Establishing a Connection");
        let closing = SpecRef::rfc(9293, "3.6", "Closing a Connection");
        let arrival = SpecRef::rfc(9293, "3.10.7", "SEGMENT ARRIVES");
        let (text, spec) = match out.reason {
            Reason::Syn => (
                format!(
                    "{again}The client opens the connection (an active OPEN) and enters SYN-SENT. It picks an initial sequence number, ISN {}, and sends it in a SYN (\"synchronize\"). The SYN itself takes up one sequence number, so the first byte of data will be number {}. The MSS option tells the server the largest segment the client can receive: {} bytes of data. ISNs are chosen unpredictably so that segments of an old connection, or an attacker guessing, cannot pass for this one.",
                    me.iss(), me.iss().wrapping_add(1), self.s.mss
                ),
                vec![establishing, SpecRef::rfc(9293, "3.4.1", "Initial Sequence Number Selection"), SpecRef::rfc(9293, "3.7.1", "Maximum Segment Size Option")],
            ),
            Reason::SynAck => (
                format!(
                    "{again}The server answers with SYN and ACK in one segment. The ACK acknowledges the client's SYN: ack = client ISN + 1, the next sequence number it expects. The SYN carries the server's own ISN, {}, for the client to acknowledge. The server now holds state for a half-open connection (SYN-RECEIVED).",
                    me.iss()
                ),
                vec![establishing, SpecRef::rfc(9293, "3.10.7.2", "LISTEN STATE")],
            ),
            Reason::HandshakeAck => (
                format!(
                    "The client acknowledges the server's ISN (ack = server ISN + 1) and is now ESTABLISHED; the server will be when this arrives, {} ms later. Why three messages and not two? Each side must send its ISN and learn that the other received it. The SYN-ACK both acknowledges the client's ISN and carries the server's, but the server's ISN still needs an acknowledgment: this ACK. With only two messages, a delayed duplicate SYN from an old connection would make the server open a connection nobody asked for, and the server could never be sure its sequence numbers were heard.",
                    rtt / 2
                ),
                vec![establishing, SpecRef::rfc(9293, "3.10.7.3", "SYN-SENT STATE")],
            ),
            Reason::Data => {
                let (what, total) = if who == CLIENT { ("request", self.request.len()) } else { ("response", self.response.len()) };
                let start = seg.seq.wrapping_sub(me.iss()).wrapping_sub(1) as usize;
                let end = start + seg.payload.len();
                let first = !self.first_data_sent[who] && !out.retransmission;
                let mut t = format!("{again}Bytes {}–{} of the {what} ({total} bytes in all), at most one MSS ({} bytes) per segment.", start + 1, end, self.s.mss);
                if first && who == CLIENT {
                    t.push_str(&format!(
                        " Why the first request is slower: these bytes could leave only now, one round trip ({rtt} ms) after connect(), because the handshake must finish first. A request on a connection that is already open saves that round trip (and with TLS, more). The congestion window also starts small, {} segments, and only grows as ACKs come back (slow start), so a large first response takes extra round trips too.",
                        self.s.initial_window
                    ));
                } else if first {
                    t.push_str(" The server's application has read the whole request and answers. This segment also carries the acknowledgment of the request (the ACK is piggybacked on data).");
                } else {
                    t.push_str(" The sender does not wait for each ACK: it may have up to a congestion window of bytes unacknowledged.");
                }
                (t, vec![SpecRef::rfc(9293, "3.8", "Data Communication"), SpecRef::rfc(5681, "3.1", "Slow Start and Congestion Avoidance")])
            }
            Reason::Ack => (
                format!("The {name} acknowledges the data received so far. ACKs are cumulative: ack={rel_ack} means every byte before it has arrived, and names the next byte expected."),
                vec![SpecRef::rfc(9293, "3.4", "Sequence Numbers"), arrival],
            ),
            Reason::DuplicateAck => (
                format!(
                    "Data arrived after a gap: some earlier bytes are missing. The {name} keeps what arrived, but an ACK can only say \"everything before byte N\", so it repeats ack={rel_ack}: a duplicate ACK. Real stacks resend after three duplicate ACKs (fast retransmit); this lab models only the retransmission timer."
                ),
                vec![SpecRef::rfc(5681, "4.2", "Generating Acknowledgments"), arrival],
            ),
            Reason::AckOfFin => {
                let t = match me.state() {
                    TcpState::CloseWait => format!(
                        "The {name} acknowledges the {other}'s FIN (a FIN takes one sequence number) and enters CLOSE-WAIT: its application reads end-of-file. The connection is half-closed: the {other} will send nothing more, but the {name} may still send until its own application calls close()."
                    ),
                    TcpState::TimeWait => format!(
                        "The {name} acknowledges the {other}'s FIN and enters TIME-WAIT for 2×MSL ({} s). Why wait? If this last ACK is lost, the {other} will resend its FIN, and an endpoint still in TIME-WAIT can acknowledge it again instead of answering with RST. Waiting also lets stray segments of this connection die out before the same ports can be reused.",
                        2 * self.s.msl_ms as u64 / 1000
                    ),
                    _ => format!("The {name} acknowledges the {other}'s FIN. Both sides sent FIN at the same time, so each acknowledges the other's: a simultaneous close, through CLOSING to TIME-WAIT on both sides."),
                };
                (t, vec![closing, arrival])
            }
            Reason::AckOfRepeatedFin => (
                format!(
                    "The {other}'s FIN came again: the {name}'s last ACK was lost, so the {other}, still in LAST-ACK, retransmitted its FIN. This is what TIME-WAIT is for: the {name} still remembers the connection, acknowledges the FIN again, and restarts its 2×MSL wait. Had it already forgotten the connection, it would have answered with RST, and the {other}'s application would have seen an error instead of a clean close."
                ),
                vec![SpecRef::rfc(9293, "3.10.7.4", "Other States (TIME-WAIT)"), closing],
            ),
            Reason::Fin => {
                let t = match me.state() {
                    TcpState::LastAck => format!("{again}The {name}'s application has also called close(): FIN says it will send no more data. The {name} enters LAST-ACK and waits for the acknowledgment of this FIN, after which it is CLOSED. This is the passive close."),
                    _ if self.s.closer == Closer::Both => format!("{again}Both applications call close() at the same moment, so both FINs are on the wire at once: a simultaneous close. The {name} enters FIN-WAIT-1."),
                    _ => format!("{again}The {name}'s application calls close() once the exchange is over: FIN says it will send no more data, and takes one sequence number. The {name} enters FIN-WAIT-1 and waits for the FIN to be acknowledged. This is the active close."),
                };
                (t, vec![closing, SpecRef::rfc(9293, "3.10.4", "CLOSE Call")])
            }
            Reason::AckOfDuplicate => (
                format!(
                    "A segment arrived that the {name} already has, or that lies outside its window (its first copy, or its ACK, was delayed or lost). The {name} drops it and repeats its current acknowledgment, ack={rel_ack}, so the {other} can catch up."
                ),
                vec![arrival],
            ),
            Reason::ResetRefused => (
                format!(
                    "Nothing listens on port {}: a segment for a connection that does not exist is answered with a reset. Because the SYN had no ACK bit, the RST has seq=0 and acknowledges the SYN (ack = its seq + 1) so the client can tell it is genuine. The client's connect() fails at once with \"connection refused\": an answer, unlike a lost SYN, which only a timeout reveals.",
                    self.s.server_port
                ),
                vec![SpecRef::rfc(9293, "3.10.7.1", "CLOSED STATE"), SpecRef::rfc(9293, "3.5.2", "Reset Generation")],
            ),
            Reason::ResetBadAck => (
                format!("The segment acknowledged something the {name} never sent, so it is answered with a reset."),
                vec![SpecRef::rfc(9293, "3.5.2", "Reset Generation")],
            ),
        };
        (label, text, spec)
    }

    fn summarize(&mut self) {
        let rtt_us = self.s.rtt_ms as u64 * 1000;
        let in_rtts = |t: SimTime| t.micros() as f64 / rtt_us as f64;
        let mut lines = Vec::new();
        if let Some(error) = &self.endpoints[CLIENT].error {
            lines.push(format!("The client's connection failed: {error}."));
        }
        if let Some(t) = self.established_at {
            lines.push(format!("The handshake took {t} ({:.1} RTT) before the client could send a byte.", in_rtts(t)));
        }
        if let Some(t) = self.request_done_at {
            lines.push(format!("The whole request ({} bytes) had reached the server at {t}.", self.request.len()));
        }
        if let Some(t) = self.response_done_at {
            lines.push(format!(
                "The whole response ({} bytes) had reached the client at {t}: {:.1} RTT after connect(). On a connection already open, the same exchange saves the handshake's round trip.",
                self.response.len(),
                in_rtts(t)
            ));
        }
        lines.push(format!(
            "Segments sent: {} ({} lost, {} retransmitted).",
            self.transmitted, self.lost, self.retransmitted
        ));
        for who in [CLIENT, SERVER] {
            let name = &self.trace.actors[who].name;
            match self.closed_at[who] {
                Some(t) => lines.push(format!("{name} CLOSED at {t}.")),
                None => lines.push(format!("{name} ends in {}.", self.endpoints[who].state())),
            }
        }
        self.trace.summary = lines;
    }
}

fn flag_label(flags: Flags) -> String {
    // Wireshark-style order: the notable flag first.
    let mut parts = Vec::new();
    for (flag, name) in [(Flags::SYN, "SYN"), (Flags::FIN, "FIN"), (Flags::RST, "RST"), (Flags::PSH, "PSH"), (Flags::ACK, "ACK")] {
        if flags.has(flag) {
            parts.push(name);
        }
    }
    parts.join(", ")
}

/// The lab's built-in scenarios: (id, title, scenario). Each has a golden trace.
pub fn presets() -> Vec<(&'static str, &'static str, TcpScenario)> {
    let base = TcpScenario::default();
    vec![
        ("basic", "Open, request, response, close", base.clone()),
        ("lost-data", "A lost data segment, retransmitted after the RTO", TcpScenario { lose: vec![6], ..base.clone() }),
        ("lost-syn", "A lost SYN: the client waits a full second", TcpScenario { lose: vec![1], ..base.clone() }),
        ("lost-final-ack", "The last ACK lost: why TIME-WAIT exists", TcpScenario { lose: vec![14], msl_ms: 2000, ..base.clone() }),
        ("server-closes", "The server closes first", TcpScenario { closer: Closer::Server, ..base.clone() }),
        ("simultaneous-close", "Simultaneous close through CLOSING", TcpScenario { closer: Closer::Both, ..base.clone() }),
        ("refused", "SYN to a closed port: RST", TcpScenario { server_listening: false, ..base.clone() }),
        ("slow-start", "A large response: slow start opens the window", TcpScenario { server_bytes: 60_000, initial_window: 2, ..base }),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(t: &Trace) -> Vec<String> {
        t.steps.iter().map(|s| if s.label.starts_with('#') { s.label.split_once(' ').map(|x| x.1).unwrap_or(&s.label).to_string() } else { s.label.clone() }).collect()
    }

    #[test]
    fn request_and_response_have_exact_sizes() {
        for n in [0, 1, 10, 60, 100, 300, 1000, 4000, 60_000, 200_000] {
            assert_eq!(request_bytes(n).len(), n as usize, "request {n}");
            assert_eq!(response_bytes(n).len(), n as usize, "response {n}");
        }
        let r = String::from_utf8(response_bytes(4000)).unwrap();
        let body = r.split_once("\r\n\r\n").unwrap().1;
        assert!(r.contains(&format!("Content-Length: {}\r\n", body.len())));
    }

    #[test]
    fn basic_connection_transcript() {
        let s = TcpScenario { client_isn: Some(1000), server_isn: Some(5000), client_bytes: 100, server_bytes: 100, ..TcpScenario::default() };
        let t = run(&s);
        assert_eq!(
            labels(&t),
            [
                "listen()",
                "SYN seq=0",
                "SYN, ACK seq=0 ack=1",
                "ACK seq=1 ack=1",
                "PSH, ACK seq=1 ack=1 len=100",
                "PSH, ACK seq=1 ack=101 len=100",
                "ACK seq=101 ack=101",
                "FIN, ACK seq=101 ack=101",
                "ACK seq=101 ack=102",
                "FIN, ACK seq=101 ack=102",
                "ACK seq=102 ack=102",
                "2×MSL over",
            ]
        );
        // The SYN's bytes decode back to what the label says.
        let syn = Segment::decode(&t.steps[1].bytes, CLIENT_IP, SERVER_IP).unwrap();
        assert_eq!((syn.seq, syn.flags, syn.mss), (1000, Flags::SYN, Some(1460)));
        // Timing: SYN at 0, handshake ACK at 100 ms, request arrives at 150 ms.
        assert_eq!(t.steps[3].at, SimTime::from_millis(100));
        assert_eq!(t.steps[4].arrives, Some(SimTime::from_millis(150)));
        let client_states: Vec<(String, String)> = t
            .steps
            .iter()
            .flat_map(|s| s.states.iter())
            .filter(|c| c.actor == CLIENT && c.changed())
            .map(|c| (c.before.name.clone(), c.after.name.clone()))
            .collect();
        let names: Vec<String> = client_states.iter().map(|(_, a)| a.clone()).collect();
        assert_eq!(names, ["SYN-SENT", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT", "CLOSED"]);
        assert_eq!(t.steps.last().unwrap().at, SimTime::from_millis(301 + 240_000), "TIME-WAIT starts when the FIN arrives at 0.301 s");
    }

    #[test]
    fn closed_port_is_refused_with_rst() {
        let t = run(&TcpScenario { server_listening: false, ..TcpScenario::default() });
        assert_eq!(labels(&t), ["SYN seq=0", "RST, ACK seq=0 ack=1"]);
        let rst = Segment::decode(&t.steps[1].bytes, SERVER_IP, CLIENT_IP).unwrap();
        assert_eq!(rst.ack, s_isn(&t, 0).wrapping_add(1));
        assert!(t.summary[0].contains("refused"));
    }

    fn s_isn(t: &Trace, step: usize) -> u32 {
        Segment::decode(&t.steps[step].bytes, CLIENT_IP, SERVER_IP).unwrap().seq
    }

    #[test]
    fn lost_data_is_retransmitted_after_the_rto() {
        let t = run(&TcpScenario { lose: vec![5], ..TcpScenario::default() });
        let lost = t.steps.iter().position(|s| s.kind == StepKind::Lost).unwrap();
        assert!(t.steps[lost].label.starts_with("#5 ") && t.steps[lost].label.ends_with("len=1460"), "{}", t.steps[lost].label);
        let rto = t.steps.iter().position(|s| s.label.starts_with("RTO expired")).unwrap();
        assert_eq!(t.steps[rto].at.micros() - t.steps[lost].at.micros(), 1_000_000, "RTO of 1 s");
        assert_eq!(t.steps[rto + 1].bytes[20..], t.steps[lost].bytes[20..], "the same data again");
        assert!(t.summary.iter().any(|l| l.contains("1 lost, 1 retransmitted")));
    }

    #[test]
    fn lost_final_ack_makes_time_wait_answer_the_repeated_fin() {
        let (_, _, s) = presets().into_iter().find(|p| p.0 == "lost-final-ack").unwrap();
        let t = run(&s);
        let lost = t.steps.iter().find(|s| s.kind == StepKind::Lost).unwrap();
        assert!(lost.label.contains("ACK") && !lost.label.contains("FIN"), "{}", lost.label);
        assert!(t.steps.iter().any(|s| s.label.contains("FIN") && s.explanation.starts_with("Sent again")));
        assert!(t.summary.iter().any(|l| l.starts_with("Server CLOSED")));
    }

    #[test]
    fn simultaneous_close_ends_in_time_wait_on_both_sides() {
        let t = run(&TcpScenario { closer: Closer::Both, ..TcpScenario::default() });
        for who in [CLIENT, SERVER] {
            let visited: Vec<String> = t.steps.iter().flat_map(|s| &s.states).filter(|c| c.actor == who && c.changed()).map(|c| c.after.name.clone()).collect();
            assert!(visited.iter().any(|n| n == "CLOSING"), "{visited:?}");
            assert!(visited.iter().any(|n| n == "TIME-WAIT"), "{visited:?}");
        }
    }

    #[test]
    fn every_preset_ends_closed_within_the_cap_and_every_segment_checks_out() {
        for (id, _, s) in presets() {
            let t = run(&s);
            assert!(t.warnings.is_empty(), "{id}: {:?}", t.warnings);
            assert!(t.steps.len() < STEP_CAP, "{id}");
            for step in t.steps.iter().filter(|s| !s.bytes.is_empty()) {
                let (src, dst) = if step.from == CLIENT { (CLIENT_IP, SERVER_IP) } else { (SERVER_IP, CLIENT_IP) };
                assert!(Segment::decode(&step.bytes, src, dst).is_ok(), "{id}: {}", step.label);
                for f in &step.fields {
                    if let Some(r) = f.bytes {
                        assert!(r.start < r.end && r.end <= step.bytes.len(), "{id}: field {}", f.name);
                    }
                }
            }
            assert!(t.steps.windows(2).all(|w| w[0].at <= w[1].at), "{id}: time runs forward");
        }
    }

    #[test]
    fn data_segments_are_full_sized_but_the_last_of_each_direction() {
        for (id, _, s) in presets() {
            let t = run(&s);
            for (who, total) in [(CLIENT, s.client_bytes), (SERVER, s.server_bytes)] {
                let (src, dst) = if who == CLIENT { (CLIENT_IP, SERVER_IP) } else { (SERVER_IP, CLIENT_IP) };
                let isn = t.steps.iter().filter(|st| st.from == who && !st.bytes.is_empty()).find_map(|st| {
                    let seg = Segment::decode(&st.bytes, src, dst).ok()?;
                    seg.flags.has(Flags::SYN).then_some(seg.seq)
                });
                let Some(isn) = isn else { continue };
                for st in t.steps.iter().filter(|st| st.from == who && !st.bytes.is_empty()) {
                    let seg = Segment::decode(&st.bytes, src, dst).unwrap();
                    if seg.payload.is_empty() {
                        continue;
                    }
                    let end = seg.seq.wrapping_sub(isn) - 1 + seg.payload.len() as u32;
                    assert!(seg.payload.len() == s.mss as usize || end == total, "{id}: runt segment {}", st.label);
                }
            }
        }
    }

    #[test]
    fn same_scenario_same_trace() {
        let s = TcpScenario { lose: vec![2, 7], seed: 99, ..TcpScenario::default() };
        assert_eq!(run(&s), run(&s));
    }
}
