//! X.509 certificates (RFC 5280) made in the lab with real ECDSA P-256 signatures, read back
//! from their DER into fields with byte ranges, and checked as a client checks a server's chain:
//! each signature up to a trusted root, the dates, the host name (RFC 6125), basic
//! constraints and path length, key usage.

use crate::trace::{ByteRange, Field};
use p256::ecdsa::SigningKey;

/// Object identifiers used here, as their DER content bytes.
pub mod oid {
    /// id-ecPublicKey (1.2.840.10045.2.1).
    pub const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    /// prime256v1 / secp256r1 (1.2.840.10045.3.1.7).
    pub const P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    /// ecdsa-with-SHA256 (1.2.840.10045.4.3.2).
    pub const ECDSA_SHA256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
    /// commonName (2.5.4.3).
    pub const CN: &[u8] = &[0x55, 0x04, 0x03];
    /// basicConstraints (2.5.29.19).
    pub const BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
    /// keyUsage (2.5.29.15).
    pub const KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x0f];
    /// subjectAltName (2.5.29.17).
    pub const SUBJECT_ALT_NAME: &[u8] = &[0x55, 0x1d, 0x11];
    /// rsaEncryption (1.2.840.113549.1.1.1).
    pub const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    /// cRLDistributionPoints (2.5.29.31).
    pub const CRL_DISTRIBUTION_POINTS: &[u8] = &[0x55, 0x1d, 0x1f];
    /// authorityInfoAccess (1.3.6.1.5.5.7.1.1).
    pub const AUTHORITY_INFO_ACCESS: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01];
    /// id-ad-ocsp (1.3.6.1.5.5.7.48.1): where the issuer's OCSP responder is.
    pub const AD_OCSP: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01];
}

/// Key usage bits (RFC 5280 section 4.2.1.3), as the bit string's first byte.
pub const DIGITAL_SIGNATURE: u8 = 0x80;
pub const KEY_CERT_SIGN: u8 = 0x04;
pub const CRL_SIGN: u8 = 0x02;

/// What a certificate says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub serial: u64,
    pub issuer: String,
    pub subject: String,
    /// Seconds since 1970.
    pub not_before: i64,
    pub not_after: i64,
    /// subjectAltName's dNSName entries.
    pub dns_names: Vec<String>,
    /// basicConstraints: `None` leaves the extension out; `Some((ca, path_len))`.
    pub basic_constraints: Option<(bool, Option<u8>)>,
    /// keyUsage's bits, if the extension is there.
    pub key_usage: Option<u8>,
    /// Where the issuer publishes its CRL (cRLDistributionPoints), if anywhere.
    pub crl_url: Option<String>,
    /// The issuer's OCSP responder (authorityInfoAccess), if it has one.
    pub ocsp_url: Option<String>,
}

pub(crate) fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let be = (n as u32).to_be_bytes();
        let skip = be.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (4 - skip) as u8);
        out.extend(&be[skip..]);
    }
    out.extend(content);
    out
}

pub(crate) fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

pub(crate) fn integer(bytes: &[u8]) -> Vec<u8> {
    let trimmed: &[u8] = {
        let skip = bytes.iter().take_while(|b| **b == 0).count().min(bytes.len().saturating_sub(1));
        &bytes[skip..]
    };
    let mut v = Vec::new();
    if trimmed.first().is_some_and(|b| b & 0x80 != 0) {
        v.push(0);
    }
    v.extend(trimmed);
    tlv(0x02, &v)
}

pub(crate) fn name(cn: &str) -> Vec<u8> {
    // Name ::= SEQUENCE OF RelativeDistinguishedName (SET OF AttributeTypeAndValue).
    seq(&[tlv(0x31, &seq(&[tlv(0x06, oid::CN), tlv(0x0c, cn.as_bytes())]))])
}

