//! The cookie date: RFC 6265 §5.1.1's forgiving algorithm, which browsers use to read a
//! Set-Cookie's Expires. It is not the HTTP-date grammar: the text is cut into tokens at any
//! delimiter, and the first token that looks like a time, then a day of the month, a month and a
//! year, is taken as that part, whatever the order and whatever surrounds them.

use crate::civil;

/// Where a date's text stops being read: longer Expires values are refused before any work.
pub const MAX_LEN: usize = 1024;

/// A date read from a cookie's Expires, with the tokens each part came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieDate {
    /// Seconds since 1970, UTC.
    pub at: i64,
    /// The tokens taken as the time, the day of the month, the month and the year, in that
    /// order; the explanation shows them.
    pub tokens: [String; 4],
    /// A year below 100 read as 19xx (70 to 99) or 20xx (0 to 69), §5.1.1 steps 3 and 4. The
    /// value counts, not the digits: `012` is 2012.
    pub two_digit_year: Option<u32>,
}

/// Why a cookie date could not be read: the attribute is then ignored (§5.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateProblem(pub String);

impl std::fmt::Display for DateProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// §5.1.1: `delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E`.
fn is_delimiter(c: char) -> bool {
    matches!(c, '\t' | '\x20'..='\x2f' | '\x3b'..='\x40' | '\x5b'..='\x60' | '\x7b'..='\x7e')
}

/// The leading run of ASCII digits (at most `max + 1` looked at) and whether what follows is
/// allowed: the grammar's `1*2DIGIT [ non-digit *OCTET ]` means a digit run of the right length
/// followed by nothing or by a non-digit.
fn digits(token: &str, min: usize, max: usize) -> Option<(u32, &str)> {
    let n = token.bytes().take_while(u8::is_ascii_digit).count();
    if n < min || n > max {
        return None;
    }
    Some((token[..n].parse().ok()?, &token[n..]))
}

/// `hms-time = time-field ":" time-field ":" time-field`, `time-field = 1*2DIGIT`, then
/// optionally a non-digit and anything.
fn time(token: &str) -> Option<(u32, u32, u32)> {
    let (h, rest) = digits(token, 1, 2)?;
    let (m, rest) = digits(rest.strip_prefix(':')?, 1, 2)?;
    let (s, _) = digits(rest.strip_prefix(':')?, 1, 2)?;
    Some((h, m, s))
}

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/// `month = ( "jan" / … / "dec" ) *OCTET`, compared without case.
fn month(token: &str) -> Option<u32> {
    let head = token.get(..3)?.to_ascii_lowercase();
    MONTHS.iter().position(|m| *m == head).map(|i| i as u32 + 1)
}

/// RFC 6265 §5.1.1 in full. The error says which part was missing or out of range.
pub fn parse(text: &str) -> Result<CookieDate, DateProblem> {
    if text.len() > MAX_LEN {
        return Err(DateProblem(format!("the date is {} bytes long; at most {MAX_LEN} are read", text.len())));
    }
    let (mut t, mut d, mut m, mut y) = (None, None, None, None);
    let mut tokens: [String; 4] = Default::default();
    for token in text.split(is_delimiter).filter(|s| !s.is_empty()) {
        if t.is_none() {
            if let Some(v) = time(token) {
                t = Some(v);
                tokens[0] = token.to_string();
                continue;
            }
        }
        if d.is_none() {
            if let Some((v, _)) = digits(token, 1, 2) {
                d = Some(v);
                tokens[1] = token.to_string();
                continue;
            }
        }
        if m.is_none() {
            if let Some(v) = month(token) {
                m = Some(v);
                tokens[2] = token.to_string();
                continue;
            }
        }
        if y.is_none() {
            if let Some((v, _)) = digits(token, 2, 4) {
                y = Some(v);
                tokens[3] = token.to_string();
                continue;
            }
        }
    }
    let missing = |what: &str| DateProblem(format!("no {what} found in “{text}”, so it is not a cookie date (RFC 6265 §5.1.1)"));
    let (h, mi, s) = t.ok_or_else(|| missing("time (hh:mm:ss)"))?;
    let day = d.ok_or_else(|| missing("day of the month"))?;
    let month = m.ok_or_else(|| missing("month"))?;
    let raw_year = y.ok_or_else(|| missing("year"))?;
    let (year, two_digit_year) = match raw_year {
        70..=99 => (1900 + raw_year, Some(raw_year)),
        0..=69 => (2000 + raw_year, Some(raw_year)),
        _ => (raw_year, None),
    };
    let out = |what: String| Err(DateProblem(format!("{what}, so “{text}” is not a cookie date (RFC 6265 §5.1.1)")));
    if !(1..=31).contains(&day) {
        return out(format!("the day of the month is {day}"));
    }
    if year < 1601 {
        return out(format!("the year is {year}, before 1601"));
    }
    if h > 23 || mi > 59 || s > 59 {
        return out(format!("the time is {h}:{mi:02}:{s:02}"));
    }
    if day > civil::days_in_month(year as i64, month) {
        return out(format!("{} has no day {day} in {year}", MONTH_NAMES[month as usize - 1]));
    }
    Ok(CookieDate { at: civil::from_utc(year as i64, month, day, h, mi, s), tokens, two_digit_year })
}

const MONTH_NAMES: [&str; 12] = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];


#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::rfc9111::http_date;

    fn read(text: &str) -> Option<String> {
        parse(text).ok().map(|d| http_date(d.at))
    }

    #[test]
    fn the_grammar_in_any_order() {
        assert_eq!(read("Sun, 06 Nov 1994 08:49:37 GMT").as_deref(), Some("Sun, 06 Nov 1994 08:49:37 GMT"));
        assert_eq!(read("1994 08:49:37 nov 6").as_deref(), Some("Sun, 06 Nov 1994 08:49:37 GMT"));
        let d = parse("Sunday, 06-Nov-94 08:49:37 GMT").unwrap();
        assert_eq!(d.two_digit_year, Some(94));
        assert_eq!(d.tokens, ["08:49:37".to_string(), "06".into(), "Nov".into(), "94".into()]);
    }

    #[test]
    fn each_refusal_names_its_part() {
        assert!(parse("Sun, 06 Nov 1994 GMT").unwrap_err().0.contains("no time"));
        assert!(parse("Sun, Nov 1994 08:49:37").unwrap_err().0.contains("no day of the month"));
        assert!(parse("06 1994 08:49:37").unwrap_err().0.contains("no month"));
        assert!(parse("06 Nov 08:49:37").unwrap_err().0.contains("no year"));
        assert!(parse("06 Nov 1600 08:49:37").unwrap_err().0.contains("before 1601"));
        assert!(parse("30 Feb 2024 08:49:37").unwrap_err().0.contains("February has no day 30"));
        assert!(parse("29 Feb 2024 08:49:37").is_ok());
        assert!(parse("06 Nov 1994 24:00:00").unwrap_err().0.contains("the time is 24:00:00"));
        assert!(parse(&"1".repeat(MAX_LEN + 1)).unwrap_err().0.contains("at most"));
    }
}
