//! The TLS lab's run: a scenario becomes a connection on a time axis (the TCP handshake, then
//! TLS 1.3's one round trip, then encrypted application data and close_notify), as a trace
//! whose steps carry the real records, and the key schedule the picture draws.

use super::crypto::Suite;
use super::scenario::{self, group_code, scheme_code, suite_code, version_code, TlsScenario};
use super::tls12::{self, Handshake12, Kex};
use super::schedule::Node;
use super::wire::{self, content_type};
use super::scenario::{ChainProblem, Identity};
use super::revocation::{self, CertId, CertStatus, Method, Revoked};
use super::x509;
use super::{RevocationCheck, ChainCheck, ClientConfig, Connection, Failure, Handshake, Protection, Record, Resumption, ServerConfig, ServerKey, Side, TicketConfig};
use crate::rng::SplitMix64;
use crate::tcp::wire::{Flags, Segment};
use crate::trace::{Actor, ActorState, ByteRange, Field, SimTime, SpecRef, StateChange, Step, StepKind, Trace, Var};

const CLIENT: usize = 0;
const SERVER: usize = 1;
const CLIENT_IP: [u8; 4] = [192, 0, 2, 10];
const SERVER_IP: [u8; 4] = [198, 51, 100, 20];
const CLIENT_PORT: u16 = 49152;
const SERVER_PORT: u16 = 443;
/// The CA's CRL and OCSP server.
const CA_IP: [u8; 4] = [203, 0, 113, 80];
/// Where the lab's issuing CA publishes its CRL, and where its OCSP responder answers.
pub const CRL_HOST: &str = "crl.lab.example";
pub const CRL_PATH: &str = "/issuing-ca.crl";
pub const OCSP_HOST: &str = "ocsp.lab.example";
/// How long the client waits for the CA's server before it gives up, in microseconds.
const REVOCATION_TIMEOUT: u64 = 2_000_000;
const ISSUING_CA: &str = "Wirelab Lab Issuing CA";

/// What the lab draws: the trace, and the key schedule (empty when the handshake failed
/// before keys existed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsRun {
    pub trace: Trace,
    pub schedule: Vec<Node>,
    /// The suite negotiated, when one was.
    pub suite: Option<String>,
    /// The connection as a pcap file (`crate::pcap`): the TCP handshake and each TLS record in a
    /// TCP segment, with real checksums.
    pub capture: Vec<u8>,
    /// The secrets in the SSLKEYLOGFILE format Wireshark reads, to decrypt the capture; empty
    /// when no keys were derived.
    pub keylog: String,
}

use crate::pcap::EPOCH as CAPTURE_EPOCH;

/// The SSLKEYLOGFILE lines for a handshake (NSS's format, which Wireshark reads).
pub fn keylog(hs: &Handshake, client_random: &[u8; 32]) -> String {
    let r = hex(client_random);
    let s = &hs.schedule;
    let early = if hs.early_data.is_some() { format!("CLIENT_EARLY_TRAFFIC_SECRET {r} {}\n", hex(&s.client_early_traffic_secret)) } else { String::new() };
    early
        + &[
        ("CLIENT_HANDSHAKE_TRAFFIC_SECRET", &s.client_handshake_traffic_secret),
        ("SERVER_HANDSHAKE_TRAFFIC_SECRET", &s.server_handshake_traffic_secret),
        ("CLIENT_TRAFFIC_SECRET_0", &s.client_application_traffic_secret_0),
        ("SERVER_TRAFFIC_SECRET_0", &s.server_application_traffic_secret_0),
        ("EXPORTER_SECRET", &s.exporter_master_secret),
    ]
    .iter()
    .map(|(label, secret)| format!("{label} {r} {}\n", hex(secret)))
    .collect::<String>()
}

/// The trace's packets as a pcap file: its TCP segments as they are, and each TLS record in a
/// TCP segment of its own (PSH, ACK) with the sequence numbers running on from the handshake.
pub fn capture(t: &Trace, isns: (u32, u32)) -> Vec<u8> {
    let mut c = crate::pcap::Capture::new();
    let mut next = [isns.0.wrapping_add(1), isns.1.wrapping_add(1)];
    let ends = [(CLIENT_IP, CLIENT_PORT), (SERVER_IP, SERVER_PORT)];
    // (An attacker's replay would be another connection: it is left out.)
    for step in t.steps.iter().filter(|st| st.kind == StepKind::Message && !st.bytes.is_empty() && st.from < 2 && st.to < 2) {
        let when = CAPTURE_EPOCH * 1_000_000 + step.at.micros();
        let (from, to) = (step.from.min(1), step.to.min(1));
        if step.bytes_label == "TCP segment" {
            c.ipv4(when, ends[from].0, ends[to].0, crate::pcap::TCP, &step.bytes);
            continue;
        }
        let seg = Segment { source_port: ends[from].1, destination_port: ends[to].1, seq: next[from], ack: next[to], flags: Flags::PSH.with(Flags::ACK), window: 65535, mss: None, payload: step.bytes.clone() };
        next[from] = next[from].wrapping_add(step.bytes.len() as u32);
        c.ipv4(when, ends[from].0, ends[to].0, crate::pcap::TCP, &seg.encode(ends[from].0, ends[to].0));
    }
    c.into_bytes()
}

use crate::trace::hex_bytes::encode as hex;

fn field(name: &str, value: String, range: Option<(usize, usize)>, note: &str) -> Field {
    Field { name: name.to_string(), value, bytes: range.map(|(a, b)| ByteRange::new(a, b)), note: note.to_string(), points_to: None }
}

/// A client's checks as fields: each with ✓ or ✗, and its detail.
fn check_fields(checks: &[x509::Check]) -> Vec<Field> {
    checks.iter().map(|c| field(&format!("{} {}", if c.ok { "✓" } else { "✗" }, c.what), if c.ok { "yes".into() } else { "no".into() }, None, &c.detail)).collect()
}

fn spec(section: &str, title: &str) -> Vec<SpecRef> {
    vec![SpecRef::rfc(8446, section, title)]
}

/// The configurations a scenario describes.
pub fn configs(s: &TlsScenario) -> (ClientConfig, ServerConfig, super::AppData) {
    let (client_random, server_random, client_key, server_key) = s.randoms_and_keys();
    let mut rng = SplitMix64::new(s.seed ^ 0x7715_5a17);
    let codes = |names: &[String], code: fn(&str) -> Option<u16>| names.iter().filter_map(|n| code(n)).collect::<Vec<u16>>();
    let client_groups = codes(&s.client_groups, group_code);
    let key_shares: Vec<(u16, [u8; 32])> = codes(&s.key_shares, group_code).into_iter().enumerate().map(|(i, g)| (g, if i == 0 { client_key } else { s.extra_key(i) })).collect();
    let rfc = s.rfc8448_extensions;
    let salt = scenario::hex(&s.pss_salt).unwrap_or_default();
    let versions = |list: &[String]| list.iter().filter_map(|v| version_code(v)).collect::<Vec<u16>>();
    let mut staples = Vec::new();
    let (chain, signing, rsa, chain_check) = match s.identity {
        Identity::Rfc8448 => {
            let (certificate, key) = super::rfc8448_identity::load();
            (vec![certificate], ServerKey::Rsa { key: Box::new(key), salt }, None, None)
        }
        Identity::Lab => {
            let lab = lab_chain(s);
            // The CA's answers are signed only when someone will read them.
            let answers = (s.revocation != Method::None && !s.responder_down).then(|| ca_answers(s, &lab));
            staples = if s.revocation == Method::Stapled { answers.as_ref().map(|a| a.ocsp.clone()).unwrap_or_default() } else { Vec::new() };
            let revocation = (s.revocation != Method::None).then(|| RevocationCheck { method: s.revocation, crl: answers.as_ref().map(|a| a.crl.clone()), ocsp: answers.map(|a| a.ocsp).unwrap_or_default(), hard_fail: s.hard_fail });
            (lab.chain, ServerKey::Ecdsa(lab.key), lab.rsa, Some(ChainCheck { trusted: lab.trusted, host: host(s), now: s.now, revocation }))
        }
    };
    let client = ClientConfig {
        versions: versions(&s.client_versions),
        random: client_random,
        session_id: Vec::new(),
        suites: codes(&s.client_suites, suite_code),
        groups: client_groups,
        key_shares,
        retry_key: s.extra_key(0),
        schemes: codes(&s.signature_algorithms, scheme_code),
        server_name: (!s.server_name.is_empty()).then(|| s.server_name.clone()),
        alpn: s.client_alpn.clone(),
        legacy_extensions: rfc,
        psk_modes: if rfc || s.resume { vec![1] } else { Vec::new() },
        record_size_limit: rfc.then_some(0x4001),
        padding: s.client_padding.map(|p| p as usize),
        resumption: None,
        chain_check,
        status_request: s.revocation == Method::Stapled,
    };

    let mut ticket = scenario::hex(&s.ticket).unwrap_or_default();
    let age_add = rng.next_u32();
    if ticket.is_empty() && s.resume {
        // The server's ticket from the earlier connection: opaque bytes to the client.
        ticket = (0..4).flat_map(|_| rng.next_u64().to_be_bytes()).collect();
    }
    let server = ServerConfig {
        versions: versions(&s.server_versions),
        rsa,
        random: server_random,
        suites: codes(&s.server_suites, suite_code),
        groups: codes(&s.server_groups, group_code),
        key_share: server_key,
        chain,
        key: signing,
        record_size_limit: rfc.then_some(0x4001),
        alpn: s.server_alpn.clone(),
        ticket: (!ticket.is_empty()).then(|| TicketConfig { lifetime: s.ticket_lifetime, age_add: s.ticket_age_add.unwrap_or(age_add), nonce: vec![0, 0], ticket, max_early_data: s.max_early_data }),
        accept_early_data: s.accept_early_data,
        known_psk: None,
        seed: s.seed,
        staples,
    };
    let data = super::AppData { client: scenario::data(&s.request).unwrap_or_default(), server: scenario::data(&s.response).unwrap_or_default() };
    let (mut client, mut server) = (client, server);
    if s.resume {
        if let Some((psk, ticket)) = earlier_session(s, &client, &server) {
            let age_add = server.ticket.as_ref().map(|t| t.age_add).unwrap_or(0);
            let early = scenario::data(&s.early_data).ok().filter(|d| !d.is_empty());
            client.resumption = Some(Resumption { psk: psk.clone(), ticket: ticket.clone(), obfuscated_age: s.ticket_age_ms.wrapping_add(age_add), early_data: early });
            server.known_psk = Some((ticket, psk));
        }
    }
    (client, server, data)
}

