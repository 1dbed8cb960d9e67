//! HTTP caching by RFC 9111 (with RFC 9110's field syntax and dates, and RFC 5861's
//! stale-while-revalidate and stale-if-error): one function per decision, each answering with
//! the rule that decided it and its section, so the lab can show why.
//!
//! Times are whole seconds since 1970 (UTC), taken from the scenario; no clock is read here.
//! Header fields are `(name, value)` pairs in the order received; names match without regard
//! to case, and several lines of one field are read as one list (RFC 9110 §5.3).

use crate::civil;

/// The greatest delta-seconds a cache needs to represent: larger values, and overflows, count
/// as this (RFC 9111 §1.2.2).
pub const DELTA_MAX: u64 = 2_147_483_648;

/// The share of the time since Last-Modified used as a heuristic lifetime (RFC 9111 §4.2.2
/// suggests "no more than some fraction"; 10% is what browsers and common caches use).
pub const HEURISTIC_PERCENT: u64 = 10;

/// Status codes whose responses may be stored and given a heuristic lifetime without explicit
/// freshness (RFC 9110 §15.1).
pub const HEURISTICALLY_CACHEABLE: [u16; 12] = [200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501];

/// Status codes this cache understands (RFC 9111 §3): the final ones whose meaning it knows.
/// 206 (partial content) is left out: this cache does not combine ranges (§3.3).
pub const UNDERSTOOD: [u16; 14] = [200, 203, 204, 300, 301, 302, 303, 307, 308, 404, 405, 410, 414, 501];

/// A private cache (one person's browser) or a shared one (a proxy or a CDN).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Private,
    Shared,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Private => "private cache",
            Kind::Shared => "shared cache",
        }
    }
}

/// Header fields in the order received.
pub type Fields = [(String, String)];

/// A field's value, its lines joined with ", " as one list (RFC 9110 §5.3); None when absent.
pub fn field(fields: &Fields, name: &str) -> Option<String> {
    let values: Vec<&str> = fields.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim()).collect();
    if values.is_empty() {
        None
    } else {
        Some(values.join(", "))
    }
}

/// How many lines of a field there are.
fn lines(fields: &Fields, name: &str) -> usize {
    fields.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).count()
}

/// One Cache-Control directive: its name in lower case and its argument, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub name: String,
    pub value: Option<String>,
}

/// A delta-seconds argument (RFC 9111 §1.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delta {
    Seconds(u64),
    /// Not a whole number of seconds: the directive is there, its value is unusable.
    Invalid,
}

impl Delta {
    /// The value, or 0 for an invalid one: a response with invalid freshness information is
    /// treated as stale (RFC 9111 §4.2.1).
    pub fn or_zero(self) -> u64 {
        match self {
            Delta::Seconds(s) => s,
            Delta::Invalid => 0,
        }
    }
}

/// Reads delta-seconds: digits only; more than [`DELTA_MAX`] counts as it.
pub fn delta_seconds(text: &str) -> Delta {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Delta::Invalid;
    }
    let digits = text.trim_start_matches('0');
    if digits.len() > 10 {
        return Delta::Seconds(DELTA_MAX);
    }
    Delta::Seconds(digits.parse::<u64>().unwrap_or(0).min(DELTA_MAX))
}

/// A Cache-Control field, read as a list of directives (RFC 9111 §5.2, RFC 9110 §5.6).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CacheControl {
    pub directives: Vec<Directive>,
    /// What could not be read, or was read with a choice made (a repeated directive).
    pub problems: Vec<String>,
}

fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

