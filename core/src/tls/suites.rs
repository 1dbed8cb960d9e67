//! Cipher suite names taken apart: each component, what it does, and why the weak ones are
//! weak (RFC 8446 appendix B.4, RFC 5246 appendix A.5, RFC 9325, RFC 7465, RFC 8996), and how
//! the lab's client and server agree on one.

use super::crypto::Suite;
use super::scenario::{server_suite_code, suite_code, version_code, TlsScenario, LEGACY_SUITES};
use super::tls12::SUITES;

/// One component of a suite's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// What the component decides: key exchange, authentication, cipher, MAC or hash.
    pub role: &'static str,
    /// The component as written in the name.
    pub name: String,
    pub meaning: String,
    /// Why it is weak, if it is.
    pub weak: Option<String>,
}

/// A suite name explained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explained {
    /// The name, upper-cased.
    pub name: String,
    /// Its IANA code point, when the lab knows it.
    pub code: Option<u16>,
    /// "TLS 1.3" or "TLS 1.2 and earlier".
    pub version: &'static str,
    pub parts: Vec<Part>,
    /// Whether any part is weak.
    pub weak: bool,
    /// One line: recommended, acceptable, or why not.
    pub verdict: String,
    /// Whether this lab's server can run it.
    pub runs: bool,
}

/// The longest name accepted (the longest registered suite name is under 60 characters).
pub const MAX_LEN: usize = 80;

fn part(role: &'static str, name: &str, meaning: &str, weak: Option<&str>) -> Part {
    Part { role, name: name.to_string(), meaning: meaning.to_string(), weak: weak.map(str::to_string) }
}

/// The key exchange and authentication of a TLS 1.2 (or older) suite: the words before WITH.
fn kex_auth(words: &str) -> Option<Vec<Part>> {
    const ECDHE: &str = "Ephemeral elliptic-curve Diffie-Hellman: a new key pair per connection, so recorded traffic stays secret even if the server's long-term key leaks later (forward secrecy).";
    const DHE: &str = "Ephemeral finite-field Diffie-Hellman: forward secret, but slow, and servers often used groups of 1024 bits or less (Logjam); RFC 9325 prefers ECDHE.";
    const RSA_KEX: &str = "RSA key transport: the client encrypts the premaster secret to the server's certificate key. No forward secrecy: that key decrypts every recorded session. Removed from TLS 1.3.";
    const RSA_SIG: &str = "The server signs its key exchange with the RSA key of its certificate.";
    const ECDSA_SIG: &str = "The server signs its key exchange with the ECDSA key of its certificate.";
    let fs = None;
    let no_fs = Some("no forward secrecy");
    Some(match words {
        "ECDHE_RSA" => vec![part("key exchange", "ECDHE", ECDHE, fs), part("authentication", "RSA", RSA_SIG, None)],
        "ECDHE_ECDSA" => vec![part("key exchange", "ECDHE", ECDHE, fs), part("authentication", "ECDSA", ECDSA_SIG, None)],
        "DHE_RSA" => vec![part("key exchange", "DHE", DHE, Some("often weak groups (Logjam), slow; prefer ECDHE")), part("authentication", "RSA", RSA_SIG, None)],
        "DHE_DSS" => vec![part("key exchange", "DHE", DHE, Some("often weak groups (Logjam), slow; prefer ECDHE")), part("authentication", "DSS", "DSA signatures: removed from TLS 1.3, 1024-bit keys in practice.", Some("DSA is retired"))],
        "RSA" => vec![part("key exchange", "RSA", RSA_KEX, no_fs), part("authentication", "RSA", "Implicit: only the holder of the certificate's private key can decrypt the premaster secret and finish the handshake.", None)],
        "ECDH_RSA" | "ECDH_ECDSA" => vec![
            part("key exchange", "ECDH", "Static elliptic-curve Diffie-Hellman: the server's key is fixed in its certificate.", no_fs),
            part("authentication", &words[5..], "The certificate's issuer signed with this algorithm; the server proves itself by computing the shared secret.", None),
        ],
        "DH_ANON" | "ECDH_ANON" => vec![
            part("key exchange", &words[..words.len() - 5], "Diffie-Hellman with nobody authenticated.", None),
            part("authentication", "anon", "None: an attacker in the middle runs one key exchange with each side and reads everything.", Some("no authentication: trivial man in the middle")),
        ],
        "PSK" => vec![part("key exchange", "PSK", "A pre-shared key alone: no forward secrecy.", no_fs), part("authentication", "PSK", "Knowing the pre-shared key.", None)],
        "ECDHE_PSK" | "DHE_PSK" => vec![part("key exchange", &words[..words.len() - 4], "Ephemeral Diffie-Hellman mixed with a pre-shared key: forward secret.", None), part("authentication", "PSK", "Knowing the pre-shared key.", None)],
        "RSA_EXPORT" | "DHE_RSA_EXPORT" | "DH_ANON_EXPORT" => vec![
            part("key exchange", words, "1990s export-grade: at most 512-bit RSA or DH keys for the key exchange, as US export rules demanded.", Some("export grade: broken in hours (FREAK, Logjam)")),
            part("authentication", if words.starts_with("DH_ANON") { "anon" } else { "RSA" }, RSA_SIG, None),
        ],
        "NULL" => vec![part("key exchange", "NULL", "No key exchange: the initial state of a connection, never negotiated.", Some("no keys at all"))],
        _ => return None,
    })
}

