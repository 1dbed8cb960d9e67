//! What the decode panel shows for a paste: the token's parts, the header and payload as
//! indented JSON in their own key order, and each claim with its meaning and, for times, the
//! date in UTC and relative to now.

use super::token::{decode, find, Decoded, Payload};
use crate::civil::{relative, utc};
use serde_json::Value;

/// One row of the claims table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRow {
    pub name: String,
    pub value: String,
    pub meaning: String,
    /// For exp, nbf and iat: the seconds, to be shown as a date (UTC here; the page adds local).
    pub time: Option<i64>,
    pub utc: String,
    pub relative: String,
}

/// Everything the decode panel shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Inspection {
    /// The token's parts, in order (header, payload, signature; five for a JWE).
    pub parts: Vec<String>,
    /// How the token was found, when it was not pasted bare.
    pub context: Option<String>,
    pub header: String,
    pub payload: String,
    pub claims: Vec<ClaimRow>,
    pub jwe: bool,
    /// Why the paste does not decode, if it does not.
    pub error: Option<String>,
}

/// Indents JSON text two spaces a level, keeping its key order and its strings as written.
pub fn pretty(json: &str) -> String {
    let mut out = String::with_capacity(json.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    let chars: Vec<char> = json.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                // An empty object or array stays on one line.
                let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
                if next == Some(&if c == '{' { '}' } else { ']' }) {
                    out.push(c);
                } else {
                    out.push(c);
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                if !matches!(out.chars().last(), Some('{') | Some('[')) {
                    depth = depth.saturating_sub(1);
                    newline(&mut out, depth);
                }
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
        i += 1;
    }
    out
}

fn meaning(name: &str) -> &'static str {
    match name {
        "iss" => "Issuer: who made the token",
        "sub" => "Subject: whom it is about",
        "aud" => "Audience: who may accept it",
        "exp" => "Expiration time: not accepted from then on",
        "nbf" => "Not before: not accepted until then",
        "iat" => "Issued at",
        "jti" => "JWT ID: unique per token",
        _ => "",
    }
}

/// Inspects pasted text at `now` (seconds since 1970).
pub fn inspect(text: &str, now: i64) -> Inspection {
    let found = match find(text) {
        Ok(f) => f,
        Err(e) => return Inspection { error: Some(e.to_string()), ..Inspection::default() },
    };
    let parts: Vec<String> = found.token.split('.').map(String::from).collect();
    let mut out = Inspection { parts, context: found.context.clone(), ..Inspection::default() };
    match decode(&found.token) {
        Ok(Decoded::Jwe { header_text, .. }) => {
            out.jwe = true;
            out.header = pretty(&header_text);
            out.error = Some("An encrypted token (JWE, five parts): its header is shown; the payload is ciphertext, and Wirelab does not decrypt JWEs.".into());
        }
        Ok(Decoded::Jws(jws)) => {
            out.header = pretty(&jws.header_text);
            match &jws.payload {
                Payload::Json(v) => {
                    out.payload = pretty(&String::from_utf8_lossy(&jws.payload_bytes));
                    if let Value::Object(claims) = v {
                        // In the payload's own order: find each key where it first appears.
                        let text = String::from_utf8_lossy(&jws.payload_bytes).to_string();
                        let mut names: Vec<&String> = claims.keys().collect();
                        crate::order::sort_by_key(&mut names, |k| text.find(&format!("\"{k}\"")).unwrap_or(usize::MAX));
                        for name in names {
                            let value = &claims[name];
                            let time = matches!(name.as_str(), "exp" | "nbf" | "iat").then(|| value.as_f64().map(|f| f as i64)).flatten();
                            out.claims.push(ClaimRow {
                                name: name.clone(),
                                value: value.to_string(),
                                meaning: meaning(name).into(),
                                time,
                                utc: time.map(utc).unwrap_or_default(),
                                relative: time.map(|t| relative(t, now)).unwrap_or_default(),
                            });
                        }
                    }
                }
                Payload::Text { text, not_json } => out.payload = format!("{text}\n\n(not JSON: {not_json})"),
                Payload::Bytes(b) => out.payload = format!("({} bytes that are not text)", b.len()),
            }
            if jws.alg.is_none() {
                out.error = Some(format!("The header's alg “{}” is not an algorithm Wirelab knows (names are case-sensitive).", jws.alg_name));
            }
        }
        Err(e) => out.error = Some(e.to_string()),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_keeps_order_and_strings() {
        assert_eq!(pretty("{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}"), "{\n  \"typ\": \"JWT\",\n  \"alg\": \"HS256\"\n}");
        assert_eq!(pretty("{\"a\":[1,{\"b\":\"x, y: {z}\"}],\"e\":{}}"), "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"x, y: {z}\"\n    }\n  ],\n  \"e\": {}\n}");
        assert_eq!(pretty("{\"q\":\"a\\\"b\"}"), "{\n  \"q\": \"a\\\"b\"\n}");
    }

    #[test]
    fn claims_come_in_payload_order_with_times() {
        let a1 = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let i = inspect(&format!("Bearer {a1}"), 1_300_819_380 - 240);
        assert_eq!(i.parts.len(), 3);
        assert_eq!(i.claims.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["iss", "exp", "http://example.com/is_root"]);
        assert_eq!((i.claims[1].utc.as_str(), i.claims[1].relative.as_str()), ("2011-03-22 18:43:00 UTC", "in 4 min"));
        assert_eq!(i.error, None);
        assert!(inspect("nonsense", 0).error.unwrap().starts_with("No token found"));
    }
}
