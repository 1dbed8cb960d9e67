//! Reading a Set-Cookie header's value as browsers do: RFC 6265 §5.2, with the changes of
//! RFC 6265bis that browsers follow (control characters, SameSite, the size limits; the 400-day
//! cap is in the jar). Nothing here refuses a cookie for its meaning:
//! that is the jar's storage model ([`super::jar`]). This is only how the text is cut up, and
//! for each attribute, what it says or why it is ignored.

use super::date;

/// RFC 6265bis §5.6: a name and value longer than this together make the line ignored.
pub const MAX_NAME_VALUE: usize = 4096;
/// RFC 6265bis §5.6: an attribute value longer than this is ignored.
pub const MAX_ATTRIBUTE_VALUE: usize = 1024;
/// Where the lab stops reading a line at all (the work is linear, but a line is one header).
pub const MAX_LINE: usize = 8192;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SameSite {
    Strict,
    Lax,
    None,
}

impl SameSite {
    pub fn name(self) -> &'static str {
        match self {
            SameSite::Strict => "Strict",
            SameSite::Lax => "Lax",
            SameSite::None => "None",
        }
    }
}

/// What one attribute did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// It sets something; the text says what.
    Sets(String),
    /// It is ignored; the text says why.
    Ignored(String),
}

/// One `; name=value` after the cookie's own pair, as written and as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The attribute's name as written (trimmed), and its value (trimmed; empty when there is
    /// no `=`).
    pub name: String,
    pub value: String,
    pub effect: Effect,
}

/// A Set-Cookie line cut up. The last of each attribute counts (§5.3: "the last attribute in
/// the cookie-attribute-list"); earlier ones say a later one overrides them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SetCookie {
    pub name: String,
    pub value: String,
    /// Expires, as seconds since 1970.
    pub expires: Option<i64>,
    /// Max-Age in seconds (zero or negative: expire at once).
    pub max_age: Option<i64>,
    /// Domain with its leading dot removed, in lower case (RFC 6265 §5.2.3).
    pub domain: Option<String>,
    /// Path, when it starts with `/` (otherwise the default path is used, §5.2.4).
    pub path: Option<String>,
    pub secure: bool,
    pub http_only: bool,
    /// SameSite as given; None when absent or not one of the three values (the browser's
    /// default then applies: Lax in Chromium).
    pub same_site: Option<SameSite>,
    /// CHIPS' Partitioned attribute.
    pub partitioned: bool,
    pub attributes: Vec<Attribute>,
}

/// Why a whole Set-Cookie line is ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignored {
    pub reason: String,
}

/// WSP: space and horizontal tab (RFC 5234).
fn trim_wsp(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}

/// RFC 6265bis §5.6 step 1: the control characters that make a line ignored (HTAB is allowed).
fn control(c: char) -> bool {
    matches!(c, '\x00'..='\x08' | '\x0a'..='\x1f' | '\x7f')
}

/// Where the cookie's pair and each attribute sit in the line, as byte ranges, in the order
/// [`parse`] reads them (empty `;;` segments skipped): for pointing at the bytes.
pub fn segments(line: &str) -> Vec<(usize, usize)> {
    let end = line.find(['\0', '\r', '\n']).unwrap_or(line.len());
    let mut out = Vec::new();
    let mut start = 0;
    for (i, part) in line[..end].split(';').enumerate() {
        let lead = part.len() - part.trim_start_matches([' ', '\t']).len();
        let trimmed = trim_wsp(part);
        let blank = match trimmed.split_once('=') {
            Some((n, v)) => trim_wsp(n).is_empty() && trim_wsp(v).is_empty(),
            None => trimmed.is_empty(),
        };
        if i == 0 || !blank {
            out.push((start + lead, start + lead + trimmed.len()));
        }
        start += part.len() + 1;
    }
    out
}

