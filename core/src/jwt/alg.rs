//! The JWS algorithms (RFC 7518 section 3, RFC 8037 for EdDSA): names, families, and the key
//! each one needs.

/// A JWS `alg`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Alg {
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    ES512,
    EdDSA,
    /// No signature (RFC 7515 appendix A.5): only ever accepted by a naive verifier.
    None,
}

/// What kind of key an algorithm signs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Hmac,
    RsaPkcs1,
    RsaPss,
    Ecdsa,
    EdDsa,
    Unsecured,
}

impl Alg {
    pub const ALL: [Alg; 14] = [Alg::HS256, Alg::HS384, Alg::HS512, Alg::RS256, Alg::RS384, Alg::RS512, Alg::PS256, Alg::PS384, Alg::PS512, Alg::ES256, Alg::ES384, Alg::ES512, Alg::EdDSA, Alg::None];

    pub fn name(self) -> &'static str {
        match self {
            Alg::HS256 => "HS256",
            Alg::HS384 => "HS384",
            Alg::HS512 => "HS512",
            Alg::RS256 => "RS256",
            Alg::RS384 => "RS384",
            Alg::RS512 => "RS512",
            Alg::PS256 => "PS256",
            Alg::PS384 => "PS384",
            Alg::PS512 => "PS512",
            Alg::ES256 => "ES256",
            Alg::ES384 => "ES384",
            Alg::ES512 => "ES512",
            Alg::EdDSA => "EdDSA",
            Alg::None => "none",
        }
    }

    /// The algorithm an `alg` value names; names are case-sensitive (RFC 7515 section 4.1.1).
    pub fn from_name(name: &str) -> Option<Alg> {
        Alg::ALL.into_iter().find(|a| a.name() == name)
    }

    pub fn family(self) -> Family {
        match self {
            Alg::HS256 | Alg::HS384 | Alg::HS512 => Family::Hmac,
            Alg::RS256 | Alg::RS384 | Alg::RS512 => Family::RsaPkcs1,
            Alg::PS256 | Alg::PS384 | Alg::PS512 => Family::RsaPss,
            Alg::ES256 | Alg::ES384 | Alg::ES512 => Family::Ecdsa,
            Alg::EdDSA => Family::EdDsa,
            Alg::None => Family::Unsecured,
        }
    }

    /// The hash's output size in bytes (SHA-256, -384 or -512); 0 for EdDSA and none.
    pub fn hash_len(self) -> usize {
        match self {
            Alg::HS256 | Alg::RS256 | Alg::PS256 | Alg::ES256 => 32,
            Alg::HS384 | Alg::RS384 | Alg::PS384 | Alg::ES384 => 48,
            Alg::HS512 | Alg::RS512 | Alg::PS512 | Alg::ES512 => 64,
            Alg::EdDSA | Alg::None => 0,
        }
    }

    /// The usual algorithm for a key: HS256 for a secret, RS256 for RSA, ES256/384/512 for the
    /// NIST curves, EdDSA for Ed25519.
    pub fn for_key(key: &super::keys::Key) -> Alg {
        use super::keys::Key;
        match key {
            Key::Secret(_) => Alg::HS256,
            Key::RsaPrivate(_) | Key::RsaPublic(_) => Alg::RS256,
            Key::P256Private(_) | Key::P256Public(_) => Alg::ES256,
            Key::P384Private(_) | Key::P384Public(_) => Alg::ES384,
            Key::P521Private(_) | Key::P521Public(_) => Alg::ES512,
            Key::Ed25519Private(_) | Key::Ed25519Public(_) => Alg::EdDSA,
        }
    }

    /// The `crv` an ECDSA algorithm requires (RFC 7518 section 3.4).
    pub fn curve(self) -> Option<&'static str> {
        match self {
            Alg::ES256 => Some("P-256"),
            Alg::ES384 => Some("P-384"),
            Alg::ES512 => Some("P-521"),
            Alg::EdDSA => Some("Ed25519"),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_case_sensitive() {
        for a in Alg::ALL {
            assert_eq!(Alg::from_name(a.name()), Some(a));
        }
        assert_eq!(Alg::from_name("hs256"), None);
        assert_eq!(Alg::from_name("None"), None);
        assert_eq!(Alg::for_key(&super::super::keys::Key::Secret(vec![1])), Alg::HS256);
    }
}
