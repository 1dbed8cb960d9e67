//! TLS 1.3 handshake messages and records as bytes (RFC 8446 sections 4 and 5), each field
//! recorded with its byte range as it is written, for the inspector and the hex view.

use crate::trace::{ByteRange, Field};

/// Handshake message types (RFC 8446 section 4).
pub mod handshake_type {
    pub const CLIENT_HELLO: u8 = 1;
    pub const SERVER_HELLO: u8 = 2;
    pub const NEW_SESSION_TICKET: u8 = 4;
    pub const END_OF_EARLY_DATA: u8 = 5;
    pub const ENCRYPTED_EXTENSIONS: u8 = 8;
    pub const CERTIFICATE: u8 = 11;
    pub const CERTIFICATE_VERIFY: u8 = 15;
    pub const FINISHED: u8 = 20;
    /// TLS 1.2's OCSP staple (RFC 6066 section 8); TLS 1.3 puts it in Certificate instead.
    pub const CERTIFICATE_STATUS: u8 = 22;
    pub const MESSAGE_HASH: u8 = 254;

    pub fn name(t: u8) -> &'static str {
        match t {
            CLIENT_HELLO => "ClientHello",
            SERVER_HELLO => "ServerHello",
            NEW_SESSION_TICKET => "NewSessionTicket",
            END_OF_EARLY_DATA => "EndOfEarlyData",
            ENCRYPTED_EXTENSIONS => "EncryptedExtensions",
            CERTIFICATE => "Certificate",
            CERTIFICATE_VERIFY => "CertificateVerify",
            FINISHED => "Finished",
            12 => "ServerKeyExchange",
            14 => "ServerHelloDone",
            16 => "ClientKeyExchange",
            CERTIFICATE_STATUS => "CertificateStatus",
            MESSAGE_HASH => "message_hash",
            _ => "unknown",
        }
    }
}

/// Record content types (RFC 8446 section 5.1).
pub mod content_type {
    pub const CHANGE_CIPHER_SPEC: u8 = 20;
    pub const ALERT: u8 = 21;
    pub const HANDSHAKE: u8 = 22;
    pub const APPLICATION_DATA: u8 = 23;

    pub fn name(t: u8) -> &'static str {
        match t {
            CHANGE_CIPHER_SPEC => "change_cipher_spec",
            ALERT => "alert",
            HANDSHAKE => "handshake",
            APPLICATION_DATA => "application_data",
            _ => "unknown",
        }
    }
}

/// The name of a named group (RFC 8446 section 4.2.7, RFC 7919).
pub fn group_name(g: u16) -> String {
    match g {
        0x0017 => "secp256r1".into(),
        0x0018 => "secp384r1".into(),
        0x0019 => "secp521r1".into(),
        0x001d => "x25519".into(),
        0x001e => "x448".into(),
        0x0100 => "ffdhe2048".into(),
        0x0101 => "ffdhe3072".into(),
        0x0102 => "ffdhe4096".into(),
        0x0103 => "ffdhe6144".into(),
        0x0104 => "ffdhe8192".into(),
        other => format!("unknown group 0x{other:04x}"),
    }
}

/// The name of a signature scheme (RFC 8446 section 4.2.3).
pub fn scheme_name(s: u16) -> String {
    match s {
        0x0401 => "rsa_pkcs1_sha256".into(),
        0x0501 => "rsa_pkcs1_sha384".into(),
        0x0601 => "rsa_pkcs1_sha512".into(),
        0x0403 => "ecdsa_secp256r1_sha256".into(),
        0x0503 => "ecdsa_secp384r1_sha384".into(),
        0x0603 => "ecdsa_secp521r1_sha512".into(),
        0x0804 => "rsa_pss_rsae_sha256".into(),
        0x0805 => "rsa_pss_rsae_sha384".into(),
        0x0806 => "rsa_pss_rsae_sha512".into(),
        0x0807 => "ed25519".into(),
        0x0808 => "ed448".into(),
        0x0809 => "rsa_pss_pss_sha256".into(),
        0x080a => "rsa_pss_pss_sha384".into(),
        0x080b => "rsa_pss_pss_sha512".into(),
        0x0201 => "rsa_pkcs1_sha1 (legacy)".into(),
        0x0203 => "ecdsa_sha1 (legacy)".into(),
        0x0202 | 0x0402 | 0x0502 | 0x0602 => format!("DSA (0x{s:04x}, reserved: TLS 1.3 dropped DSA)"),
        other => format!("unknown scheme 0x{other:04x}"),
    }
}

