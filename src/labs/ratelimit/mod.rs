//! The rate limiter lab's page: the same traffic through every model, as charts on one time
//! axis, a comparison table, and the full story of any one request.

pub mod bench;
mod editor;

use super::{LabOutput, LabSession};
use crate::components::banner::Notices;
use crate::components::controls::StepControls;
use crate::components::share::{Export, SharePanel};
use editor::RateEditor;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wirelab_core::labs;
use wirelab_core::permalink::{LinkOptions, Location};
use wirelab_core::ratelimit::chart::{self, HEIGHT, WIDTH};
use wirelab_core::ratelimit::report::{self, RateReport};
use wirelab_core::ratelimit::scenario::RateForm;
use wirelab_core::ratelimit::{self, Pattern, RateScenario};
use wirelab_core::scenario::{FieldError, Scenario};

impl LabOutput for RateReport {
    fn steps(&self) -> usize {
        self.requests.len()
    }
}

/// Traffic made for some clients and scope: (clients, scope, requests, limiter keys).
type Traffic = (Vec<ratelimit::Client>, ratelimit::Scope, Vec<report::Request>, Vec<String>);

thread_local! {
    /// The last traffic made, by the clients and scope it was made from.
    static TRAFFIC: std::cell::RefCell<Option<Traffic>> = const { std::cell::RefCell::new(None) };
}

/// `ratelimit::run`, keeping the traffic when only the limits or models change (a slider).
fn run_keeping_traffic(s: &RateScenario) -> RateReport {
    TRAFFIC.with(|cell| {
        let mut cache = cell.borrow_mut();
        let (reqs, keys) = match cache.as_ref() {
            Some((clients, scope, reqs, keys)) if *clients == s.clients && *scope == s.scope => (reqs.clone(), keys.clone()),
            _ => {
                let (reqs, keys) = report::requests(s);
                *cache = Some((s.clients.clone(), s.scope, reqs.clone(), keys.clone()));
                (reqs, keys)
            }
        };
        report::run_on(s, reqs, keys)
    })
}

fn seconds(us: u64) -> String {
    format!("{:.3} s", us as f64 / 1e6)
}

