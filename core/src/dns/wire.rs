//! DNS messages as bytes (RFC 1035 section 4) and back, with name compression (section 4.1.4).
//!
//! The encoder compresses owner names and the names inside NS, CNAME, PTR, MX and SOA data, as
//! RFC 1035 allows and common servers do; never SRV targets (RFC 2782) or unknown types
//! (RFC 3597 section 4). The decoder accepts compressed or uncompressed names, and refuses
//! every malformed shape with the offset where it went wrong: it never panics, never loops, and
//! never allocates more than the message could describe.

use crate::trace::{ByteRange, Field};
use std::collections::BTreeMap;
use std::fmt;

/// A domain name: labels of 1 to 63 octets, at most 255 octets on the wire (RFC 1035 2.3.4).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Name {
    labels: Vec<Vec<u8>>,
}

/// Why a name is not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameError {
    EmptyLabel { position: usize },
    LabelTooLong { label: String, length: usize },
    NameTooLong { length: usize },
    BadCharacter { position: usize, character: char },
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameError::EmptyLabel { position } => write!(f, "empty label at character {}: two dots in a row, or a leading dot", position + 1),
            NameError::LabelTooLong { label, length } => write!(f, "label “{label}” is {length} octets; a label holds at most 63"),
            NameError::NameTooLong { length } => write!(f, "the name is {length} octets on the wire; at most 255"),
            NameError::BadCharacter { position, character } => {
                write!(f, "{character:?} at character {} is not allowed in a host name (letters, digits, '-', '_')", position + 1)
            }
        }
    }
}

impl Name {
    pub const ROOT: Name = Name { labels: Vec::new() };

    /// Parses `www.example.com` or `www.example.com.`; `.` alone is the root. Letters, digits,
    /// hyphens and underscores only (underscores for SRV and DKIM names).
    pub fn parse(text: &str) -> Result<Name, NameError> {
        let trimmed = text.strip_suffix('.').unwrap_or(text);
        if trimmed.is_empty() {
            return Ok(Name::ROOT);
        }
        let mut labels = Vec::new();
        let mut position = 0;
        for label in trimmed.split('.') {
            if label.is_empty() {
                return Err(NameError::EmptyLabel { position });
            }
            if let Some((i, c)) = label.char_indices().find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
                return Err(NameError::BadCharacter { position: position + label[..i].chars().count(), character: c });
            }
            if label.len() > 63 {
                return Err(NameError::LabelTooLong { label: label.chars().take(20).collect::<String>() + "…", length: label.len() });
            }
            labels.push(label.as_bytes().to_vec());
            position += label.chars().count() + 1;
        }
        let name = Name { labels };
        if name.wire_len() > 255 {
            return Err(NameError::NameTooLong { length: name.wire_len() });
        }
        Ok(name)
    }

    /// Octets on the wire without compression: each label's length byte and text, then the root.
    pub fn wire_len(&self) -> usize {
        self.labels.iter().map(|l| l.len() + 1).sum::<usize>() + 1
    }

    pub fn labels(&self) -> &[Vec<u8>] {
        &self.labels
    }

    /// The name made of the last `k` labels (`k` = 0 is the root).
    pub fn suffix(&self, k: usize) -> Name {
        let k = k.min(self.labels.len());
        Name { labels: self.labels[self.labels.len() - k..].to_vec() }
    }

    /// The name with ASCII letters lowercased, as a cache key.
    pub fn lowercase(&self) -> Name {
        Name { labels: self.labels.iter().map(|l| l.to_ascii_lowercase()).collect() }
    }

    /// The lowercase key of the suffix starting at label `i`, for compression and comparisons
    /// (names compare without regard to ASCII case, RFC 4343).
    fn suffix_key(&self, i: usize) -> Vec<u8> {
        let mut k = Vec::new();
        for l in &self.labels[i..] {
            k.push(l.len() as u8);
            k.extend(l.iter().map(|b| b.to_ascii_lowercase()));
        }
        k
    }
}

impl fmt::Display for Name {
    /// The name with its trailing dot; bytes outside printable ASCII as `\DDD` (RFC 1035 5.1).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.labels.is_empty() {
            return f.write_str(".");
        }
        for l in &self.labels {
            for &b in l {
                match b {
                    b'.' | b'\\' => write!(f, "\\{}", b as char)?,
                    0x21..=0x7e => write!(f, "{}", b as char)?,
                    _ => write!(f, "\\{b:03}")?,
                }
            }
            f.write_str(".")?;
        }
        Ok(())
    }
}

pub mod rtype {
    pub const A: u16 = 1;
    pub const NS: u16 = 2;
    pub const CNAME: u16 = 5;
    pub const SOA: u16 = 6;
    pub const PTR: u16 = 12;
    pub const MX: u16 = 15;
    pub const TXT: u16 = 16;
    pub const AAAA: u16 = 28;
    pub const SRV: u16 = 33;
    /// The EDNS pseudo-record (RFC 6891): not data, options for the message.
    pub const OPT: u16 = 41;
    pub const DS: u16 = 43;
    pub const RRSIG: u16 = 46;
    pub const DNSKEY: u16 = 48;

    pub fn name(t: u16) -> String {
        match t {
            A => "A".into(),
            NS => "NS".into(),
            CNAME => "CNAME".into(),
            SOA => "SOA".into(),
            PTR => "PTR".into(),
            MX => "MX".into(),
            TXT => "TXT".into(),
            AAAA => "AAAA".into(),
            SRV => "SRV".into(),
            OPT => "OPT".into(),
            DS => "DS".into(),
            RRSIG => "RRSIG".into(),
            DNSKEY => "DNSKEY".into(),
            other => format!("TYPE{other}"),
        }
    }
}

pub const CLASS_IN: u16 = 1;

