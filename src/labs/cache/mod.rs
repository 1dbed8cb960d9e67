//! The caching lab's page: its editor, the shared trace page, and a panel of what each cache
//! holds at a moment the person picks.

mod editor;

use super::{lab_page, LabOutput, LabSession};
use crate::components::banner::Notices;
use editor::CacheEditor;
use leptos::prelude::*;
use wirelab_core::cache::app::{self, Outcome};
use wirelab_core::cache::run::{self, CacheRun};
use wirelab_core::cache::scenario::{time_text, CacheForm, CacheScenario};
use wirelab_core::scenario::FieldError;
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
    let form = RwSignal::new(CacheForm::from(&session.scenario.get_untracked()));
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let editor = view! { <CacheEditor session=session form=form errors=errors /> }.into_any();
    let stored = view! {
        <Stored session=session />
        <AppPanel session=session form=form errors=errors />
    }
    .into_any();
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

/// The application caching simulation: a chart of hit ratio, database load and latency over
/// time, and every request with the commands it sent and why.
///
/// - `session`: the lab's session.
/// - `form`, `errors`: the editor's state, rewritten when an application scenario is picked.
#[component]
fn AppPanel(session: LabSession<CacheScenario, CacheRun>, form: RwSignal<CacheForm>, errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    // The application model runs apart from the HTTP trace: only when its own inputs change.
    let inputs = Memo::new(move |_| session.scenario.with(|s| s.app.clone()));
    let report = Memo::new(move |_| inputs.with(app::run));
    let selected = RwSignal::new(None::<usize>);
    let pick = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        let Some((_, _, a)) = app::presets().into_iter().find(|p| p.0 == id) else { return };
        let mut next = session.scenario.get_untracked();
        next.app = a;
        selected.set(None);
        session.replace(form, errors, next, |s| CacheForm::from(s));
    };
    const W: f64 = 600.0;
    const H: f64 = 160.0;
    let chart = move || {
        report.with(|a| {
            let n = a.buckets.len().max(1) as f64;
            let bw = W / n;
            let max_db = a.buckets.iter().map(|b| b.db_queries).max().unwrap_or(0).max(1) as f64;
            let max_lat = a.buckets.iter().map(|b| b.latency_sum.checked_div(b.reads as u64).unwrap_or(0)).max().unwrap_or(0).max(1) as f64;
            let bars = a.buckets.iter().enumerate().map(|(i, b)| {
                let h = b.db_queries as f64 / max_db * (H - 10.0);
                view! { <rect class="db-bar" x=format!("{:.1}", i as f64 * bw + 1.0) y=format!("{:.1}", H - h) width=format!("{:.1}", (bw - 2.0).max(1.0)) height=format!("{h:.1}") /> }
            }).collect_view();
            let line = |value: &dyn Fn(&app::Bucket) -> Option<f64>| {
                a.buckets.iter().enumerate().filter_map(|(i, b)| value(b).map(|v| format!("{:.1},{:.1}", i as f64 * bw + bw / 2.0, H - v * (H - 10.0)))).collect::<Vec<_>>().join(" ")
            };
            let hits = line(&|b| (b.reads > 0).then(|| b.hits as f64 / b.reads as f64));
            let latency = line(&|b| (b.reads > 0).then(|| (b.latency_sum / b.reads as u64) as f64 / max_lat));
            let label = format!("Over {} ms: hit ratio {:.0}% overall, database queries up to {} per bucket, mean latency up to {:.1} ms", a.buckets.len() as u64 * a.bucket_us / 1000, if a.reads == 0 { 0.0 } else { a.hits as f64 * 100.0 / a.reads as f64 }, max_db, max_lat / 1000.0);
            view! {
                <svg class="app-chart" viewBox=format!("0 0 {W} {H}") role="img" aria-label=label data-testid="app-chart">
                    {bars}
                    <polyline class="hit-line" points=hits fill="none" />
                    <polyline class="latency-line" points=latency fill="none" />
                </svg>
            }
        })
    };
    let totals = move || report.with(|a| a.summary.iter().map(|l| view! { <li>{l.clone()}</li> }).collect_view());
    let rows = move || {
        report.with(|a| {
            a.requests.iter().enumerate().take(400).map(|(i, q)| {
                let outcome = match q.outcome { Outcome::Hit => "hit", Outcome::Miss => "miss", Outcome::Coalesced => "coalesced", Outcome::Write => "write" };
                let stale = if q.outcome != Outcome::Write && q.version < q.current { " (stale)" } else { "" };
                view! {
                    <tr data-testid="app-request" class:selected=move || selected.get() == Some(i)>
                        <td>{format!("{:.1} ms", q.at as f64 / 1000.0)}</td>
                        <td>{format!("k{}", q.key)}</td>
                        <td><button type="button" class="link" on:click=move |_| selected.set(Some(i))>{format!("{outcome}{stale}")}</button></td>
                        <td>{format!("{:.1} ms", q.latency as f64 / 1000.0)}</td>
                    </tr>
                }
            }).collect_view()
        })
    };
    let detail = move || {
        let i = selected.get()?;
        report.with(|a| a.requests.get(i).cloned()).map(|q| view! {
            <div class="app-detail" data-testid="app-detail" role="status">
                <p>{format!("k{} at {:.1} ms: {} ({:.1} ms). Value v{}, the database had v{}.", q.key, q.at as f64 / 1000.0, q.why, q.latency as f64 / 1000.0, q.version, q.current)}</p>
                <ul class="commands">{q.commands.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}</ul>
            </div>
        })
    };
    view! {
        <section class="app-cache" data-testid="app-cache" aria-labelledby="app-title">
            <h2 id="app-title">"Application caching"</h2>
            <div class="field">
                <label for="cache-app-preset">"Application scenario"</label>
                <select id="cache-app-preset" data-testid="app-preset" on:change=pick>
                    <option value="" selected>"Choose one…"</option>
                    {app::presets().into_iter().map(|(id, title, _)| view! { <option value=id>{title}</option> }).collect_view()}
                </select>
            </div>
            <p class="help">{move || session.scenario.with(|s| format!("{} · {} at {} keys · TTL {} ms · stampede defence: {}. Edit it under “Application caching” in the editor.", s.app.strategy.name(), match s.app.eviction { app::Eviction::Lru => "LRU", app::Eviction::Lfu => "LFU", app::Eviction::Ttl => "TTL only" }, s.app.capacity, s.app.ttl_ms, match s.app.stampede { app::Stampede::None => "none", app::Stampede::Coalesce => "coalescing", app::Stampede::EarlyExpiration => "early expiration" }))}</p>
            <ul class="app-summary" data-testid="app-summary">{totals}</ul>
            {chart}
            <p class="legend"><span class="key db-key"></span>" database queries "<span class="key hit-key"></span>" hit ratio "<span class="key latency-key"></span>" mean latency"</p>
            {detail}
            <div class="app-table">
                <table>
                    <caption>"Requests (the first 400): pick one to see its commands"</caption>
                    <thead><tr><th scope="col">"At"</th><th scope="col">"Key"</th><th scope="col">"Outcome"</th><th scope="col">"Latency"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}
