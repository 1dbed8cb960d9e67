//! TLS 1.3's cryptographic building blocks, with RustCrypto underneath: the cipher suites
//! (RFC 8446 appendix B.4), HKDF with TLS's labels (section 7.1), the transcript hash
//! (section 4.4.1), the record ciphers (AES-GCM, ChaCha20-Poly1305; section 5.2) and X25519
//! (RFC 7748). Nothing here reads a clock or an OS random source.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256, Sha384};
use std::fmt;

/// A TLS 1.3 cipher suite: the record cipher and the hash of the key schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suite {
    Aes128GcmSha256,
    Aes256GcmSha384,
    ChaCha20Poly1305Sha256,
}

impl Suite {
    pub const ALL: [Suite; 3] = [Suite::Aes128GcmSha256, Suite::Aes256GcmSha384, Suite::ChaCha20Poly1305Sha256];

    /// Its code point on the wire.
    pub fn code(self) -> u16 {
        match self {
            Suite::Aes128GcmSha256 => 0x1301,
            Suite::Aes256GcmSha384 => 0x1302,
            Suite::ChaCha20Poly1305Sha256 => 0x1303,
        }
    }

    pub fn from_code(code: u16) -> Option<Suite> {
        Suite::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The IANA name, e.g. `TLS_AES_128_GCM_SHA256`.
    pub fn name(self) -> &'static str {
        match self {
            Suite::Aes128GcmSha256 => "TLS_AES_128_GCM_SHA256",
            Suite::Aes256GcmSha384 => "TLS_AES_256_GCM_SHA384",
            Suite::ChaCha20Poly1305Sha256 => "TLS_CHACHA20_POLY1305_SHA256",
        }
    }

    pub fn hash(self) -> HashAlg {
        match self {
            Suite::Aes256GcmSha384 => HashAlg::Sha384,
            _ => HashAlg::Sha256,
        }
    }

    /// The record cipher's key length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            Suite::Aes128GcmSha256 => 16,
            _ => 32,
        }
    }

    /// The per-record nonce (and so the IV) length: 12 bytes for every TLS 1.3 suite.
    pub const IV_LEN: usize = 12;
    /// The authentication tag's length: 16 bytes for every TLS 1.3 suite.
    pub const TAG_LEN: usize = 16;

    /// Encrypts `plaintext` (RFC 8446 section 5.2): the ciphertext followed by the tag.
    pub fn seal(self, key: &[u8], nonce: &[u8; 12], aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
        let payload = Payload { msg: plaintext, aad };
        let sealed = match self {
            Suite::Aes128GcmSha256 => aes_gcm::Aes128Gcm::new_from_slice(key).ok().and_then(|c| c.encrypt(nonce.into(), payload).ok()),
            Suite::Aes256GcmSha384 => aes_gcm::Aes256Gcm::new_from_slice(key).ok().and_then(|c| c.encrypt(nonce.into(), payload).ok()),
            Suite::ChaCha20Poly1305Sha256 => chacha20poly1305::ChaCha20Poly1305::new_from_slice(key).ok().and_then(|c| c.encrypt(nonce.into(), payload).ok()),
        };
        // The keys come from the key schedule at the suite's length, so sealing cannot fail.
        sealed.unwrap_or_default()
    }

    /// Decrypts and checks the tag; `None` if the tag does not match (the record was changed,
    /// or another key or nonce was used).
    pub fn open(self, key: &[u8], nonce: &[u8; 12], aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
        let payload = Payload { msg: sealed, aad };
        match self {
            Suite::Aes128GcmSha256 => aes_gcm::Aes128Gcm::new_from_slice(key).ok()?.decrypt(nonce.into(), payload).ok(),
            Suite::Aes256GcmSha384 => aes_gcm::Aes256Gcm::new_from_slice(key).ok()?.decrypt(nonce.into(), payload).ok(),
            Suite::ChaCha20Poly1305Sha256 => chacha20poly1305::ChaCha20Poly1305::new_from_slice(key).ok()?.decrypt(nonce.into(), payload).ok(),
        }
    }
}

impl fmt::Display for Suite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The hash a suite's key schedule and transcript use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashAlg {
    Sha256,
    Sha384,
}

