//! Certificate revocation: how a client learns that a certificate it was sent has been revoked
//! by its issuer before it expired (a stolen key, a mis-issued certificate).
//!
//! - A CRL (RFC 5280 section 5): the issuer's signed list of revoked serial numbers, which the
//!   client downloads from the certificate's CRL distribution point.
//! - OCSP (RFC 6960): the client asks the issuer's responder about one serial number, and gets a
//!   signed good, revoked or unknown.
//! - OCSP stapling (RFC 6066 section 8, RFC 8446 section 4.4.2.1): the server fetches that signed
//!   answer itself and sends it in the handshake, so the client asks nobody.
//!
//! Every CRL, OCSP request and OCSP response here is real DER, signed by the issuing CA's
//! ECDSA P-256 key, and read back into fields with byte ranges.

use super::x509::{self, children, integer, name, oid, parse_time, read, seq, tlv, Certificate, Check, Refusal, Tlv};
use crate::trace::hex_bytes::encode as hex;
use crate::trace::{ByteRange, Field};
use p256::ecdsa::SigningKey;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How a client checks that the server's certificate is not revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// It does not check.
    None,
    /// It downloads the issuer's CRL.
    Crl,
    /// It asks the issuer's OCSP responder.
    Ocsp,
    /// It asks the server to staple an OCSP response to its certificate (status_request).
    Stapled,
}

/// More object identifiers.
mod ids {
    /// cRLNumber (2.5.29.20).
    pub const CRL_NUMBER: &[u8] = &[0x55, 0x1d, 0x14];
    /// reasonCode (2.5.29.21).
    pub const REASON_CODE: &[u8] = &[0x55, 0x1d, 0x15];
    /// id-pkix-ocsp-basic (1.3.6.1.5.5.7.48.1.1).
    pub const OCSP_BASIC: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01];
    /// id-sha256 (2.16.840.1.101.3.4.2.1).
    pub const SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];
}

/// keyCompromise, the CRLReason of every revocation here (RFC 5280 section 5.3.1).
pub const KEY_COMPROMISE: u8 = 1;

/// GeneralizedTime, which OCSP uses for every time (RFC 6960 section 4.2.2.1).
fn generalized(secs: i64) -> Vec<u8> {
    let (y, mo, d, h, mi, s) = crate::civil::utc_parts(secs);
    tlv(0x18, format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z").as_bytes())
}

fn ecdsa_sha256() -> Vec<u8> {
    seq(&[tlv(0x06, oid::ECDSA_SHA256)])
}

/// `tbs`, its algorithm and its ECDSA signature by `key`: the shape of every signed structure
/// here.
fn signed(tbs: Vec<u8>, key: &SigningKey) -> Vec<u8> {
    let mut bits = vec![0u8];
    bits.extend(super::ecdsa::sign(key, &tbs));
    seq(&[tbs, ecdsa_sha256(), tlv(0x03, &bits)])
}

fn verifies(issuer: &Certificate, tbs: &[u8], signature: &[u8]) -> bool {
    issuer.ec_p256 && super::ecdsa::verify(&issuer.public_key, tbs, signature)
}

/// A revoked certificate: its serial number (the INTEGER's content bytes) and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revoked {
    pub serial: Vec<u8>,
    pub at: i64,
}

/// A CRL (RFC 5280 section 5.1): v2, signed by `key` on behalf of the CA named `issuer`,
/// listing `revoked` with reason keyCompromise.
pub fn crl(issuer: &str, key: &SigningKey, this_update: i64, next_update: i64, number: u64, revoked: &[Revoked]) -> Vec<u8> {
    let mut tbs = vec![integer(&[1]), ecdsa_sha256(), name(issuer), x509::time(this_update), x509::time(next_update)];
    if !revoked.is_empty() {
        // An empty list is left out, not sent empty (section 5.1.2.6).
        let entries: Vec<Vec<u8>> = revoked
            .iter()
            .map(|r| seq(&[tlv(0x02, &r.serial), x509::time(r.at), seq(&[x509::extension(ids::REASON_CODE, false, tlv(0x0a, &[KEY_COMPROMISE]))])]))
            .collect();
        tbs.push(seq(&entries));
    }
    tbs.push(tlv(0xa0, &seq(&[x509::extension(ids::CRL_NUMBER, false, integer(&number.to_be_bytes()))])));
    signed(seq(&tbs), key)
}

