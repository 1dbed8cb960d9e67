//! The browser's cookie jar: RFC 6265 §5.3 (storage) and §5.4 (the Cookie header), with what
//! RFC 6265bis and Chromium add (Secure only from a secure origin, the name prefixes, SameSite,
//! SameSite=None only with Secure, the 400-day cap, partitioned cookies). Every decision comes
//! with the rule that made it, so the lab can say why a cookie was refused, kept, sent or not.

use super::set_cookie::{self, SameSite, SetCookie};
use crate::cache::rfc9111::http_date;

/// RFC 6265bis §5.6.1 and §5.6.2: no cookie lives longer than 400 days.
pub const MAX_AGE_CAP: i64 = 400 * 86_400;
/// Chromium's Lax+POST window: a cookie without SameSite goes with a cross-site top-level POST
/// for this long after it is created.
pub const LAX_ALLOWING_UNSAFE_S: i64 = 120;
/// The lab's jar holds at most this many cookies (Chromium keeps 180 per domain); a set beyond
/// it is refused with a message, so no scenario grows the jar without bound.
pub const MAX_COOKIES: usize = 180;
/// The longest URL the lab reads.
pub const MAX_URL: usize = 2048;

/// A request or page address, cut into the parts cookies care about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    pub scheme: String,
    /// In lower case; an IPv6 address keeps its brackets.
    pub host: String,
    pub port: Option<u16>,
    /// Starts with `/`; percent-encoded unreserved characters decoded, as Chromium's URL
    /// canonicaliser does.
    pub path: String,
}

impl Url {
    /// Reads `http://host[:port][/path][?query][#fragment]` (or https, ws, wss). The error names
    /// what is wrong.
    pub fn parse(text: &str) -> Result<Url, String> {
        let text = text.trim();
        if text.len() > MAX_URL {
            return Err(format!("the address is {} bytes long; the lab reads at most {MAX_URL}", text.len()));
        }
        let (scheme, rest) = text.split_once("://").ok_or_else(|| format!("“{text}” has no scheme: write it as https://host/path"))?;
        let scheme = scheme.to_ascii_lowercase();
        if !matches!(scheme.as_str(), "http" | "https" | "ws" | "wss") {
            return Err(format!("“{scheme}:” is not a scheme cookies go with (http, https, ws or wss)"));
        }
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        if authority.contains('@') {
            return Err("the address has a user name before the host; leave it out".into());
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, _)) if !h.ends_with(']') && h.contains(':') => (authority, None), // a bare IPv6 address
            Some((h, p)) => {
                let port = p.parse::<u16>().map_err(|_| format!("“{p}” is not a port number"))?;
                (h, Some(port))
            }
            None => (authority, None),
        };
        let host = host.to_ascii_lowercase();
        let ipv6 = host.starts_with('[') && host.ends_with(']') && host.len() > 2 && host[1..host.len() - 1].bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
        if host.is_empty() {
            return Err("the address has no host".into());
        }
        if !ipv6 {
            if let Some(c) = host.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))) {
                return Err(format!("the host “{host}” holds “{c}”; the lab reads host names of letters, digits, - and ."));
            }
            if host.strip_suffix('.').unwrap_or(&host).split('.').any(str::is_empty) {
                return Err(format!("the host “{host}” has an empty label"));
            }
        }
        let path = tail.split(['?', '#']).next().unwrap_or("");
        let path = if path.is_empty() { "/".to_string() } else { decode_unreserved(path) };
        Ok(Url { scheme, host, port, path })
    }

    /// Whether cookies count this address as secure: https and wss, and (as Chromium and
    /// RFC 6265bis allow) a loopback host, which no network can reach.
    pub fn secure(&self) -> bool {
        matches!(self.scheme.as_str(), "https" | "wss") || self.loopback()
    }

    fn loopback(&self) -> bool {
        self.host == "localhost" || self.host.ends_with(".localhost") || self.host.starts_with("127.") && ip4(&self.host) || self.host == "[::1]"
    }

    /// The site: the scheme and the registrable domain (RFC 6265bis §5.2, schemeful).
    pub fn site(&self) -> String {
        let scheme = match self.scheme.as_str() {
            "wss" => "https",
            "ws" => "http",
            s => s,
        };
        format!("{scheme}://{}", registrable_domain(&self.host).unwrap_or(&self.host))
    }

    pub fn origin(&self) -> String {
        match self.port {
            Some(p) => format!("{}://{}:{p}", self.scheme, self.host),
            None => format!("{}://{}", self.scheme, self.host),
        }
    }
}