/// UTCTime for years 1950 to 2049, GeneralizedTime after (RFC 5280 section 4.1.2.5).
pub(crate) fn time(secs: i64) -> Vec<u8> {
    let (y, mo, d, h, mi, s) = crate::civil::utc_parts(secs);
    if (1950..2050).contains(&y) {
        tlv(0x17, format!("{:02}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z", y % 100).as_bytes())
    } else {
        tlv(0x18, format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z").as_bytes())
    }
}

pub(crate) fn extension(id: &[u8], critical: bool, value: Vec<u8>) -> Vec<u8> {
    let mut parts = vec![tlv(0x06, id)];
    if critical {
        parts.push(tlv(0x01, &[0xff]));
    }
    parts.push(tlv(0x04, &value));
    seq(&parts)
}

/// The SubjectPublicKeyInfo of a P-256 public key (its uncompressed point).
pub fn spki(point: &[u8]) -> Vec<u8> {
    let mut bits = vec![0u8];
    bits.extend(point);
    seq(&[seq(&[tlv(0x06, oid::EC_PUBLIC_KEY), tlv(0x06, oid::P256)]), tlv(0x03, &bits)])
}

/// The SubjectPublicKeyInfo of an RSA public key (RFC 8017 appendix A.1.1): its modulus and
/// exponent, big-endian.
pub fn rsa_spki(n: &[u8], e: &[u8]) -> Vec<u8> {
    let mut bits = vec![0u8];
    bits.extend(seq(&[integer(n), integer(e)]));
    seq(&[seq(&[tlv(0x06, oid::RSA_ENCRYPTION), tlv(0x05, &[])]), tlv(0x03, &bits)])
}

/// A P-256 public key as its uncompressed point.
pub fn point(key: &SigningKey) -> Vec<u8> {
    super::ecdsa::point(key)
}

/// Makes a certificate: `spec` about the P-256 key `subject` (its point), signed by `issuer`
/// with ECDSA P-256 and SHA-256 (RFC 6979 nonces, so the same inputs give the same bytes).
pub fn make(spec: &Spec, subject: &[u8], issuer: &SigningKey) -> Vec<u8> {
    make_for(spec, spki(subject), issuer)
}

/// Makes a certificate about any key, given as its SubjectPublicKeyInfo (DER).
pub fn make_for(spec: &Spec, subject_spki: Vec<u8>, issuer: &SigningKey) -> Vec<u8> {
    let algorithm = seq(&[tlv(0x06, oid::ECDSA_SHA256)]);
    let mut extensions = Vec::new();
    if let Some((ca, path_len)) = spec.basic_constraints {
        let mut bc = Vec::new();
        if ca {
            bc.push(tlv(0x01, &[0xff]));
        }
        // RFC 5280 section 4.2.1.9: a path length only with cA true.
        if let Some(n) = path_len.filter(|_| ca) {
            bc.push(integer(&[n]));
        }
        extensions.push(extension(oid::BASIC_CONSTRAINTS, true, seq(&bc)));
    }
    if let Some(bits) = spec.key_usage {
        // A BIT STRING with the unused bits of its last byte counted first.
        let unused = bits.trailing_zeros().min(7) as u8;
        extensions.push(extension(oid::KEY_USAGE, true, tlv(0x03, &[unused, bits])));
    }
    if !spec.dns_names.is_empty() {
        let names: Vec<u8> = spec.dns_names.iter().flat_map(|n| tlv(0x82, n.as_bytes())).collect();
        extensions.push(extension(oid::SUBJECT_ALT_NAME, false, tlv(0x30, &names)));
    }
    if let Some(url) = &spec.crl_url {
        // DistributionPoint { distributionPoint [0] { fullName [0] { URI [6] } } }.
        extensions.push(extension(oid::CRL_DISTRIBUTION_POINTS, false, seq(&[seq(&[tlv(0xa0, &tlv(0xa0, &tlv(0x86, url.as_bytes())))])])));
    }
    if let Some(url) = &spec.ocsp_url {
        // AccessDescription { accessMethod id-ad-ocsp, accessLocation URI [6] }.
        extensions.push(extension(oid::AUTHORITY_INFO_ACCESS, false, seq(&[seq(&[tlv(0x06, oid::AD_OCSP), tlv(0x86, url.as_bytes())])])));
    }
    let mut tbs = vec![
        tlv(0xa0, &integer(&[2])), // v3
        integer(&spec.serial.to_be_bytes()),
        algorithm.clone(),
        name(&spec.issuer),
        seq(&[time(spec.not_before), time(spec.not_after)]),
        name(&spec.subject),
        subject_spki,
    ];
    if !extensions.is_empty() {
        tbs.push(tlv(0xa3, &seq(&extensions)));
    }
    let tbs = seq(&tbs);
    let mut bits = vec![0u8];
    bits.extend(super::ecdsa::sign(issuer, &tbs));
    seq(&[tbs, algorithm, tlv(0x03, &bits)])
}

/// A certificate read back from DER: what a client checks, and where each part is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub tbs: Vec<u8>,
    pub serial: Vec<u8>,
    pub issuer: String,
    pub subject: String,
    pub not_before: i64,
    pub not_after: i64,
    /// The subject's public key: a P-256 point (or other key bytes, with `ec` false).
    pub public_key: Vec<u8>,
    pub ec_p256: bool,
    pub signature_ecdsa_sha256: bool,
    pub signature: Vec<u8>,
    pub dns_names: Vec<String>,
    pub basic_constraints: Option<(bool, Option<u8>)>,
    pub key_usage: Option<u8>,
    /// The issuer's CRL and OCSP addresses, from the extensions.
    pub crl_url: Option<String>,
    pub ocsp_url: Option<String>,
    /// The issuer's and the subject's names as DER (what OCSP hashes).
    pub issuer_name: Vec<u8>,
    pub subject_name: Vec<u8>,
    /// Each field with its bytes, for the inspector.
    pub fields: Vec<Field>,
}

