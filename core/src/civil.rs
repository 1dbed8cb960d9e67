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
        _ => format!("{} days", (secs + 43_200) / 86_400),
    }
}

/// When `at` is, seen from `now`: `in 4 min`, `2 h ago`, `now`.
pub fn relative(at: i64, now: i64) -> String {
    match at - now {
        0 => "now".into(),
        d if d > 0 => format!("in {}", span(d as u64)),
        d => format!("{} ago", span(d.unsigned_abs())),
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
    fn relative_times_read_naturally() {
        assert_eq!(relative(1240, 1000), "in 4 min");
        assert_eq!(relative(1000, 1000 + 7200), "2 h ago");
        assert_eq!(relative(1000, 1000), "now");
        assert_eq!(relative(0, 86_400 * 3), "3 days ago");
    }
}