/// The name of a cipher suite code, TLS 1.3's and the common TLS 1.2 ones.
pub fn suite_name(code: u16) -> String {
    match super::crypto::Suite::from_code(code) {
        Some(s) => s.name().to_string(),
        None => match super::scenario::LEGACY_SUITES.iter().find(|(_, c)| *c == code) {
            Some((name, _)) => name.to_string(),
            None => format!("0x{code:04x}"),
        },
    }
}

/// An extension (RFC 8446 section 4.2), in the form the lab builds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Extension {
    /// server_name (RFC 6066 section 3): the host name the client wants; empty in a server's
    /// EncryptedExtensions, where it says the name was used.
    ServerName(Option<String>),
    /// supported_groups: the key exchange groups the sender supports, by preference.
    SupportedGroups(Vec<u16>),
    /// signature_algorithms: the signature schemes the client accepts.
    SignatureAlgorithms(Vec<u16>),
    /// application_layer_protocol_negotiation (RFC 7301): e.g. `h2`, `http/1.1`.
    Alpn(Vec<String>),
    /// key_share in a ClientHello: one public key per group the client guessed.
    KeyShareClient(Vec<(u16, Vec<u8>)>),
    /// key_share in a ServerHello: the server's public key in the chosen group.
    KeyShareServer(u16, Vec<u8>),
    /// key_share in a HelloRetryRequest: the group the server wants instead.
    KeyShareRetry(u16),
    /// supported_versions in a ClientHello: the versions the client offers.
    SupportedVersionsClient(Vec<u16>),
    /// supported_versions in a ServerHello: the version chosen.
    SupportedVersionsServer(u16),
    /// psk_key_exchange_modes: 1 is psk_dhe_ke (PSK with a fresh (EC)DHE).
    PskKeyExchangeModes(Vec<u8>),
    /// record_size_limit (RFC 8449).
    RecordSizeLimit(u16),
    /// renegotiation_info (RFC 5746), empty: the client signals it is safe.
    RenegotiationInfo(Vec<u8>),
    /// session_ticket (RFC 5077), empty: a TLS 1.2 client asks for a ticket.
    SessionTicket(Vec<u8>),
    /// cookie: the server's state, echoed by the client after a HelloRetryRequest.
    Cookie(Vec<u8>),
    /// early_data, empty: in a ClientHello, 0-RTT data follows; in EncryptedExtensions, the
    /// server accepted it.
    EarlyData,
    /// pre_shared_key in a ClientHello (always the last extension): the tickets offered, each
    /// with its obfuscated age, and one binder each.
    PreSharedKeyClient { identities: Vec<(Vec<u8>, u32)>, binders: Vec<Vec<u8>> },
    /// pre_shared_key in a ServerHello: which identity the server accepted.
    PreSharedKeyServer(u16),
    /// padding (RFC 7685): zeros that bring a ClientHello to a size middleboxes handle.
    Padding(usize),
    /// extended_master_secret (RFC 7627), empty: TLS 1.2's master secret covers the whole
    /// handshake, not only the randoms.
    ExtendedMasterSecret,
    /// ec_point_formats (RFC 8422 section 5.1.2): TLS 1.2's point formats, uncompressed (0).
    EcPointFormats(Vec<u8>),
    /// status_request (RFC 6066 section 8) in a ClientHello: "staple an OCSP response", with
    /// no responder ids and no request extensions.
    StatusRequest,
    /// status_request in a TLS 1.2 ServerHello, empty: a CertificateStatus message follows.
    StatusRequestAck,
    /// status_request in a TLS 1.3 CertificateEntry: the stapled OCSP response (RFC 8446
    /// section 4.4.2.1).
    OcspStaple(Vec<u8>),
    /// Any other extension, as its type and bytes.
    Other(u16, Vec<u8>),
}