/// Reads a Set-Cookie value. `Err` when the whole line is ignored.
pub fn parse(line: &str) -> Result<SetCookie, Ignored> {
    let ignored = |reason: String| Err(Ignored { reason });
    if line.len() > MAX_LINE {
        return ignored(format!("the line is {} bytes long; the lab reads at most {MAX_LINE}", line.len()));
    }
    // A NUL, CR or LF ends the line, as the http-state suite expects (a header cannot carry CR
    // or LF; older browsers cut the value at any of the three). RFC 6265bis would ignore it.
    let line = match line.find(['\0', '\r', '\n']) {
        Some(end) => &line[..end],
        None => line,
    };
    if let Some((at, c)) = line.chars().enumerate().find(|(_, c)| control(*c)) {
        return ignored(format!(
            "it holds the control character U+{:04X} at character {}; a line with any control character but a tab is ignored (RFC 6265bis §5.6)",
            c as u32,
            at + 1
        ));
    }
    let (pair, rest) = match line.split_once(';') {
        Some((p, r)) => (p, Some(r)),
        None => (line, None),
    };
    // RFC 6265 §5.2 steps 2 and 5. (RFC 6265bis, and Chromium, would keep a cookie with no name
    // and the whole pair as its value; the http-state suite and RFC 6265 ignore the line.)
    let Some((name, value)) = pair.split_once('=') else {
        return ignored(format!("“{}” has no “=”, so there is no name and value (RFC 6265 §5.2 step 2)", trim_wsp(pair)));
    };
    let (name, value) = (trim_wsp(name), trim_wsp(value));
    if name.is_empty() {
        return ignored("the name is empty (RFC 6265 §5.2 step 5)".into());
    }
    if name.len() + value.len() > MAX_NAME_VALUE {
        return ignored(format!(
            "the name and value are {} bytes together; more than {MAX_NAME_VALUE} is ignored (RFC 6265bis §5.6)",
            name.len() + value.len()
        ));
    }
    let mut c = SetCookie { name: name.to_string(), value: value.to_string(), ..Default::default() };
    for av in rest.into_iter().flat_map(|r| r.split(';')) {
        let (n, v) = match av.split_once('=') {
            Some((n, v)) => (trim_wsp(n), trim_wsp(v)),
            None => (trim_wsp(av), ""),
        };
        if n.is_empty() && v.is_empty() {
            continue; // an empty `;;` adds nothing
        }
        let effect = if v.len() > MAX_ATTRIBUTE_VALUE {
            Effect::Ignored(format!("its value is {} bytes; more than {MAX_ATTRIBUTE_VALUE} is ignored (RFC 6265bis §5.6)", v.len()))
        } else {
            attribute(&mut c, n, v)
        };
        c.attributes.push(Attribute { name: n.to_string(), value: v.to_string(), effect });
    }
    // A later attribute of the same name overrides an earlier one that set something.
    let mut seen: Vec<String> = Vec::new();
    for a in c.attributes.iter_mut().rev() {
        let key = a.name.to_ascii_lowercase();
        if !matches!(a.effect, Effect::Sets(_)) {
            continue;
        }
        if seen.contains(&key) {
            a.effect = Effect::Ignored(format!("a later {} overrides this one (the last one counts, RFC 6265 §5.3)", canonical(&key)));
        } else {
            seen.push(key);
        }
    }
    Ok(c)
}

fn canonical(lower: &str) -> &'static str {
    match lower {
        "expires" => "Expires",
        "max-age" => "Max-Age",
        "domain" => "Domain",
        "path" => "Path",
        "secure" => "Secure",
        "httponly" => "HttpOnly",
        "samesite" => "SameSite",
        "partitioned" => "Partitioned",
        _ => "attribute",
    }
}

