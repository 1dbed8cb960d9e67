//! Reading HTTP/1.1 messages from bytes (RFC 9112): the start line, the header fields, and the
//! body as the message frames it (none, Content-Length, chunked, or until the connection
//! closes), with chunked transfer coding decoded. Strict where RFC 9112 lets a recipient be
//! (lines end with CR LF; no whitespace before a field's colon; no obsolete line folding;
//! Content-Length is one number), and every refusal names the byte it was found at.

use super::Message;

/// The longest start line and header section read.
pub const MAX_HEAD: usize = 64 * 1024;
/// The most header fields read.
pub const MAX_FIELDS: usize = 100;

/// Why the bytes are not an HTTP/1.1 message, and the offset of the byte it was found at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError {
    pub at: usize,
    pub message: String,
}

fn fail<T>(at: usize, message: impl Into<String>) -> Result<T, WireError> {
    Err(WireError { at, message: message.into() })
}

/// How the body is delimited (RFC 9112 section 6.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Framing {
    /// No body: a request without Content-Length or Transfer-Encoding, or a response that never
    /// has one (1xx, 204, 304, or the answer to HEAD).
    Empty,
    Length(usize),
    /// Chunked, with each chunk's size in order (the last chunk, 0, left out).
    Chunked(Vec<usize>),
    /// A response whose body runs until the server closes the connection.
    UntilClose,
}

/// A message read from bytes: its body decoded, how it was framed, and how many bytes it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub message: Message,
    pub framing: Framing,
    /// Trailer fields after a chunked body.
    pub trailers: Vec<(String, String)>,
    pub consumed: usize,
    /// What a careful recipient would flag (Transfer-Encoding with Content-Length).
    pub warnings: Vec<String>,
}

