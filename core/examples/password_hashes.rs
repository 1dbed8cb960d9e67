//! Prints password hashes the cookies lab's core makes, as JSON lines, for the independent
//! check in `tests/password_interop.py` (argon2-cffi, bcrypt and Python's hashlib): random
//! passwords (empty, non-ASCII, past bcrypt's 72 bytes) with random salts and parameters, and
//! one hash of each scheme at the parameters the lab recommends.
//! Usage: cargo run --release -p wirelab-core --example password_hashes [count]

use wirelab_core::cookies::passwords::{hash, Scheme};
use wirelab_core::rng::SplitMix64;

fn main() {
    let count: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(60);
    let mut rng = SplitMix64::new(6265);
    let alphabet: Vec<char> = "abcXYZ019 !$;:\"'\\é€😀\t".chars().collect();
    let mut cases = Vec::new();
    for i in 0..count {
        let len = match i % 5 {
            0 => 0,
            1 => 80 + (rng.next_u32() % 20) as usize,
            _ => (rng.next_u32() % 24) as usize,
        };
        let password: String = (0..len).map(|_| alphabet[(rng.next_u32() as usize) % alphabet.len()]).collect();
        let mut salt = [0u8; 16];
        for b in salt.iter_mut() {
            *b = rng.next_u32() as u8;
        }
        let scheme = match i % 4 {
            0 => Scheme::Argon2id { m_kib: 8 * (1 + rng.next_u32() % 32), t: 1 + rng.next_u32() % 3, p: 1 },
            1 => Scheme::Bcrypt { cost: 4 + rng.next_u32() % 3 },
            2 => Scheme::Scrypt { log_n: 2 + (rng.next_u32() % 7) as u8, r: 1 + rng.next_u32() % 8, p: 1 + rng.next_u32() % 2 },
            _ => Scheme::Sha256,
        };
        cases.push((scheme, password, salt));
    }
    for scheme in [Scheme::Argon2id { m_kib: 19_456, t: 2, p: 1 }, Scheme::Bcrypt { cost: 10 }, Scheme::Scrypt { log_n: 17, r: 8, p: 1 }] {
        cases.push((scheme, "correct horse battery staple".into(), *b"wirelab-salt-016"));
    }
    for (scheme, password, salt) in cases {
        let encoded = hash(scheme, &password, &salt).expect("the parameters are within the limits");
        let kind = match scheme {
            Scheme::Argon2id { .. } => "argon2id",
            Scheme::Bcrypt { .. } => "bcrypt",
            Scheme::Scrypt { .. } => "scrypt",
            Scheme::Sha256 => "sha256",
            Scheme::Plain => "plain",
        };
        let salt_hex: String = salt.iter().map(|b| format!("{b:02x}")).collect();
        println!("{}", serde_json::json!({ "scheme": kind, "password": password, "salt": salt_hex, "encoded": encoded }));
    }
}