impl Extension {
    pub fn code(&self) -> u16 {
        match self {
            Extension::ServerName(_) => 0x0000,
            Extension::SupportedGroups(_) => 0x000a,
            Extension::SignatureAlgorithms(_) => 0x000d,
            Extension::Alpn(_) => 0x0010,
            Extension::RecordSizeLimit(_) => 0x001c,
            Extension::SessionTicket(_) => 0x0023,
            Extension::SupportedVersionsClient(_) | Extension::SupportedVersionsServer(_) => 0x002b,
            Extension::Cookie(_) => 0x002c,
            Extension::EarlyData => 0x002a,
            Extension::PreSharedKeyClient { .. } | Extension::PreSharedKeyServer(_) => 0x0029,
            Extension::Padding(_) => 0x0015,
            Extension::PskKeyExchangeModes(_) => 0x002d,
            Extension::KeyShareClient(_) | Extension::KeyShareServer(..) | Extension::KeyShareRetry(_) => 0x0033,
            Extension::RenegotiationInfo(_) => 0xff01,
            Extension::ExtendedMasterSecret => 0x0017,
            Extension::EcPointFormats(_) => 0x000b,
            Extension::StatusRequest | Extension::StatusRequestAck | Extension::OcspStaple(_) => 0x0005,
            Extension::Other(code, _) => *code,
        }
    }

    pub fn name(&self) -> String {
        match self {
            Extension::ServerName(_) => "server_name".into(),
            Extension::SupportedGroups(_) => "supported_groups".into(),
            Extension::SignatureAlgorithms(_) => "signature_algorithms".into(),
            Extension::Alpn(_) => "application_layer_protocol_negotiation".into(),
            Extension::RecordSizeLimit(_) => "record_size_limit".into(),
            Extension::SessionTicket(_) => "session_ticket".into(),
            Extension::SupportedVersionsClient(_) | Extension::SupportedVersionsServer(_) => "supported_versions".into(),
            Extension::Cookie(_) => "cookie".into(),
            Extension::EarlyData => "early_data".into(),
            Extension::PreSharedKeyClient { .. } | Extension::PreSharedKeyServer(_) => "pre_shared_key".into(),
            Extension::Padding(_) => "padding".into(),
            Extension::PskKeyExchangeModes(_) => "psk_key_exchange_modes".into(),
            Extension::KeyShareClient(_) | Extension::KeyShareServer(..) | Extension::KeyShareRetry(_) => "key_share".into(),
            Extension::RenegotiationInfo(_) => "renegotiation_info".into(),
            Extension::ExtendedMasterSecret => "extended_master_secret".into(),
            Extension::EcPointFormats(_) => "ec_point_formats".into(),
            Extension::StatusRequest | Extension::StatusRequestAck | Extension::OcspStaple(_) => "status_request".into(),
            Extension::Other(code, _) => format!("extension 0x{code:04x}"),
        }
    }
}

use crate::trace::hex_bytes::encode as hex;

pub fn version_name(v: u16) -> String {
    match v {
        0x0304 => "TLS 1.3".into(),
        0x0303 => "TLS 1.2".into(),
        0x0302 => "TLS 1.1".into(),
        0x0301 => "TLS 1.0".into(),
        0x0300 => "SSL 3.0".into(),
        other => format!("0x{other:04x}"),
    }
}

/// Writes bytes and records each field's range. Nested vectors get their length filled in
/// when they close.
#[derive(Debug, Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
    pub fields: Vec<Field>,
    /// The enclosing names, joined into each field's name ("extensions › key_share › …").
    path: Vec<String>,
}