/// A DER element: tag, where its content is, and where the element ends.
pub(crate) struct Tlv {
    pub tag: u8,
    pub start: usize,
    pub content: (usize, usize),
}

pub(crate) fn read(der: &[u8], at: usize, end: usize) -> Result<Tlv, String> {
    let bad = |what: &str| format!("{what} at byte {at}");
    let tag = *der.get(at).filter(|_| at < end).ok_or_else(|| bad("the certificate ends early"))?;
    let first = *der.get(at + 1).filter(|_| at + 1 < end).ok_or_else(|| bad("a length is missing"))?;
    let (len, head) = if first < 0x80 {
        (first as usize, 2)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 3 {
            return Err(bad("a length of an unsupported form"));
        }
        let bytes = der.get(at + 2..at + 2 + n).filter(|_| at + 2 + n <= end).ok_or_else(|| bad("a length is cut"))?;
        (bytes.iter().fold(0usize, |a, b| a << 8 | *b as usize), 2 + n)
    };
    let content = (at + head, at + head + len);
    if content.1 > end {
        return Err(bad("an element runs past its container"));
    }
    Ok(Tlv { tag, start: at, content })
}

/// The elements inside `outer`'s content.
pub(crate) fn children(der: &[u8], outer: &Tlv) -> Result<Vec<Tlv>, String> {
    let mut out = Vec::new();
    let mut at = outer.content.0;
    while at < outer.content.1 {
        let t = read(der, at, outer.content.1)?;
        at = t.content.1;
        out.push(t);
        if out.len() > 64 {
            return Err("too many elements".into());
        }
    }
    Ok(out)
}

pub(crate) fn parse_time(der: &[u8], t: &Tlv) -> Result<i64, String> {
    let text = std::str::from_utf8(&der[t.content.0..t.content.1]).map_err(|_| "a time is not text".to_string())?;
    if !text.is_ascii() {
        return Err(format!("“{}” is not a time: a time is ASCII digits and Z", crate::export::visible(text)));
    }
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let (y, rest) = match (t.tag, text.len()) {
        (0x17, 13) if digits(&text[..12]) && text.ends_with('Z') => {
            let yy: i64 = text[..2].parse().unwrap_or(0);
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, &text[2..12])
        }
        (0x18, 15) if digits(&text[..14]) && text.ends_with('Z') => (text[..4].parse().unwrap_or(0), &text[4..14]),
        _ => return Err(format!("“{}” is not a UTCTime or GeneralizedTime", crate::export::visible(text))),
    };
    let n = |i: usize| rest[i..i + 2].parse::<u32>().unwrap_or(99);
    let (mo, d, h, mi, s) = (n(0), n(2), n(4), n(6), n(8));
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 59 {
        return Err(format!("“{}” is not a valid time", crate::export::visible(text)));
    }
    Ok(crate::civil::from_utc(y, mo, d, h, mi, s))
}

