//! The example internet the DNS lab starts from: the root, three top-level domains and one
//! domain, with the records of the seeds' table (A, AAAA, CNAME, MX, NS, TXT, PTR, SOA, SRV).
//! Server addresses are the real root and .com servers' where public, documentation addresses
//! (RFC 5737) elsewhere.

use super::wire::{Name, RData, Record, CLASS_IN};
use super::zone::{Server, Zone};

fn n(s: &str) -> Name {
    // Every literal below is a valid name; a typo would show as the root in tests.
    Name::parse(s).unwrap_or_default()
}

fn rec(name: &str, ttl: u32, data: RData) -> Record {
    Record { name: n(name), rtype: data.rtype(), class: CLASS_IN, ttl, data }
}

fn soa(origin: &str, mname: &str, minimum: u32) -> Record {
    rec(origin, 3600, RData::Soa { mname: n(mname), rname: n(&format!("hostmaster.{origin}")), serial: 2026112101, refresh: 7200, retry: 900, expire: 1_209_600, minimum })
}

/// The servers, root first.
pub fn example_world() -> Vec<Server> {
    let day = 86_400;
    let two_days = 172_800;
    vec![
        Server {
            name: "a.root-servers.net".into(),
            address: [198, 41, 0, 4],
            zones: vec![Zone {
                origin: Name::ROOT,
                records: vec![
                    soa(".", "a.root-servers.net", day),
                    rec(".", 518_400, RData::Ns(n("a.root-servers.net"))),
                    rec("com", two_days, RData::Ns(n("a.gtld-servers.net"))),
                    rec("a.gtld-servers.net", two_days, RData::A([192, 5, 6, 30])),
                    rec("org", two_days, RData::Ns(n("a0.org.afilias-nst.org"))),
                    rec("a0.org.afilias-nst.org", two_days, RData::A([199, 19, 56, 1])),
                    rec("arpa", two_days, RData::Ns(n("a.ns.arpa"))),
                    rec("a.ns.arpa", two_days, RData::A([199, 180, 182, 53])),
                ],
            }],
        },
        Server {
            name: "a.gtld-servers.net".into(),
            address: [192, 5, 6, 30],
            zones: vec![Zone {
                origin: n("com"),
                records: vec![
                    soa("com", "a.gtld-servers.net", 900),
                    rec("com", two_days, RData::Ns(n("a.gtld-servers.net"))),
                    // ns1.example.com is inside example.com: without the glue A record below,
                    // no one could find the server that holds its address.
                    rec("example.com", two_days, RData::Ns(n("ns1.example.com"))),
                    rec("ns1.example.com", two_days, RData::A([192, 0, 2, 53])),
                ],
            }],
        },
        Server {
            name: "a0.org.afilias-nst.org".into(),
            address: [199, 19, 56, 1],
            zones: vec![Zone {
                origin: n("org"),
                records: vec![
                    soa("org", "a0.org.afilias-nst.org", 900),
                    rec("example.org", two_days, RData::Ns(n("ns1.example.com"))),
                ],
            }],
        },
        Server {
            name: "a.ns.arpa".into(),
            address: [199, 180, 182, 53],
            zones: vec![Zone {
                origin: n("arpa"),
                records: vec![
                    soa("arpa", "a.ns.arpa", 900),
                    rec("216.184.93.in-addr.arpa", day, RData::Ns(n("ns1.example.com"))),
                ],
            }],
        },
        Server {
            name: "ns1.example.com".into(),
            address: [192, 0, 2, 53],
            zones: vec![
                Zone {
                    origin: n("example.com"),
                    records: vec![
                        soa("example.com", "ns1.example.com", 300),
                        rec("example.com", day, RData::Ns(n("ns1.example.com"))),
                        rec("ns1.example.com", day, RData::A([192, 0, 2, 53])),
                        rec("www.example.com", 3600, RData::A([93, 184, 216, 34])),
                        rec("www.example.com", 3600, RData::Aaaa([0x26, 0x06, 0x28, 0, 0x02, 0x20, 0, 1, 0x2, 0x48, 0x18, 0x93, 0x25, 0xc8, 0x19, 0x46])),
                        rec("shop.example.com", 300, RData::Cname(n("www.example.com"))),
                        rec("blog.example.com", 300, RData::Cname(n("www.example.org"))),
                        rec("example.com", 3600, RData::Mx { preference: 10, exchange: n("mail.example.com") }),
                        rec("example.com", 3600, RData::Mx { preference: 20, exchange: n("backup-mail.example.com") }),
                        rec("mail.example.com", 3600, RData::A([192, 0, 2, 25])),
                        rec("backup-mail.example.com", 3600, RData::A([192, 0, 2, 26])),
                        rec("example.com", 3600, RData::Txt(vec![b"v=spf1 mx -all".to_vec()])),
                        rec("_sip._tcp.example.com", 3600, RData::Srv { priority: 10, weight: 60, port: 5060, target: n("sip.example.com") }),
                        rec("sip.example.com", 3600, RData::A([192, 0, 2, 60])),
                    ],
                },
                Zone {
                    origin: n("example.org"),
                    records: vec![
                        soa("example.org", "ns1.example.com", 300),
                        rec("example.org", day, RData::Ns(n("ns1.example.com"))),
                        rec("www.example.org", 600, RData::A([93, 184, 216, 34])),
                    ],
                },
                Zone {
                    origin: n("216.184.93.in-addr.arpa"),
                    records: vec![
                        soa("216.184.93.in-addr.arpa", "ns1.example.com", 300),
                        rec("34.216.184.93.in-addr.arpa", 3600, RData::Ptr(n("www.example.com"))),
                    ],
                },
            ],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::super::wire::{decode, encode, Header, Message};
    use super::super::zone::is_within;
    use super::*;

    #[test]
    fn every_record_is_inside_its_zone_and_survives_the_wire() {
        for server in example_world() {
            for zone in &server.zones {
                for r in &zone.records {
                    assert!(is_within(&r.name, &zone.origin), "{}: {} outside {}", server.name, r.name, zone.origin);
                    // Only the root zone's own records may be named "." (a typo would be too).
                    assert!(r.name != Name::ROOT || zone.origin == Name::ROOT, "{}: a record fell back to the root", server.name);
                }
                let m = Message { header: Header { id: 1, qr: true, ..Header::default() }, answers: zone.records.clone(), ..Message::default() };
                assert_eq!(decode(&encode(&m, true).bytes).unwrap(), m, "{}", zone.origin);
            }
        }
    }
}
