//! The cookies lab's page: its editor, the shared trace page, and the jar as a browser's storage
//! panel shows it, at the selected step.

mod editor;

use super::{lab_page, LabOutput, LabSession};
use crate::components::banner::Notices;
use editor::CookieEditor;
use leptos::prelude::*;
use wirelab_core::cookies::run::{self, CookieRun};
use wirelab_core::cookies::scenario::CookieScenario;
use wirelab_core::labs;
use wirelab_core::permalink::Location;
use wirelab_core::trace::Trace;

impl LabOutput for CookieRun {
    fn steps(&self) -> usize {
        self.trace.steps.len()
    }
}

/// The cookies lab, opened at `location`.
#[component]
pub fn CookiesLab(location: Location, notices: Notices, embed: bool) -> impl IntoView {
    let session = LabSession::<CookieScenario, CookieRun>::new(&location, notices, embed, run::run);
    let Some(info) = labs::find("cookies") else {
        return view! { <p>"The cookies lab is missing from the catalogue."</p> }.into_any();
    };
    let trace: Memo<Trace> = Memo::new_with_compare(move |_| session.trace.with(|r| r.trace.clone()), |_, _| true);
    let editor = view! { <CookieEditor session=session /> }.into_any();
    let panel = view! { <JarTable session=session /> }.into_any();
    lab_page(info, session, trace, editor, Some(panel), Vec::new()).into_any()
}

/// The jar after the selected step, one row a cookie, as a browser's storage panel lists it.
///
/// - `session`: the lab's session.
#[component]
fn JarTable(session: LabSession<CookieScenario, CookieRun>) -> impl IntoView {
    let run = session.trace;
    let shown = Memo::new(move |_| run.with(|r| !r.jars.is_empty()));
    let rows = move || {
        let i = session.current.get();
        run.with(|r| {
            let jar = r.jars.get(i).cloned().unwrap_or_default();
            if jar.is_empty() {
                return view! { <tr><td colspan="9" class="jar-empty">"The jar is empty."</td></tr> }.into_any();
            }
            let tick = |on: bool| if on { "✔" } else { "" };
            jar.into_iter()
                .map(|c| {
                    view! {
                        <tr data-testid="jar-row">
                            <th scope="row">{c.name}</th>
                            <td class="mono">{c.value}</td>
                            <td>{c.domain}</td>
                            <td>{c.path}</td>
                            <td>{c.expires}</td>
                            <td aria-label=if c.secure { "Secure" } else { "not Secure" }>{tick(c.secure)}</td>
                            <td aria-label=if c.http_only { "HttpOnly" } else { "not HttpOnly" }>{tick(c.http_only)}</td>
                            <td>{c.same_site}</td>
                            <td>{c.partition}</td>
                        </tr>
                    }
                })
                .collect_view()
                .into_any()
        })
    };
    let caption = move || format!("The jar after step {}", session.current.get() + 1);
    let table = move || view! {
        <section class="jar" data-testid="jar" aria-labelledby="jar-title">
            <h2 id="jar-title">"The cookie jar"</h2>
            <div class="jar-scroll" tabindex="0" role="region" aria-label="The cookie jar, as a table (scrolls sideways)">
                <table class="jar-table">
                    <caption>{caption}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Value"</th>
                            <th scope="col">"Domain"</th>
                            <th scope="col">"Path"</th>
                            <th scope="col">"Expires"</th>
                            <th scope="col">"Secure"</th>
                            <th scope="col">"HttpOnly"</th>
                            <th scope="col">"SameSite"</th>
                            <th scope="col">"Partition"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    };
    view! { <Show when=move || shown.get()>{table}</Show> }
}
