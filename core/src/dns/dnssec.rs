//! DNSSEC with real cryptography: each zone of the example world gets an Ed25519 key
//! (algorithm 15, RFC 8080) published as a DNSKEY, every RRset a server hands out with the DO
//! bit is signed (RRSIG, RFC 4034 section 3), and each parent publishes a DS record, the
//! SHA-256 digest of its child's key (RFC 4034 section 5, RFC 4509). A validating resolver
//! checks the chain from the root's key, which it is configured with, down to the answer.
//!
//! Simplified, and said so in the UI: one key per zone signs everything (no KSK/ZSK split),
//! the keys are derived from the zone's name (demonstration keys, not secret), and denial of
//! existence (NSEC/NSEC3) is not shown.

use super::wire::{rdata_wire, rtype, Name, RData, Record, CLASS_IN};
use super::wire::{Message, Question};
use super::zone::{is_within, same_name, Outcome, Server};
use crate::ext::{self, EdRefusal};

/// DNSSEC algorithm 15: Ed25519 (RFC 8080).
pub const ED25519: u8 = 15;
/// DS digest type 2: SHA-256 (RFC 4509).
pub const SHA256: u8 = 2;
/// The simulation's time 0 as seconds since 1970: 2026-11-22 00:00:00 UTC. Signatures are
/// valid from 21 days before it to 30 days after.
pub const EPOCH: u32 = 1_795_305_600;
pub const INCEPTION: u32 = EPOCH - 21 * 86_400;
pub const EXPIRATION: u32 = EPOCH + 30 * 86_400;
/// Flags of a key that signs the zone and is pointed at by the parent's DS (ZONE and SEP bits).
pub const KEY_FLAGS: u16 = 257;

/// The zone's demonstration key (its Ed25519 seed): derived from its name, the same on every
/// run.
pub fn signing_key(origin: &Name) -> [u8; 32] {
    sha256(&[b"wirelab demonstration DNSSEC key for ".as_slice(), &origin.canonical_wire()].concat())
}

/// SHA-256, from the extension that brings Ed25519 (`crate::ext`): zeros until it has arrived,
/// when a run signs and checks nothing either.
fn sha256(data: &[u8]) -> [u8; 32] {
    ext::ed25519().map(|e| e.sha256(data)).unwrap_or_default()
}

// Ed25519 is loaded separately on the web (`crate::ext`); a run signs only once it is there
// (`resolve::run` shows the run without DNSSEC until then), so these find it.
//
// The keys and signatures are deterministic (RFC 8032), and a run asks for the same ones many
// times (every answer is signed afresh and checked again, and every run of an edited scenario
// signs the same zones), so keys, signatures and verdicts are remembered. The results are the
// same; only repeats are skipped.
fn ed25519_public(seed: &[u8; 32]) -> Vec<u8> {
    remembered(b'k', &[seed], |e| e.public_key(seed).to_vec())
}

fn ed25519_sign(seed: &[u8; 32], data: &[u8]) -> Vec<u8> {
    remembered(b's', &[seed, data], |e| e.sign(seed, data).to_vec())
}

thread_local! {
    static MEMO: crate::memo::Memo = const { crate::memo::Memo::new(4096) };
}

fn remembered(kind: u8, parts: &[&[u8]], compute: impl FnOnce(&dyn ext::Ed25519) -> Vec<u8>) -> Vec<u8> {
    // Not remembered while Ed25519 is missing: nothing was computed.
    MEMO.with(|m| m.get_or(kind, parts, || ext::ed25519().ok().map(|e| compute(&*e)))).unwrap_or_default()
}

/// The zone's DNSKEY record.
pub fn dnskey(origin: &Name, ttl: u32) -> Record {
    let public_key = ed25519_public(&signing_key(origin));
    Record { name: origin.clone(), rtype: rtype::DNSKEY, class: CLASS_IN, ttl, data: RData::Dnskey { flags: KEY_FLAGS, protocol: 3, algorithm: ED25519, public_key } }
}

/// The key tag of a DNSKEY (RFC 4034 appendix B).
pub fn key_tag(key: &RData) -> u16 {
    let mut acc: u32 = 0;
    for (i, b) in rdata_wire(key).iter().enumerate() {
        acc += if i % 2 == 0 { (*b as u32) << 8 } else { *b as u32 };
    }
    acc += (acc >> 16) & 0xffff;
    (acc & 0xffff) as u16
}

/// The DS data for a DNSKEY record: SHA-256 over the owner name and the key's data.
pub fn ds_for(key: &Record) -> RData {
    let digest = sha256(&[key.name.canonical_wire(), rdata_wire(&key.data)].concat()).to_vec();
    RData::Ds { key_tag: key_tag(&key.data), algorithm: ED25519, digest_type: SHA256, digest }
}