fn ip4(host: &str) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4 && parts.iter().all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok_and(|n| n < 256))
}

/// An IP address is never domain-matched by a suffix (RFC 6265 §5.1.3).
pub fn is_ip(host: &str) -> bool {
    ip4(host) || host.starts_with('[')
}

/// `%41` is `A`: the unreserved characters (RFC 3986 §2.3) decoded, the rest left as written.
fn decode_unreserved(path: &str) -> String {
    let b = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                let c = (h * 16 + l) as u8;
                if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~') {
                    out.push(c as char);
                    i += 3;
                    continue;
                }
            }
        }
        let ch = path[i..].chars().next().unwrap_or('\u{fffd}');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

/// The public suffixes the lab knows: a small part of the Public Suffix List, enough for its
/// scenarios and the common cases (a real browser ships the whole list).
pub const PUBLIC_SUFFIXES: &[&str] = &[
    "com", "org", "net", "edu", "gov", "io", "dev", "app", "test", "example", "localhost", "uk", "co.uk", "org.uk", "ac.uk", "jp", "co.jp",
    "de", "fr", "au", "com.au", "github.io", "herokuapp.com", "pages.dev", "vercel.app", "blogspot.com",
];

pub fn is_public_suffix(domain: &str) -> bool {
    PUBLIC_SUFFIXES.contains(&domain.trim_end_matches('.'))
}

/// The registrable domain (eTLD+1): the longest public suffix of the host and one label more.
/// None for an IP address or a host that is itself a public suffix.
pub fn registrable_domain(host: &str) -> Option<&str> {
    if is_ip(host) || is_public_suffix(host) {
        return None;
    }
    let mut best: Option<usize> = None; // byte offset where the suffix starts
    for (i, _) in host.match_indices('.') {
        if is_public_suffix(&host[i + 1..]) {
            best = Some(i + 1);
            break; // the first dot gives the longest suffix
        }
    }
    let start = best?;
    let before = &host[..start - 1];
    let label_start = before.rfind('.').map_or(0, |i| i + 1);
    Some(&host[label_start..])
}

/// RFC 6265 §5.1.3: does `host` domain-match `domain`?
pub fn domain_match(host: &str, domain: &str) -> bool {
    host == domain || (host.len() > domain.len() && host.ends_with(domain) && host.as_bytes()[host.len() - domain.len() - 1] == b'.' && !is_ip(host))
}

/// RFC 6265 §5.1.4: the default path of a request path, its "directory".
pub fn default_path(path: &str) -> String {
    if !path.starts_with('/') {
        return "/".into();
    }
    match path.rfind('/') {
        Some(0) | None => "/".into(),
        Some(i) => path[..i].to_string(),
    }
}

/// RFC 6265 §5.1.4: does the request path path-match the cookie path?
pub fn path_match(request: &str, cookie: &str) -> bool {
    request == cookie
        || (request.starts_with(cookie) && (cookie.ends_with('/') || request.as_bytes().get(cookie.len()) == Some(&b'/')))
}

/// A server reading a Cookie header (RFC 6265 §4.2.1: `name=value` pairs joined by `; `),
/// leniently, as servers do: pairs split at `;`, each at its first `=`, spaces trimmed; a pair
/// without `=` or with an empty name is skipped. At most 180 pairs are read. Duplicates are kept
/// in order: most servers take the first, which the browser put first because its path is the
/// longest.
pub fn parse_cookie_header(value: &str) -> Vec<(String, String)> {
    value
        .split(';')
        .filter_map(|pair| pair.split_once('='))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .filter(|(n, _)| !n.is_empty())
        .take(MAX_COOKIES)
        .collect()
}

