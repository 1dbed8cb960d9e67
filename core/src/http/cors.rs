//! CORS as a browser decides it, by the WHATWG Fetch Standard: which headers a script may set,
//! which requests need a preflight and why, the preflight request, the checks of its response,
//! the preflight cache, the CORS check of the actual response, and which response headers the
//! script may then read. Every decision is a list of [`Check`]s, each with its rule and its
//! anchor in the standard. A failure is a [`CorsError`] carrying the message Chromium prints in
//! the console, and the fix.
//!
//! Where the standard leaves a choice to the browser, this follows Chromium: a preflight's
//! max-age is capped at two hours, empty items in the allow lists are skipped, and the
//! preflight's redirect is refused before its headers are read.

use super::Message;

/// The preflight's lifetime when the response gives none, or one that cannot be read.
pub const MAX_AGE_DEFAULT: u64 = 5;
/// Chromium's cap on `Access-Control-Max-Age` (Firefox's is 24 hours).
pub const MAX_AGE_CAP: u64 = 7200;
/// The longest URL read (the lab's own limit; it bounds the work).
pub const MAX_URL: usize = 2048;

/// A request's credentials mode (`fetch(url, { credentials })`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Credentials {
    Omit,
    /// `fetch`'s default: cookies go only to the page's own origin.
    SameOrigin,
    Include,
}

impl Credentials {
    pub const ALL: [Credentials; 3] = [Credentials::Omit, Credentials::SameOrigin, Credentials::Include];

    pub fn id(self) -> &'static str {
        match self {
            Credentials::Omit => "omit",
            Credentials::SameOrigin => "same-origin",
            Credentials::Include => "include",
        }
    }

    fn include(self) -> bool {
        self == Credentials::Include
    }
}

/// One rule the browser applied, and what it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub rule: String,
    pub passed: bool,
    pub detail: String,
    /// The rule's anchor in the Fetch Standard.
    pub anchor: &'static str,
}

fn check(rule: impl Into<String>, passed: bool, detail: impl Into<String>, anchor: &'static str) -> Check {
    Check { rule: rule.into(), passed, detail: detail.into(), anchor }
}

/// Why a CORS request failed: each is one of Chromium's console messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsError {
    MissingAllowOrigin,
    WildcardWithCredentials,
    MultipleAllowOrigin(String),
    InvalidAllowOrigin(String),
    AllowOriginMismatch(String),
    InvalidAllowCredentials(String),
    PreflightStatus,
    PreflightRedirect,
    InvalidAllowMethods,
    InvalidAllowHeaders,
    MethodNotAllowed(String),
    /// Every refused name, sorted; Chromium's message names one of them (see `message`).
    HeaderNotAllowed(Vec<String>),
}

impl CorsError {
    /// Chromium's text for this error.
    pub fn message(&self) -> String {
        match self {
            CorsError::MissingAllowOrigin => "No 'Access-Control-Allow-Origin' header is present on the requested resource.".into(),
            CorsError::WildcardWithCredentials => "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.".into(),
            CorsError::MultipleAllowOrigin(v) => format!("The 'Access-Control-Allow-Origin' header contains multiple values '{v}', but only one is allowed."),
            CorsError::InvalidAllowOrigin(v) => format!("The 'Access-Control-Allow-Origin' header contains the invalid value '{v}'."),
            CorsError::AllowOriginMismatch(v) => format!("The 'Access-Control-Allow-Origin' header has a value '{v}' that is not equal to the supplied origin."),
            CorsError::InvalidAllowCredentials(v) => format!("The value of the 'Access-Control-Allow-Credentials' header in the response is '{v}' which must be 'true' when the request's credentials mode is 'include'."),
            CorsError::PreflightStatus => "It does not have HTTP ok status.".into(),
            CorsError::PreflightRedirect => "Redirect is not allowed for a preflight request.".into(),
            CorsError::InvalidAllowMethods => "Cannot parse Access-Control-Allow-Methods response header field in preflight response.".into(),
            CorsError::InvalidAllowHeaders => "Cannot parse Access-Control-Allow-Headers response header field in preflight response.".into(),
            CorsError::MethodNotAllowed(m) => format!("Method {m} is not allowed by Access-Control-Allow-Methods in preflight response."),
            // Chromium names the first refused header in the order of its own header map, a hash
            // table: which one, when several are refused, is not something a page can rely on.
            CorsError::HeaderNotAllowed(h) => format!("Request header field {} is not allowed by Access-Control-Allow-Headers in preflight response.", h.first().map_or("", String::as_str)),
        }
    }

    /// What to change on the server (every CORS failure is fixed there, or by not asking for
    /// what the server does not allow).
    pub fn fix(&self, origin: &str) -> String {
        match self {
            CorsError::MissingAllowOrigin => format!("The server must answer with Access-Control-Allow-Origin: {origin} (or *, for a request without credentials)."),
            CorsError::WildcardWithCredentials => format!("With credentials, name the origin: Access-Control-Allow-Origin: {origin}, with Access-Control-Allow-Credentials: true and Vary: Origin."),
            CorsError::MultipleAllowOrigin(_) => format!("Send one origin, the one that asked: Access-Control-Allow-Origin: {origin}. A list is never allowed; a server that allows several origins picks the request's Origin from its list and sends Vary: Origin."),
            CorsError::InvalidAllowOrigin(_) | CorsError::AllowOriginMismatch(_) => format!("The value must be exactly the request's origin, {origin}: same scheme, host and port, no path, no trailing slash."),
            CorsError::InvalidAllowCredentials(_) => "The response must carry Access-Control-Allow-Credentials: true (exactly), or the request must not include credentials.".into(),
            CorsError::PreflightStatus => "The server must answer the OPTIONS preflight with a 2xx status (204 No Content is usual), before any authentication: a preflight never carries credentials.".into(),
            CorsError::PreflightRedirect => "Answer the preflight where the request was sent: call the final URL directly (a trailing slash and http to https are the usual redirects).".into(),
            CorsError::InvalidAllowMethods => "Access-Control-Allow-Methods is a comma-separated list of method names, such as GET, PUT, DELETE.".into(),
            CorsError::InvalidAllowHeaders => "Access-Control-Allow-Headers is a comma-separated list of header names, such as Content-Type, Authorization.".into(),
            CorsError::MethodNotAllowed(m) => format!("Add {m} to Access-Control-Allow-Methods. Method names are compared case-sensitively: fetch upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT."),
            CorsError::HeaderNotAllowed(h) => format!("Add {} to Access-Control-Allow-Headers (or stop sending it). * covers other names only for requests without credentials, and, by the standard, never Authorization.", h.join(", ")),
        }
    }

