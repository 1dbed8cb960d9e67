//! The JWT lab's page (in progress, not on the home page): the token decoded, the editor, and
//! the verification trace on the shared trace page.

mod editor;

use super::{lab_page, LabSession};
use crate::components::banner::Notices;
use editor::JwtEditor;
use leptos::prelude::*;
use wirelab_core::jwt::inspect::{inspect, Inspection};
use wirelab_core::jwt::scenario::{JwtForm, JwtScenario};
use wirelab_core::jwt::verify;
use wirelab_core::labs;
use wirelab_core::permalink::Location;
use wirelab_core::scenario::FieldError;
use wirelab_core::trace::Trace;

/// Seconds since 1970 by the browser's clock.
fn real_now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// The verification trace at the scenario's `now`, or at the real time when it has none.
fn run(s: &JwtScenario) -> Trace {
    verify::run(s, real_now())
}

/// The JWT lab, opened at `location`.
#[component]
pub fn JwtLab(location: Location, notices: Notices, embed: bool) -> impl IntoView {
    let session = LabSession::<JwtScenario>::new(&location, notices, embed, run);
    let Some(info) = labs::find("jwt") else {
        return view! { <p>"The JWT lab is missing from the catalogue."</p> }.into_any();
    };
    let form = RwSignal::new(JwtForm::from(&session.scenario.get_untracked()));
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let decoded = Memo::new(move |_| session.scenario.with(|s| inspect(&s.token, s.now.unwrap_or_else(real_now))));
    let editor = view! {
        <JwtEditor session=session form=form errors=errors />
        <Decoded decoded=decoded />
    }
    .into_any();
    lab_page(info, session, session.trace, editor, None).into_any()
}

/// The local time of `secs` in this browser's time zone.
fn local_time(secs: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(secs as f64 * 1000.0));
    String::from(date.to_string())
}

/// The pasted token, decoded: its parts colour-coded, its header and payload, and its claims.
///
/// - `decoded`: what the core read in the paste.
#[component]
fn Decoded(decoded: Memo<Inspection>) -> impl IntoView {
    view! {
        <section class="jwt-decoded" data-testid="decoded" aria-labelledby="decoded-title">
            <h2 id="decoded-title">"Decoded"</h2>
            {move || decoded.with(|d| {
                let error = d.error.clone().map(|e| view! { <p class="field-error" role="status" data-testid="decode-error">{e}</p> });
                let context = d.context.clone().map(|c| view! { <p class="help">{format!("Token found {c}.")}</p> });
                let parts = d.parts.iter().enumerate().map(|(i, p)| {
                    let class = match i { 0 => "part-header", 1 => "part-payload", 2 => "part-signature", _ => "part-other" };
                    view! { <span class=class data-testid="token-part">{p.clone()}</span>{(i + 1 < d.parts.len()).then(|| view! { <span class="dot">"."</span> })} }
                }).collect_view();
                let claims = d.claims.iter().map(|c| {
                    let local = c.time.map(local_time).unwrap_or_default();
                    view! {
                        <tr data-testid="claim">
                            <th scope="row">{c.name.clone()}</th>
                            <td class="mono">{c.value.clone()}</td>
                            <td>{c.meaning.clone()}
                                {c.time.is_some().then(|| view! { <span class="claim-time">{c.utc.clone()}<br/>{local}<br/><strong>{c.relative.clone()}</strong></span> })}
                            </td>
                        </tr>
                    }
                }).collect_view();
                view! {
                    {error}
                    {context}
                    <p class="token mono" data-testid="token-parts">{parts}</p>
                    <div class="jwt-json">
                        <div><h3 class="part-header-title">"Header"</h3><pre data-testid="header-json">{d.header.clone()}</pre></div>
                        <div><h3 class="part-payload-title">"Payload"</h3><pre data-testid="payload-json">{d.payload.clone()}</pre></div>
                    </div>
                    {(!d.claims.is_empty()).then(|| view! {
                        <table class="claims" data-testid="claims">
                            <thead><tr><th scope="col">"Claim"</th><th scope="col">"Value"</th><th scope="col">"Meaning"</th></tr></thead>
                            <tbody>{claims}</tbody>
                        </table>
                    })}
                }
            })}
        </section>
    }
}
