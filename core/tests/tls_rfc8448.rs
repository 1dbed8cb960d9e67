//! The TLS 1.3 engine against RFC 8448 section 3 (a copy of `shared/vectors` in
//! `tests/vectors/rfc8448_simple_1rtt.json`): with the RFC's randoms, X25519 keys, RSA key and
//! the salt of its RSA-PSS signature as inputs, every handshake message, secret, key, IV,
//! Finished value and record comes out identical.

use serde_json::Value;
use wirelab_core::tls::{self, crypto::Suite, wire::content_type, ClientConfig, Protection, ServerConfig, ServerKey, Side};

const VECTORS: &str = include_str!("vectors/rfc8448_simple_1rtt.json");

fn hex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "hex of odd length");
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

fn v(vectors: &Value, name: &str) -> Vec<u8> {
    hex(vectors[name].as_str().unwrap_or_else(|| panic!("{name} is in the vectors")))
}

fn arr32(b: &[u8]) -> [u8; 32] {
    b.try_into().expect("32 bytes")
}

// RFC 8448 section 2: the server's RSA key (published in the RFC beside its certificate).
const N: &str = "b4bb498f8279303d980836399b36c6988c0c68de55e1bdb826d3901a2461eafd2de49a91d015abbc9a95137ace6c1af19eaa6af98c7ced43120998e187a80ee0ccb0524b1b018c3e0b63264d449a6d38e22a5fda430846748030530ef0461c8ca9d9efbfae8ea6d1d03e2bd193eff0ab9a8002c47428a6d35a8d88d79f7f1e3f";
const D: &str = "04dea705d43a6ea7209dd8072111a83c81e322a59278b33480641eaf7c0a6985b8e31c44f6de62e1b4c2309f6126e77b7c41e923314bbfa3881305dc1217f16c819ce538e922f369828d0e57195d8c8488460207b2faa726bcf708bbd7db7f679f893492fc2a622e08970aac441ce4e0c3088df25ae679233df8a3bda2ff9941";
const P: &str = "e435fb7cc83737756dacea96ab7f59a2cc1069db7deb190e17e33a532b273f30a327aa0aaabc58cd67466af9845fadc675fe094af92c4bd1f2c1bc33dd2e0515";
const Q: &str = "cabd3bc0e0438664c8d4cc9f99977a94d9bbfead8e43870abae3f7eb8b4e0eee8af1d9b4719ba6196cf2cbbaeeebf8b3490afe9e9ffa74a88aa51fc645629303";
/// The salt inside RFC 8448's RSA-PSS signature, read back from it with the public key
/// (s^e mod n, then the PSS encoding undone): what makes the signature reproducible.
const SALT: &str = "9e796c6cae552f4bbda874d33bb9f5a7b98172441b7954b463cee3f3b1818826";
/// RFC 8448 section 3's NewSessionTicket: its ticket, and the record that carries it (not in
/// the shared vectors; from the same section).
const TICKET: &str = "2c035d829359ee5ff7af4ec900000000262a6494dc486d2c8a34cb33fa90bf1b0070ad3c498883c9367c09a2be785abc55cd226097a3a982117283f82a03a143efd3ff5dd36d64e861be7fd61d2827db279cce145077d454a3664d4e6da4d29ee03725a6a4dafcd0fc67d2aea70529513e3da2677fa5906c5b3f7d8f92f228bda40dda721470f9fbf297b5aea617646fac5c03272e970727c621a79141ef5f7de6505e5bfbc388e93343694093934ae4d357";
const TICKET_RECORD: &str = "17030300de3a6b8f90414a97d6959c3487680de5134a2b240e6cffac116e95d41d6af8f6b580dcf3d11d63c758db289a015940252f55713e061dc13e078891a38efbcf5753ad8ef170ad3c7353d16d9da773b9ca7f2b9fa1b6c0d4a3d03f75e09c30ba1e62972ac46f75f7b981be63439b2999ce13064615139891d5e4c5b406f16e3fc181a77ca475840025db2f0a77f81b5ab05b94c01346755f69232c86519d86cbeeac87aac347d143f9605d64f650db4d023e70e952ca49fe5137121c74bc2697687e248746d6df353005f3bce18696129c8153556b3b6c6779b37bf15985684f";

