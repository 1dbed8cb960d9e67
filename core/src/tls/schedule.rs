//! The TLS 1.3 key schedule (RFC 8446 section 7.1): every secret from the early secret to the
//! resumption master secret, with the traffic keys and IVs (section 7.3) and the Finished keys
//! (section 4.4.4), each kept with how it was made so the lab can draw the tree.

use super::crypto::{HashAlg, Suite};

/// One value of the schedule, as the picture shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The RFC's name, e.g. `client_handshake_traffic_secret`.
    pub name: &'static str,
    pub value: Vec<u8>,
    /// How it is made, in the RFC's notation.
    pub formula: String,
}

/// A direction's record protection: the key and IV (RFC 8446 section 7.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrafficKeys {
    pub key: Vec<u8>,
    pub iv: Vec<u8>,
}

impl TrafficKeys {
    pub fn from_secret(suite: Suite, secret: &[u8]) -> TrafficKeys {
        let h = suite.hash();
        TrafficKeys { key: h.expand_label(secret, "key", &[], suite.key_len()), iv: h.expand_label(secret, "iv", &[], Suite::IV_LEN) }
    }
}

/// The whole schedule of one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub suite: Suite,
    /// Whether a PSK fed the early secret (a resumption).
    pub psk: bool,
    pub early_secret: Vec<u8>,
    /// Derive-Secret(early_secret, "res binder", ""): the key of the PSK binder.
    pub binder_key: Vec<u8>,
    /// The 0-RTT data's traffic secret, over the ClientHello.
    pub client_early_traffic_secret: Vec<u8>,
    pub client_early: TrafficKeys,
    pub derived_for_handshake: Vec<u8>,
    pub handshake_secret: Vec<u8>,
    pub client_handshake_traffic_secret: Vec<u8>,
    pub server_handshake_traffic_secret: Vec<u8>,
    pub derived_for_master: Vec<u8>,
    pub master_secret: Vec<u8>,
    pub client_application_traffic_secret_0: Vec<u8>,
    pub server_application_traffic_secret_0: Vec<u8>,
    pub exporter_master_secret: Vec<u8>,
    pub resumption_master_secret: Vec<u8>,
    pub client_handshake: TrafficKeys,
    pub server_handshake: TrafficKeys,
    pub client_application: TrafficKeys,
    pub server_application: TrafficKeys,
    pub server_finished_key: Vec<u8>,
    pub client_finished_key: Vec<u8>,
}

/// The transcript hashes the schedule needs, each over the handshake messages up to and
/// including the one named.
pub struct Transcripts<'a> {
    /// The ClientHello (the one with the PSK, for 0-RTT).
    pub to_client_hello: &'a [u8],
    /// ClientHello … ServerHello.
    pub to_server_hello: &'a [u8],
    /// ClientHello … server Finished.
    pub to_server_finished: &'a [u8],
    /// ClientHello … client Finished.
    pub to_client_finished: &'a [u8],
}

impl Schedule {
    /// The schedule for a full handshake (no PSK: the early secret is extracted from zeros)
    /// with the (EC)DHE shared secret `shared`.
    pub fn full(suite: Suite, psk: Option<&[u8]>, shared: &[u8], t: &Transcripts) -> Schedule {
        let h = suite.hash();
        let zeros = vec![0u8; h.len()];
        let empty_hash = h.digest(&[]);
        let early_secret = h.extract(&zeros, psk.unwrap_or(&zeros));
        let binder_key = h.derive_secret(&early_secret, "res binder", &empty_hash);
        let client_early_traffic_secret = Schedule::client_early_traffic_secret(h, &early_secret, t.to_client_hello);
        let derived_for_handshake = h.derive_secret(&early_secret, "derived", &empty_hash);
        let handshake_secret = h.extract(&derived_for_handshake, shared);
        let client_handshake_traffic_secret = h.derive_secret(&handshake_secret, "c hs traffic", t.to_server_hello);
        let server_handshake_traffic_secret = h.derive_secret(&handshake_secret, "s hs traffic", t.to_server_hello);
        let derived_for_master = h.derive_secret(&handshake_secret, "derived", &empty_hash);
        let master_secret = h.extract(&derived_for_master, &zeros);
        let client_application_traffic_secret_0 = h.derive_secret(&master_secret, "c ap traffic", t.to_server_finished);
        let server_application_traffic_secret_0 = h.derive_secret(&master_secret, "s ap traffic", t.to_server_finished);
        let exporter_master_secret = h.derive_secret(&master_secret, "exp master", t.to_server_finished);
        let resumption_master_secret = h.derive_secret(&master_secret, "res master", t.to_client_finished);
        Schedule {
            suite,
            psk: psk.is_some(),
            client_early: TrafficKeys::from_secret(suite, &client_early_traffic_secret),
            binder_key,
            client_early_traffic_secret,
            client_handshake: TrafficKeys::from_secret(suite, &client_handshake_traffic_secret),
            server_handshake: TrafficKeys::from_secret(suite, &server_handshake_traffic_secret),
            client_application: TrafficKeys::from_secret(suite, &client_application_traffic_secret_0),
            server_application: TrafficKeys::from_secret(suite, &server_application_traffic_secret_0),
            server_finished_key: finished_key(h, &server_handshake_traffic_secret),
            client_finished_key: finished_key(h, &client_handshake_traffic_secret),
            early_secret,
            derived_for_handshake,
            handshake_secret,
            client_handshake_traffic_secret,
            server_handshake_traffic_secret,
            derived_for_master,
            master_secret,
            client_application_traffic_secret_0,
            server_application_traffic_secret_0,
            exporter_master_secret,
            resumption_master_secret,
        }
    }

