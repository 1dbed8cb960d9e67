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
    // Password hashes come from a worker; the provider must be there before the first run.
    crate::hash_worker::install();
    let session = LabSession::<CookieScenario, CookieRun>::new(&location, notices, embed, run::run);
    let info = &labs::COOKIES;
    let trace: Memo<Trace> = Memo::new_with_compare(move |_| session.trace.with(|r| r.trace.clone()), |_, _| true);
    let editor = view! { <CookieEditor session=session /> }.into_any();
    let panel = view! { <JarTable session=session /> <PasswordCost session=session /> }.into_any();
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

/// The password part's worker and what it measured: the hashing in progress, and for each
/// scheme the cost of one guess in this browser, turned into how long an offline attack on a
/// leaked table takes for a few password strengths.
///
/// - `session`: the lab's session.
#[component]
fn PasswordCost(session: LabSession<CookieScenario, CookieRun>) -> impl IntoView {
    use wirelab_core::cookies::passwords::{attack_seconds, duration_text, Scheme, STRENGTHS};
    use wirelab_core::cookies::scenario::Part;
    let progress = crate::hash_worker::progress();
    let shown = Memo::new(move |_| session.scenario.with(|s| s.part == Part::Sessions && s.sessions.events.contains("register")));
    let scheme = Memo::new(move |_| session.scenario.with(|s| Scheme::parse(&s.sessions.hash).ok()));
    // SHA-256 is measured once the panel is first shown, for contrast with the app's scheme.
    let measured_sha = StoredValue::new(false);
    Effect::new(move |_| {
        if shown.get() && !measured_sha.get_value() {
            measured_sha.set_value(true);
            crate::hash_worker::measure_sha256();
        }
    });
    let status = {
        let progress = progress.clone();
        move || {
            let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
            progress.with(|p| match (&p.error, p.running, &p.current) {
                (Some(e), _, _) => format!("The hashing worker failed: {e}."),
                (None, 0, _) => format!("Computed in a worker, off the page's thread: {}, {}.", plural(p.hashes, "password hash", "password hashes"), plural(p.timed, "scheme timed", "schemes timed")),
                (None, n, current) => format!("Hashing in a worker: {} done, {n} to go{}.", p.hashes + p.timed, current.as_ref().and_then(|c| Scheme::parse(c).ok()).map(|c| format!(" (now {})", c.name())).unwrap_or_default()),
            })
        }
    };
    let busy = {
        let progress = progress.clone();
        move || progress.with(|p| p.running > 0 && p.error.is_none())
    };
    let rows = move || {
        let app = scheme.get();
        progress.with(|p| {
            let mut measured: Vec<(Scheme, f64)> = p.per_guess_ms.iter().filter_map(|(s, ms)| Scheme::parse(s).ok().map(|s| (s, *ms))).filter(|(_, ms)| *ms > 0.0).collect();
            measured.sort_by(|a, b| b.1.total_cmp(&a.1));
            if measured.is_empty() {
                return view! { <tr><td colspan="8" class="jar-empty">"Nothing measured yet: the first hash gives the first figure."</td></tr> }.into_any();
            }
            measured
                .into_iter()
                .map(|(s, ms)| {
                    let rate = 1000.0 / ms;
                    let mine = Some(s) == app;
                    let cells = STRENGTHS.iter().map(|(_, space)| view! { <td>{duration_text(attack_seconds(*space, rate))}</td> }).collect_view();
                    let per = if ms >= 1.0 { format!("{ms:.0} ms") } else if ms >= 0.001 { format!("{:.2} µs", ms * 1000.0) } else { format!("{:.0} ns", ms * 1e6) };
                    view! {
                        <tr data-testid="cost-row" class:jar-mine=mine>
                            <th scope="row">{s.name()}{mine.then_some(" (the app's)")}</th>
                            <td>{per}</td>
                            <td>{format_rate(rate)}</td>
                            {cells}
                        </tr>
                    }
                })
                .collect_view()
                .into_any()
        })
    };
    let panel = move || {
        let status = status.clone();
        let busy = busy.clone();
        let rows = rows.clone();
        view! {
            <section class="jar" data-testid="password-cost" aria-labelledby="cost-title">
                <h2 id="cost-title">"What a guess costs"</h2>
                <p role="status" data-testid="hash-status">
                    {move || busy().then(|| view! { <progress class="hash-progress" aria-label="Hashing in a worker"></progress> " " })}
                    {status}
                </p>
                <p class="hint">"Measured in this browser, on one core. For each strength, the time to find one password in a leaked table (on average: half of all guesses)."</p>
                <div class="jar-scroll" tabindex="0" role="region" aria-label="The cost of a guess and the time an attack takes, as a table (scrolls sideways)">
                    <table class="jar-table">
                        <caption>"The cost of a guess, and of an attack"</caption>
                        <thead><tr><th scope="col">"Scheme"</th><th scope="col">"One guess"</th><th scope="col">"Guesses a second"</th>{STRENGTHS.iter().map(|(name, _)| view! { <th scope="col">{*name}</th> }).collect_view()}</tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <p class="hint">"An attacker's graphics cards run many guesses at once: against unsalted SHA-256 that multiplies the rate by many thousands, and one pass covers every user with the same password. Against argon2id and scrypt each guess needs its own memory, which is what keeps the multiplier small; bcrypt lies between."</p>
                <button type="button" data-testid="measure-all" on:click=move |_| crate::hash_worker::measure_all()>"Measure every scheme at its recommended cost"</button>
            </section>
        }
    };
    view! { <Show when=move || shown.get()>{panel.clone()}</Show> }
}

/// Guesses a second in words: `3.2`, `41`, `5,300`, `12 million`.
fn format_rate(rate: f64) -> String {
    match rate {
        r if r < 10.0 => format!("{r:.1}"),
        r if r < 1e6 => {
            let n = r.round() as u64;
            let s = n.to_string();
            let mut out = String::new();
            for (i, c) in s.chars().enumerate() {
                if i > 0 && (s.len() - i) % 3 == 0 {
                    out.push(',');
                }
                out.push(c);
            }
            out
        }
        r if r < 1e9 => format!("{:.1} million", r / 1e6),
        r => format!("{:.1} billion", r / 1e9),
    }
}
