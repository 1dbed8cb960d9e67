//! The TCP lab's inputs.

use crate::rng::SplitMix64;
use crate::scenario::{FieldError, Scenario};
use serde::{Deserialize, Serialize};

/// Who calls close() first once the exchange is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Closer {
    Client,
    Server,
    /// Both applications call close() at the same instant, so the FINs cross.
    Both,
}

/// The TCP lab's scenario, version 1. Field docs are the editor's help texts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TcpScenario {
    pub v: u32,
    /// Seed for the initial sequence numbers when they are not given.
    pub seed: u64,
    /// The client's initial sequence number; `None` picks one from the seed.
    pub client_isn: Option<u32>,
    /// The server's initial sequence number; `None` picks one from the seed.
    pub server_isn: Option<u32>,
    /// Round-trip time in milliseconds (half of it each way).
    pub rtt_ms: u32,
    /// Maximum segment size both sides announce, in bytes.
    pub mss: u16,
    /// Segments a sender may send before the first ACK (initial congestion window).
    pub initial_window: u16,
    /// Bytes the client sends (its request).
    pub client_bytes: u32,
    /// Bytes the server sends back (its response).
    pub server_bytes: u32,
    /// Numbers of transmitted segments (1 = the first SYN) that the network drops.
    pub lose: Vec<u32>,
    pub closer: Closer,
    /// Whether the server listens on its port; if not, the SYN is answered by RST.
    pub server_listening: bool,
    /// Maximum segment lifetime in milliseconds; TIME-WAIT lasts twice this.
    pub msl_ms: u32,
    pub client_port: u16,
    pub server_port: u16,
}

impl Default for TcpScenario {
    fn default() -> Self {
        TcpScenario {
            v: TcpScenario::VERSION,
            seed: 1,
            client_isn: None,
            server_isn: None,
            rtt_ms: 100,
            mss: 1460,
            initial_window: 10,
            client_bytes: 300,
            server_bytes: 4000,
            lose: Vec::new(),
            closer: Closer::Client,
            server_listening: true,
            // RFC 9293 section 3.4.2 suggests 2 minutes; simulated time makes the wait free.
            msl_ms: 120_000,
            client_port: 49152,
            server_port: 80,
        }
    }
}

/// Limits of each input, shared by validation and the editor's controls.
pub mod limits {
    pub const RTT_MS: (u32, u32) = (1, 10_000);
    /// 88 is the smallest MSS an IPv4 host may announce in practice (RFC 9293 section 3.7.1
    /// requires 536 to be accepted by default; we allow smaller to make segments visible).
    pub const MSS: (u16, u16) = (88, 9000);
    pub const INITIAL_WINDOW: (u16, u16) = (1, 64);
    /// Large enough for a web page's first response, small enough for a readable timeline.
    pub const BYTES: (u32, u32) = (0, 200_000);
    pub const LOSE_COUNT: usize = 50;
    pub const LOSE_NUMBER: (u32, u32) = (1, 10_000);
    pub const MSL_MS: (u32, u32) = (1, 600_000);
    /// At most this many segments on the wire in a run, after which the run stops.
    pub const SEGMENTS_FOR_VALIDATION: u32 = 600;
}

impl TcpScenario {
    /// The initial sequence numbers in use: the given ones, or ones drawn from the seed.
    pub fn isns(&self) -> (u32, u32) {
        let mut rng = SplitMix64::new(self.seed);
        let (c, s) = (rng.next_u32(), rng.next_u32());
        (self.client_isn.unwrap_or(c), self.server_isn.unwrap_or(s))
    }
}

impl Scenario for TcpScenario {
    const LAB: &'static str = "tcp";
    const VERSION: u32 = 1;