impl CacheControl {
    /// Reads the field's value (its lines joined). Commas inside quoted strings do not split;
    /// names are case-insensitive; an element that is not `token [= token / quoted-string]` is
    /// skipped with a problem naming it.
    pub fn parse(value: &str) -> CacheControl {
        let mut cc = CacheControl::default();
        let mut elements = Vec::new();
        let (mut start, mut quoted, mut escaped) = (0, false, false);
        for (i, c) in value.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if quoted => escaped = true,
                '"' => quoted = !quoted,
                ',' if !quoted => {
                    elements.push(&value[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        elements.push(&value[start..]);
        for element in elements {
            let element = element.trim_matches([' ', '\t']);
            if element.is_empty() {
                continue;
            }
            let (name, argument) = match element.split_once('=') {
                Some((n, a)) => (n.trim_matches([' ', '\t']), Some(a.trim_matches([' ', '\t']))),
                None => (element, None),
            };
            if name.is_empty() || !name.chars().all(is_tchar) {
                cc.problems.push(format!("“{}” is not a directive: a name is letters, digits and !#$%&'*+-.^_`|~", shown(element)));
                continue;
            }
            let value = match argument {
                None => None,
                Some(a) if a.starts_with('"') => match unquote(a) {
                    Some(v) => Some(v),
                    None => {
                        cc.problems.push(format!("{name}: the quoted value is not closed"));
                        Some(a[1..].to_string())
                    }
                },
                Some(a) if !a.is_empty() && a.chars().all(is_tchar) => Some(a.to_string()),
                Some(a) => {
                    cc.problems.push(format!("{name}: “{}” is neither a token nor a quoted string", shown(a)));
                    Some(a.to_string())
                }
            };
            let name = name.to_ascii_lowercase();
            if cc.directives.iter().any(|d| d.name == name) {
                cc.problems.push(format!("{name} appears more than once: the first one counts (RFC 9111 §4.2.1)"));
            }
            cc.directives.push(Directive { name, value });
        }
        cc
    }

    /// The Cache-Control field of these header fields (empty when absent).
    pub fn of(fields: &Fields) -> CacheControl {
        field(fields, "cache-control").map(|v| CacheControl::parse(&v)).unwrap_or_default()
    }

    /// The directives written back as a field value: an argument as a token where it is one,
    /// otherwise as a quoted string.
    pub fn to_field(&self) -> String {
        let mut parts = Vec::new();
        for d in &self.directives {
            parts.push(match &d.value {
                None => d.name.clone(),
                Some(v) if !v.is_empty() && v.chars().all(is_tchar) => format!("{}={v}", d.name),
                Some(v) => format!("{}=\"{}\"", d.name, v.replace('\\', "\\\\").replace('"', "\\\"")),
            });
        }
        parts.join(", ")
    }

    pub fn get(&self, name: &str) -> Option<&Directive> {
        self.directives.iter().find(|d| d.name == name)
    }

    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// A directive's delta-seconds argument (the first occurrence); a directive with no
    /// argument has an invalid one.
    pub fn seconds(&self, name: &str) -> Option<Delta> {
        self.get(name).map(|d| d.value.as_deref().map(delta_seconds).unwrap_or(Delta::Invalid))
    }
}

/// A quoted-string's content, or None when it does not close.
fn unquote(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = text[1..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => out.push(chars.next()?),
            c => out.push(c),
        }
    }
    None
}

/// At most 40 characters of a value, its control characters made visible.
fn shown(text: &str) -> String {
    crate::export::visible(&text.chars().take(40).collect::<String>())
}

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const LONG_DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// An HTTP-date in the preferred form, IMF-fixdate (RFC 9110 §5.6.7).
pub fn http_date(secs: i64) -> String {
    let (y, m, d, h, mi, s) = civil::utc_parts(secs);
    let weekday = (secs.div_euclid(86_400) + 3).rem_euclid(7) as usize; // 1970-01-01 was a Thursday
    format!("{}, {d:02} {} {y:04} {h:02}:{mi:02}:{s:02} GMT", DAYS[weekday], MONTHS[m as usize - 1])
}

/// Reads an HTTP-date in any of its three forms (IMF-fixdate, the obsolete RFC 850 form, and
/// asctime's), as RFC 9110 §5.6.7 asks of recipients. None when it is none of them: a cache
/// treats such an Expires as a time in the past (RFC 9111 §5.3).
pub fn parse_http_date(text: &str) -> Option<i64> {
    let text = text.trim();
    let month = |m: &str| MONTHS.iter().position(|x| *x == m).map(|i| i as u32 + 1);
    let time = |t: &str| -> Option<(u32, u32, u32)> {
        let p: Vec<&str> = t.split(':').collect();
        let two = |s: &str| (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u32>().ok()).flatten();
        match p.as_slice() {
            [h, m, s] => Some((two(h).filter(|h| *h < 24)?, two(m).filter(|m| *m < 60)?, two(s).filter(|s| *s < 61)?)),
            _ => None,
        }
    };
    let number = |s: &str, len: usize| (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<i64>().ok()).flatten();
    let valid = |y: i64, m: u32, d: i64| d >= 1 && d <= civil::days_in_month(y, m) as i64;
    let parts: Vec<&str> = text.split(' ').collect();
    let (y, m, d, (h, mi, s)) = if let Some(day) = parts.first().and_then(|p| p.strip_suffix(',')) {
        if DAYS.contains(&day) {
            // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
            let [_, d, mo, y, t, "GMT"] = parts.as_slice() else { return None };
            (number(y, 4)?, month(mo)?, number(d, 2)?, time(t)?)
        } else if LONG_DAYS.contains(&day) {
            // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
            let [_, date, t, "GMT"] = parts.as_slice() else { return None };
            let dm: Vec<&str> = date.split('-').collect();
            let [d, mo, yy] = dm.as_slice() else { return None };
            (two_digit_year(number(yy, 2)?), month(mo)?, number(d, 2)?, time(t)?)
        } else {
            return None;
        }
    } else {
        // asctime: Sun Nov  6 08:49:37 1994 (a one-digit day is padded with a space)
        let p: Vec<&str> = text.split(' ').filter(|s| !s.is_empty()).collect();
        let [day, mo, d, t, y] = p.as_slice() else { return None };
        if !DAYS.contains(day) || !(1..=2).contains(&d.len()) {
            return None;
        }
        (number(y, 4)?, month(mo)?, d.parse().ok()?, time(t)?)
    };
    if !valid(y, m, d) {
        return None;
    }
    Some(civil::from_utc(y, m, d as u32, h, mi, s.min(59)))
}

/// RFC 9110 §5.6.7: a two-digit year more than 50 years in the future is in the past century.
/// Without a clock, the reference is the year 2000's century rule used by common recipients:
/// 00–69 are 2000–2069, 70–99 are 1970–1999.
fn two_digit_year(yy: i64) -> i64 {
    if yy < 70 {
        2000 + yy
    } else {
        1900 + yy
    }
}


/// A decision with the rule that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Why {
    pub yes: bool,
    pub reason: String,
    /// The section of RFC 9111 (or another RFC, named) that gives the rule.
    pub section: &'static str,
}

fn why(yes: bool, reason: impl Into<String>, section: &'static str) -> Why {
    Why { yes, reason: reason.into(), section }
}

/// RFC 9111 §3: may this cache store the response to this request?
pub fn storable(kind: Kind, method: &str, request: &Fields, status: u16, response: &Fields) -> Why {
    let req = CacheControl::of(request);
    let res = CacheControl::of(response);
    let shared = kind == Kind::Shared;
    if method != "GET" && method != "HEAD" {
        return why(false, format!("{} responses are not stored: this cache stores the responses to GET and HEAD", shown(method)), "§3");
    }
    if !(200..=599).contains(&status) {
        return why(false, format!("{status} is not a final status code"), "§3");
    }
    let understood = UNDERSTOOD.contains(&status);
    let must_understand = res.has("must-understand") && understood;
    if !understood {
        return why(false, format!("this cache does not understand status {status}, so it does not store it"), "§3");
    }
    if req.has("no-store") {
        return why(false, "the request says no-store: nothing of it or its response may be stored", "§5.2.1.5");
    }
    if res.has("no-store") && !must_understand {
        return why(false, "the response says no-store", "§5.2.2.5");
    }
    if shared && res.has("private") {
        return why(false, "the response says private: only a private cache may store it", "§5.2.2.7");
    }
    if shared && field(request, "authorization").is_some() && !(res.has("must-revalidate") || res.has("public") || res.has("s-maxage")) {
        return why(false, "the request carried Authorization, and the response does not say public, s-maxage or must-revalidate", "§3.5");
    }
    let allowed = if res.has("public") {
        "it says public"
    } else if !shared && res.has("private") {
        "it says private, and this is a private cache"
    } else if field(response, "expires").is_some() {
        "it has Expires"
    } else if res.has("max-age") {
        "it has max-age"
    } else if shared && res.has("s-maxage") {
        "it has s-maxage"
    } else if HEURISTICALLY_CACHEABLE.contains(&status) {
        "its status is cacheable by default"
    } else {
        return why(false, format!("nothing allows it: no public, Expires, max-age or s-maxage, and {status} is not cacheable by default"), "§3");
    };
    let note = if must_understand && res.has("no-store") { " (must-understand: no-store is ignored for a status this cache understands)" } else { "" };
    why(true, format!("stored: {allowed}{note}"), "§3")
}

/// Where a freshness lifetime came from (RFC 9111 §4.2.1 and §4.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    SMaxAge,
    MaxAge,
    Expires,
    /// A share of the time between Last-Modified and Date.
    Heuristic,
    /// No explicit freshness and no heuristic: stale at once.
    None,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lifetime {
    pub seconds: u64,
    pub rule: Rule,
    pub reason: String,
}

/// RFC 9111 §4.2.1: the freshness lifetime, by the first rule that applies: s-maxage (shared
/// caches), max-age, Expires minus Date, then a heuristic (§4.2.2) for a status cacheable by
/// default or a response marked public. `received` stands for a missing Date (the time the
/// response arrived, as a recipient adds Date; RFC 9110 §6.6.1).
pub fn freshness_lifetime(kind: Kind, status: u16, response: &Fields, received: i64) -> Lifetime {
    let cc = CacheControl::of(response);
    let life = |seconds, rule, reason: String| Lifetime { seconds, rule, reason };
    if kind == Kind::Shared {
        if let Some(d) = cc.seconds("s-maxage") {
            return match d {
                Delta::Seconds(s) => life(s, Rule::SMaxAge, format!("s-maxage={s} (a shared cache uses it before max-age and Expires)")),
                Delta::Invalid => life(0, Rule::SMaxAge, "s-maxage has no valid number of seconds: stale".into()),
            };
        }
    }
    if let Some(d) = cc.seconds("max-age") {
        return match d {
            Delta::Seconds(s) => life(s, Rule::MaxAge, format!("max-age={s}")),
            Delta::Invalid => life(0, Rule::MaxAge, "max-age has no valid number of seconds: stale".into()),
        };
    }
    let date = field(response, "date").and_then(|d| parse_http_date(&d)).unwrap_or(received);
    if let Some(expires) = field(response, "expires") {
        if lines(response, "expires") > 1 {
            return life(0, Rule::Expires, "Expires appears more than once: stale".into());
        }
        return match parse_http_date(&expires) {
            Some(e) if e > date => {
                let seconds = e.saturating_sub(date) as u64;
                life(seconds, Rule::Expires, format!("Expires − Date = {}", civil::span(seconds)))
            }
            Some(_) => life(0, Rule::Expires, "Expires is not after Date: stale".into()),
            None => life(0, Rule::Expires, format!("Expires “{}” is not a date, so it is in the past", shown(&expires))),
        };
    }
    if HEURISTICALLY_CACHEABLE.contains(&status) || cc.has("public") {
        if let Some(modified) = field(response, "last-modified").and_then(|m| parse_http_date(&m)) {
            if modified < date {
                let since = date.saturating_sub(modified) as u64;
                let seconds = (since / 100).saturating_mul(HEURISTIC_PERCENT) + since % 100 * HEURISTIC_PERCENT / 100;
                return life(seconds, Rule::Heuristic, format!("heuristic: {HEURISTIC_PERCENT}% of the {} since Last-Modified", civil::span(since)));
            }
        }
    }
    life(0, Rule::None, "no max-age, s-maxage or Expires, and no Last-Modified for a heuristic: stale at once".into())
}

/// RFC 9111 §4.2.3's age calculation, every term kept for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Age {
    pub age_value: u64,
    pub date_value: i64,
    pub request_time: i64,
    pub response_time: i64,
    pub apparent_age: u64,
    pub response_delay: u64,
    pub corrected_age_value: u64,
    pub corrected_initial_age: u64,
    pub resident_time: u64,
    pub current_age: u64,
}

