//! TLS 1.3 (RFC 8446) with real cryptography: a client and a server negotiate a suite and a
//! group, exchange X25519 key shares, derive the key schedule from the transcript, the server
//! proves its certificate's key with a CertificateVerify signature, both send Finished, and
//! application data and close_notify go out as encrypted records.
//!
//! Every byte is computed from the inputs. With RFC 8448's randoms, keys and the salt of its
//! RSA-PSS signature, the handshake reproduces RFC 8448 section 3 byte for byte
//! (`core/tests/tls_rfc8448.rs`).
//!
//! This module is the engine: [`handshake`] runs one connection and returns every message,
//! record and secret. The lab's scenario, trace and page are built on it.

pub mod crypto;
pub mod ecdsa;
pub mod revocation;
pub mod run;
pub mod scenario;
pub mod schedule;
pub mod suites;
pub mod tls12;
pub mod wire;
pub mod x509;

pub use run::{run, TlsRun};
pub use scenario::{presets, TlsScenario};

use crate::rng::{Given, Seeded, SplitMix64};
use crypto::{nonce, x25519, x25519_public, HashAlg, Suite};
use schedule::{Schedule, TrafficKeys, Transcripts};
use wire::{content_type, ClientHello, Extension, ServerHello, Writer};

/// The named group X25519 (RFC 8446 section 4.2.7).
pub const X25519: u16 = 0x001d;
/// The named group secp256r1 (NIST P-256).
pub const SECP256R1: u16 = 0x0017;

/// Whether the lab computes key shares in `group`.
pub fn computable(group: u16) -> bool {
    group == X25519 || group == SECP256R1
}

/// The public key (key_exchange bytes) for a private key in `group`: X25519's 32 bytes
/// (RFC 7748), or P-256's uncompressed point, 65 bytes (RFC 8446 section 4.2.8.2).
pub fn public_key(group: u16, private: &[u8; 32]) -> Result<Vec<u8>, String> {
    match group {
        X25519 => Ok(x25519_public(private).to_vec()),
        SECP256R1 => {
            use p256::elliptic_curve::sec1::ToEncodedPoint;
            let secret = p256::SecretKey::from_slice(private).map_err(|_| "not a P-256 private key: it must be from 1 to the group order minus 1".to_string())?;
            Ok(secret.public_key().to_encoded_point(false).as_bytes().to_vec())
        }
        other => Err(format!("the lab does not compute {} key shares", wire::group_name(other))),
    }
}

/// The (EC)DHE shared secret of a private key and the peer's key_exchange bytes: X25519's
/// output, or P-256's x-coordinate (RFC 8446 section 7.4.2).
pub fn shared_secret(group: u16, private: &[u8; 32], peer: &[u8]) -> Result<Vec<u8>, String> {
    match group {
        X25519 => {
            let peer: [u8; 32] = peer.try_into().map_err(|_| format!("an X25519 key is 32 bytes, not {}", peer.len()))?;
            Ok(x25519(private, &peer).to_vec())
        }
        SECP256R1 => {
            let secret = p256::SecretKey::from_slice(private).map_err(|_| "not a P-256 private key".to_string())?;
            let public = p256::PublicKey::from_sec1_bytes(peer).map_err(|_| "the peer's P-256 key is not a point on the curve".to_string())?;
            Ok(p256::ecdh::diffie_hellman(secret.to_nonzero_scalar(), public.as_affine()).raw_secret_bytes().to_vec())
        }
        other => Err(format!("the lab does not compute {} key shares", wire::group_name(other))),
    }
}
/// TLS 1.3's and TLS 1.2's version numbers.
pub const TLS13: u16 = 0x0304;
pub const TLS12: u16 = 0x0303;

/// The signature scheme rsa_pss_rsae_sha256.
pub const RSA_PSS_RSAE_SHA256: u16 = 0x0804;
/// The most plaintext one record carries (RFC 8446 section 5.1).
pub const MAX_FRAGMENT: usize = 1 << 14;

/// Which side sent something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Client,
    Server,
}

/// What the client offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// The versions it offers (0x0304 is TLS 1.3, 0x0303 TLS 1.2, …).
    pub versions: Vec<u16>,
    pub random: [u8; 32],
    /// A non-empty legacy session id makes middleboxes see a TLS 1.2 resumption
    /// ("middlebox compatibility mode", RFC 8446 appendix D.4).
    pub session_id: Vec<u8>,
    pub suites: Vec<u16>,
    /// supported_groups, by preference.
    pub groups: Vec<u16>,
    /// The key shares sent in the first ClientHello: a group and its private key.
    pub key_shares: Vec<(u16, [u8; 32])>,
    /// The private key for the share a HelloRetryRequest asks for.
    pub retry_key: [u8; 32],
    pub schemes: Vec<u16>,
    pub server_name: Option<String>,
    pub alpn: Vec<String>,
    /// renegotiation_info and session_ticket, as a client that also speaks TLS 1.2 sends them.
    pub legacy_extensions: bool,
    pub psk_modes: Vec<u8>,
    pub record_size_limit: Option<u16>,
    /// The padding extension's length (RFC 7685), if the client pads its hello.
    pub padding: Option<usize>,
    /// A session to resume, from an earlier connection's ticket.
    pub resumption: Option<Resumption>,
    /// How it checks the server's chain; `None`: it takes the certificate as given.
    pub chain_check: Option<ChainCheck>,
    /// It asks the server to staple an OCSP response (status_request, RFC 6066 section 8).
    pub status_request: bool,
}