    /// Whether this is an answer to the preflight failing the access checks (Chromium then
    /// says so before the message).
    fn preflight_access(&self) -> bool {
        !matches!(self, CorsError::InvalidAllowMethods | CorsError::InvalidAllowHeaders | CorsError::MethodNotAllowed(_) | CorsError::HeaderNotAllowed(_))
    }
}

/// The line Chromium prints in the console when `fetch(url)` from `origin` fails, `preflight`
/// when it was the preflight's answer that failed.
pub fn console(url: &str, origin: &str, error: &CorsError, preflight: bool) -> String {
    let mut text = format!("Access to fetch at '{url}' from origin '{origin}' has been blocked by CORS policy: ");
    if preflight && error.preflight_access() {
        text.push_str("Response to preflight request doesn't pass access control check: ");
    }
    text.push_str(&error.message());
    if matches!(error, CorsError::MultipleAllowOrigin(_) | CorsError::InvalidAllowOrigin(_) | CorsError::AllowOriginMismatch(_)) {
        text.push_str(" Have the server send the header with a valid value.");
    }
    text
}

// ---------------------------------------------------------------------------------------------
// Origins and URLs

/// An origin: scheme, host and port, the port `None` when it is the scheme's default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub scheme: String,
    pub host: String,
    pub port: Option<u16>,
}

impl Origin {
    /// The byte serialization browsers send in `Origin`: `https://app.example`, no path, the
    /// default port left out.
    pub fn serialize(&self) -> String {
        match self.port {
            Some(p) => format!("{}://{}:{p}", self.scheme, self.host),
            None => format!("{}://{}", self.scheme, self.host),
        }
    }

    /// `host` or `host:port`, as in the `Host` header.
    pub fn authority(&self) -> String {
        match self.port {
            Some(p) => format!("{}:{p}", self.host),
            None => self.host.clone(),
        }
    }
}

/// Why a URL was not read, with the 1-based character it was found at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlError {
    pub at: usize,
    pub message: String,
}

/// Reads an absolute `http` or `https` URL into its origin and its path with query (the
/// fragment, never sent, is dropped). Host names are ASCII letters, digits, `-` and `.`.
pub fn parse_url(text: &str) -> Result<(Origin, String), UrlError> {
    // `at` is a byte offset; the error names a character, one inside the text (the last one
    // when what is missing is at the end).
    let err = |at: usize, message: String| Err(UrlError { at: (text.get(..at).map_or(at, |t| t.chars().count()) + 1).min(text.chars().count().max(1)), message });
    if text.len() > MAX_URL {
        let at = text.char_indices().position(|(i, c)| i + c.len_utf8() > MAX_URL).unwrap_or(0);
        return Err(UrlError { at: at + 1, message: format!("a URL here is at most {MAX_URL} bytes") });
    }
    if let Some(i) = text.find(|c: char| c.is_whitespace() || c.is_control()) {
        return err(i, "spaces and control characters are not allowed in a URL".into());
    }
    let Some(colon) = text.find("://") else {
        return err(0, "the URL must be absolute, like https://api.example/items".into());
    };
    let scheme = text[..colon].to_ascii_lowercase();
    let default = match scheme.as_str() {
        "https" => 443,
        "http" => 80,
        _ => return err(0, "the scheme must be http or https (CORS applies to http(s) requests)".into()),
    };
    let offset = colon + 3;
    let rest = &text[offset..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if let Some(i) = authority.find('@') {
        return err(offset + i, "user information (user@) is not allowed here".into());
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => match p.parse::<u16>() {
            Ok(p) if p > 0 => (h, Some(p)),
            _ => return err(offset + h.len() + 1, "the port must be a number from 1 to 65535".into()),
        },
        None => (authority, None),
    };
    if host.is_empty() {
        return err(offset, "the URL has no host".into());
    }
    if let Some(i) = host.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '.')) {
        return err(offset + i, "a host is letters, digits, '-' and '.'".into());
    }
    let tail = &rest[end..];
    let tail = tail.split('#').next().unwrap_or("");
    let path = if tail.is_empty() || tail.starts_with('?') { format!("/{tail}") } else { tail.to_string() };
    let origin = Origin { scheme, host: host.to_ascii_lowercase(), port: port.filter(|p| *p != default) };
    Ok((origin, path))
}

// ---------------------------------------------------------------------------------------------
// What a script may send

/// A token (RFC 9110 section 5.6.2): a method or a header name.
pub fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Whether `method` is GET, HEAD or POST (compared as written).
pub fn is_safelisted_method(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "POST")
}

/// The request as `fetch` builds it from what the script passed: the method normalized, the
/// forbidden headers dropped, each header's value trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub method: String,
    pub headers: Vec<(String, String)>,
    /// Names the browser dropped without a word: only it may set them.
    pub dropped: Vec<String>,
    pub checks: Vec<Check>,
}

const FORBIDDEN: [&str; 21] = [
    "accept-charset", "accept-encoding", "access-control-request-headers", "access-control-request-method", "connection", "content-length", "cookie", "cookie2", "date", "dnt", "expect", "host", "keep-alive", "origin", "referer", "set-cookie", "te", "trailer", "transfer-encoding", "upgrade", "via",
];

/// Whether the Fetch Standard forbids a script to set this header, and why.
pub fn forbidden_header(name: &str, value: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    if FORBIDDEN.contains(&lower.as_str()) {
        return Some(format!("{name} is set by the browser alone"));
    }
    if lower.starts_with("proxy-") || lower.starts_with("sec-") {
        return Some(format!("names starting with {} are the browser's alone", &lower[..lower.find('-').unwrap_or(0) + 1]));
    }
    if matches!(lower.as_str(), "x-http-method" | "x-http-method-override" | "x-method-override") {
        if let Some(m) = value.split(',').map(str::trim).find(|m| forbidden_method(m)) {
            return Some(format!("{name} would smuggle the forbidden method {m}"));
        }
    }
    None
}

fn forbidden_method(m: &str) -> bool {
    ["CONNECT", "TRACE", "TRACK"].iter().any(|f| f.eq_ignore_ascii_case(m))
}

/// HTTP whitespace: tab, line feed, carriage return and space.
fn trim_http(s: &str) -> &str {
    s.trim_matches(|c| matches!(c, '\t' | '\n' | '\r' | ' '))
}

