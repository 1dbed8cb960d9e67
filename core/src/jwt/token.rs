//! Finding a token in whatever was pasted, splitting it, and decoding its parts, with the exact
//! reason and position of the first problem (RFC 7515 section 7.1, RFC 7519 section 7.2).

use super::alg::Alg;
use crate::base64url::{self, DecodeError};
use serde_json::Value;
use std::fmt;

/// The most text the decoder looks at; a longer paste is refused with its size.
pub const INPUT_MAX: usize = 256 * 1024;

/// Where a token was found in the pasted text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The token, with any whitespace inside it removed.
    pub token: String,
    /// How it was found, when not pasted bare: "after “Bearer”", "in the URL's id_token".
    pub context: Option<String>,
}

/// Why a paste did not decode; `Display` is the message the page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    Empty,
    TooLong { length: usize },
    /// Nothing in the text looks like a token (no `eyJ…`).
    NotFound,
    /// A token has three parts (JWS) or five (JWE), separated by dots.
    PartCount { found: usize },
    /// A part is not base64url: `part` is 1-based (header, payload, signature).
    Base64 { part: usize, error: DecodeError },
    /// The header's bytes are not UTF-8 JSON; line and column are 1-based.
    HeaderNotJson { line: usize, column: usize, message: String },
    HeaderNotObject,
    MissingAlg,
    AlgNotString,
}

fn part_name(part: usize) -> &'static str {
    match part {
        1 => "header",
        2 => "payload",
        3 => "signature",
        _ => "part",
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenError::Empty => write!(f, "Paste a token: three base64url parts separated by dots (header.payload.signature)."),
            TokenError::TooLong { length } => write!(f, "The text is {length} characters; at most {INPUT_MAX} are read. A token is rarely more than a few kilobytes."),
            TokenError::NotFound => write!(f, "No token found: a JWT starts with “eyJ” (the base64url of {{\"), then has three parts separated by dots."),
            TokenError::PartCount { found } => write!(
                f,
                "A token has 3 parts separated by dots (a signed JWT) or 5 (an encrypted JWE); this one has {found}{}.",
                if *found == 2 { ": the signature part is missing (a token with alg none still ends with a dot)" } else { "" }
            ),
            TokenError::Base64 { part, error } => match error {
                DecodeError::InvalidCharacter { position, character } => write!(
                    f,
                    "Part {part} ({}) is not base64url: {character:?} at character {} is not allowed (base64url uses A–Z, a–z, 0–9, '-' and '_', without '=' padding{}).",
                    part_name(*part),
                    position + 1,
                    if matches!(character, '+' | '/' | '=') { "; this looks like standard base64" } else { "" }
                ),
                DecodeError::InvalidLength { length } => write!(f, "Part {part} ({}) has {length} characters, a length no bytes encode to in base64url (4n+1): a character is missing or extra.", part_name(*part)),
                DecodeError::TrailingBits { position } => write!(f, "Part {part} ({}) ends with character {} carrying bits that no encoder sets: the part was cut or altered.", part_name(*part), position + 1),
            },
            TokenError::HeaderNotJson { line, column, message } => write!(f, "The header is not JSON (line {line}, column {column}: {message})."),
            TokenError::HeaderNotObject => write!(f, "The header must be a JSON object, like {{\"alg\":\"HS256\",\"typ\":\"JWT\"}}."),
            TokenError::MissingAlg => write!(f, "The header has no \"alg\": every JWS header must say how it is signed (RFC 7515 section 4.1.1)."),
            TokenError::AlgNotString => write!(f, "The header's \"alg\" must be a string, like \"RS256\"."),
        }
    }
}

/// A token's payload: JSON claims (a JWT), or other bytes (a JWS may sign anything).
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    Json(Value),
    /// Valid UTF-8, not JSON: with the reason it is not.
    Text { text: String, not_json: String },
    Bytes(Vec<u8>),
}

/// A decoded JWS in compact form.
#[derive(Debug, Clone, PartialEq)]
pub struct Jws {
    /// The three parts as they appear in the token.
    pub parts: [String; 3],
    pub header: Value,
    /// The header's JSON text exactly as encoded.
    pub header_text: String,
    pub payload: Payload,
    pub payload_bytes: Vec<u8>,
    pub signature: Vec<u8>,
    /// The header's `alg` as written, and what it names (if it is one Wirelab knows).
    pub alg_name: String,
    pub alg: Option<Alg>,
}

impl Jws {
    /// What the signature covers: `header.payload` as ASCII (RFC 7515 section 5.1).
    pub fn signing_input(&self) -> String {
        format!("{}.{}", self.parts[0], self.parts[1])
    }
}