fn configs(vectors: &Value) -> (ClientConfig, ServerConfig, tls::AppData) {
    let ch = v(vectors, "client_hello_handshake");
    let sh = v(vectors, "server_hello_handshake");
    let cert_msg = v(vectors, "certificate");
    // Certificate: type, length (3), context length (1), list length (3), entry length (3).
    let der_len = u32::from_be_bytes([0, cert_msg[8], cert_msg[9], cert_msg[10]]) as usize;
    let der = cert_msg[11..11 + der_len].to_vec();
    let big = |s: &str| rsa::BigUint::from_bytes_be(&hex(s));
    let key = rsa::RsaPrivateKey::from_components(big(N), big("010001"), big(D), vec![big(P), big(Q)]).expect("RFC 8448's RSA key is consistent");
    let groups = vec![0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104];
    let client = ClientConfig {
        versions: vec![tls::TLS13],
        random: arr32(&ch[6..38]),
        session_id: Vec::new(),
        suites: vec![0x1301, 0x1303, 0x1302],
        groups: groups.clone(),
        key_shares: vec![(tls::X25519, arr32(&v(vectors, "client_x25519_private")))],
        retry_key: [7; 32],
        schemes: vec![0x0403, 0x0503, 0x0603, 0x0203, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201, 0x0402, 0x0502, 0x0602, 0x0202],
        server_name: Some("server".into()),
        alpn: Vec::new(),
        legacy_extensions: true,
        psk_modes: vec![1],
        record_size_limit: Some(0x4001),
        padding: None,
        resumption: None,
        chain_check: None,
        status_request: false,
    };
    let server = ServerConfig {
        versions: vec![tls::TLS13],
        rsa: None,
        random: arr32(&sh[6..38]),
        suites: vec![0x1301, 0x1302, 0x1303],
        groups,
        key_share: arr32(&v(vectors, "server_x25519_private")),
        chain: vec![der],
        key: ServerKey::Rsa { key: Box::new(key), salt: hex(SALT) },
        record_size_limit: Some(0x4001),
        alpn: Vec::new(),
        ticket: Some(tls::TicketConfig { lifetime: 30, age_add: 0xfad6aac5, nonce: vec![0, 0], ticket: hex(TICKET), max_early_data: Some(1024) }),
        accept_early_data: true,
        known_psk: None,
        seed: 1,
        staples: Vec::new(),
    };
    let plaintext = v(vectors, "client_appdata_plaintext");
    (client, server, tls::AppData { client: plaintext.clone(), server: plaintext })
}