/// What `fetch(url, { method, headers })` does before anything is sent. An `Err` is the
/// TypeError the promise rejects with, as Chromium words it.
pub fn prepare(method: &str, headers: &[(String, String)]) -> Result<Prepared, String> {
    const WHERE: &str = "TypeError: Failed to execute 'fetch' on 'Window': ";
    if !is_token(method) {
        return Err(format!("{WHERE}'{method}' is not a valid HTTP method."));
    }
    if forbidden_method(method) {
        return Err(format!("{WHERE}'{method}' HTTP method is unsupported."));
    }
    let mut checks = Vec::new();
    let normalized = match ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"].iter().find(|m| m.eq_ignore_ascii_case(method)) {
        Some(m) => m.to_string(),
        None => method.to_string(),
    };
    if normalized != method {
        checks.push(check(format!("{method} becomes {normalized}"), true, "fetch upper-cases DELETE, GET, HEAD, OPTIONS, POST and PUT; any other method is sent as written", "concept-method-normalize"));
    } else if normalized.bytes().any(|b| b.is_ascii_lowercase()) {
        checks.push(check(format!("{method} is sent as written"), true, "only DELETE, GET, HEAD, OPTIONS, POST and PUT are upper-cased, so a server that allows PATCH does not allow this method", "concept-method-normalize"));
    }
    let mut kept = Vec::new();
    let mut dropped = Vec::new();
    for (name, value) in headers {
        if !is_token(name) {
            return Err(format!("{WHERE}Invalid name"));
        }
        if value.chars().any(|c| c as u32 > 0xFF) {
            return Err(format!("{WHERE}Failed to read the 'headers' property from 'RequestInit': String contains non ISO-8859-1 code point."));
        }
        let value = trim_http(value);
        if value.contains(['\0', '\r', '\n']) {
            return Err(format!("{WHERE}Invalid value"));
        }
        if let Some(why) = forbidden_header(name, value) {
            checks.push(check(format!("{name} dropped"), false, format!("{why}: a forbidden request-header, silently left out"), "forbidden-request-header"));
            dropped.push(name.clone());
            continue;
        }
        // A name set twice is one header, its values joined (as Chromium sends it, and as the
        // safelist then judges it).
        match kept.iter_mut().find(|(n, _): &&mut (String, String)| n.eq_ignore_ascii_case(name)) {
            Some((_, v)) => {
                v.push_str(", ");
                v.push_str(value);
            }
            None => kept.push((name.clone(), value.to_string())),
        }
    }
    Ok(Prepared { method: normalized, headers: kept, dropped, checks })
}

/// A byte a safelisted header value must not hold.
fn cors_unsafe_byte(c: char) -> bool {
    (c < ' ' && c != '\t') || matches!(c, '"' | '(' | ')' | ':' | '<' | '>' | '?' | '@' | '[' | '\\' | ']' | '{' | '}' | '\u{7f}')
}

/// The essence (`type/subtype`, lower-case) of a MIME type (the MIME Sniffing Standard's
/// parser, parameters skipped), or `None` when it is not one.
pub fn mime_essence(value: &str) -> Option<String> {
    let value = trim_http(value);
    let (kind, rest) = value.split_once('/')?;
    let subtype = trim_http(rest.split(';').next().unwrap_or(""));
    (is_token(kind) && is_token(subtype)).then(|| format!("{kind}/{subtype}").to_ascii_lowercase())
}

/// A `Range` value a script may send without a preflight: `bytes=N-` or `bytes=N-M`.
fn simple_range(value: &str) -> Result<(), &'static str> {
    let rest = value.get(..5).filter(|b| b.eq_ignore_ascii_case("bytes")).map(|_| &value[5..]).ok_or("it does not start with bytes=")?;
    let rest = rest.strip_prefix('=').ok_or("it does not start with bytes=")?;
    let (start, end) = rest.split_once('-').ok_or("it has no '-'")?;
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !digits(start) || !digits(end) {
        return Err("it is not one range of digits");
    }
    if start.is_empty() {
        return Err("a range without a start (bytes=-N) needs a preflight");
    }
    // Compared as numbers of any length: without leading zeros, by length, then digit by digit.
    let (s, e) = (start.trim_start_matches('0'), end.trim_start_matches('0'));
    if end.is_empty() || (s.len(), s) <= (e.len(), e) {
        Ok(())
    } else {
        Err("its start is after its end")
    }
}

/// Whether a header may go without a preflight (a CORS-safelisted request-header), and why.
pub fn safelisted_header(name: &str, value: &str) -> Result<&'static str, String> {
    let len = value.chars().count();
    let lower = name.to_ascii_lowercase();
    let known = matches!(lower.as_str(), "accept" | "accept-language" | "content-language" | "content-type" | "range");
    if !known {
        return Err(format!("{name} is not one of the safelisted names (Accept, Accept-Language, Content-Language, Content-Type, Range)"));
    }
    if len > 128 {
        return Err(format!("its value is {len} bytes; a safelisted value is at most 128"));
    }
    let bad_byte = || value.chars().find(|c| cors_unsafe_byte(*c));
    match lower.as_str() {
        "accept" => match bad_byte() {
            Some(c) => Err(format!("its value holds {c:?}, which a safelisted value may not")),
            None => Ok("Accept, with no unsafe byte"),
        },
        "accept-language" | "content-language" => match value.chars().find(|c| !(c.is_ascii_alphanumeric() || " *,-.;=".contains(*c))) {
            Some(c) => Err(format!("its value holds {c:?}; a language value is letters, digits, space and * , - . ; =")),
            None => Ok("a language tag list"),
        },
        "content-type" => {
            if let Some(c) = bad_byte() {
                return Err(format!("its value holds {c:?}, which a safelisted value may not"));
            }
            match mime_essence(value).as_deref() {
                Some("application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain") => Ok("one of the three types an HTML form can send"),
                Some(essence) => Err(format!("{essence} is not one of the three types an HTML form can send (application/x-www-form-urlencoded, multipart/form-data, text/plain)")),
                None => Err("its value is not a MIME type".into()),
            }
        }
        _ => simple_range(value).map(|_| "a single byte range with a start").map_err(|e| format!("Range: {e}")),
    }
}