    /// Every value in the order of RFC 8446 section 7.1's figure, with its formula.
    pub fn nodes(&self) -> Vec<Node> {
        let n = |name, value: &Vec<u8>, formula: &str| Node { name, value: value.clone(), formula: formula.to_string() };
        let mut early = vec![n("early_secret", &self.early_secret, "HKDF-Extract(salt: 0, IKM: PSK, or 0 without one)")];
        if self.psk {
            early.push(n("binder_key", &self.binder_key, "Derive-Secret(early_secret, \"res binder\", \"\")"));
            early.push(n("client_early_traffic_secret", &self.client_early_traffic_secret, "Derive-Secret(early_secret, \"c e traffic\", ClientHello)"));
            early.push(n("client_early_key", &self.client_early.key, "HKDF-Expand-Label(client_early_traffic_secret, \"key\", \"\", key length)"));
            early.push(n("client_early_iv", &self.client_early.iv, "HKDF-Expand-Label(client_early_traffic_secret, \"iv\", \"\", 12)"));
        }
        early.extend(vec![
            n("derived_for_handshake", &self.derived_for_handshake, "Derive-Secret(early_secret, \"derived\", \"\")"),
            n("handshake_secret", &self.handshake_secret, "HKDF-Extract(salt: derived, IKM: (EC)DHE shared secret)"),
            n("client_handshake_traffic_secret", &self.client_handshake_traffic_secret, "Derive-Secret(handshake_secret, \"c hs traffic\", ClientHello…ServerHello)"),
            n("server_handshake_traffic_secret", &self.server_handshake_traffic_secret, "Derive-Secret(handshake_secret, \"s hs traffic\", ClientHello…ServerHello)"),
            n("derived_for_master", &self.derived_for_master, "Derive-Secret(handshake_secret, \"derived\", \"\")"),
            n("master_secret", &self.master_secret, "HKDF-Extract(salt: derived, IKM: 0)"),
            n("client_application_traffic_secret_0", &self.client_application_traffic_secret_0, "Derive-Secret(master_secret, \"c ap traffic\", ClientHello…server Finished)"),
            n("server_application_traffic_secret_0", &self.server_application_traffic_secret_0, "Derive-Secret(master_secret, \"s ap traffic\", ClientHello…server Finished)"),
            n("exporter_master_secret", &self.exporter_master_secret, "Derive-Secret(master_secret, \"exp master\", ClientHello…server Finished)"),
            n("resumption_master_secret", &self.resumption_master_secret, "Derive-Secret(master_secret, \"res master\", ClientHello…client Finished)"),
            n("client_handshake_key", &self.client_handshake.key, "HKDF-Expand-Label(client_handshake_traffic_secret, \"key\", \"\", key length)"),
            n("client_handshake_iv", &self.client_handshake.iv, "HKDF-Expand-Label(client_handshake_traffic_secret, \"iv\", \"\", 12)"),
            n("server_handshake_key", &self.server_handshake.key, "HKDF-Expand-Label(server_handshake_traffic_secret, \"key\", \"\", key length)"),
            n("server_handshake_iv", &self.server_handshake.iv, "HKDF-Expand-Label(server_handshake_traffic_secret, \"iv\", \"\", 12)"),
            n("client_application_key", &self.client_application.key, "HKDF-Expand-Label(client_application_traffic_secret_0, \"key\", \"\", key length)"),
            n("client_application_iv", &self.client_application.iv, "HKDF-Expand-Label(client_application_traffic_secret_0, \"iv\", \"\", 12)"),
            n("server_application_key", &self.server_application.key, "HKDF-Expand-Label(server_application_traffic_secret_0, \"key\", \"\", key length)"),
            n("server_application_iv", &self.server_application.iv, "HKDF-Expand-Label(server_application_traffic_secret_0, \"iv\", \"\", 12)"),
            n("server_finished_key", &self.server_finished_key, "HKDF-Expand-Label(server_handshake_traffic_secret, \"finished\", \"\", hash length)"),
            n("client_finished_key", &self.client_finished_key, "HKDF-Expand-Label(client_handshake_traffic_secret, \"finished\", \"\", hash length)"),
        ]);
        early
    }