/// An open length-prefixed vector: where its length goes and how wide it is.
pub struct Open {
    at: usize,
    width: usize,
    field: usize,
}

impl Writer {
    pub fn new() -> Writer {
        Writer::default()
    }

    fn name(&self, name: &str) -> String {
        let mut n = self.path.join(" › ");
        if !n.is_empty() {
            n.push_str(" › ");
        }
        n.push_str(name);
        n
    }

    fn push(&mut self, name: &str, value: String, start: usize, note: &str) {
        let name = self.name(name);
        self.fields.push(Field { name, value, bytes: Some(ByteRange::new(start, self.bytes.len())), note: note.to_string(), points_to: None });
    }

    pub fn u8(&mut self, name: &str, v: u8, value: String, note: &str) {
        let start = self.bytes.len();
        self.bytes.push(v);
        self.push(name, value, start, note);
    }

    pub fn u16(&mut self, name: &str, v: u16, value: String, note: &str) {
        let start = self.bytes.len();
        self.bytes.extend(v.to_be_bytes());
        self.push(name, value, start, note);
    }

    pub fn raw(&mut self, name: &str, data: &[u8], value: Option<String>, note: &str) {
        let start = self.bytes.len();
        self.bytes.extend(data);
        self.push(name, value.unwrap_or_else(|| hex(data)), start, note);
    }

    /// Opens a vector with a `width`-byte length (1, 2 or 3), recorded as `name`'s length.
    pub fn open(&mut self, name: &str, width: usize) -> Open {
        let at = self.bytes.len();
        self.bytes.extend(std::iter::repeat_n(0, width));
        self.push(&format!("{name} length"), String::new(), at, "");
        let open = Open { at, width, field: self.fields.len() - 1 };
        self.path.push(name.to_string());
        open
    }

    /// Closes the vector: writes its length and names it.
    pub fn close(&mut self, open: Open) {
        self.path.pop();
        let len = self.bytes.len() - open.at - open.width;
        let be = (len as u32).to_be_bytes();
        self.bytes[open.at..open.at + open.width].copy_from_slice(&be[4 - open.width..]);
        self.fields[open.field].value = format!("{len} bytes");
    }

    /// A vector of `width`-byte length holding `data`, as one field.
    pub fn vector(&mut self, name: &str, width: usize, data: &[u8], value: Option<String>, note: &str) {
        let o = self.open(name, width);
        self.path.pop();
        self.raw(name, data, value, note);
        self.path.push(name.to_string());
        self.close(o);
    }
}

/// A handshake message's header: type and a 24-bit length (RFC 8446 section 4).
pub(crate) fn handshake(t: u8, body: impl FnOnce(&mut Writer)) -> Writer {
    let mut w = Writer::new();
    w.u8("msg_type", t, format!("{} ({t})", handshake_type::name(t)), "");
    let o = w.open(handshake_type::name(t), 3);
    body(&mut w);
    w.close(o);
    w
}

pub(crate) fn extensions(w: &mut Writer, list: &[Extension]) {
    let o = w.open("extensions", 2);
    for e in list {
        extension(w, e);
    }
    w.close(o);
}

fn u16_list(w: &mut Writer, name: &str, item: &str, width: usize, items: &[u16], show: fn(u16) -> String) {
    let o = w.open(name, width);
    for v in items {
        w.u16(item, *v, show(*v), "");
    }
    w.close(o);
}

