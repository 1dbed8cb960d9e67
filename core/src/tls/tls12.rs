//! TLS 1.2 (RFC 5246) with the suites still in use: ECDHE with an RSA or ECDSA signature, and
//! RSA key exchange (no forward secrecy), each with AES-GCM (RFC 5288) or ChaCha20-Poly1305
//! (RFC 7905). The PRF (section 5), the extended master secret (RFC 7627), the key block
//! (section 6.3), ServerKeyExchange (RFC 8422 section 5.4), ChangeCipherSpec and Finished
//! (section 7.4.9), and the AEAD records (section 6.2.3.3). The same ClientHello and
//! configurations as TLS 1.3 (`super`), so the two versions compare on equal terms.

use super::crypto::{nonce, HashAlg, Suite};
use super::schedule::Node;
use super::wire::{self, content_type, Extension, Writer};
use super::{x509, AppData, ClientConfig, Failure, Message, Protection, Record, ServerConfig, ServerKey, Side, MAX_FRAGMENT, TLS12, TLS13};
use crate::rng::{Given, Seeded, SplitMix64};

/// TLS 1.2's handshake message types beyond TLS 1.3's (RFC 5246 section 7.4).
pub mod handshake_type {
    pub const SERVER_KEY_EXCHANGE: u8 = 12;
    pub const SERVER_HELLO_DONE: u8 = 14;
    pub const CLIENT_KEY_EXCHANGE: u8 = 16;
}

/// The last 8 bytes of a TLS 1.3 server's random when it negotiates TLS 1.2 (RFC 8446
/// section 4.1.3): a TLS 1.3 client that sees them knows an attacker removed its offer of 1.3.
pub const DOWNGRADE_SENTINEL: [u8; 8] = *b"DOWNGRD\x01";

/// How the two sides agree on the premaster secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kex {
    /// Ephemeral elliptic-curve Diffie-Hellman, signed by the server: forward secrecy.
    Ecdhe,
    /// The client encrypts the premaster secret to the certificate's RSA key: whoever gets that
    /// key later decrypts every recorded session.
    Rsa,
}

/// What kind of key the server's certificate holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    Rsa,
    Ecdsa,
}

/// A TLS 1.2 cipher suite the lab runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suite12 {
    pub code: u16,
    pub name: &'static str,
    pub kex: Kex,
    pub auth: Auth,
    /// The record cipher and the PRF's hash, as TLS 1.3's suite with the same pair.
    pub cipher: Suite,
}

