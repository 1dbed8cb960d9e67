//! One TCP endpoint as a sans-IO state machine: it is given segments and the time, and it hands
//! back segments to send and the time it next wants to be woken. It never sleeps, reads a clock
//! or touches a socket, so a driver can run it in simulated time.
//!
//! Segment processing follows RFC 9293 section 3.10.7 ("SEGMENT ARRIVES"), the retransmission
//! timer RFC 6298, and the congestion window RFC 5681 (slow start, congestion avoidance, and the
//! loss window after a timeout). Every state change goes through [`Endpoint::set_state`], which
//! records it, so none can happen unseen.

use super::wire::{Flags, Segment};
use crate::trace::{ActorState, SimTime, Var};
use std::collections::VecDeque;
use std::fmt;

/// The connection states of RFC 9293 section 3.3.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcpState {
    Closed,
    Listen,
    SynSent,
    SynReceived,
    Established,
    FinWait1,
    FinWait2,
    CloseWait,
    Closing,
    LastAck,
    TimeWait,
}

impl fmt::Display for TcpState {
    /// The RFC's spelling.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TcpState::Closed => "CLOSED",
            TcpState::Listen => "LISTEN",
            TcpState::SynSent => "SYN-SENT",
            TcpState::SynReceived => "SYN-RECEIVED",
            TcpState::Established => "ESTABLISHED",
            TcpState::FinWait1 => "FIN-WAIT-1",
            TcpState::FinWait2 => "FIN-WAIT-2",
            TcpState::CloseWait => "CLOSE-WAIT",
            TcpState::Closing => "CLOSING",
            TcpState::LastAck => "LAST-ACK",
            TcpState::TimeWait => "TIME-WAIT",
        })
    }
}

/// Why an endpoint sent a segment; the driver turns it into the step's explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Syn,
    SynAck,
    /// The third message of the handshake.
    HandshakeAck,
    Data,
    /// Acknowledges data that arrived in order.
    Ack,
    /// Repeats the last acknowledgment because data arrived after a gap.
    DuplicateAck,
    /// Acknowledges the peer's FIN.
    AckOfFin,
    /// In TIME-WAIT, acknowledges the peer's FIN again: the first ACK was lost.
    AckOfRepeatedFin,
    Fin,
    /// Answers a segment outside the receive window (a duplicate) with the current ACK.
    AckOfDuplicate,
    /// Answers a SYN to a port where nothing listens.
    ResetRefused,
    /// Answers a segment that acknowledges something never sent.
    ResetBadAck,
}

/// A segment the endpoint wants sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub segment: Segment,
    pub reason: Reason,
    /// Sent again after a timeout.
    pub retransmission: bool,
}

/// What a timer expiry did, for the driver's step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerEvent {
    /// The retransmission timer fired; `rto_ms` is the timeout that expired.
    Retransmit { rto_ms: u64, attempt: u32 },
    /// Too many retransmissions: the connection is abandoned (RFC 9293 section 3.8.3, R2).
    GaveUp,
    /// 2*MSL passed in TIME-WAIT.
    TimeWaitOver,
}

/// Retransmissions of one segment before giving up (RFC 9293 section 3.8.3 asks for at least
/// 100 s for data; 1+2+4+8+16+32+64 s of doubling timeouts is 127 s).
const MAX_RETRIES: u32 = 7;
/// RFC 6298 section 2.1 and 2.4: the initial and the smallest retransmission timeout.
const RTO_INITIAL_US: u64 = 1_000_000;
const RTO_MIN_US: u64 = 1_000_000;
/// RFC 6298 section 2.5 allows an upper bound of at least 60 s.
const RTO_MAX_US: u64 = 60_000_000;
/// The clock granularity G of RFC 6298 section 2; a simulation can be exact to 1 ms.
const CLOCK_GRANULARITY_US: u64 = 1000;
/// The receive window every endpoint here advertises (no window scaling).
pub const RECEIVE_WINDOW: u16 = 65535;

/// One TCP endpoint.
#[derive(Debug, Clone)]
pub struct Endpoint {
    state: TcpState,
    /// State changes since the driver last took them.
    transitions: Vec<(TcpState, TcpState)>,
    local_port: u16,
    remote_port: u16,
    // Send sequence variables (RFC 9293 section 3.3.1).
    iss: u32,
    snd_una: u32,
    snd_nxt: u32,
    snd_wnd: u32,
    // Receive sequence variables.
    irs: Option<u32>,
    rcv_nxt: u32,
    mss: u16,
    peer_mss: u16,
    // The application's data: what it has written, and where the FIN goes.
    outgoing: Vec<u8>,
    written: usize,
    close_requested: bool,
    fin_sent: bool,
    // What has arrived: in-order bytes, buffered out-of-order ranges (relative offsets), and
    // the sequence number of a FIN that arrived ahead of missing data.
    received: Vec<u8>,
    out_of_order: Vec<(u32, Vec<u8>)>,
    pending_fin: Option<u32>,
    ack_due: Option<Reason>,
    // Retransmission timer (RFC 6298) and congestion control (RFC 5681).
    rto_us: u64,
    srtt_us: Option<u64>,
    rttvar_us: u64,
    rtt_probe: Option<(u32, SimTime)>,
    timer: Option<SimTime>,
    retries: u32,
    cwnd: u32,
    ssthresh: u32,
    msl_us: u64,
    time_wait_until: Option<SimTime>,
    outbox: VecDeque<Output>,
    /// The time of the latest input; output is formed when it is polled, so an ACK can ride on
    /// data the application writes in reply.
    now: SimTime,
    /// Set when the peer refused or reset the connection, or the endpoint gave up.
    pub error: Option<String>,
}

