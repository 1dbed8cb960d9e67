//! Sequence-diagram geometry for a trace: one vertical lane per actor, one row per step.
//!
//! Both the page's timeline and the SVG export draw from this one layout, so what is exported
//! is what is shown. Rows are evenly spaced by step rather than by time, because simulated
//! times range from microseconds to minutes (TIME-WAIT); each row prints its time instead.

use crate::trace::{StepKind, Trace};
use std::fmt;

pub const WIDTH: f64 = 640.0;
pub const HEADER: f64 = 58.0;
pub const ROW: f64 = 46.0;
pub const TIME_COLUMN: f64 = 78.0;
/// How far down a message arrow slopes: it arrives later than it leaves.
pub const SLOPE: f64 = 20.0;

/// A coordinate as SVG text, to a tenth of a pixel: `213.3`, `640`, `-14`. It is written
/// with integers, not float formatting, which would add some kilobytes to every page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Px(pub f64);

impl fmt::Display for Px {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tenths = (self.0 * 10.0).round() as i64;
        let (whole, tenth) = (tenths.abs() / 10, tenths.abs() % 10);
        let sign = if tenths < 0 { "-" } else { "" };
        if tenth == 0 {
            write!(f, "{sign}{whole}")
        } else {
            write!(f, "{sign}{whole}.{tenth}")
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    pub x: f64,
    pub name: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Index of the step.
    pub index: usize,
    pub kind: StepKind,
    /// Top of the row's band (for hit areas and highlighting).
    pub top: f64,
    pub time: String,
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    pub label: String,
    pub label_x: f64,
    pub label_y: f64,
    /// Whether the step changes some actor's state (the diagram marks it).
    pub changes_state: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub lanes: Vec<Lane>,
    pub rows: Vec<Row>,
}

pub fn layout(trace: &Trace) -> Layout {
    let n = trace.actors.len().max(1);
    let left = TIME_COLUMN + 70.0;
    let right = WIDTH - 70.0;
    let lanes: Vec<Lane> = trace
        .actors
        .iter()
        .enumerate()
        .map(|(i, a)| Lane {
            x: if n == 1 { (left + right) / 2.0 } else { left + (right - left) * i as f64 / (n - 1) as f64 },
            name: a.name.clone(),
            detail: a.detail.clone(),
        })
        .collect();
    let lane_x = |i: usize| lanes.get(i).map(|l| l.x).unwrap_or(left);
    let rows = trace
        .steps
        .iter()
        .enumerate()
        .map(|(index, s)| {
            let top = HEADER + index as f64 * ROW;
            let y1 = top + 14.0;
            let (x1, x2) = (lane_x(s.from), lane_x(s.to));
            let (x2, y2) = match s.kind {
                StepKind::Message => (x2, y1 + SLOPE),
                // A lost message stops part way, where the network dropped it.
                StepKind::Lost => (x1 + (x2 - x1) * 0.55, y1 + SLOPE * 0.55),
                StepKind::Local => (x1, y1),
            };
            let (label_x, label_y) = match s.kind {
                StepKind::Local => (x1 + if x1 > WIDTH / 2.0 { -14.0 } else { 14.0 }, y1 + 4.0),
                _ => ((lane_x(s.from) + lane_x(s.to)) / 2.0, y1 - 2.0),
            };
            Row {
                index,
                kind: s.kind,
                top,
                time: s.at.to_string(),
                x1,
                y1,
                x2,
                y2,
                label: s.label.clone(),
                label_x,
                label_y,
                changes_state: s.states.iter().any(|c| c.changed()),
            }
        })
        .collect();
    Layout { width: WIDTH, height: HEADER + trace.steps.len() as f64 * ROW + 16.0, lanes, rows }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tcp;

    #[test]
    fn lanes_and_rows_follow_the_trace() {
        let trace = tcp::run(&tcp::TcpScenario { lose: vec![5], ..Default::default() });
        let l = layout(&trace);
        assert_eq!(l.lanes.len(), 2);
        assert!(l.lanes[0].x < l.lanes[1].x);
        assert_eq!(l.rows.len(), trace.steps.len());
        let syn = &l.rows[1];
        assert_eq!((syn.x1, syn.x2), (l.lanes[0].x, l.lanes[1].x));
        assert!(syn.y2 > syn.y1, "a message arrives later than it leaves");
        let lost = l.rows.iter().find(|r| r.kind == StepKind::Lost).unwrap();
        assert!(lost.x2 < l.lanes[1].x && lost.x2 > l.lanes[0].x, "a lost arrow stops part way");
        assert!(l.rows.windows(2).all(|w| w[0].top < w[1].top));
    }

    #[test]
    fn coordinates_are_written_to_a_tenth_of_a_pixel() {
        for (x, text) in [(640.0, "640"), (213.333_333_333_333_34, "213.3"), (426.666_666_666_666_7, "426.7"), (-14.0, "-14"), (-0.5, "-0.5"), (0.04, "0"), (-0.04, "0"), (1e-9, "0"), (78.25, "78.3"), (0.0, "0")] {
            assert_eq!(Px(x).to_string(), text, "{x}");
        }
        // Each is the value to within half a tenth, with at most one decimal.
        for i in -2000..2000 {
            let x = i as f64 * 0.37;
            let ours = Px(x).to_string();
            assert!((ours.parse::<f64>().unwrap() - x).abs() <= 0.05 + 1e-9, "{x}: {ours}");
            assert!(ours.split('.').nth(1).is_none_or(|d| d.len() == 1 && d != "0"), "{x}: {ours}");
        }
    }
}