fn extension(w: &mut Writer, e: &Extension) {
    let name = e.name();
    w.u16(&format!("{name} type"), e.code(), format!("{name} (0x{:04x})", e.code()), "");
    let o = w.open(&name, 2);
    match e {
        Extension::ServerName(None) => {}
        Extension::ServerName(Some(host)) => {
            let list = w.open("server_name_list", 2);
            w.u8("name_type", 0, "host_name (0)".into(), "");
            w.vector("host_name", 2, host.as_bytes(), Some(host.clone()), "In the clear: anyone on the path sees which site is asked for (Encrypted Client Hello hides it).");
            w.close(list);
        }
        Extension::SupportedGroups(groups) => u16_list(w, "named_group_list", "group", 2, groups, group_name),
        Extension::SignatureAlgorithms(schemes) => u16_list(w, "supported_signature_algorithms", "scheme", 2, schemes, scheme_name),
        Extension::Alpn(protocols) => {
            let list = w.open("protocol_name_list", 2);
            for p in protocols {
                w.vector("protocol", 1, p.as_bytes(), Some(p.clone()), "");
            }
            w.close(list);
        }
        Extension::KeyShareClient(shares) => {
            let list = w.open("client_shares", 2);
            for (group, key) in shares {
                w.u16("group", *group, group_name(*group), "");
                w.vector("key_exchange", 2, key, None, "The client's ephemeral public key.");
            }
            w.close(list);
        }
        Extension::KeyShareServer(group, key) => {
            w.u16("group", *group, group_name(*group), "");
            w.vector("key_exchange", 2, key, None, "The server's ephemeral public key.");
        }
        Extension::KeyShareRetry(group) => w.u16("selected_group", *group, group_name(*group), "The group the client must send a key share for."),
        Extension::SupportedVersionsClient(versions) => {
            let list = w.open("versions", 1);
            for v in versions {
                w.u16("version", *v, version_name(*v), "");
            }
            w.close(list);
        }
        Extension::SupportedVersionsServer(v) => w.u16("selected_version", *v, version_name(*v), "This, not legacy_version, says the connection is TLS 1.3."),
        Extension::PskKeyExchangeModes(modes) => {
            let list = w.open("ke_modes", 1);
            for m in modes {
                let name = match m {
                    0 => "psk_ke (0)".to_string(),
                    1 => "psk_dhe_ke (1)".to_string(),
                    other => format!("unknown ({other})"),
                };
                w.u8("mode", *m, name, "");
            }
            w.close(list);
        }
        Extension::RecordSizeLimit(limit) => w.u16("record_size_limit", *limit, format!("{limit} bytes"), ""),
        Extension::RenegotiationInfo(data) => w.vector("renegotiated_connection", 1, data, None, ""),
        Extension::SessionTicket(data) | Extension::Other(_, data) => {
            if !data.is_empty() {
                w.raw("data", data, None, "");
            }
        }
        Extension::Cookie(data) => w.vector("cookie", 2, data, None, "Opaque to the client: the server's own state, echoed back."),
        Extension::EarlyData | Extension::ExtendedMasterSecret => {}
        Extension::EcPointFormats(formats) => {
            let names = formats.iter().map(|f| if *f == 0 { "uncompressed (0)".to_string() } else { format!("{f}") }).collect::<Vec<_>>().join(", ");
            w.vector("ec_point_format_list", 1, formats, Some(names), "");
        }
        Extension::PreSharedKeyClient { identities, binders } => {
            let list = w.open("identities", 2);
            for (ticket, age) in identities {
                w.vector("identity", 2, ticket, None, "The ticket from the earlier connection, as the server sent it.");
                w.raw("obfuscated_ticket_age", &age.to_be_bytes(), Some(format!("{age}")), "The ticket's age in ms plus ticket_age_add (mod 2^32): the server can check it is fresh, an observer cannot link it to the ticket.");
            }
            w.close(list);
            let list = w.open("binders", 2);
            for b in binders {
                w.vector("binder", 1, b, None, "An HMAC, with a key from the PSK, of this ClientHello up to the binders: proof the client holds the PSK, bound to this hello.");
            }
            w.close(list);
        }
        Extension::PreSharedKeyServer(i) => w.u16("selected_identity", *i, format!("{i}"), "The server accepted this PSK: no certificate this time."),
        Extension::Padding(n) => w.raw("zeros", &vec![0; *n], Some(format!("{n} zero bytes")), ""),
        Extension::StatusRequest => {
            w.u8("status_type", 1, "ocsp (1)".into(), "The client asks the server to staple the CA's OCSP answer about its certificate.");
            w.vector("responder_id_list", 2, &[], Some("none".into()), "");
            w.vector("request_extensions", 2, &[], Some("none".into()), "");
        }
        Extension::StatusRequestAck => {}
        Extension::OcspStaple(response) => certificate_status(w, response),
    }
    w.close(o);
}