/// A CRL read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crl {
    pub tbs: Vec<u8>,
    pub issuer: String,
    pub this_update: i64,
    pub next_update: Option<i64>,
    pub revoked: Vec<Revoked>,
    pub signature: Vec<u8>,
    pub fields: Vec<Field>,
}

struct Fields {
    list: Vec<Field>,
    /// Where these bytes start in what is shown (an HTTP message puts them after its headers).
    offset: usize,
}

impl Fields {
    fn add(&mut self, name: &str, value: String, t: &Tlv, note: &str) {
        self.list.push(Field { name: name.into(), value, bytes: Some(ByteRange::new(self.offset + t.start, self.offset + t.content.1)), note: note.into(), points_to: None });
    }
}

fn outer(der: &[u8], what: &str) -> Result<Tlv, String> {
    let t = read(der, 0, der.len())?;
    if t.tag != 0x30 || t.content.1 != der.len() {
        return Err(format!("not {what}: it must be one DER SEQUENCE"));
    }
    Ok(t)
}

fn bits(der: &[u8], t: &Tlv) -> Vec<u8> {
    der.get(t.content.0 + 1..t.content.1).unwrap_or_default().to_vec()
}

fn content<'a>(der: &'a [u8], t: &Tlv) -> &'a [u8] {
    &der[t.content.0..t.content.1]
}

/// Reads a CRL's DER, or says what is wrong and where. `offset`: where the DER starts in the
/// bytes the fields point into.
pub fn read_crl(der: &[u8], offset: usize) -> Result<Crl, String> {
    let top = outer(der, "a CRL")?;
    let parts = children(der, &top)?;
    let [tbs_t, _alg, sig_t] = &parts[..] else { return Err("a CRL has three parts: to-be-signed, algorithm, signature".into()) };
    let mut f = Fields { list: Vec::new(), offset };
    let items = children(der, tbs_t)?;
    let mut i = usize::from(items.first().is_some_and(|t| t.tag == 0x02));
    let get = |k: usize| items.get(k).ok_or_else(|| "the CRL's to-be-signed part is cut short".to_string());
    if i == 1 {
        f.add("version", "v2".into(), &items[0], "");
    }
    i += 1; // the signature algorithm
    let issuer_t = get(i)?;
    let issuer = x509::common_name(der, issuer_t);
    f.add("issuer", format!("CN={issuer}"), issuer_t, "The CA whose certificates this list covers, and who signed it.");
    let this_t = get(i + 1)?;
    let this_update = parse_time(der, this_t)?;
    f.add("this update", crate::civil::utc(this_update), this_t, "When the CA issued this list.");
    let mut k = i + 2;
    let mut next_update = None;
    if let Some(t) = items.get(k).filter(|t| t.tag == 0x17 || t.tag == 0x18) {
        next_update = Some(parse_time(der, t)?);
        f.add("next update", crate::civil::utc(next_update.unwrap_or_default()), t, "The next list comes by then: a client may keep this one until that time, so a revocation can take that long to reach it.");
        k += 1;
    }
    let mut revoked = Vec::new();
    if let Some(list) = items.get(k).filter(|t| t.tag == 0x30) {
        for entry in children(der, list)? {
            let e = children(der, &entry)?;
            let (Some(serial_t), Some(at_t)) = (e.first().filter(|t| t.tag == 0x02), e.get(1)) else { return Err(format!("a revoked entry without a serial and a date at byte {}", entry.start)) };
            let r = Revoked { serial: content(der, serial_t).to_vec(), at: parse_time(der, at_t)? };
            f.add("revoked certificate", format!("serial {}, revoked {}", hex(&r.serial), crate::civil::utc(r.at)), &entry, "Reason: keyCompromise.");
            revoked.push(r);
        }
    }
    f.add("signature", hex(&bits(der, sig_t)), sig_t, "The CA's ECDSA signature over the list: nobody on the way can remove an entry.");
    Ok(Crl { tbs: der[tbs_t.start..tbs_t.content.1].to_vec(), issuer, this_update, next_update, revoked, signature: bits(der, sig_t), fields: f.list })
}