/// The names that make a preflight necessary (the CORS-unsafe request-header names): sorted,
/// lower-case, each once. Safelisted values together longer than 1024 bytes count too.
pub fn unsafe_names(headers: &[(String, String)]) -> (Vec<String>, Vec<Check>) {
    let mut names = Vec::new();
    let mut checks = Vec::new();
    let mut potential = Vec::new();
    let mut total = 0;
    for (name, value) in headers {
        match safelisted_header(name, value) {
            Ok(why) => {
                checks.push(check(format!("{name} is safelisted"), true, why, "cors-safelisted-request-header"));
                potential.push(name.to_ascii_lowercase());
                total += value.chars().count();
            }
            Err(why) => {
                checks.push(check(format!("{name} needs a preflight"), false, why, "cors-safelisted-request-header"));
                names.push(name.to_ascii_lowercase());
            }
        }
    }
    if total > 1024 {
        checks.push(check("safelisted values in total", false, format!("{total} bytes, over 1024: every safelisted name needs the preflight too"), "cors-unsafe-request-header-names"));
        names.extend(potential);
    }
    names.sort();
    names.dedup();
    (names, checks)
}

// ---------------------------------------------------------------------------------------------
// The preflight cache

/// One entry of the preflight cache: a method or a header name allowed for a while.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheEntry {
    pub origin: String,
    pub url: String,
    pub credentials: bool,
    /// Exactly one of `method` and `header` is set.
    pub method: Option<String>,
    pub header: Option<String>,
    /// When it expires, in microseconds of the scenario's clock.
    pub expires: u64,
}

/// The browser's preflight cache (keyed, as in Chromium, by origin, URL and credentials).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PreflightCache {
    pub entries: Vec<CacheEntry>,
}

/// Who is asking: the page's origin, the URL, whether credentials are included, and when.
#[derive(Debug, Clone, Copy)]
pub struct Key<'a> {
    pub origin: &'a str,
    pub url: &'a str,
    pub include: bool,
    pub now: u64,
}

impl PreflightCache {
    fn live(&self, key: &Key) -> Vec<&CacheEntry> {
        self.entries.iter().filter(|e| e.origin == key.origin && e.url == key.url && e.credentials == key.include && e.expires > key.now).collect()
    }

    /// Whether a live entry allows `method` (a method cache entry match).
    pub fn method_match(&self, key: &Key, method: &str) -> Option<&CacheEntry> {
        self.live(key).into_iter().find(|e| e.method.as_deref().is_some_and(|m| m == method || (m == "*" && !key.include)))
    }

    /// Whether a live entry allows the header `name` (a header-name cache entry match). As in
    /// Chromium, `*` covers Authorization too (see [`check_preflight`]).
    pub fn header_match(&self, key: &Key, name: &str) -> Option<&CacheEntry> {
        self.live(key).into_iter().find(|e| e.header.as_deref().is_some_and(|h| h.eq_ignore_ascii_case(name) || (h == "*" && !key.include)))
    }

    /// Stores what a successful preflight allowed, for `max_age` seconds: each method and header
    /// name gets an entry, or its entry a new expiry.
    pub fn store(&mut self, key: &Key, methods: &[String], headers: &[String], max_age: u64) {
        let expires = key.now.saturating_add(max_age.saturating_mul(1_000_000));
        let mut put = |method: Option<&String>, header: Option<&String>| {
            let same = |e: &&mut CacheEntry| e.origin == key.origin && e.url == key.url && e.credentials == key.include && e.method.as_ref() == method && e.header.as_ref().map(|h| h.to_ascii_lowercase()) == header.map(|h| h.to_ascii_lowercase());
            match self.entries.iter_mut().find(same) {
                Some(e) => e.expires = expires,
                None => self.entries.push(CacheEntry { origin: key.origin.into(), url: key.url.into(), credentials: key.include, method: method.cloned(), header: header.cloned(), expires }),
            }
        };
        for m in methods {
            put(Some(m), None);
        }
        for h in headers {
            put(None, Some(h));
        }
    }
}

/// Whether the request needs a preflight, and each reason (or the cache entries that spare it).
pub fn needs_preflight(method: &str, unsafe_names: &[String], cache: &PreflightCache, key: &Key) -> (bool, Vec<Check>) {
    const ANCHOR: &str = "cors-preflight-fetch";
    let mut checks = Vec::new();
    let mut needed = false;
    if is_safelisted_method(method) {
        checks.push(check(format!("{method} is a safelisted method"), true, "GET, HEAD and POST need no preflight for their method", "cors-safelisted-method"));
    } else if cache.method_match(key, method).is_some() {
        checks.push(check(format!("{method}: allowed by the preflight cache"), true, "an earlier preflight allowed it and its max-age has not run out", "concept-cache-match"));
    } else {
        checks.push(check(format!("{method} is not a safelisted method"), false, "only GET, HEAD and POST go without asking; any other method is sent only if the server says yes first", "cors-safelisted-method"));
        needed = true;
    }
    for name in unsafe_names {
        if cache.header_match(key, name).is_some() {
            checks.push(check(format!("{name}: allowed by the preflight cache"), true, "an earlier preflight allowed it and its max-age has not run out", "concept-cache-match"));
        } else {
            checks.push(check(format!("{name} is not safelisted"), false, "a header a form could not send must be allowed by the server first", "cors-unsafe-request-header-names"));
            needed = true;
        }
    }
    checks.push(check(if needed { "a preflight is needed" } else { "no preflight: a simple request" }, true, if needed { "the browser first asks with OPTIONS, and sends the request only if the answer allows it" } else { "the request goes at once, and the server acts on it; the CORS check decides only whether the script may read the response" }, ANCHOR));
    (needed, checks)
}

/// The preflight request Chromium sends for `method` with these unsafe header names.
pub fn preflight_request(origin: &Origin, target: &Origin, path: &str, method: &str, unsafe_names: &[String]) -> Message {
    let mut m = Message::request("OPTIONS", path).header("Host", &target.authority()).header("Accept", "*/*").header("Access-Control-Request-Method", method);
    if !unsafe_names.is_empty() {
        m = m.header("Access-Control-Request-Headers", &unsafe_names.join(","));
    }
    m.header("Origin", &origin.serialize()).header("Sec-Fetch-Mode", "cors").header("Sec-Fetch-Dest", "empty")
}

// ---------------------------------------------------------------------------------------------
// Reading the server's answers

/// A header's value as the Fetch Standard "gets" it: every line with that name, joined by ", ".
pub fn get(headers: &[(String, String)], name: &str) -> Option<String> {
    let values: Vec<&str> = headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| trim_http(v)).collect();
    (!values.is_empty()).then(|| values.join(", "))
}