/// Who hands the jar a cookie or asks for one: a response's Set-Cookie and a request's Cookie
/// (HTTP), or a script's `document.cookie` (a "non-HTTP" API).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    Http,
    Script,
}

/// A cookie in the jar (RFC 6265 §5.3's fields).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cookie {
    pub name: String,
    pub value: String,
    pub domain: String,
    pub host_only: bool,
    pub path: String,
    pub secure: bool,
    pub http_only: bool,
    /// None: no valid SameSite was given (the browser's default applies).
    pub same_site: Option<SameSite>,
    /// None: a session cookie, gone when the browser closes.
    pub expires: Option<i64>,
    /// When it was first set (kept when it is replaced, §5.3 step 11), seconds.
    pub created: i64,
    /// Order of creation, to break ties in the Cookie header.
    pub seq: u64,
    /// CHIPS: the top-level site it was set under, when Partitioned.
    pub partition: Option<String>,
}

impl Cookie {
    /// The same cookie for the jar: same name, domain, host-only flag, path (and partition).
    fn same_slot(&self, other: &Cookie) -> bool {
        self.name == other.name && self.domain == other.domain && self.host_only == other.host_only && self.path == other.path && self.partition == other.partition
    }

    pub fn expired(&self, now: i64) -> bool {
        self.expires.is_some_and(|t| t <= now)
    }

    /// `name=value`, as the Cookie header carries it.
    pub fn pair(&self) -> String {
        format!("{}={}", self.name, self.value)
    }
}

/// One rule the storage model checked, and what it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub ok: bool,
    pub text: String,
    /// e.g. `RFC 6265 §5.3 step 6`.
    pub rule: &'static str,
}

fn check(ok: bool, text: impl Into<String>, rule: &'static str) -> Check {
    Check { ok, text: text.into(), rule }
}

/// What happened to a Set-Cookie line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Stored as a new cookie.
    Stored,
    /// Stored in place of an older cookie of the same name, domain and path (its creation time
    /// kept).
    Replaced,
    /// It expired at once, and removed the cookie it matched (if any): how a server deletes one.
    Deleted { removed: bool },
    /// Ignored entirely; the last failed check says why.
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetResult {
    pub parsed: Result<SetCookie, set_cookie::Ignored>,
    pub outcome: Outcome,
    pub checks: Vec<Check>,
    /// The cookie as stored (also for Deleted: what it would have been).
    pub cookie: Option<Cookie>,
}

/// How the request is made, for SameSite and third-party cookies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The page that makes the request (the site for cookies); None when the person typed the
    /// address or opened a bookmark.
    pub initiator: Option<Url>,
    /// A top-level navigation (the address bar changes), as opposed to a subresource or frame.
    pub navigation: bool,
    pub method: String,
    /// The top-level page's address when the request is made inside a frame of it, for
    /// partitioned cookies; None: the initiator is the top-level page.
    pub top_level: Option<Url>,
}

impl Context {
    /// The person typed the address: a same-site, top-level GET.
    pub fn typed() -> Context {
        Context { initiator: None, navigation: true, method: "GET".into(), top_level: None }
    }

    /// Is the request cross-site (RFC 6265bis §5.2)?
    pub fn cross_site(&self, url: &Url) -> bool {
        self.initiator.as_ref().is_some_and(|i| i.site() != url.site())
    }

    /// The top-level site for partitioning.
    pub fn top_site(&self, url: &Url) -> String {
        match (&self.top_level, &self.initiator, self.navigation) {
            (Some(t), _, _) => t.site(),
            (None, _, true) | (None, None, _) => url.site(),
            (None, Some(i), false) => i.site(),
        }
    }

    fn safe_method(&self) -> bool {
        matches!(self.method.to_ascii_uppercase().as_str(), "GET" | "HEAD" | "OPTIONS" | "TRACE")
    }
}

