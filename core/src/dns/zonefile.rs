//! Zones as text, in the master-file form of RFC 1035 section 5.1, one record a line:
//!
//! ```text
//! ; comment
//! @       86400 NS    ns1
//! www      3600 A     93.184.216.34
//! mail.example.com. 3600 A 192.0.2.25
//! @        3600 MX    10 mail
//! @        3600 TXT   "v=spf1 mx -all"
//! ```
//!
//! `@` is the zone's origin; a name without a final dot is relative to it, one with a final dot
//! is absolute. Every line names its owner and its TTL (no `$ORIGIN`, `$TTL` or blank owners:
//! each line stands alone). The class `IN` may be written after the TTL. Every problem is
//! reported with its line and a reason, and nothing here panics on any text.

use super::wire::{presentation, rtype, Name, RData, Record, CLASS_IN};
use super::zone::{is_within, same_name};
use std::fmt;

/// The largest TTL: 2^31 - 1 seconds (RFC 2181 section 8).
pub const TTL_MAX: u32 = 2_147_483_647;
/// Records in one zone at most, and characters in one zone's text.
pub const RECORDS_MAX: usize = 200;
/// Records of one type at one name (an RRset), at most. The root zone has 13 NS records; a
/// fuzz finding showed a hundred glueless NS records at one name making each referral, and
/// so each step, hundreds of fields long.
pub const RRSET_MAX: usize = 20;
pub const TEXT_MAX: usize = 32 * 1024;

/// A problem on one line of a zone's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// 1-based; 0 when the problem is the whole zone (its size, a missing SOA), not one line.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            0 => write!(f, "{}", self.message),
            line => write!(f, "line {line}: {}", self.message),
        }
    }
}

/// The record types the editor accepts, by name.
pub const TYPES: &[&str] = &["A", "AAAA", "CNAME", "MX", "NS", "TXT", "PTR", "SOA", "SRV"];

/// The type number of a type name (`A`, `mx`), if it is one the lab knows.
pub fn type_by_name(text: &str) -> Option<u16> {
    let t = text.to_ascii_uppercase();
    [rtype::A, rtype::AAAA, rtype::CNAME, rtype::MX, rtype::NS, rtype::TXT, rtype::PTR, rtype::SOA, rtype::SRV]
        .into_iter()
        .find(|n| rtype::name(*n) == t)
}

/// Splits a line into words; a quoted string is one word (with its quotes, escapes kept), and
/// `;` outside quotes starts a comment.
fn words(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == ';' {
            break;
        } else if c == '"' {
            let mut word = String::from('"');
            chars.next();
            let mut closed = false;
            while let Some(c) = chars.next() {
                word.push(c);
                if c == '\\' {
                    if let Some(n) = chars.next() {
                        word.push(n);
                    }
                } else if c == '"' {
                    closed = true;
                    break;
                }
            }
            if !closed {
                return Err("a quoted string is not closed: add the final \"".into());
            }
            out.push(word);
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == ';' || c == '"' {
                    break;
                }
                word.push(c);
                chars.next();
            }
            out.push(word);
        }
    }
    Ok(out)
}

/// The octets of a quoted character-string, with `\"`, `\\` and `\DDD` escapes.
fn character_string(word: &str) -> Result<Vec<u8>, String> {
    let inner = word.strip_prefix('"').and_then(|w| w.strip_suffix('"')).ok_or("TXT data must be in double quotes, like \"v=spf1 -all\"")?;
    let bytes = inner.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            let digits = bytes.get(i + 1..i + 4).filter(|d| d.iter().all(u8::is_ascii_digit));
            if let Some(d) = digits {
                let v = (d[0] - b'0') as u32 * 100 + (d[1] - b'0') as u32 * 10 + (d[2] - b'0') as u32;
                if v > 255 {
                    return Err(format!("\\{} is not an octet (at most \\255)", String::from_utf8_lossy(d)));
                }
                out.push(v as u8);
                i += 4;
            } else if let Some(&c) = bytes.get(i + 1) {
                out.push(c);
                i += 2;
            } else {
                return Err("a backslash at the end of a string escapes nothing".into());
            }
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    if out.len() > 255 {
        return Err(format!("a TXT string holds at most 255 octets and this one has {}; split it into several quoted strings", out.len()));
    }
    Ok(out)
}

fn name_in(origin: &Name, text: &str) -> Result<Name, String> {
    if text == "@" {
        return Ok(origin.clone());
    }
    if text.ends_with('.') {
        return Name::parse(text).map_err(|e| format!("{text}: {e}"));
    }
    let full = if *origin == Name::ROOT { format!("{text}.") } else { format!("{text}.{origin}") };
    Name::parse(&full).map_err(|e| format!("{text}: {e}"))
}