impl HashAlg {
    pub fn len(self) -> usize {
        match self {
            HashAlg::Sha256 => 32,
            HashAlg::Sha384 => 48,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            HashAlg::Sha256 => "SHA-256",
            HashAlg::Sha384 => "SHA-384",
        }
    }

    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            HashAlg::Sha256 => Sha256::digest(data).to_vec(),
            HashAlg::Sha384 => Sha384::digest(data).to_vec(),
        }
    }

    pub fn hmac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        match self {
            HashAlg::Sha256 => {
                let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes a key of any length");
                m.update(data);
                m.finalize().into_bytes().to_vec()
            }
            HashAlg::Sha384 => {
                let mut m = <Hmac<Sha384> as Mac>::new_from_slice(key).expect("HMAC takes a key of any length");
                m.update(data);
                m.finalize().into_bytes().to_vec()
            }
        }
    }

    /// HKDF-Extract (RFC 5869 section 2.2).
    pub fn extract(self, salt: &[u8], ikm: &[u8]) -> Vec<u8> {
        match self {
            HashAlg::Sha256 => hkdf::Hkdf::<Sha256>::extract(Some(salt), ikm).0.to_vec(),
            HashAlg::Sha384 => hkdf::Hkdf::<Sha384>::extract(Some(salt), ikm).0.to_vec(),
        }
    }

    /// HKDF-Expand (RFC 5869 section 2.3) of `len` bytes; `len` is at most 255 hash lengths,
    /// which every TLS label asks for by far.
    pub fn expand(self, prk: &[u8], info: &[u8], len: usize) -> Vec<u8> {
        let mut out = vec![0u8; len];
        let done = match self {
            HashAlg::Sha256 => hkdf::Hkdf::<Sha256>::from_prk(prk).ok().and_then(|h| h.expand(info, &mut out).ok()),
            HashAlg::Sha384 => hkdf::Hkdf::<Sha384>::from_prk(prk).ok().and_then(|h| h.expand(info, &mut out).ok()),
        };
        debug_assert!(done.is_some(), "a TLS secret is a hash length and a label asks for little");
        out
    }

    /// HKDF-Expand-Label (RFC 8446 section 7.1): the HkdfLabel structure is the length, the
    /// label prefixed with "tls13 ", and the context.
    pub fn expand_label(self, secret: &[u8], label: &str, context: &[u8], len: usize) -> Vec<u8> {
        self.expand(secret, &hkdf_label(label, context, len), len)
    }

    /// Derive-Secret (RFC 8446 section 7.1): Expand-Label of the transcript hash, one hash long.
    pub fn derive_secret(self, secret: &[u8], label: &str, transcript_hash: &[u8]) -> Vec<u8> {
        self.expand_label(secret, label, transcript_hash, self.len())
    }
}

/// The HkdfLabel structure's bytes (RFC 8446 section 7.1).
pub fn hkdf_label(label: &str, context: &[u8], len: usize) -> Vec<u8> {
    let full = format!("tls13 {label}");
    let mut info = Vec::with_capacity(4 + full.len() + context.len());
    info.extend((len as u16).to_be_bytes());
    info.push(full.len() as u8);
    info.extend(full.as_bytes());
    info.push(context.len() as u8);
    info.extend(context);
    info
}

/// The per-record nonce (RFC 8446 section 5.3): the 64-bit sequence number, left-padded to the
/// IV's length, XORed with the IV.
pub fn nonce(iv: &[u8], sequence: u64) -> [u8; 12] {
    let mut n = [0u8; 12];
    n.copy_from_slice(&iv[..12]);
    for (b, s) in n[4..].iter_mut().zip(sequence.to_be_bytes()) {
        *b ^= s;
    }
    n
}

/// X25519's public key for a private key (RFC 7748 section 6.1).
pub fn x25519_public(private: &[u8; 32]) -> [u8; 32] {
    // X25519(k, 9) (RFC 7748 section 6.1) on the Montgomery ladder: without the precomputed
    // tables (left out for size) the Edwards base-point path is dozens of times slower.
    x25519_dalek::x25519(*private, x25519_dalek::X25519_BASEPOINT_BYTES)
}

/// The X25519 shared secret of a private key and the peer's public key.
pub fn x25519(private: &[u8; 32], peer: &[u8; 32]) -> [u8; 32] {
    x25519_dalek::StaticSecret::from(*private).diffie_hellman(&x25519_dalek::PublicKey::from(*peer)).to_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    #[test]
    fn hkdf_rfc5869_case_1() {
        // RFC 5869 appendix A.1.
        let prk = HashAlg::Sha256.extract(&hex("000102030405060708090a0b0c"), &hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"));
        assert_eq!(prk, hex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5"));
        let okm = HashAlg::Sha256.expand(&prk, &hex("f0f1f2f3f4f5f6f7f8f9"), 42);
        assert_eq!(okm, hex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"));
    }

    #[test]
    fn nonce_xors_the_sequence_number_into_the_low_bytes() {
        let iv = hex("5d313eb2671276ee13000b30");
        assert_eq!(nonce(&iv, 0).to_vec(), iv);
        assert_eq!(nonce(&iv, 1).to_vec(), hex("5d313eb2671276ee13000b31"));
        assert_eq!(nonce(&iv, 0x0102).to_vec(), hex("5d313eb2671276ee13000a32"));
    }

    #[test]
    fn every_suite_seals_and_opens_and_refuses_a_changed_byte() {
        for suite in Suite::ALL {
            let key = vec![7u8; suite.key_len()];
            let n = nonce(&[1u8; 12], 5);
            let sealed = suite.seal(&key, &n, b"header", b"hello");
            assert_eq!(sealed.len(), 5 + Suite::TAG_LEN);
            assert_eq!(suite.open(&key, &n, b"header", &sealed).as_deref(), Some(&b"hello"[..]));
            let mut changed = sealed.clone();
            changed[0] ^= 1;
            assert_eq!(suite.open(&key, &n, b"header", &changed), None);
            assert_eq!(suite.open(&key, &n, b"other", &sealed), None);
        }
    }

    #[test]
    fn x25519_rfc7748_section_6_1() {
        let a: [u8; 32] = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a").try_into().unwrap();
        let b: [u8; 32] = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb").try_into().unwrap();
        let a_pub = x25519_public(&a);
        assert_eq!(a_pub.to_vec(), hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"));
        let shared = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        assert_eq!(x25519(&a, &x25519_public(&b)).to_vec(), shared);
        assert_eq!(x25519(&b, &a_pub).to_vec(), shared);
    }
}