/// The DER of each certificate in a Certificate message's bytes (RFC 8446 section 4.4.2).
fn cert_data(msg: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    // Type (1), length (3), context length (1) and context, list length (3), then entries.
    let Some(&ctx) = msg.get(4) else { return out };
    let mut at = 5 + ctx as usize + 3;
    let len = |b: &[u8]| b.iter().fold(0usize, |a, x| a << 8 | *x as usize);
    while let Some(l) = msg.get(at..at + 3).map(len) {
        let Some(der) = msg.get(at + 3..at + 3 + l) else { break };
        out.push(der.to_vec());
        at += 3 + l;
        let Some(ext) = msg.get(at..at + 2).map(len) else { break };
        at += 2 + ext;
    }
    out
}

/// The DER of each certificate in a TLS 1.2 Certificate message (RFC 5246 section 7.4.2).
fn cert_data12(msg: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let len = |b: &[u8]| b.iter().fold(0usize, |a, x| a << 8 | *x as usize);
    let mut at = 4 + 3;
    while let Some(l) = msg.get(at..at + 3).map(len) {
        let Some(der) = msg.get(at + 3..at + 3 + l) else { break };
        out.push(der.to_vec());
        at += 3 + l;
    }
    out
}

/// The host name the client connects to: the SNI, or example.com without one.
fn host(s: &TlsScenario) -> String {
    if s.server_name.is_empty() { "example.com".into() } else { s.server_name.clone() }
}

/// The lab's certificates: what the server sends, its key, and the client's trust store.
pub struct LabChain {
    pub chain: Vec<Vec<u8>>,
    pub key: p256::ecdsa::SigningKey,
    pub trusted: Vec<Vec<u8>>,
    /// The same server with an RSA key (RFC 7515 appendix A.2's), for TLS 1.2's RSA suites:
    /// its chain and key. Made only when the scenario could pick such a suite.
    pub rsa: Option<(Vec<Vec<u8>>, Box<rsa::RsaPrivateKey>)>,
    /// The issuing CA's certificate and key: it signs the server's certificates, its CRL and
    /// its OCSP answers.
    pub issuing: (Vec<u8>, p256::ecdsa::SigningKey),
}

/// What the issuing CA publishes about the server's certificates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaAnswers {
    /// Its CRL (DER).
    pub crl: Vec<u8>,
    /// Its OCSP answer (DER) for each of the server's certificates, by serial number.
    pub ocsp: Vec<(Vec<u8>, Vec<u8>)>,
}

/// The issuing CA's CRL, issued six hours ago and listing a few other revoked certificates
/// (and the server's, when the scenario revokes it), and its OCSP answer for each of the
/// server's certificates, made an hour ago.
pub fn ca_answers(s: &TlsScenario, lab: &LabChain) -> CaAnswers {
    let (hour, day) = (3600, 86_400);
    let now = s.now;
    let Ok(issuer) = x509::parse(&lab.issuing.0) else { return CaAnswers { crl: Vec::new(), ocsp: Vec::new() } };
    let leaves: Vec<x509::Certificate> = std::iter::once(&lab.chain).chain(lab.rsa.as_ref().map(|r| &r.0)).filter_map(|c| x509::parse(c.first()?).ok()).collect();
    let mut rng = SplitMix64::new(s.seed ^ 0x6372_6c73);
    let mut revoked: Vec<Revoked> = (0..3u64).map(|i| Revoked { serial: (0x2000 + (rng.next_u32() as u64 & 0xfff)).to_be_bytes().iter().copied().skip_while(|b| *b == 0).collect(), at: now - (i as i64 + 3) * 5 * day }).collect();
    let revoked_at = now - 2 * day;
    if s.revoked {
        revoked.extend(leaves.iter().map(|l| Revoked { serial: l.serial.clone(), at: revoked_at }));
    }
    let crl = revocation::crl(ISSUING_CA, &lab.issuing.1, now - 6 * hour, now - 6 * hour + 7 * day, 1000 + s.seed % 1000, &revoked);
    let status = if s.revoked { CertStatus::Revoked(revoked_at) } else { CertStatus::Good };
    let ocsp = leaves.iter().map(|l| (l.serial.clone(), revocation::ocsp_response(ISSUING_CA, &lab.issuing.1, &CertId::of(l, &issuer), status, now - hour, now - hour, now - hour + 4 * day))).collect();
    CaAnswers { crl, ocsp }
}

/// Whether the server might pick a TLS 1.2 suite signed or keyed with RSA.
fn needs_rsa(s: &TlsScenario) -> bool {
    let offers12 = |list: &[String]| list.iter().any(|v| version_code(v) == Some(super::TLS12));
    offers12(&s.client_versions) && offers12(&s.server_versions) && s.server_suites.iter().filter_map(|n| scenario::server_suite_code(n)).filter_map(tls12::Suite12::from_code).any(|x| x.auth == tls12::Auth::Rsa)
}

/// RFC 7515 appendix A.2's 2048-bit RSA key (the JWT lab's), as the lab server's RSA key.
fn rsa_key() -> Option<rsa::RsaPrivateKey> {
    // Its members read directly (the JWT lab's general JWK reader would bring every key type
    // into this page).
    let jwk: serde_json::Value = serde_json::from_str(include_str!("../jwt/rfc7515_a2_key.json")).ok()?;
    let big = |member: &str| crate::base64url::decode(jwk.get(member)?.as_str()?).ok().map(|b| rsa::BigUint::from_bytes_be(&b));
    rsa::RsaPrivateKey::from_components(big("n")?, big("e")?, big("d")?, vec![big("p")?, big("q")?]).ok()
}

/// A root (trusted by the client), an intermediate and the server's certificate, with keys
/// from the seed, and the scenario's chain problem made real.
pub fn lab_chain(s: &TlsScenario) -> LabChain {
    let mut rng = SplitMix64::new(s.seed ^ 0x5831_3530_3963_6572);
    let mut draw = || {
        let mut b = [0u8; 32];
        for chunk in b.chunks_mut(8) {
            chunk.copy_from_slice(&rng.next_u64().to_le_bytes());
        }
        x509::key(&b)
    };
    let (root, inter, leaf, other) = (draw(), draw(), draw(), draw());
    let day = 86_400;
    // Issued around the lab's date, not the client's clock: moving the clock shows a valid
    // certificate expire, or not be valid yet.
    let now = scenario::CLOCK;
    let host = host(s);
    let root_spec = x509::Spec { serial: 1, issuer: "Wirelab Lab Root CA".into(), subject: "Wirelab Lab Root CA".into(), not_before: now - 5 * 365 * day, not_after: now + 10 * 365 * day, dns_names: Vec::new(), basic_constraints: Some((true, None)), key_usage: Some(x509::KEY_CERT_SIGN | x509::CRL_SIGN), crl_url: None, ocsp_url: None };
    let untrusted = s.chain_problem == ChainProblem::UntrustedRoot;
    let inter_issuer = if untrusted { "Unknown Root CA" } else { "Wirelab Lab Root CA" };
    let inter_spec = x509::Spec {
        serial: 2,
        issuer: inter_issuer.into(),
        subject: ISSUING_CA.into(),
        not_before: now - 365 * day,
        not_after: now + 5 * 365 * day,
        dns_names: Vec::new(),
        basic_constraints: Some((s.chain_problem != ChainProblem::IntermediateNotCa, Some(0))),
        key_usage: Some(if s.chain_problem == ChainProblem::IntermediateNotCa { x509::DIGITAL_SIGNATURE } else { x509::KEY_CERT_SIGN | x509::CRL_SIGN }),
        crl_url: None,
        ocsp_url: None,
    };
    let (not_before, not_after) = match s.chain_problem {
        ChainProblem::Expired => (now - 120 * day, now - day),
        ChainProblem::NotYetValid => (now + day, now + 91 * day),
        _ => (now - 30 * day, now + 60 * day),
    };
    let names = if s.chain_problem == ChainProblem::WrongHost { vec!["other.example".to_string(), "www.other.example".to_string()] } else { vec![host.clone(), format!("www.{host}")] };
    let self_signed = s.chain_problem == ChainProblem::SelfSigned;
    let leaf_spec = x509::Spec {
        serial: 0x1000 + (s.seed & 0xffff),
        issuer: if self_signed { host.clone() } else { ISSUING_CA.into() },
        subject: host.clone(),
        not_before,
        not_after,
        dns_names: names,
        basic_constraints: Some((false, None)),
        key_usage: Some(x509::DIGITAL_SIGNATURE),
        crl_url: Some(format!("http://{CRL_HOST}{CRL_PATH}")),
        ocsp_url: Some(format!("http://{OCSP_HOST}")),
    };
    let root_der = x509::make(&root_spec, &x509::point(&root), &root);
    let inter_der = x509::make(&inter_spec, &x509::point(&inter), if untrusted { &other } else { &root });
    let leaf_der = x509::make(&leaf_spec, &x509::point(&leaf), if self_signed { &leaf } else { &inter });
    let with = |leaf: Vec<u8>| match s.chain_problem {
        ChainProblem::SelfSigned | ChainProblem::MissingIntermediate => vec![leaf],
        _ => vec![leaf, inter_der.clone()],
    };
    // The RSA certificate has the same names and dates. (Self-signed, it is signed with the
    // ECDSA leaf key under the same name: refused the same way.)
    let rsa = needs_rsa(s).then(rsa_key).flatten().map(|key| {
        use rsa::traits::PublicKeyParts;
        let spki = x509::rsa_spki(&key.n().to_bytes_be(), &key.e().to_bytes_be());
        let spec = x509::Spec { serial: leaf_spec.serial + 1, ..leaf_spec.clone() };
        let der = x509::make_for(&spec, spki, if self_signed { &leaf } else { &inter });
        (with(der), Box::new(key))
    });
    LabChain { chain: with(leaf_der), key: leaf, trusted: vec![root_der], rsa, issuing: (inter_der, inter) }
}

/// The session a resumption resumes: its PSK and ticket. The PSK comes from the earlier
/// connection's resumption_master_secret: the scenario's, or that of a full handshake run
/// first (same settings, values drawn from the seed).
fn earlier_session(s: &TlsScenario, client: &ClientConfig, server: &ServerConfig) -> Option<(Vec<u8>, Vec<u8>)> {
    let ticket = server.ticket.as_ref()?;
    let suite = server.suites.iter().filter(|c| client.suites.contains(c)).find_map(|c| Suite::from_code(*c))?;
    let secret = match scenario::hex(&s.resumption_secret).ok().filter(|b| !b.is_empty()) {
        Some(secret) => secret,
        None => {
            let earlier = TlsScenario { resume: false, client_random: String::new(), server_random: String::new(), client_key: String::new(), server_key: String::new(), seed: s.seed.wrapping_add(1), ..s.clone() };
            let (c, sv, d) = configs(&earlier);
            super::handshake(&c, &sv, &d).ok()?.schedule.resumption_master_secret
        }
    };
    Some((super::resumption_psk(suite, &secret, &ticket.nonce), ticket.ticket.clone()))
}