/// The items of a comma-separated list header: `None` when absent, `Err` when an item is not a
/// token. Empty items are skipped, as Chromium does.
fn list(headers: &[(String, String)], name: &str) -> Option<Result<Vec<String>, String>> {
    let value = get(headers, name)?;
    Some(value.split(',').map(trim_http).filter(|v| !v.is_empty()).map(|v| if is_token(v) { Ok(v.to_string()) } else { Err(v.to_string()) }).collect())
}

/// The CORS check: may the script see this response?
pub fn cors_check(origin: &str, credentials: Credentials, headers: &[(String, String)]) -> (Vec<Check>, Result<(), CorsError>) {
    const ANCHOR: &str = "cors-check";
    let mut checks = Vec::new();
    let Some(allow) = get(headers, "Access-Control-Allow-Origin") else {
        checks.push(check("Access-Control-Allow-Origin is present", false, "the response has no Access-Control-Allow-Origin: the server did not opt in", ANCHOR));
        return (checks, Err(CorsError::MissingAllowOrigin));
    };
    if allow == "*" {
        if credentials.include() {
            checks.push(check("Access-Control-Allow-Origin: * with credentials", false, "a wildcard would hand any site the person's signed-in data, so it counts only without credentials", ANCHOR));
            return (checks, Err(CorsError::WildcardWithCredentials));
        }
        checks.push(check("Access-Control-Allow-Origin: *", true, "any origin may read it, and this request has no credentials", ANCHOR));
        return (checks, Ok(()));
    }
    if allow != origin {
        let error = if allow.contains([',', ' ']) {
            CorsError::MultipleAllowOrigin(allow.clone())
        } else if allow != "null" && parse_url(&allow).is_err() {
            CorsError::InvalidAllowOrigin(allow.clone())
        } else {
            CorsError::AllowOriginMismatch(allow.clone())
        };
        checks.push(check(format!("Access-Control-Allow-Origin is {origin}"), false, format!("it is '{allow}', compared byte for byte with the origin"), ANCHOR));
        return (checks, Err(error));
    }
    checks.push(check(format!("Access-Control-Allow-Origin is {origin}"), true, "exactly the request's origin", ANCHOR));
    if !credentials.include() {
        return (checks, Ok(()));
    }
    let allow_credentials = get(headers, "Access-Control-Allow-Credentials").unwrap_or_default();
    if allow_credentials == "true" {
        checks.push(check("Access-Control-Allow-Credentials: true", true, "the server accepts that this response depends on the person's cookies", ANCHOR));
        (checks, Ok(()))
    } else {
        checks.push(check("Access-Control-Allow-Credentials: true", false, if allow_credentials.is_empty() { "it is missing, and a request with credentials needs it".to_string() } else { format!("it is '{allow_credentials}'; only the exact value true counts") }, ANCHOR));
        (checks, Err(CorsError::InvalidAllowCredentials(allow_credentials)))
    }
}

/// What a successful preflight allowed, and for how long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allowed {
    pub methods: Vec<String>,
    pub headers: Vec<String>,
    /// Seconds, after the default and the cap.
    pub max_age: u64,
}

/// The checks of the preflight's response, in Chromium's order: a redirect, the CORS check,
/// the status, the allowed methods, then the allowed headers.
pub fn check_preflight(origin: &str, credentials: Credentials, method: &str, unsafe_names: &[String], status: u16, headers: &[(String, String)]) -> (Vec<Check>, Result<Allowed, CorsError>) {
    const ANCHOR: &str = "cors-preflight-fetch";
    if (300..400).contains(&status) && get(headers, "Location").is_some() {
        return (vec![check(format!("the preflight answer is not a redirect ({status})"), false, "a preflight is never redirected", ANCHOR)], Err(CorsError::PreflightRedirect));
    }
    let (mut checks, access) = cors_check(origin, credentials, headers);
    if let Err(e) = access {
        return (checks, Err(e));
    }
    if !(200..300).contains(&status) {
        checks.push(check(format!("status {status} is ok (2xx)"), false, "the preflight must succeed as a request first", "ok-status"));
        return (checks, Err(CorsError::PreflightStatus));
    }
    checks.push(check(format!("status {status} is ok (2xx)"), true, "", "ok-status"));
    let methods = match list(headers, "Access-Control-Allow-Methods") {
        Some(Err(bad)) => {
            checks.push(check("Access-Control-Allow-Methods can be read", false, format!("'{bad}' is not a method name"), "http-access-control-allow-methods"));
            return (checks, Err(CorsError::InvalidAllowMethods));
        }
        Some(Ok(m)) => m,
        None => Vec::new(),
    };
    let names = match list(headers, "Access-Control-Allow-Headers") {
        Some(Err(bad)) => {
            checks.push(check("Access-Control-Allow-Headers can be read", false, format!("'{bad}' is not a header name"), "http-access-control-allow-headers"));
            return (checks, Err(CorsError::InvalidAllowHeaders));
        }
        Some(Ok(h)) => h,
        None => Vec::new(),
    };
    let star = |items: &[String]| items.iter().any(|i| i == "*");
    if methods.iter().any(|m| m == method) {
        checks.push(check(format!("{method} is in Access-Control-Allow-Methods"), true, "", ANCHOR));
    } else if is_safelisted_method(method) {
        checks.push(check(format!("{method} needs no permission"), true, "GET, HEAD and POST are always allowed", ANCHOR));
    } else if !credentials.include() && star(&methods) {
        checks.push(check(format!("{method} is allowed by *"), true, "* allows any method for a request without credentials", ANCHOR));
    } else {
        let near = methods.iter().find(|m| m.eq_ignore_ascii_case(method));
        let detail = match near {
            Some(m) => format!("the list has '{m}', but methods are compared case-sensitively"),
            None if star(&methods) => "* counts only for a request without credentials".to_string(),
            None if methods.is_empty() => "the answer allows no method".to_string(),
            None => format!("the list is {}", methods.join(", ")),
        };
        checks.push(check(format!("{method} is in Access-Control-Allow-Methods"), false, detail, ANCHOR));
        return (checks, Err(CorsError::MethodNotAllowed(method.to_string())));
    }
    // Every name is checked, and every refused one kept.
    let listed = |name: &str| names.iter().any(|n| n.eq_ignore_ascii_case(name));
    let mut refused = Vec::new();
    for name in unsafe_names {
        if listed(name) {
            checks.push(check(format!("{name} is in Access-Control-Allow-Headers"), true, "", ANCHOR));
        } else if !credentials.include() && star(&names) {
            let detail = if name == "authorization" {
                "the Fetch Standard says * never covers Authorization, and Firefox and Safari refuse it; Chromium still lets it through, and warns that it will stop"
            } else {
                "* allows any header for a request without credentials"
            };
            checks.push(check(format!("{name} is allowed by *"), true, detail, ANCHOR));
        } else {
            let detail = if star(&names) { "* counts only for a request without credentials".to_string() } else if names.is_empty() { "the answer allows no header".to_string() } else { format!("the list is {}", names.join(", ")) };
            checks.push(check(format!("{name} is in Access-Control-Allow-Headers"), false, detail, ANCHOR));
            refused.push(name.clone());
        }
    }
    if !refused.is_empty() {
        return (checks, Err(CorsError::HeaderNotAllowed(refused)));
    }
    let max_age = match get(headers, "Access-Control-Max-Age") {
        Some(v) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => {
            let secs = if v.trim_start_matches('0').len() > 18 { u64::MAX } else { v.parse::<u64>().unwrap_or(0) };
            let capped = secs.min(MAX_AGE_CAP);
            let detail = if capped < secs { format!("{secs} s asked, capped at {MAX_AGE_CAP} s (Chromium's limit)") } else { format!("{secs} s") };
            checks.push(check("the answer is cached", true, detail, "http-access-control-max-age"));
            capped
        }
        other => {
            let detail = match other {
                Some(v) => format!("'{v}' is not a number of seconds, so the default {MAX_AGE_DEFAULT} s"),
                None => format!("no Access-Control-Max-Age, so the default {MAX_AGE_DEFAULT} s"),
            };
            checks.push(check("the answer is cached", true, detail, "http-access-control-max-age"));
            MAX_AGE_DEFAULT
        }
    };
    (checks, Ok(Allowed { methods, headers: names, max_age }))
}