impl Endpoint {
    pub fn new(local_port: u16, remote_port: u16, iss: u32, mss: u16, initial_window: u16, msl_ms: u32) -> Endpoint {
        Endpoint {
            state: TcpState::Closed,
            transitions: Vec::new(),
            local_port,
            remote_port,
            iss,
            snd_una: iss,
            snd_nxt: iss,
            snd_wnd: RECEIVE_WINDOW as u32,
            irs: None,
            rcv_nxt: 0,
            mss,
            // RFC 9293 section 3.7.1: assume 536 until the peer's MSS option says otherwise.
            peer_mss: 536,
            outgoing: Vec::new(),
            written: 0,
            close_requested: false,
            fin_sent: false,
            received: Vec::new(),
            out_of_order: Vec::new(),
            pending_fin: None,
            ack_due: None,
            rto_us: RTO_INITIAL_US,
            srtt_us: None,
            rttvar_us: 0,
            rtt_probe: None,
            timer: None,
            retries: 0,
            // RFC 6928-style initial window, counted in our own MSS until the peer's is known.
            cwnd: initial_window as u32 * mss as u32,
            ssthresh: u32::MAX,
            msl_us: msl_ms as u64 * 1000,
            time_wait_until: None,
            outbox: VecDeque::new(),
            now: SimTime::ZERO,
            error: None,
        }
    }

    pub fn state(&self) -> TcpState {
        self.state
    }

    pub fn iss(&self) -> u32 {
        self.iss
    }

    pub fn irs(&self) -> Option<u32> {
        self.irs
    }

    /// Bytes delivered in order to the application.
    pub fn received(&self) -> &[u8] {
        &self.received
    }

    /// Whether everything the application wrote has been acknowledged.
    pub fn all_acked(&self) -> bool {
        self.snd_una == self.snd_nxt && self.unsent() == 0
    }

    pub fn close_requested(&self) -> bool {
        self.close_requested
    }

    /// The state and the variables a learner watches, for the inspector.
    pub fn snapshot(&self) -> ActorState {
        let var = |name: &str, value: String| Var { name: name.to_string(), value };
        let mut vars = Vec::new();
        if !matches!(self.state, TcpState::Closed | TcpState::Listen) || self.snd_nxt != self.iss {
            vars.push(var("ISS", self.iss.to_string()));
            vars.push(var("SND.UNA", format!("{} (rel {})", self.snd_una, self.snd_una.wrapping_sub(self.iss))));
            vars.push(var("SND.NXT", format!("{} (rel {})", self.snd_nxt, self.snd_nxt.wrapping_sub(self.iss))));
        }
        if let Some(irs) = self.irs {
            vars.push(var("IRS", irs.to_string()));
            vars.push(var("RCV.NXT", format!("{} (rel {})", self.rcv_nxt, self.rcv_nxt.wrapping_sub(irs))));
        }
        if self.srtt_us.is_some() || self.timer.is_some() {
            vars.push(var("cwnd", format!("{} bytes", self.cwnd)));
            vars.push(var("RTO", format!("{} ms", self.rto_us / 1000)));
        }
        if let Some(srtt) = self.srtt_us {
            vars.push(var("SRTT", format!("{:.1} ms", srtt as f64 / 1000.0)));
        }
        if !self.out_of_order.is_empty() {
            let bytes: usize = self.out_of_order.iter().map(|(_, d)| d.len()).sum();
            vars.push(var("out of order", format!("{bytes} bytes buffered")));
        }
        if let Some(t) = self.time_wait_until {
            vars.push(var("TIME-WAIT until", t.to_string()));
        }
        ActorState { name: self.state.to_string(), vars }
    }

    /// The one place a state changes; the change is recorded for the trace.
    fn set_state(&mut self, next: TcpState) {
        if next != self.state {
            self.transitions.push((self.state, next));
            self.state = next;
        }
    }

    /// State changes since the last call.
    pub fn take_transitions(&mut self) -> Vec<(TcpState, TcpState)> {
        std::mem::take(&mut self.transitions)
    }

