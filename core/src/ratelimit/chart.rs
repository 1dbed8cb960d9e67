//! Chart geometry for the rate limiter lab: one strip per model over one time axis, with each
//! request as a tick (up: allowed, down: refused) and the model's state as a line. Detail is
//! kept per pixel column, so the cost of drawing does not grow with the number of requests.

use super::report::RateReport;
use crate::export::xml_escape;

/// Chart width in SVG units (one column each).
pub const WIDTH: u32 = 1000;
/// One strip's height in SVG units.
pub const HEIGHT: u32 = 120;
const TICKS: u32 = 26;

#[derive(Debug, Clone, PartialEq)]
pub struct Strip {
    /// `M x y v h` segments for admitted requests (ticks above the axis).
    pub allowed: String,
    /// Ticks below the axis for refused requests.
    pub refused: String,
    /// The state line, as a polyline's points.
    pub level: String,
    /// The state line's top value (the strip's scale), in requests.
    pub level_max: f64,
}

/// The x coordinate of time `t` (µs) on a span of `span` µs.
pub fn x_of(t: u64, span: u64) -> f64 {
    t as f64 * WIDTH as f64 / span.max(1) as f64
}

/// The request nearest to x (in chart units), if any.
pub fn nearest_request(report: &RateReport, x: f64) -> Option<usize> {
    if report.requests.is_empty() {
        return None;
    }
    let t = (x.max(0.0) / WIDTH as f64 * report.span as f64) as u64;
    let i = report.requests.partition_point(|r| r.at < t);
    let candidates = [i.checked_sub(1), (i < report.requests.len()).then_some(i)];
    candidates.into_iter().flatten().min_by_key(|&j| report.requests[j].at.abs_diff(t))
}

pub fn strip(report: &RateReport, run: usize) -> Strip {
    let Some(algo) = report.runs.get(run) else {
        return Strip { allowed: String::new(), refused: String::new(), level: String::new(), level_max: 1.0 };
    };
    let columns = WIDTH as usize + 1;
    let mut has_allowed = vec![false; columns];
    let mut has_refused = vec![false; columns];
    // Per column: the level's first, min, max and last values (milli-requests).
    let mut level: Vec<Option<(u64, u64, u64, u64)>> = vec![None; columns];
    let mut push = |col: usize, v: u64| {
        let e = level[col].get_or_insert((v, v, v, v));
        e.1 = e.1.min(v);
        e.2 = e.2.max(v);
        e.3 = v;
    };
    let mut level_max = 1u64;
    for (r, d) in report.requests.iter().zip(&algo.decisions) {
        let col = (x_of(r.at, report.span).round() as usize).min(columns - 1);
        if d.allowed {
            has_allowed[col] = true;
        } else {
            has_refused[col] = true;
        }
        push(col, d.level_before_milli);
        push(col, d.level_after_milli);
        level_max = level_max.max(d.level_before_milli).max(d.level_after_milli);
    }
    // Whole units only: this runs for every model on every slider move, and integer text is
    // several times cheaper to write than floats.
    let mid = HEIGHT / 2;
    let ticks = |flags: &[bool], up: bool| {
        let mut s = String::with_capacity(flags.len() * 4);
        for (x, _) in flags.iter().enumerate().filter(|(_, f)| **f) {
            s.push('M');
            push_u64(&mut s, x as u64);
            s.push(' ');
            push_u64(&mut s, mid as u64);
            s.push_str(if up { "v-" } else { "v" });
            push_u64(&mut s, TICKS as u64);
        }
        s
    };
    // The state line spans the strip's height, scaled to its highest value.
    let top = HEIGHT as u64 - 8;
    // v ≤ level_max, so v·top fits in 64 bits (levels are at most a few million × 1000).
    let y = |v: u64| HEIGHT as u64 - 4 - v.saturating_mul(top) / level_max.max(1);
    let mut points = String::with_capacity(columns * 12);
    let mut last_y = None;
    for (x, e) in level.iter().enumerate() {
        let Some((first, min, max, last)) = *e else { continue };
        // Enter the column where the previous one left off, span its range, leave at its end.
        let ys = [y(first), y(max), y(min), y(last)];
        for yv in ys {
            if last_y == Some((x, yv)) {
                continue;
            }
            last_y = Some((x, yv));
            push_u64(&mut points, x as u64);
            points.push(',');
            push_u64(&mut points, yv);
            points.push(' ');
        }
    }
    points.pop();
    Strip {
        allowed: ticks(&has_allowed, true),
        refused: ticks(&has_refused, false),
        level: points,
        level_max: level_max as f64 / 1000.0,
    }
}

