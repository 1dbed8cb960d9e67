//! Password storage for the cookies lab: real argon2id, bcrypt and scrypt (the RustCrypto
//! crates), each with its parameters and in its standard string form (PHC for argon2id and
//! scrypt, the `$2b$` form for bcrypt), beside unsalted SHA-256 and plain text for contrast.
//! Salts are given by the caller (the lab derives them from its seed), so a hash is a function
//! of its inputs. And how long an offline attack on a leaked table takes, from a measured rate.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};

/// A way to store a password, with its cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// RFC 9106: memory in KiB, passes, lanes.
    Argon2id { m_kib: u32, t: u32, p: u32 },
    /// The cost is log2 of the key-schedule rounds.
    Bcrypt { cost: u32 },
    /// RFC 7914: N = 2^log_n, block size r, parallelism p.
    Scrypt { log_n: u8, r: u32, p: u32 },
    /// SHA-256 of the password alone: fast, and the same password always gives the same hash.
    Sha256,
    /// The password itself.
    Plain,
}

impl Scheme {
    pub fn name(&self) -> String {
        match self {
            Scheme::Argon2id { m_kib, t, p } => format!("argon2id (m={m_kib} KiB, t={t}, p={p})"),
            Scheme::Bcrypt { cost } => format!("bcrypt (cost {cost})"),
            Scheme::Scrypt { log_n, r, p } => format!("scrypt (N=2^{log_n}, r={r}, p={p})"),
            Scheme::Sha256 => "SHA-256, unsalted".into(),
            Scheme::Plain => "plain text".into(),
        }
    }

    /// Whether the parameters are within what the lab runs (and what the crates accept).
    pub fn check(&self) -> Result<(), String> {
        match *self {
            Scheme::Argon2id { m_kib, t, p } => {
                if !(8..=262_144).contains(&m_kib) || !(1..=10).contains(&t) || !(1..=4).contains(&p) || m_kib < 8 * p {
                    return Err("argon2id: memory 8 KiB to 256 MiB (at least 8 KiB a lane), 1 to 10 passes, 1 to 4 lanes".into());
                }
            }
            Scheme::Bcrypt { cost } => {
                if !(4..=16).contains(&cost) {
                    return Err("bcrypt: cost 4 to 16".into());
                }
            }
            Scheme::Scrypt { log_n, r, p } => {
                if !(1..=20).contains(&log_n) || !(1..=16).contains(&r) || !(1..=4).contains(&p) || (128u64 << log_n) * r as u64 > 256 << 20 {
                    return Err("scrypt: N = 2^1 to 2^20, r 1 to 16, p 1 to 4, at most 256 MiB (128·N·r bytes)".into());
                }
            }
            Scheme::Sha256 | Scheme::Plain => {}
        }
        Ok(())
    }
}

impl Scheme {
    /// The recommended settings (OWASP's password storage cheat sheet): argon2id with 19 MiB and
    /// 2 passes, bcrypt at cost 10, scrypt with N = 2^17 and r = 8.
    pub const RECOMMENDED: [Scheme; 5] = [
        Scheme::Argon2id { m_kib: 19_456, t: 2, p: 1 },
        Scheme::Bcrypt { cost: 10 },
        Scheme::Scrypt { log_n: 17, r: 8, p: 1 },
        Scheme::Sha256,
        Scheme::Plain,
    ];

    /// The scheme as the lab writes it: `argon2id m=19456 t=2 p=1`, `bcrypt cost=10`,
    /// `scrypt ln=17 r=8 p=1`, `sha256`, `plain` (what [`Scheme::parse`] reads).
    pub fn text(&self) -> String {
        match self {
            Scheme::Argon2id { m_kib, t, p } => format!("argon2id m={m_kib} t={t} p={p}"),
            Scheme::Bcrypt { cost } => format!("bcrypt cost={cost}"),
            Scheme::Scrypt { log_n, r, p } => format!("scrypt ln={log_n} r={r} p={p}"),
            Scheme::Sha256 => "sha256".into(),
            Scheme::Plain => "plain".into(),
        }
    }