#[test]
fn rfc8448_simple_1rtt_byte_for_byte() {
    let vectors: Value = serde_json::from_str(VECTORS).unwrap();
    let (client, server, data) = configs(&vectors);
    let hs = tls::handshake(&client, &server, &data).expect("the RFC's handshake completes");
    assert_eq!(hs.suite, Suite::Aes128GcmSha256);

    assert_eq!(hs.client_public.to_vec(), v(&vectors, "client_x25519_public"));
    assert_eq!(hs.server_public.to_vec(), v(&vectors, "server_x25519_public"));
    assert_eq!(hs.shared_secret.to_vec(), v(&vectors, "ecdhe_shared_secret"));

    let message = |from: Side, name: &str| hs.messages.iter().find(|m| m.from == from && m.name == name).unwrap_or_else(|| panic!("{name} was sent")).wire.bytes.clone();
    assert_eq!(message(Side::Client, "ClientHello"), v(&vectors, "client_hello_handshake"));
    assert_eq!(message(Side::Server, "ServerHello"), v(&vectors, "server_hello_handshake"));
    assert_eq!(message(Side::Server, "EncryptedExtensions"), v(&vectors, "encrypted_extensions"));
    assert_eq!(message(Side::Server, "Certificate"), v(&vectors, "certificate"));
    assert_eq!(message(Side::Server, "CertificateVerify"), v(&vectors, "certificate_verify"));
    assert_eq!(message(Side::Server, "Finished"), v(&vectors, "server_finished"));
    assert_eq!(message(Side::Client, "Finished"), v(&vectors, "client_finished"));

    assert_eq!(hs.transcript_to_server_hello, v(&vectors, "transcript_hash_CH_SH"));
    assert_eq!(hs.transcript_to_server_finished, v(&vectors, "transcript_hash_CH_to_serverFinished"));

    let nodes = hs.schedule.nodes();
    let names = [
        "early_secret",
        "derived_for_handshake",
        "handshake_secret",
        "client_handshake_traffic_secret",
        "server_handshake_traffic_secret",
        "derived_for_master",
        "master_secret",
        "client_application_traffic_secret_0",
        "server_application_traffic_secret_0",
        "exporter_master_secret",
        "resumption_master_secret",
        "server_handshake_key",
        "server_handshake_iv",
        "client_handshake_key",
        "client_handshake_iv",
        "server_application_key",
        "server_application_iv",
        "client_application_key",
        "client_application_iv",
        "server_finished_key",
        "client_finished_key",
    ];
    for name in names {
        let node = nodes.iter().find(|n| n.name == name).unwrap_or_else(|| panic!("{name} is in the schedule"));
        assert_eq!(node.value, v(&vectors, name), "{name}");
    }
    assert_eq!(hs.server_verify_data, v(&vectors, "server_finished_verify_data"));
    assert_eq!(hs.certificate_verify_check, Some(Ok(())));
    assert!(hs.server_finished_check);
    // RFC 8448's own signature verifies with the certificate's key; a changed byte does not.
    let cv = v(&vectors, "certificate_verify");
    assert_eq!(tls::verify_certificate_verify(&server.chain[0], &hs.signed_content, &cv[8..]), Ok(()));
    let mut bad = cv[8..].to_vec();
    bad[5] ^= 1;
    assert!(tls::verify_certificate_verify(&server.chain[0], &hs.signed_content, &bad).is_err());
    assert_eq!(hs.client_verify_data, v(&vectors, "client_finished_verify_data"));

    let records: Vec<_> = hs.records.iter().collect();
    assert_eq!(records[0].bytes, v(&vectors, "client_hello_record"));
    assert_eq!(records[1].bytes, v(&vectors, "server_hello_record"));
    assert_eq!(records[2].bytes, v(&vectors, "record_server_handshake_flight_encrypted"));
    assert_eq!(records[3].bytes, v(&vectors, "record_client_finished_encrypted"));
    let app = |from: Side, sequence: u64| hs.records.iter().find(|r| r.from == from && r.protection == Protection::Application && r.sequence == sequence).unwrap();
    assert_eq!(app(Side::Client, 0).bytes, v(&vectors, "record_client_appdata_encrypted"));
    assert_eq!(app(Side::Client, 0).content, content_type::APPLICATION_DATA);
    // The server's first application-key record is the NewSessionTicket; its data is second.
    assert_eq!(app(Side::Server, 0).bytes, hex(TICKET_RECORD));
    assert_eq!(app(Side::Server, 1).bytes, v(&vectors, "record_server_appdata_encrypted_seq1"));
    // close_notify from each side (RFC 8448 section 3's last two records).
    assert_eq!(app(Side::Client, 1).bytes, hex("1703030013c9872760655666b74d7ff1153efd6db6d0b0e3"));
    assert_eq!(app(Side::Server, 2).bytes, hex("1703030013b58fd67166ebf599d24720cfbe7efa7a8864a9"));
    assert_eq!(app(Side::Server, 2).content, content_type::ALERT);
}