/// What a paste decodes to.
#[derive(Debug, Clone, PartialEq)]
pub enum Decoded {
    Jws(Jws),
    /// An encrypted token (five parts): its header is readable, the rest is ciphertext.
    Jwe { header: Value, header_text: String },
}

/// Whether `c` may appear in a compact token.
fn token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'
}

/// Finds the token in pasted text: a bare token (whitespace inside it is ignored), an
/// `Authorization: Bearer` header, or text that contains one (a URL, a JSON response, a log line).
pub fn find(input: &str) -> Result<Found, TokenError> {
    if input.len() > INPUT_MAX {
        return Err(TokenError::TooLong { length: input.len() });
    }
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(TokenError::Empty);
    }
    // `Bearer xxx`, possibly after `Authorization:`.
    let lower = trimmed.to_ascii_lowercase();
    // Everything after it up to a quote or separator is taken as the token, bad characters
    // included, so that decoding can say exactly where it goes wrong.
    if let Some(i) = lower.find("bearer ") {
        let rest: String = trimmed[i + 7..].trim_start().chars().take_while(|c| !matches!(c, '"' | '\'' | ',' | ';' | '<' | '>')).filter(|c| !c.is_whitespace()).collect();
        if rest.contains('.') {
            return Ok(Found { token: rest, context: Some("after “Bearer”".into()) });
        }
    }
    let squeezed: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
    let bare = squeezed.chars().all(token_char) && (squeezed.contains('.') || squeezed.starts_with("eyJ"));
    // A paste that is one token with a stray character in it is still that token.
    let damaged = squeezed.starts_with("eyJ") && squeezed.matches('.').count() >= 2 && !squeezed.contains(['"', '&', '?', '=', ':', '/', '{']);
    if bare || damaged {
        return Ok(Found { token: squeezed, context: None });
    }
    // The first run of token characters that starts like a JSON header and has two dots.
    let chars: Vec<(usize, char)> = trimmed.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        if !token_char(chars[i].1) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && token_char(chars[i].1) {
            i += 1;
        }
        let run = &trimmed[chars[start].0..chars.get(i).map(|c| c.0).unwrap_or(trimmed.len())];
        if run.starts_with("eyJ") && run.matches('.').count() >= 2 {
            let before = &trimmed[..chars[start].0];
            let label = before.rsplit(['?', '&', '#', ' ', '"', '\'', '{', ',']).next().unwrap_or("").trim_end_matches(['=', ':', '"']).trim();
            let context = if label.is_empty() { "inside the text".to_string() } else { format!("as “{label}”") };
            return Ok(Found { token: run.to_string(), context: Some(context) });
        }
    }
    Err(TokenError::NotFound)
}

fn json_object(bytes: &[u8]) -> Result<(Value, String), TokenError> {
    let text = String::from_utf8(bytes.to_vec()).map_err(|e| TokenError::HeaderNotJson { line: 1, column: e.utf8_error().valid_up_to() + 1, message: "not UTF-8 text".into() })?;
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| TokenError::HeaderNotJson { line: e.line(), column: e.column(), message: e.to_string().split(" at line").next().unwrap_or_default().to_string() })?;
    if !value.is_object() {
        return Err(TokenError::HeaderNotObject);
    }
    Ok((value, text))
}

/// Decodes a compact token: three parts (JWS) or five (JWE, header only).
pub fn decode(token: &str) -> Result<Decoded, TokenError> {
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() == 5 {
        let bytes = base64url::decode(parts[0]).map_err(|error| TokenError::Base64 { part: 1, error })?;
        let (header, header_text) = json_object(&bytes)?;
        return Ok(Decoded::Jwe { header, header_text });
    }
    if parts.len() != 3 {
        return Err(TokenError::PartCount { found: parts.len() });
    }
    let mut decoded = Vec::new();
    for (k, p) in parts.iter().enumerate() {
        decoded.push(base64url::decode(p).map_err(|error| TokenError::Base64 { part: k + 1, error })?);
    }
    let (header, header_text) = json_object(&decoded[0])?;
    let alg_name = match header.get("alg") {
        None => return Err(TokenError::MissingAlg),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(TokenError::AlgNotString),
    };
    let payload = match String::from_utf8(decoded[1].clone()) {
        Ok(text) => match serde_json::from_str::<Value>(&text) {
            Ok(v) => Payload::Json(v),
            Err(e) => Payload::Text { text, not_json: format!("line {}, column {}: {}", e.line(), e.column(), e.to_string().split(" at line").next().unwrap_or_default()) },
        },
        Err(_) => Payload::Bytes(decoded[1].clone()),
    };
    Ok(Decoded::Jws(Jws {
        parts: [parts[0].to_string(), parts[1].to_string(), parts[2].to_string()],
        header,
        header_text,
        payload,
        payload_bytes: decoded[1].clone(),
        signature: decoded[2].clone(),
        alg: Alg::from_name(&alg_name),
        alg_name,
    }))
}