/// What a client keeps from an earlier connection to resume it (RFC 8446 section 2.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resumption {
    /// The PSK: HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce).
    pub psk: Vec<u8>,
    /// The ticket, as the server sent it.
    pub ticket: Vec<u8>,
    /// The ticket's age in milliseconds plus its age_add, mod 2^32.
    pub obfuscated_age: u32,
    /// 0-RTT data to send with the ClientHello, if any.
    pub early_data: Option<Vec<u8>>,
}

/// The PSK a ticket gives (RFC 8446 section 4.6.1).
pub fn resumption_psk(suite: Suite, resumption_master_secret: &[u8], ticket_nonce: &[u8]) -> Vec<u8> {
    let h = suite.hash();
    h.expand_label(resumption_master_secret, "resumption", ticket_nonce, h.len())
}

/// The server's signing key.
#[derive(Debug, Clone)]
pub enum ServerKey {
    /// RSA, signing with RSA-PSS (rsa_pss_rsae_sha256). `salt` fixes the PSS salt (RFC 8448's,
    /// to reproduce its signature); empty, the salt comes from the scenario's seed.
    Rsa { key: Box<rsa::RsaPrivateKey>, salt: Vec<u8> },
    /// ECDSA on P-256 (ecdsa_secp256r1_sha256), RFC 6979 nonces.
    Ecdsa(p256::ecdsa::SigningKey),
}

/// The signature scheme rsa_pkcs1_sha256 (TLS 1.2 only: TLS 1.3 signs handshakes with PSS).
pub const RSA_PKCS1_SHA256: u16 = 0x0401;

/// The signature scheme ecdsa_secp256r1_sha256.
pub const ECDSA_SECP256R1_SHA256: u16 = 0x0403;

impl ServerKey {
    /// The scheme its CertificateVerify uses.
    pub fn scheme(&self) -> u16 {
        match self {
            ServerKey::Rsa { .. } => RSA_PSS_RSAE_SHA256,
            ServerKey::Ecdsa(_) => ECDSA_SECP256R1_SHA256,
        }
    }
}

/// How the client checks the server's certificate chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainCheck {
    /// The root certificates it trusts (DER).
    pub trusted: Vec<Vec<u8>>,
    /// The host name it connects to.
    pub host: String,
    /// Its clock, in seconds since 1970.
    pub now: i64,
    /// How it learns whether the server's certificate is revoked.
    pub revocation: Option<RevocationCheck>,
}

/// How the client checks revocation, and what the CA's servers answer it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevocationCheck {
    pub method: revocation::Method,
    /// The issuer's CRL as the client downloads it; `None`: no answer.
    pub crl: Option<Vec<u8>>,
    /// The OCSP responder's answer for each certificate serial it is asked about; empty: no
    /// answer.
    pub ocsp: Vec<(Vec<u8>, Vec<u8>)>,
    /// Refuse a certificate whose status it cannot learn.
    pub hard_fail: bool,
}

/// The client's revocation check of the server's certificate, given the chain it received
/// and the OCSP response stapled to it, if any.
pub fn revocation_check(check: &ChainCheck, chain: &[Vec<u8>], staple: Option<&[u8]>) -> (Vec<x509::Check>, Option<x509::Refusal>) {
    let Some(r) = &check.revocation else { return (Vec::new(), None) };
    let certs: Vec<x509::Certificate> = chain.iter().chain(&check.trusted).filter_map(|d| x509::parse(d).ok()).collect();
    let Some(leaf) = chain.first().and_then(|d| x509::parse(d).ok()) else { return (Vec::new(), None) };
    let Some(issuer) = certs.iter().skip(1).find(|c| c.subject == leaf.issuer) else { return (Vec::new(), None) };
    let bytes = match r.method {
        revocation::Method::None => return (Vec::new(), None),
        revocation::Method::Crl => r.crl.as_deref(),
        revocation::Method::Ocsp => r.ocsp.iter().find(|(serial, _)| *serial == leaf.serial).map(|(_, d)| d.as_slice()),
        revocation::Method::Stapled => staple,
    };
    revocation::check(&revocation::Answer { method: r.method, bytes, hard_fail: r.hard_fail }, &leaf, issuer, check.now)
}

/// The OCSP response the server staples to `chain`'s first certificate, when the client asked
/// for one and the server holds one for it.
pub fn staple_for(client: &ClientConfig, server: &ServerConfig, chain: &[Vec<u8>]) -> Option<Vec<u8>> {
    let serial = x509::parse(chain.first()?).ok()?.serial;
    client.status_request.then(|| server.staples.iter().find(|(s, _)| *s == serial).map(|(_, d)| d.clone())).flatten()
}

/// A NewSessionTicket the server sends after the handshake (RFC 8446 section 4.6.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketConfig {
    pub lifetime: u32,
    pub age_add: u32,
    pub nonce: Vec<u8>,
    pub ticket: Vec<u8>,
    /// early_data's max_early_data_size, if the ticket allows 0-RTT.
    pub max_early_data: Option<u32>,
}

