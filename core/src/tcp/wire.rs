//! TCP segments as bytes (RFC 9293 section 3.1) and back, with the checksum over the IPv4
//! pseudo-header (RFC 9293 section 3.1, "Checksum").

use crate::trace::{ByteRange, Field};
use std::fmt;

/// The control bits (RFC 9293 section 3.1, "Control bits").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flags(pub u8);

impl Flags {
    pub const FIN: Flags = Flags(0x01);
    pub const SYN: Flags = Flags(0x02);
    pub const RST: Flags = Flags(0x04);
    pub const PSH: Flags = Flags(0x08);
    pub const ACK: Flags = Flags(0x10);

    pub fn has(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn with(self, other: Flags) -> Flags {
        Flags(self.0 | other.0)
    }
}

impl fmt::Display for Flags {
    /// The names of the set bits, most significant first as the header orders them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const NAMES: [(u8, &str); 8] =
            [(0x80, "CWR"), (0x40, "ECE"), (0x20, "URG"), (0x10, "ACK"), (0x08, "PSH"), (0x04, "RST"), (0x02, "SYN"), (0x01, "FIN")];
        let names: Vec<&str> = NAMES.iter().filter(|(bit, _)| self.0 & bit != 0).map(|(_, n)| *n).collect();
        if names.is_empty() {
            write!(f, "none")
        } else {
            write!(f, "{}", names.join(", "))
        }
    }
}

/// A TCP segment, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub source_port: u16,
    pub destination_port: u16,
    pub seq: u32,
    pub ack: u32,
    pub flags: Flags,
    pub window: u16,
    /// The Maximum Segment Size option (kind 2), sent only with SYN (RFC 9293 section 3.7.1).
    pub mss: Option<u16>,
    pub payload: Vec<u8>,
}

impl Segment {
    /// The sequence space the segment occupies: its data, plus one each for SYN and FIN
    /// (RFC 9293 section 3.4, "SEG.LEN").
    pub fn seq_len(&self) -> u32 {
        self.payload.len() as u32 + self.flags.has(Flags::SYN) as u32 + self.flags.has(Flags::FIN) as u32
    }

    pub fn header_len(&self) -> usize {
        // 20 bytes of fixed header; the MSS option is 4 bytes (kind, length, value).
        if self.mss.is_some() {
            24
        } else {
            20
        }
    }

    /// Encodes the segment, computing the checksum with the pseudo-header of `source_ip` and
    /// `destination_ip`.
    pub fn encode(&self, source_ip: [u8; 4], destination_ip: [u8; 4]) -> Vec<u8> {
        let header_len = self.header_len();
        let mut b = Vec::with_capacity(header_len + self.payload.len());
        b.extend_from_slice(&self.source_port.to_be_bytes());
        b.extend_from_slice(&self.destination_port.to_be_bytes());
        b.extend_from_slice(&self.seq.to_be_bytes());
        b.extend_from_slice(&self.ack.to_be_bytes());
        // Data offset in 32-bit words in the high four bits; the four reserved bits are zero.
        b.push(((header_len / 4) as u8) << 4);
        b.push(self.flags.0);
        b.extend_from_slice(&self.window.to_be_bytes());
        b.extend_from_slice(&[0, 0]); // checksum, filled below
        b.extend_from_slice(&[0, 0]); // urgent pointer: URG is never set here
        if let Some(mss) = self.mss {
            b.extend_from_slice(&[2, 4]);
            b.extend_from_slice(&mss.to_be_bytes());
        }
        b.extend_from_slice(&self.payload);
        let sum = checksum(source_ip, destination_ip, &b);
        b[16..18].copy_from_slice(&sum.to_be_bytes());
        b
    }