/// Which certificate an OCSP request or answer is about (RFC 6960 section 4.1.1): hashes of
/// its issuer's name and key, and its serial number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertId {
    pub name_hash: Vec<u8>,
    pub key_hash: Vec<u8>,
    pub serial: Vec<u8>,
}

impl CertId {
    /// The CertID of `leaf`, issued by `issuer`, with SHA-256.
    pub fn of(leaf: &Certificate, issuer: &Certificate) -> CertId {
        CertId { name_hash: Sha256::digest(&issuer.subject_name).to_vec(), key_hash: Sha256::digest(&issuer.public_key).to_vec(), serial: leaf.serial.clone() }
    }

    fn encode(&self) -> Vec<u8> {
        seq(&[seq(&[tlv(0x06, ids::SHA256), tlv(0x05, &[])]), tlv(0x04, &self.name_hash), tlv(0x04, &self.key_hash), tlv(0x02, &self.serial)])
    }

    fn read(der: &[u8], t: &Tlv, f: &mut Fields) -> Result<CertId, String> {
        let p = children(der, t)?;
        let [_alg, name_t, key_t, serial_t] = &p[..] else { return Err(format!("a CertID has four parts, at byte {}", t.start)) };
        f.add("issuer name hash", hex(content(der, name_t)), name_t, "SHA-256 of the issuer's name (its DER).");
        f.add("issuer key hash", hex(content(der, key_t)), key_t, "SHA-256 of the issuer's public key: names the CA even if two CAs share a name.");
        f.add("serial number", hex(content(der, serial_t)), serial_t, "The certificate asked about.");
        Ok(CertId { name_hash: content(der, name_t).to_vec(), key_hash: content(der, key_t).to_vec(), serial: content(der, serial_t).to_vec() })
    }
}

/// An OCSP request for one certificate (RFC 6960 section 4.1), unsigned, without a nonce.
pub fn ocsp_request(id: &CertId) -> Vec<u8> {
    seq(&[seq(&[seq(&[seq(&[id.encode()])])])])
}

/// Reads an OCSP request: the certificate it asks about, and its fields.
pub fn read_ocsp_request(der: &[u8], offset: usize) -> Result<(CertId, Vec<Field>), String> {
    let top = outer(der, "an OCSP request")?;
    let mut f = Fields { list: Vec::new(), offset };
    let tbs = children(der, &top)?.into_iter().next().ok_or("an OCSP request without a body")?;
    let list = children(der, &tbs)?.into_iter().find(|t| t.tag == 0x30).ok_or("an OCSP request without a request list")?;
    let request = children(der, &list)?.into_iter().next().ok_or("an OCSP request that asks about nothing")?;
    let cert_t = children(der, &request)?.into_iter().next().ok_or("a request without a CertID")?;
    let id = CertId::read(der, &cert_t, &mut f)?;
    Ok((id, f.list))
}

/// What an OCSP responder says about a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertStatus {
    Good,
    /// Revoked at this time.
    Revoked(i64),
    Unknown,
}

/// A successful OCSP response (RFC 6960 section 4.2.1) with one answer, signed by the CA
/// named `issuer` (its key `key`): `status` for the certificate `id`, valid from
/// `this_update` to `next_update`.
pub fn ocsp_response(issuer: &str, key: &SigningKey, id: &CertId, status: CertStatus, produced_at: i64, this_update: i64, next_update: i64) -> Vec<u8> {
    let status = match status {
        CertStatus::Good => tlv(0x80, &[]),
        CertStatus::Revoked(at) => tlv(0xa1, &[generalized(at), tlv(0xa0, &tlv(0x0a, &[KEY_COMPROMISE]))].concat()),
        CertStatus::Unknown => tlv(0x82, &[]),
    };
    let single = seq(&[id.encode(), status, generalized(this_update), tlv(0xa0, &generalized(next_update))]);
    let data = seq(&[tlv(0xa1, &name(issuer)), generalized(produced_at), seq(&[single])]);
    let basic = signed(data, key);
    // responseStatus successful (0), then the basic response inside an OCTET STRING.
    seq(&[tlv(0x0a, &[0]), tlv(0xa0, &seq(&[tlv(0x06, ids::OCSP_BASIC), tlv(0x04, &basic)]))])
}