fn number<T: std::str::FromStr>(what: &str, text: Option<&String>, max: u64) -> Result<T, String> {
    let text = text.ok_or_else(|| format!("the {what} is missing"))?;
    match text.parse::<u64>() {
        Ok(v) if v <= max => text.parse::<T>().map_err(|_| format!("the {what} {text} is not a number")),
        Ok(_) => Err(format!("the {what} {text} is too large (at most {max})")),
        Err(_) => Err(format!("the {what} “{text}” is not a whole number")),
    }
}

fn rdata(t: u16, origin: &Name, args: &[String]) -> Result<RData, String> {
    let arity = |n: usize, form: &str| -> Result<(), String> {
        if args.len() == n {
            Ok(())
        } else {
            Err(format!("{} data is {form} ({n} value{}); found {}", rtype::name(t), if n == 1 { "" } else { "s" }, args.len()))
        }
    };
    let name = |i: usize| name_in(origin, &args[i]);
    Ok(match t {
        rtype::A => {
            arity(1, "an IPv4 address")?;
            let a: std::net::Ipv4Addr = args[0].parse().map_err(|_| format!("“{}” is not an IPv4 address like 192.0.2.1", args[0]))?;
            RData::A(a.octets())
        }
        rtype::AAAA => {
            arity(1, "an IPv6 address")?;
            let a: std::net::Ipv6Addr = args[0].parse().map_err(|_| format!("“{}” is not an IPv6 address like 2001:db8::1", args[0]))?;
            RData::Aaaa(a.octets())
        }
        rtype::NS => {
            arity(1, "a host name")?;
            RData::Ns(name(0)?)
        }
        rtype::CNAME => {
            arity(1, "the canonical name")?;
            RData::Cname(name(0)?)
        }
        rtype::PTR => {
            arity(1, "a host name")?;
            RData::Ptr(name(0)?)
        }
        rtype::MX => {
            arity(2, "a preference (0 to 65535, lower is preferred) and a mail host")?;
            RData::Mx { preference: number("MX preference", args.first(), 65_535)?, exchange: name(1)? }
        }
        rtype::SRV => {
            arity(4, "priority, weight, port and target")?;
            RData::Srv {
                priority: number("SRV priority", args.first(), 65_535)?,
                weight: number("SRV weight", args.get(1), 65_535)?,
                port: number("SRV port", args.get(2), 65_535)?,
                target: name(3)?,
            }
        }
        rtype::SOA => {
            arity(7, "primary server, contact mailbox, serial, refresh, retry, expire and minimum")?;
            RData::Soa {
                mname: name(0)?,
                rname: name(1)?,
                serial: number("serial", args.get(2), u32::MAX as u64)?,
                refresh: number("refresh", args.get(3), TTL_MAX as u64)?,
                retry: number("retry", args.get(4), TTL_MAX as u64)?,
                expire: number("expire", args.get(5), TTL_MAX as u64)?,
                minimum: number("minimum", args.get(6), TTL_MAX as u64)?,
            }
        }
        rtype::TXT => {
            if args.is_empty() {
                return Err("TXT data is one or more quoted strings".into());
            }
            let strings = args.iter().map(|a| character_string(a)).collect::<Result<Vec<_>, _>>()?;
            if strings.iter().map(|s| s.len() + 1).sum::<usize>() > 65_535 {
                return Err("the TXT data is longer than a record can hold".into());
            }
            RData::Txt(strings)
        }
        _ => return Err("unknown type".into()),
    })
}