    /// Decodes a segment and checks its checksum against the pseudo-header.
    pub fn decode(bytes: &[u8], source_ip: [u8; 4], destination_ip: [u8; 4]) -> Result<Segment, WireError> {
        if bytes.len() < 20 {
            return Err(WireError::TooShort { length: bytes.len() });
        }
        let header_len = (bytes[12] >> 4) as usize * 4;
        if header_len < 20 || header_len > bytes.len() {
            return Err(WireError::BadDataOffset { header_len, length: bytes.len() });
        }
        if checksum(source_ip, destination_ip, bytes) != 0 {
            return Err(WireError::BadChecksum);
        }
        let u16_at = |i: usize| u16::from_be_bytes([bytes[i], bytes[i + 1]]);
        let u32_at = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        let mut mss = None;
        let mut i = 20;
        while i < header_len {
            match bytes[i] {
                0 => break,   // end of option list
                1 => i += 1,  // no-operation
                kind => {
                    let len = *bytes.get(i + 1).ok_or(WireError::BadOption { offset: i })? as usize;
                    if len < 2 || i + len > header_len {
                        return Err(WireError::BadOption { offset: i });
                    }
                    if kind == 2 && len == 4 {
                        mss = Some(u16_at(i + 2));
                    }
                    i += len;
                }
            }
        }
        Ok(Segment {
            source_port: u16_at(0),
            destination_port: u16_at(2),
            seq: u32_at(4),
            ack: u32_at(8),
            flags: Flags(bytes[13]),
            window: u16_at(14),
            mss,
            payload: bytes[header_len..].to_vec(),
        })
    }

    /// The header's fields with their byte ranges, as the inspector lists them.
    /// `isn_of_sender` and `isn_of_receiver` turn absolute numbers into relative ones.
    pub fn fields(&self, bytes: &[u8], isn_of_sender: u32, isn_of_receiver: Option<u32>) -> Vec<Field> {
        let field = |name: &str, value: String, start: usize, end: usize, note: &str| Field {
            name: name.to_string(),
            value,
            bytes: Some(ByteRange::new(start, end)),
            note: note.to_string(),
            points_to: None,
        };
        let header_len = self.header_len();
        let mut fields = vec![
            field("Source Port", self.source_port.to_string(), 0, 2, ""),
            field("Destination Port", self.destination_port.to_string(), 2, 4, ""),
            field(
                "Sequence Number",
                self.seq.to_string(),
                4,
                8,
                &format!("relative {}", self.seq.wrapping_sub(isn_of_sender)),
            ),
            field(
                "Acknowledgment Number",
                self.ack.to_string(),
                8,
                12,
                &match (self.flags.has(Flags::ACK), isn_of_receiver) {
                    (false, _) => "not meaningful: ACK bit is off".to_string(),
                    (true, Some(isn)) => format!("relative {}: next byte expected", self.ack.wrapping_sub(isn)),
                    (true, None) => "next byte expected".to_string(),
                },
            ),
            field(
                "Data Offset",
                format!("{} ({} bytes)", header_len / 4, header_len),
                12,
                13,
                "header length in 32-bit words; the low 4 bits are reserved",
            ),
            field("Control Bits", format!("0x{:02x} ({})", self.flags.0, self.flags), 13, 14, ""),
            field("Window", self.window.to_string(), 14, 16, "bytes the sender can still receive"),
            field(
                "Checksum",
                format!("0x{:02x}{:02x}", bytes.get(16).copied().unwrap_or(0), bytes.get(17).copied().unwrap_or(0)),
                16,
                18,
                "ones' complement sum over pseudo-header, header and data",
            ),
            field("Urgent Pointer", "0".into(), 18, 20, "unused: URG is not set"),
        ];
        if let Some(mss) = self.mss {
            fields.push(field("Option: MSS", format!("{mss} (kind 2, length 4)"), 20, 24, "largest segment data the sender can receive"));
        }
        if !self.payload.is_empty() {
            fields.push(field(
                "Data",
                format!("{} bytes: {}", self.payload.len(), preview(&self.payload)),
                header_len,
                bytes.len(),
                "",
            ));
        }
        fields
    }
}

/// The first bytes of data as text, with control characters shown as escapes.
fn preview(data: &[u8]) -> String {
    let mut s = String::new();
    for &b in data.iter().take(40) {
        match b {
            b'\r' => s.push_str("\\r"),
            b'\n' => s.push_str("\\n"),
            0x20..=0x7e => s.push(b as char),
            _ => s.push('.'),
        }
    }
    if data.len() > 40 {
        s.push('…');
    }
    format!("\"{s}\"")
}