/// The response's current age at `now`, for a request sent at `request_time` whose response
/// arrived at `response_time`.
pub fn current_age(response: &Fields, request_time: i64, response_time: i64, now: i64) -> Age {
    let age_value = field(response, "age").map(|a| delta_seconds(a.split(',').next().unwrap_or("").trim()).or_zero()).unwrap_or(0);
    let date_value = field(response, "date").and_then(|d| parse_http_date(&d)).unwrap_or(response_time);
    let apparent_age = response_time.saturating_sub(date_value).max(0) as u64;
    let response_delay = response_time.saturating_sub(request_time).max(0) as u64;
    let corrected_age_value = age_value.saturating_add(response_delay);
    let corrected_initial_age = apparent_age.max(corrected_age_value);
    let resident_time = now.saturating_sub(response_time).max(0) as u64;
    let current_age = corrected_initial_age.saturating_add(resident_time);
    Age { age_value, date_value, request_time, response_time, apparent_age, response_delay, corrected_age_value, corrected_initial_age, resident_time, current_age }
}

/// A response a cache holds, with the request that fetched it (for Vary, §4.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub method: String,
    pub request: Vec<(String, String)>,
    pub status: u16,
    pub response: Vec<(String, String)>,
    pub request_time: i64,
    pub response_time: i64,
}

