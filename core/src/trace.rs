//! The trace: what a lab's run produced, step by step, for the UI to draw and for export.
//!
//! The JSON form of these types is the documented export schema (`docs/trace.md`); changing a
//! field name here changes that schema, so bump [`TRACE_SCHEMA_VERSION`] when you do.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Version of the exported trace JSON schema.
pub const TRACE_SCHEMA_VERSION: u32 = 1;

/// Simulated time in microseconds since the scenario started. Never a wall clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SimTime(pub u64);

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);

    pub fn from_millis(ms: u64) -> SimTime {
        SimTime(ms.saturating_mul(1000))
    }

    pub fn micros(self) -> u64 {
        self.0
    }

    pub fn saturating_add(self, micros: u64) -> SimTime {
        SimTime(self.0.saturating_add(micros))
    }
}

impl fmt::Display for SimTime {
    /// Seconds with millisecond precision, e.g. `1.250 s`; whole microseconds are kept when the
    /// value is not a whole number of milliseconds.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0 / 1_000_000;
        let micros = self.0 % 1_000_000;
        if micros.is_multiple_of(1000) {
            write!(f, "{secs}.{:03} s", micros / 1000)
        } else {
            write!(f, "{secs}.{micros:06} s")
        }
    }
}

/// Microseconds as whole milliseconds, rounded half to even (as `{:.0}` rounds the same value
/// in milliseconds), written without float formatting: that code would add some kilobytes to
/// every page that shows a run.
pub fn whole_ms(micros: u64) -> u64 {
    let (ms, rest) = (micros / 1000, micros % 1000);
    if rest > 500 || (rest == 500 && ms % 2 == 1) {
        ms + 1
    } else {
        ms
    }
}

/// One participant with a lane on the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// Short stable identifier, e.g. `client`.
    pub id: String,
    /// Name shown on the lane, e.g. `Client`.
    pub name: String,
    /// A line under the name, e.g. the address and port.
    pub detail: String,
}

/// What kind of event a step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// A message sent from one actor and delivered to another.
    Message,
    /// A message sent and lost on the way: it never arrives.
    Lost,
    /// Something that happens inside one actor (a timer fires, an application call).
    Local,
}

/// A half-open range of byte offsets `[start, end)` into a step's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ByteRange {
    pub start: usize,
    pub end: usize,
}

impl ByteRange {
    pub fn new(start: usize, end: usize) -> ByteRange {
        ByteRange { start, end }
    }

    pub fn contains(&self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }
}

/// One decoded field of a message, with where it sits in the bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    pub value: String,
    /// The bytes that encode this field, if the message has bytes and the field has its own.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bytes: Option<ByteRange>,
    /// A short note on what the value means here.
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub note: String,
    /// Other bytes this field refers to: where a DNS compression pointer points.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub points_to: Option<ByteRange>,
}

/// A named state variable shown with an actor's state (e.g. `SND.NXT = 1001`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Var {
    pub name: String,
    pub value: String,
}

/// An actor's state as the inspector shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorState {
    /// The state's name as its spec spells it, e.g. `SYN-SENT`.
    pub name: String,
    pub vars: Vec<Var>,
}

/// An actor's state just before and just after a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateChange {
    /// Index into [`Trace::actors`].
    pub actor: usize,
    pub before: ActorState,
    pub after: ActorState,
}

impl StateChange {
    pub fn changed(&self) -> bool {
        self.before.name != self.after.name
    }
}

/// A reference to the specification that defines what a step does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecRef {
    /// e.g. `RFC 9293`.
    pub document: String,
    /// e.g. `3.5`.
    pub section: String,
    /// e.g. `Establishing a Connection`.
    pub title: String,
    pub url: String,
}

impl SpecRef {
    /// A reference to a section of an RFC, linked on the RFC Editor's site.
    pub fn rfc(number: u32, section: &str, title: &str) -> SpecRef {
        SpecRef {
            document: format!("RFC {number}"),
            section: section.to_string(),
            title: title.to_string(),
            url: format!("https://www.rfc-editor.org/rfc/rfc{number}#section-{section}"),
        }
    }

    /// Another Wirelab lab, opened on `fragment` (its permalink): `../dns/#/dns?z=…`.
    pub fn lab(lab: &str, title: &str, fragment: &str) -> SpecRef {
        SpecRef { document: format!("Wirelab's {lab} lab"), section: String::new(), title: title.into(), url: format!("../{}/{fragment}", lab.to_ascii_lowercase()) }
    }

    /// A definition in the WHATWG Fetch Standard, a living standard linked by anchor
    /// (`cors-check`) rather than by section number.
    pub fn fetch(anchor: &str, title: &str) -> SpecRef {
        SpecRef {
            document: "Fetch Standard".into(),
            section: String::new(),
            title: title.to_string(),
            url: format!("https://fetch.spec.whatwg.org/#{anchor}"),
        }
    }
}

/// One event of the simulation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// When it starts (the send time for a message).
    pub at: SimTime,
    /// When a message arrives; `None` for local and lost steps.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub arrives: Option<SimTime>,
    pub kind: StepKind,
    /// Index into [`Trace::actors`] of the sender (or of the actor, for a local step).
    pub from: usize,
    /// Index into [`Trace::actors`] of the receiver (equal to `from` for a local step).
    pub to: usize,
    /// Short label for the arrow, e.g. `SYN seq=1000`.
    pub label: String,
    pub fields: Vec<Field>,
    /// The message's real bytes, if the protocol has bytes, as hex in JSON.
    #[serde(with = "hex_bytes", skip_serializing_if = "Vec::is_empty", default)]
    pub bytes: Vec<u8>,
    /// What a byte count means for this step (e.g. `TCP segment`).
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub bytes_label: String,
    pub states: Vec<StateChange>,
    pub explanation: String,
    pub spec: Vec<SpecRef>,
}