/// What the server accepts and holds.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The versions it speaks.
    pub versions: Vec<u16>,
    pub random: [u8; 32],
    /// The suites it accepts, by its preference.
    pub suites: Vec<u16>,
    pub groups: Vec<u16>,
    /// Its X25519 private key for this connection.
    pub key_share: [u8; 32],
    /// Its certificate chain as DER, its own first.
    pub chain: Vec<Vec<u8>>,
    pub key: ServerKey,
    /// A second identity with an RSA key, for TLS 1.2's RSA suites when `key` is ECDSA: its
    /// chain and key.
    pub rsa: Option<(Vec<Vec<u8>>, Box<rsa::RsaPrivateKey>)>,
    pub record_size_limit: Option<u16>,
    pub alpn: Vec<String>,
    pub ticket: Option<TicketConfig>,
    /// Whether it accepts 0-RTT data with a resumed session.
    pub accept_early_data: bool,
    /// The PSK of the ticket it issued earlier (it would read it back from the ticket).
    pub known_psk: Option<(Vec<u8>, Vec<u8>)>,
    /// The seed for anything else drawn at random.
    pub seed: u64,
    /// The OCSP responses it staples, by certificate serial (fetched from the CA ahead of time).
    pub staples: Vec<(Vec<u8>, Vec<u8>)>,
}

/// The application data each side sends once the handshake is done.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AppData {
    pub client: Vec<u8>,
    pub server: Vec<u8>,
}

/// One handshake message as sent.
#[derive(Debug)]
pub struct Message {
    pub from: Side,
    pub name: &'static str,
    /// Its bytes and fields.
    pub wire: Writer,
}

/// Which keys protect a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protection {
    /// None yet: ClientHello and ServerHello go in the clear.
    Plaintext,
    /// 0-RTT: the client early traffic keys, from the PSK.
    Early,
    Handshake,
    Application,
}

/// One record on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub from: Side,
    pub protection: Protection,
    /// The real content type (inside the encryption for protected records).
    pub content: u8,
    /// What the record carries: the handshake messages (indexes into
    /// [`Handshake::messages`]), or application data or an alert.
    pub messages: Vec<usize>,
    /// The record's sequence number under its keys (RFC 8446 section 5.3).
    pub sequence: u64,
    /// The inner plaintext: content, then the content type (TLSInnerPlaintext).
    pub inner: Vec<u8>,
    /// The per-record nonce, for protected records.
    pub nonce: Option<[u8; 12]>,
    /// The record's bytes: header and fragment (ciphertext and tag when protected).
    pub bytes: Vec<u8>,
}

/// Why a handshake stopped, with the alert that says so (RFC 8446 section 6.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No suite both sides support: handshake_failure.
    NoCommonSuite,
    /// No key share in a group the server accepts, and no group to retry with:
    /// handshake_failure.
    NoCommonGroup,
    /// A key share the lab cannot compute (a group other than X25519 and P-256).
    UnsupportedGroup(u16),
    /// A private key that is not one in its group.
    BadKey(String),
    /// The client accepts no signature scheme the server's key can make: handshake_failure.
    NoSignatureScheme,
    /// The server key could not sign.
    SigningFailed(String),
    /// No version both sides speak: protocol_version.
    NoCommonVersion,
}

/// A finished TLS 1.3 handshake and the records after it.
#[derive(Debug)]
pub struct Handshake {
    pub suite: Suite,
    pub group: u16,
    /// The group a HelloRetryRequest asked for, when the server sent one.
    pub retried: Option<u16>,
    pub messages: Vec<Message>,
    pub records: Vec<Record>,
    pub client_public: Vec<u8>,
    pub server_public: Vec<u8>,
    pub shared_secret: Vec<u8>,
    pub schedule: Schedule,
    /// Transcript hashes: through ServerHello, through CertificateVerify's predecessor
    /// (what CertificateVerify signs), through server Finished, through client Finished.
    pub transcript_to_server_hello: Vec<u8>,
    pub transcript_to_certificate: Vec<u8>,
    pub transcript_to_server_finished: Vec<u8>,
    pub transcript_to_client_finished: Vec<u8>,
    /// The bytes CertificateVerify's signature covers (RFC 8446 section 4.4.3).
    pub signed_content: Vec<u8>,
    pub server_verify_data: Vec<u8>,
    pub client_verify_data: Vec<u8>,
    /// The client's check of CertificateVerify with the certificate's public key (none when a
    /// PSK authenticated the server).
    pub certificate_verify_check: Option<Result<(), String>>,
    /// Whether the server accepted the PSK (a resumption).
    pub resumed: bool,
    /// The binder the client sent, and whether the server's own computation matched it.
    pub binder: Option<(Vec<u8>, bool)>,
    /// Whether 0-RTT data was sent, and then whether the server accepted it.
    pub early_data: Option<bool>,
    /// The client's checks of the server's chain, and why it refused it, if it did: then it
    /// sends that alert instead of its Finished, and nothing follows.
    pub chain_checks: Vec<x509::Check>,
    /// The client's revocation checks (after the chain's), and the OCSP response the server
    /// stapled.
    pub revocation_checks: Vec<x509::Check>,
    pub staple: Option<Vec<u8>>,
    pub refusal: Option<x509::Refusal>,
    /// The client's check of the server's Finished: its own HMAC of the transcript equals it.
    pub server_finished_check: bool,
}