/// Reads one zone's text. Every record must lie at or below `origin`.
pub fn parse(origin: &Name, text: &str) -> Result<Vec<Record>, Vec<LineError>> {
    if text.len() > TEXT_MAX {
        return Err(vec![LineError { line: 0, message: format!("the zone is {} characters; at most {TEXT_MAX}", text.len()) }]);
    }
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let mut fail = |message: String| errors.push(LineError { line: line_no, message });
        let w = match words(line) {
            Ok(w) => w,
            Err(e) => {
                fail(e);
                continue;
            }
        };
        if w.is_empty() {
            continue;
        }
        if w.len() < 3 {
            fail("a record is: name, TTL, type, data (e.g. “www 3600 A 192.0.2.1”)".into());
            continue;
        }
        let owner = match name_in(origin, &w[0]) {
            Ok(n) => n,
            Err(e) => {
                fail(e);
                continue;
            }
        };
        if !is_within(&owner, origin) {
            fail(format!("{owner} is outside this zone ({origin}); a zone holds only names at or below its origin"));
            continue;
        }
        let ttl = match w[1].parse::<u64>() {
            Ok(t) if t <= TTL_MAX as u64 => t as u32,
            Ok(_) => {
                fail(format!("TTL {} is too large: at most {TTL_MAX} seconds (RFC 2181 section 8)", w[1]));
                continue;
            }
            Err(_) => {
                fail(format!("“{}” is not a TTL: write the seconds after the name, e.g. “www 3600 A …”", w[1]));
                continue;
            }
        };
        let mut rest = &w[2..];
        if rest.first().is_some_and(|c| c.eq_ignore_ascii_case("IN")) {
            rest = &rest[1..];
        }
        let Some(type_text) = rest.first() else {
            fail("the type is missing after the TTL".into());
            continue;
        };
        let Some(t) = type_by_name(type_text) else {
            fail(format!("“{type_text}” is not a record type here; use one of {}", TYPES.join(", ")));
            continue;
        };
        match rdata(t, origin, &rest[1..]) {
            Ok(data) => records.push((line_no, Record { name: owner, rtype: t, class: CLASS_IN, ttl, data })),
            Err(e) => fail(e),
        }
    }
    if records.len() > RECORDS_MAX {
        errors.push(LineError { line: records[RECORDS_MAX].0, message: format!("a zone holds at most {RECORDS_MAX} records here") });
    } else {
        // The first record past an RRset's limit is named (counting needs no sort: the zone is small).
        for (i, (line, r)) in records.iter().enumerate() {
            let same = records[..i].iter().filter(|(_, o)| o.rtype == r.rtype && same_name(&o.name, &r.name)).count();
            if same == RRSET_MAX {
                errors.push(LineError { line: *line, message: format!("at most {RRSET_MAX} {} records at {} here (the root zone has 13 NS records)", rtype::name(r.rtype), r.name) });
                break;
            }
        }
    }
    // A CNAME owner can have no other data (RFC 1034 section 3.6.2, RFC 2181 section 10.1).
    for (line, r) in &records {
        if r.rtype == rtype::CNAME {
            if let Some((other, o)) = records.iter().find(|(l, o)| l != line && same_name(&o.name, &r.name)) {
                let (first, second) = if other < line { (other, line) } else { (line, other) };
                let message = format!("{} has a CNAME and also {} data (line {first}); a CNAME must be the only record at its name", r.name, rtype::name(o.rtype));
                if !errors.iter().any(|e: &LineError| e.line == *second) {
                    errors.push(LineError { line: *second, message });
                }
            }
        }
    }
    let soas: Vec<usize> = records.iter().filter(|(_, r)| r.rtype == rtype::SOA).map(|(l, _)| *l).collect();
    if soas.is_empty() && errors.is_empty() {
        errors.push(LineError { line: 0, message: "the zone needs one SOA record at its origin (@), e.g. “@ 3600 SOA ns1 hostmaster 1 7200 900 1209600 300”".into() });
    }
    if let Some(line) = soas.get(1) {
        errors.push(LineError { line: *line, message: "a zone has exactly one SOA record".into() });
    }
    if let Some((line, r)) = records.iter().find(|(_, r)| r.rtype == rtype::SOA && !same_name(&r.name, origin)) {
        errors.push(LineError { line: *line, message: format!("the SOA belongs at the zone's origin (@), not at {}", r.name) });
    }
    crate::order::sort_by_key(&mut errors, |e| e.line);
    if errors.is_empty() {
        Ok(records.into_iter().map(|(_, r)| r).collect())
    } else {
        Err(errors)
    }
}

/// A name as written in the zone of `origin`: `@`, relative, or absolute with its dot.
fn relative(name: &Name, origin: &Name) -> String {
    if same_name(name, origin) {
        return "@".into();
    }
    if *origin != Name::ROOT && is_within(name, origin) {
        let full = name.to_string();
        let tail = format!(".{origin}");
        if let Some(head) = full.strip_suffix(&tail) {
            return head.to_string();
        }
    }
    name.to_string()
}