/// A lab run's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trace {
    pub schema: u32,
    /// The lab's id, e.g. `tcp`.
    pub lab: String,
    pub title: String,
    pub actors: Vec<Actor>,
    pub steps: Vec<Step>,
    /// Lessons the whole run shows (timings, outcomes), in plain language.
    pub summary: Vec<String>,
    /// Warnings about the run itself, e.g. that the step cap cut it short.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub warnings: Vec<String>,
}

impl Trace {
    pub fn new(lab: &str, title: &str, actors: Vec<Actor>) -> Trace {
        Trace {
            schema: TRACE_SCHEMA_VERSION,
            lab: lab.to_string(),
            title: title.to_string(),
            actors,
            steps: Vec::new(),
            summary: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The trace as pretty JSON, the documented export format.
    pub fn to_json(&self) -> String {
        // Serializing these plain structs cannot fail: every map key is a string.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The trace as plain text: one block per step. Used for golden snapshots and for review.
    pub fn to_text(&self) -> String {
        let mut out = format!("# {} ({})\n", self.title, self.lab);
        for (i, a) in self.actors.iter().enumerate() {
            out.push_str(&format!("actor {i}: {} [{}] {}\n", a.name, a.id, a.detail));
        }
        for (i, s) in self.steps.iter().enumerate() {
            let arrow = match s.kind {
                StepKind::Message => "->",
                StepKind::Lost => "-x",
                StepKind::Local => "::",
            };
            out.push_str(&format!(
                "\n[{}] {} {} {} {}: {}\n",
                i + 1,
                s.at,
                self.actors[s.from].id,
                arrow,
                self.actors[s.to].id,
                s.label
            ));
            if let Some(t) = s.arrives {
                out.push_str(&format!("  arrives {t}\n"));
            }
            for f in &s.fields {
                out.push_str(&format!("  {} = {}", f.name, f.value));
                if let Some(r) = f.bytes {
                    out.push_str(&format!(" @{}..{}", r.start, r.end));
                }
                out.push('\n');
            }
            if !s.bytes.is_empty() {
                let shown = s.bytes.len().min(64);
                out.push_str(&format!(
                    "  bytes({}) {}{}\n",
                    s.bytes.len(),
                    hex_bytes::encode(&s.bytes[..shown]),
                    if shown < s.bytes.len() { "…" } else { "" }
                ));
            }
            for c in &s.states {
                out.push_str(&format!(
                    "  {}: {} -> {}\n",
                    self.actors[c.actor].id,
                    c.before.name,
                    c.after.name
                ));
            }
            out.push_str(&format!("  why: {}\n", s.explanation));
            for r in &s.spec {
                match r.section.as_str() {
                    "" => out.push_str(&format!("  spec: {}: {}\n", r.document, r.title)),
                    section => out.push_str(&format!("  spec: {} §{section} {}\n", r.document, r.title)),
                }
            }
        }
        if !self.summary.is_empty() {
            out.push('\n');
            for line in &self.summary {
                out.push_str(&format!("summary: {line}\n"));
            }
        }
        for w in &self.warnings {
            out.push_str(&format!("warning: {w}\n"));
        }
        out
    }
}

/// Bytes as a lowercase hex string in JSON.
pub mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn encode(bytes: &[u8]) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut s = String::with_capacity(bytes.len() * 2);
        for b in bytes {
            s.push(DIGITS[(b >> 4) as usize] as char);
            s.push(DIGITS[(b & 15) as usize] as char);
        }
        s
    }

    pub fn decode(s: &str) -> Option<Vec<u8>> {
        fn nibble(c: u8) -> Option<u8> {
            match c {
                b'0'..=b'9' => Some(c - b'0'),
                b'a'..=b'f' => Some(c - b'a' + 10),
                b'A'..=b'F' => Some(c - b'A' + 10),
                _ => None,
            }
        }
        let raw = s.as_bytes();
        if !raw.len().is_multiple_of(2) {
            return None;
        }
        raw.chunks(2)
            .map(|p| Some(nibble(p[0])? << 4 | nibble(p[1])?))
            .collect()
    }

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        decode(&s).ok_or_else(|| serde::de::Error::custom("bytes must be an even number of hex digits"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sim_time_prints_seconds() {
        assert_eq!(SimTime::from_millis(1250).to_string(), "1.250 s");
        assert_eq!(SimTime(1_000_001).to_string(), "1.000001 s");
        assert_eq!(SimTime::ZERO.to_string(), "0.000 s");
    }

    #[test]
    fn whole_ms_rounds_as_float_formatting_does() {
        // Every rounding case near the boundaries, and a spread of larger values.
        let mut cases: Vec<u64> = (0..=3000).collect();
        cases.extend((0..2000u64).map(|i| i * 7_919_993 + 500));
        cases.extend([u32::MAX as u64, 86_400_000_000 * 7 + 1500, 86_400_000_000 * 7 + 2500]);
        for us in cases {
            assert_eq!(whole_ms(us).to_string(), format!("{:.0}", us as f64 / 1000.0), "{us} µs");
        }
    }

    #[test]
    fn hex_round_trips() {
        let bytes = vec![0u8, 1, 0xab, 0xff];
        assert_eq!(hex_bytes::encode(&bytes), "0001abff");
        assert_eq!(hex_bytes::decode("0001ABff"), Some(bytes));
        assert_eq!(hex_bytes::decode("abc"), None);
        assert_eq!(hex_bytes::decode("zz"), None);
    }
}