/// Checks a CertificateVerify's RSA-PSS signature with the public key in `certificate` (DER),
/// as the client does (RFC 8446 section 4.4.3).
pub fn verify_certificate_verify(certificate: &[u8], content: &[u8], signature: &[u8]) -> Result<(), String> {
    use rsa::pkcs8::DecodePublicKey;
    use sha2::Digest;
    if let Some(cert) = x509::parse(certificate).ok().filter(|c| c.ec_p256) {
        p256::ecdsa::VerifyingKey::from_sec1_bytes(&cert.public_key).map_err(|_| "the certificate's P-256 key is not a point".to_string())?;
        p256::ecdsa::Signature::from_der(signature).map_err(|_| "the signature is not a DER ECDSA signature".to_string())?;
        return if ecdsa::verify(&cert.public_key, content, signature) { Ok(()) } else { Err("the signature does not match the transcript and the certificate's key".to_string()) };
    }
    let spki = crate::jwt::keys::certificate_spki(certificate).ok_or("the certificate's public key could not be read")?;
    let key = rsa::RsaPublicKey::from_public_key_der(spki).map_err(|e| format!("the certificate's key is not an RSA key: {e}"))?;
    key.verify(rsa::Pss::new::<sha2::Sha256>(), &sha2::Sha256::digest(content), signature).map_err(|_| "the signature does not match the transcript and the certificate's key".to_string())
}

/// The content a CertificateVerify signs: 64 spaces, the context string, a zero byte, and the
/// transcript hash.
pub fn certificate_verify_content(server: bool, transcript_hash: &[u8]) -> Vec<u8> {
    let mut c = vec![0x20u8; 64];
    c.extend(if server { &b"TLS 1.3, server CertificateVerify"[..] } else { &b"TLS 1.3, client CertificateVerify"[..] });
    c.push(0);
    c.extend(transcript_hash);
    c
}

impl ClientConfig {
    /// The key shares of the first ClientHello, as sent.
    fn shares(&self) -> Vec<(u16, Vec<u8>)> {
        self.key_shares.iter().map(|(g, k)| (*g, public_key(*g, k).unwrap_or_default())).collect()
    }

    fn hello(&self, shares: &[(u16, Vec<u8>)], cookie: Option<&[u8]>) -> ClientHello {
        self.hello_with(shares, cookie, None)
    }

    /// The ClientHello, with the PSK extension's binders when resuming. A client that offers
    /// TLS 1.3 sends key shares and supported_versions; one that offers TLS 1.2 adds the
    /// extensions a TLS 1.2 server looks for.
    fn hello_with(&self, shares: &[(u16, Vec<u8>)], cookie: Option<&[u8]>, binders: Option<Vec<Vec<u8>>>) -> ClientHello {
        let (tls13, tls12) = (self.versions.contains(&TLS13), self.versions.contains(&TLS12));
        let mut ext = Vec::new();
        if let Some(host) = &self.server_name {
            ext.push(Extension::ServerName(Some(host.clone())));
        }
        if self.legacy_extensions || tls12 {
            ext.push(Extension::RenegotiationInfo(Vec::new()));
        }
        ext.push(Extension::SupportedGroups(self.groups.clone()));
        if tls12 {
            ext.push(Extension::EcPointFormats(vec![0]));
        }
        if self.legacy_extensions && self.resumption.is_none() {
            ext.push(Extension::SessionTicket(Vec::new()));
        }
        if !self.alpn.is_empty() {
            ext.push(Extension::Alpn(self.alpn.clone()));
        }
        if tls12 {
            ext.push(Extension::ExtendedMasterSecret);
        }
        if tls13 {
            ext.push(Extension::KeyShareClient(shares.to_vec()));
            // 0-RTT is offered only in the first ClientHello: after a HelloRetryRequest it is too late.
            if self.resumption.as_ref().is_some_and(|r| r.early_data.is_some()) && cookie.is_none() {
                ext.push(Extension::EarlyData);
            }
            let mut versions: Vec<u16> = self.versions.clone();
            versions.sort_unstable_by(|a, b| b.cmp(a));
            ext.push(Extension::SupportedVersionsClient(versions));
        }
        ext.push(Extension::SignatureAlgorithms(self.schemes.clone()));
        if let Some(cookie) = cookie {
            ext.push(Extension::Cookie(cookie.to_vec()));
        }
        if !self.psk_modes.is_empty() && tls13 {
            ext.push(Extension::PskKeyExchangeModes(self.psk_modes.clone()));
        }
        if self.status_request {
            ext.push(Extension::StatusRequest);
        }
        if let Some(limit) = self.record_size_limit {
            ext.push(Extension::RecordSizeLimit(limit));
        }
        if let Some(n) = self.padding {
            ext.push(Extension::Padding(n));
        }
        if let (Some(r), Some(binders), true) = (&self.resumption, binders, tls13) {
            ext.push(Extension::PreSharedKeyClient { identities: vec![(r.ticket.clone(), r.obfuscated_age)], binders });
        }
        let legacy_version = self.versions.iter().copied().filter(|v| *v <= TLS12).max().unwrap_or(TLS12).max(if tls13 { TLS12 } else { 0 });
        ClientHello { legacy_version, random: self.random, session_id: self.session_id.clone(), suites: self.suites.clone(), extensions: ext }
    }
}

