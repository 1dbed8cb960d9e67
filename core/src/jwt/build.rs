//! Building a token: the header and payload as JSON text (signed exactly as written), quick
//! edits that add a claim, and signing with the secret or private key the person gave.

use super::alg::Alg;
use super::keys::{parse_any, Key};
use super::scenario::{secret_bytes, SecretEncoding};
use super::sign::sign;
use crate::base64url;
use serde_json::Value;

/// Checks that `text` is a JSON object; the error gives the line and column.
pub fn check_object(what: &str, text: &str) -> Result<Value, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("the {what} is not JSON (line {}, column {}: {})", e.line(), e.column(), e.to_string().split(" at line").next().unwrap_or_default()))?;
    if !v.is_object() {
        return Err(format!("the {what} must be a JSON object {{ … }}"));
    }
    Ok(v)
}

/// Sets claim `name` to `value` (JSON text) in an object's text, keeping everything else as
/// written: the value is replaced where the member is, or the member added at the end.
pub fn set_claim(text: &str, name: &str, value: &str) -> Result<String, String> {
    let v = check_object("payload", text)?;
    let key = format!("\"{name}\"");
    if v.get(name).is_some() {
        // The member's value starts after the first `"name"` followed by a colon, and ends at
        // the next top-level comma or closing brace (claims set here are numbers or strings).
        let Some(at) = text.find(&key) else { return Err(format!("{name} is present but could not be located")) };
        let after = &text[at + key.len()..];
        let colon = after.find(':').ok_or("malformed member")? + 1;
        let rest = &after[colon..];
        let mut end = 0;
        let mut in_string = false;
        let mut escaped = false;
        for (i, c) in rest.char_indices() {
            if in_string {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    in_string = false;
                }
            } else if c == '"' {
                in_string = true;
            } else if c == ',' || c == '}' {
                end = i;
                break;
            }
            end = i + c.len_utf8();
        }
        let start = at + key.len() + colon;
        let lead = &rest[..rest.len() - rest.trim_start().len()];
        return Ok(format!("{}{lead}{value}{}", &text[..start], &text[start + end..]));
    }
    let close = text.rfind('}').ok_or("no closing brace")?;
    let empty = v.as_object().is_some_and(|o| o.is_empty());
    let sep = if empty { "" } else { "," };
    let before = text[..close].trim_end();
    let gap = &text[before.len()..close];
    Ok(format!("{before}{sep}\"{name}\":{value}{gap}{}", &text[close..]))
}

/// Signs the header and payload text with `secret_text` (an HMAC secret under `encoding`, or a
/// private key as JWK or PEM) and returns the compact token.
pub fn build(header: &str, payload: &str, secret_text: &str, encoding: SecretEncoding, seed: u64) -> Result<String, String> {
    let h = check_object("header", header)?;
    check_object("payload", payload)?;
    let alg_name = h.get("alg").and_then(Value::as_str).ok_or("the header needs an \"alg\", e.g. \"HS256\" or \"RS256\"")?;
    let alg = Alg::from_name(alg_name).ok_or_else(|| format!("“{alg_name}” is not an algorithm (names are case-sensitive)"))?;
    let input = format!("{}.{}", base64url::encode(header.as_bytes()), base64url::encode(payload.as_bytes()));
    if alg == Alg::None {
        return Err("alg none makes an unsigned token; it appears only in the attack scenarios (see “Attack: alg none”)".into());
    }
    if secret_text.trim().is_empty() {
        return Err(format!("signing with {} needs {} in the secret field", alg.name(), super::sign::needs(alg)));
    }
    let key = if secret_text.trim_start().starts_with(['{', '-']) {
        parse_any(secret_text, h.get("kid").and_then(Value::as_str)).map_err(|e| e.0)?.0
    } else {
        Key::Secret(secret_bytes(secret_text, encoding)?)
    };
    let signature = sign(alg, &key, input.as_bytes(), seed).map_err(|e| e.to_string())?;
    Ok(format!("{input}.{}", base64url::encode(&signature)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::keys::Key;
    use crate::jwt::sign::verify;
    use crate::jwt::token::{decode, Decoded};

    #[test]
    fn claims_are_set_in_place_or_added_at_the_end() {
        assert_eq!(set_claim("{\"sub\":\"a\",\n \"exp\": 5,\n \"x\":1}", "exp", "99").unwrap(), "{\"sub\":\"a\",\n \"exp\": 99,\n \"x\":1}");
        assert_eq!(set_claim("{\"sub\":\"a\"}", "iat", "7").unwrap(), "{\"sub\":\"a\",\"iat\":7}");
        assert_eq!(set_claim("{\n  \"sub\": \"a\"\n}", "jti", "\"q\"").unwrap(), "{\n  \"sub\": \"a\",\"jti\":\"q\"\n}");
        assert_eq!(set_claim("{}", "exp", "1").unwrap(), "{\"exp\":1}");
        assert_eq!(set_claim("{\"jti\":\"a,}b\",\"z\":0}", "jti", "\"c\"").unwrap(), "{\"jti\":\"c\",\"z\":0}");
        assert!(set_claim("[1]", "exp", "1").unwrap_err().contains("object"));
    }

    #[test]
    fn a_built_token_verifies_with_the_same_key_and_says_what_is_missing() {
        let t = build("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"sub\":\"x\"}", "c2VjcmV0", SecretEncoding::Base64, 0).unwrap();
        let Decoded::Jws(j) = decode(&t).unwrap() else { panic!() };
        assert_eq!(verify(Alg::HS256, &Key::Secret(b"secret".to_vec()), j.signing_input().as_bytes(), &j.signature), Ok(()));
        assert!(build("{\"typ\":\"JWT\"}", "{}", "k", SecretEncoding::Utf8, 0).unwrap_err().contains("needs an \"alg\""));
        assert!(build("{\"alg\":\"RS256\"}", "{}", "", SecretEncoding::Utf8, 0).unwrap_err().contains("an RSA key"));
        assert!(build("{\"alg\":\"RS256\"}", "{}", "plain secret", SecretEncoding::Utf8, 0).unwrap_err().contains("RS256 needs an RSA key"));
        assert!(build("{\"alg\":\"HS256\"", "{}", "k", SecretEncoding::Utf8, 0).unwrap_err().starts_with("the header is not JSON (line 1"));
        assert!(build("{\"alg\":\"none\"}", "{}", "", SecretEncoding::Utf8, 0).unwrap_err().contains("only in the attack scenarios"));
    }
}