impl Stored {
    pub fn lifetime(&self, kind: Kind) -> Lifetime {
        freshness_lifetime(kind, self.status, &self.response, self.response_time)
    }

    pub fn age(&self, now: i64) -> Age {
        current_age(&self.response, self.request_time, self.response_time, now)
    }

    /// Fresh at `now`: lifetime greater than age (§4.2).
    pub fn fresh(&self, kind: Kind, now: i64) -> bool {
        self.lifetime(kind).seconds > self.age(now).current_age
    }
}

/// What a cache may do with a stored response for a request (RFC 9111 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// Serve it as it is.
    Fresh,
    /// Serve it stale: the request accepts it (max-stale).
    StaleAccepted,
    /// Serve it stale and revalidate in the background (stale-while-revalidate, RFC 5861).
    StaleWhileRevalidate,
    /// Ask the origin first, with a conditional request when there is a validator.
    Revalidate,
    /// The stored response does not answer this request at all.
    NoMatch,
    /// The request says only-if-cached and nothing usable is stored: 504 (§5.2.1.7).
    GatewayTimeout,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reuse {
    pub decision: Use,
    pub reason: String,
    pub section: &'static str,
}

/// The normalised value of a request field for Vary matching (§4.1): lines joined, spaces
/// around commas removed.
fn vary_value(fields: &Fields, name: &str) -> Option<String> {
    field(fields, name).map(|v| v.split(',').map(|p| p.trim()).collect::<Vec<_>>().join(","))
}

/// The field names a response's Vary lists, in lower case.
pub fn vary(response: &Fields) -> Vec<String> {
    field(response, "vary").map(|v| v.split(',').map(|p| p.trim().to_ascii_lowercase()).filter(|p| !p.is_empty()).collect()).unwrap_or_default()
}

/// RFC 9111 §4.1: does this request select the stored response? Names the first field that
/// differs.
pub fn vary_matches(stored: &Stored, request: &Fields) -> Result<(), String> {
    for name in vary(&stored.response) {
        if name == "*" {
            return Err("Vary: * matches no later request".into());
        }
        if vary_value(&stored.request, &name) != vary_value(request, &name) {
            let show = |v: Option<String>| v.map(|v| format!("“{}”", shown(&v))).unwrap_or_else(|| "none".into());
            return Err(format!("Vary: {name} differs (stored for {}, this request has {})", show(vary_value(&stored.request, &name)), show(vary_value(request, &name))));
        }
    }
    Ok(())
}