/// The rate limiter lab, opened at `location`.
#[component]
pub fn RateLimitLab(location: Location, notices: Notices, embed: bool) -> impl IntoView {
    let session = LabSession::<RateScenario, RateReport>::new(&location, notices, embed, run_keeping_traffic);
    let info = &labs::RATELIMIT;
    let LabSession { scenario, trace: report, len, current, playing, speed, select, .. } = session;
    let selected_run = RwSignal::new(0usize);
    let adding = RwSignal::new(false);
    let add_client = RwSignal::new(0usize);
    let form = RwSignal::new(RateForm::from(&scenario.get_untracked()));
    let errors = RwSignal::new(Vec::<FieldError>::new());
    // A change made outside the editor (a slider, an added request) shows in the editor too.
    let load = move |s: RateScenario| session.edits().replace(form, errors, s, |s| RateForm::from(s));

    // Adds a request at `ms` for the chosen client, as a hand-made (`at`) pattern.
    let add_request = move |ms: u64| {
        let mut s = scenario.get_untracked();
        let c = add_client.get_untracked().min(s.clients.len().saturating_sub(1));
        let Some(client) = s.clients.get_mut(c) else { return };
        match client.patterns.iter_mut().find_map(|p| match p {
            Pattern::Manual { times_ms } => Some(times_ms),
            _ => None,
        }) {
            Some(times) => {
                times.push(ms);
                wirelab_core::order::sort(times);
            }
            None => client.patterns.push(Pattern::Manual { times_ms: vec![ms] }),
        }
        if s.validate().is_empty() {
            load(s);
            // Select the new request.
            let r = report.get_untracked();
            if let Some(i) = r.requests.iter().position(|q| q.at == ms * 1000 && q.client == c) {
                select.run(i);
            }
        }
    };
    let remove_selected = move || {
        let r = report.get_untracked();
        let Some(req) = r.requests.get(current.get_untracked()).copied() else { return };
        let mut s = scenario.get_untracked();
        let Some(client) = s.clients.get_mut(req.client) else { return };
        let ms = req.at / 1000;
        for p in client.patterns.iter_mut() {
            if let Pattern::Manual { times_ms } = p {
                if let Some(k) = times_ms.iter().position(|t| *t == ms) {
                    times_ms.remove(k);
                    break;
                }
            }
        }
        client.patterns.retain(|p| !matches!(p, Pattern::Manual { times_ms } if times_ms.is_empty()));
        load(s);
    };
    let is_manual = move || report.with(|r| scenario.with(|s| is_manual_at(s, r, current.get())));

    let on_chart_click = move |ev: web_sys::MouseEvent, run: usize| {
        let Some(target) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        let rect = target.get_bounding_client_rect();
        let x = (ev.client_x() as f64 - rect.left()) / rect.width().max(1.0) * WIDTH as f64;
        selected_run.set(run);
        if adding.get_untracked() {
            // A hand-made request of the chosen client within 4 units of the click is removed;
            // anywhere else, a request is added.
            let client = add_client.get_untracked();
            let hit = report.with_untracked(|r| {
                chart::nearest_request(r, x).filter(|&i| r.requests[i].client == client && (chart::x_of(r.requests[i].at, r.span) - x).abs() <= 4.0)
            });
            match hit {
                Some(i) if scenario.with_untracked(|s| is_manual_at(s, &report.get_untracked(), i)) => {
                    select.run(i);
                    remove_selected();
                }
                _ => {
                    let span = report.with_untracked(|r| r.span);
                    add_request((x.max(0.0) / WIDTH as f64 * span as f64 / 1000.0) as u64);
                }
            }
        } else if let Some(i) = report.with_untracked(|r| chart::nearest_request(r, x)) {
            select.run(i);
        }
    };

    let table = move || {
        report.with(|r| {
            r.runs
                .iter()
                .enumerate()
                .map(|(i, run)| {
                    let s = &run.stats;
                    view! {
                        <tr class:selected=move || selected_run.get() == i>
                            <th scope="row"><button class="link" on:click=move |_| selected_run.set(i)>{run.algorithm.to_string()}</button></th>
                            <td>{s.allowed}</td>
                            <td>{s.refused}</td>
                            <td>{s.max_in_any_second}</td>
                            <td>{seconds(s.longest_wait)}</td>
                            <td>{format!("{:.3}", s.fairness_milli as f64 / 1000.0)}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };

    // Strips are computed once per run; stepping only moves the marker.
    let strips = Memo::new_with_compare(move |_| report.with(|r| (0..r.runs.len()).map(|i| chart::strip(r, i)).collect::<Vec<_>>()), |_, _| true);
    let marker_x = move || report.with(|r| r.requests.get(current.get()).map(|q| chart::x_of(q.at, r.span)).unwrap_or(-10.0));
    let charts = move || {
        let strips = strips.read();
        report.with(|r| {
            r.runs
                .iter()
                .enumerate()
                .map(|(i, run)| {
                    let st = strips.get(i).cloned().unwrap_or_else(|| chart::strip(r, i));
                    let name = run.algorithm.to_string();
                    let level = run.algorithm.level_name();
                    view! {
                        <figure class="strip" class:selected=move || selected_run.get() == i data-testid="chart" data-algorithm=run.algorithm.id()>
                            <figcaption>
                                <strong>{name.clone()}</strong>
                                <span class="legend">{format!(" · allowed {} · refused {} · line: {level} (top = {})", run.stats.allowed, run.stats.refused, st.level_max)}</span>
                            </figcaption>
                            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") preserveAspectRatio="none" class="strip-svg"
                                role="img" aria-label=format!("{name}: {} allowed, {} refused", run.stats.allowed, run.stats.refused)
                                on:click=move |ev| on_chart_click(ev, i)>
                                <line x1="0" x2=WIDTH y1=HEIGHT / 2 y2=HEIGHT / 2 class="axis" vector-effect="non-scaling-stroke" />
                                <polyline points=st.level class="level" vector-effect="non-scaling-stroke" />
                                <path d=st.allowed class="tick-allowed" vector-effect="non-scaling-stroke" />
                                <path d=st.refused class="tick-refused" vector-effect="non-scaling-stroke" />
                                <line x1=marker_x x2=marker_x y1="0" y2=HEIGHT class="marker" vector-effect="non-scaling-stroke" />
                            </svg>
                        </figure>
                    }
                })
                .collect_view()
        })
    };

    let inspector = move || {
        let r = report.read();
        let i = current.get();
        let Some(req) = r.requests.get(i).copied() else {
            return view! { <p id="inspector-title">"No requests: add some traffic in the scenario."</p> }.into_any();
        };
        let s = scenario.read();
        let client = s.clients.get(req.client).map(|c| c.name.clone()).unwrap_or_default();
        let verdicts = r
            .runs
            .iter()
            .enumerate()
            .map(|(k, run)| {
                let d = run.decisions[i];
                view! {
                    <tr class:selected=move || selected_run.get() == k>
                        <th scope="row"><button class="link" data-testid="verdict" on:click=move |_| selected_run.set(k)>{run.algorithm.to_string()}</button></th>
                        <td class:allowed=d.allowed class:refused=!d.allowed>{if d.allowed { if d.delay > 0 { format!("allowed, waits {}", seconds(d.delay)) } else { "allowed".to_string() } } else { "429".to_string() }}</td>
                        <td>{d.remaining}</td>
                        <td>{d.retry_after.map(seconds).unwrap_or_else(|| "—".into())}</td>
                    </tr>
                }
            })
            .collect_view();
        let run_index = selected_run.get().min(r.runs.len().saturating_sub(1));
        let detail = report::detail(&s, &r, run_index, i);
        let algo = r.runs.get(run_index).map(|x| x.algorithm.to_string()).unwrap_or_default();
        let detail_view = detail.map(|d| {
            let pairs = |v: Vec<(String, String)>| v.into_iter().map(|(k, v)| view! { <li><span class="var-name">{k}</span>" "{v}</li> }).collect_view();
            let headers = d.headers.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join("\n");
            let redis = d.redis.join("\n");
            view! {
                <h3>{format!("{algo}: why")}</h3>
                <p class="explanation" data-testid="explanation">{d.why}</p>
                <table class="states" data-testid="states">
                    <thead><tr><th scope="col">"Before"</th><th scope="col">"After"</th></tr></thead>
                    <tbody><tr><td><ul class="vars">{pairs(d.state_before)}</ul></td><td><ul class="vars">{pairs(d.state_after)}</ul></td></tr></tbody>
                </table>
                <h3>"Response headers"</h3>
                <pre class="code" data-testid="headers">{headers}</pre>
                <h3>"Redis commands"</h3>
                <pre class="code" data-testid="redis">{redis}</pre>
                <details class="redis-note"><summary>"About this implementation"</summary><pre class="code">{d.redis_note}</pre></details>
            }
        });
        view! {
            <h2 id="inspector-title">
                <span class="step-number">{format!("Request {} of {}", i + 1, r.requests.len())}</span>
                " "{format!("at {} from {client}", seconds(req.at))}
            </h2>
            <p class="who">{format!("Counted against key {}", r.keys[req.key])}</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Each model's answer">
            <table class="verdicts" data-testid="verdicts">
                <thead><tr><th scope="col">"Model"</th><th scope="col">"Answer"</th><th scope="col">"Remaining"</th><th scope="col">"Retry after"</th></tr></thead>
                <tbody>{verdicts}</tbody>
            </table>
            </div>
            {detail_view}
            <p class="specs">
                <a href="https://www.rfc-editor.org/rfc/rfc6585#section-4" target="_blank" rel="noopener noreferrer">"RFC 6585 §4"</a>" 429 Too Many Requests · "
                <a href="https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3" target="_blank" rel="noopener noreferrer">"RFC 9110 §10.2.3"</a>" Retry-After · "
                <a href="https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/" target="_blank" rel="noopener noreferrer">"IETF RateLimit fields (draft)"</a>
            </p>
        }
        .into_any()
    };

    let fragment = Callback::new(move |options: LinkOptions| session.unpacked(options));
    let exports = vec![
        Export {
            id: "json",
            label: "Export JSON",
            filename: "wirelab-ratelimit.json".into(),
            mime: "application/json",
            make: Callback::new(move |()| report.with_untracked(|r| r.to_json()).into_bytes()),
        },
        Export {
            id: "svg",
            label: "Export SVG",
            filename: "wirelab-ratelimit.svg".into(),
            mime: "image/svg+xml",
            make: Callback::new(move |()| report.with_untracked(|r| chart::svg(r, Some(current.get_untracked()))).into_bytes()),
        },
        Export {
            id: "csv",
            label: "Export CSV",
            filename: "wirelab-ratelimit.csv".into(),
            mime: "text/csv",
            make: Callback::new(move |()| report.with_untracked(|r| r.to_csv()).into_bytes()),
        },
    ];
    let open_full = move || session.full_link();
    let client_names = move || scenario.with(|s| s.clients.iter().enumerate().map(|(i, c)| (i, c.name.clone())).collect::<Vec<_>>());
    let span_label = move || report.with(|r| seconds(r.span));
    let add_at = RwSignal::new(String::new());
    // Sliders re-run every model as they move, and write the value into its editor field.
    let slide = move |ev: leptos::ev::Event, set: fn(&mut RateScenario, &mut RateForm, u64)| {
        let Ok(v) = event_target_value(&ev).parse::<u64>() else { return };
        let mut s = scenario.get_untracked();
        let mut f = form.get_untracked();
        set(&mut s, &mut f, v);
        if s.validate().is_empty() {
            form.set(f);
            session.load(s);
        }
    };

    view! {
        <article class="lab" data-lab=info.id>
            <header class="lab-header">
                <h1>{info.title}</h1>
                {(!embed).then(|| view! { <p class="teaser">{info.teaser}</p> })}
                {embed.then(|| view! { <a class="open-full" data-testid="open-full" href=open_full target="_blank" rel="noopener">"Open in Wirelab ↗"</a> })}
            </header>
            <div class="lab-grid">
                <div class="lab-main">
                    <RateEditor session=session form=form errors=errors />
                    <div class="sticky-controls">
                        <StepControls len=len current=current on_select=select playing=playing speed=speed />
                    </div>
                    <div class="sliders">
                        <label>
                            <span>{move || format!("Limit: {} per {} ms", scenario.with(|s| s.limit), scenario.with(|s| s.window_ms))}</span>
                            <input type="range" min="1" max="500" data-testid="slider-limit" aria-label="Requests per window"
                                prop:value=move || scenario.with(|s| s.limit.min(500).to_string())
                                on:input=move |ev| slide(ev, |s, f, v| { s.limit = v; f.limit = v.to_string(); }) />
                        </label>
                        <label>
                            <span>{move || format!("Burst / capacity: {}", scenario.with(|s| s.burst))}</span>
                            <input type="range" min="1" max="500" data-testid="slider-burst" aria-label="Burst or capacity"
                                prop:value=move || scenario.with(|s| s.burst.min(500).to_string())
                                on:input=move |ev| slide(ev, |s, f, v| { s.burst = v; f.burst = v.to_string(); }) />
                        </label>
                    </div>
                    <div class="table-scroll" tabindex="0" role="region" aria-label="Comparison of the models">
                    <table class="comparison" data-testid="summary">
                        <caption>"The same traffic through each model"</caption>
                        <thead><tr><th scope="col">"Model"</th><th scope="col">"Allowed"</th><th scope="col">"Refused"</th><th scope="col">"Most in any 1 s"</th><th scope="col">"Longest wait"</th><th scope="col">"Fairness"</th></tr></thead>
                        <tbody>{table}</tbody>
                    </table>
                    </div>
                    <details class="tradeoffs" data-testid="tradeoffs">
                        <summary>"How the models differ, and what this run shows"</summary>
                        <div class="table-scroll" tabindex="0" role="region" aria-label="Trade-offs">
                        <table class="comparison">
                            <thead><tr><th scope="col">"Model"</th><th scope="col">"Bursts"</th><th scope="col">"Smoothing"</th><th scope="col">"Precision"</th><th scope="col">"Memory per key"</th><th scope="col">"In this run"</th></tr></thead>
                            <tbody>{move || report.with(|r| {
                                let l = r.limits;
                                r.runs.iter().map(|run| {
                                    let [bursts, smoothing, precision, memory] = run.algorithm.tradeoffs();
                                    let most = run.stats.max_in_any_second;
                                    let per_second = l.limit as f64 * 1e6 / l.window as f64;
                                    let seen = format!(
                                        "at most {most} in any second (the average allowed is {per_second:.1}/s){}",
                                        if run.stats.longest_wait > 0 && run.algorithm == ratelimit::Algorithm::LeakyQueue { format!("; waits up to {}", seconds(run.stats.longest_wait)) } else { String::new() }
                                    );
                                    view! { <tr><th scope="row">{run.algorithm.to_string()}</th><td>{bursts}</td><td>{smoothing}</td><td>{precision}</td><td>{memory}</td><td>{seen}</td></tr> }
                                }).collect_view()
                            })}</tbody>
                        </table>
                        </div>
                    </details>
                    <div class="chart-tools">
                        <button data-testid="add-mode" aria-pressed=move || adding.get().to_string() on:click=move |_| adding.update(|a| *a = !*a)>
                            {move || if adding.get() { "Clicks add requests (on)" } else { "Clicks add requests (off)" }}
                        </button>
                        <label>"for "
                            <select data-testid="add-client" on:change=move |ev| add_client.set(event_target_value(&ev).parse().unwrap_or(0))>
                                {move || client_names().into_iter().map(|(i, n)| view! { <option value=i.to_string() selected=move || add_client.get() == i>{n}</option> }).collect_view()}
                            </select>
                        </label>
                        <label>" or at "
                            <input type="text" inputmode="numeric" size="7" data-testid="add-at" aria-label="Time of the new request, in ms"
                                prop:value=move || add_at.get() on:input=move |ev| add_at.set(event_target_value(&ev)) />
                            " ms "
                        </label>
                        <button data-testid="add-request" on:click=move |_| {
                            if let Ok(ms) = add_at.get_untracked().trim().parse::<u64>() { add_request(ms); }
                        }>"Add"</button>
                        <Show when=is_manual>
                            <button data-testid="remove-request" on:click=move |_| remove_selected()>"Remove the selected request"</button>
                        </Show>
                    </div>
                    <div class="charts" data-testid="timeline">
                        {charts}
                        <div class="axis-labels" aria-hidden="true"><span>"0 s"</span><span>{span_label}</span></div>
                        <p class="timeline-legend">"Ticks up: allowed; ticks down: refused (429); the line: each model's state. Click a chart to pick the nearest request; with adding on, a click adds a request for the chosen client, or removes one of its hand-made requests under the pointer."</p>
                    </div>
                </div>
                <div class="lab-side">
                    <section class="inspector" data-testid="inspector" aria-labelledby="inspector-title">{inspector}</section>
                </div>
            </div>
            {(!embed).then(|| view! {
                <SharePanel fragment=fragment has_secrets=!RateScenario::SECRET_FIELDS.is_empty() title=info.title exports=exports />
            })}
        </article>
    }
    .into_any()
}

/// Whether request `i` comes from a hand-made (`at`) pattern, so it can be removed.
fn is_manual_at(s: &RateScenario, r: &RateReport, i: usize) -> bool {
    let Some(req) = r.requests.get(i) else { return false };
    s.clients.get(req.client).is_some_and(|c| {
        c.patterns.iter().any(|p| matches!(p, Pattern::Manual { times_ms } if times_ms.contains(&(req.at / 1000))))
    })
}