pub(crate) fn common_name(der: &[u8], name: &Tlv) -> String {
    let mut cn = String::new();
    if let Ok(rdns) = children(der, name) {
        for rdn in rdns {
            for atv in children(der, &rdn).unwrap_or_default() {
                let parts = children(der, &atv).unwrap_or_default();
                if parts.len() == 2 && &der[parts[0].content.0..parts[0].content.1] == oid::CN {
                    cn = String::from_utf8_lossy(&der[parts[1].content.0..parts[1].content.1]).into_owned();
                }
            }
        }
    }
    cn
}

use crate::trace::hex_bytes::encode as hex;

/// Reads a certificate's DER (RFC 5280 section 4.1), or says what is wrong and where.
pub fn parse(der: &[u8]) -> Result<Certificate, String> {
    let cert = read(der, 0, der.len())?;
    if cert.tag != 0x30 || cert.content.1 != der.len() {
        return Err("not a certificate: it must be one DER SEQUENCE".into());
    }
    let top = children(der, &cert)?;
    let [tbs, alg, sig] = &top[..] else { return Err("a certificate has three parts: to-be-signed, algorithm, signature".into()) };
    let mut fields = Vec::new();
    let mut f = |name: &str, value: String, t: &Tlv, note: &str| fields.push(Field { name: name.into(), value, bytes: Some(ByteRange::new(t.start, t.content.1)), note: note.into(), points_to: None });
    let parts = children(der, tbs)?;
    let mut i = 0;
    if parts.first().is_some_and(|p| p.tag == 0xa0) {
        f("version", "v3".into(), &parts[0], "Version 3: the one with extensions.");
        i = 1;
    }
    let get = |k: usize| parts.get(i + k).ok_or_else(|| "the to-be-signed part is cut short".to_string());
    let serial_t = get(0)?;
    let serial = der[serial_t.content.0..serial_t.content.1].to_vec();
    f("serial number", hex(&serial), serial_t, "Unique per issuer: what a CRL or OCSP answer names.");
    let alg_inner = get(1)?;
    let issuer_t = get(2)?;
    let issuer = common_name(der, issuer_t);
    f("issuer", format!("CN={issuer}"), issuer_t, "Who signed this certificate: the next certificate up the chain must have this subject.");
    let validity = get(3)?;
    let times = children(der, validity)?;
    let [nb, na] = &times[..] else { return Err("validity has two times".into()) };
    let (not_before, not_after) = (parse_time(der, nb)?, parse_time(der, na)?);
    f("not before", crate::civil::utc(not_before), nb, "");
    f("not after", crate::civil::utc(not_after), na, "");
    let subject_t = get(4)?;
    let subject = common_name(der, subject_t);
    f("subject", format!("CN={subject}"), subject_t, "Who the certificate is about.");
    let spki_t = get(5)?;
    let spki_parts = children(der, spki_t)?;
    let (mut public_key, mut ec_p256) = (Vec::new(), false);
    if let [algo, key] = &spki_parts[..] {
        let ids = children(der, algo)?;
        ec_p256 = ids.len() == 2 && &der[ids[0].content.0..ids[0].content.1] == oid::EC_PUBLIC_KEY && &der[ids[1].content.0..ids[1].content.1] == oid::P256;
        public_key = der.get(key.content.0 + 1..key.content.1).unwrap_or_default().to_vec();
        f("public key", if ec_p256 { format!("EC P-256, {} bytes", public_key.len()) } else { "another algorithm".into() }, spki_t, "The subject's public key: it checks the subject's signatures (its CertificateVerify, or the certificates it signs).");
    }
    let (mut dns_names, mut basic_constraints, mut key_usage, mut crl_url, mut ocsp_url) = (Vec::new(), None, None, None, None);
    if let Some(ext_t) = parts.get(i + 6).filter(|p| p.tag == 0xa3) {
        let list = children(der, ext_t)?;
        for e in list.first().map(|l| children(der, l)).transpose()?.unwrap_or_default() {
            let items = children(der, &e)?;
            let Some(id) = items.first() else { continue };
            let Some(value) = items.last().filter(|v| v.tag == 0x04) else { continue };
            let id = &der[id.content.0..id.content.1];
            let inner = read(der, value.content.0, value.content.1)?;
            if id == oid::BASIC_CONSTRAINTS {
                let bc = children(der, &inner)?;
                let ca = bc.first().is_some_and(|b| b.tag == 0x01 && der.get(b.content.0) == Some(&0xff));
                let path_len = bc.iter().find(|b| b.tag == 0x02).and_then(|b| der.get(b.content.1 - 1).copied());
                basic_constraints = Some((ca, path_len));
                f("basic constraints", format!("CA:{}{}", if ca { "TRUE" } else { "FALSE" }, path_len.map(|n| format!(", pathlen:{n}")).unwrap_or_default()), &e, "Whether the key may sign certificates, and how many CAs may follow below it.");
            } else if id == oid::KEY_USAGE {
                let bits = der.get(inner.content.0 + 1).copied().unwrap_or(0);
                key_usage = Some(bits);
                let mut names = Vec::new();
                for (bit, n) in [(DIGITAL_SIGNATURE, "digitalSignature"), (KEY_CERT_SIGN, "keyCertSign"), (CRL_SIGN, "cRLSign")] {
                    if bits & bit != 0 {
                        names.push(n);
                    }
                }
                f("key usage", names.join(", "), &e, "What the key may be used for.");
            } else if id == oid::SUBJECT_ALT_NAME {
                for n in children(der, &inner)?.iter().filter(|n| n.tag == 0x82) {
                    dns_names.push(String::from_utf8_lossy(&der[n.content.0..n.content.1]).into_owned());
                }
                f("subject alternative names", dns_names.iter().map(|n| format!("DNS:{n}")).collect::<Vec<_>>().join(", "), &e, "The host names the certificate is for: browsers check these, not the subject's CN.");
            } else if id == oid::CRL_DISTRIBUTION_POINTS {
                crl_url = first_uri(der, &inner);
                f("CRL distribution point", crl_url.as_deref().map(crate::export::visible).unwrap_or_default(), &e, "Where the issuer publishes its certificate revocation list (RFC 5280 section 4.2.1.13).");
            } else if id == oid::AUTHORITY_INFO_ACCESS {
                ocsp_url = first_uri(der, &inner);
                f("authority information access", ocsp_url.as_deref().map(|u| format!("OCSP: {}", crate::export::visible(u))).unwrap_or_default(), &e, "Where the issuer's OCSP responder answers for this certificate (RFC 5280 section 4.2.2.1).");
            }
        }
    }
    let alg_id = children(der, alg)?.first().map(|o| der[o.content.0..o.content.1].to_vec()).unwrap_or_default();
    let inner_id = children(der, alg_inner)?.first().map(|o| der[o.content.0..o.content.1].to_vec()).unwrap_or_default();
    let signature_ecdsa_sha256 = alg_id == oid::ECDSA_SHA256 && inner_id == alg_id;
    f("signature algorithm", if signature_ecdsa_sha256 { "ecdsa-with-SHA256".into() } else { "another algorithm".into() }, alg, "");
    let signature = der.get(sig.content.0 + 1..sig.content.1).unwrap_or_default().to_vec();
    f("signature", hex(&signature), sig, "The issuer's signature over the to-be-signed part.");
    Ok(Certificate {
        tbs: der[tbs.start..tbs.content.1].to_vec(),
        serial,
        issuer,
        subject,
        not_before,
        not_after,
        public_key,
        ec_p256,
        signature_ecdsa_sha256,
        signature,
        dns_names,
        basic_constraints,
        key_usage,
        crl_url,
        ocsp_url,
        issuer_name: der[issuer_t.start..issuer_t.content.1].to_vec(),
        subject_name: der[subject_t.start..subject_t.content.1].to_vec(),
        fields,
    })
}

