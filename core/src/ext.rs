//! Cryptography a lab's page loads only when it is used.
//!
//! P-384 and P-521 (for JWTs signed with ES384 and ES512) and Ed25519 (for DNSSEC) are large
//! in wasm and rarely needed at first, so on the web each lives in its own small wasm, fetched
//! the first time a key on that curve is used (docs/site.md). The core reaches them through a
//! provider: natively (tests, examples) the implementations in [`native`] are always there; in
//! the browser the app registers a provider once the extension has loaded, and until then
//! every use answers [`Missing`], which the labs show as "loading" and run again when it
//! arrives. The results never depend on where the code runs: the extension is these same
//! functions compiled on their own.

use crate::cookies::passwords::Scheme;
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

/// A separately loaded piece of cryptography.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ext {
    /// ECDSA on P-384 and P-521.
    Nist,
    /// Ed25519.
    Ed25519,
    /// Password hashing (argon2id, bcrypt, scrypt), run in a worker off the page's thread.
    Hash,
}

impl Ext {
    pub const ALL: [Ext; 3] = [Ext::Nist, Ext::Ed25519, Ext::Hash];

    /// Its name in file names and in the page's `<meta name="wirelab-ext-…">`.
    pub fn id(self) -> &'static str {
        match self {
            Ext::Nist => "nist",
            Ext::Ed25519 => "ed25519",
            Ext::Hash => "hash",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Ext::Nist => "the P-384 and P-521 code",
            Ext::Ed25519 => "the Ed25519 code",
            Ext::Hash => "the password hash",
        }
    }
}

/// The extension a computation needs has not arrived yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Missing(pub Ext);

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is still loading (it is fetched the first time it is needed)", self.0.describe())
    }
}

/// The NIST curves kept apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Curve {
    P384,
    P521,
}

impl Curve {
    pub fn name(self) -> &'static str {
        match self {
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
        }
    }

    /// Bytes in a coordinate or a private scalar.
    pub fn size(self) -> usize {
        match self {
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }

    /// Its number in the wire protocol of the extension.
    pub fn code(self) -> u8 {
        match self {
            Curve::P384 => 1,
            Curve::P521 => 2,
        }
    }

    pub fn from_code(code: u8) -> Option<Curve> {
        match code {
            1 => Some(Curve::P384),
            2 => Some(Curve::P521),
            _ => None,
        }
    }
}

/// ECDSA on P-384 (SHA-384) and P-521 (SHA-512), as JWS uses them (RFC 7518 section 3.4).
/// Points are uncompressed SEC1 (`04 || x || y`); signatures are `r || s`.
pub trait Nist {
    /// The public point of the private scalar `d`, which is checked (not zero, below the order).
    fn public_key(&self, curve: Curve, d: &[u8]) -> Result<Vec<u8>, String>;
    /// Whether `point` is a point on the curve.
    fn check_point(&self, curve: Curve, point: &[u8]) -> Result<(), String>;
    /// Signs `input`: RFC 6979 nonces, mixed for P-521 with bytes from `seed` (so runs repeat).
    fn sign(&self, curve: Curve, d: &[u8], input: &[u8], seed: u64) -> Result<Vec<u8>, String>;
    fn verify(&self, curve: Curve, point: &[u8], input: &[u8], signature: &[u8]) -> bool;
}

/// Why an Ed25519 signature was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdRefusal {
    /// The public key's bytes are not a point on the curve.
    NotAPoint,
    /// The signature does not match.
    Mismatch,
}