/// The cipher and the MAC or PRF hash: the words after WITH (TLS 1.2) or TLS_ (TLS 1.3).
fn cipher_mac(words: &str, tls13: bool) -> Option<Vec<Part>> {
    let (cipher, mac) = words.rsplit_once('_')?;
    let aead = matches!(cipher, "AES_128_GCM" | "AES_256_GCM" | "CHACHA20_POLY1305" | "AES_128_CCM" | "AES_256_CCM" | "AES_128_CCM_8" | "AES_256_CCM_8");
    let c = match cipher {
        "AES_128_GCM" | "AES_256_GCM" => part("cipher", cipher, "AES in Galois/Counter Mode: an AEAD, encrypting and authenticating in one step, fast with AES hardware.", None),
        "CHACHA20_POLY1305" => part("cipher", cipher, "The ChaCha20 stream cipher with the Poly1305 authenticator: an AEAD, fast in software, on phones without AES hardware.", None),
        "AES_128_CCM" | "AES_256_CCM" => part("cipher", cipher, "AES in Counter with CBC-MAC mode: an AEAD for small devices.", None),
        "AES_128_CCM_8" | "AES_256_CCM_8" => part("cipher", cipher, "AES-CCM with an 8-byte tag: an AEAD for constrained devices.", Some("8-byte tag: forgeries need far fewer tries")),
        "AES_128_CBC" | "AES_256_CBC" | "CAMELLIA_128_CBC" | "CAMELLIA_256_CBC" | "ARIA_128_CBC" | "ARIA_256_CBC" | "SEED_CBC" => part(
            "cipher",
            cipher,
            "A block cipher in CBC mode, with a separate MAC computed before encryption (MAC-then-encrypt).",
            Some("CBC with MAC-then-encrypt: padding oracles (Lucky Thirteen, POODLE), BEAST in TLS 1.0"),
        ),
        "3DES_EDE_CBC" => part("cipher", cipher, "Triple DES: three passes of DES with a 64-bit block.", Some("64-bit block: after tens of gigabytes blocks collide and leak plaintext (Sweet32)")),
        "DES_CBC" | "DES40_CBC" => part("cipher", cipher, "Single DES: a 56-bit key (40 bits in export suites).", Some("56-bit key or less: brute-forced in hours")),
        "RC4_128" | "RC4_40" => part("cipher", cipher, "The RC4 stream cipher.", Some("RC4's keystream is biased: plaintext recovered from many connections; prohibited by RFC 7465")),
        "NULL" => part("cipher", "NULL", "No encryption at all: the data travels in the clear, only authenticated.", Some("no encryption")),
        _ => return None,
    };
    let m = match (mac, aead) {
        ("SHA256" | "SHA384", true) => part(
            "hash",
            mac,
            if tls13 { "The hash of HKDF and the transcript: the key schedule, Finished and the binders." } else { "The hash of the PRF (RFC 5246 section 5), which makes the master secret and the keys; the AEAD authenticates the records." },
            None,
        ),
        ("SHA256" | "SHA384", false) => part("MAC", mac, "HMAC with this hash authenticates each record, and the PRF uses it.", None),
        ("SHA", false) => part("MAC", "SHA", "HMAC-SHA1 authenticates each record (HMAC-SHA1 itself still holds; the CBC construction around it is the problem).", Some("a SHA-1 era suite without an AEAD: RFC 9325 recommends none of them")),
        ("MD5", false) => part("MAC", "MD5", "HMAC-MD5 authenticates each record.", Some("MD5 era: only in suites with RC4 or export ciphers")),
        ("NULL", false) => part("MAC", "NULL", "No record authentication.", Some("no integrity")),
        _ => return None,
    };
    Some(vec![c, m])
}