/// The response headers a script may read: the safelisted ones and those the server exposes.
pub fn exposed(credentials: Credentials, headers: &[(String, String)]) -> Vec<String> {
    const SAFE: [&str; 7] = ["cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma"];
    let exposed: Vec<String> = match list(headers, "Access-Control-Expose-Headers") {
        Some(Ok(items)) => items,
        _ => Vec::new(),
    };
    let all = !credentials.include() && exposed.iter().any(|e| e == "*");
    let mut out = Vec::new();
    for (name, _) in headers {
        let lower = name.to_ascii_lowercase();
        let readable = lower != "set-cookie" && lower != "set-cookie2" && (SAFE.contains(&lower.as_str()) || all || exposed.iter().any(|e| e.eq_ignore_ascii_case(name)));
        if readable && !out.contains(&lower) {
            out.push(lower);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// One fetch, start to end

/// What a script calls: `fetch(url, { method, headers, credentials })` from a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetch {
    /// The page's origin (or any URL on it).
    pub page: String,
    pub url: String,
    pub method: String,
    pub headers: Vec<(String, String)>,
    pub credentials: Credentials,
}

/// How the server answers a request: a status and headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
}

/// Everything the browser did with one fetch.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Decision {
    /// Before anything is sent: the request as fetch builds it, and whether it needs a preflight.
    pub checks: Vec<Check>,
    /// The checks of the preflight's answer.
    pub preflight_checks: Vec<Check>,
    /// The CORS check of the response.
    pub response_checks: Vec<Check>,
    /// The TypeError `fetch` threw before sending anything.
    pub type_error: Option<String>,
    /// Both origins are the same: CORS does not apply.
    pub same_origin: bool,
    pub preflight: Option<Message>,
    /// The request itself, when it was sent (the server then acted on it, whatever follows).
    pub request: Option<Message>,
    pub error: Option<CorsError>,
    /// Chromium's console line for the error.
    pub console: Option<String>,
    /// The response headers the script may read, when the fetch succeeded.
    pub exposed: Vec<String>,
}

impl Decision {
    /// Whether the script got the response.
    pub fn ok(&self) -> bool {
        self.type_error.is_none() && self.error.is_none()
    }
}