    /// Derive-Secret(early_secret, "c e traffic", ClientHello).
    fn client_early_traffic_secret(h: HashAlg, early_secret: &[u8], client_hello_hash: &[u8]) -> Vec<u8> {
        h.derive_secret(early_secret, "c e traffic", client_hello_hash)
    }

    /// The keys of 0-RTT data: from the PSK and the ClientHello alone, before any reply (what
    /// a client uses whether or not the server then accepts the PSK).
    pub fn client_early_keys(suite: Suite, psk: &[u8], client_hello_hash: &[u8]) -> TrafficKeys {
        let h = suite.hash();
        let early = h.extract(&vec![0u8; h.len()], psk);
        TrafficKeys::from_secret(suite, &Schedule::client_early_traffic_secret(h, &early, client_hello_hash))
    }

    /// The PSK binder of a ClientHello truncated before its binders (RFC 8446 section
    /// 4.2.11.2): an HMAC with the binder key's finished key.
    pub fn binder(suite: Suite, psk: &[u8], truncated_transcript: &[u8]) -> Vec<u8> {
        let h = suite.hash();
        let early = h.extract(&vec![0u8; h.len()], psk);
        let binder_key = h.derive_secret(&early, "res binder", &h.digest(&[]));
        h.hmac(&finished_key(h, &binder_key), &h.digest(truncated_transcript))
    }
}

/// The key a Finished message's HMAC uses (RFC 8446 section 4.4.4).
pub fn finished_key(h: HashAlg, base_key: &[u8]) -> Vec<u8> {
    h.expand_label(base_key, "finished", &[], h.len())
}

/// Each value's parent in the schedule: the earlier value its formula starts from (named as a
/// whole word; an HKDF-Extract's salt is the "derived" value just before it).
pub fn parents(nodes: &[Node]) -> Vec<Option<usize>> {
    let word = |formula: &str, name: &str| {
        formula.match_indices(name).find(|(at, _)| {
            let before = formula[..*at].chars().next_back();
            let after = formula[at + name.len()..].chars().next();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_') && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
        .map(|(at, _)| at)
    };
    nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let salt = match n.name {
                "handshake_secret" => Some("derived_for_handshake"),
                "master_secret" => Some("derived_for_master"),
                _ => None,
            };
            if let Some(p) = salt.and_then(|s| nodes[..i].iter().position(|m| m.name == s)) {
                return Some(p);
            }
            nodes[..i].iter().enumerate().filter_map(|(j, m)| word(&n.formula, m.name).map(|at| (at, j))).min().map(|(_, j)| j)
        })
        .collect()
}

#[cfg(test)]
mod tree_tests {
    use super::*;

    #[test]
    fn each_value_hangs_under_the_one_it_is_derived_from() {
        let v = |name| Node { name, value: Vec::new(), formula: String::new() };
        let nodes = vec![
            Node { formula: "HKDF-Extract(salt: 0, IKM: PSK)".into(), ..v("early_secret") },
            Node { formula: "Derive-Secret(early_secret, \"derived\", \"\")".into(), ..v("derived_for_handshake") },
            Node { formula: "HKDF-Extract(salt: derived, IKM: shared secret)".into(), ..v("handshake_secret") },
            Node { formula: "Derive-Secret(handshake_secret, \"c hs traffic\", …)".into(), ..v("client_handshake_traffic_secret") },
            Node { formula: "HKDF-Expand-Label(client_handshake_traffic_secret, \"key\", \"\", 16)".into(), ..v("client_handshake_key") },
        ];
        assert_eq!(parents(&nodes), vec![None, Some(0), Some(1), Some(2), Some(3)]);
    }
}