/// Builds a compact JWS from its header and payload JSON text and its signature.
pub fn compact(header_json: &str, payload: &[u8], signature: &[u8]) -> String {
    format!("{}.{}.{}", base64url::encode(header_json.as_bytes()), base64url::encode(payload), base64url::encode(signature))
}

#[cfg(test)]
mod tests {
    use super::*;

    const A1: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    #[test]
    fn finds_the_token_wherever_it_was_pasted() {
        assert_eq!(find(A1).unwrap().context, None);
        let wrapped = format!("{}\n  {}", &A1[..40], &A1[40..]);
        assert_eq!(find(&wrapped).unwrap().token, A1, "whitespace inside is ignored");
        let bare_bearer = find(&format!("Bearer {A1}")).unwrap();
        assert_eq!(bare_bearer.token, A1);
        let bearer = find(&format!("Authorization: Bearer {A1}")).unwrap();
        assert_eq!((bearer.token.as_str(), bearer.context.as_deref()), (A1, Some("after “Bearer”")));
        let url = find(&format!("https://app.example/cb#id_token={A1}&state=xyz")).unwrap();
        assert_eq!((url.token.as_str(), url.context.as_deref()), (A1, Some("as “id_token”")));
        let json = find(&format!("{{\"access_token\": \"{A1}\", \"token_type\": \"Bearer\"}}")).unwrap();
        assert_eq!(json.token, A1);
        // A stray character stays in the token, for decode to point at.
        let damaged = format!("{}+{}", &A1[..60], &A1[61..]);
        assert_eq!(find(&damaged).unwrap().token, damaged);
        assert_eq!(find(&format!("Bearer {damaged}")).unwrap().token, damaged);
        assert_eq!(find("   "), Err(TokenError::Empty));
        assert_eq!(find("hello world"), Err(TokenError::NotFound));
        assert!(matches!(find(&"a".repeat(INPUT_MAX + 1)), Err(TokenError::TooLong { .. })));
    }

    #[test]
    fn decodes_rfc7515_a1_exactly() {
        let Decoded::Jws(jws) = decode(A1).unwrap() else { panic!() };
        assert_eq!(jws.header_text, "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}");
        assert_eq!(jws.alg, Some(Alg::HS256));
        let Payload::Json(claims) = &jws.payload else { panic!() };
        assert_eq!(claims["exp"], 1300819380);
        assert_eq!(jws.signature.len(), 32);
    }

    #[test]
    fn each_problem_says_where() {
        let [h, p, s] = [A1.split('.').next().unwrap(), A1.split('.').nth(1).unwrap(), A1.split('.').nth(2).unwrap()];
        assert_eq!(decode(&format!("{h}.{p}")), Err(TokenError::PartCount { found: 2 }));
        let bad = format!("{h}.{}+x.{s}", &p[..10]);
        assert_eq!(decode(&bad).unwrap_err().to_string(), "Part 2 (payload) is not base64url: '+' at character 11 is not allowed (base64url uses A–Z, a–z, 0–9, '-' and '_', without '=' padding; this looks like standard base64).");
        let not_json = format!("{}.{p}.{s}", base64url::encode(b"{\"alg\":\"HS256\",\n \"typ\" \"JWT\"}"));
        assert_eq!(decode(&not_json).unwrap_err(), TokenError::HeaderNotJson { line: 2, column: 8, message: "expected `:`".into() });
        let no_alg = format!("{}.{p}.{s}", base64url::encode(b"{\"typ\":\"JWT\"}"));
        assert_eq!(decode(&no_alg), Err(TokenError::MissingAlg));
        let unknown = format!("{}.{p}.{s}", base64url::encode(b"{\"alg\":\"HS257\"}"));
        let Decoded::Jws(jws) = decode(&unknown).unwrap() else { panic!() };
        assert_eq!((jws.alg_name.as_str(), jws.alg), ("HS257", None));
    }

    #[test]
    fn a_jwe_is_recognised_and_its_header_shown() {
        let header = base64url::encode(b"{\"alg\":\"RSA-OAEP\",\"enc\":\"A256GCM\"}");
        let Decoded::Jwe { header, .. } = decode(&format!("{header}.a.b.c.d")).unwrap() else { panic!() };
        assert_eq!(header["enc"], "A256GCM");
    }

    #[test]
    fn the_unsecured_example_has_an_empty_signature() {
        let a5 = "eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.";
        let Decoded::Jws(jws) = decode(a5).unwrap() else { panic!() };
        assert_eq!((jws.alg, jws.signature.len()), (Some(Alg::None), 0));
    }
}