/// Runs the scenario.
pub fn run(s: &TlsScenario) -> TlsRun {
    let mut actors = vec![
        Actor { id: "client".into(), name: "Client".into(), detail: format!("{}:{CLIENT_PORT}", ip(CLIENT_IP)) },
        Actor { id: "server".into(), name: "Server".into(), detail: format!("{}:{SERVER_PORT} ({})", ip(SERVER_IP), if s.server_name.is_empty() { "no name" } else { &s.server_name }) },
    ];
    if s.replay {
        actors.push(Actor { id: "attacker".into(), name: "Attacker".into(), detail: "on the path: records, replays".into() });
    }
    let mut t = Trace::new("tls", "A TLS 1.3 connection", actors);
    let half = s.rtt_ms as u64 * 500;
    let (client, server, data) = configs(s);
    let rev = (s.identity == Identity::Lab && s.revocation != Method::None).then(|| RevView {
        method: s.revocation,
        answers: client.chain_check.as_ref().and_then(|c| c.revocation.as_ref()).and_then(|r| Some(CaAnswers { crl: r.crl.clone()?, ocsp: r.ocsp.clone() })),
        half: s.responder_rtt_ms as u64 * 500,
        actor: matches!(s.revocation, Method::Crl | Method::Ocsp).then_some(t.actors.len()),
    });
    if let Some(i) = rev.as_ref().and_then(|r| r.actor) {
        let host = if s.revocation == Method::Crl { CRL_HOST } else { OCSP_HOST };
        debug_assert_eq!(i, t.actors.len());
        t.actors.push(Actor { id: "ca".into(), name: "CA".into(), detail: format!("{host}, {} ms away", s.responder_rtt_ms) });
    }
    let mut b = Builder { t: &mut t, half, states: [ActorState { name: "CLOSED".into(), vars: keys("none") }, ActorState { name: "LISTEN".into(), vars: keys("none") }], rev, waited: 0 };
    b.tcp_handshake(s.seed);
    let hello_at = 2 * half;
    let result = super::connect(&client, &server, &data);
    let mut out = TlsRun { trace: Trace::new("tls", "", Vec::new()), schedule: Vec::new(), suite: None, capture: Vec::new(), keylog: String::new() };
    match result {
        Ok(Connection::Tls12(hs)) => {
            b.t.title = "A TLS 1.2 connection".into();
            b.connection12(&hs, hello_at);
            if hs.refusal.is_none() {
                out.schedule = hs.nodes();
            }
            out.suite = Some(hs.suite.name.to_string());
            // NSS's key log line for TLS 1.2: the client random and the master secret (none
            // when the client refused the chain: no key was ever used).
            if hs.refusal.is_none() {
                out.keylog = format!("CLIENT_RANDOM {} {}\n", hex(&client.random), hex(&hs.master_secret));
            }
            if hs.refusal.is_none() {
                b.round_trips(hello_at, "");
                let kex = match (hs.suite.kex, hs.group) {
                    (Kex::Ecdhe, Some(g)) => format!("ECDHE key exchange on {}", wire::group_name(g)),
                    _ => "RSA key exchange".to_string(),
                };
                b.t.summary.push(format!("Negotiated TLS 1.2 with {} ({kex}); the server proved itself by {}.", hs.suite.name, match hs.scheme { Some(sch) => format!("signing its key exchange ({})", wire::scheme_name(sch)), None => "decrypting the premaster secret with its RSA key".into() }));
                if hs.suite.kex == Kex::Rsa {
                    b.t.summary.push("No forward secrecy: the premaster secret crossed the network encrypted to the server's long-term RSA key. Anyone who records this connection and one day obtains that key (a breach, a subpoena, a retired server's disk) decrypts it, and every other recorded one. ECDHE suites, and every TLS 1.3 suite, make a fresh key per connection instead; TLS 1.3 removed RSA key exchange.".into());
                }
            }
        }
        Ok(Connection::Tls13(hs)) => {
            b.connection(&hs, hello_at);
            if s.replay {
                b.replay(&hs, s.anti_replay);
            }
            out.schedule = hs.schedule.nodes();
            out.suite = Some(hs.suite.name().to_string());
            out.keylog = keylog(&hs, &client.random);
            let why = match hs.retried {
                Some(g) => format!(" (one more for the HelloRetryRequest: the server wanted a {} key share)", wire::group_name(g)),
                None => String::new(),
            };
            if hs.early_data == Some(true) {
                b.t.summary.push("0-RTT: the client sent its request with the ClientHello, under a key from the PSK alone, and the server accepted it: no round trip spent before the request. The price: no forward secrecy for that data, and it can be replayed.".to_string());
            } else {
                b.round_trips(hello_at, &why);
            }
            if hs.early_data == Some(false) {
                b.t.summary.push("The server refused the 0-RTT data (its early_data extension is missing from EncryptedExtensions): the client sent the request again once the handshake was done.".to_string());
            }
            if hs.resumed {
                b.t.summary.push("Resumed: the PSK from the earlier connection's ticket authenticated the server, so it sent no certificate and no CertificateVerify; the fresh key exchange (psk_dhe_ke) still gives forward secrecy.".to_string());
            } else if hs.binder.is_some() {
                b.t.summary.push("The server did not accept the PSK and ran a full handshake with its certificate.".to_string());
            }
            let proof = if hs.resumed { "the PSK".to_string() } else { format!("its CertificateVerify signature ({})", wire::scheme_name(server.key.scheme())) };
            if hs.refusal.is_none() {
                b.t.summary.push(format!("Negotiated {} with {} key exchange; the server proved itself with {proof}.", hs.suite.name(), wire::group_name(hs.group)));
            }
        }
        Err(failure) => b.failed(&client, &failure, hello_at, super::negotiate_version(&client, &server).ok()),
    }
    if s.identity == Identity::Rfc8448 {
        b.t.summary.push("The server's certificate and key are RFC 8448's: a self-signed certificate with a 1024-bit RSA demonstration key, which the client here takes as given (no chain check).".into());
    }
    if s.compare {
        if let Some(line) = compare(s, &t) {
            t.summary.push(line);
        }
    }
    out.capture = capture(&t, isns(s.seed));
    out.trace = t;
    out
}

/// When the request left after the first ClientHello, in a run's trace.
fn request_delay(t: &Trace) -> Option<u64> {
    let when = |label: &str| t.steps.iter().find(|st| st.label == label).map(|st| st.at.micros());
    Some(when("{application data}: request")?.saturating_sub(when("ClientHello")?))
}

/// The same connection in the other version, on the same round-trip time: when its request
/// leaves, measured in its own run.
fn compare(s: &TlsScenario, this: &Trace) -> Option<String> {
    let mine = this.title.contains("1.2");
    let other = if mine { "1.3" } else { "1.2" };
    let mut o = TlsScenario { compare: false, replay: false, resume: false, early_data: String::new(), client_versions: vec![other.into()], server_versions: vec![other.into()], ..s.clone() };
    // Give each side a suite of the other version if it has none.
    let has = |list: &[String], v13: bool| list.iter().any(|n| scenario::server_suite_code(n).is_some_and(|c| (c >> 8 == 0x13) == v13));
    for list in [&mut o.client_suites, &mut o.server_suites] {
        if !has(list, mine) {
            list.push(if mine { "TLS_AES_128_GCM_SHA256".into() } else { "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256".into() });
        }
    }
    let theirs = run(&o);
    let (a, b) = (request_delay(this)?, request_delay(&theirs.trace));
    let rtt = s.rtt_ms as u64 * 1000;
    let trips = |d: u64| match d / rtt.max(1) {
        1 => "1 round trip".to_string(),
        n => format!("{n} round trips"),
    };
    let this_v = if mine { "1.2" } else { "1.3" };
    Some(match b {
        Some(b) => format!(
            "Side by side on the same {} round trip: with TLS {this_v} the request left {} after the ClientHello ({}); with TLS {other} it leaves {} after ({}). Each round trip saved is {} before the first byte of the answer.",
            SimTime(rtt), SimTime(a), trips(a), SimTime(b), trips(b), SimTime(rtt)
        ),
        None => format!("Side by side: with TLS {other} these settings do not complete a handshake (see it by offering only {other})."),
    })
}

/// The TCP initial sequence numbers, from the seed.
fn isns(seed: u64) -> (u32, u32) {
    let mut rng = SplitMix64::new(seed);
    (rng.next_u32(), rng.next_u32())
}

fn ip(a: [u8; 4]) -> String {
    format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])
}

struct Builder<'a> {
    t: &'a mut Trace,
    /// Half a round trip, in microseconds.
    half: u64,
    /// Each side's state: TCP's (RFC 9293) until the connection is open, then TLS 1.3's
    /// (RFC 8446 appendix A).
    states: [ActorState; 2],
    /// How the client checks revocation, when it does.
    rev: Option<RevView>,
    /// How long the revocation check held the handshake up, in microseconds.
    waited: u64,
}

/// The revocation check as the trace shows it.
struct RevView {
    method: Method,
    /// The CA's CRL and OCSP answers; `None` when its servers do not answer.
    answers: Option<CaAnswers>,
    /// Half the round trip to the CA's servers, in microseconds.
    half: u64,
    /// The CA's lane, for a check that asks it.
    actor: Option<usize>,
}

/// An HTTP/1.1 message: its head's text and a body, with fields for the head's lines; the
/// body's own fields come after, from `body_fields` (given the head's length).
fn http(head: &str, body: &[u8], body_fields: impl FnOnce(usize) -> Vec<Field>) -> (Vec<u8>, Vec<Field>) {
    let mut fields = Vec::new();
    let mut at = 0;
    for line in head.split_inclusive("\r\n").filter(|l| *l != "\r\n") {
        let (name, value) = match line.split_once(": ") {
            Some((n, v)) if at > 0 => (n.to_string(), v.trim_end().to_string()),
            _ => (if at == 0 { "start line".to_string() } else { "header".to_string() }, line.trim_end().to_string()),
        };
        fields.push(field(&name, value, Some((at, at + line.len() - 2)), ""));
        at += line.len();
    }
    let mut bytes = head.as_bytes().to_vec();
    fields.extend(body_fields(bytes.len()));
    bytes.extend(body);
    (bytes, fields)
}

fn keys(which: &str) -> Vec<Var> {
    vec![Var { name: "keys in use".into(), value: which.into() }]
}