/// The header (RFC 1035 4.1.1). Counts are derived from the sections when encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Header {
    pub id: u16,
    pub qr: bool,
    pub opcode: u8,
    pub aa: bool,
    pub tc: bool,
    pub rd: bool,
    pub ra: bool,
    /// The three bits after RA: Z, and AD and CD (RFC 4035).
    pub z: u8,
    pub rcode: u8,
}

impl Header {
    fn flags(&self) -> u16 {
        (self.qr as u16) << 15
            | ((self.opcode & 0xf) as u16) << 11
            | (self.aa as u16) << 10
            | (self.tc as u16) << 9
            | (self.rd as u16) << 8
            | (self.ra as u16) << 7
            | ((self.z & 7) as u16) << 4
            | (self.rcode & 0xf) as u16
    }

    fn from_flags(id: u16, f: u16) -> Header {
        Header {
            id,
            qr: f & 0x8000 != 0,
            opcode: ((f >> 11) & 0xf) as u8,
            aa: f & 0x0400 != 0,
            tc: f & 0x0200 != 0,
            rd: f & 0x0100 != 0,
            ra: f & 0x0080 != 0,
            z: ((f >> 4) & 7) as u8,
            rcode: (f & 0xf) as u8,
        }
    }
}

pub fn rcode_name(rcode: u8) -> &'static str {
    match rcode {
        0 => "NOERROR",
        1 => "FORMERR",
        2 => "SERVFAIL",
        3 => "NXDOMAIN",
        4 => "NOTIMP",
        5 => "REFUSED",
        _ => "other",
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub name: Name,
    pub qtype: u16,
    pub qclass: u16,
}

/// Record data, typed where the lab uses the type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RData {
    A([u8; 4]),
    Aaaa([u8; 16]),
    Ns(Name),
    Cname(Name),
    Ptr(Name),
    Mx { preference: u16, exchange: Name },
    /// One or more character-strings of at most 255 octets each.
    Txt(Vec<Vec<u8>>),
    Soa { mname: Name, rname: Name, serial: u32, refresh: u32, retry: u32, expire: u32, minimum: u32 },
    Srv { priority: u16, weight: u16, port: u16, target: Name },
    /// A zone's public key (RFC 4034 section 2).
    Dnskey { flags: u16, protocol: u8, algorithm: u8, public_key: Vec<u8> },
    /// A digest of a child zone's key, held by the parent (RFC 4034 section 5).
    Ds { key_tag: u16, algorithm: u8, digest_type: u8, digest: Vec<u8> },
    /// A signature over one RRset (RFC 4034 section 3).
    Rrsig { type_covered: u16, algorithm: u8, labels: u8, original_ttl: u32, expiration: u32, inception: u32, key_tag: u16, signer: Name, signature: Vec<u8> },
    Unknown(Vec<u8>),
}

impl RData {
    /// The record type this data belongs to (unknown data keeps no type of its own: 0).
    pub fn rtype(&self) -> u16 {
        match self {
            RData::A(_) => rtype::A,
            RData::Aaaa(_) => rtype::AAAA,
            RData::Ns(_) => rtype::NS,
            RData::Cname(_) => rtype::CNAME,
            RData::Ptr(_) => rtype::PTR,
            RData::Mx { .. } => rtype::MX,
            RData::Txt(_) => rtype::TXT,
            RData::Soa { .. } => rtype::SOA,
            RData::Srv { .. } => rtype::SRV,
            RData::Dnskey { .. } => rtype::DNSKEY,
            RData::Ds { .. } => rtype::DS,
            RData::Rrsig { .. } => rtype::RRSIG,
            RData::Unknown(_) => 0,
        }
    }

    /// The data with every name in it lowercased: the canonical form DNSSEC signs (RFC 4034
    /// section 6.2).
    pub fn lowercased(&self) -> RData {
        match self {
            RData::Ns(n) => RData::Ns(n.lowercase()),
            RData::Cname(n) => RData::Cname(n.lowercase()),
            RData::Ptr(n) => RData::Ptr(n.lowercase()),
            RData::Mx { preference, exchange } => RData::Mx { preference: *preference, exchange: exchange.lowercase() },
            RData::Soa { mname, rname, serial, refresh, retry, expire, minimum } => RData::Soa { mname: mname.lowercase(), rname: rname.lowercase(), serial: *serial, refresh: *refresh, retry: *retry, expire: *expire, minimum: *minimum },
            RData::Srv { priority, weight, port, target } => RData::Srv { priority: *priority, weight: *weight, port: *port, target: target.lowercase() },
            RData::Rrsig { signer, .. } => {
                let mut r = self.clone();
                if let RData::Rrsig { signer: s, .. } = &mut r {
                    *s = signer.lowercase();
                }
                r
            }
            other => other.clone(),
        }
    }
}

/// The data's bytes as they appear in a record, with no compression.
pub fn rdata_wire(data: &RData) -> Vec<u8> {
    let mut w = Writer { bytes: Vec::new(), fields: Vec::new(), compress: false, seen: BTreeMap::new() };
    w.record("", 0, &Record { name: Name::ROOT, rtype: data.rtype(), class: CLASS_IN, ttl: 0, data: data.clone() });
    // Skip the root owner (1), type (2), class (2), TTL (4) and RDLENGTH (2).
    w.bytes.split_off(11)
}

impl Name {
    /// The name in uncompressed wire form with its letters lowercased (RFC 4034 section 6.2).
    pub fn canonical_wire(&self) -> Vec<u8> {
        let mut k = self.suffix_key(0);
        k.push(0);
        k
    }
}

