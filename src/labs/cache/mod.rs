//! The caching lab's page: its editor, the shared trace page, and a panel of what each cache
//! holds at a moment the person picks.

mod editor;

use super::{lab_page, LabOutput, LabSession};
use crate::components::banner::Notices;
use editor::CacheEditor;
use leptos::prelude::*;
use wirelab_core::cache::run::{self, CacheRun};
use wirelab_core::cache::scenario::{time_text, CacheScenario};
use wirelab_core::labs;
use wirelab_core::permalink::Location;
use wirelab_core::trace::Trace;

impl LabOutput for CacheRun {
    fn steps(&self) -> usize {
        self.trace.steps.len()
    }
}

/// The caching lab, opened at `location`.
#[component]
pub fn CacheLab(location: Location, notices: Notices, embed: bool) -> impl IntoView {
    let session = LabSession::<CacheScenario, CacheRun>::new(&location, notices, embed, run::run);
    let Some(info) = labs::find("cache") else {
        return view! { <p>"The caching lab is missing from the catalogue."</p> }.into_any();
    };
    let trace: Memo<Trace> = Memo::new_with_compare(move |_| session.trace.with(|r| r.trace.clone()), |_, _| true);
    let editor = view! { <CacheEditor session=session /> }.into_any();
    let stored = view! { <Stored session=session /> }.into_any();
    lab_page(info, session, trace, editor, Some(stored), Vec::new()).into_any()
}

/// Each cache's stored responses at a moment: age against freshness lifetime, fresh or stale.
/// The moment follows the selected step until the person moves it.
///
/// - `session`: the lab's session.
#[component]
fn Stored(session: LabSession<CacheScenario, CacheRun>) -> impl IntoView {
    let run = session.trace;
    let now = RwSignal::new(0u64);
    Effect::new(move |_| {
        let i = session.current.get();
        now.set(run.with_untracked(|r| r.trace.steps.get(i).map(|s| s.at.micros() / 1_000_000).unwrap_or(0)));
    });
    let horizon = Memo::new(move |_| run.with(|r| r.stretches.iter().map(|s| s.from.saturating_add(s.lifetime.saturating_sub(s.initial_age))).chain(r.trace.steps.last().map(|s| s.at.micros() / 1_000_000)).max().unwrap_or(0).min(400 * 86_400) + 60));
    let shift = move |by: i64| now.set(((now.get_untracked() as i64 + by).max(0) as u64).min(horizon.get_untracked()));
    let caches = move || {
        let t = now.get();
        run.with(|r| {
            let mut names: Vec<String> = Vec::new();
            for s in &r.stretches {
                if !names.contains(&s.cache) {
                    names.push(s.cache.clone());
                }
            }
            if names.is_empty() {
                return view! { <p class="cache-empty">"Nothing has been stored yet."</p> }.into_any();
            }
            names
                .into_iter()
                .map(|name| {
                    let rows: Vec<_> = r.stretches.iter().filter(|s| s.cache == name && s.from <= t && s.until.is_none_or(|u| u > t)).cloned().collect();
                    let body = if rows.is_empty() {
                        view! { <p class="cache-empty">"empty"</p> }.into_any()
                    } else {
                        let rows = rows
                            .into_iter()
                            .map(|s| {
                                let age = s.initial_age + (t - s.from);
                                let fresh = s.lifetime > age;
                                let pct = (age.min(s.lifetime) * 100).checked_div(s.lifetime).unwrap_or(100);
                                view! {
                                    <tr data-testid="stored-entry">
                                        <td>{s.key.clone()}</td>
                                        <td>{format!("{} of {}", time_text(age), time_text(s.lifetime))}
                                            <span class="ttl-bar" role="img" aria-label=format!("age {age} of {} seconds", s.lifetime)><span style=format!("width:{pct}%")></span></span>
                                        </td>
                                        <td>{if fresh { "fresh" } else { "stale" }}</td>
                                    </tr>
                                }
                            })
                            .collect_view();
                        view! {
                            <table>
                                <thead><tr><th scope="col">"Stored for"</th><th scope="col">"Age of lifetime"</th><th scope="col">"Now"</th></tr></thead>
                                <tbody>{rows}</tbody>
                            </table>
                        }
                        .into_any()
                    };
                    let heading = name.strip_prefix("the ").map(|n| n.to_string()).unwrap_or(name);
                    view! { <div><h3>{heading}</h3>{body}</div> }
                })
                .collect_view()
                .into_any()
        })
    };
    view! {
        <section class="caches" data-testid="caches" aria-labelledby="stored-title">
            <h2 id="stored-title">"What each cache holds"</h2>
            <div class="clock">
                <label for="cache-clock">"Time"</label>
                <input id="cache-clock" type="range" min="0" step="1" data-testid="clock"
                    prop:max=move || horizon.get().to_string()
                    prop:value=move || now.get().to_string()
                    aria-valuetext=move || time_text(now.get())
                    on:input=move |ev| now.set(event_target_value(&ev).parse().unwrap_or(0)) />
                <output for="cache-clock" data-testid="clock-value">{move || format!("t = {}", time_text(now.get()))}</output>
            </div>
            <div class="clock">
                <button type="button" on:click=move |_| shift(-60)>"−1 min"</button>
                <button type="button" on:click=move |_| shift(60)>"+1 min"</button>
                <button type="button" on:click=move |_| shift(3600)>"+1 h"</button>
                <button type="button" on:click=move |_| shift(86_400)>"+1 day"</button>
            </div>
            <p class="help">"Move the time to watch each stored response age past its freshness lifetime; the steps above move it too."</p>
            <div class="cache-grid">{caches}</div>
        </section>
    }
}