/// The browser's policy choices that differ between browsers and settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// A cookie without SameSite is treated as Lax (Chromium since 2020; Firefox and Safari do
    /// not).
    pub lax_by_default: bool,
    /// Third-party cookies are blocked: a cross-site subresource gets no unpartitioned cookies
    /// (Safari, Firefox's strict mode, Chromium when the person chooses).
    pub block_third_party: bool,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy { lax_by_default: true, block_third_party: false }
    }
}

/// Why one cookie in the jar goes with a request, or does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Index into the jar's cookies.
    pub index: usize,
    pub sent: bool,
    pub why: String,
    pub rule: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Jar {
    pub cookies: Vec<Cookie>,
    next_seq: u64,
}

impl Jar {
    /// Removes the cookies that have expired by `now`, and returns them.
    pub fn expire(&mut self, now: i64) -> Vec<Cookie> {
        let (gone, kept): (Vec<Cookie>, Vec<Cookie>) = std::mem::take(&mut self.cookies).into_iter().partition(|c| c.expired(now));
        self.cookies = kept;
        gone
    }

    /// RFC 6265 §5.3 with RFC 6265bis' additions: one Set-Cookie line (or a `document.cookie`
    /// write when `api` is Script) received from `url`.
    pub fn set(&mut self, line: &str, url: &Url, ctx: &Context, api: Api, policy: Policy, now: i64) -> SetResult {
        let parsed = set_cookie::parse(line);
        let mut checks = Vec::new();
        let refused = |parsed, checks| SetResult { parsed, outcome: Outcome::Refused, checks, cookie: None };
        let sc = match &parsed {
            Ok(sc) => sc.clone(),
            Err(e) => {
                checks.push(check(false, format!("the line is ignored: {}", e.reason), "RFC 6265 §5.2"));
                return refused(parsed, checks);
            }
        };
        // Expiry: Max-Age wins over Expires (§5.3 step 3); both capped at 400 days.
        let expires = match (sc.max_age, sc.expires) {
            (Some(s), _) if s <= 0 => Some(i64::MIN),
            (Some(s), _) => Some(now.saturating_add(s.min(MAX_AGE_CAP))),
            (None, Some(t)) => Some(t.min(now.saturating_add(MAX_AGE_CAP))),
            (None, None) => None,
        };
        match (sc.max_age, sc.expires, expires) {
            (_, _, None) => checks.push(check(true, "no Max-Age or Expires: a session cookie, gone when the browser closes", "RFC 6265 §5.3 step 3")),
            (Some(s), _, _) if s > MAX_AGE_CAP => checks.push(check(true, format!("Max-Age={s} is more than 400 days; it is cut to 400 days"), "RFC 6265bis §5.6.2")),
            (None, Some(t), _) if t > now.saturating_add(MAX_AGE_CAP) => checks.push(check(true, "Expires is more than 400 days away; it is cut to 400 days", "RFC 6265bis §5.6.1")),
            (Some(_), Some(_), _) => checks.push(check(true, "both Max-Age and Expires: Max-Age wins", "RFC 6265 §5.3 step 3")),
            _ => {}
        }
        // Domain (§5.3 steps 4 to 6).
        let host = url.host.clone();
        let mut domain_attr = sc.domain.clone().unwrap_or_default();
        if domain_attr.ends_with('.') && !domain_attr.is_empty() {
            checks.push(check(false, format!("Domain={domain_attr} ends with a dot; Chromium refuses it"), "RFC 6265 §5.3 step 6"));
            return refused(parsed, checks);
        }
        if !domain_attr.is_empty() && is_public_suffix(&domain_attr) {
            if domain_attr == host {
                checks.push(check(true, format!("Domain={domain_attr} is a public suffix, but it is this host: a host-only cookie"), "RFC 6265 §5.3 step 5"));
                domain_attr.clear();
            } else {
                checks.push(check(false, format!("Domain={domain_attr} is a public suffix: a cookie for every site under it is refused"), "RFC 6265 §5.3 step 5"));
                return refused(parsed, checks);
            }
        }
        let (domain, host_only) = if domain_attr.is_empty() {
            checks.push(check(true, format!("no Domain: host-only, sent to {host} and not to its subdomains"), "RFC 6265 §5.3 step 6"));
            (host.clone(), true)
        } else if domain_match(&host, &domain_attr) {
            checks.push(check(true, format!("{host} is within Domain={domain_attr}: sent to {domain_attr} and every name under it"), "RFC 6265 §5.3 step 6"));
            (domain_attr, false)
        } else {
            checks.push(check(false, format!("{host} is not within Domain={domain_attr}: a site may only set cookies for itself and the domains above it"), "RFC 6265 §5.3 step 6"));
            return refused(parsed, checks);
        };
        let path = sc.path.clone().unwrap_or_else(|| default_path(&url.path));
        if sc.path.is_none() {
            checks.push(check(true, format!("no valid Path: the default path {path}, the directory of {}", url.path), "RFC 6265 §5.1.4"));
        }
        // Secure only from a secure origin (RFC 6265bis §5.7 step 9).
        if sc.secure && !url.secure() {
            checks.push(check(false, format!("Secure, but the response came over {}: only a secure origin may set a Secure cookie", url.scheme), "RFC 6265bis §5.7"));
            return refused(parsed, checks);
        }
        if sc.http_only && api == Api::Script {
            checks.push(check(false, "HttpOnly, but set by a script: a script may not create an HttpOnly cookie", "RFC 6265 §5.3 step 10"));
            return refused(parsed, checks);
        }
        let name_lower = sc.name.to_ascii_lowercase();
        // Leave Secure cookies alone: an insecure origin may not shadow a Secure cookie.
        if !sc.secure && !url.secure() {
            if let Some(old) = self.cookies.iter().find(|c| {
                c.secure && c.name == sc.name && (domain_match(&c.domain, &domain) || domain_match(&domain, &c.domain)) && path_match(&path, &c.path)
            }) {
                checks.push(check(
                    false,
                    format!("a Secure cookie {} already exists for {}{}: an http response may not overwrite or shadow it", old.name, old.domain, old.path),
                    "RFC 6265bis §5.7 step 12",
                ));
                return refused(parsed, checks);
            }
        }
        // SameSite on the way in (RFC 6265bis §5.7 step 15).
        let cross = ctx.cross_site(url);
        if cross && sc.same_site != Some(SameSite::None) && !ctx.navigation && (sc.same_site.is_some() || policy.lax_by_default) {
            checks.push(check(
                false,
                format!("SameSite={} set by a cross-site request that is not a top-level navigation: ignored", sc.same_site.map_or("Lax (the default)", SameSite::name)),
                "RFC 6265bis §5.7 step 15",
            ));
            return refused(parsed, checks);
        }
        if sc.same_site == Some(SameSite::None) && !sc.secure {
            checks.push(check(false, "SameSite=None without Secure: browsers refuse it", "RFC 6265bis §5.7 step 16"));
            return refused(parsed, checks);
        }
        if cross && !ctx.navigation && policy.block_third_party && !sc.partitioned {
            checks.push(check(false, "third-party cookies are blocked, and this one is set in a cross-site context without Partitioned", "browser policy"));
            return refused(parsed, checks);
        }
        if sc.partitioned && !sc.secure {
            checks.push(check(false, "Partitioned without Secure: refused (CHIPS)", "CHIPS"));
            return refused(parsed, checks);
        }
        // Prefixes (RFC 6265bis §5.7 steps 17 to 19), compared without case.
        if name_lower.starts_with("__secure-") && !sc.secure {
            checks.push(check(false, "the name starts with __Secure-, which promises Secure; the attribute is missing", "RFC 6265bis §4.1.3.1"));
            return refused(parsed, checks);
        }
        if name_lower.starts_with("__host-") {
            let ok = sc.secure && host_only && sc.path.as_deref() == Some("/");
            if !ok {
                let mut missing = Vec::new();
                if !sc.secure {
                    missing.push("Secure");
                }
                if !host_only {
                    missing.push("no Domain");
                }
                if sc.path.as_deref() != Some("/") {
                    missing.push("Path=/");
                }
                checks.push(check(false, format!("the name starts with __Host-, which promises Secure, no Domain and Path=/; missing: {}", missing.join(", ")), "RFC 6265bis §4.1.3.2"));
                return refused(parsed, checks);
            }
            checks.push(check(true, "__Host-: Secure, host-only and Path=/, as the prefix promises", "RFC 6265bis §4.1.3.2"));
        } else if name_lower.starts_with("__secure-") {
            checks.push(check(true, "__Secure-: Secure, as the prefix promises", "RFC 6265bis §4.1.3.1"));
        }
        let partition = sc.partitioned.then(|| ctx.top_site(url));
        let mut cookie = Cookie {
            name: sc.name.clone(),
            value: sc.value.clone(),
            domain,
            host_only,
            path,
            secure: sc.secure,
            http_only: sc.http_only,
            same_site: sc.same_site,
            expires,
            created: now,
            seq: self.next_seq,
            partition,
        };
        self.next_seq += 1;
        let old = self.cookies.iter().position(|c| c.same_slot(&cookie));
        if let Some(i) = old {
            if self.cookies[i].http_only && api == Api::Script {
                checks.push(check(false, "a script may not overwrite an HttpOnly cookie", "RFC 6265 §5.3 step 11"));
                return refused(parsed, checks);
            }
        }
        if cookie.expired(now) {
            let removed = old.map(|i| self.cookies.remove(i)).is_some();
            checks.push(check(
                true,
                if removed { "already expired: the cookie it replaces is deleted (how a server deletes a cookie)".to_string() } else { "already expired: nothing is stored".to_string() },
                "RFC 6265 §5.3 step 12",
            ));
            return SetResult { parsed, outcome: Outcome::Deleted { removed }, checks, cookie: Some(cookie) };
        }
        let outcome = match old {
            Some(i) => {
                let old = self.cookies.remove(i);
                cookie.created = old.created;
                cookie.seq = old.seq;
                checks.push(check(true, format!("replaces the cookie {} already set for {}{} (its creation time is kept)", old.name, old.domain, old.path), "RFC 6265 §5.3 step 11"));
                self.cookies.insert(i, cookie.clone());
                Outcome::Replaced
            }
            None => {
                if self.cookies.len() >= MAX_COOKIES {
                    checks.push(check(false, format!("the jar already holds {MAX_COOKIES} cookies, the lab's limit"), "RFC 6265 §6.1"));
                    return refused(parsed, checks);
                }
                self.cookies.push(cookie.clone());
                Outcome::Stored
            }
        };
        SetResult { parsed, outcome, checks, cookie: Some(cookie) }
    }