/// Seconds since 1970 as `YYYYMMDDHHmmSS` in UTC, the presentation form of RRSIG times.
pub fn rrsig_time(t: u32) -> String {
    let (y, m, d, h, mi, sec) = crate::civil::utc_parts(t as i64);
    format!("{y:04}{m:02}{d:02}{h:02}{mi:02}{sec:02}")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub name: Name,
    pub rtype: u16,
    pub class: u16,
    pub ttl: u32,
    pub data: RData,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Message {
    pub header: Header,
    pub questions: Vec<Question>,
    pub answers: Vec<Record>,
    pub authority: Vec<Record>,
    pub additional: Vec<Record>,
}

/// A message as bytes, with each field's range for the inspector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    pub bytes: Vec<u8>,
    pub fields: Vec<Field>,
}

struct Writer {
    bytes: Vec<u8>,
    fields: Vec<Field>,
    compress: bool,
    /// Where each name suffix was first written (offsets below 0x4000 only).
    seen: BTreeMap<Vec<u8>, u16>,
}

impl Writer {
    fn field(&mut self, name: String, value: String, start: usize, note: String) {
        self.fields.push(Field { name, value, bytes: Some(ByteRange::new(start, self.bytes.len())), note, points_to: None });
    }

    fn u16(&mut self, v: u16) {
        self.bytes.extend_from_slice(&v.to_be_bytes());
    }

    fn u32(&mut self, v: u32) {
        self.bytes.extend_from_slice(&v.to_be_bytes());
    }

    /// Writes a name, ending in a pointer to an earlier copy of its longest known suffix. The
    /// pointer gets a field of its own, which knows the bytes it points to. `owner` names the
    /// field the name belongs to.
    fn name(&mut self, name: &Name, compress: bool, owner: &str) -> String {
        let mut note = String::new();
        for i in 0..name.labels.len() {
            let key = name.suffix_key(i);
            if compress && self.compress {
                if let Some(&at) = self.seen.get(&key) {
                    let start = self.bytes.len();
                    self.u16(0xc000 | at);
                    let suffix = name.suffix(name.labels.len() - i);
                    let target = ByteRange::new(at as usize, at as usize + suffix_extent(&self.bytes, at as usize));
                    self.fields.push(Field {
                        name: format!("{owner}: pointer"),
                        value: format!("→ offset {at}"),
                        bytes: Some(ByteRange::new(start, start + 2)),
                        note: format!("two bytes 0b11 + offset: “{suffix}” is read from offset {at}, where it was written before"),
                        points_to: Some(target),
                    });
                    note = format!("ends with a pointer to offset {at}");
                    return note;
                }
            }
            let here = self.bytes.len();
            if here < 0x4000 {
                self.seen.entry(key).or_insert(here as u16);
            }
            let label = &name.labels[i];
            self.bytes.push(label.len() as u8);
            self.bytes.extend_from_slice(label);
        }
        self.bytes.push(0);
        note
    }

    fn record(&mut self, section: &str, n: usize, r: &Record) {
        let start = self.bytes.len();
        let note = self.name(&r.name, true, &format!("{section} {n}: name"));
        self.field(format!("{section} {n}: name"), r.name.to_string(), start, note);
        let start = self.bytes.len();
        self.u16(r.rtype);
        self.field(format!("{section} {n}: type"), rtype::name(r.rtype), start, String::new());
        let start = self.bytes.len();
        self.u16(r.class);
        if r.rtype == rtype::OPT {
            self.field(format!("{section} {n}: UDP payload size"), r.class.to_string(), start, "EDNS: the largest UDP answer this side accepts (the class field, reused)".into());
        } else {
            self.field(format!("{section} {n}: class"), class_name(r.class), start, String::new());
        }
        let start = self.bytes.len();
        self.u32(r.ttl);
        if r.rtype == rtype::OPT {
            let value = format!("extended RCODE {}, version {}, DO={}", r.ttl >> 24, (r.ttl >> 16) & 0xff, (r.ttl >> 15) & 1);
            self.field(format!("{section} {n}: EDNS flags"), value, start, "the TTL field, reused; DO asks for DNSSEC records".into());
        } else {
            self.field(format!("{section} {n}: TTL"), format!("{} s", r.ttl), start, String::new());
        }
        let length_at = self.bytes.len();
        self.u16(0);
        let data_start = self.bytes.len();
        let value = match &r.data {
            RData::A(a) => {
                self.bytes.extend_from_slice(a);
                format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])
            }
            RData::Aaaa(a) => {
                self.bytes.extend_from_slice(a);
                ipv6(a)
            }
            RData::Ns(target) | RData::Cname(target) | RData::Ptr(target) => {
                self.name(target, true, &format!("{section} {n}: RDATA"));
                target.to_string()
            }
            RData::Mx { preference, exchange } => {
                self.u16(*preference);
                self.name(exchange, true, &format!("{section} {n}: RDATA"));
                format!("{preference} {exchange}")
            }
            RData::Txt(strings) => {
                for s in strings {
                    self.bytes.push(s.len().min(255) as u8);
                    self.bytes.extend_from_slice(&s[..s.len().min(255)]);
                }
                presentation(&r.data)
            }
            RData::Soa { mname, rname, serial, refresh, retry, expire, minimum } => {
                self.name(mname, true, &format!("{section} {n}: RDATA MNAME"));
                self.name(rname, true, &format!("{section} {n}: RDATA RNAME"));
                for v in [serial, refresh, retry, expire, minimum] {
                    self.u32(*v);
                }
                format!("{mname} {rname} {serial} {refresh} {retry} {expire} {minimum}")
            }
            RData::Srv { priority, weight, port, target } => {
                self.u16(*priority);
                self.u16(*weight);
                self.u16(*port);
                // RFC 2782: the target must not be compressed.
                self.name(target, false, "");
                format!("{priority} {weight} {port} {target}")
            }
            RData::Dnskey { flags, protocol, algorithm, public_key } => {
                self.u16(*flags);
                self.bytes.push(*protocol);
                self.bytes.push(*algorithm);
                self.bytes.extend_from_slice(public_key);
                presentation(&r.data)
            }
            RData::Ds { key_tag, algorithm, digest_type, digest } => {
                self.u16(*key_tag);
                self.bytes.push(*algorithm);
                self.bytes.push(*digest_type);
                self.bytes.extend_from_slice(digest);
                presentation(&r.data)
            }
            RData::Rrsig { type_covered, algorithm, labels, original_ttl, expiration, inception, key_tag, signer, signature } => {
                self.u16(*type_covered);
                self.bytes.push(*algorithm);
                self.bytes.push(*labels);
                self.u32(*original_ttl);
                self.u32(*expiration);
                self.u32(*inception);
                self.u16(*key_tag);
                // RFC 4034 section 3.1.7: the signer's name is never compressed.
                self.name(signer, false, "");
                self.bytes.extend_from_slice(signature);
                presentation(&r.data)
            }
            RData::Unknown(bytes) => {
                self.bytes.extend_from_slice(bytes);
                format!("{} octets", bytes.len())
            }
        };
        let length = (self.bytes.len() - data_start) as u16;
        self.bytes[length_at..length_at + 2].copy_from_slice(&length.to_be_bytes());
        self.fields.push(Field {
            name: format!("{section} {n}: RDLENGTH"),
            value: length.to_string(),
            bytes: Some(ByteRange::new(length_at, data_start)),
            note: String::new(),
            points_to: None,
        });
        self.field(format!("{section} {n}: RDATA"), value, data_start, String::new());
    }
}