/// Writes records as zone text that [`parse`] reads back to the same records.
pub fn print(origin: &Name, records: &[Record]) -> String {
    let rows: Vec<(String, String, String, String)> = records
        .iter()
        .map(|r| {
            let data = match &r.data {
                RData::Ns(n) | RData::Cname(n) | RData::Ptr(n) => relative(n, origin),
                RData::Mx { preference, exchange } => format!("{preference} {}", relative(exchange, origin)),
                RData::Srv { priority, weight, port, target } => format!("{priority} {weight} {port} {}", relative(target, origin)),
                RData::Soa { mname, rname, serial, refresh, retry, expire, minimum } => {
                    format!("{} {} {serial} {refresh} {retry} {expire} {minimum}", relative(mname, origin), relative(rname, origin))
                }
                other => presentation(other),
            };
            (relative(&r.name, origin), r.ttl.to_string(), rtype::name(r.rtype), data)
        })
        .collect();
    let w0 = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let w1 = rows.iter().map(|r| r.1.len()).max().unwrap_or(0);
    let w2 = rows.iter().map(|r| r.2.len()).max().unwrap_or(0);
    rows.iter().map(|(n, t, ty, d)| format!("{n:<w0$} {t:>w1$} {ty:<w2$} {d}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Name {
        Name::parse(s).unwrap()
    }

    const ZONE: &str = "; the example\n@ 3600 IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ 86400 NS ns1\nns1 86400 A 192.0.2.53\nwww 3600 AAAA 2001:db8::1\n@ 3600 MX 10 mail.example.com.\n_sip._tcp 60 SRV 10 60 5060 sip\n@ 300 TXT \"v=spf1 mx -all\" \"two \\\"quoted\\\" \\065\"\n";

    #[test]
    fn reads_every_type_with_relative_and_absolute_names() {
        let rs = parse(&n("example.com"), ZONE).unwrap();
        assert_eq!(rs.len(), 7);
        assert_eq!(rs[1].data, RData::Ns(n("ns1.example.com")));
        assert_eq!(rs[4].data, RData::Mx { preference: 10, exchange: n("mail.example.com") });
        assert_eq!(rs[5].name, n("_sip._tcp.example.com"));
        assert_eq!(rs[6].data, RData::Txt(vec![b"v=spf1 mx -all".to_vec(), b"two \"quoted\" A".to_vec()]));
    }

    #[test]
    fn print_then_parse_is_identity() {
        let origin = n("example.com");
        let rs = parse(&origin, ZONE).unwrap();
        assert_eq!(parse(&origin, &print(&origin, &rs)).unwrap(), rs);
        let root = parse(&Name::ROOT, "@ 86400 SOA a.root-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400\ncom 172800 NS a.gtld-servers.net.\n").unwrap();
        assert_eq!(parse(&Name::ROOT, &print(&Name::ROOT, &root)).unwrap(), root);
    }

    fn first_error(text: &str) -> String {
        parse(&n("example.com"), &format!("@ 3600 SOA ns1 h 1 2 3 4 5\n{text}")).unwrap_err()[0].to_string()
    }

    #[test]
    fn each_problem_has_its_line_and_reason() {
        assert_eq!(first_error("www 3600 A 300.1.1.1"), "line 2: “300.1.1.1” is not an IPv4 address like 192.0.2.1");
        assert_eq!(first_error("www 2147483648 A 192.0.2.1"), "line 2: TTL 2147483648 is too large: at most 2147483647 seconds (RFC 2181 section 8)");
        assert_eq!(first_error("@ 60 MX 70000 mail"), "line 2: the MX preference 70000 is too large (at most 65535)");
        assert_eq!(first_error("_sip._tcp 60 SRV 1 2 port sip"), "line 2: the SRV port “port” is not a whole number");
        assert!(first_error(&format!("{} 60 A 192.0.2.1", "a".repeat(64))).contains("at most 63"));
        assert!(first_error("www.example.org. 60 A 192.0.2.1").contains("outside this zone"));
        assert!(first_error("w_w!w 60 A 192.0.2.1").contains("not allowed"));
        assert!(first_error("www 60 HINFO x y").contains("not a record type here"));
        assert!(first_error("www 60 TXT \"open").contains("not closed"));
        assert!(first_error(&format!("www 60 TXT \"{}\"", "x".repeat(256))).contains("at most 255 octets"));
        assert!(first_error("www 60 CNAME web\nwww 60 A 192.0.2.1").starts_with("line 3: www.example.com. has a CNAME and also A"));
        // Whole-zone problems name no line.
        let missing = parse(&n("example.com"), "www 60 A 192.0.2.1").unwrap_err();
        assert_eq!(missing[0].line, 0);
        assert!(missing[0].to_string().starts_with("the zone needs one SOA record"), "{}", missing[0]);
        let huge = parse(&n("example.com"), &"x".repeat(1 << 20)).unwrap_err();
        assert!(huge[0].to_string().starts_with("the zone is 1048576 characters; at most"), "{}", huge[0]);
    }

    #[test]
    fn any_text_is_handled_without_panic() {
        for text in ["\"", "\\", "@ 1 TXT \"\\", "@ 1 TXT \"\\99\"", "@ 1 TXT \"\\999\"", "@ @ @", ";", "@ 1 IN", "\u{0}\u{ffff} 1 A 1"] {
            let _ = parse(&n("example.com"), text);
        }
    }
}
