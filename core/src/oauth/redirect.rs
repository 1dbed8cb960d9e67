//! Redirect URIs: how a client's registered URIs are read, and how an authorization server
//! compares the `redirect_uri` of a request with them. RFC 9700 section 4.1.3 requires exact
//! string matching; the looser rules here are the ones real servers used, each with the attack
//! it lets through (section 4.1.1), so the lab can show both.

use std::fmt;

/// The parts of an absolute `http` or `https` URI (RFC 3986 section 3), as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uri {
    pub scheme: String,
    /// Lower-cased (host names are case-insensitive).
    pub host: String,
    pub port: Option<u16>,
    /// Starts with `/` (an empty path is `/`).
    pub path: String,
    pub query: Option<String>,
}

/// Why a redirect URI was not accepted, with the 1-based character it was found at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UriError {
    pub at: usize,
    pub message: String,
}

impl fmt::Display for UriError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "character {}: {}", self.at, self.message)
    }
}

/// The longest redirect URI read (browsers cut URLs far longer; this bounds the work).
pub const MAX_LEN: usize = 512;

/// Reads an absolute `http` or `https` URI without a fragment (RFC 6749 section 3.1.2).
pub fn parse(text: &str) -> Result<Uri, UriError> {
    // `at` is a byte offset; the error names the character.
    let err = |at: usize, message: &str| Err(UriError { at: text.get(..at).map_or(at, |t| t.chars().count()) + 1, message: message.to_string() });
    if text.len() > MAX_LEN {
        // The character in which the limit is crossed (a fuzz finding: characters are not bytes).
        let at = text.char_indices().position(|(i, c)| i + c.len_utf8() > MAX_LEN).unwrap_or(0);
        return Err(UriError { at: at + 1, message: format!("a redirect URI is at most {MAX_LEN} bytes (UTF-8)") });
    }
    if let Some(i) = text.find(|c: char| c.is_whitespace() || c.is_control()) {
        return err(i, "spaces and control characters are not allowed in a URI");
    }
    let Some(colon) = text.find("://") else {
        return err(0, "a redirect URI must be absolute, like https://app.example.com/callback");
    };
    let scheme = text[..colon].to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return err(0, "the scheme must be https (or http for a native app's loopback address)");
    }
    let rest = &text[colon + 3..];
    let offset = colon + 3;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if authority.contains('@') {
        return err(offset + authority.find('@').unwrap_or(0), "user information (user@) is not allowed in a redirect URI");
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => match p.parse::<u16>() {
            Ok(p) if p > 0 => (h, Some(p)),
            _ => return err(offset + h.len() + 1, "the port must be a number from 1 to 65535"),
        },
        None => (authority, None),
    };
    if host.is_empty() {
        return err(offset, "the URI has no host");
    }
    if let Some(i) = host.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '.')) {
        return err(offset + i, "a host is letters, digits, '-' and '.'");
    }
    let tail = &rest[end..];
    if let Some(i) = tail.find('#') {
        return err(offset + end + i, "a redirect URI must not have a fragment (RFC 6749 section 3.1.2)");
    }
    let (path, query) = match tail.split_once('?') {
        Some((p, q)) => (p, Some(q.to_string())),
        None => (tail, None),
    };
    Ok(Uri { scheme, host: host.to_ascii_lowercase(), port, path: if path.is_empty() { "/".into() } else { path.to_string() }, query })
}

impl Uri {
    /// The path as a browser resolves it: `.` and `..` segments removed (RFC 3986 section
    /// 5.2.4), so `/callback/../open?to=…` is `/open?to=…`.
    pub fn resolved_path(&self) -> String {
        let mut out: Vec<&str> = Vec::new();
        let segments: Vec<&str> = self.path.split('/').skip(1).collect();
        for (i, seg) in segments.iter().enumerate() {
            match *seg {
                "." => {}
                ".." => {
                    out.pop();
                }
                s => out.push(s),
            }
            if i + 1 == segments.len() && (*seg == "." || *seg == "..") {
                out.push("");
            }
        }
        format!("/{}", out.join("/"))
    }

    /// `scheme://host[:port]`.
    pub fn origin(&self) -> String {
        match self.port {
            Some(p) => format!("{}://{}:{p}", self.scheme, self.host),
            None => format!("{}://{}", self.scheme, self.host),
        }
    }