fn class_name(c: u16) -> String {
    if c == CLASS_IN {
        "IN".into()
    } else {
        format!("CLASS{c}")
    }
}

/// IPv6 text in the RFC 5952 form (longest zero run as `::`, lowercase).
fn ipv6(a: &[u8; 16]) -> String {
    std::net::Ipv6Addr::from(*a).to_string()
}

/// Record data in master-file presentation form (RFC 1035 section 5.1), as `dig` and dnspython
/// print it.
pub fn presentation(d: &RData) -> String {
    match d {
        RData::A(a) => format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3]),
        RData::Aaaa(a) => ipv6(a),
        RData::Ns(n) | RData::Cname(n) | RData::Ptr(n) => n.to_string(),
        RData::Mx { preference, exchange } => format!("{preference} {exchange}"),
        RData::Txt(strings) => strings
            .iter()
            .map(|s| {
                let mut out = String::from("\"");
                for &b in s {
                    match b {
                        b'"' | b'\\' => {
                            out.push('\\');
                            out.push(b as char);
                        }
                        0x20..=0x7e => out.push(b as char),
                        _ => out.push_str(&format!("\\{b:03}")),
                    }
                }
                out.push('"');
                out
            })
            .collect::<Vec<_>>()
            .join(" "),
        RData::Soa { mname, rname, serial, refresh, retry, expire, minimum } => format!("{mname} {rname} {serial} {refresh} {retry} {expire} {minimum}"),
        RData::Srv { priority, weight, port, target } => format!("{priority} {weight} {port} {target}"),
        RData::Dnskey { flags, protocol, algorithm, public_key } => format!("{flags} {protocol} {algorithm} {}", crate::base64url::encode_standard(public_key)),
        RData::Ds { key_tag, algorithm, digest_type, digest } => format!("{key_tag} {algorithm} {digest_type} {}", crate::trace::hex_bytes::encode(digest)),
        RData::Rrsig { type_covered, algorithm, labels, original_ttl, expiration, inception, key_tag, signer, signature } => format!(
            "{} {algorithm} {labels} {original_ttl} {} {} {key_tag} {signer} {}",
            rtype::name(*type_covered),
            rrsig_time(*expiration),
            rrsig_time(*inception),
            crate::base64url::encode_standard(signature)
        ),
        RData::Unknown(bytes) => format!("\\# {} {}", bytes.len(), crate::trace::hex_bytes::encode(bytes)),
    }
}

/// How many bytes the name written at `at` occupies: its labels up to the root byte or to a
/// pointer (which it includes).
fn suffix_extent(bytes: &[u8], at: usize) -> usize {
    let mut i = at;
    while let Some(&len) = bytes.get(i) {
        if len == 0 {
            return i + 1 - at;
        }
        if len & 0xc0 == 0xc0 {
            return i + 2 - at;
        }
        i += 1 + len as usize;
    }
    bytes.len().saturating_sub(at)
}