/// The first URI (a GeneralName [6]) anywhere inside `outer`, depth first, a few levels deep.
fn first_uri(der: &[u8], outer: &Tlv) -> Option<String> {
    fn walk(der: &[u8], t: &Tlv, depth: u8) -> Option<String> {
        if t.tag == 0x86 {
            return Some(String::from_utf8_lossy(&der[t.content.0..t.content.1]).into_owned());
        }
        if depth == 0 || t.tag & 0x20 == 0 {
            return None;
        }
        children(der, t).ok()?.iter().find_map(|c| walk(der, c, depth - 1))
    }
    walk(der, outer, 5)
}

/// Whether `signed` carries a valid ECDSA P-256 signature by `issuer`'s key.
pub fn signed_by(signed: &Certificate, issuer: &Certificate) -> bool {
    signed.signature_ecdsa_sha256 && issuer.ec_p256 && super::ecdsa::verify(&issuer.public_key, &signed.tbs, &signed.signature)
}

/// RFC 6125 section 6.4: `host` matches `pattern` exactly (ignoring ASCII case), or the
/// pattern's first label is `*` and stands for exactly one whole label, never a public
/// suffix's (the pattern must keep at least two labels after the wildcard).
pub fn host_matches(pattern: &str, host: &str) -> bool {
    let (p, h) = (pattern.to_ascii_lowercase(), host.to_ascii_lowercase());
    match p.strip_prefix("*.") {
        Some(rest) => rest.contains('.') && h.split_once('.').is_some_and(|(first, tail)| !first.is_empty() && tail == rest),
        None => p == h,
    }
}