/// ClientHello (RFC 8446 section 4.1.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHello {
    /// 0x0303 for a client that offers TLS 1.2 or later; an older client's highest version.
    pub legacy_version: u16,
    pub random: [u8; 32],
    pub session_id: Vec<u8>,
    pub suites: Vec<u16>,
    pub extensions: Vec<Extension>,
}

impl ClientHello {
    pub fn encode(&self) -> Writer {
        handshake(handshake_type::CLIENT_HELLO, |w| {
            let note = if self.legacy_version == 0x0303 { "Frozen at TLS 1.2 so old middleboxes let the message through; supported_versions carries the real offer." } else { "The client's highest version: it speaks nothing newer." };
            w.u16("legacy_version", self.legacy_version, format!("0x{:04x} ({})", self.legacy_version, version_name(self.legacy_version)), note);
            w.raw("random", &self.random, None, "32 bytes from the client; it makes every handshake's keys unique.");
            w.vector("legacy_session_id", 1, &self.session_id, None, "");
            u16_list(w, "cipher_suites", "suite", 2, &self.suites, suite_name);
            w.vector("legacy_compression_methods", 1, &[0], Some("null (0)".into()), "TLS 1.3 allows only no compression (CRIME).");
            extensions(w, &self.extensions);
        })
    }
}

/// ServerHello (RFC 8446 section 4.1.3); a HelloRetryRequest is a ServerHello with the special
/// random [`HELLO_RETRY_RANDOM`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerHello {
    pub random: [u8; 32],
    pub session_id: Vec<u8>,
    pub suite: u16,
    pub extensions: Vec<Extension>,
}

/// The SHA-256 of "HelloRetryRequest" (RFC 8446 section 4.1.3).
pub const HELLO_RETRY_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

impl ServerHello {
    pub fn encode(&self) -> Writer {
        handshake(handshake_type::SERVER_HELLO, |w| {
            w.u16("legacy_version", 0x0303, "0x0303 (TLS 1.2)".into(), "");
            let note = if self.random == HELLO_RETRY_RANDOM { "The SHA-256 of \"HelloRetryRequest\": this is a HelloRetryRequest." } else { "32 bytes from the server." };
            w.raw("random", &self.random, None, note);
            w.vector("legacy_session_id_echo", 1, &self.session_id, None, "The client's session id, echoed.");
            w.u16("cipher_suite", self.suite, suite_name(self.suite), "The suite the server chose from the client's list.");
            w.u8("legacy_compression_method", 0, "null (0)".into(), "");
            extensions(w, &self.extensions);
        })
    }
}

/// EncryptedExtensions (RFC 8446 section 4.3.1).
pub fn encrypted_extensions(list: &[Extension]) -> Writer {
    handshake(handshake_type::ENCRYPTED_EXTENSIONS, |w| extensions(w, list))
}

/// CertificateStatus's body (RFC 6066 section 8): the status type and the DER of an OCSP
/// response.
pub(crate) fn certificate_status(w: &mut Writer, response: &[u8]) {
    w.u8("status_type", 1, "ocsp (1)".into(), "");
    w.vector("OCSPResponse", 3, response, Some(format!("{} bytes of DER", response.len())), "The CA's signed answer about the server's certificate, fetched by the server ahead of time: the client asks nobody.");
}