#[test]
fn every_protected_record_decrypts_to_its_inner_plaintext_and_a_changed_byte_fails() {
    let vectors: Value = serde_json::from_str(VECTORS).unwrap();
    let (client, server, data) = configs(&vectors);
    let hs = tls::handshake(&client, &server, &data).unwrap();
    let s = &hs.schedule;
    for r in hs.records.iter().filter(|r| r.protection != Protection::Plaintext) {
        let keys = match (r.from, r.protection) {
            (Side::Client, Protection::Handshake) => &s.client_handshake,
            (Side::Server, Protection::Handshake) => &s.server_handshake,
            (Side::Client, _) => &s.client_application,
            (Side::Server, _) => &s.server_application,
        };
        assert_eq!(tls::unprotect(hs.suite, keys, r.sequence, &r.bytes).as_ref(), Some(&r.inner));
        assert_eq!(tls::unprotect(hs.suite, keys, r.sequence + 1, &r.bytes), None, "the wrong sequence number fails");
        let mut changed = r.bytes.clone();
        let last = changed.len() - 1;
        changed[last] ^= 0x80;
        assert_eq!(tls::unprotect(hs.suite, keys, r.sequence, &changed), None);
    }
}

#[test]
fn the_certificate_verify_signature_verifies_with_the_certificates_key() {
    let vectors: Value = serde_json::from_str(VECTORS).unwrap();
    let (client, mut server, data) = configs(&vectors);
    // With a salt drawn from the seed instead of the RFC's, the signature differs but still
    // verifies: the salt is what makes RSA-PSS randomised.
    let ServerKey::Rsa { key, .. } = server.key.clone() else { panic!("RFC 8448's key is RSA") };
    server.key = ServerKey::Rsa { key: key.clone(), salt: Vec::new() };
    let hs = tls::handshake(&client, &server, &data).unwrap();
    let cv = &hs.messages.iter().find(|m| m.name == "CertificateVerify").unwrap().wire.bytes;
    assert_ne!(*cv, v(&vectors, "certificate_verify"));
    use sha2::Digest;
    let digest = sha2::Sha256::digest(&hs.signed_content);
    let signature = &cv[8..];
    key.to_public_key().verify(rsa::Pss::new::<sha2::Sha256>(), &digest, signature).expect("the signature verifies");
    // And the schedule does not depend on the signature's salt until the transcript does.
    assert_eq!(hs.transcript_to_server_hello, v(&vectors, "transcript_hash_CH_SH"));
}

#[test]
fn each_suite_completes_and_the_server_picks_by_its_own_preference() {
    let vectors: Value = serde_json::from_str(VECTORS).unwrap();
    let (client, mut server, data) = configs(&vectors);
    for preferred in Suite::ALL {
        server.suites = vec![preferred.code()];
        let hs = tls::handshake(&client, &server, &data).unwrap();
        assert_eq!(hs.suite, preferred);
        assert_eq!(hs.schedule.client_application.key.len(), preferred.key_len());
        assert_eq!(hs.schedule.master_secret.len(), preferred.hash().len());
    }
    server.suites = vec![0x1304];
    assert_eq!(tls::handshake(&client, &server, &data).unwrap_err(), tls::Failure::NoCommonSuite);
}

#[test]
fn the_rfc8448_preset_runs_the_same_bytes_through_the_scenario() {
    let vectors: Value = serde_json::from_str(VECTORS).unwrap();
    let (_, _, s) = tls::presets().into_iter().find(|(id, _, _)| *id == "rfc8448").unwrap();
    let run = tls::run(&s);
    let bytes_of = |label: &str| run.trace.steps.iter().find(|st| st.label == label).unwrap_or_else(|| panic!("a step {label}")).bytes.clone();
    assert_eq!(bytes_of("ClientHello"), v(&vectors, "client_hello_record"));
    assert_eq!(bytes_of("ServerHello"), v(&vectors, "server_hello_record"));
    assert_eq!(bytes_of("{EncryptedExtensions, Certificate, CertificateVerify, Finished}"), v(&vectors, "record_server_handshake_flight_encrypted"));
    assert_eq!(bytes_of("{Finished}"), v(&vectors, "record_client_finished_encrypted"));
    assert_eq!(bytes_of("{application data}: request"), v(&vectors, "record_client_appdata_encrypted"));
    assert_eq!(bytes_of("{application data}: response"), v(&vectors, "record_server_appdata_encrypted_seq1"));
    assert_eq!(bytes_of("{NewSessionTicket}"), hex(TICKET_RECORD));
    let master = run.schedule.iter().find(|n| n.name == "master_secret").unwrap();
    assert_eq!(master.value, v(&vectors, "master_secret"));
}