/// One check a client made of the chain, for the trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub what: String,
    pub ok: bool,
    pub detail: String,
}

/// Why a chain was refused: the alert a client sends (RFC 8446 section 6.2) and the message a
/// browser shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Expired,
    NotYetValid,
    WrongHost,
    UnknownIssuer,
    BadSignature,
    NotACa,
    PathTooLong,
    Unreadable,
    /// The issuer says the certificate is revoked (a CRL, or an OCSP answer).
    Revoked,
    /// The client could not learn whether it is revoked, and fails hard.
    RevocationUnknown,
}

impl Refusal {
    /// The alert: (description code, name).
    pub fn alert(self) -> (u8, &'static str) {
        match self {
            Refusal::Expired | Refusal::NotYetValid => (45, "certificate_expired"),
            Refusal::UnknownIssuer => (48, "unknown_ca"),
            Refusal::Unreadable => (42, "bad_certificate"),
            Refusal::Revoked => (44, "certificate_revoked"),
            Refusal::RevocationUnknown => (46, "certificate_unknown"),
            Refusal::WrongHost | Refusal::BadSignature | Refusal::NotACa | Refusal::PathTooLong => (42, "bad_certificate"),
        }
    }

    /// What Chromium says on its error page.
    pub fn browser_error(self) -> &'static str {
        match self {
            Refusal::Expired | Refusal::NotYetValid => "NET::ERR_CERT_DATE_INVALID",
            Refusal::WrongHost => "NET::ERR_CERT_COMMON_NAME_INVALID",
            Refusal::UnknownIssuer | Refusal::NotACa | Refusal::PathTooLong | Refusal::BadSignature => "NET::ERR_CERT_AUTHORITY_INVALID",
            Refusal::Unreadable => "ERR_SSL_PROTOCOL_ERROR",
            Refusal::Revoked => "NET::ERR_CERT_REVOKED",
            Refusal::RevocationUnknown => "NET::ERR_CERT_UNABLE_TO_CHECK_REVOCATION",
        }
    }
}