/// The TLS 1.2 suites the lab runs (all AEAD; RFC 7525's recommended ones and RSA key exchange).
pub const SUITES: [Suite12; 8] = [
    Suite12 { code: 0xc02b, name: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", kex: Kex::Ecdhe, auth: Auth::Ecdsa, cipher: Suite::Aes128GcmSha256 },
    Suite12 { code: 0xc02c, name: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", kex: Kex::Ecdhe, auth: Auth::Ecdsa, cipher: Suite::Aes256GcmSha384 },
    Suite12 { code: 0xcca9, name: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", kex: Kex::Ecdhe, auth: Auth::Ecdsa, cipher: Suite::ChaCha20Poly1305Sha256 },
    Suite12 { code: 0xc02f, name: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", kex: Kex::Ecdhe, auth: Auth::Rsa, cipher: Suite::Aes128GcmSha256 },
    Suite12 { code: 0xc030, name: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", kex: Kex::Ecdhe, auth: Auth::Rsa, cipher: Suite::Aes256GcmSha384 },
    Suite12 { code: 0xcca8, name: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", kex: Kex::Ecdhe, auth: Auth::Rsa, cipher: Suite::ChaCha20Poly1305Sha256 },
    Suite12 { code: 0x009c, name: "TLS_RSA_WITH_AES_128_GCM_SHA256", kex: Kex::Rsa, auth: Auth::Rsa, cipher: Suite::Aes128GcmSha256 },
    Suite12 { code: 0x009d, name: "TLS_RSA_WITH_AES_256_GCM_SHA384", kex: Kex::Rsa, auth: Auth::Rsa, cipher: Suite::Aes256GcmSha384 },
];

impl Suite12 {
    pub fn from_code(code: u16) -> Option<Suite12> {
        SUITES.into_iter().find(|s| s.code == code)
    }

    pub fn hash(self) -> HashAlg {
        self.cipher.hash()
    }

    /// The fixed part of the nonce in the key block: 4 bytes for AES-GCM (the other 8 travel in
    /// each record), 12 for ChaCha20-Poly1305 (XORed with the sequence number, as in TLS 1.3).
    pub fn iv_len(self) -> usize {
        if self.cipher == Suite::ChaCha20Poly1305Sha256 { 12 } else { 4 }
    }

    /// Whether each record carries an explicit 8-byte nonce (AES-GCM, RFC 5288 section 3).
    pub fn explicit_nonce(self) -> bool {
        self.iv_len() == 4
    }
}

/// TLS 1.2's PRF (RFC 5246 section 5): P_hash(secret, label + seed), cut to `len` bytes.
pub fn prf(h: HashAlg, secret: &[u8], label: &str, seed: &[u8], len: usize) -> Vec<u8> {
    let mut label_seed = label.as_bytes().to_vec();
    label_seed.extend(seed);
    let mut a = h.hmac(secret, &label_seed);
    let mut out = Vec::with_capacity(len + h.len());
    while out.len() < len {
        let mut input = a.clone();
        input.extend(&label_seed);
        out.extend(h.hmac(secret, &input));
        a = h.hmac(secret, &a);
    }
    out.truncate(len);
    out
}

/// One direction's record keys from the key block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keys12 {
    pub key: Vec<u8>,
    pub iv: Vec<u8>,
}

/// A finished TLS 1.2 handshake and the records after it.
#[derive(Debug)]
pub struct Handshake12 {
    pub suite: Suite12,
    /// The ECDHE group, for ECDHE suites.
    pub group: Option<u16>,
    pub messages: Vec<Message>,
    pub records: Vec<Record>,
    /// The ServerKeyExchange's signed bytes (client random, server random, the ECDH
    /// parameters), its scheme, and the client's check of it.
    pub signed_params: Vec<u8>,
    pub scheme: Option<u16>,
    pub signature_check: Option<Result<(), String>>,
    pub pre_master_secret: Vec<u8>,
    /// Whether both sides used the extended master secret (RFC 7627), and the session hash it
    /// covers (the transcript through ClientKeyExchange).
    pub extended_master_secret: bool,
    pub session_hash: Vec<u8>,
    pub master_secret: Vec<u8>,
    pub client_keys: Keys12,
    pub server_keys: Keys12,
    pub client_verify_data: Vec<u8>,
    pub server_verify_data: Vec<u8>,
    /// The server's Finished as the client checks it.
    pub server_finished_check: bool,
    /// The server put the downgrade sentinel in its random: it speaks TLS 1.3 too.
    pub downgrade_sentinel: bool,
    pub chain_checks: Vec<x509::Check>,
    /// The client's revocation checks, and the OCSP response the server stapled.
    pub revocation_checks: Vec<x509::Check>,
    pub staple: Option<Vec<u8>>,
    pub refusal: Option<x509::Refusal>,
}

impl Handshake12 {
    /// The key block's values and how each is made, for the key schedule panel.
    pub fn nodes(&self) -> Vec<Node> {
        let h = self.suite.hash().name();
        let (master_name, master_formula) = if self.extended_master_secret {
            ("master_secret", format!("PRF-{h}(pre_master_secret, \"extended master secret\", session_hash)[0..48]  (RFC 7627)"))
        } else {
            ("master_secret", format!("PRF-{h}(pre_master_secret, \"master secret\", client_random + server_random)[0..48]"))
        };
        let pms = match self.suite.kex {
            Kex::Ecdhe => "ECDH(client private key, server public key): the x-coordinate (X25519: the shared value)".to_string(),
            Kex::Rsa => "0x0303 + 46 random bytes from the client, sent encrypted to the server's RSA key".to_string(),
        };
        let block = format!("from key_block = PRF-{h}(master_secret, \"key expansion\", server_random + client_random)");
        let mut n = vec![Node { name: "pre_master_secret", value: self.pre_master_secret.clone(), formula: pms }];
        if self.extended_master_secret {
            n.push(Node { name: "session_hash", value: self.session_hash.clone(), formula: format!("{h}(ClientHello … ClientKeyExchange)") });
        }
        n.push(Node { name: master_name, value: self.master_secret.clone(), formula: master_formula });
        n.push(Node { name: "client_write_key", value: self.client_keys.key.clone(), formula: block.clone() });
        n.push(Node { name: "server_write_key", value: self.server_keys.key.clone(), formula: block.clone() });
        n.push(Node { name: "client_write_IV", value: self.client_keys.iv.clone(), formula: block.clone() });
        n.push(Node { name: "server_write_IV", value: self.server_keys.iv.clone(), formula: block });
        n.push(Node { name: "client_verify_data", value: self.client_verify_data.clone(), formula: format!("PRF-{h}(master_secret, \"client finished\", {h}(handshake messages))[0..12]") });
        n.push(Node { name: "server_verify_data", value: self.server_verify_data.clone(), formula: format!("PRF-{h}(master_secret, \"server finished\", {h}(handshake messages))[0..12]") });
        n
    }
}

/// The AEAD nonce and additional data of a TLS 1.2 record (RFC 5246 section 6.2.3.3): the
/// sequence number, type, version and plaintext length are authenticated, not sent.
pub fn aead_inputs(suite: Suite12, keys: &Keys12, sequence: u64, content: u8, plain_len: usize) -> ([u8; 12], Vec<u8>) {
    let n = if suite.explicit_nonce() {
        let mut n = [0u8; 12];
        n[..4].copy_from_slice(&keys.iv);
        n[4..].copy_from_slice(&sequence.to_be_bytes());
        n
    } else {
        nonce(&keys.iv, sequence)
    };
    let mut aad = sequence.to_be_bytes().to_vec();
    aad.push(content);
    aad.extend(TLS12.to_be_bytes());
    aad.extend((plain_len as u16).to_be_bytes());
    (n, aad)
}

/// Protects `data` as records of type `content` (at most [`MAX_FRAGMENT`] bytes each).
fn protect(suite: Suite12, keys: &Keys12, sequence: &mut u64, from: Side, content: u8, messages: Vec<usize>, data: &[u8]) -> Vec<Record> {
    let mut out = Vec::new();
    let chunks: Vec<&[u8]> = if data.is_empty() { vec![data] } else { data.chunks(MAX_FRAGMENT).collect() };
    for chunk in chunks {
        let (n, aad) = aead_inputs(suite, keys, *sequence, content, chunk.len());
        let sealed = suite.cipher.seal(&keys.key, &n, &aad, chunk);
        let explicit: &[u8] = if suite.explicit_nonce() { &n[4..] } else { &[] };
        let mut bytes = vec![content, 0x03, 0x03];
        bytes.extend(((explicit.len() + sealed.len()) as u16).to_be_bytes());
        bytes.extend(explicit);
        bytes.extend(sealed);
        out.push(Record { from, protection: Protection::Application, content, messages: messages.clone(), sequence: *sequence, inner: chunk.to_vec(), nonce: Some(n), bytes });
        *sequence += 1;
    }
    out
}

/// Decrypts a protected TLS 1.2 record's bytes: the plaintext, or `None` if the tag fails.
pub fn unprotect(suite: Suite12, keys: &Keys12, sequence: u64, record: &[u8]) -> Option<Vec<u8>> {
    let explicit = if suite.explicit_nonce() { 8 } else { 0 };
    let body = record.get(5 + explicit..)?;
    let plain_len = body.len().checked_sub(Suite::TAG_LEN)?;
    let (n, aad) = aead_inputs(suite, keys, sequence, record[0], plain_len);
    if explicit == 8 && record[5..13] != n[4..] {
        return None;
    }
    suite.cipher.open(&keys.key, &n, &aad, body)
}

/// Checks a signature made with a certificate's key: ECDSA P-256, RSA-PSS or RSA PKCS#1 v1.5
/// with SHA-256.
pub fn verify_signature(certificate: &[u8], scheme: u16, content: &[u8], signature: &[u8]) -> Result<(), String> {
    if scheme == super::RSA_PKCS1_SHA256 {
        use rsa::pkcs8::DecodePublicKey;
        use sha2::Digest;
        let spki = crate::jwt::keys::certificate_spki(certificate).ok_or("the certificate's public key could not be read")?;
        let key = rsa::RsaPublicKey::from_public_key_der(spki).map_err(|e| format!("the certificate's key is not an RSA key: {e}"))?;
        return key.verify(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &sha2::Sha256::digest(content), signature).map_err(|_| "the signature does not match the parameters and the certificate's key".to_string());
    }
    super::verify_certificate_verify(certificate, content, signature)
}

/// The server's key for a suite: its own (`server.key`) or its RSA identity.
fn identity(server: &ServerConfig, auth: Auth) -> Option<(Vec<Vec<u8>>, ServerKey)> {
    match (&server.key, auth) {
        (ServerKey::Ecdsa(_), Auth::Ecdsa) | (ServerKey::Rsa { .. }, Auth::Rsa) => Some((server.chain.clone(), server.key.clone())),
        (ServerKey::Ecdsa(_), Auth::Rsa) => server.rsa.as_ref().map(|(chain, key)| (chain.clone(), ServerKey::Rsa { key: key.clone(), salt: Vec::new() })),
        _ => None,
    }
}

/// Runs a full TLS 1.2 handshake (RFC 5246 section 7.3, figure 1), then the application data
/// and both close_notify alerts.
pub fn handshake(client: &ClientConfig, server: &ServerConfig, data: &AppData) -> Result<Handshake12, Failure> {
    // The group for ECDHE: the server's first choice among the client's supported groups
    // (RFC 8422 section 5.1.1), one the lab computes.
    let group = server.groups.iter().find(|g| client.groups.contains(g) && super::computable(**g)).copied();
    // The suite: the server's first choice among the client's, for which it has a key and,
    // for ECDHE, a group (section 7.4.1.3).
    let suite = server
        .suites
        .iter()
        .filter(|c| client.suites.contains(c))
        .filter_map(|c| Suite12::from_code(*c))
        .find(|s| identity(server, s.auth).is_some() && (s.kex == Kex::Rsa || group.is_some()))
        .ok_or(Failure::NoCommonSuite)?;
    let (chain, key) = identity(server, suite.auth).ok_or(Failure::NoCommonSuite)?;
    let h = suite.hash();
    let mut messages: Vec<Message> = Vec::new();
    let mut transcript: Vec<u8> = Vec::new();
    let mut send = |from, name, wire: Writer, transcript: &mut Vec<u8>| {
        transcript.extend(&wire.bytes);
        messages.push(Message { from, name, wire });
        messages.len() - 1
    };
    let mut plain: Vec<(usize, u16)> = Vec::new();

    // ClientHello: the same as a TLS 1.3 client's when it offers both.
    plain.push((send(Side::Client, "ClientHello", client.hello(&client.shares(), None).encode(), &mut transcript), 0x0301));

    // ServerHello: the version is legacy_version itself in TLS 1.2.
    let mut random = server.random;
    let downgrade_sentinel = server.versions.contains(&TLS13);
    if downgrade_sentinel {
        random[24..].copy_from_slice(&DOWNGRADE_SENTINEL);
    }
    let mut rng = SplitMix64::new(server.seed ^ 0x1201);
    let session_id: Vec<u8> = (0..4).flat_map(|_| rng.next_u64().to_be_bytes()).collect();
    let ems = client.versions.contains(&TLS12);
    let mut sh_ext = vec![Extension::RenegotiationInfo(Vec::new())];
    if suite.kex == Kex::Ecdhe {
        sh_ext.push(Extension::EcPointFormats(vec![0]));
    }
    if let Some(p) = server.alpn.iter().find(|p| client.alpn.contains(p)) {
        sh_ext.push(Extension::Alpn(vec![p.clone()]));
    }
    if ems {
        sh_ext.push(Extension::ExtendedMasterSecret);
    }
    // A staple is announced by an empty status_request, and follows the Certificate.
    let staple = super::staple_for(client, server, &chain);
    if staple.is_some() {
        sh_ext.push(Extension::StatusRequestAck);
    }
    let sh = wire::handshake(wire::handshake_type::SERVER_HELLO, |w| {
        w.u16("server_version", TLS12, "0x0303 (TLS 1.2)".into(), "In TLS 1.2 this is the version chosen.");
        let note = if downgrade_sentinel { "32 bytes from the server; the last 8 are \"DOWNGRD\" and 01: this server speaks TLS 1.3 too, so a TLS 1.3 client that sees them knows someone removed its offer of 1.3 (RFC 8446 section 4.1.3)." } else { "32 bytes from the server." };
        w.raw("random", &random, None, note);
        w.vector("session_id", 1, &session_id, None, "Names this session: the client may offer it later to resume without a full handshake.");
        w.u16("cipher_suite", suite.code, suite.name.to_string(), "The suite the server chose from the client's list.");
        w.u8("compression_method", 0, "null (0)".into(), "");
        wire::extensions(w, &sh_ext);
    });
    plain.push((send(Side::Server, "ServerHello", sh, &mut transcript), TLS12));

    // Certificate, in the clear in TLS 1.2 (section 7.4.2).
    let cert = wire::handshake(wire::handshake_type::CERTIFICATE, |w| {
        let list = w.open("certificate_list", 3);
        for (i, der) in chain.iter().enumerate() {
            let what = if i == 0 { "the server's own certificate" } else { "a certificate that signs the one before it" };
            w.vector("ASN.1Cert", 3, der, Some(format!("{} bytes of DER", der.len())), what);
        }
        w.close(list);
    });
    plain.push((send(Side::Server, "Certificate", cert, &mut transcript), TLS12));
    if let Some(response) = &staple {
        let status = wire::handshake(wire::handshake_type::CERTIFICATE_STATUS, |w| wire::certificate_status(w, response));
        plain.push((send(Side::Server, "CertificateStatus", status, &mut transcript), TLS12));
    }

    // ServerKeyExchange (RFC 8422 section 5.4): the server's ephemeral key, signed with the
    // certificate's key over both randoms and the parameters.
    let mut signed_params = Vec::new();
    let mut scheme = None;
    let mut signature_check = None;
    let mut ecdhe = None;
    if let (Kex::Ecdhe, Some(g)) = (suite.kex, group) {
        let server_public = super::public_key(g, &server.key_share).map_err(Failure::BadKey)?;
        let mut params = vec![3u8];
        params.extend(g.to_be_bytes());
        params.push(server_public.len() as u8);
        params.extend(&server_public);
        signed_params = [&client.random[..], &random[..], &params].concat();
        let chosen = match &key {
            ServerKey::Ecdsa(_) => [super::ECDSA_SECP256R1_SHA256].into_iter().find(|s| client.schemes.contains(s)),
            ServerKey::Rsa { .. } => [super::RSA_PSS_RSAE_SHA256, super::RSA_PKCS1_SHA256].into_iter().find(|s| client.schemes.contains(s)),
        }
        .ok_or(Failure::NoSignatureScheme)?;
        let signature = sign12(&key, chosen, &signed_params, server.seed)?;
        let ske = wire::handshake(handshake_type::SERVER_KEY_EXCHANGE, |w| {
            w.u8("curve_type", 3, "named_curve (3)".into(), "");
            w.u16("named_curve", g, wire::group_name(g), "The group, from the client's supported_groups.");
            w.vector("public", 1, &server_public, None, "The server's ephemeral public key: new for this connection, thrown away after it.");
            w.u16("algorithm", chosen, wire::scheme_name(chosen), "");
            w.vector("signature", 2, &signature, None, "The certificate's key signs client_random + server_random + these parameters: the key is the server's, and fresh for this handshake.");
        });
        plain.push((send(Side::Server, "ServerKeyExchange", ske, &mut transcript), TLS12));
        signature_check = Some(match chain.first() {
            Some(c) => verify_signature(c, chosen, &signed_params, &signature),
            None => Err("the server sent no certificate".into()),
        });
        scheme = Some(chosen);
        ecdhe = Some((g, server_public));
    }
    plain.push((send(Side::Server, "ServerHelloDone", wire::handshake(handshake_type::SERVER_HELLO_DONE, |_| {}), &mut transcript), TLS12));

    // The client checks the chain (RFC 5280 section 6); refusing it, it sends a fatal alert
    // in the clear and stops.
    let (chain_checks, mut refusal) = match &client.chain_check {
        Some(c) => x509::validate(&chain, &c.trusted, &c.host, c.now),
        None => (Vec::new(), None),
    };
    let mut revocation_checks = Vec::new();
    if let (Some(c), None) = (&client.chain_check, refusal) {
        (revocation_checks, refusal) = super::revocation_check(c, &chain, staple.as_deref());
    }

    // ClientKeyExchange.
    let (cke, pre_master_secret) = match &ecdhe {
        Some((g, server_public)) => {
            let private = client.key_shares.iter().find(|(c, _)| c == g).map(|(_, k)| *k).unwrap_or(client.retry_key);
            let client_public = super::public_key(*g, &private).map_err(Failure::BadKey)?;
            let pms = super::shared_secret(*g, &private, server_public).map_err(Failure::BadKey)?;
            let server_side = super::shared_secret(*g, &server.key_share, &client_public).map_err(Failure::BadKey)?;
            debug_assert_eq!(pms, server_side);
            let m = wire::handshake(handshake_type::CLIENT_KEY_EXCHANGE, |w| {
                w.vector("ecdh_Yc", 1, &client_public, None, "The client's ephemeral public key. Each side now has the other's public key and its own private one: the same shared secret, never sent.");
            });
            (m, pms)
        }
        None => {
            let ServerKey::Rsa { key: private, .. } = &key else { return Err(Failure::NoCommonSuite) };
            let mut rng = SplitMix64::new(client.random.iter().fold(0u64, |a, b| a.rotate_left(8) ^ *b as u64));
            let mut pms = TLS12.to_be_bytes().to_vec();
            pms.extend((0..46).map(|_| rng.next_u64() as u8));
            let public = rsa::RsaPublicKey::from(private.as_ref());
            let encrypted = public.encrypt(&mut Seeded(rng), rsa::Pkcs1v15Encrypt, &pms).map_err(|e| Failure::SigningFailed(e.to_string()))?;
            let decrypted = private.decrypt(rsa::Pkcs1v15Encrypt, &encrypted).map_err(|e| Failure::SigningFailed(e.to_string()))?;
            debug_assert_eq!(decrypted, pms);
            let m = wire::handshake(handshake_type::CLIENT_KEY_EXCHANGE, |w| {
                w.vector("EncryptedPreMasterSecret", 2, &encrypted, None, "The premaster secret, encrypted to the certificate's RSA key (PKCS #1 v1.5). Only that key decrypts it: today, or years later from a recording.");
            });
            (m, pms)
        }
    };
    let client_records_start = send(Side::Client, "ClientKeyExchange", cke, &mut transcript);
    let session_hash = h.digest(&transcript);
    let randoms = [&client.random[..], &random[..]].concat();
    let master_secret = if ems { prf(h, &pre_master_secret, "extended master secret", &session_hash, 48) } else { prf(h, &pre_master_secret, "master secret", &randoms, 48) };
    let (kl, il) = (suite.cipher.key_len(), suite.iv_len());
    let block = prf(h, &master_secret, "key expansion", &[&random[..], &client.random[..]].concat(), 2 * kl + 2 * il);
    let client_keys = Keys12 { key: block[..kl].to_vec(), iv: block[2 * kl..2 * kl + il].to_vec() };
    let server_keys = Keys12 { key: block[kl..2 * kl].to_vec(), iv: block[2 * kl + il..].to_vec() };
    let client_verify_data = prf(h, &master_secret, "client finished", &h.digest(&transcript), 12);
    let cf = send(Side::Client, "Finished", wire::finished(&client_verify_data), &mut transcript);
    let server_verify_data = prf(h, &master_secret, "server finished", &h.digest(&transcript), 12);
    let server_finished_check = prf(h, &master_secret, "server finished", &h.digest(&transcript), 12) == server_verify_data;
    let sf = send(Side::Server, "Finished", wire::finished(&server_verify_data), &mut transcript);

    // The records.
    let mut records: Vec<Record> = Vec::new();
    let record = |index: usize, legacy: u16, messages: &[Message]| Record {
        from: messages[index].from,
        protection: Protection::Plaintext,
        content: content_type::HANDSHAKE,
        messages: vec![index],
        sequence: 0,
        inner: messages[index].wire.bytes.clone(),
        nonce: None,
        bytes: wire::plaintext_record(content_type::HANDSHAKE, legacy, &messages[index].wire.bytes),
    };
    let ccs = |from| Record { from, protection: Protection::Plaintext, content: content_type::CHANGE_CIPHER_SPEC, messages: Vec::new(), sequence: 0, inner: vec![1], nonce: None, bytes: wire::plaintext_record(content_type::CHANGE_CIPHER_SPEC, TLS12, &[1]) };
    let (mut client_seq, mut server_seq) = (0u64, 0u64);
    for (index, legacy) in &plain {
        records.push(record(*index, *legacy, &messages));
    }
    if let Some(r) = refusal {
        let (code, _) = r.alert();
        records.push(Record { from: Side::Client, protection: Protection::Plaintext, content: content_type::ALERT, messages: Vec::new(), sequence: 0, inner: vec![2, code], nonce: None, bytes: wire::plaintext_record(content_type::ALERT, TLS12, &[2, code]) });
        messages.truncate(client_records_start);
    } else {
        records.push(record(client_records_start, TLS12, &messages));
        records.push(ccs(Side::Client));
        records.extend(protect(suite, &client_keys, &mut client_seq, Side::Client, content_type::HANDSHAKE, vec![cf], &messages[cf].wire.bytes));
        records.push(ccs(Side::Server));
        records.extend(protect(suite, &server_keys, &mut server_seq, Side::Server, content_type::HANDSHAKE, vec![sf], &messages[sf].wire.bytes));
        if !data.client.is_empty() {
            records.extend(protect(suite, &client_keys, &mut client_seq, Side::Client, content_type::APPLICATION_DATA, vec![], &data.client));
        }
        if !data.server.is_empty() {
            records.extend(protect(suite, &server_keys, &mut server_seq, Side::Server, content_type::APPLICATION_DATA, vec![], &data.server));
        }
        records.extend(protect(suite, &client_keys, &mut client_seq, Side::Client, content_type::ALERT, vec![], &[1, 0]));
        records.extend(protect(suite, &server_keys, &mut server_seq, Side::Server, content_type::ALERT, vec![], &[1, 0]));
    }

    Ok(Handshake12 {
        suite,
        group: ecdhe.as_ref().map(|(g, _)| *g),
        messages,
        records,
        signed_params,
        scheme,
        signature_check,
        pre_master_secret,
        extended_master_secret: ems,
        session_hash,
        master_secret,
        client_keys,
        server_keys,
        client_verify_data,
        server_verify_data,
        server_finished_check,
        downgrade_sentinel,
        chain_checks,
        revocation_checks,
        staple,
        refusal,
    })
}

fn sign12(key: &ServerKey, scheme: u16, content: &[u8], seed: u64) -> Result<Vec<u8>, Failure> {
    use sha2::Digest;
    match (key, scheme) {
        (ServerKey::Rsa { key, .. }, super::RSA_PKCS1_SHA256) => key.sign(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &sha2::Sha256::digest(content)).map_err(|e| Failure::SigningFailed(e.to_string())),
        (ServerKey::Rsa { key, salt }, _) => {
            let mut rng = Given { bytes: salt.clone(), at: 0, then: Seeded(SplitMix64::new(seed)) };
            key.sign_with_rng(&mut rng, rsa::Pss::new::<sha2::Sha256>(), &sha2::Sha256::digest(content)).map_err(|e| Failure::SigningFailed(e.to_string()))
        }
        (ServerKey::Ecdsa(k), _) => Ok(super::ecdsa::sign(k, content)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prf_sha256_matches_its_definition_by_hand() {
        // P_SHA256 written out for two blocks: A(1) = HMAC(secret, seed), A(2) = HMAC(secret,
        // A(1)), output = HMAC(secret, A(1) + seed) + HMAC(secret, A(2) + seed).
        let h = HashAlg::Sha256;
        let seed = [b"test label".as_slice(), b"seed"].concat();
        let a1 = h.hmac(b"secret", &seed);
        let a2 = h.hmac(b"secret", &a1);
        let expected = [h.hmac(b"secret", &[&a1[..], &seed].concat()), h.hmac(b"secret", &[&a2[..], &seed].concat())].concat();
        assert_eq!(prf(h, b"secret", "test label", b"seed", 64), expected);
        assert_eq!(prf(h, b"secret", "test label", b"seed", 40), expected[..40]);
    }

    #[test]
    fn records_open_with_their_keys_and_refuse_a_changed_byte() {
        for suite in SUITES {
            let keys = Keys12 { key: vec![9; suite.cipher.key_len()], iv: vec![3; suite.iv_len()] };
            let mut seq = 5;
            let records = protect(suite, &keys, &mut seq, Side::Client, content_type::APPLICATION_DATA, vec![], b"hello");
            let r = &records[0];
            assert_eq!(unprotect(suite, &keys, 5, &r.bytes).as_deref(), Some(&b"hello"[..]), "{}", suite.name);
            assert_eq!(unprotect(suite, &keys, 6, &r.bytes), None);
            let mut changed = r.bytes.clone();
            let last = changed.len() - 1;
            changed[last] ^= 1;
            assert_eq!(unprotect(suite, &keys, 5, &changed), None);
            assert_eq!(r.bytes.len(), 5 + if suite.explicit_nonce() { 8 } else { 0 } + 5 + 16);
        }
    }
}
