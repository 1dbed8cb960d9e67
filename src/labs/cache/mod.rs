//! The caching lab's page: its editor, the shared trace page, and a panel of what each cache
//! holds at a moment the person picks.

mod editor;

use super::{lab_page, LabOutput, LabSession};
use crate::components::banner::Notices;
use crate::components::share::Export;
use editor::CacheEditor;
use leptos::prelude::*;
use wirelab_core::cache::app;
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
    let info = &labs::CACHE;
    let trace: Memo<Trace> = Memo::new_with_compare(move |_| session.trace.with(|r| r.trace.clone()), |_, _| true);
    let form = RwSignal::new(CacheForm::from(&session.scenario.get_untracked()));
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let editor = view! { <CacheEditor session=session form=form errors=errors /> }.into_any();
    // The application model runs apart from the HTTP trace: only when its own inputs change.
    let app_inputs = Memo::new(move |_| session.scenario.with(|s| s.app.clone()));
    let report = Memo::new(move |_| app_inputs.with(app::run));
    // The application panel (a model run, a chart and a table) is drawn a frame after the rest:
    // the trace above it is usable first, and the model is not run before anything shows.
    let app_ready = RwSignal::new(false);
    request_animation_frame(move || app_ready.set(true));
    let stored = view! {
        <Stored session=session />
        <Show when=move || app_ready.get() fallback=|| view! { <section class="app-cache" aria-busy="true"><h2>"Application caching"</h2></section> }>
            <AppPanel session=session form=form errors=errors report=report />
        </Show>
    }
    .into_any();
    let exports = vec![Export {
        id: "app-csv",
        label: "Export the application requests (CSV)",
        filename: "wirelab-cache-app.csv".into(),
        mime: "text/csv",
        make: Callback::new(move |()| report.with_untracked(|r| r.to_csv()).into_bytes()),
    }];
    lab_page(info, session, trace, editor, Some(stored), exports).into_any()
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
/// - `report`: the application model's run.
#[component]
fn AppPanel(session: LabSession<CacheScenario, CacheRun>, form: RwSignal<CacheForm>, errors: RwSignal<Vec<FieldError>>, report: Memo<app::AppReport>) -> impl IntoView {
    let selected = RwSignal::new(None::<usize>);
    let pick = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        let Some((_, _, a)) = app::presets().into_iter().find(|p| p.0 == id) else { return };
        let mut next = session.scenario.get_untracked();
        next.app = a;
        selected.set(None);
        session.edits().replace(form, errors, next, |s| CacheForm::from(s));
    };
    // Sliders re-run the model as they move, and write the value into its editor field. A value
    // typed beyond a slider's range stays as typed; the slider then rests at its end.
    let slide = move |ev: leptos::ev::Event, key: &'static str, set: fn(&mut app::AppScenario, &mut CacheForm, u64)| {
        let Ok(v) = event_target_value(&ev).parse::<u64>() else { return };
        let mut s = session.scenario.get_untracked();
        let mut f = form.get_untracked();
        set(&mut s.app, &mut f, v);
        if s.app.validate().is_empty() {
            form.set(f);
            errors.update(|e| e.retain(|e| e.field != key));
            session.load(s);
        }
    };
    let slider = move |key: &'static str, label: &'static str, (min, max, step): (u64, u64, u64), get: fn(&app::AppScenario) -> u64, text: fn(u64) -> String, set: fn(&mut app::AppScenario, &mut CacheForm, u64)| {
        view! {
            <label>
                <span>{move || format!("{label}: {}", text(session.scenario.with(|s| get(&s.app))))}</span>
                <input type="range" min=min.to_string() max=max.to_string() step=step.to_string() data-testid=format!("slider-{key}") aria-label=label
                    prop:value=move || session.scenario.with(|s| get(&s.app).clamp(min, max).to_string())
                    aria-valuetext=move || text(session.scenario.with(|s| get(&s.app)))
                    on:input=move |ev| slide(ev, key, set) />
            </label>
        }
    };
    let ms = |v: u64| format!("{v} ms");
    let sliders = view! {
        <div class="sliders" data-testid="app-sliders">
            {slider("app_capacity", "Capacity (keys)", (1, 1000, 1), |a| a.capacity as u64, |v| v.to_string(), |a, f, v| { a.capacity = v as u32; f.app_capacity = v.to_string(); })}
            {slider("app_ttl_ms", "TTL", (10, 10_000, 10), |a| a.ttl_ms, ms, |a, f, v| { a.ttl_ms = v; f.app_ttl_ms = v.to_string(); })}
            {slider("app_hot_percent", "Hot key share", (0, 100, 1), |a| a.hot_percent as u64, |v| format!("{v}%"), |a, f, v| { a.hot_percent = v as u32; f.app_hot_percent = v.to_string(); })}
            {slider("app_db_ms", "Database latency", (0, 500, 1), |a| a.db_ms, ms, |a, f, v| { a.db_ms = v; f.app_db_ms = v.to_string(); })}
            {slider("app_reader_pause_ms", "Reader's pause before SET", (0, 500, 1), |a| a.reader_pause_ms, ms, |a, f, v| { a.reader_pause_ms = v; f.app_reader_pause_ms = v.to_string(); })}
        </div>
    };
    // The chart: database queries per bucket as bars (left scale), hit ratio and mean latency
    // as lines (right scale, latency against its own peak), time along the bottom. Picking a
    // bar, or a window with the range below, shows that bucket's requests in the table.
    const W: f64 = 600.0;
    const H: f64 = 180.0;
    const L: f64 = 40.0;
    const R: f64 = 54.0;
    const T: f64 = 8.0;
    const B: f64 = 20.0;
    let window = RwSignal::new(None::<usize>);
    let chart = move || {
        let picked = window.get();
        report.with(|a| {
            let n = a.buckets.len().max(1) as f64;
            let (pw, ph) = (W - L - R, H - T - B);
            let bw = pw / n;
            let max_db = a.buckets.iter().map(|b| b.db_queries).max().unwrap_or(0).max(1) as f64;
            let max_lat = a.buckets.iter().map(|b| b.latency_sum.checked_div(b.reads as u64).unwrap_or(0)).max().unwrap_or(0).max(1) as f64;
            let y = |v: f64| T + ph - v * ph;
            let bars = a.buckets.iter().enumerate().map(|(i, b)| {
                let h = b.db_queries as f64 / max_db * ph;
                view! {
                    <rect class="db-bar" class:picked=picked == Some(i) x=format!("{:.1}", L + i as f64 * bw + 0.5) y=format!("{:.1}", T + ph - h) width=format!("{:.1}", (bw - 1.0).max(1.0)) height=format!("{h:.1}") />
                    <rect class="bucket-hit" x=format!("{:.1}", L + i as f64 * bw) y=format!("{T}") width=format!("{bw:.1}") height=format!("{ph:.1}")
                        on:click=move |_| window.set(Some(i))><title>{format!("{} database queries, {} reads, {} hits", b.db_queries, b.reads, b.hits)}</title></rect>
                }
            }).collect_view();
            let line = |value: &dyn Fn(&app::Bucket) -> Option<f64>| {
                a.buckets.iter().enumerate().filter_map(|(i, b)| value(b).map(|v| format!("{:.1},{:.1}", L + i as f64 * bw + bw / 2.0, y(v)))).collect::<Vec<_>>().join(" ")
            };
            let hits = line(&|b| (b.reads > 0).then(|| b.hits as f64 / b.reads as f64));
            let latency = line(&|b| (b.reads > 0).then(|| (b.latency_sum / b.reads as u64) as f64 / max_lat));
            let span_us = a.buckets.len() as u64 * a.bucket_us;
            let span_ms = (span_us + 500) / 1000;
            let label = format!("Over {span_ms} ms: hit ratio {:.0}% overall, database queries up to {} per bucket, mean latency up to {:.1} ms", if a.reads == 0 { 0.0 } else { a.hits as f64 * 100.0 / a.reads as f64 }, max_db, max_lat / 1000.0);
            let ticks = (0..=4).map(|k| {
                let x = L + pw * k as f64 / 4.0;
                let anchor = match k { 0 => "start", 4 => "end", _ => "middle" };
                view! { <text class="axis" class:minor=k % 2 == 1 x=format!("{x:.1}") y=format!("{}", H - 5.0) text-anchor=anchor>{format!("{} ms", (span_us * k / 4 + 500) / 1000)}</text> }
            }).collect_view();
            view! {
                <svg class="app-chart" viewBox=format!("0 0 {W} {H}") role="img" aria-label=label data-testid="app-chart">
                    <line class="grid" x1=L y1=T x2=W - R y2=T />
                    <line class="grid" x1=L y1=T + ph / 2.0 x2=W - R y2=T + ph / 2.0 />
                    <line class="grid" x1=L y1=T + ph x2=W - R y2=T + ph />
                    {bars}
                    <polyline class="hit-line" points=hits fill="none" />
                    <polyline class="latency-line" points=latency fill="none" />
                    <text class="axis" x=L - 4.0 y=T + 8.0 text-anchor="end">{format!("{max_db}")}</text>
                    <text class="axis" x=L - 4.0 y=T + ph text-anchor="end">"0"</text>
                    <text class="axis" x=W - R + 4.0 y=T + 8.0>"100%"</text>
                    <text class="axis" x=W - R + 4.0 y=T + ph / 2.0 + 4.0>"50%"</text>
                    <text class="axis" x=W - R + 4.0 y=T + ph>"0%"</text>
                    {ticks}
                </svg>
            }
        })
    };
    let buckets = move || report.with(|a| a.buckets.len());
    let window_text = move || {
        report.with(|a| match window.get() {
            Some(i) => format!("{}–{} ms", (i as u64 * a.bucket_us + 500) / 1000, ((i as u64 + 1) * a.bucket_us + 500) / 1000),
            None => "all".to_string(),
        })
    };
    let totals = move || report.with(|a| a.summary.iter().map(|l| view! { <li>{l.clone()}</li> }).collect_view());
    // The table draws 100 rows at first (drawing thousands would slow every edit), more on
    // request; a window of the chart narrows it to one bar's requests.
    const PAGE: usize = 100;
    let shown = RwSignal::new(PAGE);
    Effect::new(move |_| {
        window.track();
        report.track();
        if shown.get_untracked() != PAGE {
            shown.set(PAGE);
        }
    });
    let in_window = move |a: &app::AppReport, w: Option<usize>, q: &app::AppRequest| w.is_none_or(|w| ((q.at / a.bucket_us.max(1)) as usize).min(a.buckets.len().saturating_sub(1)) == w);
    let matching = move || report.with(|a| {
        let w = window.get();
        a.requests.iter().filter(|q| in_window(a, w, q)).count()
    });
    let rows = move || {
        report.with(|a| {
            let w = window.get();
            a.requests.iter().enumerate().filter(|(_, q)| in_window(a, w, q)).take(shown.get()).map(|(i, q)| {
                let outcome = q.outcome.name();
                let stale = if q.stale() { " (stale)" } else { "" };
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
            {sliders}
            <ul class="app-summary" data-testid="app-summary">{totals}</ul>
            {chart}
            <p class="legend"><span class="key db-key"></span>" database queries "<span class="key hit-key"></span>" hit ratio "<span class="key latency-key"></span>" mean latency"</p>
            <div class="clock">
                <label for="cache-app-window">"Requests shown"</label>
                <input id="cache-app-window" type="range" min="0" step="1" data-testid="app-window"
                    prop:max=move || buckets().saturating_sub(1).to_string()
                    prop:value=move || window.get().unwrap_or(0).to_string()
                    aria-valuetext=window_text
                    on:input=move |ev| window.set(event_target_value(&ev).parse().ok()) />
                <output for="cache-app-window" data-testid="app-window-value">{window_text}</output>
                <button type="button" data-testid="app-window-all" disabled=move || window.get().is_none() on:click=move |_| window.set(None)>"Show all"</button>
            </div>
            {detail}
            <div class="app-table">
                <table>
                    <caption>{move || {
                        let (n, k) = (matching(), shown.get());
                        let whose = if window.get().is_some() { "in the chosen window" } else { "from the start; pick a bar on the chart or a window for later ones" };
                        if n > k { format!("Requests {whose}: the first {k} of {n}. Pick one to see its commands.") } else { format!("Requests {whose}: all {n}. Pick one to see its commands.") }
                    }}</caption>
                    <thead><tr><th scope="col">"At"</th><th scope="col">"Key"</th><th scope="col">"Outcome"</th><th scope="col">"Latency"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
                <Show when=move || { matching() > shown.get() }>
                    <button type="button" data-testid="app-more" on:click=move |_| shown.update(|k| *k += 4 * PAGE)>{move || format!("Show {} more", matching().saturating_sub(shown.get()).min(4 * PAGE))}</button>
                </Show>
            </div>
        </section>
    }
}