    /// The URI as the browser will load it (path resolved).
    pub fn resolved(&self) -> String {
        match &self.query {
            Some(q) => format!("{}{}?{q}", self.origin(), self.resolved_path()),
            None => format!("{}{}", self.origin(), self.resolved_path()),
        }
    }
}

/// How the authorization server compares a request's `redirect_uri` with the registered ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Matching {
    /// Character for character (RFC 9700 section 4.1.3; OAuth 2.1).
    Exact,
    /// The request's URI starts with a registered one.
    Prefix,
    /// Same scheme and host (or a subdomain of it); any path.
    Subdomain,
}

impl Matching {
    pub const ALL: [Matching; 3] = [Matching::Exact, Matching::Prefix, Matching::Subdomain];

    pub fn id(self) -> &'static str {
        match self {
            Matching::Exact => "exact",
            Matching::Prefix => "prefix",
            Matching::Subdomain => "subdomain",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Matching::Exact => "exact string match",
            Matching::Prefix => "prefix match",
            Matching::Subdomain => "same host or a subdomain, any path",
        }
    }

    /// Whether `sent` passes against `registered` under this rule.
    pub fn allows(self, registered: &str, sent: &str) -> bool {
        match self {
            Matching::Exact => registered == sent,
            Matching::Prefix => sent.starts_with(registered),
            Matching::Subdomain => match (parse(registered), parse(sent)) {
                (Ok(r), Ok(s)) => r.scheme == s.scheme && r.port == s.port && (s.host == r.host || s.host.ends_with(&format!(".{}", r.host))),
                _ => false,
            },
        }
    }
}

/// The registered URI `sent` matches under `rule`, if any.
pub fn find<'a>(rule: Matching, registered: &'a [String], sent: &str) -> Option<&'a String> {
    registered.iter().find(|r| rule.allows(r, sent))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_read_with_their_parts_and_errors_say_where() {
        let u = parse("https://App.Example.com:8443/cb?x=1").unwrap();
        assert_eq!((u.host.as_str(), u.port, u.path.as_str(), u.query.as_deref()), ("app.example.com", Some(8443), "/cb", Some("x=1")));
        assert_eq!(parse("https://app.example.com").unwrap().path, "/");
        for (text, at) in [("app.example.com/cb", 1), ("ftp://x/", 1), ("https://a b/", 10), ("https://app.example.com/cb#f", 27), ("https://u@h/", 10), ("https://h:0/", 11), ("https:///cb", 9), ("https://h_x/", 10)] {
            let e = parse(text).unwrap_err();
            assert_eq!(e.at, at, "{text}: {e}");
        }
        assert_eq!(parse(&"a".repeat(MAX_LEN + 1)).unwrap_err().at, MAX_LEN + 1);
        // After 10 one-byte characters, 251 two-byte ones fill 512 bytes: the next, the 262nd
        // character, crosses the limit.
        assert_eq!(parse(&format!("https://h/{}", "ы".repeat(260))).unwrap_err().at, 262);
    }

    #[test]
    fn browsers_resolve_dot_segments() {
        assert_eq!(parse("https://app.example.com/callback/../open?to=https://evil.example").unwrap().resolved(), "https://app.example.com/open?to=https://evil.example");
        assert_eq!(parse("https://h/a/./b/..").unwrap().resolved_path(), "/a/");
        assert_eq!(parse("https://h/../../x").unwrap().resolved_path(), "/x");
    }

    #[test]
    fn each_loose_rule_lets_its_attack_through_and_exact_stops_all() {
        let reg = "https://app.example.com/callback";
        let attacks = [
            (Matching::Prefix, "https://app.example.com/callback/../open?to=https://evil.example"),
            (Matching::Prefix, "https://app.example.com/callback.evil.example"),
            (Matching::Subdomain, "https://evil.app.example.com/steal"),
        ];
        for (rule, sent) in attacks {
            assert!(rule.allows(reg, sent), "{rule:?} {sent}");
            assert!(!Matching::Exact.allows(reg, sent), "{sent}");
        }
        assert!(!Matching::Subdomain.allows(reg, "https://app.example.com.evil.example/callback"));
        assert!(Matching::Prefix.allows("https://app.example.com", "https://app.example.com.evil.example/"));
        for rule in Matching::ALL {
            assert!(rule.allows(reg, reg));
        }
    }
}
