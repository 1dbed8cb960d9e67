//! Zones and the authoritative servers that serve them: how a server answers a question from
//! its own data (RFC 1034 section 4.3.2), refers the asker to a child zone with NS records and
//! glue, or denies a name with NXDOMAIN and the zone's SOA for negative caching (RFC 2308).

use super::wire::{rtype, Header, Message, Name, Question, RData, Record, CLASS_IN};

/// One zone: its origin and its records (at or below the origin).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    pub origin: Name,
    pub records: Vec<Record>,
}

/// An authoritative server: a name, an address, and the zones it serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub name: String,
    pub address: [u8; 4],
    pub zones: Vec<Zone>,
}

/// Whether `name` is `ancestor` or below it, without regard to ASCII case.
pub fn is_within(name: &Name, ancestor: &Name) -> bool {
    let (n, a) = (name.labels(), ancestor.labels());
    n.len() >= a.len() && n[n.len() - a.len()..].iter().zip(a).all(|(x, y)| x.eq_ignore_ascii_case(y))
}

pub fn same_name(a: &Name, b: &Name) -> bool {
    a.labels().len() == b.labels().len() && is_within(a, b)
}

/// What a server's answer means for the resolver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Records for the name (possibly after CNAMEs inside the zone).
    Answer,
    /// The name exists but has no records of the type asked (NOERROR, empty answer).
    NoData,
    /// The name does not exist (RCODE 3).
    NxDomain,
    /// Ask the named servers of a child zone instead.
    Referral { zone: Name },
    /// The server serves no zone above the name.
    Refused,
}

impl Zone {
    fn at<'a>(&'a self, name: &'a Name) -> impl Iterator<Item = &'a Record> + 'a {
        self.records.iter().filter(move |r| same_name(&r.name, name))
    }

    fn soa(&self) -> Option<&Record> {
        self.records.iter().find(|r| r.rtype == rtype::SOA && same_name(&r.name, &self.origin))
    }

    /// The closest delegation (NS records below the origin) on the way to `name`.
    fn delegation(&self, name: &Name) -> Option<Name> {
        let labels = name.labels();
        let depth = self.origin.labels().len();
        // From just below the origin down to the name itself.
        (depth + 1..=labels.len()).map(|k| name.suffix(k)).find(|cut| self.records.iter().any(|r| r.rtype == rtype::NS && same_name(&r.name, cut)))
    }
}

impl Server {
    /// The zone this server serves that is closest to `name`.
    pub fn zone_for(&self, name: &Name) -> Option<&Zone> {
        self.zones.iter().filter(|z| is_within(name, &z.origin)).max_by_key(|z| z.origin.labels().len())
    }

    /// Answers `q` with message id `id`, as an authoritative server does.
    pub fn answer(&self, id: u16, q: &Question) -> (Message, Outcome) {
        let mut m = Message {
            header: Header { id, qr: true, aa: true, ..Header::default() },
            questions: vec![q.clone()],
            ..Message::default()
        };
        let Some(zone) = self.zone_for(&q.name) else {
            m.header.aa = false;
            m.header.rcode = 5;
            return (m, Outcome::Refused);
        };
        if let Some(cut) = zone.delegation(&q.name) {
            // A referral is not authoritative: NS records of the child, and glue for any
            // name server inside the child zone (RFC 1034 section 4.2.1).
            m.header.aa = false;
            for ns in zone.at(&cut).filter(|r| r.rtype == rtype::NS) {
                m.authority.push(ns.clone());
                if let RData::Ns(target) = &ns.data {
                    m.additional.extend(zone.at(target).filter(|r| r.rtype == rtype::A || r.rtype == rtype::AAAA).cloned());
                }
            }
            return (m, Outcome::Referral { zone: cut });
        }
        let mut name = q.name.clone();
        // Follow CNAMEs inside the zone; at most 8, so a loop in the data cannot hang.
        for _ in 0..8 {
            let here: Vec<&Record> = zone.at(&name).collect();
            if here.is_empty() {
                break;
            }
            let matching: Vec<Record> = here.iter().filter(|r| r.rtype == q.qtype).map(|r| (*r).clone()).collect();
            if !matching.is_empty() {
                m.answers.extend(matching);
                return (m, Outcome::Answer);
            }
            match here.iter().find(|r| r.rtype == rtype::CNAME) {
                Some(cname) => {
                    m.answers.push((*cname).clone());
                    let RData::Cname(target) = &cname.data else { break };
                    if !is_within(target, &zone.origin) {
                        // The target is elsewhere: the resolver must chase it.
                        return (m, Outcome::Answer);
                    }
                    name = target.clone();
                }
                None => {
                    m.authority.extend(zone.soa().cloned());
                    return (m, Outcome::NoData);
                }
            }
        }
        if !m.answers.is_empty() {
            return (m, Outcome::Answer);
        }
        // No such name: NXDOMAIN with the SOA, whose minimum bounds how long a resolver may
        // remember the denial (RFC 2308 section 5).
        m.header.rcode = 3;
        m.authority.extend(zone.soa().cloned());
        (m, Outcome::NxDomain)
    }
}

/// A question for `name` of type `qtype`, class IN.
pub fn question(name: &Name, qtype: u16) -> Question {
    Question { name: name.clone(), qtype, qclass: CLASS_IN }
}

#[cfg(test)]
mod tests {
    use super::super::world::example_world;
    use super::*;

    fn n(s: &str) -> Name {
        Name::parse(s).unwrap()
    }

    #[test]
    fn root_refers_to_com_with_glue() {
        let world = example_world();
        let (m, outcome) = world[0].answer(7, &question(&n("www.example.com"), rtype::A));
        assert_eq!(outcome, Outcome::Referral { zone: n("com") });
        assert!(!m.header.aa);
        assert!(m.answers.is_empty());
        assert!(m.authority.iter().all(|r| r.rtype == rtype::NS));
        assert!(!m.additional.is_empty(), "glue for the com servers");
    }

    #[test]
    fn authoritative_answer_follows_cnames_in_zone() {
        let world = example_world();
        let auth = world.iter().find(|s| s.name == "ns1.example.com").unwrap();
        let (m, outcome) = auth.answer(1, &question(&n("shop.example.com"), rtype::A));
        assert_eq!(outcome, Outcome::Answer);
        assert!(m.header.aa);
        assert_eq!(m.answers.iter().map(|r| r.rtype).collect::<Vec<_>>(), [rtype::CNAME, rtype::A]);
    }

    #[test]
    fn missing_names_are_nxdomain_with_the_soa() {
        let world = example_world();
        let auth = world.iter().find(|s| s.name == "ns1.example.com").unwrap();
        let (m, outcome) = auth.answer(1, &question(&n("nope.example.com"), rtype::A));
        assert_eq!(outcome, Outcome::NxDomain);
        assert_eq!(m.header.rcode, 3);
        assert_eq!(m.authority[0].rtype, rtype::SOA);
        let (_, nodata) = auth.answer(1, &question(&n("www.example.com"), rtype::MX));
        assert_eq!(nodata, Outcome::NoData);
    }

    #[test]
    fn names_compare_without_case() {
        assert!(is_within(&n("WWW.Example.com"), &n("example.COM")));
        assert!(!is_within(&n("example.com"), &n("www.example.com")));
        assert!(is_within(&n("a.b"), &Name::ROOT));
    }
}