/// RFC 9111 §4 (with §4.2.4 on serving stale and RFC 5861): may the stored response answer
/// this request at `now`, and how.
pub fn reuse(kind: Kind, stored: &Stored, method: &str, request: &Fields, now: i64) -> Reuse {
    let r = |decision, reason: String, section| Reuse { decision, reason, section };
    let req = CacheControl::of(request);
    let res = CacheControl::of(&stored.response);
    let miss = if req.has("only-if-cached") { Use::GatewayTimeout } else { Use::Revalidate };
    if !(method == stored.method || (method == "HEAD" && stored.method == "GET")) {
        return r(Use::NoMatch, format!("stored for {}, not {}", stored.method, shown(method)), "§4");
    }
    if let Err(reason) = vary_matches(stored, request) {
        return r(if req.has("only-if-cached") { Use::GatewayTimeout } else { Use::NoMatch }, reason, "§4.1");
    }
    if req.has("no-cache") {
        return r(miss, "the request says no-cache: the stored response must be validated first".into(), "§5.2.1.4");
    }
    if field(request, "cache-control").is_none() && field(request, "pragma").is_some_and(|p| p.split(',').any(|d| d.trim().eq_ignore_ascii_case("no-cache"))) {
        return r(miss, "the request says Pragma: no-cache (and has no Cache-Control): validate first".into(), "§5.4");
    }
    if res.has("no-cache") {
        return r(miss, "the response says no-cache: it may be stored but must be validated before each use".into(), "§5.2.2.4");
    }
    let lifetime = stored.lifetime(kind).seconds;
    let age = stored.age(now).current_age;
    if let Some(max_age) = req.seconds("max-age") {
        if kind == Kind::Private && res.has("immutable") && lifetime > age && age > max_age.or_zero() {
            return r(Use::Fresh, format!("fresh and immutable: a reload (max-age={}) does not revalidate it (age {age} s < lifetime {lifetime} s)", max_age.or_zero()), "RFC 8246 §2");
        }
        if age > max_age.or_zero() {
            return r(miss, format!("the request accepts an age of at most {}, and the response is {age} s old", max_age.or_zero()), "§5.2.1.1");
        }
    }
    if lifetime > age {
        if let Some(min_fresh) = req.seconds("min-fresh") {
            if lifetime - age < min_fresh.or_zero() {
                return r(miss, format!("the request wants it fresh for {} s more; it has {} s", min_fresh.or_zero(), lifetime - age), "§5.2.1.3");
            }
        }
        return r(Use::Fresh, format!("fresh: age {age} s < lifetime {lifetime} s"), "§4.2");
    }
    let staleness = age - lifetime;
    if res.has("must-revalidate") {
        return r(miss, format!("stale by {staleness} s, and must-revalidate forbids serving it stale"), "§5.2.2.2");
    }
    if kind == Kind::Shared && (res.has("proxy-revalidate") || res.has("s-maxage")) {
        let which = if res.has("proxy-revalidate") { "proxy-revalidate" } else { "s-maxage (which implies proxy-revalidate)" };
        return r(miss, format!("stale by {staleness} s, and {which} forbids a shared cache to serve it stale"), "§5.2.2.8");
    }
    if let Some(max_stale) = req.get("max-stale") {
        let limit = max_stale.value.as_deref().map(delta_seconds);
        match limit {
            None => return r(Use::StaleAccepted, format!("stale by {staleness} s; the request says max-stale (any staleness)"), "§5.2.1.2"),
            Some(Delta::Seconds(s)) if staleness <= s => return r(Use::StaleAccepted, format!("stale by {staleness} s; the request accepts up to {s} s"), "§5.2.1.2"),
            _ => {}
        }
    }
    if let Some(Delta::Seconds(swr)) = res.seconds("stale-while-revalidate") {
        if staleness <= swr {
            return r(Use::StaleWhileRevalidate, format!("stale by {staleness} s, within stale-while-revalidate={swr}: served now, revalidated in the background"), "RFC 5861 §3");
        }
    }
    r(miss, format!("stale: age {age} s ≥ lifetime {lifetime} s"), "§4.2")
}

/// RFC 5861 §4: may a stale response be served because the origin failed (a 500, 502, 503 or
/// 504, or no answer)?
pub fn stale_if_error(kind: Kind, stored: &Stored, now: i64) -> Why {
    let res = CacheControl::of(&stored.response);
    let lifetime = stored.lifetime(kind).seconds;
    let age = stored.age(now).current_age;
    let staleness = age.saturating_sub(lifetime);
    if res.has("must-revalidate") || (kind == Kind::Shared && (res.has("proxy-revalidate") || res.has("s-maxage"))) {
        return why(false, "must-revalidate (or proxy-revalidate) forbids serving it stale, even on an error: 504", "§5.2.2.2");
    }
    match res.seconds("stale-if-error") {
        Some(Delta::Seconds(s)) if staleness <= s => why(true, format!("stale by {staleness} s, within stale-if-error={s}: served instead of the error"), "RFC 5861 §4"),
        Some(Delta::Seconds(s)) => why(false, format!("stale by {staleness} s, beyond stale-if-error={s}"), "RFC 5861 §4"),
        _ => why(false, "no stale-if-error: the error is passed on", "RFC 5861 §4"),
    }
}