/// Checks a server's chain (its own certificate first) as a client does (RFC 5280 section 6,
/// simplified): each certificate's dates at `now`, the host name against the leaf's names,
/// each issuer found in the chain or among the `trusted` roots with a matching subject and a
/// valid signature, CA:TRUE, keyCertSign and path length for every issuer. Returns every check
/// made and the first refusal.
pub fn validate(chain: &[Vec<u8>], trusted: &[Vec<u8>], host: &str, now: i64) -> (Vec<Check>, Option<Refusal>) {
    let mut checks = Vec::new();
    let mut refusal = None;
    let fail = |r: Refusal, refusal: &mut Option<Refusal>| {
        if refusal.is_none() {
            *refusal = Some(r);
        }
    };
    let mut certs = Vec::new();
    for (i, der) in chain.iter().enumerate() {
        match parse(der) {
            Ok(c) => certs.push(c),
            Err(e) => {
                checks.push(Check { what: format!("certificate {} reads", i + 1), ok: false, detail: e });
                fail(Refusal::Unreadable, &mut refusal);
                return (checks, refusal);
            }
        }
    }
    let roots: Vec<Certificate> = trusted.iter().filter_map(|d| parse(d).ok()).collect();
    let Some(leaf) = certs.first() else {
        checks.push(Check { what: "a certificate was sent".into(), ok: false, detail: "the chain is empty".into() });
        return (checks, Some(Refusal::Unreadable));
    };
    let names_ok = leaf.dns_names.iter().any(|n| host_matches(n, host));
    checks.push(Check {
        what: format!("the name {host} is in the certificate"),
        ok: names_ok,
        detail: if leaf.dns_names.is_empty() { "it has no subjectAltName (the subject's CN is not used)".into() } else { format!("its names: {}", leaf.dns_names.join(", ")) },
    });
    if !names_ok {
        fail(Refusal::WrongHost, &mut refusal);
    }
    // Walk up: each certificate's issuer is the next in the chain, or a trusted root.
    let mut current = leaf.clone();
    let mut cas_below = 0u8;
    for depth in 0..8 {
        let dates_ok = current.not_before <= now && now <= current.not_after;
        checks.push(Check {
            what: format!("CN={} is valid now", current.subject),
            ok: dates_ok,
            detail: format!("from {} to {}", crate::civil::utc(current.not_before), crate::civil::utc(current.not_after)),
        });
        if now > current.not_after {
            fail(Refusal::Expired, &mut refusal);
        } else if now < current.not_before {
            fail(Refusal::NotYetValid, &mut refusal);
        }
        if let Some(root) = roots.iter().find(|r| r.subject == current.subject && r.public_key == current.public_key) {
            checks.push(Check { what: format!("CN={} is a trusted root", root.subject), ok: true, detail: "it is in the client's trust store".into() });
            return (checks, refusal);
        }
        let issuer = certs.iter().skip(1).find(|c| c.subject == current.issuer && **c != current).or_else(|| roots.iter().find(|r| r.subject == current.issuer));
        let Some(issuer) = issuer.cloned() else {
            let self_signed = current.issuer == current.subject;
            checks.push(Check {
                what: format!("the issuer CN={} is known", current.issuer),
                ok: false,
                detail: if self_signed { "the certificate is self-signed, and not in the trust store".into() } else { "it is neither in the chain the server sent nor in the trust store (a missing intermediate, or an unknown root)".into() },
            });
            fail(Refusal::UnknownIssuer, &mut refusal);
            return (checks, refusal);
        };
        let sig_ok = signed_by(&current, &issuer);
        checks.push(Check { what: format!("CN={}'s signature by CN={}", current.subject, issuer.subject), ok: sig_ok, detail: "ECDSA P-256 with SHA-256 over the to-be-signed part".into() });
        if !sig_ok {
            fail(Refusal::BadSignature, &mut refusal);
        }
        let (ca, path_len) = issuer.basic_constraints.unwrap_or((false, None));
        let may_sign = ca && issuer.key_usage.is_none_or(|k| k & KEY_CERT_SIGN != 0);
        checks.push(Check {
            what: format!("CN={} may sign certificates", issuer.subject),
            ok: may_sign,
            detail: format!("basicConstraints CA:{}{}", if ca { "TRUE" } else { "FALSE" }, if issuer.key_usage.is_some_and(|k| k & KEY_CERT_SIGN == 0) { ", and keyUsage lacks keyCertSign" } else { "" }),
        });
        if !may_sign {
            fail(Refusal::NotACa, &mut refusal);
        }
        if let Some(max) = path_len {
            let ok = cas_below <= max;
            checks.push(Check { what: format!("path length under CN={}", issuer.subject), ok, detail: format!("{cas_below} CA certificate(s) below it, pathlen {max}") });
            if !ok {
                fail(Refusal::PathTooLong, &mut refusal);
            }
        }
        if depth > 0 || current.basic_constraints.is_some_and(|b| b.0) {
            cas_below = cas_below.saturating_add(1);
        }
        current = issuer;
    }
    checks.push(Check { what: "the chain ends".into(), ok: false, detail: "more than 8 certificates".into() });
    fail(Refusal::UnknownIssuer, &mut refusal);
    (checks, refusal)
}