    fn validate(&self) -> Vec<FieldError> {
        use limits::*;
        let mut errors = Vec::new();
        let mut range = |field: &str, value: u64, (lo, hi): (u64, u64), unit: &str| {
            if value < lo || value > hi {
                errors.push(FieldError::new(field, format!("must be from {lo} to {hi}{unit}")));
            }
        };
        range("rtt_ms", self.rtt_ms as u64, (RTT_MS.0 as u64, RTT_MS.1 as u64), " ms");
        range("mss", self.mss as u64, (MSS.0 as u64, MSS.1 as u64), " bytes");
        range("initial_window", self.initial_window as u64, (INITIAL_WINDOW.0 as u64, INITIAL_WINDOW.1 as u64), " segments");
        range("client_bytes", self.client_bytes as u64, (BYTES.0 as u64, BYTES.1 as u64), " bytes");
        range("server_bytes", self.server_bytes as u64, (BYTES.0 as u64, BYTES.1 as u64), " bytes");
        range("msl_ms", self.msl_ms as u64, (MSL_MS.0 as u64, MSL_MS.1 as u64), " ms");
        if self.client_port == 0 {
            errors.push(FieldError::new("client_port", "port 0 is reserved; use 1 to 65535"));
        }
        if self.server_port == 0 {
            errors.push(FieldError::new("server_port", "port 0 is reserved; use 1 to 65535"));
        }
        if self.lose.len() > LOSE_COUNT {
            errors.push(FieldError::new("lose", format!("at most {LOSE_COUNT} lost segments")));
        } else if let Some(n) = self.lose.iter().find(|n| **n < LOSE_NUMBER.0 || **n > LOSE_NUMBER.1) {
            errors.push(FieldError::new(
                "lose",
                format!("segment {n} is out of range: segments are numbered from 1 to {}", LOSE_NUMBER.1),
            ));
        }
        let segments = |bytes: u32| bytes.div_ceil(self.mss.max(1) as u32);
        if self.mss >= MSS.0 && segments(self.client_bytes) + segments(self.server_bytes) > SEGMENTS_FOR_VALIDATION / 2 {
            errors.push(FieldError::new(
                "server_bytes",
                format!(
                    "too many segments to draw: at most {} data segments in all; raise the MSS or send fewer bytes",
                    SEGMENTS_FOR_VALIDATION / 2
                ),
            ));
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::from_json;

    #[test]
    fn default_is_valid() {
        assert!(TcpScenario::default().validate().is_empty());
    }

    #[test]
    fn isns_come_from_the_seed_unless_given() {
        let a = TcpScenario::default();
        assert_eq!(a.isns(), a.isns());
        let b = TcpScenario { seed: 2, ..a.clone() };
        assert_ne!(a.isns(), b.isns());
        let c = TcpScenario { client_isn: Some(7), ..a.clone() };
        assert_eq!(c.isns(), (7, a.isns().1));
    }

    #[test]
    fn out_of_range_values_name_the_field() {
        let s = TcpScenario { rtt_ms: 0, lose: vec![0], client_port: 0, ..TcpScenario::default() };
        let fields: Vec<String> = s.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["rtt_ms", "client_port", "lose"]);
        let too_many = TcpScenario { mss: 88, server_bytes: 200_000, ..TcpScenario::default() };
        assert_eq!(too_many.validate()[0].field, "server_bytes");
    }

    #[test]
    fn hand_written_json_names_only_what_changes() {
        let s: TcpScenario = from_json(r#"{"rtt_ms":300,"lose":[3],"closer":"server"}"#).unwrap();
        assert_eq!((s.rtt_ms, s.lose.clone(), s.closer), (300, vec![3], Closer::Server));
        assert_eq!(s.mss, 1460);
    }
}

/// The editor's view of a scenario: what the person typed, kept as typed, so an invalid entry
/// is never lost or rewritten while they fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcpForm {
    pub seed: String,
    pub client_isn: String,
    pub server_isn: String,
    pub rtt_ms: String,
    pub mss: String,
    pub initial_window: String,
    pub client_bytes: String,
    pub server_bytes: String,
    pub lose: String,
    pub closer: Closer,
    pub server_listening: bool,
    pub msl_ms: String,
    pub client_port: String,
    pub server_port: String,
}

impl From<&TcpScenario> for TcpForm {
    fn from(s: &TcpScenario) -> TcpForm {
        TcpForm {
            seed: s.seed.to_string(),
            client_isn: s.client_isn.map(|n| n.to_string()).unwrap_or_default(),
            server_isn: s.server_isn.map(|n| n.to_string()).unwrap_or_default(),
            rtt_ms: s.rtt_ms.to_string(),
            mss: s.mss.to_string(),
            initial_window: s.initial_window.to_string(),
            client_bytes: s.client_bytes.to_string(),
            server_bytes: s.server_bytes.to_string(),
            lose: s.lose.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", "),
            closer: s.closer,
            server_listening: s.server_listening,
            msl_ms: s.msl_ms.to_string(),
            client_port: s.client_port.to_string(),
            server_port: s.server_port.to_string(),
        }
    }
}

/// Longest text accepted in one field; a paste past this is refused with a message.
const FIELD_MAX_CHARS: usize = 400;

fn number<T: std::str::FromStr>(field: &str, text: &str, errors: &mut Vec<FieldError>) -> Option<T> {
    crate::scenario::whole_number(text).map_err(|e| errors.push(FieldError::new(field, e))).ok()
}