/// RFC 9111 §4.3.1: the validators a revalidation sends (If-None-Match from ETag,
/// If-Modified-Since from Last-Modified).
pub fn conditional_headers(stored: &Stored) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(etag) = field(&stored.response, "etag") {
        out.push(("If-None-Match".to_string(), etag));
    }
    if let Some(modified) = field(&stored.response, "last-modified") {
        if parse_http_date(&modified).is_some() {
            out.push(("If-Modified-Since".to_string(), modified));
        }
    }
    out
}

/// Fields a 304 does not replace in the stored response (RFC 9111 §3.2: Content-Length and
/// the connection's own fields).
const NOT_UPDATED: [&str; 9] = ["content-length", "connection", "keep-alive", "proxy-connection", "te", "transfer-encoding", "upgrade", "proxy-authenticate", "proxy-authentication-info"];

/// RFC 9111 §4.3.4: the stored response after a 304 received at `response_time` for a request
/// sent at `request_time`: each field the 304 carries replaces the stored one, and the age
/// starts again.
pub fn update_from_304(stored: &Stored, not_modified: &Fields, request_time: i64, response_time: i64) -> Stored {
    let mut response: Vec<(String, String)> = stored.response.clone();
    for (name, _) in not_modified {
        let lower = name.to_ascii_lowercase();
        if NOT_UPDATED.contains(&lower.as_str()) {
            continue;
        }
        response.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }
    for (name, value) in not_modified {
        if !NOT_UPDATED.contains(&name.to_ascii_lowercase().as_str()) {
            response.push((name.clone(), value.clone()));
        }
    }
    Stored { response, request_time, response_time, ..stored.clone() }
}

/// RFC 9111 §4.3.4: does a 304 apply to the stored response (its strong or weak ETag, or,
/// without ETags, its Last-Modified)?
pub fn validates(stored: &Stored, not_modified: &Fields) -> bool {
    match (field(not_modified, "etag"), field(&stored.response, "etag")) {
        (Some(a), Some(b)) => a.trim_start_matches("W/") == b.trim_start_matches("W/"),
        (Some(_), None) => false,
        (None, _) => match (field(not_modified, "last-modified"), field(&stored.response, "last-modified")) {
            (Some(a), Some(b)) => parse_http_date(&a).is_some() && parse_http_date(&a) == parse_http_date(&b),
            _ => true,
        },
    }
}