/// Encodes a message; `compress` turns name compression on.
pub fn encode(m: &Message, compress: bool) -> Encoded {
    let mut w = Writer { bytes: Vec::with_capacity(512), fields: Vec::new(), compress, seen: BTreeMap::new() };
    let h = &m.header;
    w.u16(h.id);
    w.field("ID".into(), format!("0x{:04x}", h.id), 0, "matches a response to its query".into());
    w.u16(h.flags());
    let mut flags = Vec::new();
    for (set, name) in [(h.qr, "QR"), (h.aa, "AA"), (h.tc, "TC"), (h.rd, "RD"), (h.ra, "RA")] {
        if set {
            flags.push(name);
        }
    }
    w.field(
        "Flags".into(),
        format!("0x{:04x} ({}{}opcode {}, {})", h.flags(), flags.join(" "), if flags.is_empty() { "" } else { ", " }, h.opcode, rcode_name(h.rcode)),
        2,
        "QR, OPCODE, AA, TC, RD, RA, Z, AD, CD, RCODE".into(),
    );
    // Each flag, on the byte that holds it.
    let bit = |on: bool| if on { "1" } else { "0" };
    let flag_fields = [
        ("QR", bit(h.qr).to_string(), 2, if h.qr { "a response" } else { "a query" }),
        ("OPCODE", h.opcode.to_string(), 2, if h.opcode == 0 { "standard query" } else { "not a standard query" }),
        ("AA", bit(h.aa).to_string(), 2, "authoritative answer: from a server for the zone itself"),
        ("TC", bit(h.tc).to_string(), 2, "truncated: the full message did not fit"),
        ("RD", bit(h.rd).to_string(), 2, "recursion desired: do the whole lookup for me"),
        ("RA", bit(h.ra).to_string(), 3, "recursion available: this server recurses"),
        ("AD", bit(h.z & 0b010 != 0).to_string(), 3, "authentic data: the answer was validated with DNSSEC"),
        ("CD", bit(h.z & 0b001 != 0).to_string(), 3, "checking disabled: do not validate for me"),
        ("RCODE", format!("{} ({})", h.rcode, rcode_name(h.rcode)), 3, "the outcome"),
    ];
    for (name, value, byte, note) in flag_fields {
        w.fields.push(Field { name: format!("Flags: {name}"), value, bytes: Some(ByteRange::new(byte, byte + 1)), note: note.to_string(), points_to: None });
    }
    for (name, count) in [("QDCOUNT", m.questions.len()), ("ANCOUNT", m.answers.len()), ("NSCOUNT", m.authority.len()), ("ARCOUNT", m.additional.len())] {
        let start = w.bytes.len();
        w.u16(count as u16);
        w.field(name.into(), count.to_string(), start, String::new());
    }
    for (n, q) in m.questions.iter().enumerate() {
        let start = w.bytes.len();
        let note = w.name(&q.name, true, &format!("Question {}: name", n + 1));
        w.field(format!("Question {}: name", n + 1), q.name.to_string(), start, note);
        let start = w.bytes.len();
        w.u16(q.qtype);
        w.field(format!("Question {}: type", n + 1), rtype::name(q.qtype), start, String::new());
        let start = w.bytes.len();
        w.u16(q.qclass);
        w.field(format!("Question {}: class", n + 1), class_name(q.qclass), start, String::new());
    }
    for (section, records) in [("Answer", &m.answers), ("Authority", &m.authority), ("Additional", &m.additional)] {
        for (n, r) in records.iter().enumerate() {
            w.record(section, n + 1, r);
        }
    }
    Encoded { bytes: w.bytes, fields: w.fields }
}