/// An OCSP response read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcspResponse {
    /// responseStatus: 0 is successful.
    pub response_status: u8,
    pub responder: String,
    pub produced_at: i64,
    pub id: Option<CertId>,
    pub status: Option<CertStatus>,
    pub this_update: i64,
    pub next_update: Option<i64>,
    pub tbs: Vec<u8>,
    pub signature: Vec<u8>,
    pub fields: Vec<Field>,
}

/// Reads an OCSP response's DER, or says what is wrong and where.
pub fn read_ocsp_response(der: &[u8], offset: usize) -> Result<OcspResponse, String> {
    let top = outer(der, "an OCSP response")?;
    let mut f = Fields { list: Vec::new(), offset };
    let parts = children(der, &top)?;
    let status_t = parts.first().filter(|t| t.tag == 0x0a).ok_or("an OCSP response starts with its status")?;
    let response_status = content(der, status_t).first().copied().unwrap_or(255);
    let status_name = match response_status {
        0 => "successful",
        1 => "malformedRequest",
        2 => "internalError",
        3 => "tryLater",
        5 => "sigRequired",
        6 => "unauthorized",
        _ => "unknown",
    };
    f.add("response status", format!("{status_name} ({response_status})"), status_t, "Whether the responder could answer at all; only then does a signed answer follow.");
    let mut out = OcspResponse { response_status, responder: String::new(), produced_at: 0, id: None, status: None, this_update: 0, next_update: None, tbs: Vec::new(), signature: Vec::new(), fields: Vec::new() };
    let Some(bytes_t) = parts.get(1).filter(|t| t.tag == 0xa0) else {
        out.fields = f.list;
        return Ok(out);
    };
    let rb = read(der, bytes_t.content.0, bytes_t.content.1)?;
    let rb_parts = children(der, &rb)?;
    let [type_t, octets] = &rb_parts[..] else { return Err("responseBytes has a type and a response".into()) };
    if content(der, type_t) != ids::OCSP_BASIC {
        return Err("the response is not a basic OCSP response".into());
    }
    f.add("response type", "id-pkix-ocsp-basic".into(), type_t, "");
    let basic = read(der, octets.content.0, octets.content.1)?;
    let basic_parts = children(der, &basic)?;
    let (Some(data_t), Some(sig_t)) = (basic_parts.first(), basic_parts.get(2)) else { return Err("a basic response has data, an algorithm and a signature".into()) };
    let items = children(der, data_t)?;
    let mut i = usize::from(items.first().is_some_and(|t| t.tag == 0xa0));
    if let Some(r) = items.get(i).filter(|t| t.tag == 0xa1) {
        let name_t = read(der, r.content.0, r.content.1)?;
        out.responder = x509::common_name(der, &name_t);
        f.add("responder", format!("CN={}", out.responder), r, "Who signed this answer: here the CA itself.");
        i += 1;
    } else if let Some(r) = items.get(i).filter(|t| t.tag == 0xa2) {
        f.add("responder", "by key hash".into(), r, "");
        i += 1;
    }
    let produced_t = items.get(i).ok_or("the response data is cut short")?;
    out.produced_at = parse_time(der, produced_t)?;
    f.add("produced at", crate::civil::utc(out.produced_at), produced_t, "When the responder signed it.");
    let responses = items.get(i + 1).ok_or("the response data has no answers")?;
    let single = children(der, responses)?.into_iter().next().ok_or("the response answers nothing")?;
    let s = children(der, &single)?;
    let (Some(id_t), Some(cs), Some(this_t)) = (s.first(), s.get(1), s.get(2)) else { return Err(format!("an answer is cut short at byte {}", single.start)) };
    out.id = Some(CertId::read(der, id_t, &mut f)?);
    out.status = Some(match cs.tag {
        0x80 => CertStatus::Good,
        0xa1 => {
            let at_t = children(der, cs)?.into_iter().next().ok_or("a revoked status without a time")?;
            CertStatus::Revoked(parse_time(der, &at_t)?)
        }
        _ => CertStatus::Unknown,
    });
    let shown = match out.status {
        Some(CertStatus::Good) => "good".to_string(),
        Some(CertStatus::Revoked(at)) => format!("revoked at {} (keyCompromise)", crate::civil::utc(at)),
        _ => "unknown".to_string(),
    };
    f.add("cert status", shown, cs, "The answer: good, revoked, or unknown (the responder does not know the certificate).");
    out.this_update = parse_time(der, this_t)?;
    f.add("this update", crate::civil::utc(out.this_update), this_t, "");
    if let Some(n) = s.get(3).filter(|t| t.tag == 0xa0) {
        let inner = read(der, n.content.0, n.content.1)?;
        out.next_update = Some(parse_time(der, &inner)?);
        f.add("next update", crate::civil::utc(out.next_update.unwrap_or_default()), n, "Good until then: a server staples the same answer to every handshake until it fetches a fresher one.");
    }
    out.signature = bits(der, sig_t);
    f.add("signature", hex(&out.signature), sig_t, "The CA's ECDSA signature: a server cannot forge a good answer for a revoked certificate.");
    out.tbs = der[data_t.start..data_t.content.1].to_vec();
    out.fields = f.list;
    Ok(out)
}