#[test]
fn presets_are_valid_and_each_runs() {
    use wirelab_core::scenario::Scenario;
    for (id, _, s) in tls::presets() {
        assert_eq!(s.validate(), vec![], "{id}");
        let run = tls::run(&s);
        assert!(run.trace.steps.len() >= 5, "{id}");
        let failed = run.trace.steps.iter().any(|st| st.label.starts_with("alert: "));
        // A failure in the clear: before any key (TLS 1.2 refuses a chain in the clear too).
        let in_clear = id.starts_with("no-") || id == "tls10-refused" || id == "tls12-cert-expired";
        assert_eq!(failed, in_clear, "{id} fails exactly when it is meant to");
        assert_eq!(run.schedule.is_empty(), failed, "{id}");
    }
}

#[test]
fn links_leave_out_the_private_keys_unless_asked() {
    let (_, _, s) = tls::presets().into_iter().find(|(id, _, _)| *id == "rfc8448").unwrap();
    let plain = wirelab_core::scenario::to_json(&s, false);
    assert!(!plain.contains("49af42ba") && !plain.contains("b1580eea"), "{plain}");
    let with = wirelab_core::scenario::to_json(&s, true);
    assert!(with.contains("49af42ba") && with.contains("b1580eea"));
}

#[test]
fn the_handshake_takes_one_round_trip_after_tcp() {
    let (_, _, s) = tls::presets().into_iter().find(|(id, _, _)| *id == "long-rtt").unwrap();
    let run = tls::run(&s);
    let at = |label: &str| run.trace.steps.iter().find(|st| st.label == label).unwrap().at.micros();
    // TCP's round trip, then the ClientHello; the request one TLS round trip later.
    assert_eq!(at("ClientHello"), 600_000);
    assert_eq!(at("{application data}: request"), 1_200_000);
}

#[test]
fn the_key_log_holds_the_rfcs_secrets_and_the_capture_carries_its_records() {
    let vectors: Value = serde_json::from_str(VECTORS).unwrap();
    let (_, _, s) = tls::presets().into_iter().find(|(id, _, _)| *id == "rfc8448").unwrap();
    let run = tls::run(&s);
    let random = &vectors["client_hello_handshake"].as_str().unwrap()[12..76];
    for (label, name) in [
        ("CLIENT_HANDSHAKE_TRAFFIC_SECRET", "client_handshake_traffic_secret"),
        ("SERVER_HANDSHAKE_TRAFFIC_SECRET", "server_handshake_traffic_secret"),
        ("CLIENT_TRAFFIC_SECRET_0", "client_application_traffic_secret_0"),
        ("SERVER_TRAFFIC_SECRET_0", "server_application_traffic_secret_0"),
        ("EXPORTER_SECRET", "exporter_master_secret"),
    ] {
        let line = format!("{label} {random} {}\n", vectors[name].as_str().unwrap());
        assert!(run.keylog.contains(&line), "{line}");
    }
    let record = v(&vectors, "record_server_handshake_flight_encrypted");
    assert!(run.capture.windows(record.len()).any(|w| w == record.as_slice()));
    // A failed handshake derives no keys, so its key log is empty.
    let (_, _, failing) = tls::presets().into_iter().find(|(id, _, _)| *id == "no-common-suite").unwrap();
    assert_eq!(tls::run(&failing).keylog, "");
}

#[test]
fn p256_key_shares_are_real_points_and_agree() {
    let mut one = [0u8; 32];
    one[31] = 1;
    // d = 1 gives the generator (FIPS 186-4 / SEC 2's P-256 base point), uncompressed.
    let g = "046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";
    assert_eq!(tls::public_key(tls::SECP256R1, &one).unwrap(), hex(g));
    let (a, b) = ([3u8; 32], [9u8; 32]);
    let (pa, pb) = (tls::public_key(tls::SECP256R1, &a).unwrap(), tls::public_key(tls::SECP256R1, &b).unwrap());
    let shared = tls::shared_secret(tls::SECP256R1, &a, &pb).unwrap();
    assert_eq!(shared.len(), 32, "the x-coordinate");
    assert_eq!(shared, tls::shared_secret(tls::SECP256R1, &b, &pa).unwrap());
    // Zero is no private key, and a point off the curve is refused.
    assert!(tls::public_key(tls::SECP256R1, &[0; 32]).is_err());
    let mut off = pb.clone();
    off[64] ^= 1;
    assert!(tls::shared_secret(tls::SECP256R1, &a, &off).is_err());
}