impl TcpForm {
    /// The scenario the form describes, or every problem, each tied to its field.
    pub fn parse(&self) -> Result<TcpScenario, Vec<FieldError>> {
        let mut errors = Vec::new();
        let optional = |field: &str, text: &str, errors: &mut Vec<FieldError>| -> Option<Option<u32>> {
            if text.trim().is_empty() {
                Some(None)
            } else {
                number::<u32>(field, text, errors).map(Some)
            }
        };
        let seed = number::<u64>("seed", &self.seed, &mut errors);
        let client_isn = optional("client_isn", &self.client_isn, &mut errors);
        let server_isn = optional("server_isn", &self.server_isn, &mut errors);
        let rtt_ms = number::<u32>("rtt_ms", &self.rtt_ms, &mut errors);
        let mss = number::<u16>("mss", &self.mss, &mut errors);
        let initial_window = number::<u16>("initial_window", &self.initial_window, &mut errors);
        let client_bytes = number::<u32>("client_bytes", &self.client_bytes, &mut errors);
        let server_bytes = number::<u32>("server_bytes", &self.server_bytes, &mut errors);
        let msl_ms = number::<u32>("msl_ms", &self.msl_ms, &mut errors);
        let client_port = number::<u16>("client_port", &self.client_port, &mut errors);
        let server_port = number::<u16>("server_port", &self.server_port, &mut errors);
        let mut lose = Vec::new();
        if self.lose.len() > FIELD_MAX_CHARS {
            errors.push(FieldError::new("lose", format!("too long: at most {} segment numbers", limits::LOSE_COUNT)));
        } else {
            for item in self.lose.split([',', ' ', ';']).filter(|s| !s.trim().is_empty()) {
                match item.trim().parse::<u32>() {
                    Ok(n) => lose.push(n),
                    Err(_) => {
                        let shown: String = item.trim().chars().take(20).collect();
                        errors.push(FieldError::new("lose", format!("“{shown}” is not a segment number; list numbers like 3, 7")));
                        break;
                    }
                }
            }
        }
        let (
            Some(seed), Some(client_isn), Some(server_isn), Some(rtt_ms), Some(mss), Some(initial_window),
            Some(client_bytes), Some(server_bytes), Some(msl_ms), Some(client_port), Some(server_port),
        ) = (seed, client_isn, server_isn, rtt_ms, mss, initial_window, client_bytes, server_bytes, msl_ms, client_port, server_port)
        else {
            return Err(errors);
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        crate::order::sort(&mut lose);
        lose.dedup();
        let scenario = TcpScenario {
            v: TcpScenario::VERSION,
            seed,
            client_isn,
            server_isn,
            rtt_ms,
            mss,
            initial_window,
            client_bytes,
            server_bytes,
            lose,
            closer: self.closer,
            server_listening: self.server_listening,
            msl_ms,
            client_port,
            server_port,
        };
        let errors = scenario.validate();
        if errors.is_empty() {
            Ok(scenario)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod form_tests {
    use super::*;

    #[test]
    fn a_scenario_survives_the_form() {
        let s = TcpScenario { client_isn: Some(5), lose: vec![3, 9], closer: Closer::Both, ..TcpScenario::default() };
        assert_eq!(TcpForm::from(&s).parse(), Ok(s));
    }

    #[test]
    fn each_bad_entry_is_named_and_kept() {
        let mut form = TcpForm::from(&TcpScenario::default());
        form.rtt_ms = "fast".into();
        form.mss = "99999".into();
        form.lose = "3, x".into();
        form.seed = "".into();
        let errors = form.parse().unwrap_err();
        let pairs: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("seed", "enter a number"),
                ("rtt_ms", "“fast” is not a whole number"),
                ("mss", "“99999” is too large"),
                ("lose", "“x” is not a segment number; list numbers like 3, 7"),
            ]
        );
        assert_eq!(form.rtt_ms, "fast", "the typed text stays as typed");
    }

    #[test]
    fn range_errors_come_from_validation() {
        let mut form = TcpForm::from(&TcpScenario::default());
        form.rtt_ms = "0".into();
        assert_eq!(form.parse().unwrap_err(), vec![FieldError::new("rtt_ms", "must be from 1 to 10000 ms")]);
    }

    #[test]
    fn blank_isn_means_from_the_seed_and_lists_are_tidied() {
        let mut form = TcpForm::from(&TcpScenario::default());
        form.client_isn = " ".into();
        form.lose = "7 3,3;  ".into();
        let s = form.parse().unwrap();
        assert_eq!((s.client_isn, s.lose), (None, vec![3, 7]));
    }

    #[test]
    fn a_huge_paste_is_refused_not_parsed() {
        let mut form = TcpForm::from(&TcpScenario::default());
        form.lose = "1,".repeat(100_000);
        assert_eq!(form.parse().unwrap_err()[0].field, "lose");
    }
}