/// RFC 9111 §4.4: a request with an unsafe method whose response is not an error invalidates
/// what the cache holds for its target.
pub fn invalidates(method: &str, status: u16) -> Why {
    let unsafe_method = !matches!(method, "GET" | "HEAD" | "OPTIONS" | "TRACE");
    if !unsafe_method {
        return why(false, format!("{} is safe: nothing stored is invalidated", shown(method)), "§4.4");
    }
    if !(200..400).contains(&status) {
        return why(false, format!("the {} failed ({status}): nothing stored is invalidated", shown(method)), "§4.4");
    }
    why(true, format!("a successful {} changes the resource: the stored response for its URI is invalidated", shown(method)), "§4.4")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
    }

    const T0: i64 = 784_111_777; // Sun, 06 Nov 1994 08:49:37 GMT

    fn stored(response: &[(&str, &str)]) -> Stored {
        Stored { method: "GET".into(), request: h(&[("Accept-Encoding", "gzip")]), status: 200, response: h(response), request_time: T0, response_time: T0 }
    }

    #[test]
    fn dates_in_all_three_forms() {
        for text in ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"] {
            assert_eq!(parse_http_date(text), Some(T0), "{text}");
        }
        assert_eq!(http_date(T0), "Sun, 06 Nov 1994 08:49:37 GMT");
        for bad in ["0", "", "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:49:37 UTC", "tomorrow"] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
    }

    #[test]
    fn cache_control_list_syntax() {
        let cc = CacheControl::parse(r#"Max-Age=60, no-cache="Set-Cookie, X-A", ,public, max-age=5, s-maxage="30", bad name"#);
        assert_eq!(cc.seconds("max-age"), Some(Delta::Seconds(60)));
        assert_eq!(cc.get("no-cache").and_then(|d| d.value.clone()).as_deref(), Some("Set-Cookie, X-A"));
        assert_eq!(cc.seconds("s-maxage"), Some(Delta::Seconds(30)));
        assert!(cc.has("public"));
        assert_eq!(cc.problems.len(), 2, "{:?}", cc.problems); // repeated max-age, bad name
        assert_eq!(delta_seconds("99999999999999999999"), Delta::Seconds(DELTA_MAX));
        assert_eq!(delta_seconds("-1"), Delta::Invalid);
        assert_eq!(CacheControl::parse("max-age").seconds("max-age"), Some(Delta::Invalid));
    }

    #[test]
    fn storability_rules() {
        let get = |kind, req: &[(&str, &str)], status, res: &[(&str, &str)]| storable(kind, "GET", &h(req), status, &h(res)).yes;
        assert!(get(Kind::Shared, &[], 200, &[]), "200 is cacheable by default");
        assert!(!get(Kind::Shared, &[], 302, &[]), "302 needs explicit freshness");
        assert!(get(Kind::Shared, &[], 302, &[("Cache-Control", "max-age=60")]));
        assert!(!get(Kind::Shared, &[], 200, &[("Cache-Control", "no-store")]));
        assert!(!get(Kind::Private, &[("Cache-Control", "no-store")], 200, &[]));
        assert!(!get(Kind::Shared, &[], 200, &[("Cache-Control", "private")]));
        assert!(get(Kind::Private, &[], 200, &[("Cache-Control", "private")]));
        assert!(get(Kind::Private, &[], 302, &[("Cache-Control", "private")]), "private permits a private cache");
        assert!(!get(Kind::Shared, &[("Authorization", "Bearer x")], 200, &[("Cache-Control", "max-age=60")]));
        for allow in ["public", "s-maxage=60", "must-revalidate"] {
            assert!(get(Kind::Shared, &[("Authorization", "Bearer x")], 200, &[("Cache-Control", allow)]), "{allow}");
        }
        assert!(get(Kind::Private, &[("Authorization", "Bearer x")], 200, &[]), "Authorization binds shared caches only");
        assert!(!get(Kind::Shared, &[], 206, &[("Cache-Control", "max-age=60")]), "206 not understood");
        assert!(get(Kind::Shared, &[], 200, &[("Cache-Control", "no-store, must-understand")]));
        assert!(!storable(Kind::Shared, "POST", &[], 200, &h(&[("Cache-Control", "max-age=60")])).yes);
    }

    #[test]
    fn lifetime_rules_in_order() {
        let date = ("Date", "Sun, 06 Nov 1994 08:49:37 GMT");
        let life = |kind, res: &[(&str, &str)]| freshness_lifetime(kind, 200, &h(res), T0);
        let both = [date, ("Cache-Control", "max-age=60, s-maxage=600"), ("Expires", "Sun, 06 Nov 1994 09:49:37 GMT")];
        assert_eq!((life(Kind::Shared, &both).seconds, life(Kind::Shared, &both).rule), (600, Rule::SMaxAge));
        assert_eq!((life(Kind::Private, &both).seconds, life(Kind::Private, &both).rule), (60, Rule::MaxAge));
        let expires = [date, ("Expires", "Sun, 06 Nov 1994 09:49:37 GMT")];
        assert_eq!((life(Kind::Private, &expires).seconds, life(Kind::Private, &expires).rule), (3600, Rule::Expires));
        assert_eq!(life(Kind::Private, &[date, ("Expires", "0")]).seconds, 0, "an invalid Expires is in the past");
        assert_eq!(life(Kind::Private, &[date, ("Expires", "Sun, 06 Nov 1994 09:49:37 GMT"), ("Expires", "Sun, 06 Nov 1994 10:49:37 GMT")]).seconds, 0);
        let heuristic = [date, ("Last-Modified", "Thu, 27 Oct 1994 08:49:37 GMT")];
        assert_eq!((life(Kind::Private, &heuristic).seconds, life(Kind::Private, &heuristic).rule), (86_400, Rule::Heuristic), "10% of 10 days");
        assert_eq!(freshness_lifetime(Kind::Private, 302, &h(&heuristic), T0).seconds, 0, "302 gets no heuristic");
        assert_eq!(freshness_lifetime(Kind::Private, 302, &h(&[heuristic[0], heuristic[1], ("Cache-Control", "public")]), T0).seconds, 86_400);
        assert_eq!(life(Kind::Private, &[("Cache-Control", "max-age=abc"), ("Expires", "Sun, 06 Nov 1994 09:49:37 GMT")]).seconds, 0, "invalid max-age still overrides Expires");
    }

    #[test]
    fn age_calculation() {
        // Sent at T0, arrived 2 s later with Age 10 and a Date 5 s before arrival.
        let res = h(&[("Age", "10"), ("Date", "Sun, 06 Nov 1994 08:49:34 GMT")]);
        let a = current_age(&res, T0, T0 + 2, T0 + 100);
        assert_eq!((a.apparent_age, a.response_delay, a.corrected_age_value, a.corrected_initial_age, a.resident_time, a.current_age), (5, 2, 12, 12, 98, 110));
        let clock_ahead = h(&[("Date", "Sun, 06 Nov 1994 09:49:37 GMT")]);
        assert_eq!(current_age(&clock_ahead, T0, T0, T0).current_age, 0, "a Date in the future gives no negative age");
    }

    #[test]
    fn reuse_rules() {
        let s = stored(&[("Date", "Sun, 06 Nov 1994 08:49:37 GMT"), ("Cache-Control", "max-age=100, stale-while-revalidate=30"), ("Vary", "Accept-Encoding"), ("ETag", "\"v1\"")]);
        let req = h(&[("Accept-Encoding", "gzip")]);
        assert_eq!(reuse(Kind::Private, &s, "GET", &req, T0 + 50).decision, Use::Fresh);
        assert_eq!(reuse(Kind::Private, &s, "HEAD", &req, T0 + 50).decision, Use::Fresh);
        assert_eq!(reuse(Kind::Private, &s, "GET", &h(&[("Accept-Encoding", "br")]), T0 + 50).decision, Use::NoMatch);
        assert_eq!(reuse(Kind::Private, &s, "GET", &req, T0 + 120).decision, Use::StaleWhileRevalidate);
        assert_eq!(reuse(Kind::Private, &s, "GET", &req, T0 + 131).decision, Use::Revalidate);
        let mut no_cache = req.clone();
        no_cache.push(("Cache-Control".into(), "no-cache".into()));
        assert_eq!(reuse(Kind::Private, &s, "GET", &no_cache, T0 + 1).decision, Use::Revalidate);
        let mut pragma = req.clone();
        pragma.push(("Pragma".into(), "no-cache".into()));
        assert_eq!(reuse(Kind::Private, &s, "GET", &pragma, T0 + 1).decision, Use::Revalidate);
        let mut stale_ok = req.clone();
        stale_ok.push(("Cache-Control".into(), "max-stale=60".into()));
        assert_eq!(reuse(Kind::Private, &s, "GET", &stale_ok, T0 + 150).decision, Use::StaleAccepted);
        let mut fresh_for = req.clone();
        fresh_for.push(("Cache-Control".into(), "min-fresh=60".into()));
        assert_eq!(reuse(Kind::Private, &s, "GET", &fresh_for, T0 + 50).decision, Use::Revalidate);
        let mut only = req.clone();
        only.push(("Cache-Control".into(), "only-if-cached".into()));
        assert_eq!(reuse(Kind::Private, &s, "GET", &only, T0 + 500).decision, Use::GatewayTimeout);
        let immutable = stored(&[("Cache-Control", "max-age=600, immutable")]);
        let mut reload = req.clone();
        reload.push(("Cache-Control".into(), "max-age=0".into()));
        assert_eq!(reuse(Kind::Private, &immutable, "GET", &reload, T0 + 60).decision, Use::Fresh, "a reload keeps a fresh immutable response");
        assert_eq!(reuse(Kind::Shared, &immutable, "GET", &reload, T0 + 60).decision, Use::Revalidate, "immutable is for browsers");
        let mut force = req.clone();
        force.push(("Cache-Control".into(), "no-cache".into()));
        assert_eq!(reuse(Kind::Private, &immutable, "GET", &force, T0 + 60).decision, Use::Revalidate, "a forced reload revalidates");
        let must = stored(&[("Cache-Control", "max-age=10, must-revalidate, max-stale=99")]);
        assert_eq!(reuse(Kind::Private, &must, "GET", &stale_ok, T0 + 20).decision, Use::Revalidate, "must-revalidate beats max-stale");
        let smax = stored(&[("Cache-Control", "s-maxage=10, stale-while-revalidate=60")]);
        assert_eq!(reuse(Kind::Shared, &smax, "GET", &req, T0 + 20).decision, Use::Revalidate, "s-maxage implies proxy-revalidate");
        let no_cache_res = stored(&[("Cache-Control", "no-cache, max-age=600")]);
        assert_eq!(reuse(Kind::Private, &no_cache_res, "GET", &req, T0 + 1).decision, Use::Revalidate);
        assert_eq!(reuse(Kind::Private, &stored(&[("Vary", "*"), ("Cache-Control", "max-age=60")]), "GET", &req, T0).decision, Use::NoMatch);
    }

    #[test]
    fn stale_if_error_rules() {
        let s = stored(&[("Cache-Control", "max-age=10, stale-if-error=60")]);
        assert!(stale_if_error(Kind::Private, &s, T0 + 50).yes);
        assert!(!stale_if_error(Kind::Private, &s, T0 + 80).yes);
        assert!(!stale_if_error(Kind::Private, &stored(&[("Cache-Control", "max-age=10, stale-if-error=60, must-revalidate")]), T0 + 20).yes);
    }

    #[test]
    fn revalidation_and_304() {
        let s = stored(&[("Cache-Control", "max-age=10"), ("ETag", "\"v1\""), ("Last-Modified", "Thu, 27 Oct 1994 08:49:37 GMT"), ("Content-Length", "5")]);
        assert_eq!(conditional_headers(&s), h(&[("If-None-Match", "\"v1\""), ("If-Modified-Since", "Thu, 27 Oct 1994 08:49:37 GMT")]));
        let not_modified = h(&[("ETag", "W/\"v1\""), ("Cache-Control", "max-age=60"), ("Content-Length", "0")]);
        assert!(validates(&s, &not_modified));
        assert!(!validates(&s, &h(&[("ETag", "\"v2\"")])));
        let updated = update_from_304(&s, &not_modified, T0 + 100, T0 + 101);
        assert_eq!(field(&updated.response, "cache-control").as_deref(), Some("max-age=60"));
        assert_eq!(field(&updated.response, "content-length").as_deref(), Some("5"), "Content-Length is never updated");
        assert!(updated.fresh(Kind::Private, T0 + 150), "the age starts again");
    }

    #[test]
    fn invalidation() {
        assert!(invalidates("POST", 201).yes);
        assert!(invalidates("DELETE", 204).yes);
        assert!(!invalidates("POST", 500).yes);
        assert!(!invalidates("GET", 200).yes);
    }
}