#[test]
fn a_hello_retry_request_restarts_the_transcript_from_the_first_hellos_hash() {
    let (_, _, s) = tls::presets().into_iter().find(|(id, _, _)| *id == "hello-retry").unwrap();
    let (client, server, data) = tls::run::configs(&s);
    let hs = tls::handshake(&client, &server, &data).unwrap();
    assert_eq!(hs.retried, Some(tls::SECP256R1));
    let names: Vec<&str> = hs.messages.iter().map(|m| m.name).collect();
    assert_eq!(names[..4], ["ClientHello", "HelloRetryRequest", "ClientHello", "ServerHello"]);
    // Transcript-Hash(message_hash || HRR || CH2 || SH), with message_hash = 254, 0, 0, 32, Hash(CH1).
    use sha2::Digest;
    let mut t = vec![254, 0, 0, 32];
    t.extend(sha2::Sha256::digest(&hs.messages[0].wire.bytes));
    for m in &hs.messages[1..4] {
        t.extend(&m.wire.bytes);
    }
    assert_eq!(hs.transcript_to_server_hello, sha2::Sha256::digest(&t).to_vec());
    // The HRR's random is the SHA-256 of "HelloRetryRequest", and the second ClientHello
    // echoes the cookie.
    assert_eq!(hs.messages[1].wire.bytes[6..38], sha2::Sha256::digest(b"HelloRetryRequest")[..]);
    let cookie = hs.messages[1].wire.fields.iter().find(|f| f.name.ends_with("cookie › cookie")).unwrap().value.clone();
    assert!(hs.messages[2].wire.fields.iter().any(|f| f.name.ends_with("cookie › cookie") && f.value == cookie));
}

/// RFC 8448 section 4 (resumption with 0-RTT), its records as published (not in the shared
/// vectors file; the same section's values, as Botan's tests carry them).
mod resumed {
    pub const CLIENT_HELLO: &str = "1603010200010001fc03031bc3ceb6bbe39cff938355b5a50adb6db21b7a6af649d7b4bc419d7876487d95000006130113031302010001cd0000000b0009000006736572766572ff01000100000a00140012001d00170018001901000101010201030104003300260024001d0020e4ffb68ac05f8d96c99da26698346c6be16482badddafe051a66b4f18d668f0b002a0000002b0003020304000d0020001e040305030603020308040805080604010501060102010402050206020202002d00020101001c00024001001500570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000029";
    pub const CLIENT_HELLO_TAIL: &str = "00dd00b800b22c035d829359ee5ff7af4ec900000000262a6494dc486d2c8a34cb33fa90bf1b0070ad3c498883c9367c09a2be785abc55cd226097a3a982117283f82a03a143efd3ff5dd36d64e861be7fd61d2827db279cce145077d454a3664d4e6da4d29ee03725a6a4dafcd0fc67d2aea70529513e3da2677fa5906c5b3f7d8f92f228bda40dda721470f9fbf297b5aea617646fac5c03272e970727c621a79141ef5f7de6505e5bfbc388e93343694093934ae4d357fad6aacb0021203add4fb2d8fdf822a0ca3cf7678ef5e88dae990141c5924d57bb6fa31b9e5f9d";
    pub const EARLY_DATA: &str = "1703030017ab1df420e75c457a7cc5d2844f76d5aee4b4edbf049be0";
    pub const SERVER_HELLO: &str = "16030300600200005c03033ccfd2dec890222763472ae8136777c9d7358777bb66e91ea5122495f559ea2d00130100003400290002000000330024001d0020121761ee42c333e1b9e77b60dd57c2053cd94512ab47f115e86eff50942cea31002b00020304";
    pub const SERVER_FLIGHT: &str = "1703030061dc48237b4b879f50d0d4d262ea8b4716eb40ddc1eb957e11126e8a7149c2d012d37a7115957e64ce30008b9e0323f2c05a9c1c77b4f37849a695ab255060a33fee770ca95cb8486bfd0843b87024865ca35cc41c4e515c64dcb1369f98635bc7a5";
    pub const END_OF_EARLY_DATA: &str = "1703030015aca6fc944841298df99593725f9bf9754429b12f09";
    pub const CLIENT_FINISHED: &str = "170303003500f8b467d14cf22a4b3f0b6ae0d8e6cc8d08e0db3515ef5c2bdf1922eafbb70009964716d834fb70c3d2a56c5b1f5f6bdba6c333cf";
    pub const CLIENT_DATA: &str = "1703030043b1cebce242aa201be9ae5e1cb2a9aa4b33d4e866af1edb068919237741aa031d7a74d491c99b9d4e232b74206bc6fbaa04fe78be44a9b4f54320a17eb76992afac3103";
    pub const SERVER_DATA: &str = "1703030043275e9f20acff57bc000657d3867df039cccf79047884cf75771746f740b5a83f462a0954c3581393a203a25a7dd14141ef1a37900cdb62ff62dee1ba39ab2590cbf194";
    pub const CLIENT_CLOSE: &str = "17030300130facce3246bdfc6369838d6a82ae6de5d422dc";
    pub const SERVER_CLOSE: &str = "17030300135b18af444e8e1eec7158fb62d8f2577d37ba5d";
}