/// Certificate (RFC 8446 section 4.4.2): each certificate's DER with its extensions: none, or
/// for the server's own certificate a stapled OCSP response.
pub fn certificate(context: &[u8], chain: &[Vec<u8>], staple: Option<&[u8]>) -> Writer {
    handshake(handshake_type::CERTIFICATE, |w| {
        w.vector("certificate_request_context", 1, context, None, "");
        let list = w.open("certificate_list", 3);
        for (i, der) in chain.iter().enumerate() {
            let what = if i == 0 { "the server's own certificate" } else { "a certificate that signs the one before it" };
            w.vector("cert_data", 3, der, Some(format!("{} bytes of DER", der.len())), what);
            match staple.filter(|_| i == 0) {
                Some(response) => extensions(w, &[Extension::OcspStaple(response.to_vec())]),
                None => w.vector("extensions", 2, &[], Some("none".into()), ""),
            }
        }
        w.close(list);
    })
}

/// CertificateVerify (RFC 8446 section 4.4.3).
pub fn certificate_verify(scheme: u16, signature: &[u8]) -> Writer {
    handshake(handshake_type::CERTIFICATE_VERIFY, |w| {
        w.u16("algorithm", scheme, scheme_name(scheme), "");
        w.vector("signature", 2, signature, None, "The server's signature over the transcript hash: proof it holds the certificate's private key.");
    })
}

/// Finished (RFC 8446 section 4.4.4).
pub fn finished(verify_data: &[u8]) -> Writer {
    handshake(handshake_type::FINISHED, |w| {
        w.raw("verify_data", verify_data, None, "HMAC of the transcript hash with the finished key: the handshake was not tampered with.");
    })
}

/// EndOfEarlyData (RFC 8446 section 4.5): the 0-RTT data is over.
pub fn end_of_early_data() -> Writer {
    handshake(handshake_type::END_OF_EARLY_DATA, |_| {})
}

/// NewSessionTicket (RFC 8446 section 4.6.1).
pub fn new_session_ticket(lifetime: u32, age_add: u32, nonce: &[u8], ticket: &[u8], max_early_data: Option<u32>) -> Writer {
    handshake(handshake_type::NEW_SESSION_TICKET, |w| {
        w.raw("ticket_lifetime", &lifetime.to_be_bytes(), Some(format!("{lifetime} s")), "How long the client may keep the ticket (at most 7 days).");
        w.raw("ticket_age_add", &age_add.to_be_bytes(), Some(format!("{age_add}")), "Added to the ticket's age when the client offers it, so an observer cannot link the two connections by it.");
        w.vector("ticket_nonce", 1, nonce, None, "Makes each ticket's PSK different: PSK = HKDF-Expand-Label(resumption_master_secret, \"resumption\", nonce).");
        w.vector("ticket", 2, ticket, None, "Opaque to the client: the server's own record of the session.");
        let o = w.open("extensions", 2);
        if let Some(max) = max_early_data {
            w.u16("early_data type", 0x002a, "early_data (0x002a)".into(), "");
            let e = w.open("early_data", 2);
            w.raw("max_early_data_size", &max.to_be_bytes(), Some(format!("{max} bytes")), "The client may send this much 0-RTT data when it resumes.");
            w.close(e);
        }
        w.close(o);
    })
}

/// A plaintext record (RFC 8446 section 5.1): content type, legacy version, length, fragment.
pub fn plaintext_record(content: u8, legacy_version: u16, fragment: &[u8]) -> Vec<u8> {
    let mut r = Vec::with_capacity(5 + fragment.len());
    r.push(content);
    r.extend(legacy_version.to_be_bytes());
    r.extend((fragment.len() as u16).to_be_bytes());
    r.extend(fragment);
    r
}

/// An encrypted record's header (RFC 8446 section 5.2), which is also its additional data:
/// always application_data and 0x0303, and the length of ciphertext and tag.
pub fn encrypted_header(sealed_len: usize) -> [u8; 5] {
    let len = (sealed_len as u16).to_be_bytes();
    [content_type::APPLICATION_DATA, 0x03, 0x03, len[0], len[1]]
}
