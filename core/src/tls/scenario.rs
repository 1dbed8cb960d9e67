//! The TLS lab's inputs, and its built-in scenarios.

use super::crypto::Suite;
pub use super::revocation::Method;
use crate::rng::SplitMix64;
use crate::scenario::{FieldError, Scenario};
use serde::{Deserialize, Serialize};

/// Whose certificate and key the server has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    /// A chain made in the lab: a root the client trusts, an intermediate, and the server's own
    /// certificate with an ECDSA P-256 key.
    Lab,
    /// RFC 8448's self-signed RSA certificate, taken as given (no chain check).
    Rfc8448,
}

/// What is wrong with the lab's chain, to see the client refuse it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainProblem {
    None,
    Expired,
    NotYetValid,
    WrongHost,
    SelfSigned,
    MissingIntermediate,
    UntrustedRoot,
    IntermediateNotCa,
}

/// The TLS lab's scenario, version 1. Field docs are the editor's help texts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TlsScenario {
    pub v: u32,
    /// The versions the client offers: 1.3, 1.2 (1.1 and 1.0 too, which no server here speaks).
    pub client_versions: Vec<String>,
    /// The versions the server speaks: 1.3, 1.2.
    pub server_versions: Vec<String>,
    /// Also run the other version (TLS 1.2 for a 1.3 connection, 1.3 for a 1.2 one) on the
    /// same round-trip time, and compare when the request leaves.
    pub compare: bool,
    /// Seed for every value left blank (randoms, private keys, the PSS salt, the ticket's age_add).
    pub seed: u64,
    /// Round-trip time in milliseconds (half of it each way).
    pub rtt_ms: u32,
    /// The client's random, 64 hex digits; blank: from the seed.
    pub client_random: String,
    /// The server's random, 64 hex digits; blank: from the seed.
    pub server_random: String,
    /// The client's X25519 private key, 64 hex digits; blank: from the seed. Secret.
    pub client_key: String,
    /// The server's X25519 private key, 64 hex digits; blank: from the seed. Secret.
    pub server_key: String,
    /// Cipher suites the client offers, by preference (IANA names).
    pub client_suites: Vec<String>,
    /// Cipher suites the server accepts, by its preference.
    pub server_suites: Vec<String>,
    /// Groups the client supports (supported_groups).
    pub client_groups: Vec<String>,
    /// The groups the client guesses and sends a key share for (x25519, secp256r1); the first
    /// uses the client's private key, others keys from the seed.
    pub key_shares: Vec<String>,
    /// Groups the server accepts.
    pub server_groups: Vec<String>,
    /// Signature schemes the client accepts (signature_algorithms).
    pub signature_algorithms: Vec<String>,
    /// The host name the client asks for (server_name); blank: no SNI.
    pub server_name: String,
    /// Application protocols the client offers (ALPN), e.g. h2, http/1.1.
    pub client_alpn: Vec<String>,
    /// Application protocols the server speaks, by preference.
    pub server_alpn: Vec<String>,
    /// What the client sends once the handshake is done: text, or `hex:` and hex digits.
    pub request: String,
    /// What the server sends back: text, or `hex:` and hex digits.
    pub response: String,
    /// The extensions a client that also speaks TLS 1.2 adds (renegotiation_info,
    /// session_ticket), psk_key_exchange_modes and record_size_limit, as RFC 8448's client.
    pub rfc8448_extensions: bool,
    /// The RSA-PSS salt of the server's CertificateVerify, 64 hex digits; blank: from the seed.
    pub pss_salt: String,
    /// The ticket of a NewSessionTicket the server sends after the handshake, in hex; blank:
    /// no ticket.
    pub ticket: String,
    /// The ticket's lifetime in seconds.
    pub ticket_lifetime: u32,
    /// The ticket's age_add; blank: from the seed.
    pub ticket_age_add: Option<u32>,
    /// The 0-RTT data the ticket allows, in bytes; blank: none.
    pub max_early_data: Option<u32>,
    /// Resume a session: the client offers the ticket of an earlier connection as a PSK.
    pub resume: bool,
    /// The earlier connection's resumption_master_secret, in hex (32 or 48 bytes); blank: an
    /// earlier full handshake is run first, from the seed. Secret.
    pub resumption_secret: String,
    /// How old the ticket is when the client offers it, in milliseconds.
    pub ticket_age_ms: u32,
    /// 0-RTT data the client sends with its resumed ClientHello: text, or `hex:` and hex
    /// digits; blank: none.
    pub early_data: String,
    /// Whether the server accepts 0-RTT data.
    pub accept_early_data: bool,
    /// The length of a padding extension in the ClientHello (RFC 7685); blank: none.
    pub client_padding: Option<u16>,
    /// An attacker on the path records the client's first flight (ClientHello and 0-RTT data)
    /// and sends it to the server again.
    pub replay: bool,
    /// The server lets each ticket carry 0-RTT data once (RFC 8446 section 8.1).
    pub anti_replay: bool,
    /// The server's certificate and key.
    pub identity: Identity,
    /// Something wrong with the lab's chain.
    pub chain_problem: ChainProblem,
    /// The client's clock, seconds since 1970, for the certificates' dates.
    pub now: i64,
    /// How the client checks that the certificate is not revoked: not at all, the CA's CRL,
    /// the CA's OCSP responder, or an OCSP response stapled by the server.
    pub revocation: Method,
    /// The CA has revoked the server's certificate (its key was stolen).
    pub revoked: bool,
    /// The CA's CRL and OCSP servers do not answer (down, or an attacker blocks them).
    pub responder_down: bool,
    /// The client refuses a certificate whose status it cannot learn (hard-fail); otherwise it
    /// goes on (soft-fail).
    pub hard_fail: bool,
    /// Round-trip time from the client to the CA's servers, in milliseconds.
    pub responder_rtt_ms: u32,
}

