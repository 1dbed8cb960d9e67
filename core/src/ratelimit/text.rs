//! A client's traffic as text, one pattern a line, so people can type or paste it:
//!
//! ```text
//! steady every=150 count=40 start=0
//! burst at=2500 count=25 spread=200
//! random start=0 duration=6000 gap=100 seed=7
//! at 100 250 400
//! ```
//!
//! Times are milliseconds. `at` takes a list of timestamps (commas or spaces), so a list copied
//! from a log can be pasted after it.

use super::scenario::Pattern;

/// Why a line did not parse, with its 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextError {
    /// 1-based; 0 when the problem is the whole text (its size), not one line.
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for TextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            0 => write!(f, "{}", self.message),
            line => write!(f, "line {line}: {}", self.message),
        }
    }
}

/// The longest text accepted (a pasted log of timestamps included).
pub const MAX_CHARS: usize = 200_000;

pub fn format(patterns: &[Pattern]) -> String {
    patterns
        .iter()
        .map(|p| match p {
            Pattern::Steady { start_ms, every_ms, count } => format!("steady every={every_ms} count={count} start={start_ms}"),
            Pattern::Burst { at_ms, count, spread_ms } => format!("burst at={at_ms} count={count} spread={spread_ms}"),
            Pattern::Random { start_ms, duration_ms, mean_gap_ms, seed } => {
                format!("random start={start_ms} duration={duration_ms} gap={mean_gap_ms} seed={seed}")
            }
            Pattern::Manual { times_ms } => format!("at {}", times_ms.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" ")),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn parse(text: &str) -> Result<Vec<Pattern>, TextError> {
    if text.len() > MAX_CHARS {
        return Err(TextError { line: 0, message: format!("the traffic is {} characters; at most {MAX_CHARS}", text.len()) });
    }
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let err = |message: String| TextError { line, message };
        let words: Vec<&str> = raw.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).collect();
        let Some((&kind, rest)) = words.split_first() else { continue };
        if kind == "at" {
            let mut times = Vec::with_capacity(rest.len());
            for w in rest {
                times.push(w.parse::<u64>().map_err(|_| err(format!("“{}” is not a time in ms", shorten(w))))?);
            }
            if times.is_empty() {
                return Err(err("`at` needs at least one time, e.g. at 100 250".into()));
            }
            out.push(Pattern::Manual { times_ms: times });
            continue;
        }
        let get = |key: &str, default: Option<u64>| -> Result<u64, TextError> {
            let found = rest.iter().find_map(|w| w.strip_prefix(key).and_then(|v| v.strip_prefix('=')));
            match (found, default) {
                (Some(v), _) => v.parse::<u64>().map_err(|_| err(format!("{key}= must be a whole number, not “{}”", shorten(v)))),
                (None, Some(d)) => Ok(d),
                (None, None) => Err(err(format!("{kind} needs {key}=…"))),
            }
        };
        let known: &[&str] = match kind {
            "steady" => &["every", "count", "start"],
            "burst" => &["at", "count", "spread"],
            "random" => &["start", "duration", "gap", "seed"],
            other => {
                return Err(err(format!("“{}” is not a pattern: use steady, burst, random or at", shorten(other))));
            }
        };
        if let Some(bad) = rest.iter().find(|w| !known.iter().any(|k| w.split('=').next() == Some(*k) && w.contains('='))) {
            return Err(err(format!("“{}” is not understood here; {kind} takes {}", shorten(bad), known.iter().map(|k| format!("{k}=")).collect::<Vec<_>>().join(" "))));
        }
        let pattern = match kind {
            "steady" => Pattern::Steady { every_ms: get("every", None)?, count: get("count", None)?, start_ms: get("start", Some(0))? },
            "burst" => Pattern::Burst { at_ms: get("at", None)?, count: get("count", None)?, spread_ms: get("spread", Some(0))? },
            _ => Pattern::Random {
                start_ms: get("start", Some(0))?,
                duration_ms: get("duration", None)?,
                mean_gap_ms: get("gap", None)?,
                seed: get("seed", Some(1))?,
            },
        };
        out.push(pattern);
    }
    Ok(out)
}

fn shorten(s: &str) -> String {
    let mut t: String = s.chars().take(20).collect();
    if s.chars().count() > 20 {
        t.push('…');
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_form_parses() {
        let p = parse("steady every=150 count=40\n\nburst at=2500 count=25 spread=200\nrandom duration=6000 gap=100 seed=7\nat 100, 250 400").unwrap();
        assert_eq!(
            p,
            [
                Pattern::Steady { start_ms: 0, every_ms: 150, count: 40 },
                Pattern::Burst { at_ms: 2500, count: 25, spread_ms: 200 },
                Pattern::Random { start_ms: 0, duration_ms: 6000, mean_gap_ms: 100, seed: 7 },
                Pattern::Manual { times_ms: vec![100, 250, 400] },
            ]
        );
        assert_eq!(parse(&format(&p)).unwrap(), p);
    }

    #[test]
    fn errors_name_the_line_and_the_problem() {
        assert_eq!(parse("stedy every=1 count=2").unwrap_err().to_string(), "line 1: “stedy” is not a pattern: use steady, burst, random or at");
        assert_eq!(parse("steady count=2").unwrap_err().to_string(), "line 1: steady needs every=…");
        assert_eq!(parse("at 1\nburst at=x count=1").unwrap_err().to_string(), "line 2: at= must be a whole number, not “x”");
        assert_eq!(parse("burst at=1 count=1 sprd=4").unwrap_err().to_string(), "line 1: “sprd=4” is not understood here; burst takes at= count= spread=");
        assert_eq!(parse("at 5 -3").unwrap_err().line, 1);
        // Too much text is not a problem of line 1.
        let big = "at 1\n".repeat(MAX_CHARS / 4);
        assert_eq!(parse(&big).unwrap_err().to_string(), format!("the traffic is {} characters; at most {MAX_CHARS}", big.len()));
    }

    proptest! {
        #[test]
        fn any_text_parses_or_errs_without_panicking(text in "\\PC{0,120}") {
            let _ = parse(&text);
        }

        #[test]
        fn manual_times_round_trip(times in proptest::collection::vec(0u64..10_000_000, 1..50)) {
            let p = vec![Pattern::Manual { times_ms: times }];
            prop_assert_eq!(parse(&format(&p)).unwrap(), p);
        }
    }
}