/// §5.2.1 to §5.2.6 and RFC 6265bis §5.6.7: one attribute.
fn attribute(c: &mut SetCookie, name: &str, value: &str) -> Effect {
    match name.to_ascii_lowercase().as_str() {
        "expires" => match date::parse(value) {
            Ok(d) => {
                c.expires = Some(d.at);
                Effect::Sets(format!("expires at {} (RFC 6265 §5.2.1)", crate::cache::rfc9111::http_date(d.at)))
            }
            Err(e) => Effect::Ignored(format!("{e}; the attribute is ignored")),
        },
        "max-age" => {
            let digits = value.strip_prefix('-').unwrap_or(value);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Effect::Ignored(format!("“{value}” is not a whole number of seconds, so it is ignored (RFC 6265 §5.2.2)"));
            }
            // Any number of digits: a huge one is simply far in the future.
            let n = digits.parse::<i64>().unwrap_or(i64::MAX);
            let n = if value.starts_with('-') { -n } else { n };
            c.max_age = Some(n);
            if n <= 0 {
                Effect::Sets("zero or less: the cookie expires at once (a way to delete it, RFC 6265 §5.2.2)".into())
            } else {
                Effect::Sets(format!("expires {n} seconds after it is received (RFC 6265 §5.2.2); Max-Age wins over Expires"))
            }
        }
        "domain" => {
            if value.is_empty() {
                return Effect::Ignored("an empty Domain is ignored (RFC 6265bis §5.6.3)".into());
            }
            let d = value.strip_prefix('.').unwrap_or(value).to_ascii_lowercase();
            let text = format!("the cookie goes to {d} and every name under it; without Domain it would go to the setting host only (RFC 6265 §5.2.3)");
            c.domain = Some(d);
            Effect::Sets(text)
        }
        "path" => {
            if !value.starts_with('/') {
                // Still a Path: it overrides an earlier one with the default path.
                c.path = None;
                return Effect::Sets(format!(
                    "{} does not start with “/”, so the cookie gets the default path, the request's directory (RFC 6265 §5.2.4)",
                    if value.is_empty() { "the value is empty and" } else { "it" }
                ));
            }
            c.path = Some(value.to_string());
            Effect::Sets(format!("the cookie goes with requests for {value} and paths under it (RFC 6265 §5.2.4)"))
        }
        "secure" => {
            c.secure = true;
            Effect::Sets("sent only over https, and only an https response may set it (RFC 6265 §5.2.5, RFC 6265bis §5.7)".into())
        }
        "httponly" => {
            c.http_only = true;
            Effect::Sets("hidden from scripts: document.cookie neither reads nor writes it (RFC 6265 §5.2.6)".into())
        }
        "samesite" => match value.to_ascii_lowercase().as_str() {
            "strict" => {
                c.same_site = Some(SameSite::Strict);
                Effect::Sets("sent only on requests from the same site, never from another site (RFC 6265bis §5.6.7)".into())
            }
            "lax" => {
                c.same_site = Some(SameSite::Lax);
                Effect::Sets("sent from another site only on a top-level navigation with a safe method such as GET (RFC 6265bis §5.6.7)".into())
            }
            "none" => {
                c.same_site = Some(SameSite::None);
                Effect::Sets("sent on cross-site requests too; a browser accepts it only with Secure (RFC 6265bis §5.6.7)".into())
            }
            _ => {
                // Still a SameSite: "Default" enforcement, overriding an earlier value.
                c.same_site = None;
                Effect::Sets(format!("“{value}” is not Strict, Lax or None, so the browser's default applies: Lax in Chromium (RFC 6265bis §5.6.7)"))
            }
        },
        "partitioned" => {
            c.partitioned = true;
            Effect::Sets("kept in a separate jar for each top-level site it is set under (CHIPS); needs Secure".into())
        }
        _ => Effect::Ignored(format!("“{name}” is not an attribute a browser knows, so it is ignored (RFC 6265 §5.2)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_as_browsers_cut() {
        let c = parse(" sid = abc ; Path=/app; Secure;HttpOnly; SameSite=lax; Max-Age=60; Path=/other").unwrap();
        assert_eq!((c.name.as_str(), c.value.as_str()), ("sid", "abc"));
        assert_eq!(c.path.as_deref(), Some("/other"));
        assert!(matches!(&c.attributes[0].effect, Effect::Ignored(t) if t.contains("later Path")));
        assert!(c.secure && c.http_only);
        assert_eq!(c.same_site, Some(SameSite::Lax));
        assert_eq!(c.max_age, Some(60));
        assert!(parse("justavalue").unwrap_err().reason.contains("no “=”"));
        assert!(parse("=abc").unwrap_err().reason.contains("name is empty"));
        assert!(parse("a=b\x01c").unwrap_err().reason.contains("U+0001 at character 4"));
        assert_eq!(parse("a=b\rc; Secure").unwrap().value, "b");
        assert!(parse("a=b\tc").is_ok());
    }

    #[test]
    fn bad_attributes_are_ignored_with_a_reason() {
        let c = parse("a=b; Max-Age=1e3; Domain=; Expires=tomorrow; Flavour=choc").unwrap();
        assert_eq!((c.max_age, c.domain.clone(), c.expires), (None, None, None));
        assert!(c.attributes.iter().all(|a| matches!(a.effect, Effect::Ignored(_))), "{:?}", c.attributes);
        // A bad Path or SameSite still counts: it puts back the default over an earlier one.
        let c = parse("a=b; Path=/x; SameSite=Strict; Path=rel; SameSite=sometimes").unwrap();
        assert_eq!((c.path.clone(), c.same_site), (None, None));
        assert!(matches!(&c.attributes[0].effect, Effect::Ignored(t) if t.contains("later Path")));
        assert!(matches!(&c.attributes[1].effect, Effect::Ignored(t) if t.contains("later SameSite")));
        let c = parse("a=b; Max-Age=-5; Domain=.Example.COM").unwrap();
        assert_eq!((c.max_age, c.domain.as_deref()), (Some(-5), Some("example.com")));
        let c = parse(&format!("a=b; Path=/{}", "x".repeat(MAX_ATTRIBUTE_VALUE))).unwrap();
        assert_eq!(c.path, None);
        assert!(parse(&format!("a={}", "x".repeat(MAX_NAME_VALUE))).is_err());
    }
}
