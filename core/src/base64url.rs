//! Base64url without padding (RFC 4648 section 5), as used in permalinks and JWTs, and standard
//! base64 with padding for DNS presentation form. The coding is the `base64` crate's; this
//! module keeps the project's error type, which names the exact position of the first bad
//! character for the person who pasted it.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine;

/// Base64url, no padding written or accepted, and no stray bits in the last character
/// (canonical input only, RFC 4648 section 3.5).
const URL_SAFE_STRICT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_STRICT.encode(bytes)
}

/// Standard base64 with padding (RFC 4648 section 4), as DNS presentation form writes keys and
/// signatures.
pub fn encode_standard(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
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

pub fn decode(text: &str) -> Result<Vec<u8>, DecodeError> {
    // The character a byte offset starts (every byte before the first bad one is ASCII, so
    // the offset is a character boundary), and its position counted in characters.
    let at = |offset: usize| {
        let character = text.get(offset..).and_then(|rest| rest.chars().next()).unwrap_or('\u{fffd}');
        DecodeError::InvalidCharacter { position: text.get(..offset).map_or(offset, |t| t.chars().count()), character }
    };
    URL_SAFE_STRICT.decode(text).map_err(|e| match e {
        base64::DecodeError::InvalidByte(offset, _) => at(offset),
        // Padding is not part of base64url as links and JWTs use it: the first '=' is the
        // bad character.
        base64::DecodeError::InvalidPadding => at(text.find('=').unwrap_or(0)),
        base64::DecodeError::InvalidLength(_) => DecodeError::InvalidLength { length: text.len() },
        base64::DecodeError::InvalidLastSymbol(offset, _) => DecodeError::TrailingBits { position: offset },
    })
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
        assert_eq!(decode("Zh"), Err(DecodeError::TrailingBits { position: 1 }));
        // Every bad character is found before the length is judged, wherever it is.
        assert_eq!(decode("Zm9vY*"), Err(DecodeError::InvalidCharacter { position: 5, character: '*' }));
        assert_eq!(decode("é_Zm9v"), Err(DecodeError::InvalidCharacter { position: 0, character: 'é' }));
        assert_eq!(decode("Zm9vYg=="), Err(DecodeError::InvalidCharacter { position: 6, character: '=' }));
        assert_eq!(decode("Zm9vYg=").unwrap_err().to_string(), "character 7 ('=') is not base64url (A-Z, a-z, 0-9, '-', '_')");
        assert_eq!(DecodeError::InvalidLength { length: 5 }.to_string(), "5 characters cannot be base64url (a length of 4n+1 never is)");
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