    /// Passive OPEN (RFC 9293 section 3.10.1).
    pub fn listen(&mut self) {
        if self.state == TcpState::Closed {
            self.set_state(TcpState::Listen);
        }
    }

    /// Active OPEN (RFC 9293 section 3.10.1): send SYN, enter SYN-SENT.
    pub fn connect(&mut self, now: SimTime) {
        if self.state != TcpState::Closed {
            return;
        }
        self.set_state(TcpState::SynSent);
        self.send_syn(now, Reason::Syn, false);
    }

    /// SEND (RFC 9293 section 3.10.2): queue bytes; they leave as the windows allow.
    pub fn write(&mut self, now: SimTime, data: &[u8]) {
        self.now = now;
        self.outgoing.extend_from_slice(data);
    }

    /// CLOSE (RFC 9293 section 3.10.4): queue a FIN behind any unsent data.
    pub fn close(&mut self, now: SimTime) {
        match self.state {
            TcpState::Listen | TcpState::SynSent => self.set_state(TcpState::Closed),
            // RFC 9293: "Queue this until all preceding SENDs have been segmentized, then form a
            // FIN segment and send it. In any case, enter FIN-WAIT-1 state."
            TcpState::SynReceived | TcpState::Established => {
                self.close_requested = true;
                self.set_state(TcpState::FinWait1);
            }
            // RFC 9293: "Queue this request until all preceding SENDs have been segmentized; then
            // send a FIN segment, enter LAST-ACK state."
            TcpState::CloseWait => {
                self.close_requested = true;
                self.set_state(TcpState::LastAck);
            }
            _ => {}
        }
        self.now = now;
    }

    /// The next segment to send, if any.
    pub fn poll_output(&mut self) -> Option<Output> {
        if self.outbox.is_empty() {
            self.flush(self.now);
        }
        self.outbox.pop_front()
    }