/// A signing key from 32 seed bytes (a zero or too-large value is nudged into range).
pub fn key(seed: &[u8; 32]) -> SigningKey {
    let mut bytes = *seed;
    for attempt in 0..=255u8 {
        if let Some(k) = super::ecdsa::key_from(&bytes) {
            return k;
        }
        bytes[0] = attempt;
        bytes[31] |= 1;
    }
    SigningKey::from_slice(&[1; 32]).expect("1…1 is a valid P-256 scalar")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(subject: &str, issuer: &str) -> Spec {
        Spec { serial: 7, issuer: issuer.into(), subject: subject.into(), not_before: 1_700_000_000, not_after: 1_900_000_000, dns_names: vec!["example.com".into(), "*.example.com".into()], basic_constraints: Some((false, None)), key_usage: Some(DIGITAL_SIGNATURE), crl_url: Some("http://crl.lab.example/ca.crl".into()), ocsp_url: Some("http://ocsp.lab.example".into()) }
    }

    #[test]
    fn a_made_certificate_reads_back_and_verifies() {
        let ca = key(&[1; 32]);
        let leaf = key(&[2; 32]);
        let der = make(&spec("example.com", "Lab CA"), &point(&leaf), &ca);
        let c = parse(&der).unwrap();
        assert_eq!((c.subject.as_str(), c.issuer.as_str()), ("example.com", "Lab CA"));
        assert_eq!((c.not_before, c.not_after), (1_700_000_000, 1_900_000_000));
        assert_eq!(c.dns_names, ["example.com", "*.example.com"]);
        assert_eq!(c.basic_constraints, Some((false, None)));
        assert_eq!(c.key_usage, Some(DIGITAL_SIGNATURE));
        assert_eq!(c.public_key, point(&leaf));
        assert_eq!((c.crl_url.as_deref(), c.ocsp_url.as_deref()), (Some("http://crl.lab.example/ca.crl"), Some("http://ocsp.lab.example")));
        assert_eq!(c.issuer_name, name("Lab CA"));
        let issuer = parse(&make(&Spec { basic_constraints: Some((true, Some(0))), key_usage: Some(KEY_CERT_SIGN | CRL_SIGN), ..spec("Lab CA", "Lab CA") }, &point(&ca), &ca)).unwrap();
        assert!(signed_by(&c, &issuer));
        assert!(!signed_by(&c, &parse(&make(&spec("x", "x"), &point(&leaf), &leaf)).unwrap()));
        // Every field's bytes lie inside the certificate.
        assert!(c.fields.iter().all(|f| f.bytes.is_some_and(|b| b.end <= der.len())));
    }

    #[test]
    fn wildcards_match_one_label_only() {
        assert!(host_matches("*.example.com", "www.example.com"));
        assert!(!host_matches("*.example.com", "example.com"));
        assert!(!host_matches("*.example.com", "a.b.example.com"));
        assert!(!host_matches("*.com", "example.com"), "no wildcard over a public suffix");
        assert!(host_matches("Example.COM", "example.com"));
    }

    #[test]
    fn broken_der_says_where() {
        let der = make(&spec("a", "b"), &point(&key(&[2; 32])), &key(&[1; 32]));
        assert!(parse(&der[..der.len() - 1]).unwrap_err().contains("byte"));
        assert!(parse(&[]).is_err());
        assert!(parse(&[0x30, 0x84, 1, 2, 3, 4]).is_err());
        // A fuzz finding: a time with a two-byte character where a digit belongs.
        let bad = der.iter().position(|b| *b == 0x17).unwrap();
        let mut t = der.clone();
        t[bad + 2 + 10] = 0xc7;
        t[bad + 2 + 11] = 0xa5;
        assert!(parse(&t).unwrap_err().contains("not a time"));
    }
}