    /// RFC 6265 §5.4 with RFC 6265bis' SameSite: for every cookie in the jar, whether it goes
    /// with this request, and why. Expired cookies are left out (call [`Jar::expire`] first to
    /// drop them). The sent ones are in the Cookie header's order.
    pub fn decide(&self, url: &Url, ctx: &Context, api: Api, policy: Policy, now: i64) -> Vec<Decision> {
        let cross = ctx.cross_site(url);
        let top = ctx.top_site(url);
        let mut out: Vec<Decision> = self
            .cookies
            .iter()
            .enumerate()
            .map(|(index, c)| {
                let (sent, why, rule) = decide_one(c, url, ctx, api, policy, now, cross, &top);
                Decision { index, sent, why, rule }
            })
            .collect();
        // §5.4 step 2: longer paths first; among equal paths, the earlier created first.
        out.sort_by(|a, b| {
            let (x, y) = (&self.cookies[a.index], &self.cookies[b.index]);
            b.sent.cmp(&a.sent).then(y.path.len().cmp(&x.path.len())).then(x.created.cmp(&y.created)).then(x.seq.cmp(&y.seq))
        });
        out
    }

    /// The Cookie header's value for the sent cookies of [`Jar::decide`] (empty: no header).
    pub fn header(&self, decisions: &[Decision]) -> String {
        decisions.iter().filter(|d| d.sent).map(|d| self.cookies[d.index].pair()).collect::<Vec<_>>().join("; ")
    }
}

