//! Calendar dates from seconds since 1970 (UTC), for RRSIG times and JWT claims. No clock is
//! read here: the seconds come from the scenario.

/// (year, month, day, hour, minute, second) in UTC, proleptic Gregorian (Howard Hinnant's
/// days-from-civil inverse).
pub fn utc_parts(secs: i64) -> (i64, u32, u32, u32, u32, u32) {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d, (rem / 3600) as u32, (rem % 3600 / 60) as u32, (rem % 60) as u32)
}

/// Seconds since 1970 of a UTC date and time (the inverse of [`utc_parts`]).
pub fn from_utc(y: i64, m: u32, d: u32, h: u32, mi: u32, sec: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + h as i64 * 3600 + mi as i64 * 60 + sec as i64
}

/// Reads `2026-11-22 10:00:00` (or with `T`, with or without seconds, with a trailing `UTC` or
/// `Z`) as UTC, or a number of seconds since 1970.
pub fn parse_utc(text: &str) -> Result<i64, String> {
    let t = text.trim().trim_end_matches("UTC").trim_end_matches('Z').trim();
    if let Ok(n) = t.parse::<i64>() {
        return Ok(n);
    }
    let bad = || format!("“{}” is not a time: write 2026-11-22 10:00:00 (UTC) or seconds since 1970", text.trim());
    let (date, time) = t.split_once(['T', ' ']).unwrap_or((t, "00:00:00"));
    let d: Vec<&str> = date.split('-').collect();
    let c: Vec<&str> = time.trim().split(':').collect();
    if d.len() != 3 || !(2..=3).contains(&c.len()) {
        return Err(bad());
    }
    let n = |s: &str| s.parse::<u32>().map_err(|_| bad());
    let (y, m, day) = (d[0].parse::<i64>().map_err(|_| bad())?, n(d[1])?, n(d[2])?);
    let (h, mi, sec) = (n(c[0])?, n(c[1])?, c.get(2).map(|s| n(s)).transpose()?.unwrap_or(0));
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || h > 23 || mi > 59 || sec > 60 || !(0..=9999).contains(&y) {
        return Err(bad());
    }
    Ok(from_utc(y, m, day, h, mi, sec))
}

/// The number of days in month `m` (1 to 12) of year `y`, proleptic Gregorian.
pub fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `2026-11-22 00:00:00 UTC`.
pub fn utc(secs: i64) -> String {
    let (y, m, d, h, mi, s) = utc_parts(secs);
    format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02} UTC")
}

/// A span in the largest sensible unit: `45 s`, `4 min`, `2 h`, `3 days`.
pub fn span(secs: u64) -> String {
    match secs {
        0..=89 => format!("{secs} s"),
        90..=5399 => format!("{} min", (secs + 30) / 60),
        5400..=129_599 => format!("{} h", (secs + 1800) / 3600),
        _ => format!("{} days", secs.saturating_add(43_200) / 86_400),
    }
}

/// When `at` is, seen from `now`: `in 4 min`, `2 h ago`, `now`.
pub fn relative(at: i64, now: i64) -> String {
    let d = at as i128 - now as i128;
    let size = d.unsigned_abs().min(u64::MAX as u128) as u64;
    match d {
        0 => "now".into(),
        d if d > 0 => format!("in {}", span(size)),
        _ => format!("{} ago", span(size)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(1_300_819_380), "2011-03-22 18:43:00 UTC");
        assert_eq!(utc(1_795_305_600), "2026-11-22 00:00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc(-1), "1969-12-31 23:59:59 UTC");
    }

    #[test]
    fn dates_read_back() {
        for secs in [0i64, 951_782_400, 1_300_819_380, 1_795_305_600, -86_401] {
            let (y, m, d, h, mi, s) = utc_parts(secs);
            assert_eq!(from_utc(y, m, d, h, mi, s), secs);
        }
        assert_eq!(parse_utc("2026-11-22 00:00:00 UTC"), Ok(1_795_305_600));
        assert_eq!(parse_utc("2026-11-22T10:00Z"), Ok(1_795_341_600));
        assert_eq!(parse_utc("1300819380"), Ok(1_300_819_380));
        assert!(parse_utc("tomorrow").is_err());
        assert!(parse_utc("2026-13-01 00:00").is_err());
    }

    #[test]
    fn relative_times_read_naturally() {
        assert_eq!(relative(1240, 1000), "in 4 min");
        assert_eq!(relative(1000, 1000 + 7200), "2 h ago");
        assert_eq!(relative(1000, 1000), "now");
        assert_eq!(relative(0, 86_400 * 3), "3 days ago");
        assert!(relative(i64::MAX, i64::MIN).starts_with("in "));
        assert!(relative(i64::MIN, i64::MAX).ends_with(" ago"));
    }
}