/// The body's chunked transfer coding: chunks of `size` bytes (the last one shorter), then the
/// last chunk and an empty trailer section.
pub fn chunk(content: &[u8], size: usize) -> Vec<u8> {
    let size = size.max(1);
    let mut out = Vec::new();
    for piece in content.chunks(size) {
        out.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        out.extend_from_slice(piece);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

/// One chunk of a chunked body: where its size line and its data are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub size: usize,
    /// The size line, without its CR LF.
    pub line: (usize, usize),
    pub data: (usize, usize),
}

/// Reads a chunked body from the start of `bytes`: the chunks, the decoded content, the
/// trailer fields, and the bytes used.
pub fn dechunk(bytes: &[u8], base: usize) -> Result<(Vec<Chunk>, Vec<u8>, Vec<(String, String)>, usize), WireError> {
    let mut at = 0;
    let mut chunks = Vec::new();
    let mut content = Vec::new();
    loop {
        let Some(end) = find_crlf(bytes, at) else {
            return fail(base + bytes.len(), "the chunked body ends inside a chunk-size line");
        };
        let line = &bytes[at..end];
        let size_text = line.split(|b| *b == b';').next().unwrap_or(&[]);
        let size_text: &[u8] = trim_ows(size_text);
        if size_text.is_empty() || !size_text.iter().all(|b| b.is_ascii_hexdigit()) {
            return fail(base + at, "a chunk starts with its size in hexadecimal digits");
        }
        if size_text.len() > 15 {
            return fail(base + at, "a chunk size of more than 15 hexadecimal digits");
        }
        let size = usize::from_str_radix(std::str::from_utf8(size_text).unwrap_or("0"), 16).unwrap_or(usize::MAX);
        let data_start = end + 2;
        if size == 0 {
            let (trailers, used) = fields(bytes, data_start, base)?;
            return Ok((chunks, content, trailers, used));
        }
        if bytes.len() - data_start < size {
            return fail(base + bytes.len(), format!("the chunk at byte {} says {size} bytes, but only {} follow", base + at, bytes.len() - data_start));
        }
        let data_end = data_start + size;
        if bytes.get(data_end..data_end + 2) != Some(b"\r\n") {
            return fail(base + data_end, "a chunk's data must be followed by CR LF");
        }
        chunks.push(Chunk { size, line: (base + at, base + end), data: (base + data_start, base + data_end) });
        content.extend_from_slice(&bytes[data_start..data_end]);
        at = data_end + 2;
    }
}

fn find_crlf(bytes: &[u8], from: usize) -> Option<usize> {
    bytes.get(from..)?.windows(2).position(|w| w == b"\r\n").map(|i| from + i)
}

fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Header (or trailer) field lines from `at` up to and including the empty line; returns them
/// and the offset just past the empty line.
fn fields(bytes: &[u8], mut at: usize, base: usize) -> Result<(Vec<(String, String)>, usize), WireError> {
    let mut out = Vec::new();
    loop {
        let Some(end) = find_crlf(bytes, at) else {
            if let Some(lf) = bytes.get(at..).and_then(|b| b.iter().position(|b| *b == b'\n')) {
                return fail(base + at + lf, "a line must end with CR LF, not a bare LF");
            }
            return fail(base + bytes.len(), "the header section does not end with an empty line");
        };
        if end == at {
            return Ok((out, end + 2));
        }
        let line = &bytes[at..end];
        if let Some(i) = line.iter().position(|b| *b == b'\n' || *b == b'\r') {
            return fail(base + at + i, "a bare CR or LF inside a field line");
        }
        if matches!(line[0], b' ' | b'\t') {
            return fail(base + at, "obsolete line folding: a field line may not start with whitespace (RFC 9112 section 5.2)");
        }
        let Some(colon) = line.iter().position(|b| *b == b':') else {
            return fail(base + at, "a field line is Name: value, and this one has no colon");
        };
        let name = &line[..colon];
        if let Some(i) = name.iter().position(|b| !is_tchar(*b)) {
            let what = if matches!(name[i], b' ' | b'\t') { "whitespace before a field's colon is not allowed (RFC 9112 section 5.1)" } else { "a field name is a token: letters, digits and !#$%&'*+-.^_`|~" };
            return fail(base + at + i, what);
        }
        if name.is_empty() {
            return fail(base + at, "a field line has an empty name");
        }
        let value = trim_ows(&line[colon + 1..]);
        if let Some(i) = value.iter().position(|b| *b == 0 || (*b < 0x20 && *b != b'\t') || *b == 0x7f) {
            let offset = line.len() - line[colon + 1..].len() + (value.as_ptr() as usize - line[colon + 1..].as_ptr() as usize);
            return fail(base + at + offset + i, "a control character in a field value");
        }
        if out.len() == MAX_FIELDS {
            return fail(base + at, format!("more than {MAX_FIELDS} fields"));
        }
        // Field values are bytes: read as UTF-8 when they are, and otherwise each byte above
        // ASCII (obs-text) as its Latin-1 character, so nothing is lost either way.
        let value = String::from_utf8(value.to_vec()).unwrap_or_else(|_| value.iter().map(|b| *b as char).collect());
        out.push((String::from_utf8_lossy(name).into_owned(), value));
        at = end + 2;
    }
}

/// Reads one HTTP/1.1 message from the start of `bytes`. `response_to_head` says the message
/// answers a HEAD request (so it has no body whatever its fields say).
pub fn parse(bytes: &[u8], response_to_head: bool) -> Result<Parsed, WireError> {
    let mut at = 0;
    // A recipient ignores empty lines before a request line (RFC 9112 section 2.2).
    while bytes.get(at..at + 2) == Some(b"\r\n") {
        at += 2;
    }
    let head_end = bytes.len().min(at + MAX_HEAD);
    let Some(end) = find_crlf(&bytes[..head_end], at) else {
        if let Some(lf) = bytes[at..head_end].iter().position(|b| *b == b'\n') {
            return fail(at + lf, "a line must end with CR LF, not a bare LF");
        }
        return fail(head_end, if head_end < bytes.len() { format!("no start line within {MAX_HEAD} bytes") } else { "the start line does not end with CR LF".into() });
    };
    let line = &bytes[at..end];
    if let Some(i) = line.iter().position(|b| !(b.is_ascii_graphic() || *b == b' ')) {
        return fail(at + i, "the start line holds a byte that is not visible ASCII or a space");
    }
    let text = std::str::from_utf8(line).unwrap_or("");
    let mut parts = text.splitn(3, ' ');
    let (a, b, c) = (parts.next().unwrap_or(""), parts.next(), parts.next());
    let version_ok = |v: &str| matches!(v.as_bytes(), [b'H', b'T', b'T', b'P', b'/', d1, b'.', d2] if d1.is_ascii_digit() && d2.is_ascii_digit());
    let (start, status) = if a.starts_with("HTTP/") {
        if !version_ok(a) {
            return fail(at, "the version is HTTP/ and two digits, like HTTP/1.1");
        }
        let code = b.unwrap_or("");
        if code.len() != 3 || !code.bytes().all(|d| d.is_ascii_digit()) || code.starts_with('0') {
            return fail(at + a.len() + 1, "a status code is three digits, 100 to 999");
        }
        (text.to_string(), code.parse::<u16>().ok())
    } else {
        if !a.bytes().all(is_tchar) || a.is_empty() {
            return fail(at, "a request line starts with a method, a token like GET");
        }
        let (Some(target), Some(version)) = (b, c) else {
            return fail(end, "a request line is METHOD SP target SP HTTP-version");
        };
        if target.is_empty() {
            return fail(at + a.len() + 1, "the request target is empty");
        }
        if !version_ok(version) {
            return fail(at + a.len() + target.len() + 2, "the version is HTTP/ and two digits, like HTTP/1.1");
        }
        (text.to_string(), None)
    };
    let (headers, body_start) = fields(&bytes[..bytes.len().min(at + MAX_HEAD)], end + 2, 0).map_err(|e| if e.at >= at + MAX_HEAD { WireError { at: e.at, message: format!("the header section is longer than {MAX_HEAD} bytes") } } else { e })?;
    let mut message = Message { start, headers, body: Vec::new() };
    let mut warnings = Vec::new();
    let value = |name: &str| -> Vec<String> { message.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone()).collect() };
    let te = value("Transfer-Encoding");
    let cl = value("Content-Length");
    let no_body = match status {
        Some(s) => (100..200).contains(&s) || s == 204 || s == 304 || response_to_head,
        None => false,
    };
    let rest = &bytes[body_start..];
    let (framing, trailers, consumed) = if no_body {
        (Framing::Empty, Vec::new(), body_start)
    } else if !te.is_empty() {
        if !cl.is_empty() {
            warnings.push("Transfer-Encoding and Content-Length together: Transfer-Encoding wins, and a server that trusts the other one is open to request smuggling (RFC 9112 section 6.3)".into());
        }
        let codings: Vec<String> = te.iter().flat_map(|v| v.split(',')).map(|c| c.trim().to_ascii_lowercase()).filter(|c| !c.is_empty()).collect();
        if codings.last().map(String::as_str) == Some("chunked") {
            let (chunks, content, trailers, used) = dechunk(rest, body_start)?;
            message.body = content;
            (Framing::Chunked(chunks.iter().map(|c| c.size).collect()), trailers, body_start + used)
        } else if status.is_none() {
            return fail(body_start, "a request whose Transfer-Encoding does not end with chunked cannot be framed (RFC 9112 section 6.3)");
        } else {
            message.body = rest.to_vec();
            (Framing::UntilClose, Vec::new(), bytes.len())
        }
    } else if !cl.is_empty() {
        let mut lengths = cl.iter().flat_map(|v| v.split(',')).map(|v| v.trim());
        let first = lengths.next().unwrap_or("");
        if first.is_empty() || first.len() > 15 || !first.bytes().all(|b| b.is_ascii_digit()) {
            return fail(body_start, format!("Content-Length “{}” is not a number of bytes", first.chars().take(40).collect::<String>()));
        }
        if lengths.any(|v| v != first) {
            return fail(body_start, "Content-Length has differing values");
        }
        let n: usize = first.parse().unwrap_or(usize::MAX);
        if rest.len() < n {
            return fail(bytes.len(), format!("Content-Length says {n} bytes, but only {} follow", rest.len()));
        }
        message.body = rest[..n].to_vec();
        (Framing::Length(n), Vec::new(), body_start + n)
    } else if status.is_some() {
        message.body = rest.to_vec();
        (if rest.is_empty() { Framing::Empty } else { Framing::UntilClose }, Vec::new(), bytes.len())
    } else {
        (Framing::Empty, Vec::new(), body_start)
    };
    Ok(Parsed { message, framing, trailers, consumed, warnings })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_with_a_length_and_a_response_chunked() {
        let p = parse(b"POST /items HTTP/1.1\r\nHost: api.example\r\nContent-Length: 5\r\n\r\nhelloGET", false).unwrap();
        assert_eq!(p.message.target(), Some("/items"));
        assert_eq!(p.message.body, b"hello");
        assert_eq!((p.framing, p.consumed), (Framing::Length(5), 67));
        let body = chunk(b"hello, world", 5);
        assert_eq!(body, b"5\r\nhello\r\n5\r\n, wor\r\n2\r\nld\r\n0\r\n\r\n");
        let mut bytes = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        bytes.extend_from_slice(&body);
        let p = parse(&bytes, false).unwrap();
        assert_eq!((p.message.status(), p.message.body.as_slice(), p.framing), (Some(200), &b"hello, world"[..], Framing::Chunked(vec![5, 5, 2])));
    }

    #[test]
    fn framing_follows_rfc_9112_section_6_3() {
        let p = parse(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", false).unwrap();
        assert_eq!(p.framing, Framing::Empty);
        let p = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", true).unwrap();
        assert_eq!(p.framing, Framing::Empty, "the answer to HEAD");
        let p = parse(b"HTTP/1.1 200 OK\r\n\r\nuntil close", false).unwrap();
        assert_eq!((p.framing, p.message.body.len()), (Framing::UntilClose, 11));
        let p = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n", false).unwrap();
        assert_eq!(p.message.body, b"a");
        assert_eq!(p.warnings.len(), 1);
        assert!(parse(b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", false).unwrap_err().message.contains("cannot be framed"));
        assert!(parse(b"POST / HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\nhello!", false).unwrap_err().message.contains("differing"));
        assert!(parse(b"POST / HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\nhello", false).is_ok());
    }

    #[test]
    fn refusals_name_their_byte() {
        let e = parse(b"GET / HTTP/1.1\r\nHost : a\r\n\r\n", false).unwrap_err();
        assert_eq!(e.at, 20);
        assert!(e.message.contains("before a field's colon"));
        let e = parse(b"GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", false).unwrap_err();
        assert_eq!((e.at, e.message.contains("folding")), (22, true));
        let e = parse(b"GET / HTTP/1.1\nHost: a\n\n", false).unwrap_err();
        assert_eq!(e.at, 14);
        let e = parse(b"HTTP/1.1 20 OK\r\n\r\n", false).unwrap_err();
        assert_eq!(e.at, 9);
        let e = parse(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabc", false).unwrap_err();
        assert!(e.message.contains("only 3 follow"), "{e:?}");
        let e = parse(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false).unwrap_err();
        assert_eq!(e.at, 47);
    }
}