#[allow(clippy::too_many_arguments)]
fn decide_one(c: &Cookie, url: &Url, ctx: &Context, api: Api, policy: Policy, now: i64, cross: bool, top: &str) -> (bool, String, &'static str) {
    if c.expired(now) {
        let at = c.expires.filter(|t| *t != i64::MIN).map(http_date).unwrap_or_default();
        return (false, format!("expired {at}"), "RFC 6265 §5.3");
    }
    if c.host_only && url.host != c.domain {
        return (false, format!("host-only for {}, and this request is for {}", c.domain, url.host), "RFC 6265 §5.4 step 1");
    }
    if !c.host_only && !domain_match(&url.host, &c.domain) {
        return (false, format!("for {} and its subdomains; {} is not one of them", c.domain, url.host), "RFC 6265 §5.4 step 1");
    }
    if !path_match(&url.path, &c.path) {
        return (false, format!("for paths under {}; {} is not", c.path, url.path), "RFC 6265 §5.4 step 1");
    }
    if c.secure && !url.secure() {
        return (false, format!("Secure, and this request goes over {}", url.scheme), "RFC 6265 §5.4 step 1");
    }
    if c.http_only && api == Api::Script {
        return (false, "HttpOnly: document.cookie does not show it".into(), "RFC 6265 §5.4 step 1");
    }
    if let Some(p) = &c.partition {
        if p != top {
            return (false, format!("partitioned under {p}; this request is made under {top}"), "CHIPS");
        }
    }
    if cross {
        let effective = c.same_site.or(policy.lax_by_default.then_some(SameSite::Lax));
        let default = if c.same_site.is_none() { " (the default)" } else { "" };
        match effective {
            Some(SameSite::Strict) => {
                return (false, format!("SameSite=Strict{default}, and this request comes from another site"), "RFC 6265bis §5.8.3");
            }
            // Chromium's "Lax+POST": a cookie with no SameSite, set under two minutes ago, still
            // goes with a cross-site top-level POST (a stopgap for sign-in flows).
            Some(SameSite::Lax) if c.same_site.is_none() && ctx.navigation && now.saturating_sub(c.created) <= LAX_ALLOWING_UNSAFE_S => {
                return (true, format!("no SameSite, and set {} s ago: Chromium still sends such a cookie on a cross-site top-level {} for its first 2 minutes (Lax+POST)", now.saturating_sub(c.created), ctx.method.to_ascii_uppercase()), "Chromium");
            }
            Some(SameSite::Lax) if !(ctx.navigation && ctx.safe_method()) => {
                let what = if ctx.navigation { format!("a cross-site {} navigation", ctx.method.to_ascii_uppercase()) } else { "a cross-site subresource request".to_string() };
                return (false, format!("SameSite=Lax{default}, and this is {what}"), "RFC 6265bis §5.8.3");
            }
            _ => {}
        }
        if !ctx.navigation && policy.block_third_party && c.partition.is_none() {
            return (false, "third-party cookies are blocked, and this is a cross-site request".into(), "browser policy");
        }
    }
    let why = match (cross, c.same_site) {
        (true, Some(SameSite::None)) => "SameSite=None and Secure: sent on cross-site requests too".to_string(),
        (true, _) => "a top-level GET navigation from another site: Lax lets it through".to_string(),
        (false, _) => format!("{} matches, {} is under {}{}", if c.host_only { "host" } else { "domain" }, url.path, c.path, if c.secure { ", over a secure connection" } else { "" }),
    };
    (true, why, "RFC 6265 §5.4")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn sites_and_matching() {
        assert_eq!(registrable_domain("www.example.co.uk"), Some("example.co.uk"));
        assert_eq!(registrable_domain("a.b.example.com"), Some("example.com"));
        assert_eq!(registrable_domain("co.uk"), None);
        assert_eq!(url("https://shop.example.com/cart").site(), "https://example.com");
        assert!(domain_match("a.example.com", "example.com"));
        assert!(!domain_match("aexample.com", "example.com"));
        assert!(!domain_match("1.2.3.4", "2.3.4"));
        assert_eq!(default_path("/a/b/c"), "/a/b");
        assert_eq!(default_path("/a"), "/");
        assert!(path_match("/a/b", "/a") && path_match("/a/", "/a/") && !path_match("/ab", "/a"));
        assert_eq!(url("http://x.test/f%6Fo/%2F?q").path, "/foo/%2F");
        assert!(url("http://localhost:8080/").secure());
        assert!(Url::parse("ftp://x/").is_err());
        assert!(Url::parse("http://a..b/").is_err());
    }

    #[test]
    fn secure_samesite_and_prefixes() {
        let mut jar = Jar::default();
        let p = Policy::default();
        let http = url("http://example.com/");
        let https = url("https://example.com/");
        let r = jar.set("a=1; Secure", &http, &Context::typed(), Api::Http, p, 0);
        assert_eq!(r.outcome, Outcome::Refused);
        assert!(jar.set("__Host-s=1; Secure; Path=/", &https, &Context::typed(), Api::Http, p, 0).outcome == Outcome::Stored);
        let r = jar.set("__Host-t=1; Secure; Path=/; Domain=example.com", &https, &Context::typed(), Api::Http, p, 0);
        assert!(r.checks.last().unwrap().text.contains("missing: no Domain"));
        assert_eq!(jar.set("n=1; SameSite=None", &https, &Context::typed(), Api::Http, p, 0).outcome, Outcome::Refused);
        jar.set("lax=1", &https, &Context::typed(), Api::Http, p, 0);
        jar.set("strict=1; SameSite=Strict", &https, &Context::typed(), Api::Http, p, 0);
        jar.set("none=1; SameSite=None; Secure", &https, &Context::typed(), Api::Http, p, 0);
        let evil = url("https://evil.test/");
        let post = Context { initiator: Some(evil.clone()), navigation: true, method: "POST".into(), top_level: None };
        let d = jar.decide(&https, &post, Api::Http, p, 1000);
        assert_eq!(jar.header(&d), "none=1");
        // Lax+POST: cookies without SameSite, under two minutes old, still go.
        let d = jar.decide(&https, &post, Api::Http, p, 120);
        assert_eq!(jar.header(&d), "__Host-s=1; lax=1; none=1");
        assert!(d[0].why.contains("Lax+POST"));
        let get = Context { method: "GET".into(), ..post };
        assert_eq!(jar.header(&jar.decide(&https, &get, Api::Http, p, 1)), "__Host-s=1; lax=1; none=1");
        let d = jar.decide(&https, &Context::typed(), Api::Http, p, 1);
        assert_eq!(jar.header(&d), "__Host-s=1; lax=1; strict=1; none=1");
    }

    #[test]
    fn deletion_and_replacement() {
        let mut jar = Jar::default();
        let p = Policy::default();
        let u = url("https://example.com/app/page");
        assert_eq!(jar.set("a=1", &u, &Context::typed(), Api::Http, p, 100).outcome, Outcome::Stored);
        assert_eq!(jar.cookies[0].path, "/app");
        assert_eq!(jar.set("a=2", &u, &Context::typed(), Api::Http, p, 200).outcome, Outcome::Replaced);
        assert_eq!((jar.cookies[0].value.as_str(), jar.cookies[0].created), ("2", 100));
        assert_eq!(jar.set("a=; Max-Age=0", &u, &Context::typed(), Api::Http, p, 300).outcome, Outcome::Deleted { removed: true });
        assert!(jar.cookies.is_empty());
        jar.set("h=1; HttpOnly", &u, &Context::typed(), Api::Http, p, 0);
        assert_eq!(jar.set("h=2", &u, &Context::typed(), Api::Script, p, 0).outcome, Outcome::Refused);
        assert_eq!(jar.header(&jar.decide(&u, &Context::typed(), Api::Script, p, 0)), "");
    }
}