    /// Reads [`Scheme::text`]'s form; a parameter left out takes its recommended value, and
    /// the values are checked against the limits.
    pub fn parse(text: &str) -> Result<Scheme, String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let Some((name, params)) = words.split_first() else { return Err("name a scheme: argon2id, bcrypt, scrypt, sha256 or plain".into()) };
        let mut values: Vec<(&str, u32)> = Vec::new();
        for p in params {
            let Some((k, v)) = p.split_once('=') else { return Err(format!("“{}” is not name=number", crate::export::visible(&p.chars().take(20).collect::<String>()))) };
            let v: u32 = v.parse().map_err(|_| format!("{k}: “{}” is not a whole number", crate::export::visible(&v.chars().take(20).collect::<String>())))?;
            values.push((k, v));
        }
        let allowed: &[&str] = match name.to_ascii_lowercase().as_str() {
            "argon2id" => &["m", "t", "p"],
            "bcrypt" => &["cost"],
            "scrypt" => &["ln", "r", "p"],
            "sha256" | "plain" => &[],
            other => return Err(format!("“{}” is not a scheme: argon2id, bcrypt, scrypt, sha256 or plain", crate::export::visible(&other.chars().take(20).collect::<String>()))),
        };
        if let Some((k, _)) = values.iter().find(|(k, _)| !allowed.contains(k)) {
            return Err(if allowed.is_empty() { format!("{name} takes no parameters") } else { format!("{name} takes {}, not {}", allowed.join(", "), crate::export::visible(&k.chars().take(20).collect::<String>())) });
        }
        let get = |k: &str, default: u32| values.iter().rev().find(|(n, _)| *n == k).map(|(_, v)| *v).unwrap_or(default);
        let scheme = match name.to_ascii_lowercase().as_str() {
            "argon2id" => Scheme::Argon2id { m_kib: get("m", 19_456), t: get("t", 2), p: get("p", 1) },
            "bcrypt" => Scheme::Bcrypt { cost: get("cost", 10) },
            "scrypt" => Scheme::Scrypt { log_n: get("ln", 17).min(255) as u8, r: get("r", 8), p: get("p", 1) },
            "sha256" => Scheme::Sha256,
            _ => Scheme::Plain,
        };
        scheme.check()?;
        Ok(scheme)
    }

    /// Whether a hash costs real work (the page computes those in a worker).
    pub fn is_slow(&self) -> bool {
        !matches!(self, Scheme::Sha256 | Scheme::Plain)
    }

    /// What one guess costs in memory, in words.
    pub fn memory_text(&self) -> String {
        match *self {
            Scheme::Argon2id { m_kib, .. } => format!("{} KiB ({:.1} MiB) a guess", m_kib, m_kib as f64 / 1024.0),
            Scheme::Scrypt { log_n, r, .. } => format!("{} KiB (128·N·r bytes) a guess", (128u64 << log_n) * r as u64 / 1024),
            Scheme::Bcrypt { .. } => "4 KiB (its S-boxes) a guess".into(),
            Scheme::Sha256 | Scheme::Plain => "none to speak of".into(),
        }
    }
}