/// What a signature covers (RFC 4034 section 3.1.8.1): the RRSIG data without the signature,
/// then each record in canonical form, sorted by its data.
fn signed_data(sig: &RData, rrset: &[Record]) -> Vec<u8> {
    let RData::Rrsig { original_ttl, .. } = sig else { return Vec::new() };
    let mut unsigned = sig.lowercased();
    if let RData::Rrsig { signature, .. } = &mut unsigned {
        signature.clear();
    }
    let mut head = rdata_wire(&unsigned);
    let mut rdatas: Vec<Vec<u8>> = rrset.iter().map(|r| rdata_wire(&r.data.lowercased())).collect();
    crate::order::sort(&mut rdatas);
    rdatas.dedup();
    let Some(first) = rrset.first() else { return head };
    for data in rdatas {
        head.extend(first.name.canonical_wire());
        head.extend(first.rtype.to_be_bytes());
        head.extend(first.class.to_be_bytes());
        head.extend(original_ttl.to_be_bytes());
        head.extend((data.len() as u16).to_be_bytes());
        head.extend(data);
    }
    head
}

/// Signs one RRset with the key of `signer` (the zone that holds it).
pub fn sign(rrset: &[Record], signer: &Name) -> Option<Record> {
    let first = rrset.first()?;
    let key = dnskey(signer, 3600);
    let mut sig = RData::Rrsig {
        type_covered: first.rtype,
        algorithm: ED25519,
        labels: first.name.labels().len() as u8,
        original_ttl: first.ttl,
        expiration: EXPIRATION,
        inception: INCEPTION,
        key_tag: key_tag(&key.data),
        signer: signer.clone(),
        signature: Vec::new(),
    };
    let signature = ed25519_sign(&signing_key(signer), &signed_data(&sig, rrset));
    if let RData::Rrsig { signature: s, .. } = &mut sig {
        *s = signature;
    }
    Some(Record { name: first.name.clone(), rtype: rtype::RRSIG, class: CLASS_IN, ttl: first.ttl, data: sig })
}

/// Checks `rrsig` over `rrset` with `key` at `now` (seconds since 1970). The error says which
/// check failed.
pub fn verify(rrsig: &Record, rrset: &[Record], key: &Record, now: u32) -> Result<(), String> {
    let RData::Rrsig { type_covered, algorithm, key_tag: tag, signer, signature, expiration, inception, .. } = &rrsig.data else {
        return Err("not an RRSIG".into());
    };
    let RData::Dnskey { algorithm: key_algorithm, public_key, .. } = &key.data else {
        return Err("not a DNSKEY".into());
    };
    let Some(first) = rrset.first() else { return Err("no records to check".into()) };
    if *type_covered != first.rtype {
        return Err(format!("the signature covers {}, not {}", rtype::name(*type_covered), rtype::name(first.rtype)));
    }
    if !same_name(signer, &key.name) || !is_within(&first.name, signer) {
        return Err(format!("the signer {signer} is not the key's zone {} or does not hold {}", key.name, first.name));
    }
    if *algorithm != ED25519 || *key_algorithm != ED25519 {
        return Err(format!("algorithm {algorithm} is not Ed25519 (15)"));
    }
    if *tag != key_tag(&key.data) {
        return Err(format!("key tag {tag} does not match the key's tag {}", key_tag(&key.data)));
    }
    if now < *inception || now > *expiration {
        return Err("the signature is outside its validity period".into());
    }
    let bytes: [u8; 32] = public_key.as_slice().try_into().map_err(|_| format!("an Ed25519 key is 32 bytes, not {}", public_key.len()))?;
    let sig: [u8; 64] = signature.as_slice().try_into().map_err(|_| format!("an Ed25519 signature is 64 bytes, not {}", signature.len()))?;
    if let Err(missing) = ext::ed25519() {
        return Err(missing.to_string());
    }
    let data = signed_data(&rrsig.data, rrset);
    let verdict = remembered(b'v', &[&bytes, &data, &sig], |e| match e.verify(&bytes, &data, &sig) {
        Ok(()) => vec![0],
        Err(EdRefusal::NotAPoint) => vec![1],
        Err(EdRefusal::Mismatch) => vec![2],
    });
    match verdict.first() {
        Some(0) => Ok(()),
        Some(1) => Err("the key is not a valid Ed25519 point".to_string()),
        _ => Err("the signature does not match the records: they were changed, or signed by another key".to_string()),
    }
}

/// Signs the world: a DNSKEY at each zone's origin and, in each parent, a DS for every child
/// zone it delegates to.
pub fn sign_world(world: &mut [Server]) {
    let origins: Vec<Name> = world.iter().flat_map(|s| s.zones.iter().map(|z| z.origin.clone())).collect();
    for server in world.iter_mut() {
        for zone in server.zones.iter_mut() {
            zone.records.push(dnskey(&zone.origin, 3600));
            let children: Vec<Name> = origins
                .iter()
                .filter(|child| child.labels().len() > zone.origin.labels().len() && is_within(child, &zone.origin))
                .filter(|child| zone.records.iter().any(|r| r.rtype == rtype::NS && same_name(&r.name, child)))
                .cloned()
                .collect();
            for child in children {
                let key = dnskey(&child, 3600);
                zone.records.push(Record { name: child.clone(), rtype: rtype::DS, class: CLASS_IN, ttl: 86_400, data: ds_for(&key) });
            }
        }
    }
}