impl Builder<'_> {
    /// Records that `who` moved to `name` with the last step.
    fn moved(&mut self, who: usize, name: &str, which_keys: &str) {
        let after = ActorState { name: name.to_string(), vars: keys(which_keys) };
        let before = std::mem::replace(&mut self.states[who], after.clone());
        if let Some(step) = self.t.steps.last_mut() {
            step.states.push(StateChange { actor: who, before, after });
        }
    }

    fn push(&mut self, at: u64, kind: StepKind, from: usize, to: usize, label: String, fields: Vec<Field>, bytes: Vec<u8>, bytes_label: &str, explanation: String, spec: Vec<SpecRef>) {
        let arrives = (kind == StepKind::Message).then(|| SimTime(at + self.half));
        self.t.steps.push(Step { at: SimTime(at), arrives, kind, from, to, label, fields, bytes, bytes_label: bytes_label.to_string(), states: Vec::new(), explanation, spec });
    }

    fn tcp_handshake(&mut self, seed: u64) {
        let (cisn, sisn) = isns(seed);
        let segs = [
            (CLIENT, Segment { source_port: CLIENT_PORT, destination_port: SERVER_PORT, seq: cisn, ack: 0, flags: Flags::SYN, window: 65535, mss: Some(1460), payload: Vec::new() }, "SYN", "The client opens a TCP connection to port 443. TLS needs a reliable byte stream under it: nothing TLS can send before this handshake completes."),
            (SERVER, Segment { source_port: SERVER_PORT, destination_port: CLIENT_PORT, seq: sisn, ack: cisn.wrapping_add(1), flags: Flags::SYN.with(Flags::ACK), window: 65535, mss: Some(1460), payload: Vec::new() }, "SYN, ACK", "The server accepts the connection."),
            (CLIENT, Segment { source_port: CLIENT_PORT, destination_port: SERVER_PORT, seq: cisn.wrapping_add(1), ack: sisn.wrapping_add(1), flags: Flags::ACK, window: 65535, mss: None, payload: Vec::new() }, "ACK", "The connection is open after one round trip; the client sends its ClientHello at once, right behind this ACK."),
        ];
        for (i, (from, seg, label, why)) in segs.into_iter().enumerate() {
            let (src, dst) = if from == CLIENT { (CLIENT_IP, SERVER_IP) } else { (SERVER_IP, CLIENT_IP) };
            let bytes = seg.encode(src, dst);
            let (own, other) = if from == CLIENT { (cisn, Some(sisn)) } else { (sisn, Some(cisn)) };
            let fields = seg.fields(&bytes, own, if i == 0 { None } else { other });
            let at = (i as u64).min(2) * self.half;
            self.push(at, StepKind::Message, from, 1 - from, format!("TCP {label}"), fields, bytes, "TCP segment", why.to_string(), vec![SpecRef::rfc(9293, "3.5", "Establishing a Connection")]);
            match i {
                0 => self.moved(CLIENT, "SYN-SENT", "none"),
                1 => self.moved(SERVER, "SYN-RECEIVED", "none"),
                _ => {
                    self.moved(CLIENT, "ESTABLISHED", "none");
                    self.moved(SERVER, "ESTABLISHED", "none");
                }
            }
        }
    }

    fn record_fields(&self, r: &Record, messages: &[super::Message], suite: Suite) -> Vec<Field> {
        let mut f = vec![
            field("content_type", format!("{} ({})", content_type::name(r.bytes[0]), r.bytes[0]), Some((0, 1)), if r.protection == Protection::Plaintext { "" } else { "Always application_data outside: the real type is hidden inside the encryption." }),
            field("legacy_record_version", format!("0x{:02x}{:02x}", r.bytes[1], r.bytes[2]), Some((1, 3)), "Ignored; 0x0301 in the first ClientHello for old servers, 0x0303 after."),
            field("length", format!("{} bytes", r.bytes.len() - 5), Some((3, 5)), ""),
        ];
        match r.protection {
            Protection::Plaintext => {
                for i in &r.messages {
                    for m in &messages[*i].wire.fields {
                        let mut m = m.clone();
                        m.bytes = m.bytes.map(|b| ByteRange::new(b.start + 5, b.end + 5));
                        f.push(m);
                    }
                }
            }
            _ => {
                let tag_at = r.bytes.len() - Suite::TAG_LEN;
                let keys = match (r.from, r.protection) {
                    (_, Protection::Early) => "client_early_key",
                    (Side::Client, Protection::Handshake) => "client_handshake_key",
                    (Side::Server, Protection::Handshake) => "server_handshake_key",
                    (Side::Client, _) => "client_application_key",
                    (Side::Server, _) => "server_application_key",
                };
                f.push(field("encrypted_record", format!("{} bytes of {}", tag_at - 5, suite.name()), Some((5, tag_at)), "The inner plaintext, encrypted: its content, then its real content type."));
                f.push(field("authentication tag", hex(&r.bytes[tag_at..]), Some((tag_at, r.bytes.len())), "Changing any byte of the record, header included, makes this check fail."));
                f.push(field("keys", keys.to_string(), None, "From the key schedule; see its picture."));
                f.push(field("sequence number", r.sequence.to_string(), None, "Counts records under these keys; never sent, both sides keep it."));
                if let Some(n) = r.nonce {
                    f.push(field("nonce", hex(&n), None, "The IV XOR the sequence number, left-padded (RFC 8446 section 5.3): never the same twice under one key."));
                }
                f.push(field("additional data", hex(&r.bytes[..5]), None, "The record header, authenticated but not encrypted."));
                f.push(field("inner content type", format!("{} ({})", content_type::name(r.content), r.content), None, ""));
                f.push(field("inner plaintext", if r.inner.len() > 96 { format!("{}… ({} bytes)", hex(&r.inner[..96]), r.inner.len()) } else { hex(&r.inner) }, None, "What decrypting gives: the content, then the content type byte."));
            }
        }
        f
    }

    fn record_step(&mut self, at: u64, r: &Record, hs: &Handshake, label: String, explanation: String, spec: Vec<SpecRef>) {
        let from = if r.from == Side::Client { CLIENT } else { SERVER };
        let fields = self.record_fields(r, &hs.messages, hs.suite);
        let what = if r.protection == Protection::Plaintext { "TLS record (plaintext)" } else { "TLS record (encrypted)" };
        self.push(at, StepKind::Message, from, 1 - from, label, fields, r.bytes.clone(), what, explanation, spec);
    }

    /// A message the receiver decrypted, as a local step with its plaintext bytes.
    fn inside(&mut self, at: u64, who: usize, m: &super::Message, explanation: String, spec: Vec<SpecRef>) {
        self.push(at, StepKind::Local, who, who, format!("{} (decrypted)", m.name), m.wire.fields.clone(), m.wire.bytes.clone(), "handshake message", explanation, spec);
    }

    fn secrets(&mut self, at: u64, who: usize, label: &str, names: &[&str], nodes: &[Node], explanation: String) {
        let fields = names
            .iter()
            .filter_map(|n| nodes.iter().find(|x| x.name == *n))
            .map(|n| field(n.name, hex(&n.value), None, &n.formula))
            .collect();
        self.push(at, StepKind::Local, who, who, label.to_string(), fields, Vec::new(), "", explanation, spec("7.1", "Key Schedule"));
    }

    fn connection(&mut self, hs: &Handshake, at: u64) {
        let h = self.half;
        let nodes = hs.schedule.nodes();
        let suite = hs.suite;
        let first = &hs.messages[0];
        let shares: Vec<String> = first.wire.fields.iter().filter(|f| f.name.ends_with("client_shares › group")).map(|f| f.value.clone()).collect();
        let resuming = first.wire.fields.iter().any(|f| f.name.ends_with("pre_shared_key type"));
        let mut records = hs.records.iter().peekable();
        let mut base = at;

        // The client's first flight: ClientHello, and 0-RTT data right behind it.
        if let Some(r) = records.next() {
            let guess = if shares.is_empty() { "none".to_string() } else { shares.join(", ") };
            let psk = if resuming { " It also offers the ticket of an earlier connection as a PSK (pre_shared_key, the last extension), with a binder proving it holds the PSK." } else { "" };
            self.record_step(
                at,
                r,
                hs,
                "ClientHello".into(),
                format!(
                    "The client offers {} cipher suites, its groups and signature schemes, and guesses the key exchange: it sends a public key now ({guess} in key_share), so the handshake needs only one round trip if the server accepts the guess.{psk} Everything here is in the clear, including the server name.",
                    first.wire.fields.iter().filter(|f| f.name.ends_with("› suite")).count()
                ),
                spec("4.1.2", "Client Hello"),
            );
            self.moved(CLIENT, "WAIT_SH", "none");
        }
        if resuming {
            self.secrets(at, CLIENT, "Client derives the PSK's early secrets", &["early_secret", "binder_key", "client_early_traffic_secret", "client_early_key", "client_early_iv"], &nodes, "From the PSK alone: the binder key signs this ClientHello, and the client early traffic key encrypts 0-RTT data, before any reply.".into());
        }
        while let Some(r) = records.next_if(|r| r.protection == Protection::Early && r.content == content_type::APPLICATION_DATA) {
            let fate = match hs.early_data {
                Some(true) => "The server accepts it: the request is answered without waiting a round trip.",
                _ => "The server does not accept it and skips these records; the client must send the data again after the handshake.",
            };
            self.record_step(at, r, hs, "{early data} (0-RTT)".into(), format!("Application data under the client early traffic key, sent with the ClientHello before any reply. {fate} 0-RTT data can be replayed: an attacker who records this flight can send it again, so only requests that are safe to repeat belong here (RFC 8446 section 8)."), spec("2.3", "0-RTT Data"));
        }
        if let Some(g) = hs.retried {
            let g = wire::group_name(g);
            if let Some(r) = records.next() {
                self.record_step(
                    at + h,
                    r,
                    hs,
                    "HelloRetryRequest".into(),
                    format!("The server accepts none of the groups the client sent key shares for, but it supports {g}: it asks for a {g} key share. This is a ServerHello whose random is the SHA-256 of \"HelloRetryRequest\". Its cookie holds the hash of the first ClientHello (and a MAC), so the server keeps no state. A whole round trip is lost."),
                    spec("4.1.4", "Hello Retry Request"),
                );
            }
            if let Some(r) = records.next() {
                self.record_step(
                    at + 2 * h,
                    r,
                    hs,
                    "ClientHello (again)".into(),
                    format!("The same offer, now with a {g} key share and the server's cookie. The transcript no longer holds the first ClientHello: a message_hash message with its hash takes its place (RFC 8446 section 4.4.1)."),
                    spec("4.1.2", "Client Hello"),
                );
            }
            base += 2 * h;
        }

        // The server's answer, half a round trip later.
        let server_at = base + h;
        if let Some(r) = records.next() {
            let how = if hs.resumed { "It accepts the PSK (pre_shared_key): no certificate is needed this time, the PSK proves who it is. " } else { "" };
            self.record_step(
                server_at,
                r,
                hs,
                "ServerHello".into(),
                format!("The server picks {} and answers with its own {} public key. {how}From here both sides can compute the same shared secret; everything after this record is encrypted.", suite.name(), wire::group_name(hs.group)),
                spec("4.1.3", "Server Hello"),
            );
            self.moved(SERVER, "NEGOTIATED", "none");
        }
        let mut names = vec!["early_secret", "handshake_secret", "server_handshake_traffic_secret", "client_handshake_traffic_secret", "server_handshake_key", "server_handshake_iv"];
        if hs.resumed {
            names.insert(1, "binder_key");
        }
        let kex = if hs.group == super::X25519 { "X25519" } else { "ECDH on P-256" };
        let psk = if hs.resumed { " The early secret comes from the PSK this time, so these keys depend on the earlier connection too." } else { "" };
        self.secrets(server_at, SERVER, "Server derives the handshake keys", &names, &nodes, format!("{kex} of its private key and the client's public key gives the shared secret {}. HKDF mixes it with the transcript hash of ClientHello and ServerHello into each direction's handshake keys.{psk}", hex(&hs.shared_secret)));
        if let Some(r) = records.next() {
            let label = format!("{{{}}}", r.messages.iter().map(|i| hs.messages[*i].name).collect::<Vec<_>>().join(", "));
            self.record_step(server_at, r, hs, label, "The server's whole flight in one encrypted record, under the server handshake key. An observer sees only its length.".into(), spec("5.2", "Record Payload Protection"));
            self.moved(SERVER, "WAIT_FINISHED", "handshake");
        }

        // The client, a round trip after its hello.
        let mut client_at = base + 2 * h;
        self.secrets(client_at, CLIENT, "Client derives the handshake keys", &["handshake_secret", "server_handshake_traffic_secret", "client_handshake_traffic_secret", "server_handshake_key", "server_handshake_iv"], &nodes, "The same computation on the client's side, with its private key and the server's public key: the same secret, never sent.".into());
        self.moved(CLIENT, "WAIT_EE", "handshake");
        let inside: [(&str, &str, &str, &str); 4] = [
            ("EncryptedExtensions", "4.3.1", "Encrypted Extensions", "What the server agreed to that needs no keys: now hidden from observers."),
            ("Certificate", "4.4.2", "Certificate", if hs.staple.is_some() { "The server's certificate chain, encrypted in TLS 1.3 (TLS 1.2 sent it in the clear). Its own certificate's entry carries the CA's OCSP response in a status_request extension: the staple the client asked for." } else { "The server's certificate chain, encrypted in TLS 1.3 (TLS 1.2 sent it in the clear)." }),
            ("CertificateVerify", "4.4.3", "Certificate Verify", "A signature with the certificate's private key over the transcript so far: the server holds the key, and nobody changed the handshake. The client checks it with the certificate's public key."),
            ("Finished", "4.4.4", "Finished", "An HMAC of the whole transcript with the server's finished key. The client computes the same value and compares."),
        ];
        for (name, section, title, why) in inside {
            let Some(m) = hs.messages.iter().find(|m| m.name == name && m.from == Side::Server) else { continue };
            let checked = match name {
                "CertificateVerify" => match &hs.certificate_verify_check {
                    Some(Ok(())) => " Checked: the RSA-PSS signature verifies.".to_string(),
                    Some(Err(e)) => format!(" Checked: {e}."),
                    None => String::new(),
                },
                "EncryptedExtensions" if hs.early_data == Some(true) => " Its early_data extension says the 0-RTT data was accepted.".to_string(),
                "EncryptedExtensions" if hs.early_data == Some(false) => " It has no early_data extension: the 0-RTT data was refused.".to_string(),
                "Finished" if hs.resumed => " Checked: the HMAC matches. With a PSK, this is what proves the server: it knew the PSK.".to_string(),
                "Finished" if hs.server_finished_check => " Checked: the HMAC matches.".to_string(),
                "Finished" => " Checked: the HMAC does not match.".to_string(),
                _ => String::new(),
            };
            self.inside(client_at, CLIENT, m, format!("{why}{checked}"), spec(section, title));
            if name == "Certificate" && !hs.chain_checks.is_empty() {
                let (took, ended) = self.chain(hs, client_at, &mut records);
                if ended {
                    return;
                }
                // A revocation check holds the rest of the handshake up.
                client_at += took;
            }
            // RFC 8446 appendix A.1: the client's states as it reads the server's flight.
            let next = match name {
                "EncryptedExtensions" if hs.resumed => "WAIT_FINISHED",
                "EncryptedExtensions" => "WAIT_CERT_CR",
                "Certificate" => "WAIT_CV",
                _ => "WAIT_FINISHED",
            };
            if self.states[CLIENT].name != next {
                self.moved(CLIENT, next, "handshake");
            }
        }
        self.secrets(
            client_at,
            CLIENT,
            "Both sides derive the application keys",
            &["master_secret", "client_application_traffic_secret_0", "server_application_traffic_secret_0", "client_application_key", "client_application_iv", "server_application_key", "server_application_iv"],
            &nodes,
            "The transcript through the server's Finished feeds the master secret's traffic secrets. The server computed these when it sent Finished, and may already send data.".into(),
        );
        if let Some(r) = records.next_if(|r| r.protection == Protection::Early) {
            self.record_step(client_at, r, hs, "{EndOfEarlyData}".into(), "The 0-RTT data is over: the last message under the client early traffic key.".into(), spec("4.5", "End of Early Data"));
        }
        if let Some(r) = records.next() {
            self.record_step(client_at, r, hs, "{Finished}".into(), "The client's Finished under the client handshake key: the server checks it before trusting anything the client sends.".into(), spec("4.4.4", "Finished"));
            self.moved(CLIENT, "CONNECTED", "application");
        }
        // The server reads the request half a round trip later and answers; the client closes
        // when the response arrives, and the server closes when the client's close_notify does.
        for r in records {
            let (label, why, sec, title, when) = match (r.from, r.content) {
                (Side::Server, content_type::HANDSHAKE) => ("{NewSessionTicket}", "A ticket for resuming later without a full handshake (a PSK), under the server application key.", "4.6.1", "New Session Ticket", client_at + h),
                (Side::Client, content_type::APPLICATION_DATA) => ("{application data}: request", "The request, encrypted with the client application key: one round trip after the ClientHello.", "5.2", "Record Payload Protection", client_at),
                (Side::Server, content_type::APPLICATION_DATA) => ("{application data}: response", "The response, encrypted with the server application key.", "5.2", "Record Payload Protection", client_at + h),
                (Side::Client, _) => ("{alert}: close_notify", "The client is done: close_notify tells the server no more data follows, so a cut connection cannot pass for a complete response.", "6.1", "Closure Alerts", client_at + 2 * h),
                (Side::Server, _) => ("{alert}: close_notify", "The server closes its side too.", "6.1", "Closure Alerts", client_at + 3 * h),
            };
            self.record_step(when, r, hs, label.to_string(), why.to_string(), spec(sec, title));
            match (r.from, r.content) {
                (Side::Server, _) if self.states[SERVER].name == "WAIT_FINISHED" => self.moved(SERVER, "CONNECTED", "application"),
                (Side::Client, content_type::ALERT) => self.moved(CLIENT, "CLOSED (close_notify sent)", "application"),
                (Side::Server, content_type::ALERT) => self.moved(SERVER, "CLOSED (close_notify sent)", "application"),
                _ => {}
            }
        }
    }

    /// The summary line that counts the handshake's round trips before the request.
    fn round_trips(&mut self, hello_at: u64, why: &str) {
        let when = |label: &str| self.t.steps.iter().find(|st| st.label == label).map(|st| st.at.micros());
        let hello = when("ClientHello").unwrap_or(hello_at);
        if let Some(data_at) = when("{application data}: request") {
            let trips = data_at.saturating_sub(hello).saturating_sub(self.waited) / (2 * self.half).max(1);
            let waited = if self.waited > 0 { format!(", plus {} for the revocation check", SimTime(self.waited)) } else { String::new() };
            self.t.summary.push(format!(
                "The handshake took {}{why}{waited}: the client's request left {} after its first ClientHello, {} after the first SYN (TCP's round trip, then TLS's).",
                if trips == 1 { "one round trip".to_string() } else { format!("{trips} round trips") },
                SimTime(data_at.saturating_sub(hello)),
                SimTime(data_at)
            ));
        }
    }

    fn record12_fields(&self, r: &Record, hs: &Handshake12) -> Vec<Field> {
        let mut f = vec![
            field("content_type", format!("{} ({})", content_type::name(r.bytes[0]), r.bytes[0]), Some((0, 1)), if r.protection == Protection::Plaintext { "" } else { "In TLS 1.2 the real type is in the clear (TLS 1.3 hides it)." }),
            field("version", format!("0x{:02x}{:02x}", r.bytes[1], r.bytes[2]), Some((1, 3)), ""),
            field("length", format!("{} bytes", r.bytes.len() - 5), Some((3, 5)), ""),
        ];
        if r.protection == Protection::Plaintext {
            for i in &r.messages {
                for m in &hs.messages[*i].wire.fields {
                    let mut m = m.clone();
                    m.bytes = m.bytes.map(|b| ByteRange::new(b.start + 5, b.end + 5));
                    f.push(m);
                }
            }
            if r.content == content_type::CHANGE_CIPHER_SPEC {
                f.push(field("type", "change_cipher_spec (1)".into(), Some((5, 6)), "Not a handshake message: a record of its own saying \"what I send next is encrypted\"."));
            }
            if r.content == content_type::ALERT {
                f.push(field("level", "fatal (2)".into(), Some((5, 6)), ""));
                f.push(field("description", format!("{}", r.bytes.get(6).copied().unwrap_or(0)), Some((6, 7)), ""));
            }
            return f;
        }
        let explicit = if hs.suite.explicit_nonce() { 8 } else { 0 };
        let tag_at = r.bytes.len() - Suite::TAG_LEN;
        if explicit > 0 {
            f.push(field("nonce_explicit", hex(&r.bytes[5..13]), Some((5, 13)), "The nonce's last 8 bytes, sent with the record (RFC 5288): here the sequence number, so never repeated."));
        }
        let keys = if r.from == Side::Client { &hs.client_keys } else { &hs.server_keys };
        let (_, aad) = tls12::aead_inputs(hs.suite, keys, r.sequence, r.content, r.inner.len());
        f.push(field("encrypted fragment", format!("{} bytes of {}", tag_at - 5 - explicit, hs.suite.name), Some((5 + explicit, tag_at)), ""));
        f.push(field("authentication tag", hex(&r.bytes[tag_at..]), Some((tag_at, r.bytes.len())), "Checks the fragment and the additional data: a changed byte, a reordered or replayed record fails."));
        f.push(field("keys", if r.from == Side::Client { "client_write_key".into() } else { "server_write_key".into() }, None, "From the key block; see the key schedule."));
        f.push(field("sequence number", r.sequence.to_string(), None, "Counts records since ChangeCipherSpec; never sent as such, both sides keep it."));
        if let Some(n) = r.nonce {
            let how = if explicit > 0 { "client_write_IV (4 bytes, from the key block) + nonce_explicit (RFC 5288 section 3)" } else { "write_IV XOR the sequence number (RFC 7905 section 2)" };
            f.push(field("nonce", hex(&n), None, how));
        }
        f.push(field("additional data", hex(&aad), None, "seq_num + type + version + length (RFC 5246 section 6.2.3.3): authenticated, never sent."));
        f.push(field("plaintext", if r.inner.len() > 96 { format!("{}… ({} bytes)", hex(&r.inner[..96]), r.inner.len()) } else { hex(&r.inner) }, None, "What decrypting gives."));
        f
    }

    fn record12_step(&mut self, at: u64, r: &Record, hs: &Handshake12, label: &str, explanation: String, sec: (u32, &str, &str)) {
        let from = if r.from == Side::Client { CLIENT } else { SERVER };
        let fields = self.record12_fields(r, hs);
        let what = if r.protection == Protection::Plaintext { "TLS record (plaintext)" } else { "TLS record (encrypted)" };
        self.push(at, StepKind::Message, from, 1 - from, label.to_string(), fields, r.bytes.clone(), what, explanation, vec![SpecRef::rfc(sec.0, sec.1, sec.2)]);
    }

    fn secrets12(&mut self, at: u64, who: usize, label: &str, names: &[&str], nodes: &[Node], explanation: String) {
        let fields = names.iter().filter_map(|n| nodes.iter().find(|x| x.name == *n)).map(|n| field(n.name, hex(&n.value), None, &n.formula)).collect();
        self.push(at, StepKind::Local, who, who, label.to_string(), fields, Vec::new(), "", explanation, vec![SpecRef::rfc(5246, "8.1", "Computing the Master Secret"), SpecRef::rfc(5246, "6.3", "Key Calculation")]);
    }

    /// A TLS 1.2 connection (RFC 5246 section 7.3): two round trips before the request.
    fn connection12(&mut self, hs: &Handshake12, at: u64) {
        let h = self.half;
        let nodes = hs.nodes();
        let mut records = hs.records.iter();
        let name_of = |r: &Record| r.messages.first().map(|i| hs.messages[*i].name).unwrap_or("");
        if let Some(r) = records.next() {
            let both = hs.messages[0].wire.fields.iter().any(|f| f.name.ends_with("supported_versions type"));
            let offer = if both { "It offers TLS 1.3 too (supported_versions, key_share); a server that speaks only TLS 1.2 ignores those extensions and answers in 1.2." } else { "It offers TLS 1.2 at most: legacy_version says so, and there is no supported_versions extension." };
            self.record12_step(at, r, hs, "ClientHello", format!("The client's offer, in the clear: its random, {} cipher suites, groups and signature schemes. {offer}", hs.messages[0].wire.fields.iter().filter(|f| f.name.ends_with("› suite")).count()), (5246, "7.4.1.2", "Client Hello"));
            self.moved(CLIENT, "WAIT_SERVER_HELLO", "none");
        }
        let server_at = at + h;
        for r in records.by_ref() {
            let name = name_of(r);
            let (why, sec, title) = match name {
                "ServerHello" => {
                    let sentinel = if hs.downgrade_sentinel { " Its random ends in \"DOWNGRD\" 01: this server also speaks TLS 1.3, and says it was asked for 1.2 at most, so an attacker who deleted the client's 1.3 offer would be caught by a 1.3 client." } else { "" };
                    (format!("The server picks TLS 1.2 and {}. Unlike TLS 1.3, nothing after this is encrypted until ChangeCipherSpec: the next messages travel in the clear.{sentinel}", hs.suite.name), "7.4.1.3", "Server Hello")
                }
                "Certificate" => ("The server's certificate chain, in the clear: an observer learns which site this is (TLS 1.3 encrypts it).".to_string(), "7.4.2", "Server Certificate"),
                "ServerKeyExchange" => {
                    let check = match &hs.signature_check {
                        Some(Ok(())) => " Checked by the client: the signature verifies with the certificate's key.".to_string(),
                        Some(Err(e)) => format!(" Checked by the client: {e}."),
                        None => String::new(),
                    };
                    (format!("The server's ephemeral ECDH public key, and a signature with its certificate's key over both randoms and the key. That signature is all that ties this key exchange to the certificate; it covers neither the suite list nor the rest of the handshake (TLS 1.3's CertificateVerify signs the whole transcript).{check}"), "7.4.3", "Server Key Exchange Message")
                }
                "ServerHelloDone" => ("The server's flight is over; it waits for the client's key exchange.".to_string(), "7.4.5", "Server Hello Done"),
                "CertificateStatus" => ("The OCSP response the server staples to its certificate, because the client asked (status_request) and the server's ServerHello said yes: the CA's signed answer, fetched by the server ahead of time.".to_string(), "8", "Certificate Status Request"),
                _ => break,
            };
            let rfc = match name {
                "ServerKeyExchange" => 8422,
                "CertificateStatus" => 6066,
                _ => 5246,
            };
            self.record12_step(server_at, r, hs, name, why, (rfc, if name == "ServerKeyExchange" { "5.4" } else { sec }, title));
            if name == "ServerHelloDone" {
                break;
            }
        }
        self.moved(SERVER, "WAIT_CLIENT_KEY_EXCHANGE", "none");
        // The client reads the flight and checks the chain before it sends anything.
        let mut took = 0;
        if !hs.chain_checks.is_empty() {
            let chain: Vec<Vec<u8>> = hs.messages.iter().find(|m| m.name == "Certificate").map(|m| cert_data12(&m.wire.bytes)).unwrap_or_default();
            let (t, alert) = self.chain_steps(&chain, &hs.chain_checks, &hs.revocation_checks, hs.staple.as_deref(), hs.refusal, at + 2 * h);
            took = t;
            if let Some((code, alert)) = alert {
                if let Some(r) = records.next() {
                    self.record12_step(at + 2 * h + took, r, hs, &format!("alert: {alert}"), format!("A fatal {alert} ({code}) alert, in the clear: in TLS 1.2 no key exists yet at this point. The connection ends."), (5246, "7.2.2", "Error Alerts"));
                }
                self.moved(CLIENT, &format!("CLOSED ({alert} sent)"), "none");
                return;
            }
        }
        let client_at = at + 2 * h + took;
        let (pms_why, kex_note) = match hs.suite.kex {
            Kex::Ecdhe => ("ECDH of the client's new private key and the server's public key".to_string(), "A fresh key pair on each side: once both throw their private keys away, nobody can recompute this secret, even with the certificate's key (forward secrecy)."),
            Kex::Rsa => ("48 bytes the client chose (0x0303 and 46 random bytes)".to_string(), "It will cross the network encrypted to the certificate's RSA key: anyone who ever gets that key can decrypt it from a recording."),
        };
        let mut names = vec!["pre_master_secret", "master_secret", "client_write_key", "server_write_key", "client_write_IV", "server_write_IV"];
        if hs.extended_master_secret {
            names.insert(1, "session_hash");
        }
        let ems = if hs.extended_master_secret { " Both sent extended_master_secret (RFC 7627), so the master secret covers the hash of the whole handshake so far, not only the randoms: a man in the middle cannot make two connections share it." } else { "" };
        self.secrets12(client_at, CLIENT, "Client computes the master secret and the keys", &names, &nodes, format!("The premaster secret is {pms_why}. {kex_note} The PRF turns it into the 48-byte master secret, and the master secret and both randoms into the key block: each direction's key and IV.{ems}"));
        let mut server_done = false;
        for r in records {
            match (r.from, r.content) {
                (Side::Client, content_type::HANDSHAKE) if r.protection == Protection::Plaintext => {
                    let how = match hs.suite.kex {
                        Kex::Ecdhe => "The client's ephemeral ECDH public key.",
                        Kex::Rsa => "The premaster secret, encrypted with the server's RSA public key from its certificate (PKCS #1 v1.5).",
                    };
                    self.record12_step(client_at, r, hs, "ClientKeyExchange", format!("{how} With it the server can compute the same premaster secret."), (5246, "7.4.7", "Client Key Exchange Message"));
                }
                (who, content_type::CHANGE_CIPHER_SPEC) => {
                    let (when, side) = if who == Side::Client { (client_at, "client") } else { (client_at + h, "server") };
                    if who == Side::Server && !server_done {
                        self.secrets12(client_at + h, SERVER, "Server computes the same secrets", &names, &nodes, "With its private key (the ECDH key, or the RSA key that decrypts the premaster secret) the server reaches the same premaster secret, so the same master secret and keys.".into());
                        server_done = true;
                    }
                    self.record12_step(when, r, hs, "ChangeCipherSpec", format!("The {side} switches on its write keys: every record it sends after this one is encrypted. A record of its own content type (20), not a handshake message, and gone from TLS 1.3."), (5246, "7.1", "Change Cipher Spec Protocol"));
                }
                (Side::Client, content_type::HANDSHAKE) => {
                    self.record12_step(client_at, r, hs, "Finished (encrypted)", format!("verify_data = PRF(master_secret, \"client finished\", hash of every handshake message so far), 12 bytes: {}. The first record under the new keys; if anyone changed a handshake message, the server's hash differs and it aborts.", hex(&hs.client_verify_data)), (5246, "7.4.9", "Finished"));
                    self.moved(CLIENT, "WAIT_CHANGE_CIPHER_SPEC", "client_write");
                }
                (Side::Server, content_type::HANDSHAKE) => {
                    let check = if hs.server_finished_check { "Checked by the client: it matches." } else { "Checked by the client: it does not match." };
                    self.record12_step(client_at + h, r, hs, "Finished (encrypted)", format!("The server's verify_data, over the handshake including the client's Finished: {}. {check}", hex(&hs.server_verify_data)), (5246, "7.4.9", "Finished"));
                    self.moved(SERVER, "CONNECTED", "both");
                }
                (Side::Client, content_type::APPLICATION_DATA) => {
                    self.moved(CLIENT, "CONNECTED", "both");
                    self.record12_step(client_at + 2 * h, r, hs, "{application data}: request", "The request, under the client_write_key: two round trips after the ClientHello, since the client waited for the server's Finished.".into(), (5246, "6.2.3.3", "AEAD Ciphers"));
                }
                (Side::Server, content_type::APPLICATION_DATA) => self.record12_step(client_at + 3 * h, r, hs, "{application data}: response", "The response, under the server_write_key.".into(), (5246, "6.2.3.3", "AEAD Ciphers")),
                (Side::Client, _) => {
                    self.record12_step(client_at + 4 * h, r, hs, "{alert}: close_notify", "The client is done: an encrypted close_notify, so a cut connection cannot pass for a complete response.".into(), (5246, "7.2.1", "Closure Alerts"));
                    self.moved(CLIENT, "CLOSED (close_notify sent)", "both");
                }
                (Side::Server, _) => {
                    self.record12_step(client_at + 5 * h, r, hs, "{alert}: close_notify", "The server closes its side too.".into(), (5246, "7.2.1", "Closure Alerts"));
                    self.moved(SERVER, "CLOSED (close_notify sent)", "both");
                }
            }
        }
    }

    /// Each certificate of the chain with its X.509 fields, then the client's checks (and its
    /// revocation check); when it refuses the chain, its alert. Returns how long the checks
    /// took, and whether the connection ended there.
    fn chain(&mut self, hs: &Handshake, at: u64, records: &mut std::iter::Peekable<std::slice::Iter<Record>>) -> (u64, bool) {
        let chain: Vec<Vec<u8>> = hs.messages.iter().find(|m| m.name == "Certificate").map(|m| cert_data(&m.wire.bytes)).unwrap_or_default();
        let (took, alert) = self.chain_steps(&chain, &hs.chain_checks, &hs.revocation_checks, hs.staple.as_deref(), hs.refusal, at);
        let Some((code, name)) = alert else { return (took, false) };
        if let Some(rec) = records.find(|rec| rec.from == Side::Client && rec.content == content_type::ALERT) {
            self.record_step(at + took, rec, hs, format!("{{alert}}: {name}"), format!("A fatal {name} ({code}) alert, encrypted under the client handshake key: the server learns the handshake failed, an observer sees only a small record."), spec("6.2", "Error Alerts"));
            self.moved(CLIENT, &format!("CLOSED ({name} sent)"), "handshake");
        }
        (took, true)
    }

    /// The revocation check: the CRL or OCSP exchange with the CA (or the staple the server
    /// sent), then the client's checks. Returns how long it took.
    fn revocation(&mut self, chain: &[Vec<u8>], checks: &[x509::Check], staple: Option<&[u8]>, refusal: Option<x509::Refusal>, at: u64) -> u64 {
        let Some(rv) = self.rev.take() else { return 0 };
        let mut t = at;
        let leaf = chain.first().and_then(|d| x509::parse(d).ok());
        let issuer = chain.get(1).and_then(|d| x509::parse(d).ok());
        if let (Method::Crl | Method::Ocsp, Some(ca), Some(leaf), Some(issuer)) = (rv.method, rv.actor, &leaf, &issuer) {
            let crl = rv.method == Method::Crl;
            let host = if crl { CRL_HOST } else { OCSP_HOST };
            match &rv.answers {
                None => {
                    let syn = Segment { source_port: CLIENT_PORT + 1, destination_port: 80, seq: 0x1000, ack: 0, flags: Flags::SYN, window: 65535, mss: Some(1460), payload: Vec::new() };
                    let bytes = syn.encode(CLIENT_IP, CA_IP);
                    let fields = syn.fields(&bytes, 0x1000, None);
                    self.t.steps.push(Step { at: SimTime(t), arrives: None, kind: StepKind::Lost, from: CLIENT, to: ca, label: format!("TCP SYN to {host}: no answer"), fields, bytes, bytes_label: "TCP segment".into(), states: Vec::new(), explanation: format!("The client pauses the handshake to ask {host} about the certificate, and the CA's server does not answer: it is down, or an attacker on the path drops these packets. The client waits {} s, then gives up.", REVOCATION_TIMEOUT / 1_000_000), spec: vec![SpecRef::rfc(if crl { 5280 } else { 6960 }, if crl { "4.2.1.13" } else { "A.1" }, if crl { "CRL Distribution Points" } else { "Request" })] });
                    t += REVOCATION_TIMEOUT;
                }
                Some(a) => {
                    // A TCP handshake with the CA's server first (one round trip, not drawn).
                    let sent = t + 2 * rv.half;
                    let (request, req_fields, what, explanation, section) = if crl {
                        let (b, f) = http(&format!("GET {CRL_PATH} HTTP/1.1\r\nHost: {CRL_HOST}\r\n\r\n"), &[], |_| Vec::new());
                        (b, f, "HTTP request", format!("The client pauses the handshake to download the CA's certificate revocation list from the address in the certificate (its CRL distribution point): a TCP connection to {CRL_HOST} (one round trip), then this plain HTTP request. Plain HTTP is enough: the list is signed. Privacy: the CA learns only that someone wants its list, not which site."), SpecRef::rfc(5280, "5", "CRL and CRL Extensions Profile"))
                    } else {
                        let der = revocation::ocsp_request(&CertId::of(leaf, issuer));
                        let (b, f) = http(&format!("POST / HTTP/1.1\r\nHost: {OCSP_HOST}\r\nContent-Type: application/ocsp-request\r\nContent-Length: {}\r\n\r\n", der.len()), &der, |o| revocation::read_ocsp_request(&der, o).map(|r| r.1).unwrap_or_default());
                        (b, f, "HTTP request with an OCSP request (DER)", format!("The client pauses the handshake to ask the CA's OCSP responder (the address in the certificate's authority information access) about this one certificate: its issuer's name and key hashes and its serial number, in an HTTP POST (RFC 6960 appendix A), after a TCP connection to {OCSP_HOST} (one round trip). Privacy: the serial names the site, so the CA learns that this client's address is visiting {} right now.", leaf.dns_names.first().cloned().unwrap_or_default()), SpecRef::rfc(6960, "4.1", "Request Syntax"))
                    };
                    self.t.steps.push(Step { at: SimTime(sent), arrives: Some(SimTime(sent + rv.half)), kind: StepKind::Message, from: CLIENT, to: ca, label: if crl { format!("GET {CRL_PATH}") } else { "OCSP request".into() }, fields: req_fields, bytes: request, bytes_label: what.into(), states: Vec::new(), explanation, spec: vec![section] });
                    let answer = if crl { Some(a.crl.clone()) } else { a.ocsp.iter().find(|(serial, _)| *serial == leaf.serial).map(|(_, d)| d.clone()) };
                    if let Some(der) = answer {
                        let kind = if crl { "application/pkix-crl" } else { "application/ocsp-response" };
                        let (bytes, fields) = http(&format!("HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\r\n", der.len()), &der, |o| if crl { revocation::read_crl(&der, o).map(|c| c.fields).unwrap_or_default() } else { revocation::read_ocsp_response(&der, o).map(|r| r.fields).unwrap_or_default() });
                        let (label, why) = if crl {
                            let n = revocation::read_crl(&der, 0).map(|c| c.revoked.len()).unwrap_or(0);
                            (format!("200: the CRL ({} bytes)", der.len()), format!("The CA's whole list of revoked certificates that have not yet expired: {n} here, {} bytes. A large CA's list runs to hundreds of thousands of entries and megabytes, which is why browsers stopped downloading CRLs during handshakes and ship compact sets of revocations in their updates instead.", der.len()))
                        } else {
                            (format!("200: the OCSP response ({} bytes)", der.len()), "A small signed answer about this certificate alone, valid for a few days. The responder signs one per certificate, and answers every visitor of every site it covers.".to_string())
                        };
                        self.t.steps.push(Step { at: SimTime(sent + rv.half), arrives: Some(SimTime(sent + 2 * rv.half)), kind: StepKind::Message, from: ca, to: CLIENT, label, fields, bytes, bytes_label: if crl { "HTTP response with a CRL (DER)".into() } else { "HTTP response with an OCSP response (DER)".into() }, states: Vec::new(), explanation: why, spec: vec![if crl { SpecRef::rfc(5280, "5.1", "CRL Fields") } else { SpecRef::rfc(6960, "4.2", "Response Syntax") }] });
                    }
                    t = sent + 2 * rv.half;
                }
            }
        }
        if let (Method::Stapled, Some(st)) = (rv.method, staple) {
            if let Ok(r) = revocation::read_ocsp_response(st, 0) {
                self.push(t, StepKind::Local, CLIENT, CLIENT, "The stapled OCSP response".into(), r.fields, st.to_vec(), "OCSP response (DER)", "The server fetched this signed answer from the CA's responder ahead of time and sends it with its certificate (status_request). The client asks nobody: no extra round trip, and the CA never learns who visits the site.".into(), vec![SpecRef::rfc(6066, "8", "Certificate Status Request"), SpecRef::rfc(6960, "4.2", "Response Syntax")]);
            }
        }
        let took = t - at;
        let failed = checks.iter().find(|c| !c.ok);
        let cost = match rv.method {
            Method::Stapled => "It cost no round trip.".to_string(),
            _ => format!("It held the handshake up {} ms.", took / 1000),
        };
        let verdict = match (failed, refusal) {
            (None, _) => format!("Not revoked. {cost}"),
            (Some(c), Some(x509::Refusal::Revoked)) => format!("Revoked ({}): the CA says the certificate must not be trusted any more, though it has not expired. The client refuses it. {cost}", c.detail),
            (Some(c), Some(_)) => format!("Refused: {} fails ({}). This client fails hard: what it cannot check, it does not trust. {cost}", c.what, c.detail),
            (Some(_), None) => format!("The client cannot learn the certificate's status and goes on anyway (soft-fail). {cost} Soft-fail protects nothing against the attacker revocation is for: one who holds the stolen key and sits on the path can block the CA's server too. Hard-fail is safe, but then the site goes down whenever the CA's server does."),
        };
        let fields = check_fields(checks);
        let sec = match rv.method {
            Method::Crl => SpecRef::rfc(5280, "6.3", "CRL Validation"),
            _ => SpecRef::rfc(6960, "3.2", "Signed Response Acceptance Requirements"),
        };
        self.push(t, StepKind::Local, CLIENT, CLIENT, "Client checks revocation".into(), fields, Vec::new(), "", verdict, vec![sec]);
        let how = match rv.method {
            Method::Crl => "downloading the CA's CRL",
            Method::Ocsp => "asking the CA's OCSP responder",
            Method::Stapled => "reading the OCSP response the server stapled",
            Method::None => "",
        };
        let privacy = match rv.method {
            Method::Crl => "the CA learned only that someone fetched its list",
            Method::Ocsp => "the CA learned which site this client visits, and when",
            _ => "the CA learned nothing about this client",
        };
        let line = match (rv.method, &rv.answers, staple, refusal) {
            (Method::Crl | Method::Ocsp, None, _, None) => format!("Revocation: the CA's server did not answer; the client waited {} ms, then went on without knowing (soft-fail). Had the certificate been revoked and its key stolen, an attacker who blocks the CA's server would have got through.", took / 1000),
            (Method::Crl | Method::Ocsp, None, _, Some(_)) => format!("Revocation: the CA's server did not answer; the client waited {} ms, then refused the certificate (hard-fail): safe, but the site is down for this client whenever the CA's server is.", took / 1000),
            (Method::Stapled, _, None, None) => "Revocation: the server stapled no OCSP response (it could not reach the CA), and the client went on without knowing (soft-fail). A certificate with the must-staple extension (RFC 7633) would make the client refuse instead.".to_string(),
            (Method::Stapled, _, None, Some(_)) => "Revocation: the server stapled no OCSP response, and the client requires one (hard-fail): it refuses the certificate.".to_string(),
            _ => format!("Revocation: checked by {how}; {}; {privacy}.", if rv.method == Method::Stapled { "no extra round trip".to_string() } else { format!("{} ms before the handshake could go on", took / 1000) }),
        };
        self.t.summary.push(line);
        self.waited += took;
        self.rev = Some(rv);
        took
    }

    /// The chain's certificates as X.509 fields, and the client's checks, then its revocation
    /// check. When it refuses the chain: the summary says why, and the alert it sends is
    /// returned, with how long the revocation check took.
    fn chain_steps(&mut self, chain: &[Vec<u8>], checks: &[x509::Check], revocation_checks: &[x509::Check], staple: Option<&[u8]>, refusal: Option<x509::Refusal>, at: u64) -> (u64, Option<(u8, &'static str)>) {
        for (i, der) in chain.iter().enumerate() {
            let Ok(c) = x509::parse(der) else { continue };
            let what = if i == 0 { "the server's own certificate" } else { "a CA certificate the server sends along" };
            self.push(at, StepKind::Local, CLIENT, CLIENT, format!("Certificate {} of {}: CN={}", i + 1, chain.len(), c.subject), c.fields.clone(), der.clone(), "X.509 certificate (DER)", format!("{what}, decoded from its DER (RFC 5280): who it is for, who signed it, when it is valid, its public key, and its extensions."), vec![SpecRef::rfc(5280, "4.1", "Basic Certificate Fields")]);
        }
        let fields = check_fields(checks);
        let chain_refusal = refusal.filter(|r| !matches!(r, x509::Refusal::Revoked | x509::Refusal::RevocationUnknown) || revocation_checks.is_empty());
        let verdict = match chain_refusal {
            None => "Every check passes: the chain leads from the server's certificate to a root the client trusts, each signature verifies, the dates hold now, and the name matches.".to_string(),
            Some(r) => format!("A check fails, so the client refuses the certificate: a browser shows {} and the connection ends.", r.browser_error()),
        };
        self.push(at, StepKind::Local, CLIENT, CLIENT, "Client checks the certificate chain".into(), fields, Vec::new(), "", verdict, vec![SpecRef::rfc(5280, "6", "Certification Path Validation"), SpecRef::rfc(6125, "6", "Verifying Service Identity")]);
        let took = if chain_refusal.is_none() && !revocation_checks.is_empty() { self.revocation(chain, revocation_checks, staple, refusal, at) } else { 0 };
        let Some(r) = refusal else { return (took, None) };
        let (code, name) = r.alert();
        let failed = checks.iter().chain(revocation_checks).find(|c| !c.ok).map(|c| format!("{} ({})", c.what, c.detail)).unwrap_or_default();
        self.t.summary.push(format!("The client refused the server's certificate: {failed} fails. A browser shows {}; the connection ends with a {name} alert, before any application data.", r.browser_error()));
        (took, Some((code, name)))
    }

    /// An attacker on the path resends the client's first flight, byte for byte, once the
    /// connection is over (RFC 8446 section 8).
    fn replay(&mut self, hs: &Handshake, anti_replay: bool) {
        const ATTACKER: usize = 2;
        let h = self.half;
        let flight: Vec<&Record> = hs.records.iter().take_while(|r| r.protection == Protection::Plaintext && r.from == Side::Client || r.protection == Protection::Early && r.content == content_type::APPLICATION_DATA).collect();
        let has_early = flight.iter().any(|r| r.protection == Protection::Early);
        let end = self.t.steps.last().map(|st| st.at.micros()).unwrap_or(0);
        // The copy is made as the first flight passes: that step goes right after it.
        let after = self.t.steps.iter().rposition(|st| st.label == "ClientHello" || st.label.starts_with("{early data}")).map_or(self.t.steps.len(), |i| i + 1);
        let first_at = self.t.steps.iter().find(|st| st.label == "ClientHello").map(|st| st.at.micros()).unwrap_or(0);
        let bytes: usize = flight.iter().map(|r| r.bytes.len()).sum();
        self.push(first_at, StepKind::Local, ATTACKER, ATTACKER, "Attacker records the first flight".into(), vec![field("records", flight.len().to_string(), None, ""), field("bytes", bytes.to_string(), None, "")], Vec::new(), "", "Anyone on the path can copy the ClientHello and the 0-RTT records: they are sent before any reply, so nothing in them can depend on the server's fresh random.".into(), spec("8", "0-RTT and Anti-Replay"));
        if let Some(step) = self.t.steps.pop() {
            self.t.steps.insert(after, step);
        }
        let at = end + h;
        for r in &flight {
            let from = ATTACKER;
            let fields = self.record_fields(r, &hs.messages, hs.suite);
            let label = if r.protection == Protection::Plaintext { "ClientHello (replayed)" } else { "{early data} (replayed)" };
            let arrives = Some(SimTime(at + h));
            self.t.steps.push(Step { at: SimTime(at), arrives, kind: StepKind::Message, from, to: SERVER, label: label.into(), fields, bytes: r.bytes.clone(), bytes_label: "TLS record (replayed copy)".into(), states: Vec::new(), explanation: "The same bytes as the client's, sent again to the server. The binder is valid (it is the same hello), and the early data decrypts with the same keys: nothing in them tells a copy from the original.".into(), spec: spec("8", "0-RTT and Anti-Replay") });
        }
        let (label, why) = match (has_early && hs.early_data == Some(true), anti_replay) {
            (false, _) => ("Server: no 0-RTT data to replay".to_string(), "The replayed ClientHello starts a handshake the attacker cannot finish: it has no private key for the key share and no PSK. Without 0-RTT data, a replay does nothing.".to_string()),
            (true, false) => ("Server processes the replayed 0-RTT request again".to_string(), "The ticket is still valid, the binder checks and the early data decrypts, so the server runs the request a second time. The attacker cannot read the answer or finish the handshake, but the damage is the second run: a transfer made twice. This is why only requests that are safe to repeat may go in 0-RTT, and why servers limit it.".to_string()),
            (true, true) => ("Server refuses the replay: the ticket was already used".to_string(), "This server lets each ticket carry 0-RTT data once (RFC 8446 section 8.1): it remembers used tickets and refuses early data from a second use. It falls back to a full handshake, which the attacker cannot complete; the request does not run again.".to_string()),
        };
        self.push(at + h, StepKind::Local, SERVER, SERVER, label, Vec::new(), Vec::new(), "", why.clone(), spec("8.1", "Single-Use Tickets"));
        self.t.summary.push(format!("Replay: {why}"));
    }

    fn failed(&mut self, client: &ClientConfig, failure: &Failure, at: u64, version: Option<u16>) {
        let hello = client.hello(&client.shares(), None).encode();
        let bytes = wire::plaintext_record(content_type::HANDSHAKE, 0x0301, &hello.bytes);
        let mut fields = vec![field("content_type", "handshake (22)".into(), Some((0, 1)), ""), field("legacy_record_version", "0x0301".into(), Some((1, 3)), ""), field("length", format!("{} bytes", bytes.len() - 5), Some((3, 5)), "")];
        fields.extend(hello.fields.iter().map(|f| Field { bytes: f.bytes.map(|b| ByteRange::new(b.start + 5, b.end + 5)), ..f.clone() }));
        self.push(at, StepKind::Message, CLIENT, SERVER, "ClientHello".into(), fields, bytes, "TLS record (plaintext)", "The client's offer, in the clear.".into(), spec("4.1.2", "Client Hello"));
        self.moved(CLIENT, "WAIT_SH", "none");
        let (why, alert) = match failure {
            Failure::NoCommonSuite if version == Some(super::TLS12) => ("None of the client's cipher suites is a TLS 1.2 suite the server accepts with a key it holds (ECDHE needs a group both support; RSA suites need an RSA certificate).".to_string(), 40u8),
            Failure::NoCommonSuite => ("None of the client's cipher suites is a TLS 1.3 suite the server accepts. TLS 1.2 suites (ECDHE_RSA…, RSA…) cannot be used with TLS 1.3's handshake.".to_string(), 40u8),
            Failure::NoCommonGroup => ("The client and the server share no key exchange group.".to_string(), 40),
            Failure::NoSignatureScheme => ("The server's key is RSA, and TLS 1.3 signs with RSA only by RSA-PSS (RFC 8446 section 4.4.3); the client does not accept rsa_pss_rsae_sha256, so the server cannot prove its key.".to_string(), 40),
            Failure::UnsupportedGroup(g) => (format!("The only group both sides support is {}, and this lab computes key exchanges in x25519 and secp256r1 only.", wire::group_name(*g)), 40),
            Failure::BadKey(e) => (format!("A key share could not be made: {e}."), 80),
            Failure::SigningFailed(e) => (format!("The server could not sign: {e}."), 80),
            Failure::NoCommonVersion => ("The client and the server share no TLS version. This server speaks only what its versions list says; TLS 1.0 and 1.1 are retired (RFC 8996), so a client that offers nothing newer is refused.".to_string(), 70),
        };
        let alert_bytes = wire::plaintext_record(content_type::ALERT, 0x0303, &[2, alert]);
        let name = match alert {
            40 => "handshake_failure",
            70 => "protocol_version",
            _ => "internal_error",
        };
        let fields = vec![
            field("content_type", "alert (21)".into(), Some((0, 1)), ""),
            field("legacy_record_version", "0x0303".into(), Some((1, 3)), ""),
            field("length", "2 bytes".into(), Some((3, 5)), ""),
            field("level", "fatal (2)".into(), Some((5, 6)), "Every alert but close_notify and user_canceled ends the connection."),
            field("description", format!("{name} ({alert})"), Some((6, 7)), ""),
        ];
        self.push(at + self.half, StepKind::Message, SERVER, CLIENT, format!("alert: {name}"), fields, alert_bytes, "TLS record (plaintext)", why.clone(), spec("6.2", "Error Alerts"));
        self.moved(SERVER, "CLOSED (alert sent)", "none");
        self.moved(CLIENT, "CLOSED (alert received)", "none");
        self.t.summary.push(format!("The handshake failed: {why}"));
    }
}