/// Appends a number's decimal digits.
fn push_u64(s: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        s.push(d as char);
    }
}

/// All strips as one standalone SVG, labelled, with request `selected` marked.
pub fn svg(report: &RateReport, selected: Option<usize>) -> String {
    let label_h = 22;
    let h = report.runs.len() as u32 * (HEIGHT + label_h) + 30;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {h}\" width=\"{WIDTH}\" height=\"{h}\" font-family=\"system-ui, sans-serif\" font-size=\"13\">\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
    );
    for (i, run) in report.runs.iter().enumerate() {
        let top = i as u32 * (HEIGHT + label_h);
        let st = strip(report, i);
        s.push_str(&format!(
            "<text x=\"4\" y=\"{}\" font-weight=\"bold\">{} — allowed {}, refused {}</text>\n<g transform=\"translate(0 {})\">\n<line x1=\"0\" x2=\"{WIDTH}\" y1=\"{m}\" y2=\"{m}\" stroke=\"#9ca3af\"/>\n<polyline points=\"{}\" fill=\"none\" stroke=\"#6d28d9\" stroke-width=\"1.5\"/>\n<path d=\"{}\" stroke=\"#047857\" stroke-width=\"1.5\"/>\n<path d=\"{}\" stroke=\"#b91c1c\" stroke-width=\"1.5\"/>\n</g>\n",
            top + 16,
            xml_escape(&run.algorithm.to_string()),
            run.stats.allowed,
            run.stats.refused,
            top + label_h,
            st.level,
            st.allowed,
            st.refused,
            m = HEIGHT / 2
        ));
    }
    if let Some(r) = selected.and_then(|i| report.requests.get(i)) {
        let x = x_of(r.at, report.span);
        s.push_str(&format!("<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"0\" y2=\"{}\" stroke=\"#d97706\" stroke-width=\"2\"/>\n", h - 30));
    }
    s.push_str(&format!(
        "<text x=\"4\" y=\"{}\" fill=\"#4b5563\">0 s</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#4b5563\">{:.3} s</text>\n</svg>\n",
        h - 8,
        WIDTH - 4,
        h - 8,
        report.span as f64 / 1e6
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ratelimit::{run, RateScenario};

    #[test]
    fn strips_have_one_tick_per_busy_column_and_stay_small() {
        let s = RateScenario::default();
        let r = run(&s);
        let st = strip(&r, 0);
        assert!(st.allowed.matches('M').count() <= WIDTH as usize + 1);
        assert!(st.refused.matches('M').count() >= 1, "the burst is partly refused");
        assert!(st.level_max >= 1.0);
        let svg = svg(&r, Some(3));
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert_eq!(svg.matches("<polyline").count(), r.runs.len());
    }

    #[test]
    fn integer_writer_matches_display() {
        for n in [0u64, 7, 10, 999, 1000, u64::MAX] {
            let mut s = String::new();
            push_u64(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }

    #[test]
    fn nearest_request_picks_the_closest_in_time() {
        let r = run(&RateScenario::default());
        let i = nearest_request(&r, x_of(r.requests[5].at, r.span)).unwrap();
        assert_eq!(r.requests[i].at, r.requests[5].at);
        assert_eq!(nearest_request(&r, -5.0), Some(0));
        assert_eq!(nearest_request(&r, 1e9), Some(r.requests.len() - 1));
    }
}
