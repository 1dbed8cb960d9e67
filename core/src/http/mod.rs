//! HTTP/1.1 messages as bytes (RFC 9112), with a field for each part and its byte range: the
//! start line, each header line, and each parameter of a query string, a `Location` URL or an
//! `application/x-www-form-urlencoded` body, decoded. Labs whose steps are HTTP exchanges
//! (OAuth, and the HTTP, caching and cookie labs to come) build their messages here, so every
//! message a trace shows is one a server would parse.

use crate::trace::{ByteRange, Field};

pub mod cors;
pub mod journey;
pub mod methods;
pub mod run;
pub mod wire;
pub mod scenario;
pub mod status;
pub mod waterfall;

/// The reason phrase RFC 9110 gives a status code (empty for one it does not name).
pub fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        410 => "Gone",
        412 => "Precondition Failed",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// Reads a text one item a line: blank lines are skipped (and, with `comments`, lines starting
/// with `#`); `read` gets each line, trimmed, and its number from 1, and each problem is named by
/// its line. More than `max` items is a problem too; `empty`, when given, is the problem of none.
pub fn read_lines<T>(text: &str, comments: bool, max: (usize, &str), empty: Option<&str>, mut read: impl FnMut(&str, usize, usize) -> Result<T, String>) -> Result<Vec<T>, Vec<String>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || (comments && line.starts_with('#')) {
            continue;
        }
        match read(line, i + 1, out.len()) {
            Ok(item) => out.push(item),
            Err(e) => problems.push(format!("line {}: {e}", i + 1)),
        }
    }
    if out.len() > max.0 {
        problems.push(format!("at most {} {}", max.0, max.1));
    }
    if let Some(empty) = empty.filter(|_| out.is_empty() && problems.is_empty()) {
        problems.push(empty.to_string());
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// One `Name: value` line as a person types it (RFC 9110 section 5: a token, a colon, and a
/// value of visible characters, spaces and tabs), trimmed.
pub fn field_line(line: &str) -> Result<(String, String), String> {
    let shown = |t: &str| crate::export::visible(&t.chars().take(40).collect::<String>());
    let Some((name, value)) = line.split_once(':') else {
        return Err(format!("“{}” has no colon: write Name: value", shown(line)));
    };
    let name = name.trim();
    if !cors::is_token(name) {
        return Err(format!("“{}” is not a field name", shown(name)));
    }
    let value = value.trim();
    if let Some(c) = value.chars().find(|c| c.is_control() && *c != '\t') {
        return Err(format!("{name}: a field value cannot hold {}", shown(&c.to_string())));
    }
    Ok((name.to_string(), value.to_string()))
}

/// `application/x-www-form-urlencoded`.
pub const FORM: &str = "application/x-www-form-urlencoded";

/// An HTTP/1.1 request or response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// `GET /path HTTP/1.1` or `HTTP/1.1 302 Found`.
    pub start: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Message {
    pub fn request(method: &str, target: &str) -> Message {
        Message { start: format!("{method} {target} HTTP/1.1"), headers: Vec::new(), body: Vec::new() }
    }

    pub fn response(status: u16, reason: &str) -> Message {
        Message { start: format!("HTTP/1.1 {status} {reason}"), headers: Vec::new(), body: Vec::new() }
    }

    pub fn header(mut self, name: &str, value: &str) -> Message {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// A body, with its Content-Type and Content-Length headers.
    pub fn body(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Message {
        self.body = body.into();
        let length = self.body.len().to_string();
        self.header("Content-Type", content_type).header("Content-Length", &length)
    }

    /// A body in the chunked transfer coding, `size` bytes a chunk (RFC 9112 section 7.1).
    pub fn chunked(mut self, content_type: &str, content: &[u8], size: usize) -> Message {
        self.body = wire::chunk(content, size);
        self.header("Content-Type", content_type).header("Transfer-Encoding", "chunked")
    }

    /// Whether the body is in the chunked transfer coding.
    pub fn is_chunked(&self) -> bool {
        self.header_value("Transfer-Encoding").is_some_and(|v| v.rsplit(',').next().is_some_and(|c| c.trim().eq_ignore_ascii_case("chunked")))
    }

    /// A form body: each pair encoded as `application/x-www-form-urlencoded`.
    pub fn form(self, pairs: &[(&str, &str)]) -> Message {
        let body = encode_form(pairs);
        self.body(FORM, body)
    }

    /// The value of the first header called `name` (any case).
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The request's method and target, when this is a request.
    pub fn target(&self) -> Option<&str> {
        let mut parts = self.start.split(' ');
        let method = parts.next()?;
        (!method.starts_with("HTTP/")).then(|| parts.next()).flatten()
    }

    /// The response's status code, when this is a response.
    pub fn status(&self) -> Option<u16> {
        self.start.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
    }

    /// The message's bytes, and a field for each part with its byte range.
    pub fn encode(&self) -> (Vec<u8>, Vec<Field>) {
        let mut out = Vec::new();
        let mut fields = Vec::new();
        let line_field = |name: &str, value: &str, at: usize| Field {
            name: name.to_string(),
            value: shorten(value),
            bytes: Some(ByteRange::new(at, at + value.len())),
            note: String::new(),
            points_to: None,
        };
        fields.push(line_field(if self.status().is_some() { "Status line" } else { "Request line" }, &self.start, 0));
        out.extend_from_slice(self.start.as_bytes());
        // The query string of a request's target, one field per parameter.
        if let Some(target) = self.target() {
            if let Some(q) = target.find('?') {
                let offset = self.start.find(target).unwrap_or(0) + q + 1;
                fields.extend(query_fields(&target[q + 1..], offset, "  "));
            }
        }
        out.extend_from_slice(b"\r\n");
        for (name, value) in &self.headers {
            let at = out.len();
            let line = format!("{name}: {value}");
            fields.push(line_field(name, &line, at));
            if name.eq_ignore_ascii_case("Location") {
                if let Some(q) = value.find('?') {
                    let query = value[q + 1..].split('#').next().unwrap_or("");
                    fields.extend(query_fields(query, at + name.len() + 2 + q + 1, "  "));
                }
                if let Some(h) = value.find('#') {
                    fields.extend(query_fields(&value[h + 1..], at + name.len() + 2 + h + 1, "  # "));
                }
            }
            if name.eq_ignore_ascii_case("Authorization") {
                if let Some(decoded) = value.strip_prefix("Basic ").and_then(basic_credentials) {
                    fields.push(Field { name: "  Basic credentials".into(), value: shorten(&format!("{}:{}", decoded.0, decoded.1)), bytes: Some(ByteRange::new(at + name.len() + 2 + 6, at + line.len())), note: "user-id:password in base64 (RFC 7617); an OAuth client form-encodes each part first (RFC 6749 section 2.3.1)".into(), points_to: None });
                }
            }
            out.extend_from_slice(line.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
        if !self.body.is_empty() {
            let at = out.len();
            let text = String::from_utf8_lossy(&self.body);
            fields.push(Field { name: "Body".into(), value: shorten(&text), bytes: Some(ByteRange::new(at, at + self.body.len())), note: String::new(), points_to: None });
            if self.header_value("Content-Type") == Some(FORM) {
                fields.extend(query_fields(&text, at, "  "));
            }
            out.extend_from_slice(&self.body);
        }
        (out, fields)
    }

    pub fn bytes(&self) -> Vec<u8> {
        self.encode().0
    }

    /// As [`Message::encode`], with a chunked body's chunks as fields (each size line and its
    /// data). Apart, so that pages whose messages are never chunked do not carry the reader.
    pub fn encode_chunks(&self) -> (Vec<u8>, Vec<Field>) {
        let (out, mut fields) = self.encode();
        if self.is_chunked() {
            let at = out.len() - self.body.len();
            if let Ok((chunks, content, _, used)) = wire::dechunk(&self.body, at) {
                fields.retain(|f| f.name != "Body");
                for (i, c) in chunks.iter().enumerate() {
                    fields.push(Field { name: format!("Chunk {} size", i + 1), value: format!("{:x} (hex) = {} bytes", c.size, c.size), bytes: Some(ByteRange::new(c.line.0, c.line.1)), note: String::new(), points_to: None });
                    fields.push(Field { name: format!("Chunk {} data", i + 1), value: shorten(&String::from_utf8_lossy(&self.body[c.data.0 - at..c.data.1 - at])), bytes: Some(ByteRange::new(c.data.0, c.data.1)), note: String::new(), points_to: None });
                }
                fields.push(Field { name: "Last chunk".into(), value: format!("0: the end, {} bytes in all", content.len()), bytes: Some(ByteRange::new(at + used.saturating_sub(5), at + used)), note: "no trailer fields".into(), points_to: None });
            }
        }
        (out, fields)
    }
}

fn shorten(text: &str) -> String {
    const MAX: usize = 120;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        text.chars().take(MAX).collect::<String>() + "…"
    }
}

/// One field per `name=value` pair of a query string or form body, decoded, with the byte range
/// of its encoded form (starting at `offset`).
fn query_fields(query: &str, offset: usize, indent: &str) -> Vec<Field> {
    let mut fields = Vec::new();
    let mut at = offset;
    for part in query.split('&') {
        if !part.is_empty() {
            let (name, value) = decode_pair(part);
            let note = if part.as_bytes().iter().any(|b| matches!(b, b'%' | b'+')) { format!("encoded: {}", shorten(part)) } else { String::new() };
            fields.push(Field { name: format!("{indent}{name}"), value: shorten(&value), bytes: Some(ByteRange::new(at, at + part.len())), note, points_to: None });
        }
        at += part.len() + 1;
    }
    fields
}

fn decode_pair(part: &str) -> (String, String) {
    form_urlencoded::parse(part.as_bytes()).next().map(|(n, v)| (n.into_owned(), v.into_owned())).unwrap_or_default()
}

/// `application/x-www-form-urlencoded` of `pairs` (the URL Standard's serializer, as browsers
/// send forms: a space becomes `+`, every byte outside `*-._` and ASCII letters and digits is
/// percent-encoded).
pub fn encode_form(pairs: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (n, v) in pairs {
        s.append_pair(n, v);
    }
    s.finish()
}

/// The pairs of a query string or form body, decoded (never fails: bad escapes stay as they are,
/// as the URL Standard's parser leaves them).
pub fn decode_form(text: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(text.as_bytes()).map(|(n, v)| (n.into_owned(), v.into_owned())).collect()
}

/// The value of parameter `name` in a query string or form body.
pub fn form_value(text: &str, name: &str) -> Option<String> {
    decode_form(text).into_iter().find(|(n, _)| n == name).map(|(_, v)| v)
}

/// `url?pairs`, or `url&pairs` when `url` already has a query.
pub fn with_query(url: &str, pairs: &[(&str, &str)]) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{}", encode_form(pairs))
}

/// The `Authorization: Basic` value for client authentication (RFC 6749 section 2.3.1: the id
/// and secret are each form-encoded first, then joined with `:` and base64-encoded).
pub fn basic(user: &str, password: &str) -> String {
    use base64::Engine;
    let user: String = form_urlencoded::byte_serialize(user.as_bytes()).collect();
    let password: String = form_urlencoded::byte_serialize(password.as_bytes()).collect();
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")))
}

/// The id and secret of an `Authorization: Basic` value's credentials, decoded.
pub fn basic_credentials(encoded: &str) -> Option<(String, String)> {
    use base64::Engine;
    let raw = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (user, password) = text.split_once(':')?;
    let plus = |s: &str| form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default();
    Some((plus(user), plus(password)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_post_has_its_parameters_decoded_with_their_bytes() {
        let m = Message::request("POST", "/token").header("Host", "as.example.com").form(&[("grant_type", "authorization_code"), ("redirect_uri", "https://app.example.com/cb?x=1 2")]);
        let (bytes, fields) = m.encode();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with("POST /token HTTP/1.1\r\nHost: as.example.com\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 87\r\n\r\n"), "{text}");
        assert!(text.ends_with("grant_type=authorization_code&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb%3Fx%3D1+2"));
        let f = fields.iter().find(|f| f.name == "  redirect_uri").unwrap();
        assert_eq!(f.value, "https://app.example.com/cb?x=1 2");
        let r = f.bytes.unwrap();
        assert_eq!(&text[r.start..r.end], "redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb%3Fx%3D1+2");
        assert_eq!(m.header_value("content-length"), Some("87"));
    }

    #[test]
    fn a_location_header_shows_its_query_and_fragment() {
        let m = Message::response(302, "Found").header("Location", "https://app.example.com/cb?code=abc&state=x%2Fy#access_token=t");
        let (bytes, fields) = m.encode();
        let text = String::from_utf8(bytes).unwrap();
        for (name, value, raw) in [("  code", "abc", "code=abc"), ("  state", "x/y", "state=x%2Fy"), ("  # access_token", "t", "access_token=t")] {
            let f = fields.iter().find(|f| f.name == name).unwrap_or_else(|| panic!("{name}: {fields:?}"));
            assert_eq!(f.value, value);
            assert_eq!(&text[f.bytes.unwrap().start..f.bytes.unwrap().end], raw);
        }
        assert_eq!(m.status(), Some(302));
    }

    #[test]
    fn basic_credentials_are_form_encoded_then_base64() {
        // RFC 6749 section 2.3.1's example.
        let b = basic("s6BhdRkqt3", "gX1fBat3bV");
        assert_eq!(b, "Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW");
        assert_eq!(basic_credentials("czZCaGRSa3F0MzpnWDFmQmF0M2JW"), Some(("s6BhdRkqt3".into(), "gX1fBat3bV".into())));
        assert_eq!(basic_credentials(basic("a:b c", "p%&").trim_start_matches("Basic ")), Some(("a:b c".into(), "p%&".into())));
    }
}
