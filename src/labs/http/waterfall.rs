//! The waterfall part's chart: each request's time split as a browser's network panel splits it
//! (queued, DNS, connect, TLS, waiting, download), drawn from the core's model as a table, so
//! every number is also text a screen reader and a search can find.

use crate::labs::LabSession;
use leptos::prelude::*;
use wirelab_core::http::scenario::{HttpScenario, Part};
use wirelab_core::http::waterfall::{self, Row};

const PARTS: [(&str, &str); 6] = [("queued", "Queued"), ("dns", "DNS"), ("connect", "Connect"), ("tls", "TLS"), ("waiting", "Waiting"), ("download", "Download")];

fn segments(r: &Row) -> [u64; 6] {
    [r.queued, r.dns, r.connect, r.tls, r.waiting, r.download]
}

/// The waterfall of the scenario's page load, shown when the waterfall part is.
#[component]
pub fn WaterfallPanel(session: LabSession<HttpScenario>) -> impl IntoView {
    let model = Memo::new(move |_| session.scenario.with(|s| (s.part == Part::Waterfall).then(|| waterfall::model(&s.waterfall))));
    move || {
        model.with(|m| {
            let m = m.as_ref()?;
            let span = m.load.max(1) as f64;
            let pct = |us: u64| format!("{:.3}%", us as f64 * 100.0 / span);
            let rows = m
                .rows
                .iter()
                .map(|r| {
                    let mut left = r.discovered;
                    let bars = segments(r)
                        .iter()
                        .zip(PARTS)
                        .filter(|(us, _)| **us > 0)
                        .map(|(us, (class, _))| {
                            let style = format!("left:{};width:{}", pct(left), pct(*us));
                            left += us;
                            view! { <span class=format!("wf-seg wf-{class}") style=style></span> }
                        })
                        .collect_view();
                    let label = if r.cached {
                        format!("{}: from the cache, no request", r.name)
                    } else {
                        let parts: Vec<String> = segments(r).iter().zip(PARTS).filter(|(us, _)| **us > 0).map(|(us, (_, name))| format!("{name} {} ms", us / 1000)).collect();
                        format!("{}: starts at {} ms; {}; ends at {} ms", r.name, r.discovered / 1000, parts.join(", "), r.end / 1000)
                    };
                    let conn = if r.cached { "cache".to_string() } else { format!("#{}", r.connection) };
                    view! {
                        <tr data-testid="waterfall-row">
                            <th scope="row">{r.name.clone()}<small>{format!(" {} kB · {conn}", r.bytes / 1000)}</small></th>
                            <td class="wf-cell"><div class="wf-track" role="img" aria-label=label>{bars}</div></td>
                            <td class="wf-total">{format!("{} ms", (r.end - r.discovered) / 1000)}</td>
                        </tr>
                    }
                })
                .collect_view();
            let legend = PARTS.iter().map(|(class, name)| view! { <li><span class=format!("wf-key wf-{class}")></span>{*name}</li> }).collect_view();
            Some(view! {
                <section class="waterfall" data-testid="waterfall" aria-labelledby="waterfall-title">
                    <h2 id="waterfall-title">"Waterfall"</h2>
                    <p data-testid="waterfall-load">{format!("Loaded in {} ms: {} requests.", m.load / 1000, m.rows.len())}</p>
                    <ul class="wf-legend">{legend}</ul>
                    <div class="wf-scroll" tabindex="0" role="region" aria-label="The waterfall, as a table (scrolls sideways)">
                        <table class="wf-table">
                            <thead><tr><th scope="col">"Request"</th><th scope="col">{format!("0 to {} ms", m.load / 1000)}</th><th scope="col">"Time"</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                </section>
            })
        })
    }
}