/// Runs one fetch as a browser does, against a server that answers a preflight with
/// `preflight` and the request with `answer`; `cache` is the browser's preflight cache and
/// `now` the time in microseconds. A URL that cannot be read is a TypeError, as in a browser.
pub fn decide(fetch: &Fetch, preflight: &Answer, answer: &Answer, cache: &mut PreflightCache, now: u64) -> Decision {
    let mut d = Decision::default();
    let (page, target) = match (parse_url(&fetch.page), parse_url(&fetch.url)) {
        (Ok((page, _)), Ok(target)) => (page, target),
        (Err(e), _) | (_, Err(e)) => {
            d.type_error = Some(format!("TypeError: Failed to execute 'fetch' on 'Window': Failed to parse URL: character {}: {}", e.at, e.message));
            return d;
        }
    };
    let (target, path) = target;
    let prepared = match prepare(&fetch.method, &fetch.headers) {
        Ok(p) => p,
        Err(e) => {
            d.type_error = Some(e);
            return d;
        }
    };
    d.checks = prepared.checks.clone();
    let origin = page.serialize();
    let url = format!("{}{path}", target.serialize());
    let mut request = Message::request(&prepared.method, &path).header("Host", &target.authority());
    for (n, v) in &prepared.headers {
        request = request.header(n, v);
    }
    if page == target {
        d.same_origin = true;
        d.checks.push(check("same origin", true, format!("the page and {url} share scheme, host and port: CORS does not apply"), "concept-request-origin"));
        d.request = Some(request);
        d.exposed = answer.headers.iter().map(|(n, _)| n.to_ascii_lowercase()).filter(|n| n != "set-cookie").collect();
        return d;
    }
    d.checks.push(check("cross-origin", true, format!("{origin} calls {}: the browser adds Origin and applies CORS", target.serialize()), "concept-request-origin"));
    let (names, header_checks) = unsafe_names(&prepared.headers);
    d.checks.extend(header_checks);
    let key = Key { origin: &origin, url: &url, include: fetch.credentials.include(), now };
    let (needed, preflight_checks) = needs_preflight(&prepared.method, &names, cache, &key);
    d.checks.extend(preflight_checks);
    if needed {
        d.preflight = Some(preflight_request(&page, &target, &path, &prepared.method, &names));
        let (checks, result) = check_preflight(&origin, fetch.credentials, &prepared.method, &names, preflight.status, &preflight.headers);
        d.preflight_checks = checks;
        match result {
            Ok(allowed) => cache.store(&key, &allowed.methods, &allowed.headers, allowed.max_age),
            Err(e) => {
                d.console = Some(console(&url, &origin, &e, true));
                d.error = Some(e);
                return d;
            }
        }
    }
    d.request = Some(request.header("Origin", &origin));
    let (checks, result) = cors_check(&origin, fetch.credentials, &answer.headers);
    d.response_checks = checks;
    match result {
        Ok(()) => d.exposed = exposed(fetch.credentials, &answer.headers),
        Err(e) => {
            d.console = Some(console(&url, &origin, &e, false));
            d.error = Some(e);
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
    }

    const APP: &str = "https://app.example";

    #[test]
    fn urls_give_origins_without_default_ports() {
        let (o, path) = parse_url("HTTPS://API.Example:443/items?x=1#top").unwrap();
        assert_eq!((o.serialize(), path.as_str()), ("https://api.example".to_string(), "/items?x=1"));
        let (o, path) = parse_url("http://localhost:8080").unwrap();
        assert_eq!((o.serialize(), path.as_str()), ("http://localhost:8080".to_string(), "/"));
        assert_eq!(parse_url("ftp://x").unwrap_err().at, 1);
        assert_eq!(parse_url("https://a b").unwrap_err().at, 10);
        assert_eq!(parse_url("https://api.example:99999/").unwrap_err().at, 21);
    }

    #[test]
    fn methods_are_normalized_only_for_the_six() {
        assert_eq!(prepare("delete", &[]).unwrap().method, "DELETE");
        assert_eq!(prepare("patch", &[]).unwrap().method, "patch");
        assert_eq!(prepare("TRACE", &[]).unwrap_err(), "TypeError: Failed to execute 'fetch' on 'Window': 'TRACE' HTTP method is unsupported.");
        assert!(prepare("GE T", &[]).unwrap_err().contains("is not a valid HTTP method"));
    }

    #[test]
    fn forbidden_headers_are_dropped_and_invalid_ones_throw() {
        let p = prepare("GET", &h(&[("Cookie", "a=1"), ("Sec-Fetch-Site", "none"), ("X-HTTP-Method-Override", "get, TRACE"), ("X-Id", " 7 ")])).unwrap();
        assert_eq!(p.dropped, vec!["Cookie", "Sec-Fetch-Site", "X-HTTP-Method-Override"]);
        assert_eq!(p.headers, h(&[("X-Id", "7")]));
        assert!(prepare("GET", &h(&[("X Id", "1")])).unwrap_err().ends_with("Invalid name"));
        assert!(prepare("GET", &h(&[("X-Id", "a\nb")])).unwrap_err().ends_with("Invalid value"));
        assert!(prepare("GET", &h(&[("X-Id", "€")])).unwrap_err().contains("ISO-8859-1"));
    }

    #[test]
    fn safelisted_headers_follow_the_standard() {
        assert!(safelisted_header("Content-Type", "text/plain; charset=utf-8").is_ok());
        assert!(safelisted_header("content-type", " Application/X-WWW-Form-Urlencoded ").is_ok());
        assert!(safelisted_header("Content-Type", "application/json").unwrap_err().contains("application/json"));
        assert!(safelisted_header("Content-Type", "text/plain; a=\"b\"").is_err(), "a quote is an unsafe byte");
        assert!(safelisted_header("Accept", "application/json").is_ok());
        assert!(safelisted_header("Accept", "a:b").is_err());
        assert!(safelisted_header("Accept-Language", "en-GB;q=0.9, fr").is_ok());
        assert!(safelisted_header("Content-Language", "en_GB").is_err());
        assert!(safelisted_header("Range", "bytes=0-99").is_ok());
        assert!(safelisted_header("Range", "bytes=100-").is_ok());
        assert!(safelisted_header("Range", "bytes=-100").is_err());
        assert!(safelisted_header("Range", "bytes=9-1").is_err());
        assert!(safelisted_header("Range", "bytes = 0-1").is_err());
        assert!(safelisted_header("Accept", &"a".repeat(129)).unwrap_err().contains("129"));
        assert!(safelisted_header("Authorization", "Bearer x").is_err());
    }

    #[test]
    fn unsafe_names_are_sorted_lower_case_and_count_long_safelisted_values() {
        let (names, _) = unsafe_names(&h(&[("X-B", "1"), ("Content-Type", "application/json"), ("x-b", "2"), ("Authorization", "Bearer t"), ("Accept", "*/*")]));
        assert_eq!(names, vec!["authorization", "content-type", "x-b"]);
        let long = "a".repeat(128);
        let many: Vec<(String, String)> = (0..9).map(|_| ("Accept".to_string(), long.clone())).collect();
        let (names, _) = unsafe_names(&many);
        assert_eq!(names, vec!["accept"], "9 × 128 bytes is over 1024");
    }

    #[test]
    fn the_cors_check_is_byte_exact() {
        let ok = |acao: &str, cred: Credentials, acac: &str| {
            let mut hs = h(&[("Access-Control-Allow-Origin", acao)]);
            if !acac.is_empty() {
                hs.push(("Access-Control-Allow-Credentials".into(), acac.into()));
            }
            cors_check(APP, cred, &hs).1
        };
        assert_eq!(ok("*", Credentials::SameOrigin, ""), Ok(()));
        assert_eq!(ok("*", Credentials::Include, "true"), Err(CorsError::WildcardWithCredentials));
        assert_eq!(ok(APP, Credentials::Include, "true"), Ok(()));
        assert_eq!(ok(APP, Credentials::Include, "TRUE"), Err(CorsError::InvalidAllowCredentials("TRUE".into())));
        assert_eq!(ok(APP, Credentials::Include, ""), Err(CorsError::InvalidAllowCredentials(String::new())));
        assert_eq!(ok("https://app.example/", Credentials::Omit, ""), Err(CorsError::AllowOriginMismatch("https://app.example/".into())));
        assert_eq!(ok("https://app.example, https://b.example", Credentials::Omit, ""), Err(CorsError::MultipleAllowOrigin("https://app.example, https://b.example".into())));
        assert_eq!(ok("app.example", Credentials::Omit, ""), Err(CorsError::InvalidAllowOrigin("app.example".into())));
        let two = h(&[("Access-Control-Allow-Origin", APP), ("access-control-allow-origin", APP)]);
        assert!(matches!(cors_check(APP, Credentials::Omit, &two).1, Err(CorsError::MultipleAllowOrigin(_))));
        assert_eq!(cors_check(APP, Credentials::Omit, &[]).1, Err(CorsError::MissingAllowOrigin));
    }

    fn allow(cred: Credentials, method: &str, names: &[&str], status: u16, hs: &[(&str, &str)]) -> Result<Allowed, CorsError> {
        let mut headers = h(&[("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Credentials", "true")]);
        headers.extend(h(hs));
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        check_preflight(APP, cred, method, &names, status, &headers).1
    }

    #[test]
    fn the_preflight_answer_is_checked_as_chromium_does() {
        let c = Credentials::SameOrigin;
        assert!(allow(c, "PUT", &[], 204, &[("Access-Control-Allow-Methods", "GET, PUT")]).is_ok());
        assert_eq!(allow(c, "PUT", &[], 204, &[("Access-Control-Allow-Methods", "get, put")]), Err(CorsError::MethodNotAllowed("PUT".into())));
        assert_eq!(allow(c, "patch", &[], 204, &[("Access-Control-Allow-Methods", "PATCH")]), Err(CorsError::MethodNotAllowed("patch".into())));
        assert!(allow(c, "PATCH", &[], 204, &[("Access-Control-Allow-Methods", "*")]).is_ok());
        assert!(allow(Credentials::Include, "PATCH", &[], 204, &[("Access-Control-Allow-Methods", "*")]).is_err());
        assert_eq!(allow(c, "PUT", &[], 401, &[("Access-Control-Allow-Methods", "PUT")]), Err(CorsError::PreflightStatus));
        assert_eq!(allow(c, "PUT", &[], 301, &[("Location", "https://api.example/items/")]), Err(CorsError::PreflightRedirect));
        assert_eq!(allow(c, "PUT", &[], 204, &[("Access-Control-Allow-Methods", "PUT, GET POST")]), Err(CorsError::InvalidAllowMethods));
        assert!(allow(c, "PUT", &[], 204, &[("Access-Control-Allow-Methods", "PUT,,GET")]).is_ok(), "empty items are skipped");
        assert!(allow(c, "GET", &["x-api-key"], 204, &[("Access-Control-Allow-Headers", "X-Api-Key")]).is_ok(), "names compare case-insensitively");
        assert_eq!(allow(c, "GET", &["x-api-key"], 204, &[]), Err(CorsError::HeaderNotAllowed(vec!["x-api-key".into()])));
        assert!(allow(c, "GET", &["x-api-key"], 204, &[("Access-Control-Allow-Headers", "*")]).is_ok());
        assert!(allow(c, "GET", &["authorization"], 204, &[("Access-Control-Allow-Headers", "*")]).is_ok(), "Chromium still lets * cover Authorization");
        assert_eq!(allow(c, "GET", &["a", "b", "c"], 204, &[("Access-Control-Allow-Headers", "b")]), Err(CorsError::HeaderNotAllowed(vec!["a".into(), "c".into()])));
        assert_eq!(allow(Credentials::Include, "GET", &["x-api-key"], 204, &[("Access-Control-Allow-Headers", "*")]), Err(CorsError::HeaderNotAllowed(vec!["x-api-key".into()])));
        let age = |v: &str| allow(c, "PUT", &[], 204, &[("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Max-Age", v)]).unwrap().max_age;
        assert_eq!((age("600"), age("86400"), age("-1"), age("ten"), age("99999999999999999999999")), (600, 7200, 5, 5, 7200));
    }

    #[test]
    fn the_cache_spares_a_second_preflight_until_it_expires() {
        let mut cache = PreflightCache::default();
        let key = Key { origin: APP, url: "https://api.example/items", include: false, now: 0 };
        let names = vec!["x-api-key".to_string()];
        assert!(needs_preflight("PUT", &names, &cache, &key).0);
        cache.store(&key, &["PUT".into()], &["X-Api-Key".into()], 600);
        assert!(!needs_preflight("PUT", &names, &cache, &key).0);
        assert!(needs_preflight("DELETE", &[], &cache, &key).0);
        let with_cookies = Key { include: true, ..key };
        assert!(needs_preflight("PUT", &[], &cache, &with_cookies).0, "credentials are part of the key");
        let later = Key { now: 600_000_000, ..key };
        assert!(needs_preflight("PUT", &[], &cache, &later).0, "expired at max-age");
        cache.store(&key, &["*".into()], &["*".into()], 5);
        assert!(!needs_preflight("PATCH", &["x-other".into()], &cache, &key).0);
        assert!(!needs_preflight("GET", &["authorization".into()], &cache, &key).0, "in Chromium * covers Authorization");
        assert!(needs_preflight("GET", &["authorization".into()], &cache, &with_cookies).0);
    }

    #[test]
    fn the_preflight_request_names_method_and_headers() {
        let (app, _) = parse_url(APP).unwrap();
        let (api, path) = parse_url("https://api.example/items/7").unwrap();
        let m = preflight_request(&app, &api, &path, "PUT", &["content-type".into(), "x-api-key".into()]);
        let text = String::from_utf8(m.bytes()).unwrap();
        assert!(text.starts_with("OPTIONS /items/7 HTTP/1.1\r\nHost: api.example\r\nAccept: */*\r\nAccess-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: content-type,x-api-key\r\nOrigin: https://app.example\r\n"), "{text}");
    }

    #[test]
    fn console_messages_match_chromium() {
        let url = "https://api.example/items";
        assert_eq!(console(url, APP, &CorsError::MissingAllowOrigin, false), "Access to fetch at 'https://api.example/items' from origin 'https://app.example' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.");
        assert_eq!(console(url, APP, &CorsError::PreflightStatus, true), "Access to fetch at 'https://api.example/items' from origin 'https://app.example' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: It does not have HTTP ok status.");
        assert_eq!(console(url, APP, &CorsError::MethodNotAllowed("PUT".into()), true), "Access to fetch at 'https://api.example/items' from origin 'https://app.example' has been blocked by CORS policy: Method PUT is not allowed by Access-Control-Allow-Methods in preflight response.");
    }

    #[test]
    fn exposed_headers_are_the_safelisted_and_the_named() {
        let hs = h(&[("Content-Type", "application/json"), ("X-Total", "3"), ("X-Trace", "a"), ("Set-Cookie", "s=1"), ("Access-Control-Expose-Headers", "x-total")]);
        assert_eq!(exposed(Credentials::Omit, &hs), vec!["content-type", "x-total"]);
        let star = h(&[("X-Trace", "a"), ("Set-Cookie", "s=1"), ("Access-Control-Expose-Headers", "*")]);
        assert_eq!(exposed(Credentials::Omit, &star), vec!["x-trace", "access-control-expose-headers"]);
        assert_eq!(exposed(Credentials::Include, &star), Vec::<String>::new());
    }
}