/// Protects `content` of type `content_type` as records under `keys`, starting at sequence
/// number `*sequence` (RFC 8446 section 5.2), at most [`MAX_FRAGMENT`] bytes each.
fn protect(suite: Suite, keys: &TrafficKeys, sequence: &mut u64, from: Side, protection: Protection, content: u8, messages: Vec<usize>, data: &[u8]) -> Vec<Record> {
    let mut out = Vec::new();
    let chunks: Vec<&[u8]> = if data.is_empty() { vec![data] } else { data.chunks(MAX_FRAGMENT).collect() };
    for chunk in chunks {
        let mut inner = chunk.to_vec();
        inner.push(content);
        let header = wire::encrypted_header(inner.len() + Suite::TAG_LEN);
        let n = nonce(&keys.iv, *sequence);
        let sealed = suite.seal(&keys.key, &n, &header, &inner);
        let mut bytes = header.to_vec();
        bytes.extend(sealed);
        out.push(Record { from, protection, content, messages: messages.clone(), sequence: *sequence, inner, nonce: Some(n), bytes });
        *sequence += 1;
    }
    out
}

/// Decrypts a protected record's bytes with `keys` at `sequence`: the inner plaintext, or
/// `None` if the tag does not match.
pub fn unprotect(suite: Suite, keys: &TrafficKeys, sequence: u64, record: &[u8]) -> Option<Vec<u8>> {
    if record.len() < 5 + Suite::TAG_LEN {
        return None;
    }
    suite.open(&keys.key, &nonce(&keys.iv, sequence), &record[..5], &record[5..])
}

fn sign(key: &ServerKey, content: &[u8], seed: u64) -> Result<(u16, Vec<u8>), Failure> {
    match key {
        ServerKey::Rsa { key, salt } => {
            use sha2::Digest;
            let digest = sha2::Sha256::digest(content);
            let mut rng = Given { bytes: salt.clone(), at: 0, then: Seeded(SplitMix64::new(seed)) };
            let signature = key.sign_with_rng(&mut rng, rsa::Pss::new::<sha2::Sha256>(), &digest).map_err(|e| Failure::SigningFailed(e.to_string()))?;
            Ok((RSA_PSS_RSAE_SHA256, signature))
        }
        ServerKey::Ecdsa(key) => Ok((ECDSA_SECP256R1_SHA256, ecdsa::sign(key, content))),
    }
}

/// What a connection negotiated.
#[derive(Debug)]
pub enum Connection {
    Tls13(Handshake),
    Tls12(tls12::Handshake12),
}

/// The version both sides speak, the newest first (RFC 8446 section 4.2.1; a TLS 1.2 server
/// reads the ClientHello's legacy_version, 0x0303, and ignores supported_versions).
pub fn negotiate_version(client: &ClientConfig, server: &ServerConfig) -> Result<u16, Failure> {
    [TLS13, TLS12].into_iter().find(|v| client.versions.contains(v) && server.versions.contains(v)).ok_or(Failure::NoCommonVersion)
}

/// Runs the handshake of the version both sides speak.
pub fn connect(client: &ClientConfig, server: &ServerConfig, data: &AppData) -> Result<Connection, Failure> {
    match negotiate_version(client, server)? {
        TLS13 => handshake(client, server, data).map(Connection::Tls13),
        _ => tls12::handshake(client, server, data).map(Connection::Tls12),
    }
}

