//! Base64url without padding (RFC 4648 section 5), as used in permalinks and later in JWTs.
//! Decoding reports the exact position of the first bad character.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// Standard base64 with padding (RFC 4648 section 4), as DNS presentation form writes keys and
/// signatures.
pub fn encode_standard(bytes: &[u8]) -> String {
    let mut out: String = encode(bytes).chars().map(|c| match c {
        '-' => '+',
        '_' => '/',
        c => c,
    }).collect();
    while !out.len().is_multiple_of(4) {
        out.push('=');
    }
    out
}

/// Why a base64url string did not decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The character at this 0-based position is not in the base64url alphabet.
    InvalidCharacter { position: usize, character: char },
    /// A length of 4n+1 characters cannot come from any bytes.
    InvalidLength { length: usize },
    /// The last character has bits set that no encoder would set (non-canonical input).
    TrailingBits { position: usize },
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::InvalidCharacter { position, character } => write!(
                f,
                "character {} ({character:?}) is not base64url (A-Z, a-z, 0-9, '-', '_')",
                position + 1
            ),
            DecodeError::InvalidLength { length } => {
                write!(f, "{length} characters cannot be base64url (a length of 4n+1 never is)")
            }
            DecodeError::TrailingBits { position } => {
                write!(f, "character {} has leftover bits set: the text was cut or altered", position + 1)
            }
        }
    }
}

fn value(c: u8) -> Option<u32> {
    match c {
        b'A'..=b'Z' => Some((c - b'A') as u32),
        b'a'..=b'z' => Some((c - b'a' + 26) as u32),
        b'0'..=b'9' => Some((c - b'0' + 52) as u32),
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
    }
}

pub fn decode(text: &str) -> Result<Vec<u8>, DecodeError> {
    let raw = text.as_bytes();
    for (position, ch) in text.char_indices() {
        if !ch.is_ascii() || value(ch as u8).is_none() {
            let position = text[..position].chars().count();
            return Err(DecodeError::InvalidCharacter { position, character: ch });
        }
    }
    if raw.len() % 4 == 1 {
        return Err(DecodeError::InvalidLength { length: raw.len() });
    }
    let mut out = Vec::with_capacity(raw.len() * 3 / 4);
    for chunk in raw.chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            // Checked above: every byte is in the alphabet.
            n |= value(*c).unwrap_or(0) << (18 - 6 * i);
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        let keep = chunk.len() - 1;
        out.extend_from_slice(&bytes[..keep]);
        let unused_bits = n & ((1 << (8 * (3 - keep))) - 1);
        if keep < 3 && unused_bits != 0 {
            // Only the last chunk can be partial, and every character is ASCII by now.
            return Err(DecodeError::TrailingBits { position: text.len() - 1 });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_alphabet_with_padding_rfc4648_vectors() {
        for (input, expected) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")] {
            assert_eq!(encode_standard(input.as_bytes()), expected);
        }
        assert_eq!(encode_standard(&[0xfb, 0xff]), "+/8=");
    }
    use proptest::prelude::*;

    #[test]
    fn rfc4648_vectors_without_padding() {
        // RFC 4648 section 10, padding removed as section 5 allows.
        for (plain, coded) in [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy")] {
            assert_eq!(encode(plain.as_bytes()), coded);
            assert_eq!(decode(coded).unwrap(), plain.as_bytes());
        }
        assert_eq!(encode(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn reports_position_of_bad_character() {
        assert_eq!(decode("Zm9v*mFy"), Err(DecodeError::InvalidCharacter { position: 4, character: '*' }));
        assert_eq!(decode("Zm9v+"), Err(DecodeError::InvalidCharacter { position: 4, character: '+' }));
        assert_eq!(decode("Zm9vY"), Err(DecodeError::InvalidLength { length: 5 }));
        assert!(matches!(decode("Zh"), Err(DecodeError::TrailingBits { .. })));
    }

    proptest! {
        #[test]
        fn round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            prop_assert_eq!(decode(&encode(&bytes)).unwrap(), bytes);
        }

        #[test]
        fn never_panics(text in ".{0,200}") {
            let _ = decode(&text);
        }
    }
}