/// The Internet checksum (RFC 1071) over the IPv4 pseudo-header and the segment. Over a segment
/// whose checksum field is filled in, the result is zero when the checksum is right.
pub fn checksum(source_ip: [u8; 4], destination_ip: [u8; 4], segment: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    let mut add = |bytes: &[u8]| {
        for pair in bytes.chunks(2) {
            let word = u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]);
            sum += word as u32;
        }
    };
    add(&source_ip);
    add(&destination_ip);
    // Zero, protocol 6 (TCP), then the TCP length (RFC 9293 section 3.1).
    add(&[0, 6]);
    add(&(segment.len() as u16).to_be_bytes());
    add(segment);
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Why bytes did not decode as a TCP segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireError {
    TooShort { length: usize },
    BadDataOffset { header_len: usize, length: usize },
    BadOption { offset: usize },
    BadChecksum,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const A: [u8; 4] = [192, 0, 2, 10];
    const B: [u8; 4] = [198, 51, 100, 20];

    #[test]
    fn syn_with_mss_option_encodes_field_by_field() {
        let syn = Segment {
            source_port: 49152,
            destination_port: 80,
            seq: 0x01020304,
            ack: 0,
            flags: Flags::SYN,
            window: 65535,
            mss: Some(1460),
            payload: vec![],
        };
        let b = syn.encode(A, B);
        assert_eq!(b.len(), 24);
        assert_eq!(&b[0..4], &[0xc0, 0x00, 0x00, 0x50]);
        assert_eq!(&b[4..8], &[1, 2, 3, 4]);
        assert_eq!(b[12], 0x60, "six 32-bit words");
        assert_eq!(b[13], 0x02);
        assert_eq!(&b[14..16], &[0xff, 0xff]);
        assert_eq!(&b[20..24], &[2, 4, 0x05, 0xb4]);
        assert_eq!(checksum(A, B, &b), 0, "a correct checksum sums to zero");
    }

    #[test]
    fn checksum_matches_a_hand_computed_value() {
        // Header of all zeroes but data offset 5, from 10.0.0.1 to 10.0.0.2, no data.
        // Pseudo-header words: 0a00 0001 0a00 0002 0006 0014; header word 5000.
        // Sum = 0x0a00+0x0001+0x0a00+0x0002+0x0006+0x0014+0x5000 = 0x641d; complement 0x9be2.
        let mut header = [0u8; 20];
        header[12] = 0x50;
        assert_eq!(checksum([10, 0, 0, 1], [10, 0, 0, 2], &header), 0x9be2);
    }

    #[test]
    fn odd_length_data_is_padded_for_the_checksum() {
        let s = Segment { source_port: 1, destination_port: 2, seq: 3, ack: 4, flags: Flags::ACK.with(Flags::PSH), window: 5, mss: None, payload: b"abc".to_vec() };
        let b = s.encode(A, B);
        assert_eq!(Segment::decode(&b, A, B), Ok(s));
    }

    #[test]
    fn decode_rejects_damage() {
        let s = Segment { source_port: 1, destination_port: 2, seq: 3, ack: 4, flags: Flags::ACK, window: 5, mss: None, payload: b"hi".to_vec() };
        let mut b = s.encode(A, B);
        b[21] ^= 1;
        assert_eq!(Segment::decode(&b, A, B), Err(WireError::BadChecksum));
        assert_eq!(Segment::decode(&b[..10], A, B), Err(WireError::TooShort { length: 10 }));
        let good = s.encode(A, B);
        assert_eq!(Segment::decode(&good, [192, 0, 2, 11], B), Err(WireError::BadChecksum), "addresses are part of the sum");
    }

    #[test]
    fn flags_print_in_header_order() {
        assert_eq!(Flags::SYN.with(Flags::ACK).to_string(), "ACK, SYN");
        assert_eq!(Flags(0).to_string(), "none");
    }

    proptest! {
        #[test]
        fn encode_decode_round_trips(
            source_port: u16, destination_port: u16, seq: u32, ack: u32, flags in 0u8..=0x1f, window: u16,
            mss in proptest::option::of(any::<u16>()), payload in proptest::collection::vec(any::<u8>(), 0..200)
        ) {
            let s = Segment { source_port, destination_port, seq, ack, flags: Flags(flags), window, mss, payload };
            let b = s.encode(A, B);
            prop_assert_eq!(Segment::decode(&b, A, B), Ok(s));
        }

        #[test]
        fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            let _ = Segment::decode(&bytes, A, B);
        }
    }
}