    /// When the endpoint next wants [`Endpoint::handle_timeout`] called.
    pub fn poll_timeout(&self) -> Option<SimTime> {
        match (self.timer, self.time_wait_until) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Fires whichever timer is due at `now`.
    pub fn handle_timeout(&mut self, now: SimTime) -> Option<TimerEvent> {
        self.now = now;
        if let Some(t) = self.time_wait_until {
            if t <= now {
                // RFC 9293 section 3.10.8: "If the time-wait timeout expires on a connection,
                // delete the TCB, enter the CLOSED state, and return."
                self.time_wait_until = None;
                self.timer = None;
                self.set_state(TcpState::Closed);
                return Some(TimerEvent::TimeWaitOver);
            }
        }
        self.timer.filter(|t| *t <= now)?;
        if self.retries >= MAX_RETRIES {
            self.timer = None;
            self.error = Some(format!("gave up after {MAX_RETRIES} retransmissions"));
            self.set_state(TcpState::Closed);
            return Some(TimerEvent::GaveUp);
        }
        let expired_rto_ms = self.rto_us / 1000;
        self.retries += 1;
        // RFC 5681 section 3.1, equation 4, then the loss window of one segment.
        let flight = self.snd_nxt.wrapping_sub(self.snd_una);
        self.ssthresh = (flight / 2).max(2 * self.send_mss());
        self.cwnd = self.send_mss();
        // RFC 6298 section 5.5: back off the timer; 5.6: restart it. Karn: no RTT sample from a
        // retransmitted segment.
        self.rto_us = (self.rto_us * 2).min(RTO_MAX_US);
        self.rtt_probe = None;
        self.retransmit_first(now);
        Some(TimerEvent::Retransmit { rto_ms: expired_rto_ms, attempt: self.retries })
    }

    /// SEGMENT ARRIVES (RFC 9293 section 3.10.7).
    pub fn handle_input(&mut self, now: SimTime, seg: &Segment) {
        match self.state {
            TcpState::Closed => self.arrive_closed(seg),
            TcpState::Listen => self.arrive_listen(now, seg),
            TcpState::SynSent => self.arrive_syn_sent(now, seg),
            _ => self.arrive_synchronized(now, seg),
        }
        self.now = now;
    }

    /// RFC 9293 section 3.10.7.1: a segment for a connection that does not exist gets a reset.
    fn arrive_closed(&mut self, seg: &Segment) {
        if seg.flags.has(Flags::RST) {
            return;
        }
        if seg.flags.has(Flags::ACK) {
            self.push_control(seg.ack, 0, Flags::RST, Reason::ResetRefused);
        } else {
            // "<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>"
            self.push_control(0, seg.seq.wrapping_add(seg.seq_len()), Flags::RST.with(Flags::ACK), Reason::ResetRefused);
        }
    }

    /// RFC 9293 section 3.10.7.2.
    fn arrive_listen(&mut self, now: SimTime, seg: &Segment) {
        if seg.flags.has(Flags::RST) {
            return;
        }
        if seg.flags.has(Flags::ACK) {
            self.push_control(seg.ack, 0, Flags::RST, Reason::ResetBadAck);
            return;
        }
        if seg.flags.has(Flags::SYN) {
            self.irs = Some(seg.seq);
            self.rcv_nxt = seg.seq.wrapping_add(1);
            self.take_peer_options(seg);
            self.set_state(TcpState::SynReceived);
            self.send_syn(now, Reason::SynAck, false);
        }
    }

    /// RFC 9293 section 3.10.7.3.
    fn arrive_syn_sent(&mut self, now: SimTime, seg: &Segment) {
        let ack_ok = seg.flags.has(Flags::ACK) && seq_gt(seg.ack, self.iss) && seq_le(seg.ack, self.snd_nxt);
        if seg.flags.has(Flags::ACK) && !ack_ok {
            if !seg.flags.has(Flags::RST) {
                self.push_control(seg.ack, 0, Flags::RST, Reason::ResetBadAck);
            }
            return;
        }
        if seg.flags.has(Flags::RST) {
            if ack_ok {
                // "signal to the user 'error: connection reset', drop the segment, enter CLOSED"
                self.error = Some("connection refused: the server answered with RST".into());
                self.timer = None;
                self.set_state(TcpState::Closed);
            }
            return;
        }
        if seg.flags.has(Flags::SYN) {
            self.irs = Some(seg.seq);
            self.rcv_nxt = seg.seq.wrapping_add(1);
            self.take_peer_options(seg);
            if ack_ok {
                self.acknowledge(now, seg.ack);
                self.snd_wnd = seg.window as u32;
                self.set_state(TcpState::Established);
                // The third message goes at once, before any data the application writes.
                let segment = self.header(self.snd_nxt, Flags::ACK);
                self.outbox.push_back(Output { segment, reason: Reason::HandshakeAck, retransmission: false });
            } else {
                // Simultaneous open: both sides sent SYN.
                self.set_state(TcpState::SynReceived);
                self.send_syn(now, Reason::SynAck, false);
            }
        }
    }

    /// RFC 9293 section 3.10.7.4, for SYN-RECEIVED and every synchronized state.
    fn arrive_synchronized(&mut self, now: SimTime, seg: &Segment) {
        // TIME-WAIT: "The only thing that can arrive in this state is a retransmission of the
        // remote FIN. Acknowledge it, and restart the 2 MSL timeout."
        if self.state == TcpState::TimeWait && seg.flags.has(Flags::FIN) {
            self.time_wait_until = Some(now.saturating_add(2 * self.msl_us));
            self.ack_due = Some(Reason::AckOfRepeatedFin);
            return;
        }
        // A retransmitted SYN in SYN-RECEIVED means our SYN-ACK was lost: send it again, as
        // common stacks do.
        if self.state == TcpState::SynReceived && seg.flags.has(Flags::SYN) && Some(seg.seq) == self.irs {
            self.send_syn(now, Reason::SynAck, true);
            return;
        }
        // First: is the segment in the receive window?
        if !self.acceptable(seg) {
            if !seg.flags.has(Flags::RST) {
                self.ack_due = Some(Reason::AckOfDuplicate);
            }
            return;
        }
        // Second: RST.
        if seg.flags.has(Flags::RST) {
            self.error = Some("the connection was reset by the peer".into());
            self.timer = None;
            self.set_state(TcpState::Closed);
            return;
        }
        // Fourth: a SYN in a synchronized state gets a challenge ACK (RFC 5961 section 4).
        if seg.flags.has(Flags::SYN) {
            self.ack_due = Some(Reason::AckOfDuplicate);
            return;
        }
        // Fifth: without ACK the segment is dropped.
        if !seg.flags.has(Flags::ACK) {
            return;
        }
        if self.state == TcpState::SynReceived {
            if seq_gt(seg.ack, self.snd_una) && seq_le(seg.ack, self.snd_nxt) {
                self.set_state(TcpState::Established);
            } else {
                self.push_control(seg.ack, 0, Flags::RST, Reason::ResetBadAck);
                return;
            }
        }
        if seq_gt(seg.ack, self.snd_nxt) {
            // Acknowledges something not yet sent: "send an ACK, drop the segment".
            self.ack_due = Some(Reason::AckOfDuplicate);
            return;
        }
        self.snd_wnd = seg.window as u32;
        if seq_gt(seg.ack, self.snd_una) {
            self.acknowledge(now, seg.ack);
        }
        let fin_acked = self.fin_sent && self.snd_una == self.snd_nxt;
        match self.state {
            TcpState::FinWait1 if fin_acked => self.set_state(TcpState::FinWait2),
            TcpState::Closing if fin_acked => self.enter_time_wait(now),
            TcpState::LastAck if fin_acked => {
                self.timer = None;
                self.set_state(TcpState::Closed);
                return;
            }
            _ => {}
        }
        // Seventh: the segment text, in ESTABLISHED, FIN-WAIT-1 and FIN-WAIT-2.
        let takes_data = matches!(self.state, TcpState::Established | TcpState::FinWait1 | TcpState::FinWait2);
        if takes_data && !seg.payload.is_empty() {
            self.take_data(seg.seq, &seg.payload);
        }
        // Eighth: FIN.
        if seg.flags.has(Flags::FIN) {
            let fin_seq = seg.seq.wrapping_add(seg.payload.len() as u32);
            self.pending_fin = Some(fin_seq);
        }
        self.take_fin_if_in_order(now);
    }

    /// Stores arriving data, in order or buffered after a gap, and decides which ACK it earns.
    fn take_data(&mut self, seq: u32, data: &[u8]) {
        let offset = seq.wrapping_sub(self.rcv_nxt);
        if offset == 0 || seq_lt(seq, self.rcv_nxt) {
            // In order, or overlapping what we have: keep the new tail.
            let skip = self.rcv_nxt.wrapping_sub(seq) as usize;
            if skip < data.len() {
                self.received.extend_from_slice(&data[skip..]);
                self.rcv_nxt = self.rcv_nxt.wrapping_add((data.len() - skip) as u32);
                self.merge_out_of_order();
                self.ack_due = Some(Reason::Ack);
            } else {
                // Every byte was here already: a retransmission whose ACK was lost.
                self.ack_due = Some(Reason::AckOfDuplicate);
            }
        } else {
            if !self.out_of_order.iter().any(|(s, _)| *s == seq) {
                self.out_of_order.push((seq, data.to_vec()));
                let next = self.rcv_nxt;
                crate::order::sort_by_key(&mut self.out_of_order, |(s, _)| s.wrapping_sub(next));
            }
            // RFC 5681 section 4.2: an out-of-order segment should be acknowledged at once, with
            // the same (duplicate) ACK, so the sender learns of the gap.
            self.ack_due = Some(Reason::DuplicateAck);
        }
    }

    fn merge_out_of_order(&mut self) {
        loop {
            let Some(i) = self.out_of_order.iter().position(|(s, d)| {
                seq_le(*s, self.rcv_nxt) && seq_gt(s.wrapping_add(d.len() as u32), self.rcv_nxt)
            }) else {
                self.out_of_order.retain(|(s, d)| seq_gt(s.wrapping_add(d.len() as u32), self.rcv_nxt));
                return;
            };
            let (s, d) = self.out_of_order.remove(i);
            let skip = self.rcv_nxt.wrapping_sub(s) as usize;
            self.received.extend_from_slice(&d[skip..]);
            self.rcv_nxt = self.rcv_nxt.wrapping_add((d.len() - skip) as u32);
        }
    }

    fn take_fin_if_in_order(&mut self, now: SimTime) {
        if self.pending_fin != Some(self.rcv_nxt) {
            return;
        }
        self.pending_fin = None;
        self.rcv_nxt = self.rcv_nxt.wrapping_add(1);
        self.ack_due = Some(Reason::AckOfFin);
        let fin_acked = self.fin_sent && self.snd_una == self.snd_nxt;
        match self.state {
            TcpState::SynReceived | TcpState::Established => self.set_state(TcpState::CloseWait),
            // Our FIN is out but not yet acknowledged: both sides closed at once.
            TcpState::FinWait1 if !fin_acked => self.set_state(TcpState::Closing),
            TcpState::FinWait1 | TcpState::FinWait2 => self.enter_time_wait(now),
            _ => {}
        }
    }

    fn enter_time_wait(&mut self, now: SimTime) {
        self.timer = None;
        self.time_wait_until = Some(now.saturating_add(2 * self.msl_us));
        self.set_state(TcpState::TimeWait);
    }

    /// New data acknowledged up to `ack`: move SND.UNA, sample the RTT, open the window, and
    /// restart or stop the timer.
    fn acknowledge(&mut self, now: SimTime, ack: u32) {
        // The SYN takes a sequence number but is not data: it does not open the window.
        let syn_acked = self.snd_una == self.iss;
        let acked = ack.wrapping_sub(self.snd_una) - syn_acked as u32;
        self.snd_una = ack;
        self.retries = 0;
        if let Some((end, sent)) = self.rtt_probe {
            if seq_le(end, ack) {
                self.rtt_probe = None;
                self.sample_rtt(now.micros().saturating_sub(sent.micros()));
            }
        }
        // RFC 5681 section 3.1: slow start below ssthresh, congestion avoidance above.
        let smss = self.send_mss();
        if acked == 0 {
            // Only the SYN was acknowledged.
        } else if self.cwnd < self.ssthresh {
            self.cwnd += acked.min(smss);
        } else {
            self.cwnd += (smss * smss / self.cwnd.max(1)).max(1);
        }
        // RFC 6298 section 5.2 and 5.3.
        self.timer = if self.snd_una == self.snd_nxt { None } else { Some(now.saturating_add(self.rto_us)) };
    }

    /// RFC 6298 section 2.2 and 2.3.
    fn sample_rtt(&mut self, r: u64) {
        match self.srtt_us {
            None => {
                self.srtt_us = Some(r);
                self.rttvar_us = r / 2;
            }
            Some(srtt) => {
                self.rttvar_us = (3 * self.rttvar_us + srtt.abs_diff(r)) / 4;
                self.srtt_us = Some((7 * srtt + r) / 8);
            }
        }
        let srtt = self.srtt_us.unwrap_or(r);
        self.rto_us = (srtt + (4 * self.rttvar_us).max(CLOCK_GRANULARITY_US)).clamp(RTO_MIN_US, RTO_MAX_US);
    }

    fn acceptable(&self, seg: &Segment) -> bool {
        let wnd = RECEIVE_WINDOW as u32;
        let in_window = |s: u32| seq_le(self.rcv_nxt, s) && seq_lt(s, self.rcv_nxt.wrapping_add(wnd));
        let len = seg.seq_len();
        if len == 0 {
            in_window(seg.seq)
        } else {
            in_window(seg.seq) || in_window(seg.seq.wrapping_add(len - 1))
        }
    }

    fn take_peer_options(&mut self, seg: &Segment) {
        if let Some(mss) = seg.mss {
            self.peer_mss = mss;
        }
        self.snd_wnd = seg.window as u32;
        self.cwnd = self.cwnd / self.mss.max(1) as u32 * self.send_mss();
    }

    /// The largest data a segment to the peer may carry.
    fn send_mss(&self) -> u32 {
        self.peer_mss.min(self.mss).max(1) as u32
    }

    fn unsent(&self) -> usize {
        self.outgoing.len() - self.written
    }

    fn header(&self, seq: u32, flags: Flags) -> Segment {
        Segment {
            source_port: self.local_port,
            destination_port: self.remote_port,
            seq,
            ack: if flags.has(Flags::ACK) { self.rcv_nxt } else { 0 },
            flags,
            window: RECEIVE_WINDOW,
            mss: None,
            payload: Vec::new(),
        }
    }

    fn send_syn(&mut self, now: SimTime, reason: Reason, retransmission: bool) {
        let flags = if self.irs.is_some() { Flags::SYN.with(Flags::ACK) } else { Flags::SYN };
        let mut segment = self.header(self.iss, flags);
        segment.mss = Some(self.mss);
        self.snd_nxt = self.iss.wrapping_add(1);
        if self.timer.is_none() || retransmission {
            self.timer = Some(now.saturating_add(self.rto_us));
        }
        if !retransmission {
            self.rtt_probe = Some((self.snd_nxt, now));
        }
        self.outbox.push_back(Output { segment, reason, retransmission });
    }

    /// A RST (or RST,ACK) that is not part of any connection's sequence space.
    fn push_control(&mut self, seq: u32, ack: u32, flags: Flags, reason: Reason) {
        let mut segment = self.header(seq, flags);
        segment.ack = ack;
        self.outbox.push_back(Output { segment, reason, retransmission: false });
    }

    /// Sends the first unacknowledged segment again.
    fn retransmit_first(&mut self, now: SimTime) {
        self.timer = Some(now.saturating_add(self.rto_us));
        if self.snd_una == self.iss {
            self.send_syn(now, if self.irs.is_some() { Reason::SynAck } else { Reason::Syn }, true);
            return;
        }
        let data_end = self.iss.wrapping_add(1).wrapping_add(self.written as u32);
        if seq_lt(self.snd_una, data_end) {
            let offset = self.snd_una.wrapping_sub(self.iss.wrapping_add(1)) as usize;
            let len = (self.written - offset).min(self.send_mss() as usize);
            let mut segment = self.header(self.snd_una, Flags::ACK.with(Flags::PSH));
            segment.payload = self.outgoing[offset..offset + len].to_vec();
            self.outbox.push_back(Output { segment, reason: Reason::Data, retransmission: true });
        } else if self.fin_sent {
            let segment = self.header(data_end, Flags::FIN.with(Flags::ACK));
            self.outbox.push_back(Output { segment, reason: Reason::Fin, retransmission: true });
        }
    }

    /// Sends what the windows allow: data, then a FIN if one is queued, else a due ACK.
    fn flush(&mut self, now: SimTime) {
        let can_send = matches!(
            self.state,
            TcpState::Established | TcpState::CloseWait | TcpState::FinWait1 | TcpState::LastAck
        );
        if can_send {
            while self.unsent() > 0 {
                let in_flight = self.snd_nxt.wrapping_sub(self.snd_una);
                let window = self.cwnd.min(self.snd_wnd);
                let room = window.saturating_sub(in_flight) as usize;
                let len = self.unsent().min(self.send_mss() as usize).min(room);
                if len == 0 {
                    break;
                }
                let start = self.written;
                // PSH on the last segment of what the application wrote (RFC 9293 section 3.9.1).
                let last = start + len == self.outgoing.len();
                let flags = if last { Flags::ACK.with(Flags::PSH) } else { Flags::ACK };
                let mut segment = self.header(self.snd_nxt, flags);
                segment.payload = self.outgoing[start..start + len].to_vec();
                self.written += len;
                self.snd_nxt = self.snd_nxt.wrapping_add(len as u32);
                self.start_timer_and_probe(now);
                self.outbox.push_back(Output { segment, reason: Reason::Data, retransmission: false });
                self.ack_due = None;
            }
            if self.close_requested && !self.fin_sent && self.unsent() == 0 {
                let segment = self.header(self.snd_nxt, Flags::FIN.with(Flags::ACK));
                self.snd_nxt = self.snd_nxt.wrapping_add(1);
                self.fin_sent = true;
                self.start_timer_and_probe(now);
                // An ACK owed for the peer's FIN still goes first, on its own, so each of the
                // four closing segments is visible.
                if let Some(reason) = self.ack_due.take() {
                    let ack = self.header(self.snd_nxt.wrapping_sub(1), Flags::ACK);
                    self.outbox.push_back(Output { segment: ack, reason, retransmission: false });
                }
                self.outbox.push_back(Output { segment, reason: Reason::Fin, retransmission: false });
            }
        }
        if let Some(reason) = self.ack_due.take() {
            if self.state != TcpState::Closed && self.irs.is_some() {
                let segment = self.header(self.snd_nxt, Flags::ACK);
                self.outbox.push_back(Output { segment, reason, retransmission: false });
            }
        }
    }

    fn start_timer_and_probe(&mut self, now: SimTime) {
        // RFC 6298 section 5.1: start the timer if it is not running.
        if self.timer.is_none() {
            self.timer = Some(now.saturating_add(self.rto_us));
        }
        if self.rtt_probe.is_none() {
            self.rtt_probe = Some((self.snd_nxt, now));
        }
    }
}

/// Sequence number comparisons modulo 2^32 (RFC 9293 section 3.4).
pub fn seq_lt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

pub fn seq_le(a: u32, b: u32) -> bool {
    a == b || seq_lt(a, b)
}

pub fn seq_gt(a: u32, b: u32) -> bool {
    seq_lt(b, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair() -> (Endpoint, Endpoint) {
        (Endpoint::new(49152, 80, 1000, 1460, 10, 1000), Endpoint::new(80, 49152, 5000, 1460, 10, 1000))
    }

    fn t(ms: u64) -> SimTime {
        SimTime::from_millis(ms)
    }

    /// A client and server that have completed the handshake (SYN at 0, 50 ms each way), with
    /// the transitions so far taken.
    fn established() -> (Endpoint, Endpoint) {
        let (mut c, mut s) = pair();
        s.listen();
        c.connect(t(0));
        pump(&mut c, &mut s, t(50));
        pump(&mut s, &mut c, t(100));
        pump(&mut c, &mut s, t(150));
        c.take_transitions();
        s.take_transitions();
        (c, s)
    }

    /// Delivers everything `from` has queued to `to` at `now`; returns what was delivered.
    fn pump(from: &mut Endpoint, to: &mut Endpoint, now: SimTime) -> Vec<Output> {
        let mut delivered = Vec::new();
        while let Some(out) = from.poll_output() {
            to.handle_input(now, &out.segment);
            delivered.push(out);
        }
        delivered
    }

    #[test]
    fn three_way_handshake_transcript() {
        let (mut c, mut s) = pair();
        s.listen();
        assert_eq!(s.take_transitions(), [(TcpState::Closed, TcpState::Listen)]);
        c.connect(t(0));
        assert_eq!(c.state(), TcpState::SynSent);
        let syn = pump(&mut c, &mut s, t(50));
        assert_eq!(syn.len(), 1);
        assert_eq!((syn[0].segment.flags, syn[0].segment.seq, syn[0].segment.mss), (Flags::SYN, 1000, Some(1460)));
        assert_eq!(s.state(), TcpState::SynReceived);
        let syn_ack = pump(&mut s, &mut c, t(100));
        assert_eq!(syn_ack[0].segment.flags, Flags::SYN.with(Flags::ACK));
        assert_eq!((syn_ack[0].segment.seq, syn_ack[0].segment.ack), (5000, 1001));
        assert_eq!(c.state(), TcpState::Established);
        let ack = pump(&mut c, &mut s, t(150));
        assert_eq!(ack[0].reason, Reason::HandshakeAck);
        assert_eq!((ack[0].segment.flags, ack[0].segment.seq, ack[0].segment.ack), (Flags::ACK, 1001, 5001));
        assert_eq!(s.state(), TcpState::Established);
        assert_eq!(c.snapshot().vars.iter().find(|v| v.name == "SRTT").unwrap().value, "100.0 ms");
    }

    #[test]
    fn syn_to_closed_port_gets_rst_ack_and_connection_refused() {
        let (mut c, mut s) = pair();
        c.connect(t(0));
        pump(&mut c, &mut s, t(50));
        let rst = pump(&mut s, &mut c, t(100));
        assert_eq!(rst[0].segment.flags, Flags::RST.with(Flags::ACK));
        assert_eq!((rst[0].segment.seq, rst[0].segment.ack), (0, 1001));
        assert_eq!(c.state(), TcpState::Closed);
        assert!(c.error.as_deref().unwrap().contains("refused"));
        assert_eq!(c.poll_timeout(), None, "no retransmission after a refusal");
    }

    #[test]
    fn lost_syn_is_retransmitted_after_one_second_then_two() {
        let (mut c, _) = pair();
        c.connect(t(0));
        let _lost = c.poll_output();
        assert_eq!(c.poll_timeout(), Some(t(1000)), "RFC 6298: initial RTO is 1 s");
        assert_eq!(c.handle_timeout(t(1000)), Some(TimerEvent::Retransmit { rto_ms: 1000, attempt: 1 }));
        let again = c.poll_output().unwrap();
        assert!(again.retransmission && again.segment.flags == Flags::SYN);
        assert_eq!(c.poll_timeout(), Some(t(3000)), "backed off to 2 s");
    }

    #[test]
    fn data_after_a_gap_earns_duplicate_acks_then_one_cumulative_ack() {
        let (mut c, mut s) = established();
        c.write(t(150), &[7u8; 3000]);
        let first = c.poll_output().unwrap();
        let second = c.poll_output().unwrap();
        let third = c.poll_output().unwrap();
        assert_eq!((first.segment.payload.len(), second.segment.payload.len(), third.segment.payload.len()), (1460, 1460, 80));
        s.handle_input(t(200), &second.segment);
        let dup = s.poll_output().unwrap();
        assert_eq!((dup.reason, dup.segment.ack), (Reason::DuplicateAck, 1001));
        s.handle_input(t(200), &third.segment);
        assert_eq!(s.poll_output().unwrap().segment.ack, 1001);
        s.handle_input(t(1200), &first.segment);
        let cumulative = s.poll_output().unwrap();
        assert_eq!((cumulative.reason, cumulative.segment.ack), (Reason::Ack, 4001));
        assert_eq!(s.received().len(), 3000);
    }

    #[test]
    fn active_and_passive_close_walk_every_state() {
        let (mut c, mut s) = established();
        c.close(t(200));
        assert_eq!(c.state(), TcpState::FinWait1);
        let fin = pump(&mut c, &mut s, t(250));
        assert_eq!(fin[0].segment.flags, Flags::FIN.with(Flags::ACK));
        assert_eq!(s.state(), TcpState::CloseWait);
        let ack = pump(&mut s, &mut c, t(300));
        assert_eq!(ack[0].reason, Reason::AckOfFin);
        assert_eq!(c.state(), TcpState::FinWait2);
        s.close(t(310));
        assert_eq!(s.state(), TcpState::LastAck);
        pump(&mut s, &mut c, t(360));
        assert_eq!(c.state(), TcpState::TimeWait);
        assert_eq!(c.poll_timeout(), Some(t(360 + 2000)), "2*MSL with MSL = 1 s");
        pump(&mut c, &mut s, t(410));
        assert_eq!(s.state(), TcpState::Closed);
        assert_eq!(c.handle_timeout(t(2360)), Some(TimerEvent::TimeWaitOver));
        assert_eq!(c.state(), TcpState::Closed);
        assert_eq!(
            c.take_transitions(),
            [(TcpState::Established, TcpState::FinWait1), (TcpState::FinWait1, TcpState::FinWait2), (TcpState::FinWait2, TcpState::TimeWait), (TcpState::TimeWait, TcpState::Closed)]
        );
        assert_eq!(
            s.take_transitions(),
            [(TcpState::Established, TcpState::CloseWait), (TcpState::CloseWait, TcpState::LastAck), (TcpState::LastAck, TcpState::Closed)]
        );
    }

    #[test]
    fn simultaneous_close_passes_through_closing() {
        let (mut c, mut s) = established();
        c.close(t(200));
        s.close(t(200));
        let c_fin: Vec<Output> = std::iter::from_fn(|| c.poll_output()).collect();
        let s_fin: Vec<Output> = std::iter::from_fn(|| s.poll_output()).collect();
        s.handle_input(t(250), &c_fin[0].segment);
        c.handle_input(t(250), &s_fin[0].segment);
        assert_eq!((c.state(), s.state()), (TcpState::Closing, TcpState::Closing));
        pump(&mut c, &mut s, t(300));
        pump(&mut s, &mut c, t(300));
        assert_eq!((c.state(), s.state()), (TcpState::TimeWait, TcpState::TimeWait));
    }

    #[test]
    fn sequence_comparisons_wrap() {
        assert!(seq_lt(u32::MAX, 0));
        assert!(seq_gt(5, u32::MAX - 5));
        assert!(seq_le(7, 7));
    }
}
