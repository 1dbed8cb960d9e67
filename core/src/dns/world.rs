//! The example internet the DNS lab starts from: the root, three top-level domains and a few
//! domains, with the records of the seeds' table (A, AAAA, CNAME, MX, NS, TXT, PTR, SOA, SRV),
//! written as zone text a person can edit. Server addresses are the real root and top-level
//! servers' where public, documentation addresses (RFC 5737) elsewhere.

use super::wire::Name;
use super::zone::{Server, Zone};
use super::zonefile::{self, LineError};

/// A server of the example world and the zones it serves.
pub struct ServerSpec {
    pub name: &'static str,
    pub address: [u8; 4],
    pub zones: &'static [&'static str],
}

/// Which server serves which zone. The records are editable; this layout is not.
pub const SERVERS: &[ServerSpec] = &[
    ServerSpec { name: "a.root-servers.net", address: [198, 41, 0, 4], zones: &["."] },
    ServerSpec { name: "a.gtld-servers.net", address: [192, 5, 6, 30], zones: &["com"] },
    ServerSpec { name: "a0.org.afilias-nst.org", address: [199, 19, 56, 1], zones: &["org"] },
    ServerSpec { name: "a.ns.arpa", address: [199, 180, 182, 53], zones: &["arpa"] },
    ServerSpec { name: "ns1.example.com", address: [192, 0, 2, 53], zones: &["example.com", "example.org", "216.184.93.in-addr.arpa"] },
];

/// The zones in the order the editor shows them, with their example text.
pub const ZONES: &[(&str, &str)] = &[
    (
        ".",
        "@ 86400 SOA a.root-servers.net. hostmaster 2026112101 7200 900 1209600 86400
@ 518400 NS a.root-servers.net.
com 172800 NS a.gtld-servers.net.
a.gtld-servers.net. 172800 A 192.5.6.30
org 172800 NS a0.org.afilias-nst.org.
a0.org.afilias-nst.org. 172800 A 199.19.56.1
arpa 172800 NS a.ns.arpa.
a.ns.arpa. 172800 A 199.180.182.53
",
    ),
    (
        "com",
        "@ 3600 SOA a.gtld-servers.net. hostmaster 2026112101 7200 900 1209600 900
@ 172800 NS a.gtld-servers.net.
; ns1.example.com is inside example.com: without this glue A record no one could find the
; server that holds its address.
example 172800 NS ns1.example.com.
ns1.example 172800 A 192.0.2.53
",
    ),
    (
        "org",
        "@ 3600 SOA a0.org.afilias-nst.org. hostmaster 2026112101 7200 900 1209600 900
example 172800 NS ns1.example.com.
",
    ),
    (
        "arpa",
        "@ 3600 SOA a.ns.arpa. hostmaster 2026112101 7200 900 1209600 900
216.184.93.in-addr 86400 NS ns1.example.com.
",
    ),
    (
        "example.com",
        "@ 3600 SOA ns1 hostmaster 2026112101 7200 900 1209600 300
@ 86400 NS ns1
ns1 86400 A 192.0.2.53
www 3600 A 93.184.216.34
www 3600 AAAA 2606:2800:220:1:248:1893:25c8:1946
shop 300 CNAME www
blog 300 CNAME www.example.org.
@ 3600 MX 10 mail
@ 3600 MX 20 backup-mail
mail 3600 A 192.0.2.25
backup-mail 3600 A 192.0.2.26
@ 3600 TXT \"v=spf1 mx -all\"
_sip._tcp 3600 SRV 10 60 5060 sip
sip 3600 A 192.0.2.60
; A 4096-bit DKIM key: too big for a 512-byte UDP answer.
s4096._domainkey 3600 TXT \"v=DKIM1; k=rsa; p=MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEAjmHCjV1L2aF5tl0oViRb5SK9ShZ37pOaqDJM3I1Gh32UXkNDMxENp0JS+b+kOrn2aNGQDtvGcxzw3bzoXAu/f/585ngalbMJ820rxSVGAxELAUaqsmFJ+juqt1vYa4BPqwFRyXuOFGD6pFn/u5lSuGPWZAwT7zzFet5iyMYkPkDY16AxBilR6/4+SqwB\" \"QWP4F38ZehDZ167Bx+gsz71xISnpaOVdyJa2IIKlluYEcEnf3yMbe1a4YVpi3g1RCQcbWZ66yLyLwR1rZoNS3NIDPThAK7gqGQTX86EJma8tDIr9XqOt+T+LXRcFdJIm1SC/vEG4EkMGHPn6s8o68w4R40GfA5CZkd+mnmjZ4OT2jSvB9dtnQXmWsm1+Dp8hTiuc1hQlfXO15JCgjphbrV54lsEu8ISwdYJigNlo996d/OoN/KdZVd7nCI\" \"FdNNkHs7H5BNKfvA0b1V1vQQvdNIeqst7gmniwneTIDOJbNZ3/zBxRurH4gN3c8NHtccsJX+mC5L3L/IyLFz3zYhj5iPTC92FjnLuCQgpObKeVh5tBhD4UrlRJ5MbzYJ5pf4v45VmAdkMsh0pDMZWk1Vfvs7ipV43HIru5dFDtx/Fm53GCCl6ekoM3Ur/4q5IfWZgMoRHPPWaX6ZcNCOEHlCO+jjpCJ9JFVXUNNLxAZHPp2w2JWa8CAwEA\" \"AQ==\"
",
    ),
    (
        "example.org",
        "@ 3600 SOA ns1.example.com. hostmaster 2026112101 7200 900 1209600 300
@ 86400 NS ns1.example.com.
www 600 A 93.184.216.34
",
    ),
    (
        "216.184.93.in-addr.arpa",
        "@ 3600 SOA ns1.example.com. hostmaster 2026112101 7200 900 1209600 300
34 3600 PTR www.example.com.
",
    ),
];