/// Runs a full TLS 1.3 handshake (RFC 8446 section 2, figure 1), then the application data
/// and both close_notify alerts.
pub fn handshake(client: &ClientConfig, server: &ServerConfig, data: &AppData) -> Result<Handshake, Failure> {
    // The server picks by its own preference among what the client offers (section 4.1.1).
    let suite = server.suites.iter().filter(|s| client.suites.contains(s)).find_map(|s| Suite::from_code(*s)).ok_or(Failure::NoCommonSuite)?;
    let h: HashAlg = suite.hash();
    if !client.schemes.contains(&server.key.scheme()) && client.resumption.is_none() {
        return Err(Failure::NoSignatureScheme);
    }
    // The group: the server's first choice among the client's key shares; failing that, its
    // first choice among the client's supported groups, asked for by a HelloRetryRequest
    // (section 4.1.4).
    let share = server.groups.iter().find_map(|g| client.key_shares.iter().find(|(c, _)| c == g)).copied();
    let (group, client_private, retried) = match share {
        Some((g, k)) => (g, k, None),
        None => {
            let g = server.groups.iter().find(|g| client.groups.contains(g)).copied().ok_or(Failure::NoCommonGroup)?;
            (g, client.retry_key, Some(g))
        }
    };
    if !computable(group) {
        return Err(Failure::UnsupportedGroup(group));
    }
    let client_public = public_key(group, &client_private).map_err(Failure::BadKey)?;
    let server_public = public_key(group, &server.key_share).map_err(Failure::BadKey)?;
    let shared_secret = shared_secret(group, &server.key_share, &client_public).map_err(Failure::BadKey)?;

    let mut messages: Vec<Message> = Vec::new();
    let mut records: Vec<Record> = Vec::new();
    let mut transcript: Vec<u8> = Vec::new();
    let mut send = |from, name, wire: Writer, transcript: &mut Vec<u8>| {
        transcript.extend(&wire.bytes);
        messages.push(Message { from, name, wire });
        messages.len() - 1
    };
    // A ClientHello; when resuming, its PSK binder is an HMAC over the transcript so far and
    // this hello up to the binders (section 4.2.11.2), so it is built twice: once to measure.
    let hello = |shares: &[(u16, Vec<u8>)], cookie: Option<&[u8]>, before: &[u8]| -> (Writer, Option<Vec<u8>>) {
        match &client.resumption {
            None => (client.hello(shares, cookie).encode(), None),
            Some(r) => {
                let draft = client.hello_with(shares, cookie, Some(vec![vec![0; h.len()]])).encode();
                let cut = draft.bytes.len() - (2 + 1 + h.len());
                let binder = Schedule::binder(suite, &r.psk, &[before, &draft.bytes[..cut]].concat());
                (client.hello_with(shares, cookie, Some(vec![binder.clone()])).encode(), Some(binder))
            }
        }
    };

    // ClientHello, in the clear (section 4.1.2); the first record says TLS 1.0 for old servers.
    let (first_hello, mut binder) = hello(&client.shares(), None, &[]);
    let mut clear = vec![(send(Side::Client, "ClientHello", first_hello, &mut transcript), 0x0301)];
    let first_hello_transcript = transcript.clone();
    if let Some(g) = retried {
        // The transcript restarts from the hash of the first ClientHello, as a message_hash
        // message (section 4.4.1), so a stateless server can keep it in the cookie.
        let first = h.digest(&transcript);
        transcript = vec![wire::handshake_type::MESSAGE_HASH, 0, 0, h.len() as u8];
        transcript.extend(&first);
        let mut cookie = first.clone();
        cookie.extend(h.hmac(&server.seed.to_be_bytes(), &first));
        let hrr = ServerHello { random: wire::HELLO_RETRY_RANDOM, session_id: client.session_id.clone(), suite: suite.code(), extensions: vec![Extension::KeyShareRetry(g), Extension::Cookie(cookie.clone()), Extension::SupportedVersionsServer(0x0304)] };
        clear.push((send(Side::Server, "HelloRetryRequest", hrr.encode(), &mut transcript), 0x0303));
        let (second, b) = hello(&[(g, client_public.clone())], Some(&cookie), &transcript);
        binder = b;
        clear.push((send(Side::Client, "ClientHello", second, &mut transcript), 0x0303));
    }
    // The server checks the ticket and the binder with the PSK it issued (section 4.2.11).
    let binder_check = match (&client.resumption, &binder, &server.known_psk) {
        (Some(r), Some(b), Some((ticket, psk))) if *ticket == r.ticket => {
            let cut = transcript.len() - (2 + 1 + h.len());
            let before_hello = &transcript[..cut];
            Some(Schedule::binder(suite, psk, before_hello) == *b)
        }
        _ => None,
    };
    let resumed = binder_check == Some(true) && client.psk_modes.contains(&1);
    let psk = resumed.then(|| client.resumption.as_ref().map(|r| r.psk.clone())).flatten();
    let early_offered = client.resumption.as_ref().and_then(|r| r.early_data.clone());
    let max_early = server.ticket.as_ref().and_then(|t| t.max_early_data).unwrap_or(0) as usize;
    let early_accepted = early_offered.as_ref().map(|d| resumed && retried.is_none() && server.accept_early_data && d.len() <= max_early);

    // ServerHello (section 4.1.3).
    let mut sh_ext = Vec::new();
    if resumed {
        sh_ext.push(Extension::PreSharedKeyServer(0));
    }
    sh_ext.push(Extension::KeyShareServer(group, server_public.clone()));
    sh_ext.push(Extension::SupportedVersionsServer(0x0304));
    let sh_msg = ServerHello { random: server.random, session_id: client.session_id.clone(), suite: suite.code(), extensions: sh_ext };
    clear.push((send(Side::Server, "ServerHello", sh_msg.encode(), &mut transcript), 0x0303));
    let transcript_to_server_hello = h.digest(&transcript);

    // EncryptedExtensions (section 4.3.1): what the server agreed to that needs no key.
    let mut ee_ext = vec![Extension::SupportedGroups(server.groups.clone())];
    if let Some(limit) = server.record_size_limit {
        ee_ext.push(Extension::RecordSizeLimit(limit));
    }
    if let Some(p) = server.alpn.iter().find(|p| client.alpn.contains(p)) {
        ee_ext.push(Extension::Alpn(vec![p.clone()]));
    }
    if client.server_name.is_some() {
        ee_ext.push(Extension::ServerName(None));
    }
    if early_accepted == Some(true) {
        ee_ext.push(Extension::EarlyData);
    }
    let ee = send(Side::Server, "EncryptedExtensions", wire::encrypted_extensions(&ee_ext), &mut transcript);
    let mut flight = vec![ee];
    let mut transcript_to_certificate = Vec::new();
    let mut signed_content = Vec::new();
    let mut certificate_verify_check = None;
    let mut staple = None;
    if !resumed {
        // A PSK already proves who the server is; without one, its certificate must.
        staple = staple_for(client, server, &server.chain);
        flight.push(send(Side::Server, "Certificate", wire::certificate(&[], &server.chain, staple.as_deref()), &mut transcript));
        transcript_to_certificate = h.digest(&transcript);
        signed_content = certificate_verify_content(true, &transcript_to_certificate);
        let (scheme, signature) = sign(&server.key, &signed_content, server.seed)?;
        flight.push(send(Side::Server, "CertificateVerify", wire::certificate_verify(scheme, &signature), &mut transcript));
        certificate_verify_check = Some(match server.chain.first() {
            Some(cert) => verify_certificate_verify(cert, &signed_content, &signature),
            None => Err("the server sent no certificate".into()),
        });
    }

    // The client checks the chain it received (RFC 5280 section 6).
    let (chain_checks, mut refusal) = match (&client.chain_check, resumed) {
        (Some(c), false) => x509::validate(&server.chain, &c.trusted, &c.host, c.now),
        _ => (Vec::new(), None),
    };
    // Then, with a chain it accepts, whether the certificate is revoked.
    let mut revocation_checks = Vec::new();
    if let (Some(c), false, None) = (&client.chain_check, resumed, refusal) {
        (revocation_checks, refusal) = revocation_check(c, &server.chain, staple.as_deref());
    }

    // The handshake traffic secrets need only the transcript through ServerHello, so the
    // schedule is computed once the whole transcript is known; the Finished keys come from it.
    let early_transcript = h.digest(&first_hello_transcript);
    let hs_only = Schedule::full(suite, psk.as_deref(), &shared_secret, &Transcripts { to_client_hello: &early_transcript, to_server_hello: &transcript_to_server_hello, to_server_finished: &[], to_client_finished: &[] });
    let server_verify_data = h.hmac(&hs_only.server_finished_key, &h.digest(&transcript));
    // The client computes the same HMAC over the transcript as it received it.
    let server_finished_check = h.hmac(&hs_only.server_finished_key, &h.digest(&transcript)) == server_verify_data;
    flight.push(send(Side::Server, "Finished", wire::finished(&server_verify_data), &mut transcript));
    let transcript_to_server_finished = h.digest(&transcript);
    // EndOfEarlyData (section 4.5), when the server took the 0-RTT data.
    let eoed = (early_accepted == Some(true)).then(|| send(Side::Client, "EndOfEarlyData", wire::end_of_early_data(), &mut transcript));
    let client_verify_data = h.hmac(&hs_only.client_finished_key, &h.digest(&transcript));
    let cf = send(Side::Client, "Finished", wire::finished(&client_verify_data), &mut transcript);
    let transcript_to_client_finished = h.digest(&transcript);
    let schedule = Schedule::full(
        suite,
        psk.as_deref(),
        &shared_secret,
        &Transcripts { to_client_hello: &early_transcript, to_server_hello: &transcript_to_server_hello, to_server_finished: &transcript_to_server_finished, to_client_finished: &transcript_to_client_finished },
    );

    // NewSessionTicket (section 4.6.1), after the client's Finished.
    let nst = server.ticket.as_ref().filter(|_| !resumed).map(|t| send(Side::Server, "NewSessionTicket", wire::new_session_ticket(t.lifetime, t.age_add, &t.nonce, &t.ticket, t.max_early_data), &mut Vec::new()));

    // The records.
    let plain = |from, content, legacy, index: usize, messages: &[Message]| Record {
        from,
        protection: Protection::Plaintext,
        content,
        messages: vec![index],
        sequence: 0,
        inner: messages[index].wire.bytes.clone(),
        nonce: None,
        bytes: wire::plaintext_record(content, legacy, &messages[index].wire.bytes),
    };
    let (mut server_hs_seq, mut client_hs_seq, mut server_ap_seq, mut client_ap_seq, mut early_seq) = (0u64, 0u64, 0u64, 0u64, 0u64);
    // 0-RTT data follows the first ClientHello at once, under the client early keys.
    // (Only a resuming client has early keys: they come from the PSK.)
    let early_keys = client.resumption.as_ref().map(|r| Schedule::client_early_keys(suite, &r.psk, &early_transcript));
    for (i, (index, legacy)) in clear.into_iter().enumerate() {
        records.push(plain(messages[index].from, content_type::HANDSHAKE, legacy, index, &messages));
        if i == 0 {
            if let (Some(d), Some(keys)) = (&early_offered, &early_keys) {
                records.extend(protect(suite, keys, &mut early_seq, Side::Client, Protection::Early, content_type::APPLICATION_DATA, vec![], d));
            }
        }
    }
    let flight_bytes: Vec<u8> = flight.iter().flat_map(|i| messages[*i].wire.bytes.clone()).collect();
    records.extend(protect(suite, &schedule.server_handshake, &mut server_hs_seq, Side::Server, Protection::Handshake, content_type::HANDSHAKE, flight, &flight_bytes));
    if let Some(r) = refusal {
        // The client refuses the chain: a fatal alert under its handshake key, and the end.
        let (code, _) = r.alert();
        records.extend(protect(suite, &schedule.client_handshake, &mut client_hs_seq, Side::Client, Protection::Handshake, content_type::ALERT, vec![], &[2, code]));
        messages.retain(|m| !(m.from == Side::Client && m.name != "ClientHello") && m.name != "NewSessionTicket");
    } else {
        if let (Some(e), Some(keys)) = (eoed, &early_keys) {
            records.extend(protect(suite, keys, &mut early_seq, Side::Client, Protection::Early, content_type::HANDSHAKE, vec![e], &messages[e].wire.bytes));
        }
        records.extend(protect(suite, &schedule.client_handshake, &mut client_hs_seq, Side::Client, Protection::Handshake, content_type::HANDSHAKE, vec![cf], &messages[cf].wire.bytes));
        if let Some(nst) = nst {
            records.extend(protect(suite, &schedule.server_application, &mut server_ap_seq, Side::Server, Protection::Application, content_type::HANDSHAKE, vec![nst], &messages[nst].wire.bytes));
        }
        // (Nothing to send, no record: after 0-RTT the request may already be there.)
        if !data.client.is_empty() {
            records.extend(protect(suite, &schedule.client_application, &mut client_ap_seq, Side::Client, Protection::Application, content_type::APPLICATION_DATA, vec![], &data.client));
        }
        if !data.server.is_empty() {
            records.extend(protect(suite, &schedule.server_application, &mut server_ap_seq, Side::Server, Protection::Application, content_type::APPLICATION_DATA, vec![], &data.server));
        }
        // close_notify: a warning-level alert (section 6.1).
        records.extend(protect(suite, &schedule.client_application, &mut client_ap_seq, Side::Client, Protection::Application, content_type::ALERT, vec![], &[1, 0]));
        records.extend(protect(suite, &schedule.server_application, &mut server_ap_seq, Side::Server, Protection::Application, content_type::ALERT, vec![], &[1, 0]));
    }

    Ok(Handshake {
        suite,
        group,
        retried,
        messages,
        records,
        client_public,
        server_public,
        shared_secret,
        schedule,
        transcript_to_server_hello,
        transcript_to_certificate,
        transcript_to_server_finished,
        transcript_to_client_finished,
        signed_content,
        server_verify_data,
        client_verify_data,
        certificate_verify_check,
        server_finished_check,
        resumed,
        binder: binder.map(|b| (b, binder_check == Some(true))),
        early_data: early_accepted,
        chain_checks,
        revocation_checks,
        staple,
        refusal,
    })
}