/// Explains a suite name (e.g. `TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384`), or says which part is
/// not understood, and where.
pub fn explain(text: &str) -> Result<Explained, String> {
    let shown = |s: &str| crate::export::visible(&s.chars().take(40).collect::<String>());
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("type or pick a suite name, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256".into());
    }
    if trimmed.chars().count() > MAX_LEN {
        return Err(format!("{} characters: too long for a suite name (at most {MAX_LEN})", trimmed.chars().count()));
    }
    if let Some((i, c)) = trimmed.char_indices().find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_')) {
        return Err(format!("“{}” at character {} cannot be in a suite name: letters, digits and underscores", shown(&c.to_string()), trimmed[..i].chars().count() + 1));
    }
    let name = trimmed.to_ascii_uppercase();
    let Some(rest) = name.strip_prefix("TLS_").or_else(|| name.strip_prefix("SSL_")) else {
        return Err("a suite name starts with TLS_ (or SSL_ for the oldest), e.g. TLS_AES_128_GCM_SHA256".into());
    };
    let prefix = name.len() - rest.len();
    let (version, mut parts, tls13) = match rest.split_once("_WITH_") {
        Some((left, right)) => {
            let Some(mut p) = kex_auth(left) else {
                return Err(format!("“{}” at character {} is not a key exchange this explainer knows (ECDHE_RSA, ECDHE_ECDSA, DHE_RSA, RSA, ECDH_ECDSA, DH_anon, PSK, RSA_EXPORT…)", shown(left), prefix + 1));
            };
            let Some(c) = cipher_mac(right, false) else {
                return Err(format!("“{}” at character {} is not a cipher and MAC this explainer knows (AES_128_GCM_SHA256, CHACHA20_POLY1305_SHA256, AES_256_CBC_SHA, 3DES_EDE_CBC_SHA, RC4_128_SHA…)", shown(right), prefix + left.len() + 7));
            };
            p.extend(c);
            ("TLS 1.2 and earlier", p, false)
        }
        None => {
            let Some(c) = cipher_mac(rest, true).filter(|c| c[0].weak.is_none() || rest.starts_with("AES_128_CCM_8")) else {
                return Err(format!("“{}” at character {} is neither TLS 1.3's AEAD and hash (AES_128_GCM_SHA256…) nor, with WITH, a TLS 1.2 suite", shown(rest), prefix + 1));
            };
            let mut p = vec![
                part("key exchange", "(not in the name)", "TLS 1.3 agrees on the key exchange separately (supported_groups and key_share): always ephemeral (EC)DHE, or a PSK with or without it. Every TLS 1.3 connection with (EC)DHE is forward secret.", None),
                part("authentication", "(not in the name)", "Agreed separately too (signature_algorithms): the server signs the whole transcript in CertificateVerify.", None),
            ];
            p.extend(c);
            ("TLS 1.3", p, true)
        }
    };
    let code = Suite::ALL.into_iter().find(|s| s.name() == name).map(|s| s.code()).or_else(|| LEGACY_SUITES.iter().find(|(n, _)| *n == name).map(|(_, c)| *c));
    let runs = Suite::ALL.into_iter().any(|s| s.name() == name) || SUITES.iter().any(|s| s.name == name);
    // A TLS 1.2 suite is fine only with ECDHE (or DHE) and an AEAD.
    let ephemeral = name.contains("ECDHE_") || name.contains("DHE_");
    if !(tls13 || ephemeral || parts.iter().any(|p| p.weak.is_some())) {
        if let Some(p) = parts.iter_mut().find(|p| p.role == "key exchange") {
            p.weak.get_or_insert_with(|| "no forward secrecy".into());
        }
    }
    let weak = parts.iter().any(|p| p.weak.is_some());
    let verdict = if weak {
        let why: Vec<String> = parts.iter().filter_map(|p| p.weak.clone()).collect();
        format!("Avoid: {}.", why.join("; "))
    } else if tls13 {
        "Recommended: a TLS 1.3 suite (RFC 8446 section 9.1 makes TLS_AES_128_GCM_SHA256 mandatory).".to_string()
    } else {
        "Acceptable for TLS 1.2 (RFC 9325 section 4.2 recommends ECDHE with AES-GCM or ChaCha20-Poly1305); TLS 1.3 is better still.".to_string()
    };
    Ok(Explained { name, code, version, parts, weak, verdict, runs })
}