/// Ed25519 (RFC 8032), keys as their 32-byte seeds.
pub trait Ed25519 {
    fn public_key(&self, seed: &[u8; 32]) -> [u8; 32];
    fn sign(&self, seed: &[u8; 32], message: &[u8]) -> [u8; 64];
    /// RFC 8032 section 5.1.7 verification (ed25519-dalek's `verify`).
    fn verify(&self, public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> Result<(), EdRefusal>;
    /// SHA-256 (FIPS 180-4). DNSSEC uses it beside Ed25519 (DS digests, the lab's demonstration
    /// keys), so it comes in the same extension: a page that signs nothing carries neither.
    fn sha256(&self, data: &[u8]) -> [u8; 32];
}

/// Password hashing at real costs. The page computes each hash in a worker and answers from
/// what has arrived, so `hash` is None while one is still being computed (the provider has
/// started it).
pub trait Passwords {
    fn hash(&self, scheme: Scheme, password: &str, salt: &[u8; 16]) -> Option<Result<String, String>>;
}

thread_local! {
    static PASSWORDS: RefCell<Option<Rc<dyn Passwords>>> = const { RefCell::new(None) };
    static NIST: RefCell<Option<Rc<dyn Nist>>> = const { RefCell::new(None) };
    static ED25519: RefCell<Option<Rc<dyn Ed25519>>> = const { RefCell::new(None) };
    static ON_MISSING: RefCell<Option<fn(Ext)>> = const { RefCell::new(None) };
}

/// Registers the NIST curves' provider (the app, once the extension has loaded).
pub fn provide_nist(provider: Rc<dyn Nist>) {
    NIST.with(|p| *p.borrow_mut() = Some(provider));
}

/// Registers the Ed25519 provider.
pub fn provide_ed25519(provider: Rc<dyn Ed25519>) {
    ED25519.with(|p| *p.borrow_mut() = Some(provider));
}

/// Registers the password hashing provider (the cookies lab's page, a worker behind it).
pub fn provide_passwords(provider: Rc<dyn Passwords>) {
    PASSWORDS.with(|p| *p.borrow_mut() = Some(provider));
}

/// `password` stored under `scheme` with `salt`: natively computed at once; on the web the fast
/// schemes at once and the slow ones by the registered provider, [`Missing`] until it has
/// answered (the computation runs again then).
pub fn password_hash(scheme: Scheme, password: &str, salt: &[u8; 16]) -> Result<Result<String, String>, Missing> {
    if let Err(e) = scheme.check() {
        return Ok(Err(e));
    }
    if let Some(fast) = crate::cookies::passwords::hash_fast(scheme, password) {
        return Ok(Ok(fast));
    }
    if let Some(p) = PASSWORDS.with(|p| p.borrow().clone()) {
        if let Some(done) = p.hash(scheme, password, salt) {
            return Ok(done);
        }
        #[cfg(target_arch = "wasm32")]
        return Err(missing(Ext::Hash));
    }
    #[cfg(not(target_arch = "wasm32"))]
    return Ok(crate::cookies::passwords::hash(scheme, password, salt));
    #[cfg(target_arch = "wasm32")]
    Err(missing(Ext::Hash))
}

/// What to call when a computation needs an extension that is not there (the app starts
/// fetching it).
pub fn on_missing(hook: fn(Ext)) {
    ON_MISSING.with(|h| *h.borrow_mut() = Some(hook));
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn missing(ext: Ext) -> Missing {
    if let Some(hook) = ON_MISSING.with(|h| *h.borrow()) {
        hook(ext);
    }
    Missing(ext)
}

/// Whether `ext` can be used now.
pub fn available(ext: Ext) -> bool {
    cfg!(not(target_arch = "wasm32"))
        || match ext {
            Ext::Nist => NIST.with(|p| p.borrow().is_some()),
            Ext::Ed25519 => ED25519.with(|p| p.borrow().is_some()),
            Ext::Hash => PASSWORDS.with(|p| p.borrow().is_some()),
        }
}

/// The NIST curves, or [`Missing`] (and the hook called) while they are not loaded.
pub fn nist() -> Result<Rc<dyn Nist>, Missing> {
    if let Some(p) = NIST.with(|p| p.borrow().clone()) {
        return Ok(p);
    }
    #[cfg(not(target_arch = "wasm32"))]
    return Ok(Rc::new(native::NistNative));
    #[cfg(target_arch = "wasm32")]
    Err(missing(Ext::Nist))
}

/// Ed25519, or [`Missing`] (and the hook called) while it is not loaded.
pub fn ed25519() -> Result<Rc<dyn Ed25519>, Missing> {
    if let Some(p) = ED25519.with(|p| p.borrow().clone()) {
        return Ok(p);
    }
    #[cfg(not(target_arch = "wasm32"))]
    return Ok(Rc::new(native::Ed25519Native));
    #[cfg(target_arch = "wasm32")]
    Err(missing(Ext::Ed25519))
}

/// The implementations: linked natively, and into each extension's wasm, never into a page.
pub mod native {
    use super::{Curve, EdRefusal, Ed25519, Nist};
    use crate::rng::{Seeded, SplitMix64};

    pub struct NistNative;

    impl Nist for NistNative {
        fn public_key(&self, curve: Curve, d: &[u8]) -> Result<Vec<u8>, String> {
            let bad = |e: &dyn std::fmt::Display| format!("the {} key is not valid: {e}", curve.name());
            Ok(match curve {
                Curve::P384 => p384::ecdsa::SigningKey::from_slice(d).map_err(|e| bad(&e))?.verifying_key().to_encoded_point(false).as_bytes().to_vec(),
                Curve::P521 => {
                    let k = p521::ecdsa::SigningKey::from_slice(d).map_err(|e| bad(&e))?;
                    p521::ecdsa::VerifyingKey::from(&k).to_encoded_point(false).as_bytes().to_vec()
                }
            })
        }

        fn check_point(&self, curve: Curve, point: &[u8]) -> Result<(), String> {
            let bad = |e: &dyn std::fmt::Display| format!("the {} key is not valid: {e}", curve.name());
            match curve {
                Curve::P384 => p384::ecdsa::VerifyingKey::from_sec1_bytes(point).map(|_| ()).map_err(|e| bad(&e)),
                Curve::P521 => p521::ecdsa::VerifyingKey::from_sec1_bytes(point).map(|_| ()).map_err(|e| bad(&e)),
            }
        }

        fn sign(&self, curve: Curve, d: &[u8], input: &[u8], seed: u64) -> Result<Vec<u8>, String> {
            let bad = |e: &dyn std::fmt::Display| format!("the {} key is not valid: {e}", curve.name());
            match curve {
                Curve::P384 => {
                    use p384::ecdsa::signature::Signer;
                    let k = p384::ecdsa::SigningKey::from_slice(d).map_err(|e| bad(&e))?;
                    Ok(Signer::<p384::ecdsa::Signature>::sign(&k, input).to_bytes().to_vec())
                }
                Curve::P521 => {
                    // P-521 signs a SHA-512 digest; its RFC 6979 nonce is mixed with extra input,
                    // here from the seed so the run repeats exactly.
                    use p521::ecdsa::signature::hazmat::RandomizedPrehashSigner;
                    let k = p521::ecdsa::SigningKey::from_slice(d).map_err(|e| bad(&e))?;
                    let hash = <sha2::Sha512 as sha2::Digest>::digest(input);
                    RandomizedPrehashSigner::<p521::ecdsa::Signature>::sign_prehash_with_rng(&k, &mut Seeded(SplitMix64::new(seed)), &hash)
                        .map(|s| s.to_bytes().to_vec())
                        .map_err(|e| e.to_string())
                }
            }
        }

        fn verify(&self, curve: Curve, point: &[u8], input: &[u8], signature: &[u8]) -> bool {
            match curve {
                Curve::P384 => {
                    use p384::ecdsa::signature::Verifier;
                    let (Ok(k), Ok(sig)) = (p384::ecdsa::VerifyingKey::from_sec1_bytes(point), p384::ecdsa::Signature::from_slice(signature)) else { return false };
                    k.verify(input, &sig).is_ok()
                }
                Curve::P521 => {
                    let (Ok(k), Ok(sig)) = (p521::ecdsa::VerifyingKey::from_sec1_bytes(point), p521::ecdsa::Signature::from_slice(signature)) else { return false };
                    p521::ecdsa::signature::Verifier::verify(&k, input, &sig).is_ok()
                }
            }
        }
    }

    pub struct Ed25519Native;

    impl Ed25519 for Ed25519Native {
        fn public_key(&self, seed: &[u8; 32]) -> [u8; 32] {
            ed25519_dalek::SigningKey::from_bytes(seed).verifying_key().to_bytes()
        }

        fn sign(&self, seed: &[u8; 32], message: &[u8]) -> [u8; 64] {
            use ed25519_dalek::Signer;
            ed25519_dalek::SigningKey::from_bytes(seed).sign(message).to_bytes()
        }

        fn verify(&self, public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> Result<(), EdRefusal> {
            let key = ed25519_dalek::VerifyingKey::from_bytes(public).map_err(|_| EdRefusal::NotAPoint)?;
            ed25519_dalek::Verifier::verify(&key, message, &ed25519_dalek::Signature::from_bytes(signature)).map_err(|_| EdRefusal::Mismatch)
        }

        fn sha256(&self, data: &[u8]) -> [u8; 32] {
            <sha2::Sha256 as sha2::Digest>::digest(data).into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natively_the_providers_are_always_there() {
        assert!(Ext::ALL.iter().all(|e| available(*e)));
        let nist = nist().unwrap();
        let point = nist.public_key(Curve::P384, &[7; 48]).unwrap();
        assert_eq!((point.len(), point[0]), (97, 4));
        let sig = nist.sign(Curve::P384, &[7; 48], b"input", 0).unwrap();
        assert!(nist.verify(Curve::P384, &point, b"input", &sig));
        assert!(!nist.verify(Curve::P384, &point, b"inpuT", &sig));
        assert!(nist.public_key(Curve::P521, &[0; 66]).unwrap_err().contains("P-521 key is not valid"));
        let ed = ed25519().unwrap();
        let public = ed.public_key(&[1; 32]);
        let sig = ed.sign(&[1; 32], b"m");
        assert_eq!(ed.verify(&public, b"m", &sig), Ok(()));
        assert_eq!(ed.verify(&public, b"n", &sig), Err(EdRefusal::Mismatch));
        // FIPS 180-2 appendix B.1.
        assert_eq!(ed.sha256(b"abc")[..4], [0xba, 0x78, 0x16, 0xbf]);
        assert_eq!(ed.sha256(b"abc")[28..], [0xf2, 0x00, 0x15, 0xad]);
    }
}