/// The server's certificate and key in this version of the lab: RFC 8448's, a self-signed
/// certificate for "rsa" with a 1024-bit RSA key (RFC 8448 section 2). Too short for real use;
/// it keeps the example reproducible.
pub mod rfc8448_identity {
    /// The certificate's DER.
    pub const CERTIFICATE: &str = "308201ac30820115a003020102020102300d06092a864886f70d01010b0500300e310c300a06035504031303727361301e170d3136303733303031323335395a170d3236303733303031323335395a300e310c300a0603550403130372736130819f300d06092a864886f70d010101050003818d0030818902818100b4bb498f8279303d980836399b36c6988c0c68de55e1bdb826d3901a2461eafd2de49a91d015abbc9a95137ace6c1af19eaa6af98c7ced43120998e187a80ee0ccb0524b1b018c3e0b63264d449a6d38e22a5fda430846748030530ef0461c8ca9d9efbfae8ea6d1d03e2bd193eff0ab9a8002c47428a6d35a8d88d79f7f1e3f0203010001a31a301830090603551d1304023000300b0603551d0f0404030205a0300d06092a864886f70d01010b05000381810085aad2a0e5b9276b908c65f73a7267170618a54c5f8a7b337d2df7a594365417f2eae8f8a58c8f8172f9319cf36b7fd6c55b80f21a03015156726096fd335e5e67f2dbf102702e608ccae6bec1fc63a42a99be5c3eb7107c3c54e9b9eb2bd5203b1c3b84e0a8b2f759409ba3eac9d91d402dcc0cc8f8961229ac9187b42b4de1";
    pub const N: &str = "b4bb498f8279303d980836399b36c6988c0c68de55e1bdb826d3901a2461eafd2de49a91d015abbc9a95137ace6c1af19eaa6af98c7ced43120998e187a80ee0ccb0524b1b018c3e0b63264d449a6d38e22a5fda430846748030530ef0461c8ca9d9efbfae8ea6d1d03e2bd193eff0ab9a8002c47428a6d35a8d88d79f7f1e3f";
    pub const D: &str = "04dea705d43a6ea7209dd8072111a83c81e322a59278b33480641eaf7c0a6985b8e31c44f6de62e1b4c2309f6126e77b7c41e923314bbfa3881305dc1217f16c819ce538e922f369828d0e57195d8c8488460207b2faa726bcf708bbd7db7f679f893492fc2a622e08970aac441ce4e0c3088df25ae679233df8a3bda2ff9941";
    pub const P: &str = "e435fb7cc83737756dacea96ab7f59a2cc1069db7deb190e17e33a532b273f30a327aa0aaabc58cd67466af9845fadc675fe094af92c4bd1f2c1bc33dd2e0515";
    pub const Q: &str = "cabd3bc0e0438664c8d4cc9f99977a94d9bbfead8e43870abae3f7eb8b4e0eee8af1d9b4719ba6196cf2cbbaeeebf8b3490afe9e9ffa74a88aa51fc645629303";

    /// The certificate's DER and the private key.
    pub fn load() -> (Vec<u8>, rsa::RsaPrivateKey) {
        let bytes = |h: &str| super::scenario::hex(h).unwrap_or_default();
        let big = |h: &str| rsa::BigUint::from_bytes_be(&bytes(h));
        let key = rsa::RsaPrivateKey::from_components(big(N), big("010001"), big(D), vec![big(P), big(Q)]).expect("RFC 8448's key is consistent (tested)");
        (bytes(CERTIFICATE), key)
    }
}