/// The fast schemes' stored form (what needs no worker); None for the slow ones.
pub fn hash_fast(scheme: Scheme, password: &str) -> Option<String> {
    match scheme {
        Scheme::Sha256 => Some(Sha256::digest(password.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()),
        Scheme::Plain => Some(password.to_string()),
        _ => None,
    }
}

/// `n` unsalted SHA-256 hashes of distinct 8-byte guesses, as a cracker runs them (no text
/// formatting in the loop); the last digest, so the work cannot be skipped. Used to time the
/// fast scheme, whose single hash is too quick to measure.
pub fn sha256_guesses(n: u32) -> [u8; 32] {
    let mut last = [0u8; 32];
    for i in 0..n {
        last = Sha256::digest((i as u64).to_le_bytes()).into();
    }
    last
}

/// The salt a stored hash carries (PHC's fourth field, or bcrypt's 22 characters), as verifying
/// reads it; None for the unsalted schemes or a string that is not the scheme's form.
pub fn salt_of(scheme: Scheme, stored: &str) -> Option<[u8; 16]> {
    match scheme {
        Scheme::Argon2id { .. } | Scheme::Scrypt { .. } => {
            // The salt is the field before the hash: `$id[$v=19]$params$salt$hash`.
            let parts: Vec<&str> = stored.split('$').collect();
            let b64 = *parts.get(parts.len().checked_sub(2)?)?;
            let mut buf = [0u8; 64];
            let salt = argon2::password_hash::Salt::from_b64(b64).ok()?;
            let bytes = salt.decode_b64(&mut buf).ok()?;
            bytes.try_into().ok()
        }
        Scheme::Bcrypt { .. } => {
            let rest = stored.split('$').nth(3)?;
            bcrypt_b64_decode(rest.get(..22)?)?.get(..16)?.try_into().ok()
        }
        Scheme::Sha256 | Scheme::Plain => None,
    }
}

/// bcrypt's own base64 alphabet (not RFC 4648's order), without padding.
const BCRYPT_B64: &[u8; 64] = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

fn bcrypt_b64(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..chunk.len() + 1 {
            out.push(BCRYPT_B64[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

fn bcrypt_b64_decode(text: &str) -> Option<Vec<u8>> {
    let v: Vec<u32> = text.bytes().map(|c| BCRYPT_B64.iter().position(|x| *x == c).map(|i| i as u32)).collect::<Option<_>>()?;
    let mut out = Vec::new();
    for chunk in v.chunks(4) {
        let mut n = 0u32;
        for (i, x) in chunk.iter().enumerate() {
            n |= x << (18 - 6 * i);
        }
        for i in 0..chunk.len().saturating_sub(1) {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

/// The bcrypt hash of `password` with a 16-byte salt, as `$2b$<cost>$<salt><hash>`: the
/// password with a NUL after it, cut at 72 bytes, as every bcrypt does.
fn bcrypt(password: &[u8], cost: u32, salt: [u8; 16]) -> String {
    let mut input = password.to_vec();
    input.push(0);
    input.truncate(72);
    let out = bcrypt::bcrypt(cost, salt, &input);
    format!("$2b${cost:02}${}{}", bcrypt_b64(&salt), bcrypt_b64(&out[..23]))
}

/// Stores `password` under `scheme` with `salt` (16 bytes are used). The text is what the
/// users table would hold.
pub fn hash(scheme: Scheme, password: &str, salt: &[u8; 16]) -> Result<String, String> {
    scheme.check()?;
    match scheme {
        Scheme::Argon2id { m_kib, t, p } => {
            let params = argon2::Params::new(m_kib, t, p, Some(32)).map_err(|e| e.to_string())?;
            let a = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
            let salt = SaltString::encode_b64(salt).map_err(|e| e.to_string())?;
            a.hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
        }
        Scheme::Scrypt { log_n, r, p } => {
            let params = scrypt::Params::new(log_n, r, p, 32).map_err(|e| e.to_string())?;
            let salt = SaltString::encode_b64(salt).map_err(|e| e.to_string())?;
            scrypt::Scrypt.hash_password_customized(password.as_bytes(), None, None, params, &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
        }
        Scheme::Bcrypt { cost } => Ok(bcrypt(password.as_bytes(), cost, *salt)),
        Scheme::Sha256 | Scheme::Plain => Ok(hash_fast(scheme, password).unwrap_or_default()),
    }
}

/// Whether `password` matches what is stored (read back from its string form).
pub fn verify(scheme: Scheme, stored: &str, password: &str) -> Result<bool, String> {
    match scheme {
        Scheme::Argon2id { .. } => {
            let h = PasswordHash::new(stored).map_err(|e| e.to_string())?;
            Ok(argon2::Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
        }
        Scheme::Scrypt { .. } => {
            let h = PasswordHash::new(stored).map_err(|e| e.to_string())?;
            Ok(scrypt::Scrypt.verify_password(password.as_bytes(), &h).is_ok())
        }
        Scheme::Bcrypt { .. } => {
            let parts: Vec<&str> = stored.split('$').collect();
            let ["", "2b" | "2a" | "2y", cost, rest] = parts.as_slice() else { return Err("not a bcrypt string ($2b$cost$salthash)".into()) };
            let cost: u32 = cost.parse().map_err(|_| "the bcrypt cost is not a number".to_string())?;
            if rest.len() != 53 || !(4..=31).contains(&cost) {
                return Err("a bcrypt string has a cost of 4 to 31 and 53 characters of salt and hash".into());
            }
            let salt: [u8; 16] = bcrypt_b64_decode(&rest[..22]).and_then(|s| s.get(..16).and_then(|s| s.try_into().ok())).ok_or("the bcrypt salt is not bcrypt's base64")?;
            // The 31 characters after the salt are the hash (the salt's last character may carry
            // unused bits, so only the hash is compared).
            let computed = bcrypt(password.as_bytes(), cost, salt);
            Ok(computed[computed.len() - 31..] == rest[22..])
        }
        Scheme::Sha256 | Scheme::Plain => Ok(hash(scheme, password, &[0; 16])? == stored),
    }
}

/// Password strengths for the offline attack: a name, and the number of guesses that cover it.
pub const STRENGTHS: [(&str, f64); 5] = [
    ("one of the 10,000 most common passwords", 1e4),
    ("6 lower-case letters", 308_915_776.0),                 // 26^6
    ("8 characters, letters and digits", 218_340_105_584_896.0), // 62^8
    ("4 random words from a 7,776-word list", 3_656_158_440_062_976.0), // 7776^4
    ("12 random characters, letters and digits", 3.226_266_762_397_9e21), // 62^12
];

/// How long, on average, finding one password of a strength takes at `per_second` guesses a
/// second (half the space; for an unsalted hash, one pass cracks every user at once).
pub fn attack_seconds(space: f64, per_second: f64) -> f64 {
    if per_second <= 0.0 {
        return f64::INFINITY;
    }
    space / 2.0 / per_second
}

/// A duration in words: `3 s`, `5 h`, `12 years`, `4.2 million years`.
pub fn duration_text(secs: f64) -> String {
    const YEAR: f64 = 365.25 * 86_400.0;
    if !secs.is_finite() {
        return "forever".into();
    }
    match secs {
        s if s < 1.0 => "under a second".into(),
        s if s < 120.0 => format!("{} s", s.round()),
        s if s < 7200.0 => format!("{} min", (s / 60.0).round()),
        s if s < 172_800.0 => format!("{} h", (s / 3600.0).round()),
        s if s < 2.0 * YEAR => format!("{} days", (s / 86_400.0).round()),
        s if s < 1e6 * YEAR => format!("{} years", (s / YEAR).round()),
        s if s < 1e9 * YEAR => format!("{:.1} million years", s / YEAR / 1e6),
        s => format!("{:.1e} years", s / YEAR),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SALT: [u8; 16] = *b"0123456789abcdef";

    #[test]
    fn each_scheme_round_trips_and_refuses_a_wrong_password() {
        for scheme in [Scheme::Argon2id { m_kib: 64, t: 1, p: 1 }, Scheme::Bcrypt { cost: 4 }, Scheme::Scrypt { log_n: 4, r: 8, p: 1 }, Scheme::Sha256, Scheme::Plain] {
            let h = hash(scheme, "correct horse", &SALT).unwrap();
            assert!(verify(scheme, &h, "correct horse").unwrap(), "{scheme:?} {h}");
            assert!(!verify(scheme, &h, "battery staple").unwrap(), "{scheme:?} {h}");
        }
    }

    #[test]
    fn the_standard_forms() {
        let a = hash(Scheme::Argon2id { m_kib: 64, t: 1, p: 1 }, "pw", &SALT).unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=64,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$"), "{a}");
        let s = hash(Scheme::Scrypt { log_n: 4, r: 8, p: 1 }, "pw", &SALT).unwrap();
        assert!(s.starts_with("$scrypt$ln=4,r=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg$"), "{s}");
        let b = hash(Scheme::Bcrypt { cost: 4 }, "pw", &SALT).unwrap();
        assert!(b.starts_with("$2b$04$") && b.len() == 60, "{b}");
        assert_eq!(hash(Scheme::Sha256, "abc", &SALT).unwrap(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        // bcrypt's base64 reads back.
        assert_eq!(bcrypt_b64_decode(&bcrypt_b64(&SALT)).unwrap()[..16], SALT);
    }

    #[test]
    fn bcrypt_matches_a_published_hash() {
        // OpenBSD's test vector (also in the bcrypt crate's tests): "U*U" with this salt, cost 5.
        let stored = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";
        assert!(verify(Scheme::Bcrypt { cost: 5 }, stored, "U*U").unwrap());
        assert!(!verify(Scheme::Bcrypt { cost: 5 }, stored, "U*V").unwrap());
    }

    #[test]
    fn limits_are_refused_before_any_work() {
        assert!(hash(Scheme::Argon2id { m_kib: 1 << 20, t: 1, p: 1 }, "pw", &SALT).is_err());
        assert!(hash(Scheme::Bcrypt { cost: 20 }, "pw", &SALT).is_err());
        assert!(hash(Scheme::Scrypt { log_n: 22, r: 8, p: 1 }, "pw", &SALT).is_err());
        assert!(verify(Scheme::Bcrypt { cost: 5 }, "$2b$05$short", "pw").is_err());
    }

    #[test]
    fn schemes_read_back_and_salts_are_found() {
        for scheme in Scheme::RECOMMENDED {
            assert_eq!(Scheme::parse(&scheme.text()), Ok(scheme));
        }
        assert_eq!(Scheme::parse("argon2id m=64"), Ok(Scheme::Argon2id { m_kib: 64, t: 2, p: 1 }));
        assert!(Scheme::parse("bcrypt cost=3").unwrap_err().contains("cost 4 to 16"));
        assert!(Scheme::parse("md5").unwrap_err().contains("not a scheme"));
        assert!(Scheme::parse("sha256 n=1").unwrap_err().contains("no parameters"));
        assert!(Scheme::parse("scrypt ln=x").unwrap_err().contains("not a whole number"));
        assert!(Scheme::parse("").is_err());
        for scheme in [Scheme::Argon2id { m_kib: 64, t: 1, p: 1 }, Scheme::Bcrypt { cost: 4 }, Scheme::Scrypt { log_n: 4, r: 8, p: 1 }] {
            let h = hash(scheme, "pw", &SALT).unwrap();
            assert_eq!(salt_of(scheme, &h), Some(SALT), "{h}");
        }
        assert_eq!(salt_of(Scheme::Sha256, "ab"), None);
        assert_eq!(salt_of(Scheme::Bcrypt { cost: 4 }, "$2b$04$"), None);
    }

    #[test]
    fn attack_times() {
        assert_eq!(duration_text(attack_seconds(1e4, 1e4)), "under a second");
        assert_eq!(duration_text(attack_seconds(308_915_776.0, 10.0)), "179 days");
        assert_eq!(duration_text(attack_seconds(3.2e21, 1e9)), "50701 years");
    }
}