/// What the client got: the CRL or the OCSP response it fetched, or the one the server
/// stapled; `None` when nothing came (the server is down, or an attacker blocks it).
pub struct Answer<'a> {
    pub method: Method,
    pub bytes: Option<&'a [u8]>,
    /// Refuse the certificate when its status cannot be learned.
    pub hard_fail: bool,
}

/// The client's revocation check of `leaf`, issued by `issuer`, at `now`: every check made
/// and, if it refuses, why.
pub fn check(answer: &Answer, leaf: &Certificate, issuer: &Certificate, now: i64) -> (Vec<Check>, Option<Refusal>) {
    let mut checks = Vec::new();
    let what = match answer.method {
        Method::None => return (checks, None),
        Method::Crl => "the CRL",
        Method::Ocsp => "the OCSP response",
        Method::Stapled => "a stapled OCSP response",
    };
    let Some(bytes) = answer.bytes else {
        let detail = match (answer.method, answer.hard_fail) {
            (Method::Stapled, false) => "the server stapled nothing; this client goes on without knowing (soft-fail)",
            (Method::Stapled, true) => "the server stapled nothing, and this client requires a staple (hard-fail)",
            (_, false) => "no answer in time; this client goes on without knowing (soft-fail): an attacker who blocks the CA's server gets a revoked certificate through",
            (_, true) => "no answer in time, and this client refuses what it cannot check (hard-fail)",
        };
        checks.push(Check { what: format!("{what} arrived"), ok: !answer.hard_fail, detail: detail.into() });
        return (checks, answer.hard_fail.then_some(Refusal::RevocationUnknown));
    };
    let mut refusal = None;
    let mut fail = |r: Refusal| {
        if refusal.is_none() {
            refusal = Some(r);
        }
    };
    if answer.method == Method::Crl {
        let crl = match read_crl(bytes, 0) {
            Ok(c) => c,
            Err(e) => {
                checks.push(Check { what: "the CRL reads".into(), ok: false, detail: e });
                return (checks, Some(Refusal::RevocationUnknown));
            }
        };
        let by_issuer = crl.issuer == leaf.issuer && verifies(issuer, &crl.tbs, &crl.signature);
        checks.push(Check { what: format!("the CRL is signed by CN={}", issuer.subject), ok: by_issuer, detail: "ECDSA P-256 with SHA-256, with the key of the certificate's issuer".into() });
        let fresh = crl.this_update <= now && crl.next_update.is_none_or(|n| now <= n);
        checks.push(Check { what: "the CRL is current".into(), ok: fresh, detail: format!("issued {}, next one by {}", crate::civil::utc(crl.this_update), crl.next_update.map(crate::civil::utc).unwrap_or_else(|| "(not said)".into())) });
        if !by_issuer || !fresh {
            fail(Refusal::RevocationUnknown);
        }
        let listed = crl.revoked.iter().find(|r| r.serial == leaf.serial);
        checks.push(Check {
            what: format!("serial {} is not on the list", hex(&leaf.serial)),
            ok: listed.is_none(),
            detail: match listed {
                Some(r) => format!("revoked {} (keyCompromise); the list has {} entries", crate::civil::utc(r.at), crl.revoked.len()),
                None => format!("the list has {} entries, none of them this one", crl.revoked.len()),
            },
        });
        if listed.is_some() {
            fail(Refusal::Revoked);
        }
        return (checks, refusal);
    }
    let r = match read_ocsp_response(bytes, 0) {
        Ok(r) => r,
        Err(e) => {
            checks.push(Check { what: format!("{what} reads"), ok: false, detail: e });
            return (checks, Some(Refusal::RevocationUnknown));
        }
    };
    let successful = r.response_status == 0;
    checks.push(Check { what: "the responder answered".into(), ok: successful, detail: format!("responseStatus {}", r.response_status) });
    let signed = verifies(issuer, &r.tbs, &r.signature);
    checks.push(Check { what: format!("the answer is signed by CN={}", issuer.subject), ok: signed, detail: "ECDSA P-256 with SHA-256, with the key of the certificate's issuer".into() });
    let about = r.id.as_ref() == Some(&CertId::of(leaf, issuer));
    checks.push(Check { what: "the answer is about this certificate".into(), ok: about, detail: format!("CertID: the issuer's name and key hashes, and serial {}", hex(&leaf.serial)) });
    let fresh = r.this_update <= now && r.next_update.is_none_or(|n| now <= n);
    checks.push(Check { what: "the answer is current".into(), ok: fresh, detail: format!("from {} to {}", crate::civil::utc(r.this_update), r.next_update.map(crate::civil::utc).unwrap_or_else(|| "(not said)".into())) });
    if !successful || !signed || !about || !fresh {
        fail(Refusal::RevocationUnknown);
    }
    let (ok, detail) = match r.status {
        Some(CertStatus::Good) => (true, "good".to_string()),
        Some(CertStatus::Revoked(at)) => (false, format!("revoked at {} (keyCompromise)", crate::civil::utc(at))),
        _ => (false, "unknown: the responder does not know this certificate".to_string()),
    };
    checks.push(Check { what: "the CA has not revoked it".into(), ok, detail });
    match r.status {
        Some(CertStatus::Revoked(_)) => fail(Refusal::Revoked),
        Some(CertStatus::Good) => {}
        _ => fail(Refusal::RevocationUnknown),
    }
    (checks, refusal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::x509::{key, make, parse, point, Spec, DIGITAL_SIGNATURE, KEY_CERT_SIGN};

    const NOW: i64 = 1_800_000_000;

    fn pair() -> (Certificate, Certificate, SigningKey) {
        let ca = key(&[1; 32]);
        let spec = |subject: &str, issuer: &str| Spec { serial: 0x1234, issuer: issuer.into(), subject: subject.into(), not_before: NOW - 1000, not_after: NOW + 1000, dns_names: vec![], basic_constraints: Some((false, None)), key_usage: Some(DIGITAL_SIGNATURE), crl_url: None, ocsp_url: None };
        let issuer = parse(&make(&Spec { basic_constraints: Some((true, None)), key_usage: Some(KEY_CERT_SIGN), ..spec("CA", "CA") }, &point(&ca), &ca)).unwrap();
        let leaf = parse(&make(&spec("example.com", "CA"), &point(&key(&[2; 32])), &ca)).unwrap();
        (leaf, issuer, ca)
    }

    fn answer(method: Method, bytes: &[u8]) -> Answer<'_> {
        Answer { method, bytes: Some(bytes), hard_fail: false }
    }

    #[test]
    fn a_crl_reads_back_and_finds_the_serial() {
        let (leaf, issuer, ca) = pair();
        let others = vec![Revoked { serial: vec![0x77], at: NOW - 50 }];
        let clean = crl("CA", &ca, NOW - 100, NOW + 100, 9, &others);
        let c = read_crl(&clean, 0).unwrap();
        assert_eq!((c.issuer.as_str(), c.this_update, c.next_update), ("CA", NOW - 100, Some(NOW + 100)));
        assert_eq!(c.revoked, others);
        assert_eq!(check(&answer(Method::Crl, &clean), &leaf, &issuer, NOW).1, None);
        let with = crl("CA", &ca, NOW - 100, NOW + 100, 10, &[others[0].clone(), Revoked { serial: leaf.serial.clone(), at: NOW - 10 }]);
        assert_eq!(check(&answer(Method::Crl, &with), &leaf, &issuer, NOW).1, Some(Refusal::Revoked));
        // A stale list, or one signed by another key, tells nothing.
        assert_eq!(check(&answer(Method::Crl, &clean), &leaf, &issuer, NOW + 200).1, Some(Refusal::RevocationUnknown));
        let forged = crl("CA", &key(&[3; 32]), NOW - 100, NOW + 100, 9, &[]);
        assert_eq!(check(&answer(Method::Crl, &forged), &leaf, &issuer, NOW).1, Some(Refusal::RevocationUnknown));
        assert!(c.fields.iter().all(|f| f.bytes.is_some_and(|b| b.end <= clean.len())));
    }

    #[test]
    fn an_ocsp_exchange_reads_back() {
        let (leaf, issuer, ca) = pair();
        let id = CertId::of(&leaf, &issuer);
        let (back, fields) = read_ocsp_request(&ocsp_request(&id), 0).unwrap();
        assert_eq!(back, id);
        assert_eq!(fields.len(), 3);
        for (status, refusal) in [(CertStatus::Good, None), (CertStatus::Revoked(NOW - 5), Some(Refusal::Revoked)), (CertStatus::Unknown, Some(Refusal::RevocationUnknown))] {
            let der = ocsp_response("CA", &ca, &id, status, NOW - 10, NOW - 10, NOW + 100);
            let r = read_ocsp_response(&der, 0).unwrap();
            assert_eq!((r.status, r.id.as_ref(), r.responder.as_str(), r.next_update), (Some(status), Some(&id), "CA", Some(NOW + 100)));
            assert_eq!(check(&answer(Method::Ocsp, &der), &leaf, &issuer, NOW).1, refusal);
            assert_eq!(check(&answer(Method::Stapled, &der), &leaf, &issuer, NOW).1, refusal);
        }
        // An answer about another certificate, or a stale one, proves nothing.
        let other = CertId { serial: vec![9], ..id.clone() };
        let der = ocsp_response("CA", &ca, &other, CertStatus::Good, NOW, NOW, NOW + 100);
        assert_eq!(check(&answer(Method::Ocsp, &der), &leaf, &issuer, NOW).1, Some(Refusal::RevocationUnknown));
        let der = ocsp_response("CA", &ca, &id, CertStatus::Good, NOW - 300, NOW - 300, NOW - 200);
        assert_eq!(check(&answer(Method::Ocsp, &der), &leaf, &issuer, NOW).1, Some(Refusal::RevocationUnknown));
    }

    #[test]
    fn no_answer_is_soft_or_hard() {
        let (leaf, issuer, _) = pair();
        for method in [Method::Crl, Method::Ocsp, Method::Stapled] {
            let soft = Answer { method, bytes: None, hard_fail: false };
            assert_eq!(check(&soft, &leaf, &issuer, NOW).1, None);
            let hard = Answer { method, bytes: None, hard_fail: true };
            assert_eq!(check(&hard, &leaf, &issuer, NOW).1, Some(Refusal::RevocationUnknown));
        }
        assert!(check(&Answer { method: Method::None, bytes: None, hard_fail: true }, &leaf, &issuer, NOW).0.is_empty());
    }

    #[test]
    fn broken_der_says_what() {
        let (leaf, issuer, ca) = pair();
        let der = ocsp_response("CA", &ca, &CertId::of(&leaf, &issuer), CertStatus::Good, NOW, NOW, NOW + 1);
        for cut in [1, 10, der.len() / 2, der.len() - 1] {
            assert!(read_ocsp_response(&der[..cut], 0).is_err());
        }
        let list = crl("CA", &ca, NOW, NOW + 1, 1, &[]);
        for cut in [1, 10, list.len() / 2, list.len() - 1] {
            assert!(read_crl(&list[..cut], 0).is_err());
        }
        assert!(read_ocsp_request(&[0x30, 0x00], 0).is_err());
    }
}