/// How the scenario's client and server agree on a suite: for each suite the client offers, in
/// its order, what became of it.
pub fn negotiation(s: &TlsScenario, chosen: Option<&str>) -> Vec<(String, String)> {
    let speaks = |list: &[String], v: u16| list.iter().any(|x| version_code(x) == Some(v));
    let version = [0x0304u16, 0x0303].into_iter().find(|v| speaks(&s.client_versions, *v) && speaks(&s.server_versions, *v));
    s.client_suites
        .iter()
        .map(|offered| {
            let is13 = Suite::ALL.into_iter().any(|x| x.name().eq_ignore_ascii_case(offered.trim()));
            let accepted = server_suite_code(offered).is_some_and(|c| s.server_suites.iter().any(|x| server_suite_code(x) == Some(c)));
            let weak = explain(offered).map(|e| e.weak).unwrap_or(false);
            let fate = if chosen.is_some_and(|c| c.eq_ignore_ascii_case(offered.trim())) {
                "chosen: the first in the server's order that the client offers".to_string()
            } else if version == Some(0x0304) && !is13 || version == Some(0x0303) && is13 {
                format!("unused: a {} suite, and the connection is {}", if is13 { "TLS 1.3" } else { "TLS 1.2" }, if version == Some(0x0304) { "TLS 1.3" } else { "TLS 1.2" })
            } else if suite_code(offered).is_some() && server_suite_code(offered).is_none() {
                "refused: the server does not run it".to_string()
            } else if !accepted {
                "refused: not in the server's list".to_string()
            } else if chosen.is_some() {
                "accepted, but the server prefers another".to_string()
            } else {
                "accepted, but the handshake failed".to_string()
            };
            let fate = if weak { format!("{fate} (weak)") } else { fate };
            (offered.trim().to_string(), fate)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_the_parts_and_flags_the_weak_ones() {
        let e = explain("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384").unwrap();
        assert_eq!(e.parts.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["ECDHE", "RSA", "AES_256_GCM", "SHA384"]);
        assert!(!e.weak && e.runs && e.code == Some(0xc030));
        let tls13 = explain("tls_chacha20_poly1305_sha256").unwrap();
        assert_eq!((tls13.version, tls13.weak, tls13.code), ("TLS 1.3", false, Some(0x1303)));
        for weak in ["TLS_RSA_WITH_RC4_128_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_EXPORT_WITH_RC4_40_MD5", "TLS_RSA_WITH_NULL_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_DH_anon_WITH_AES_128_GCM_SHA256"] {
            let e = explain(weak).unwrap();
            assert!(e.weak && e.verdict.starts_with("Avoid: "), "{weak}: {e:?}");
        }
        assert!(explain("TLS_RSA_WITH_AES_128_GCM_SHA256").unwrap().verdict.contains("no forward secrecy"));
    }

    #[test]
    fn says_which_part_it_does_not_know_and_where() {
        assert_eq!(explain("TLS_ECDHE_FOO_WITH_AES_128_GCM_SHA256").unwrap_err(), "“ECDHE_FOO” at character 5 is not a key exchange this explainer knows (ECDHE_RSA, ECDHE_ECDSA, DHE_RSA, RSA, ECDH_ECDSA, DH_anon, PSK, RSA_EXPORT…)");
        assert!(explain("TLS_RSA_WITH_AES_999_GCM_SHA256").unwrap_err().starts_with("“AES_999_GCM_SHA256” at character 14 "));
        assert!(explain("TLS_ECDHE<script>").unwrap_err().starts_with("“<” at character 10 "));
        assert!(explain("AES_128_GCM_SHA256").unwrap_err().starts_with("a suite name starts with TLS_"));
        assert!(explain(&"A".repeat(10_000)).unwrap_err().contains("too long"));
        assert!(explain(" ").is_err());
    }

    #[test]
    fn every_known_suite_is_explained() {
        for (name, _) in LEGACY_SUITES {
            assert!(explain(name).is_ok(), "{name}");
        }
        for s in Suite::ALL {
            assert!(explain(s.name()).is_ok_and(|e| e.runs), "{}", s.name());
        }
    }

    #[test]
    fn the_negotiation_names_the_chosen_suite_and_why_the_others_lost() {
        let (_, _, s) = crate::tls::presets().into_iter().find(|(id, _, _)| *id == "tls12").unwrap();
        let run = crate::tls::run(&s);
        let n = negotiation(&s, run.suite.as_deref());
        assert_eq!(n[0], ("TLS_AES_128_GCM_SHA256".to_string(), "unused: a TLS 1.3 suite, and the connection is TLS 1.2".to_string()));
        assert!(n.iter().any(|(name, fate)| name == "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" && fate.starts_with("chosen")));
        assert!(n.iter().any(|(name, fate)| name == "TLS_RSA_WITH_AES_128_GCM_SHA256" && fate == "accepted, but the server prefers another (weak)"));
    }
}