/// RRSIGs for each RRset among `records`, signed by `signer`.
pub fn signatures(records: &[Record], signer: &Name) -> Vec<Record> {
    let mut sets: Vec<Vec<Record>> = Vec::new();
    for r in records.iter().filter(|r| r.rtype != rtype::RRSIG && r.rtype != rtype::OPT) {
        match sets.iter_mut().find(|s| same_name(&s[0].name, &r.name) && s[0].rtype == r.rtype) {
            Some(set) => set.push(r.clone()),
            None => sets.push(vec![r.clone()]),
        }
    }
    sets.iter().filter_map(|set| sign(set, signer)).collect()
}

/// The EDNS record a query carries to ask for DNSSEC records (the DO bit, RFC 3225), offering
/// 1232 bytes of UDP (RFC 6891; the size DNS flag day 2020 chose).
pub fn opt_do() -> Record {
    Record { name: Name::ROOT, rtype: rtype::OPT, class: 1232, ttl: 0x8000, data: RData::Unknown(Vec::new()) }
}

/// Whether a message carries EDNS with the DO bit.
pub fn wants_dnssec(m: &Message) -> bool {
    m.additional.iter().any(|r| r.rtype == rtype::OPT && r.ttl & 0x8000 != 0)
}

/// A server's answer to a query with the DO bit: its usual answer, with an RRSIG for each
/// RRset it is authoritative for, and in a referral the child's DS records and their RRSIG.
pub fn answer_signed(server: &Server, id: u16, q: &Question) -> (Message, Outcome) {
    let (mut m, outcome) = server.answer(id, q);
    let Some(zone) = server.zone_for(&q.name) else { return (m, outcome) };
    let origin = zone.origin.clone();
    match &outcome {
        Outcome::Answer => {
            // Only the records of this zone are signed by it (a CNAME's target elsewhere is not).
            let own: Vec<Record> = m.answers.iter().filter(|r| is_within(&r.name, &origin)).cloned().collect();
            m.answers.extend(signatures(&own, &origin));
        }
        Outcome::Referral { zone: child } => {
            let ds: Vec<Record> = zone.records.iter().filter(|r| r.rtype == rtype::DS && same_name(&r.name, child)).cloned().collect();
            m.authority.extend(signatures(&ds, &origin));
            m.authority.extend(ds);
        }
        Outcome::NxDomain | Outcome::NoData => {
            let soa = m.authority.clone();
            m.authority.extend(signatures(&soa, &origin));
        }
        Outcome::Refused => {}
    }
    m.additional.push(opt_do());
    (m, outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Name {
        Name::parse(s).unwrap()
    }

    fn a(owner: &str, ip: [u8; 4]) -> Record {
        Record { name: n(owner), rtype: rtype::A, class: CLASS_IN, ttl: 3600, data: RData::A(ip) }
    }

    #[test]
    fn rfc4034_key_tag_of_its_example_key() {
        // RFC 4034 section 5.4 example: the DNSKEY of dskey.example.com has key tag 60485.
        let b64 = "AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==";
        let key = crate::base64url::decode(b64.replace('+', "-").replace('/', "_").trim_end_matches('=')).unwrap();
        assert_eq!(key_tag(&RData::Dnskey { flags: 256, protocol: 3, algorithm: 5, public_key: key }), 60485);
    }

    #[test]
    fn a_signature_verifies_and_any_change_breaks_it() {
        let zone = n("example.com");
        let key = dnskey(&zone, 3600);
        let set = vec![a("www.example.com", [192, 0, 2, 1]), a("www.example.com", [192, 0, 2, 2])];
        let sig = sign(&set, &zone).unwrap();
        assert_eq!(verify(&sig, &set, &key, EPOCH), Ok(()));
        // Order and case do not matter (canonical form).
        let mut shuffled: Vec<Record> = set.iter().rev().cloned().collect();
        shuffled[0].name = n("WWW.Example.COM");
        assert_eq!(verify(&sig, &shuffled, &key, EPOCH), Ok(()));
        let mut changed = set.clone();
        changed[1].data = RData::A([203, 0, 113, 66]);
        assert!(verify(&sig, &changed, &key, EPOCH).unwrap_err().contains("does not match"));
        let other = dnskey(&n("example.org"), 3600);
        assert!(verify(&sig, &set, &other, EPOCH).is_err());
        assert!(verify(&sig, &set, &key, EXPIRATION + 1).unwrap_err().contains("validity"));
    }

    #[test]
    fn ds_is_the_digest_of_the_childs_key() {
        let key = dnskey(&n("example.com"), 3600);
        let RData::Ds { key_tag: tag, digest, .. } = ds_for(&key) else { panic!() };
        assert_eq!(tag, key_tag(&key.data));
        assert_eq!(digest.len(), 32);
        assert_ne!(ds_for(&key), ds_for(&dnskey(&n("example.org"), 3600)));
    }
}