/// The example text of the zone `origin`.
pub fn example_zone(origin: &str) -> Option<&'static str> {
    ZONES.iter().find(|(o, _)| *o == origin).map(|(_, text)| *text)
}

/// Builds the servers from each zone's text, as `text_of` gives it (the example's, or an
/// edited one). Errors are per zone origin.
pub fn build(text_of: impl Fn(&str) -> String) -> Result<Vec<Server>, Vec<(String, Vec<LineError>)>> {
    let mut errors = Vec::new();
    let mut servers = Vec::new();
    for spec in SERVERS {
        let mut zones = Vec::new();
        for origin in spec.zones {
            let name = Name::parse(origin).unwrap_or_default();
            match zonefile::parse(&name, &text_of(origin)) {
                Ok(records) => zones.push(Zone { origin: name, records }),
                Err(e) => errors.push((origin.to_string(), e)),
            }
        }
        servers.push(Server { name: spec.name.to_string(), address: spec.address, zones });
    }
    if errors.is_empty() {
        Ok(servers)
    } else {
        Err(errors)
    }
}

/// The servers, root first, with the example's records.
pub fn example_world() -> Vec<Server> {
    build(|origin| example_zone(origin).unwrap_or_default().to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::wire::{decode, encode, Header, Message};
    use super::super::zone::is_within;
    use super::*;

    #[test]
    fn the_example_zones_read_without_error_and_cover_every_server() {
        let built = build(|origin| example_zone(origin).unwrap().to_string());
        assert!(built.is_ok(), "{:?}", built.err());
        let zones: usize = SERVERS.iter().map(|s| s.zones.len()).sum();
        assert_eq!(zones, ZONES.len());
    }

    #[test]
    fn every_record_is_inside_its_zone_and_survives_the_wire() {
        for server in example_world() {
            assert!(!server.zones.is_empty());
            for zone in &server.zones {
                for r in &zone.records {
                    assert!(is_within(&r.name, &zone.origin), "{}: {} outside {}", server.name, r.name, zone.origin);
                }
                let m = Message { header: Header { id: 1, qr: true, ..Header::default() }, answers: zone.records.clone(), ..Message::default() };
                assert_eq!(decode(&encode(&m, true).bytes).unwrap(), m, "{}", zone.origin);
            }
        }
    }
}
