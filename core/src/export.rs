//! Exports of a trace: JSON (the trace itself, `Trace::to_json`), a standalone SVG of the
//! sequence diagram, and Mermaid sequence-diagram text.

use crate::diagram::{self, Layout, Px};
use crate::trace::{StepKind, Trace};

/// Escapes text for XML content and attribute values.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// A standalone SVG of the whole sequence diagram, with `current` (0-based) highlighted.
pub fn svg(trace: &Trace, current: Option<usize>) -> String {
    let Layout { width, height, lanes, rows } = diagram::layout(trace);
    let (width, height_px) = (Px(width), Px(height));
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height_px}\" width=\"{width}\" height=\"{height_px}\" font-family=\"system-ui, sans-serif\" font-size=\"12\">\n<title>{}</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#1f2937\"/></marker></defs>\n",
        xml_escape(&trace.title)
    );
    for lane in &lanes {
        s.push_str(&format!(
            "<text x=\"{x}\" y=\"20\" text-anchor=\"middle\" font-weight=\"bold\" fill=\"#111827\">{}</text>\n<text x=\"{x}\" y=\"36\" text-anchor=\"middle\" fill=\"#4b5563\" font-size=\"11\">{}</text>\n<line x1=\"{x}\" y1=\"44\" x2=\"{x}\" y2=\"{}\" stroke=\"#9ca3af\" stroke-dasharray=\"4 3\"/>\n",
            xml_escape(&lane.name),
            xml_escape(&lane.detail),
            Px(height - 8.0),
            x = Px(lane.x)
        ));
    }
    for row in &rows {
        if Some(row.index) == current {
            s.push_str(&format!("<rect x=\"0\" y=\"{}\" width=\"{width}\" height=\"{}\" fill=\"#fef3c7\"/>\n", Px(row.top), Px(diagram::ROW)));
        }
        s.push_str(&format!("<text x=\"8\" y=\"{}\" fill=\"#4b5563\" font-size=\"11\">{}</text>\n", Px(row.y1 + 4.0), xml_escape(&row.time)));
        match row.kind {
            StepKind::Message => s.push_str(&format!(
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#1f2937\" stroke-width=\"1.5\" marker-end=\"url(#arrow)\"/>\n",
                Px(row.x1), Px(row.y1), Px(row.x2), Px(row.y2)
            )),
            StepKind::Lost => s.push_str(&format!(
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#b91c1c\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>\n<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#b91c1c\" font-weight=\"bold\">✕</text>\n",
                Px(row.x1), Px(row.y1), Px(row.x2), Px(row.y2), Px(row.x2), Px(row.y2 + 5.0)
            )),
            StepKind::Local => s.push_str(&format!(
                "<circle cx=\"{}\" cy=\"{}\" r=\"5\" fill=\"#2563eb\"/>\n",
                Px(row.x1), Px(row.y1)
            )),
        }
        let anchor = match row.kind {
            StepKind::Local if row.label_x < row.x1 => "end",
            StepKind::Local => "start",
            _ => "middle",
        };
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" fill=\"#111827\">{}</text>\n",
            Px(row.label_x),
            Px(row.label_y),
            xml_escape(&row.label)
        ));
    }
    s.push_str("</svg>\n");
    s
}

/// Mermaid `sequenceDiagram` text: messages as arrows, lost ones as `-x`, local events as notes.
pub fn mermaid(trace: &Trace) -> String {
    let mut s = String::from("sequenceDiagram\n");
    for a in &trace.actors {
        s.push_str(&format!("    participant {} as {}\n", mermaid_id(&a.id), mermaid_text(&a.name)));
    }
    for step in &trace.steps {
        let from = mermaid_id(&trace.actors[step.from].id);
        let to = mermaid_id(&trace.actors[step.to].id);
        let label = mermaid_text(&format!("{} ({})", step.label, step.at));
        match step.kind {
            StepKind::Message => s.push_str(&format!("    {from}->>{to}: {label}\n")),
            StepKind::Lost => s.push_str(&format!("    {from}-x{to}: {label} LOST\n")),
            StepKind::Local => s.push_str(&format!("    Note over {from}: {label}\n")),
        }
        for c in step.states.iter().filter(|c| c.changed()) {
            s.push_str(&format!(
                "    Note over {}: {} → {}\n",
                mermaid_id(&trace.actors[c.actor].id),
                mermaid_text(&c.before.name),
                mermaid_text(&c.after.name)
            ));
        }
    }
    s
}

/// Participant ids: letters, digits and underscores only.
fn mermaid_id(id: &str) -> String {
    id.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

/// Message text: Mermaid reads `#…;` as an entity and `;` or a newline as the end of a line,
/// so those are written as entity codes; so are `<`, `>` and `"`, which Mermaid would otherwise
/// pass into the HTML of the drawn diagram.
fn mermaid_text(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '#' => out.push_str("#35;"),
            ';' => out.push_str("#59;"),
            '<' => out.push_str("#60;"),
            '>' => out.push_str("#62;"),
            '"' => out.push_str("#34;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text from outside (a link, a paste) made safe to show as plain text: control characters and
/// the bidirectional-text controls (which can reverse what follows them) are written as
/// `\u{…}` escapes, so what a person sees is what the text holds.
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let bidi = matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if c.is_control() || bidi {
            out.push_str(&format!("\\u{{{:04x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tcp;

    #[test]
    fn mermaid_text_carries_no_markup() {
        let mut trace = tcp::run(&tcp::TcpScenario::default());
        trace.actors[0].name = "<img src=x onerror=alert(1)> \"q\"".into();
        trace.steps[0].label = "<script>alert(1)</script>;#".into();
        let m = mermaid(&trace);
        // The only '>' left is in the arrows.
        assert!(!m.contains('<') && !m.replace("->>", "").contains('>') && !m.contains('"'), "{m}");
        assert!(m.contains("#60;img src=x onerror=alert(1)#62; #34;q#34;"), "{m}");
        assert!(m.contains("#60;script#62;alert(1)#60;/script#62;#59;#35;"), "{m}");
    }

    #[test]
    fn visible_escapes_controls_and_bidi_overrides() {
        assert_eq!(visible("a\u{0}b\u{202e}c\n"), "a\\u{0000}b\\u{202e}c\\u{000a}");
        assert_eq!(visible("plain text, ünïcode"), "plain text, ünïcode");
    }

    #[test]
    fn svg_is_well_formed_and_escapes_text() {
        let mut trace = tcp::run(&tcp::TcpScenario::default());
        trace.title = "<script>&\"".into();
        let svg = svg(&trace, Some(2));
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains("&lt;script&gt;&amp;&quot;"));
        assert!(!svg.contains("<script>"));
        assert_eq!(svg.matches("<line").count() - 2, trace.steps.iter().filter(|s| s.kind != crate::trace::StepKind::Local).count());
        assert!(svg.contains("#fef3c7"), "current step highlighted");
    }

    #[test]
    fn mermaid_has_one_arrow_per_message() {
        let trace = tcp::run(&tcp::TcpScenario { lose: vec![5], ..Default::default() });
        let m = mermaid(&trace);
        assert!(m.starts_with("sequenceDiagram\n    participant client as Client\n    participant server as Server\n"));
        assert_eq!(m.matches("->>").count(), trace.steps.iter().filter(|s| s.kind == StepKind::Message).count());
        assert_eq!(m.matches("-x").count(), 1);
        assert!(m.contains("client->>server: #35;1 SYN seq=0 (0.000 s)"), "{m}");
        assert!(m.contains("Note over client: CLOSED → SYN-SENT"));
    }
}