#[test]
fn rfc8448_resumption_with_0rtt_byte_for_byte() {
    let (_, _, s) = tls::presets().into_iter().find(|(id, _, _)| *id == "rfc8448-resumed").unwrap();
    let (client, server, data) = tls::run::configs(&s);
    let hs = tls::handshake(&client, &server, &data).expect("the resumed handshake completes");
    assert!(hs.resumed, "the server accepted the PSK");
    assert_eq!(hs.early_data, Some(true), "and the 0-RTT data");
    assert_eq!(hs.binder.as_ref().map(|b| b.1), Some(true), "the binder checks");
    assert!(hs.messages.iter().all(|m| m.name != "Certificate" && m.name != "CertificateVerify"), "no certificate with a PSK");
    let bytes: Vec<String> = hs.records.iter().map(|r| r.bytes.iter().map(|b| format!("{b:02x}")).collect()).collect();
    let want = [
        format!("{}{}", resumed::CLIENT_HELLO, resumed::CLIENT_HELLO_TAIL),
        resumed::EARLY_DATA.to_string(),
        resumed::SERVER_HELLO.to_string(),
        resumed::SERVER_FLIGHT.to_string(),
        resumed::END_OF_EARLY_DATA.to_string(),
        resumed::CLIENT_FINISHED.to_string(),
        resumed::CLIENT_DATA.to_string(),
        resumed::SERVER_DATA.to_string(),
        resumed::CLIENT_CLOSE.to_string(),
        resumed::SERVER_CLOSE.to_string(),
    ];
    for (i, w) in want.iter().enumerate() {
        assert_eq!(bytes.get(i), Some(w), "record {i}");
    }
    assert_eq!(bytes.len(), want.len());
}

#[test]
fn a_ticket_the_server_does_not_know_means_a_full_handshake_and_no_0rtt() {
    let (_, _, s) = tls::presets().into_iter().find(|(id, _, _)| *id == "zero-rtt").unwrap();
    let (client, mut server, data) = tls::run::configs(&s);
    server.known_psk = server.known_psk.map(|(t, mut psk)| {
        psk[0] ^= 1;
        (t, psk)
    });
    let hs = tls::handshake(&client, &server, &data).unwrap();
    assert!(!hs.resumed);
    assert_eq!(hs.binder.as_ref().map(|b| b.1), Some(false), "the binder does not check with another PSK");
    assert_eq!(hs.early_data, Some(false));
    assert!(hs.messages.iter().any(|m| m.name == "CertificateVerify"));
}