/// Why bytes are not a DNS message, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError {
    pub offset: usize,
    pub kind: WireErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireErrorKind {
    Truncated { needed: usize },
    ReservedLabelType { byte: u8 },
    PointerNotBackward { target: usize },
    TooManyPointers,
    NameTooLong,
    CountsExceedMessage,
    RdataLength { declared: usize, used: usize },
    TrailingBytes { count: usize },
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: ", self.offset)?;
        match &self.kind {
            WireErrorKind::Truncated { needed } => write!(f, "the message ends {needed} byte(s) too soon"),
            WireErrorKind::ReservedLabelType { byte } => write!(f, "label byte 0x{byte:02x} uses a reserved label type"),
            WireErrorKind::PointerNotBackward { target } => write!(f, "a compression pointer to offset {target} does not point to an earlier name"),
            WireErrorKind::TooManyPointers => write!(f, "too many compression pointers in one name (a loop)"),
            WireErrorKind::NameTooLong => write!(f, "a name longer than 255 octets"),
            WireErrorKind::CountsExceedMessage => write!(f, "the header's counts promise more entries than the message can hold"),
            WireErrorKind::RdataLength { declared, used } => write!(f, "RDLENGTH says {declared} bytes but the data uses {used}"),
            WireErrorKind::TrailingBytes { count } => write!(f, "{count} byte(s) follow the last section"),
        }
    }
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn err(&self, kind: WireErrorKind) -> WireError {
        WireError { offset: self.at, kind }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        let end = self.at.checked_add(n).filter(|e| *e <= self.b.len()).ok_or_else(|| self.err(WireErrorKind::Truncated { needed: self.at + n - self.b.len() }))?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8, WireError> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, WireError> {
        let s = self.take(2)?;
        Ok(u16::from_be_bytes([s[0], s[1]]))
    }

    fn u32(&mut self) -> Result<u32, WireError> {
        let s = self.take(4)?;
        Ok(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    }

    /// Reads a name at the cursor, following pointers; only backward pointers are followed, so
    /// every jump strictly decreases the position and no loop can form.
    fn name(&mut self) -> Result<Name, WireError> {
        let mut labels = Vec::new();
        let mut wire_len = 1;
        let mut pos = self.at;
        let mut resume: Option<usize> = None;
        // Where the current run of labels started: a pointer must point before it.
        let mut run_start = pos;
        let mut jumps = 0;
        loop {
            let len = *self.b.get(pos).ok_or(WireError { offset: pos, kind: WireErrorKind::Truncated { needed: 1 } })?;
            match len & 0xc0 {
                0x00 if len == 0 => {
                    pos += 1;
                    break;
                }
                0x00 => {
                    let start = pos + 1;
                    let end = start + len as usize;
                    if end > self.b.len() {
                        return Err(WireError { offset: pos, kind: WireErrorKind::Truncated { needed: end - self.b.len() } });
                    }
                    wire_len += len as usize + 1;
                    if wire_len > 255 {
                        return Err(WireError { offset: pos, kind: WireErrorKind::NameTooLong });
                    }
                    labels.push(self.b[start..end].to_vec());
                    pos = end;
                }
                0xc0 => {
                    let second = *self.b.get(pos + 1).ok_or(WireError { offset: pos, kind: WireErrorKind::Truncated { needed: 1 } })?;
                    let target = ((len as usize & 0x3f) << 8) | second as usize;
                    if target >= run_start {
                        return Err(WireError { offset: pos, kind: WireErrorKind::PointerNotBackward { target } });
                    }
                    jumps += 1;
                    if jumps > 127 {
                        return Err(WireError { offset: pos, kind: WireErrorKind::TooManyPointers });
                    }
                    resume.get_or_insert(pos + 2);
                    pos = target;
                    run_start = target;
                }
                _ => return Err(WireError { offset: pos, kind: WireErrorKind::ReservedLabelType { byte: len } }),
            }
        }
        self.at = resume.unwrap_or(pos);
        Ok(Name { labels })
    }

    fn record(&mut self) -> Result<Record, WireError> {
        let name = self.name()?;
        let rtype = self.u16()?;
        let class = self.u16()?;
        // RFC 2181 section 8: a TTL with the top bit set is read as if it were zero (as
        // dnspython and other resolvers do), never as a TTL of over 68 years.
        let ttl = match self.u32()? {
            t if t > i32::MAX as u32 => 0,
            t => t,
        };
        let declared = self.u16()? as usize;
        let start = self.at;
        if start + declared > self.b.len() {
            return Err(self.err(WireErrorKind::Truncated { needed: start + declared - self.b.len() }));
        }
        let data = match rtype {
            rtype::A if declared == 4 => {
                let s = self.take(4)?;
                RData::A([s[0], s[1], s[2], s[3]])
            }
            rtype::AAAA if declared == 16 => {
                let mut a = [0u8; 16];
                a.copy_from_slice(self.take(16)?);
                RData::Aaaa(a)
            }
            rtype::NS => RData::Ns(self.name()?),
            rtype::CNAME => RData::Cname(self.name()?),
            rtype::PTR => RData::Ptr(self.name()?),
            rtype::MX => RData::Mx { preference: self.u16()?, exchange: self.name()? },
            rtype::SOA => RData::Soa {
                mname: self.name()?,
                rname: self.name()?,
                serial: self.u32()?,
                refresh: self.u32()?,
                retry: self.u32()?,
                expire: self.u32()?,
                minimum: self.u32()?,
            },
            rtype::SRV => RData::Srv { priority: self.u16()?, weight: self.u16()?, port: self.u16()?, target: self.name()? },
            rtype::TXT if declared > 0 => {
                let mut strings = Vec::new();
                while self.at < start + declared {
                    let n = self.u8()? as usize;
                    strings.push(self.take(n)?.to_vec());
                }
                RData::Txt(strings)
            }
            rtype::DNSKEY if declared >= 4 => RData::Dnskey { flags: self.u16()?, protocol: self.u8()?, algorithm: self.u8()?, public_key: self.take(declared - 4)?.to_vec() },
            rtype::DS if declared >= 4 => RData::Ds { key_tag: self.u16()?, algorithm: self.u8()?, digest_type: self.u8()?, digest: self.take(declared - 4)?.to_vec() },
            rtype::RRSIG if declared >= 19 => {
                let (type_covered, algorithm, labels) = (self.u16()?, self.u8()?, self.u8()?);
                let (original_ttl, expiration, inception, key_tag) = (self.u32()?, self.u32()?, self.u32()?, self.u16()?);
                let signer = self.name()?;
                let rest = (start + declared).checked_sub(self.at).ok_or(WireError { offset: start, kind: WireErrorKind::RdataLength { declared, used: self.at - start } })?;
                RData::Rrsig { type_covered, algorithm, labels, original_ttl, expiration, inception, key_tag, signer, signature: self.take(rest)?.to_vec() }
            }
            _ => RData::Unknown(self.take(declared)?.to_vec()),
        };
        let used = self.at - start;
        if used != declared {
            return Err(WireError { offset: start, kind: WireErrorKind::RdataLength { declared, used } });
        }
        Ok(Record { name, rtype, class, ttl, data })
    }
}

/// Decodes a whole message.
pub fn decode(bytes: &[u8]) -> Result<Message, WireError> {
    let mut r = Reader { b: bytes, at: 0 };
    let id = r.u16()?;
    let flags = r.u16()?;
    let counts = [r.u16()? as usize, r.u16()? as usize, r.u16()? as usize, r.u16()? as usize];
    // A question takes at least 5 bytes and a record at least 11: refuse impossible counts
    // before allocating anything for them.
    if counts[0] * 5 + (counts[1] + counts[2] + counts[3]) * 11 > bytes.len() - 12 {
        return Err(WireError { offset: 4, kind: WireErrorKind::CountsExceedMessage });
    }
    let mut m = Message { header: Header::from_flags(id, flags), ..Message::default() };
    for _ in 0..counts[0] {
        m.questions.push(Question { name: r.name()?, qtype: r.u16()?, qclass: r.u16()? });
    }
    for (section, count) in [(&mut m.answers, counts[1]), (&mut m.authority, counts[2]), (&mut m.additional, counts[3])] {
        for _ in 0..count {
            section.push(r.record()?);
        }
    }
    if r.at != bytes.len() {
        return Err(WireError { offset: r.at, kind: WireErrorKind::TrailingBytes { count: bytes.len() - r.at } });
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::hex_bytes;
    use proptest::prelude::*;

    fn hex(s: &str) -> Vec<u8> {
        hex_bytes::decode(s).unwrap()
    }

    fn name(s: &str) -> Name {
        Name::parse(s).unwrap()
    }

    #[test]
    fn a_ttl_with_the_top_bit_set_reads_as_zero_rfc2181() {
        for (sent, read) in [(0x7fff_ffffu32, 0x7fff_ffffu32), (0x8000_0000, 0), (0xffff_ffff, 0), (300, 300)] {
            let mut m = Message { answers: vec![a("www.example.com.", 0, [192, 0, 2, 1])], ..Message::default() };
            let mut bytes = encode(&m, false).bytes;
            // The answer's TTL is the 4 bytes after its name (compressed: 2), type and class.
            let at = bytes.len() - 4 - 2 - 4;
            bytes[at..at + 4].copy_from_slice(&sent.to_be_bytes());
            m.answers[0].ttl = read;
            assert_eq!(decode(&bytes).unwrap().answers, m.answers, "sent {sent:#x}");
        }
    }

    fn a(owner: &str, ttl: u32, ip: [u8; 4]) -> Record {
        Record { name: name(owner), rtype: rtype::A, class: CLASS_IN, ttl, data: RData::A(ip) }
    }

    fn query(id: u16) -> Message {
        Message {
            header: Header { id, rd: true, ..Header::default() },
            questions: vec![Question { name: name("www.example.com"), qtype: rtype::A, qclass: CLASS_IN }],
            ..Message::default()
        }
    }

    const VECTORS: &str = include_str!("../../tests/vectors/dns_wire.json");

    fn vector(key: &str) -> Vec<u8> {
        let v: serde_json::Value = serde_json::from_str(VECTORS).unwrap();
        hex(v[key]["hex"].as_str().unwrap())
    }

    #[test]
    fn rfc8484_query_encodes_byte_for_byte() {
        let e = encode(&query(0), true);
        assert_eq!(e.bytes, vector("rfc8484_query_www_example_com_A"));
        assert_eq!(crate::base64url::encode(&e.bytes), "AAABAAABAAAAAAAAA3d3dwdleGFtcGxlA2NvbQAAAQAB");
        assert_eq!(decode(&e.bytes).unwrap(), query(0));
    }

    #[test]
    fn response_with_a_pointer_decodes_field_for_field_and_re_encodes_exactly() {
        let bytes = vector("response_www_example_com_A");
        let m = decode(&bytes).unwrap();
        assert_eq!(m.header.id, 0x6056);
        assert!(m.header.qr && m.header.rd && m.header.ra && !m.header.aa && !m.header.tc);
        assert_eq!(m.header.rcode, 0);
        assert_eq!(m.questions, query(0x6056).questions);
        assert_eq!(m.answers, vec![a("www.example.com", 21147, [93, 184, 216, 34])]);
        let e = encode(&m, true);
        assert_eq!(e.bytes, bytes);
        // The answer's owner name is the two-byte pointer c00c at offset 33.
        assert_eq!(&e.bytes[33..35], &[0xc0, 0x0c]);
        let owner = e.fields.iter().find(|f| f.name == "Answer 1: name").unwrap();
        assert_eq!(owner.bytes, Some(ByteRange::new(33, 35)));
        assert_eq!(owner.note, "ends with a pointer to offset 12");
        // The pointer has a field of its own, found first at its bytes, that knows what it
        // points to: the question's name, offsets 12 to 28 (3www7example3com0).
        let pointer = e.fields.iter().position(|f| f.name == "Answer 1: name: pointer").unwrap();
        assert!(pointer < e.fields.iter().position(|f| f.name == "Answer 1: name").unwrap());
        assert_eq!(e.fields[pointer].points_to, Some(ByteRange::new(12, 29)));
        assert_eq!(e.fields[pointer].bytes, Some(ByteRange::new(33, 35)));
    }

    #[test]
    fn a_pointer_to_a_name_ending_in_a_pointer_covers_both() {
        // mail.example.com. is written after example.com.: its own suffix ends in a pointer,
        // and a later pointer to it spans its label and that pointer.
        let mut m = query(1);
        m.header.qr = true;
        let mx = Record { name: name("example.com"), rtype: rtype::MX, class: CLASS_IN, ttl: 60, data: RData::Mx { preference: 10, exchange: name("mail.example.com") } };
        m.questions[0].name = name("example.com");
        m.answers = vec![mx, a("mail.example.com", 60, [192, 0, 2, 25])];
        let e = encode(&m, true);
        let last = e.fields.iter().find(|f| f.name == "Answer 2: name: pointer").unwrap();
        let target = last.points_to.unwrap();
        assert_eq!(e.bytes[target.start], 4, "starts at the label \"mail\"");
        assert_eq!(&e.bytes[target.end - 2..target.end], &[0xc0, 12]);
        assert_eq!(decode(&e.bytes).unwrap(), m);
    }

    #[test]
    fn cname_chain_matches_dnspython_including_compressed_rdata() {
        let bytes = vector("dnspython_generated_cname_chain");
        let m = decode(&bytes).unwrap();
        assert_eq!(m.answers[0].data, RData::Cname(name("web.example.com")));
        assert_eq!(m.answers[1].name, name("web.example.com"));
        assert_eq!(encode(&m, true).bytes, bytes);
    }

    #[test]
    fn an_uncompressed_response_decodes_and_recompresses_as_dnspython_does() {
        let v: serde_json::Value = serde_json::from_str(VECTORS).unwrap();
        let bytes = vector("cloudflare_docs_uncompressed_response");
        let m = decode(&bytes).unwrap();
        assert_eq!(m.answers, vec![a("www.example.com", 128, [192, 0, 2, 1])]);
        assert_eq!(encode(&m, false).bytes, bytes, "without compression: the original bytes");
        let note = v["cloudflare_docs_uncompressed_response"]["note"].as_str().unwrap();
        let expected = note.rsplit(' ').next().unwrap();
        assert_eq!(hex_bytes::encode(&encode(&m, true).bytes), expected);
    }

    #[test]
    fn srv_targets_are_never_compressed() {
        let mut m = query(1);
        m.answers.push(Record {
            name: name("_sip._tcp.example.com"),
            rtype: rtype::SRV,
            class: CLASS_IN,
            ttl: 60,
            data: RData::Srv { priority: 10, weight: 5, port: 5060, target: name("www.example.com") },
        });
        let e = encode(&m, true);
        let tail = &e.bytes[e.bytes.len() - 17..];
        assert_eq!(tail, b"\x03www\x07example\x03com\x00", "the full target, no pointer");
        assert_eq!(decode(&e.bytes).unwrap(), m);
    }

    #[test]
    fn presentation_matches_master_file_form() {
        assert_eq!(presentation(&RData::Aaaa([0x26, 0x06, 0x28, 0, 0x02, 0x20, 0, 1, 0x2, 0x48, 0x18, 0x93, 0x25, 0xc8, 0x19, 0x46])), "2606:2800:220:1:248:1893:25c8:1946");
        assert_eq!(presentation(&RData::Txt(vec![b"v=spf1 \"x\"".to_vec(), vec![7]])), "\"v=spf1 \\\"x\\\"\" \"\\007\"");
        assert_eq!(presentation(&RData::Mx { preference: 10, exchange: name("mail.example.com") }), "10 mail.example.com.");
    }

    #[test]
    fn names_are_validated_with_a_reason() {
        assert_eq!(Name::parse("a..b"), Err(NameError::EmptyLabel { position: 2 }));
        assert!(matches!(Name::parse(&"x".repeat(64)), Err(NameError::LabelTooLong { length: 64, .. })));
        let long = vec!["abcdefghi"; 26].join(".");
        assert!(matches!(Name::parse(&long), Err(NameError::NameTooLong { length: 261 })));
        assert_eq!(Name::parse("exa mple.com"), Err(NameError::BadCharacter { position: 3, character: ' ' }));
        assert_eq!(Name::parse(".").unwrap(), Name::ROOT);
        assert_eq!(name("_dmarc.Example.COM.").to_string(), "_dmarc.Example.COM.");
    }

    #[test]
    fn hostile_messages_are_refused_with_the_offset() {
        let mut loop_ = hex("000001000001000000000000");
        loop_.extend_from_slice(&[0xc0, 0x0c, 0, 1, 0, 1]);
        assert_eq!(decode(&loop_).unwrap_err().kind, WireErrorKind::PointerNotBackward { target: 12 });
        let mut forward = hex("000001000001000000000000");
        forward.extend_from_slice(&[0xc0, 0x20, 0, 1, 0, 1]);
        assert!(matches!(decode(&forward).unwrap_err().kind, WireErrorKind::PointerNotBackward { .. }));
        let counts = hex("0000010000ff00ff00ff00ff");
        assert_eq!(decode(&counts).unwrap_err(), WireError { offset: 4, kind: WireErrorKind::CountsExceedMessage });
        let mut reserved = hex("000001000001000000000000");
        reserved.extend_from_slice(&[0x80, 0, 0, 1, 0, 1]);
        assert_eq!(decode(&reserved).unwrap_err().kind, WireErrorKind::ReservedLabelType { byte: 0x80 });
        let mut trailing = encode(&query(0), true).bytes;
        trailing.push(0);
        assert_eq!(decode(&trailing).unwrap_err().kind, WireErrorKind::TrailingBytes { count: 1 });
        assert!(matches!(decode(&[0, 1, 2]).unwrap_err().kind, WireErrorKind::Truncated { .. }));
    }

    fn arb_name() -> impl Strategy<Value = Name> {
        proptest::collection::vec("[a-z0-9_-]{1,12}", 0..5).prop_map(|labels| Name::parse(&labels.join(".")).unwrap_or_default())
    }

    fn arb_record() -> impl Strategy<Value = Record> {
        let data = prop_oneof![
            any::<[u8; 4]>().prop_map(RData::A),
            any::<[u8; 16]>().prop_map(RData::Aaaa),
            arb_name().prop_map(RData::Ns),
            arb_name().prop_map(RData::Cname),
            arb_name().prop_map(RData::Ptr),
            (any::<u16>(), arb_name()).prop_map(|(preference, exchange)| RData::Mx { preference, exchange }),
            proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 1..3).prop_map(RData::Txt),
            (arb_name(), arb_name(), any::<[u32; 5]>()).prop_map(|(mname, rname, v)| RData::Soa { mname, rname, serial: v[0], refresh: v[1], retry: v[2], expire: v[3], minimum: v[4] }),
            (any::<u16>(), any::<u16>(), any::<u16>(), arb_name()).prop_map(|(priority, weight, port, target)| RData::Srv { priority, weight, port, target }),
        ];
        (arb_name(), 0..=i32::MAX as u32, data).prop_map(|(name, ttl, data)| Record { name, rtype: data.rtype(), class: CLASS_IN, ttl, data })
    }

    proptest! {
        #[test]
        fn decode_of_encode_is_identity(
            id: u16, flags in 0u16..=0xffff, qname in arb_name(), qtype: u16,
            answers in proptest::collection::vec(arb_record(), 0..4),
            authority in proptest::collection::vec(arb_record(), 0..3),
            additional in proptest::collection::vec(arb_record(), 0..3),
            compress: bool,
        ) {
            let m = Message {
                header: Header::from_flags(id, flags),
                questions: vec![Question { name: qname, qtype, qclass: CLASS_IN }],
                answers, authority, additional,
            };
            let e = encode(&m, compress);
            prop_assert_eq!(decode(&e.bytes).unwrap(), m);
            for f in &e.fields {
                let r = f.bytes.unwrap();
                prop_assert!(r.start < r.end && r.end <= e.bytes.len(), "{}", f.name);
            }
        }

        #[test]
        fn decode_never_panics_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = decode(&bytes);
        }

        #[test]
        fn decode_never_panics_on_mutated_valid_messages(flip in 0usize..49, value: u8) {
            let mut bytes = vector("response_www_example_com_A");
            bytes[flip] = value;
            let _ = decode(&bytes);
        }

        #[test]
        fn name_parsing_never_panics(text in "\\PC{0,300}") {
            if let Ok(n) = Name::parse(&text) {
                prop_assert!(n.wire_len() <= 255);
            }
        }
    }
}