impl Default for TlsScenario {
    fn default() -> Self {
        TlsScenario {
            v: TlsScenario::VERSION,
            client_versions: names(&["1.3"]),
            server_versions: names(&["1.3", "1.2"]),
            compare: false,
            seed: 1,
            rtt_ms: 100,
            client_random: String::new(),
            server_random: String::new(),
            client_key: String::new(),
            server_key: String::new(),
            client_suites: names(&["TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_256_GCM_SHA384"]),
            server_suites: names(&["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]),
            client_groups: names(&["x25519", "secp256r1", "secp384r1"]),
            key_shares: names(&["x25519"]),
            server_groups: names(&["x25519", "secp256r1"]),
            signature_algorithms: names(&["ecdsa_secp256r1_sha256", "rsa_pss_rsae_sha256", "rsa_pkcs1_sha256", "ed25519"]),
            server_name: "example.com".into(),
            client_alpn: names(&["h2", "http/1.1"]),
            server_alpn: names(&["h2", "http/1.1"]),
            request: "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n".into(),
            response: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello".into(),
            rfc8448_extensions: false,
            pss_salt: String::new(),
            ticket: String::new(),
            ticket_lifetime: 7200,
            ticket_age_add: None,
            max_early_data: None,
            resume: false,
            resumption_secret: String::new(),
            ticket_age_ms: 5000,
            early_data: String::new(),
            accept_early_data: true,
            client_padding: None,
            replay: false,
            anti_replay: false,
            identity: Identity::Lab,
            chain_problem: ChainProblem::None,
            now: CLOCK,
            revocation: Method::None,
            revoked: false,
            responder_down: false,
            hard_fail: false,
            responder_rtt_ms: 80,
        }
    }
}

/// The built-in scenarios' clock: 2026-11-22 10:00:00 UTC. The lab's certificates are issued
/// around it, whatever the client's clock says.
pub const CLOCK: i64 = 1_795_341_600;

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// Limits of each input.
pub mod limits {
    pub const RTT_MS: (u32, u32) = (1, 10_000);
    /// Entries in each list of suites, groups, schemes or protocols.
    pub const LIST: usize = 32;
    /// Bytes of application data each way: up to four full records.
    pub const DATA: usize = 65_536;
    /// Bytes of a ticket.
    pub const TICKET: usize = 1024;
    pub const NAME: usize = 253;
    pub const ALPN: usize = 255;
    pub const PADDING: usize = 1024;
    /// The client's clock: 1970-01-01 to 8999-12-31 (GeneralizedTime has four-digit years).
    pub const NOW: (i64, i64) = (0, 221_845_392_000 - 1);
}

/// Parses hex digits (spaces and colons between bytes allowed) into bytes, or says what is
/// wrong with which character.
pub fn hex(text: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<(usize, char)> = text.char_indices().filter(|(_, c)| !matches!(c, ' ' | ':' | '\n' | '\r' | '\t')).collect();
    if let Some((at, c)) = digits.iter().find(|(_, c)| !c.is_ascii_hexdigit()) {
        let c = crate::export::visible(&c.to_string());
        return Err(format!("“{c}” at character {} is not a hex digit", text[..*at].chars().count() + 1));
    }
    if digits.len() % 2 == 1 {
        return Err(format!("{} hex digits: a byte is two, so the count must be even", digits.len()));
    }
    Ok(digits.chunks(2).map(|p| (p[0].1.to_digit(16).unwrap_or(0) * 16 + p[1].1.to_digit(16).unwrap_or(0)) as u8).collect())
}

fn exact32(field: &str, text: &str, errors: &mut Vec<FieldError>) {
    if text.trim().is_empty() {
        return;
    }
    match hex(text) {
        Ok(b) if b.len() == 32 => {}
        Ok(b) => errors.push(FieldError::new(field, format!("must be 32 bytes (64 hex digits), not {}", b.len()))),
        Err(e) => errors.push(FieldError::new(field, e)),
    }
}

/// Application data as bytes: text as UTF-8, or `hex:` and hex digits.
pub fn data(text: &str) -> Result<Vec<u8>, String> {
    match text.strip_prefix("hex:") {
        Some(h) => hex(h),
        None => Ok(text.as_bytes().to_vec()),
    }
}

/// A suite name as its code: TLS 1.3's three, or a TLS 1.2 name the lab knows and refuses.
pub fn suite_code(name: &str) -> Option<u16> {
    let n = name.trim();
    Suite::ALL.into_iter().find(|s| s.name().eq_ignore_ascii_case(n)).map(|s| s.code()).or_else(|| {
        LEGACY_SUITES.iter().find(|(s, _)| s.eq_ignore_ascii_case(n)).map(|(_, c)| *c)
    })
}

/// TLS 1.2 (and older) suites a client may offer: the ones the lab runs
/// ([`super::tls12::SUITES`]), and older ones it knows by name and its server refuses.
pub const LEGACY_SUITES: &[(&str, u16)] = &[
    ("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 0xc02b),
    ("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 0xc02c),
    ("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", 0xcca9),
    ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0xc02f),
    ("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 0xc030),
    ("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0xcca8),
    ("TLS_RSA_WITH_AES_128_GCM_SHA256", 0x009c),
    ("TLS_RSA_WITH_AES_256_GCM_SHA384", 0x009d),
    ("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 0xc013),
    ("TLS_RSA_WITH_AES_128_CBC_SHA", 0x002f),
    ("TLS_RSA_WITH_3DES_EDE_CBC_SHA", 0x000a),
    ("TLS_RSA_WITH_RC4_128_SHA", 0x0005),
    ("TLS_RSA_EXPORT_WITH_RC4_40_MD5", 0x0003),
    ("TLS_RSA_WITH_NULL_SHA256", 0x003b),
];

/// A version name (1.3, TLS 1.3, TLSv1.3) as its code.
pub fn version_code(name: &str) -> Option<u16> {
    let n = name.trim().to_ascii_lowercase().replace(' ', "");
    let n = n.strip_prefix("tlsv").or_else(|| n.strip_prefix("tls")).unwrap_or(&n);
    match n {
        "1.3" => Some(0x0304),
        "1.2" => Some(0x0303),
        "1.1" => Some(0x0302),
        "1.0" => Some(0x0301),
        _ => None,
    }
}

/// A suite the lab's server can run: TLS 1.3's, or a TLS 1.2 one from [`super::tls12::SUITES`].
pub fn server_suite_code(name: &str) -> Option<u16> {
    let n = name.trim();
    Suite::ALL.into_iter().find(|s| s.name().eq_ignore_ascii_case(n)).map(|s| s.code()).or_else(|| super::tls12::SUITES.iter().find(|s| s.name.eq_ignore_ascii_case(n)).map(|s| s.code))
}

/// A group name as its code.
pub fn group_code(name: &str) -> Option<u16> {
    let n = name.trim().to_ascii_lowercase();
    [0x001d, 0x0017, 0x0018, 0x0019, 0x001e, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104].into_iter().find(|g| super::wire::group_name(*g) == n)
}

/// A signature scheme name as its code.
pub fn scheme_code(name: &str) -> Option<u16> {
    let n = name.trim().to_ascii_lowercase();
    [0x0403, 0x0503, 0x0603, 0x0203, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201, 0x0402, 0x0502, 0x0602, 0x0202, 0x0807, 0x0808, 0x0809, 0x080a, 0x080b]
        .into_iter()
        .find(|s| {
            let full = super::wire::scheme_name(*s);
            full == n || full.split(' ').next() == Some(n.as_str()) || format!("0x{s:04x}") == n
        })
}

fn list(field: &str, items: &[String], code: fn(&str) -> Option<u16>, what: &str, errors: &mut Vec<FieldError>) {
    if items.len() > limits::LIST {
        errors.push(FieldError::new(field, format!("at most {} {what}s", limits::LIST)));
    } else if let Some(bad) = items.iter().find(|i| code(i).is_none()) {
        let shown = crate::export::visible(&bad.chars().take(40).collect::<String>());
        let what = what.strip_suffix('!').map(str::to_string).unwrap_or_else(|| format!("{what} this lab knows"));
        errors.push(FieldError::new(field, format!("“{shown}” is not a {what}")));
    }
}

impl TlsScenario {
    /// A private key for the client's `n`th share after the first (or, for `n` = 0 past the
    /// shares, the one a HelloRetryRequest asks for): drawn from the seed.
    pub fn extra_key(&self, n: usize) -> [u8; 32] {
        let mut rng = SplitMix64::new(self.seed ^ 0x6b65_7973_6861_7265);
        let mut b = [0u8; 32];
        for _ in 0..=n {
            for chunk in b.chunks_mut(8) {
                chunk.copy_from_slice(&rng.next_u64().to_le_bytes());
            }
        }
        b
    }

    /// The 32-byte values in use: given, or drawn from the seed in a fixed order.
    pub fn randoms_and_keys(&self) -> ([u8; 32], [u8; 32], [u8; 32], [u8; 32]) {
        let mut rng = SplitMix64::new(self.seed);
        let mut draw = || {
            let mut b = [0u8; 32];
            for chunk in b.chunks_mut(8) {
                chunk.copy_from_slice(&rng.next_u64().to_le_bytes());
            }
            b
        };
        let drawn = [draw(), draw(), draw(), draw()];
        let pick = |text: &str, d: [u8; 32]| hex(text).ok().and_then(|b| <[u8; 32]>::try_from(b).ok()).unwrap_or(d);
        (pick(&self.client_random, drawn[0]), pick(&self.server_random, drawn[1]), pick(&self.client_key, drawn[2]), pick(&self.server_key, drawn[3]))
    }
}

impl Scenario for TlsScenario {
    const LAB: &'static str = "tls";
    const VERSION: u32 = 1;
    const SECRET_FIELDS: &'static [&'static str] = &["client_key", "server_key", "resumption_secret"];

    fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.rtt_ms < limits::RTT_MS.0 || self.rtt_ms > limits::RTT_MS.1 {
            errors.push(FieldError::new("rtt_ms", format!("must be from {} to {} ms", limits::RTT_MS.0, limits::RTT_MS.1)));
        }
        for (field, text) in [("client_random", &self.client_random), ("server_random", &self.server_random), ("client_key", &self.client_key), ("server_key", &self.server_key), ("pss_salt", &self.pss_salt)] {
            exact32(field, text, &mut errors);
        }
        list("client_suites", &self.client_suites, suite_code, "cipher suite", &mut errors);
        list("server_suites", &self.server_suites, server_suite_code, "cipher suite this lab's server runs (TLS 1.3's, or TLS 1.2's with ECDHE or RSA and AES-GCM or ChaCha20-Poly1305)!", &mut errors);
        list("client_versions", &self.client_versions, version_code, "TLS version (1.3, 1.2, 1.1 or 1.0)!", &mut errors);
        list("server_versions", &self.server_versions, |v| version_code(v).filter(|c| *c >= 0x0303), "version this lab's server speaks: 1.3 or 1.2 (RFC 8996 retired 1.0 and 1.1)!", &mut errors);
        list("client_groups", &self.client_groups, group_code, "group", &mut errors);
        list("key_shares", &self.key_shares, group_code, "group", &mut errors);
        if !errors.iter().any(|e| e.field == "key_shares" || e.field == "client_groups") {
            let codes: Vec<u16> = self.key_shares.iter().filter_map(|g| group_code(g)).collect();
            if let Some(g) = self.key_shares.iter().find(|g| group_code(g).is_some_and(|c| !super::computable(c))) {
                errors.push(FieldError::new("key_shares", format!("the lab computes key shares for x25519 and secp256r1, not {}", g.trim())));
            } else if let Some(g) = self.key_shares.iter().find(|g| !self.client_groups.iter().any(|c| group_code(c) == group_code(g))) {
                errors.push(FieldError::new("key_shares", format!("{} is not in the client's groups: a key share must be for a group it supports (RFC 8446 section 4.2.8)", g.trim())));
            } else if (1..codes.len()).any(|i| codes[..i].contains(&codes[i])) {
                errors.push(FieldError::new("key_shares", "one key share per group"));
            }
        }
        list("server_groups", &self.server_groups, group_code, "group", &mut errors);
        list("signature_algorithms", &self.signature_algorithms, scheme_code, "signature scheme", &mut errors);
        if self.server_name.len() > limits::NAME {
            errors.push(FieldError::new("server_name", format!("at most {} characters", limits::NAME)));
        } else if let Some(c) = self.server_name.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '.')) {
            errors.push(FieldError::new("server_name", format!("“{}” cannot be in a host name: letters, digits, hyphens and dots", crate::export::visible(&c.to_string()))));
        }
        for (field, protocols) in [("client_alpn", &self.client_alpn), ("server_alpn", &self.server_alpn)] {
            if protocols.len() > limits::LIST {
                errors.push(FieldError::new(field, format!("at most {} protocols", limits::LIST)));
            } else if protocols.iter().any(|p| p.is_empty() || p.len() > limits::ALPN) {
                errors.push(FieldError::new(field, format!("each protocol name is 1 to {} bytes", limits::ALPN)));
            }
        }
        for (field, text) in [("request", &self.request), ("response", &self.response)] {
            match data(text) {
                Ok(b) if b.len() > limits::DATA => errors.push(FieldError::new(field, format!("at most {} bytes", limits::DATA))),
                Ok(_) => {}
                Err(e) => errors.push(FieldError::new(field, e)),
            }
        }
        match hex(&self.ticket) {
            Ok(b) if b.len() > limits::TICKET => errors.push(FieldError::new("ticket", format!("at most {} bytes", limits::TICKET))),
            Ok(_) => {}
            Err(e) => errors.push(FieldError::new("ticket", e)),
        }
        match hex(&self.resumption_secret) {
            Ok(b) if b.is_empty() || b.len() == 32 || b.len() == 48 => {}
            Ok(b) => errors.push(FieldError::new("resumption_secret", format!("a resumption_master_secret is a hash long: 32 bytes (SHA-256) or 48 (SHA-384), not {}", b.len()))),
            Err(e) => errors.push(FieldError::new("resumption_secret", e)),
        }
        match data(&self.early_data) {
            Ok(b) if b.len() > limits::DATA => errors.push(FieldError::new("early_data", format!("at most {} bytes", limits::DATA))),
            Ok(_) => {}
            Err(e) => errors.push(FieldError::new("early_data", e)),
        }
        if self.client_padding.is_some_and(|p| p as usize > limits::PADDING) {
            errors.push(FieldError::new("client_padding", format!("at most {} bytes", limits::PADDING)));
        }
        if self.ticket_age_ms as u64 > self.ticket_lifetime as u64 * 1000 && self.resume {
            errors.push(FieldError::new("ticket_age_ms", "older than the ticket's lifetime: the client would not offer it"));
        }
        if !(limits::NOW.0..=limits::NOW.1).contains(&self.now) {
            errors.push(FieldError::new("now", "the clock must be from 1970-01-01 to 8999-12-31"));
        }
        if self.responder_rtt_ms < limits::RTT_MS.0 || self.responder_rtt_ms > limits::RTT_MS.1 {
            errors.push(FieldError::new("responder_rtt_ms", format!("must be from {} to {} ms", limits::RTT_MS.0, limits::RTT_MS.1)));
        }
        if self.ticket_lifetime > 604_800 {
            errors.push(FieldError::new("ticket_lifetime", "at most 604800 s (7 days, RFC 8446 section 4.6.1)"));
        }
        errors
    }
}

/// RFC 8448 section 3's inputs.
pub mod rfc8448 {
    pub const CLIENT_RANDOM: &str = "cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7";
    pub const SERVER_RANDOM: &str = "a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e26928";
    pub const CLIENT_KEY: &str = "49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005";
    pub const SERVER_KEY: &str = "b1580eeadf6dd589b8ef4f2d5652578cc810e9980191ec8d058308cea216a21e";
    /// The salt inside its RSA-PSS CertificateVerify, read back with the public key.
    pub const PSS_SALT: &str = "9e796c6cae552f4bbda874d33bb9f5a7b98172441b7954b463cee3f3b1818826";
    pub const TICKET: &str = "2c035d829359ee5ff7af4ec900000000262a6494dc486d2c8a34cb33fa90bf1b0070ad3c498883c9367c09a2be785abc55cd226097a3a982117283f82a03a143efd3ff5dd36d64e861be7fd61d2827db279cce145077d454a3664d4e6da4d29ee03725a6a4dafcd0fc67d2aea70529513e3da2677fa5906c5b3f7d8f92f228bda40dda721470f9fbf297b5aea617646fac5c03272e970727c621a79141ef5f7de6505e5bfbc388e93343694093934ae4d357";
    /// RFC 8448 section 3's resumption_master_secret, which section 4 resumes from.
    pub const RESUMPTION_SECRET: &str = "7df235f2031d2a051287d02b0241b0bfdaf86cc856231f2d5aba46c434ec196c";
    /// Section 4's randoms and X25519 keys.
    pub const RESUMED_CLIENT_RANDOM: &str = "1bc3ceb6bbe39cff938355b5a50adb6db21b7a6af649d7b4bc419d7876487d95";
    pub const RESUMED_CLIENT_KEY: &str = "bff91188283846dd6a2134ef7180ca2b0b14fb10dce707b5098c0dddc813b2df";
    pub const RESUMED_SERVER_RANDOM: &str = "3ccfd2dec890222763472ae8136777c9d7358777bb66e91ea5122495f559ea2d";
    pub const RESUMED_SERVER_KEY: &str = "de5b4476e7b490b2652d338acbf2948066f255f9440e23b98fc69835298dc107";
    /// Its application data, both ways: the bytes 0 to 49.
    pub const DATA: &str = "hex:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031";
}

/// The built-in scenarios: id, title, scenario.
pub fn presets() -> Vec<(&'static str, &'static str, TlsScenario)> {
    let base = TlsScenario::default();
    let rfc = TlsScenario {
        client_random: rfc8448::CLIENT_RANDOM.into(),
        server_random: rfc8448::SERVER_RANDOM.into(),
        client_key: rfc8448::CLIENT_KEY.into(),
        server_key: rfc8448::SERVER_KEY.into(),
        client_suites: names(&["TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_256_GCM_SHA384"]),
        server_suites: names(&["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]),
        client_groups: names(&["x25519", "secp256r1", "secp384r1", "secp521r1", "ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192"]),
        server_groups: names(&["x25519", "secp256r1", "secp384r1", "secp521r1", "ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192"]),
        signature_algorithms: names(&[
            "ecdsa_secp256r1_sha256",
            "ecdsa_secp384r1_sha384",
            "ecdsa_secp521r1_sha512",
            "ecdsa_sha1",
            "rsa_pss_rsae_sha256",
            "rsa_pss_rsae_sha384",
            "rsa_pss_rsae_sha512",
            "rsa_pkcs1_sha256",
            "rsa_pkcs1_sha384",
            "rsa_pkcs1_sha512",
            "rsa_pkcs1_sha1",
            "0x0402",
            "0x0502",
            "0x0602",
            "0x0202",
        ]),
        server_name: "server".into(),
        client_alpn: Vec::new(),
        server_alpn: Vec::new(),
        request: rfc8448::DATA.into(),
        response: rfc8448::DATA.into(),
        rfc8448_extensions: true,
        pss_salt: rfc8448::PSS_SALT.into(),
        ticket: rfc8448::TICKET.into(),
        ticket_lifetime: 30,
        ticket_age_add: Some(0xfad6aac5),
        max_early_data: Some(1024),
        identity: Identity::Rfc8448,
        ..base.clone()
    };
    let rfc_resumed = TlsScenario {
        client_random: rfc8448::RESUMED_CLIENT_RANDOM.into(),
        server_random: rfc8448::RESUMED_SERVER_RANDOM.into(),
        client_key: rfc8448::RESUMED_CLIENT_KEY.into(),
        server_key: rfc8448::RESUMED_SERVER_KEY.into(),
        pss_salt: String::new(),
        resume: true,
        resumption_secret: rfc8448::RESUMPTION_SECRET.into(),
        ticket_age_ms: 6,
        early_data: "ABCDEF".into(),
        client_padding: Some(87),
        ..rfc.clone()
    };
    let resumed = TlsScenario { resume: true, ticket: String::new(), max_early_data: Some(16384), ..base.clone() };
    // A browser of today (TLS 1.3 and 1.2, both kinds of suites) and a server that speaks
    // only TLS 1.2.
    let tls12 = TlsScenario {
        client_versions: names(&["1.3", "1.2"]),
        server_versions: names(&["1.2"]),
        client_suites: names(&[
            "TLS_AES_128_GCM_SHA256",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_RSA_WITH_AES_128_GCM_SHA256",
        ]),
        server_suites: names(&["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256"]),
        compare: true,
        ..base.clone()
    };
    vec![
        ("basic", "A TLS 1.3 handshake: 1 round trip, then encrypted HTTP", base.clone()),
        ("rfc8448", "RFC 8448's example handshake, byte for byte", rfc),
        ("rfc8448-resumed", "RFC 8448's resumption with 0-RTT data, byte for byte", rfc_resumed),
        ("resumed", "Resuming with a ticket: a PSK instead of a certificate", resumed.clone()),
        (
            "zero-rtt",
            "0-RTT: the request goes with the ClientHello",
            TlsScenario { early_data: "GET /account HTTP/1.1\r\nHost: example.com\r\n\r\n".into(), request: String::new(), ..resumed.clone() },
        ),
        (
            "zero-rtt-replay",
            "0-RTT replayed: an attacker resends the first flight, and the request runs twice",
            TlsScenario { early_data: "POST /transfer HTTP/1.1\r\nHost: bank.example\r\nContent-Length: 19\r\n\r\nto=mallory&amount=5".into(), request: String::new(), replay: true, ..resumed.clone() },
        ),
        (
            "zero-rtt-replay-blocked",
            "0-RTT replayed against single-use tickets: refused",
            TlsScenario { early_data: "POST /transfer HTTP/1.1\r\nHost: bank.example\r\nContent-Length: 19\r\n\r\nto=mallory&amount=5".into(), request: String::new(), replay: true, anti_replay: true, ..resumed.clone() },
        ),
        (
            "zero-rtt-refused",
            "0-RTT refused by the server: the data is sent again after the handshake",
            TlsScenario { early_data: "GET /account HTTP/1.1\r\nHost: example.com\r\n\r\n".into(), accept_early_data: false, ..resumed },
        ),
        ("chacha", "The server prefers ChaCha20-Poly1305", TlsScenario { server_suites: names(&["TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256"]), ..base.clone() }),
        ("aes256", "AES-256-GCM with SHA-384: a longer key schedule", TlsScenario { server_suites: names(&["TLS_AES_256_GCM_SHA384"]), ..base.clone() }),
        (
            "no-common-suite",
            "A client that offers only TLS 1.2 suites: handshake_failure",
            TlsScenario { client_suites: names(&["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_RC4_128_SHA"]), ..base.clone() },
        ),
        (
            "hello-retry",
            "The client guesses X25519, the server wants P-256: a HelloRetryRequest costs a round trip",
            TlsScenario { server_groups: names(&["secp256r1"]), ..base.clone() },
        ),
        ("p256", "P-256 (secp256r1) key exchange instead of X25519", TlsScenario { key_shares: names(&["secp256r1"]), server_groups: names(&["secp256r1", "x25519"]), ..base.clone() }),
        ("no-rsa-pss", "A client that accepts no scheme the server's RSA key can sign with", TlsScenario { signature_algorithms: names(&["ecdsa_secp256r1_sha256", "ed25519"]), identity: Identity::Rfc8448, ..base.clone() }),
        ("cert-expired", "An expired certificate: the client refuses it", TlsScenario { chain_problem: ChainProblem::Expired, ..base.clone() }),
        ("cert-not-yet-valid", "A certificate not valid yet (a clock set wrong)", TlsScenario { chain_problem: ChainProblem::NotYetValid, ..base.clone() }),
        ("cert-wrong-host", "A certificate for another host name", TlsScenario { chain_problem: ChainProblem::WrongHost, ..base.clone() }),
        ("cert-self-signed", "A self-signed certificate", TlsScenario { chain_problem: ChainProblem::SelfSigned, ..base.clone() }),
        ("cert-missing-intermediate", "The server forgets its intermediate certificate", TlsScenario { chain_problem: ChainProblem::MissingIntermediate, ..base.clone() }),
        ("cert-untrusted-root", "A chain to a root the client does not trust", TlsScenario { chain_problem: ChainProblem::UntrustedRoot, ..base.clone() }),
        ("cert-intermediate-not-ca", "An intermediate without CA:TRUE signs the certificate", TlsScenario { chain_problem: ChainProblem::IntermediateNotCa, ..base.clone() }),
        ("revoked-crl", "A revoked certificate, found on the CA's CRL", TlsScenario { revocation: Method::Crl, revoked: true, ..base.clone() }),
        ("revoked-ocsp", "A revoked certificate, and the OCSP responder says so", TlsScenario { revocation: Method::Ocsp, revoked: true, ..base.clone() }),
        ("ocsp-stapled", "OCSP stapling: the server brings the CA's answer, no extra round trip", TlsScenario { revocation: Method::Stapled, ..base.clone() }),
        ("revoked-stapled", "A stapled OCSP answer that says revoked", TlsScenario { revocation: Method::Stapled, revoked: true, ..base.clone() }),
        ("ocsp-soft-fail", "Soft-fail: the OCSP responder is blocked, and a revoked certificate gets through", TlsScenario { revocation: Method::Ocsp, revoked: true, responder_down: true, ..base.clone() }),
        ("ocsp-hard-fail", "Hard-fail: no OCSP answer, so the client refuses", TlsScenario { revocation: Method::Ocsp, responder_down: true, hard_fail: true, ..base.clone() }),
        ("long-rtt", "A satellite link: 600 ms round trips make each one count", TlsScenario { rtt_ms: 600, ..base.clone() }),
        ("tls12", "A TLS 1.2 server: ECDHE-ECDSA, two round trips, side by side with 1.3", tls12.clone()),
        (
            "tls12-ecdhe-rsa",
            "TLS 1.2 with ECDHE-RSA, AES-256-GCM and the SHA-384 PRF",
            TlsScenario { server_suites: names(&["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"]), ..tls12.clone() },
        ),
        (
            "tls12-rsa-kex",
            "TLS 1.2 with RSA key exchange: no forward secrecy",
            TlsScenario { client_suites: names(&["TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA"]), client_versions: names(&["1.2"]), server_suites: names(&["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256"]), ..tls12.clone() },
        ),
        (
            "tls12-chacha",
            "TLS 1.2 with ChaCha20-Poly1305: no explicit nonce in the records",
            TlsScenario { server_suites: names(&["TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"]), ..tls12.clone() },
        ),
        (
            "tls12-old-client",
            "A TLS 1.2 client meets a TLS 1.3 server: the downgrade sentinel",
            TlsScenario { client_versions: names(&["1.2"]), server_versions: names(&["1.3", "1.2"]), server_suites: names(&["TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"]), ..tls12.clone() },
        ),
        ("tls12-ocsp-stapled", "TLS 1.2 with OCSP stapling: the CertificateStatus message", TlsScenario { revocation: Method::Stapled, compare: false, ..tls12.clone() }),
        ("tls12-cert-expired", "TLS 1.2 and an expired certificate: the alert goes in the clear", TlsScenario { chain_problem: ChainProblem::Expired, compare: false, ..tls12.clone() }),
        (
            "tls10-refused",
            "A TLS 1.0 and 1.1 client: protocol_version",
            TlsScenario { client_versions: names(&["1.1", "1.0"]), client_suites: names(&["TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA"]), compare: false, ..tls12 },
        ),
    ]
}

/// The editor's view of a scenario: what the person typed, kept as typed. Lists are typed
/// comma-separated. The inputs the editor does not show (RFC 8448's extensions, the PSS salt,
/// the ticket) are carried over unchanged.
#[derive(Debug, Clone, PartialEq)]
pub struct TlsForm {
    pub client_versions: String,
    pub server_versions: String,
    pub seed: String,
    pub rtt_ms: String,
    pub client_random: String,
    pub server_random: String,
    pub client_key: String,
    pub server_key: String,
    pub client_suites: String,
    pub server_suites: String,
    pub client_groups: String,
    pub key_shares: String,
    pub server_groups: String,
    pub signature_algorithms: String,
    pub server_name: String,
    pub client_alpn: String,
    pub server_alpn: String,
    pub request: String,
    pub response: String,
    pub resume: bool,
    pub early_data: String,
    pub ticket_age_ms: String,
    pub accept_early_data: bool,
    pub responder_rtt_ms: String,
    pub now: String,
    pub carried: TlsScenario,
}

/// Longest text accepted in a one-line field.
const FIELD_MAX_CHARS: usize = 2000;

impl From<&TlsScenario> for TlsForm {
    fn from(s: &TlsScenario) -> TlsForm {
        let joined = |l: &[String]| l.join(", ");
        TlsForm {
            client_versions: joined(&s.client_versions),
            server_versions: joined(&s.server_versions),
            seed: s.seed.to_string(),
            rtt_ms: s.rtt_ms.to_string(),
            client_random: s.client_random.clone(),
            server_random: s.server_random.clone(),
            client_key: s.client_key.clone(),
            server_key: s.server_key.clone(),
            client_suites: joined(&s.client_suites),
            server_suites: joined(&s.server_suites),
            client_groups: joined(&s.client_groups),
            key_shares: joined(&s.key_shares),
            server_groups: joined(&s.server_groups),
            signature_algorithms: joined(&s.signature_algorithms),
            server_name: s.server_name.clone(),
            client_alpn: joined(&s.client_alpn),
            server_alpn: joined(&s.server_alpn),
            request: s.request.clone(),
            response: s.response.clone(),
            resume: s.resume,
            early_data: s.early_data.clone(),
            ticket_age_ms: s.ticket_age_ms.to_string(),
            accept_early_data: s.accept_early_data,
            responder_rtt_ms: s.responder_rtt_ms.to_string(),
            now: crate::civil::utc(s.now),
            carried: s.clone(),
        }
    }
}

impl TlsForm {
    /// The scenario the form describes, or every problem, each tied to its field.
    pub fn parse(&self) -> Result<TlsScenario, Vec<FieldError>> {
        let mut errors = Vec::new();
        let seed = crate::scenario::whole_number::<u64>(&self.seed).map_err(|e| errors.push(FieldError::new("seed", e))).ok();
        let rtt_ms = crate::scenario::whole_number::<u32>(&self.rtt_ms).map_err(|e| errors.push(FieldError::new("rtt_ms", e))).ok();
        let ticket_age_ms = crate::scenario::whole_number::<u32>(&self.ticket_age_ms).map_err(|e| errors.push(FieldError::new("ticket_age_ms", e))).ok();
        let responder_rtt_ms = crate::scenario::whole_number::<u32>(&self.responder_rtt_ms).map_err(|e| errors.push(FieldError::new("responder_rtt_ms", e))).ok();
        let now = if self.now.len() > 64 {
            errors.push(FieldError::new("now", "too long: a time is at most 64 characters"));
            None
        } else {
            crate::civil::parse_utc(&self.now).map_err(|e| errors.push(FieldError::new("now", crate::export::visible(&e)))).ok()
        };
        let mut split = |field: &str, text: &str| -> Vec<String> {
            if text.len() > FIELD_MAX_CHARS {
                errors.push(FieldError::new(field, format!("too long: at most {FIELD_MAX_CHARS} characters")));
                return Vec::new();
            }
            text.split([',', '\n']).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
        };
        let client_versions = split("client_versions", &self.client_versions);
        let server_versions = split("server_versions", &self.server_versions);
        let client_suites = split("client_suites", &self.client_suites);
        let server_suites = split("server_suites", &self.server_suites);
        let client_groups = split("client_groups", &self.client_groups);
        let key_shares = split("key_shares", &self.key_shares);
        let server_groups = split("server_groups", &self.server_groups);
        let signature_algorithms = split("signature_algorithms", &self.signature_algorithms);
        let client_alpn = split("client_alpn", &self.client_alpn);
        let server_alpn = split("server_alpn", &self.server_alpn);
        let (Some(seed), Some(rtt_ms), Some(ticket_age_ms), Some(responder_rtt_ms), Some(now)) = (seed, rtt_ms, ticket_age_ms, responder_rtt_ms, now) else { return Err(errors) };
        let s = TlsScenario {
            v: TlsScenario::VERSION,
            client_versions,
            server_versions,
            seed,
            rtt_ms,
            client_random: self.client_random.trim().to_string(),
            server_random: self.server_random.trim().to_string(),
            client_key: self.client_key.trim().to_string(),
            server_key: self.server_key.trim().to_string(),
            client_suites,
            server_suites,
            client_groups,
            key_shares,
            server_groups,
            signature_algorithms,
            server_name: self.server_name.trim().to_string(),
            client_alpn,
            server_alpn,
            request: self.request.clone(),
            response: self.response.clone(),
            resume: self.resume,
            early_data: self.early_data.clone(),
            ticket_age_ms,
            accept_early_data: self.accept_early_data,
            responder_rtt_ms,
            now,
            ..self.carried.clone()
        };
        crate::scenario::checked(s, errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::from_json;

    #[test]
    fn presets_survive_the_form() {
        for (id, _, s) in presets() {
            assert_eq!(TlsForm::from(&s).parse(), Ok(s), "{id}");
        }
    }

    #[test]
    fn each_bad_entry_is_named_and_kept() {
        let mut form = TlsForm::from(&TlsScenario::default());
        form.rtt_ms = "soon".into();
        form.client_random = "00zz".into();
        form.server_key = "00".into();
        form.client_suites = "TLS_AES_128_GCM_SHA256, TLS_MADE_UP".into();
        form.server_name = "<script>".into();
        let errors = form.parse().unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["rtt_ms"]);
        form.rtt_ms = "100".into();
        let errors = form.parse().unwrap_err();
        let pairs: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("client_random", "“z” at character 3 is not a hex digit"),
                ("server_key", "must be 32 bytes (64 hex digits), not 1"),
                ("client_suites", "“TLS_MADE_UP” is not a cipher suite this lab knows"),
                ("server_name", "“<” cannot be in a host name: letters, digits, hyphens and dots"),
            ]
        );
        assert_eq!(form.client_random, "00zz", "the typed text stays as typed");
    }

    #[test]
    fn hand_written_json_names_only_what_changes() {
        let s: TlsScenario = from_json(r#"{"rtt_ms":300,"server_suites":["TLS_AES_256_GCM_SHA384"]}"#).unwrap();
        assert_eq!(s.rtt_ms, 300);
        assert_eq!(s.client_suites, TlsScenario::default().client_suites);
    }

    #[test]
    fn blank_values_come_from_the_seed_and_given_ones_are_used() {
        let a = TlsScenario::default();
        assert_eq!(a.randoms_and_keys(), a.randoms_and_keys());
        assert_ne!(a.randoms_and_keys().0, TlsScenario { seed: 2, ..a.clone() }.randoms_and_keys().0);
        let given = TlsScenario { client_random: "11".repeat(32), ..a.clone() };
        assert_eq!(given.randoms_and_keys().0, [0x11; 32]);
        assert_eq!(given.randoms_and_keys().1, a.randoms_and_keys().1);
    }

    #[test]
    fn the_clock_is_a_typed_date_and_can_move_the_certificate_out_of_its_dates() {
        let refusal = |form: &TlsForm| {
            let (c, sv, d) = super::super::run::configs(&form.parse().unwrap());
            match super::super::connect(&c, &sv, &d) {
                Ok(super::super::Connection::Tls13(hs)) => hs.refusal,
                other => panic!("{other:?}"),
            }
        };
        let mut form = TlsForm::from(&TlsScenario::default());
        assert_eq!(form.now, "2026-11-22 10:00:00 UTC");
        assert_eq!(refusal(&form), None);
        form.now = "2027-02-01".into();
        assert_eq!(refusal(&form), Some(super::super::x509::Refusal::Expired));
        form.now = "2026-10-01 08:00".into();
        assert_eq!(refusal(&form), Some(super::super::x509::Refusal::NotYetValid));
        for bad in ["yesterday", "10000-01-01", "-5", &"9".repeat(80)] {
            form.now = bad.into();
            let errors = form.parse().unwrap_err();
            assert_eq!(errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["now"], "{bad}");
        }
    }

    #[test]
    fn hex_and_data_read_as_documented() {
        assert_eq!(hex("0a:0B 0c"), Ok(vec![10, 11, 12]));
        assert_eq!(hex("abc").unwrap_err(), "3 hex digits: a byte is two, so the count must be even");
        assert_eq!(data("hex:00ff"), Ok(vec![0, 255]));
        assert_eq!(data("GET /"), Ok(b"GET /".to_vec()));
    }
}
