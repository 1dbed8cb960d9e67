//! Lab pages. `LabSession` is what every lab's page shares: the scenario, its trace, the
//! selected step, playback, keyboard shortcuts, the permalink in the address bar, and the last
//! scenario kept in local storage. A lab adds its editor and calls [`lab_page`].

pub mod cache;
pub mod cookies;
pub mod dns;
pub mod http;
pub mod jwt;
pub mod oauth;
pub mod ratelimit;
pub mod tcp;
pub mod tls;

use crate::browser;
use crate::components::banner::Notices;
use crate::components::controls::{StepCaption, StepControls};
use crate::components::field::{Checkbox, Choice};
use crate::components::inspector::Inspector;
use crate::components::share::{Export, SharePanel};
use crate::components::timeline::Timeline;
use leptos::ev;
use leptos::leptos_dom::helpers::IntervalHandle;
use leptos::prelude::*;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wirelab_core::labs::LabInfo;
use wirelab_core::permalink::{self, LinkOptions, Location};
use wirelab_core::scenario::{self, FieldError, Scenario};
use wirelab_core::trace::Trace;

/// What a lab's run produces: a trace for the protocol labs, a report for the charts labs.
/// `steps` is what the step controls move through.
pub trait LabOutput: Clone + PartialEq + Send + Sync + 'static {
    fn steps(&self) -> usize;
}

impl LabOutput for Trace {
    fn steps(&self) -> usize {
        self.steps.len()
    }
}

/// The state of one open lab.
pub struct LabSession<S: Scenario + Send + Sync + 'static, O: LabOutput = Trace> {
    pub scenario: RwSignal<S>,
    pub step: RwSignal<usize>,
    pub trace: Memo<O>,
    pub len: Signal<usize>,
    pub current: Signal<usize>,
    pub playing: RwSignal<bool>,
    pub speed: RwSignal<f64>,
    pub embed: bool,
    pub select: Callback<usize>,
    /// The permalink fragment of what is shown (out of embed mode), as the address bar has it;
    /// it follows each change once the browser has compressed it (`None` before the first).
    pub link: RwSignal<Option<String>>,
}

impl<S: Scenario + Send + Sync + 'static, O: LabOutput> Clone for LabSession<S, O> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S: Scenario + Send + Sync + 'static, O: LabOutput> Copy for LabSession<S, O> {}

fn storage_key(lab: &str) -> String {
    format!("wirelab.{lab}.v1")
}

/// What local storage holds for a lab: the scenario (without secrets) and the step.
fn stored<S: Scenario>(notices: Notices) -> Option<(S, Option<usize>)> {
    let key = storage_key(S::LAB);
    let parsed: Result<_, String> = browser::load(&key).map_or(Ok(None), |text| {
        let mut v = serde_json::from_str::<serde_json::Value>(&text).map_err(|e| e.to_string())?;
        let step = v.get("step").and_then(|s| s.as_u64()).map(|s| s as usize);
        let s = v.get_mut("scenario").ok_or("it has no scenario")?.take();
        let scenario = scenario::from_value::<S>(s).map_err(|e| e.to_string())?;
        Ok(Some((scenario, step)))
    });
    match parsed {
        Ok(found) => found,
        Err(reason) => {
            browser::remove(&key);
            notices.push(format!(
                "Your last {} scenario, kept in this browser, could not be read ({reason}). It was discarded and the default is shown.",
                S::LAB.to_ascii_uppercase()
            ));
            None
        }
    }
}

impl<S: Scenario + Send + Sync + 'static, O: LabOutput> LabSession<S, O> {
    /// Opens a lab at `location`: the link's scenario if it has one, else the last one kept in
    /// this browser, else the default. Anything unreadable becomes a notice, never a failure.
    pub fn new(location: &Location, notices: Notices, embed: bool, run: fn(&S) -> O) -> LabSession<S, O> {
        let from_link = match permalink::scenario::<S>(location) {
            Ok(found) => found,
            Err(e) => {
                notices.push(format!("{e} Showing the default scenario instead."));
                None
            }
        };
        if let Some(e) = &location.step_error {
            notices.push(format!("{e} Showing step 1."));
        }
        let linked = from_link.is_some();
        let (initial, stored_step) = match from_link {
            Some(s) => (s, None),
            None if location.payload.is_some() || embed => (S::default(), None),
            None => stored::<S>(notices).unwrap_or_default(),
        };
        let (first, loading) = crate::ext::noting_missing(|| run(&initial));
        let steps = first.steps();
        let step = match (location.step, linked) {
            // The steps are counted again once the cryptography it waits for arrives; until then
            // the linked step is kept (and shown as the last step there is).
            (Some(n), _) if loading && n >= 1 => n - 1,
            (Some(n), _) => permalink::resolve_step(n, steps).unwrap_or_else(|e| {
                notices.push(format!("{e} Showing step 1."));
                0
            }),
            (None, _) if location.step_error.is_some() => 0,
            (None, _) => stored_step.filter(|s| loading || *s < steps).unwrap_or(0),
        };

        let scenario = RwSignal::new(initial);
        let step = RwSignal::new(step);
        // The run happens only when the scenario changes, so its output is new by definition;
        // comparing two large outputs for equality would cost as much as drawing them.
        // It runs again when separately loaded cryptography arrives (crate::ext).
        let trace = Memo::new_with_compare(
            move |_| {
                crate::ext::track();
                run(&scenario.read())
            },
            |_, _| true,
        );
        let len = Signal::derive(move || trace.with(|t| t.steps()));
        let current = Signal::derive(move || step.get().min(len.get().saturating_sub(1)));
        let playing = RwSignal::new(false);
        let speed = RwSignal::new(1.0);
        let select = Callback::new(move |i: usize| step.set(i.min(len.get_untracked().saturating_sub(1))));
        let link = RwSignal::new(None);
        let session = LabSession { scenario, step, trace, len, current, playing, speed, embed, select, link };
        session.sync_outward();
        session.install_keyboard();
        session.install_playback();
        session
    }

    /// Replaces the scenario (a valid edit), keeping the step when it still exists.
    pub fn load(&self, s: S) {
        self.scenario.set(s);
    }

    /// What an editor changes: this session's scenario and step.
    pub fn edits(&self) -> Edits<S> {
        Edits { scenario: self.scenario, step: self.step }
    }

    /// The permalink of the current view, before the browser compresses it
    /// ([`browser::deflated`]).
    pub fn unpacked(&self, options: LinkOptions) -> permalink::Unpacked {
        permalink::Unpacked::new(&*self.scenario.read_untracked(), self.current.get_untracked(), options)
    }

    /// The full app's address of what is shown, for an embed's "Open in Wirelab" link. It is
    /// read in a reactive context, so the link follows every edit and step.
    pub fn full_link(&self) -> String {
        // Until the first compressed link is made, the plain one (it opens the same view).
        let fragment = self.link.get().unwrap_or_else(|| self.unpacked(LinkOptions::default()).fragment(None));
        browser::base_url() + &fragment
    }

    /// Keeps the address bar a permalink of what is shown, and the scenario in local storage.
    /// Address-bar updates are throttled: the first of a run of changes (a slider being dragged)
    /// is written at once, the rest once the changes pause. The browser compresses each link
    /// (a promise); a link finished after a newer one was asked for is dropped.
    fn sync_outward(&self) {
        let session = *self;
        let LabSession { scenario, current, embed, link, .. } = session;
        let last_write = StoredValue::new(0.0f64);
        let pending = StoredValue::new(None::<leptos::leptos_dom::helpers::TimeoutHandle>);
        let asked = std::rc::Rc::new(std::cell::Cell::new(0u32));
        let write_link = move || {
            let unpacked = session.unpacked(LinkOptions::default());
            last_write.set_value(browser::now_ms());
            let this = asked.get().wrapping_add(1);
            asked.set(this);
            let asked = asked.clone();
            leptos::task::spawn_local(async move {
                let deflated = browser::deflated(&unpacked).await;
                // Not when a newer link is on its way, nor once this session is gone (a link
                // pasted into the address bar opened another).
                if asked.get() == this && !link.is_disposed() {
                    browser::replace_hash(&unpacked.embedded(embed).fragment(deflated.as_deref()));
                    link.set(Some(unpacked.fragment(deflated.as_deref())));
                }
            });
        };
        on_cleanup(move || {
            if let Some(h) = pending.get_value() {
                h.clear();
            }
        });
        Effect::new(move |_| {
            let s = scenario.read();
            current.track();
            if let Some(h) = pending.get_value() {
                h.clear();
            }
            pending.set_value(None);
            if browser::now_ms() - last_write.get_value() > 250.0 {
                write_link();
            } else {
                pending.set_value(set_timeout_with_handle(write_link.clone(), Duration::from_millis(250)).ok());
            }
            if !embed {
                let kept = format!(r#"{{"scenario":{},"step":{}}}"#, scenario::to_json(&*s, false), current.get());
                browser::save(&storage_key(S::LAB), &kept);
            }
        });
    }

    /// Left/Right, Space, Home/End anywhere on the page but in a form control.
    fn install_keyboard(&self) {
        let LabSession { len, current, playing, select, .. } = *self;
        let handle = window_event_listener(ev::keydown, move |ev: web_sys::KeyboardEvent| {
            if ev.alt_key() || ev.ctrl_key() || ev.meta_key() || ev.default_prevented() {
                return;
            }
            let tag = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .map(|e| e.tag_name().to_ascii_lowercase())
                .unwrap_or_default();
            if matches!(tag.as_str(), "input" | "select" | "textarea") {
                return;
            }
            let last = len.get_untracked().saturating_sub(1);
            let i = current.get_untracked();
            match ev.key().as_str() {
                "ArrowRight" => select.run((i + 1).min(last)),
                "ArrowLeft" => select.run(i.saturating_sub(1)),
                "Home" => select.run(0),
                "End" => select.run(last),
                " " if !matches!(tag.as_str(), "button" | "a" | "summary") => {
                    if !playing.get_untracked() && i >= last {
                        select.run(0);
                    }
                    playing.update(|p| *p = !*p);
                }
                _ => return,
            }
            ev.prevent_default();
        });
        on_cleanup(move || handle.remove());
    }

    /// Advances one step per tick while playing; stops at the end.
    fn install_playback(&self) {
        let LabSession { len, current, playing, speed, select, .. } = *self;
        let timer = StoredValue::new(None::<IntervalHandle>);
        Effect::new(move |_| {
            let on = playing.get();
            let rate = speed.get();
            if let Some(h) = timer.get_value() {
                h.clear();
            }
            timer.set_value(None);
            if on {
                let tick = move || {
                    let i = current.get_untracked();
                    if i + 1 < len.get_untracked() {
                        select.run(i + 1);
                    } else {
                        playing.set(false);
                    }
                };
                let period = Duration::from_millis((1000.0 / rate.max(0.1)) as u64);
                timer.set_value(set_interval_with_handle(tick, period).ok());
            }
        });
        on_cleanup(move || {
            if let Some(h) = timer.get_value() {
                h.clear();
            }
        });
    }
}

/// What an editor changes: a scenario and the step shown. A lab's session gives its own
/// ([`LabSession::edits`]); an editor loaded on its own (`crate::lazy_editor`) keeps a copy
/// and reports each change to the page.
pub struct Edits<S: Send + Sync + 'static> {
    pub scenario: RwSignal<S>,
    pub step: RwSignal<usize>,
}

impl<S: Send + Sync + 'static> Clone for Edits<S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S: Send + Sync + 'static> Copy for Edits<S> {}

impl<S: Scenario + Send + Sync + 'static> Edits<S> {
    /// Applies an edit: keeps what was typed in `form`, shows each field's problem in `errors`,
    /// and loads the scenario it describes when it is valid (and different).
    pub fn apply_form<F: Send + Sync + 'static>(
        &self,
        form: RwSignal<F>,
        errors: RwSignal<Vec<FieldError>>,
        typed: F,
        parse: impl Fn(&F) -> Result<S, Vec<FieldError>>,
    ) {
        match parse(&typed) {
            Ok(s) => {
                errors.set(Vec::new());
                if s != self.scenario.get_untracked() {
                    self.scenario.set(s);
                }
            }
            Err(e) => errors.set(e),
        }
        form.set(typed);
    }

    /// Replaces the scenario from outside the editor (a preset, a slider, an added request):
    /// the editor shows it as `to_form` writes it, with no errors left from earlier typing.
    /// The step is kept when it still exists.
    pub fn replace<F: Send + Sync + 'static>(&self, form: RwSignal<F>, errors: RwSignal<Vec<FieldError>>, s: S, to_form: impl Fn(&S) -> F) {
        form.set(to_form(&s));
        errors.set(Vec::new());
        self.scenario.set(s);
    }

    /// Loads the preset called `id` from `presets` and goes back to the first step.
    pub fn pick_preset<F: Send + Sync + 'static>(
        &self,
        form: RwSignal<F>,
        errors: RwSignal<Vec<FieldError>>,
        presets: Vec<(&'static str, &'static str, S)>,
        id: &str,
        to_form: impl Fn(&S) -> F,
    ) {
        if let Some((_, _, s)) = presets.into_iter().find(|p| p.0 == id) {
            self.replace(form, errors, s, to_form);
            self.step.set(0);
        }
    }
}

/// An editor's form bound to its lab: every edit keeps what was typed, shows each field's
/// problem, and, when the form parses, becomes the scenario.
pub struct FormEdit<S: Scenario + Send + Sync + 'static, F: Send + Sync + 'static> {
    pub edits: Edits<S>,
    pub form: RwSignal<F>,
    pub errors: RwSignal<Vec<FieldError>>,
    pub parse: fn(&F) -> Result<S, Vec<FieldError>>,
}

impl<S: Scenario + Send + Sync + 'static, F: Send + Sync + 'static> Clone for FormEdit<S, F> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S: Scenario + Send + Sync + 'static, F: Send + Sync + 'static> Copy for FormEdit<S, F> {}

impl<S: Scenario + Send + Sync + 'static, F: Clone + Send + Sync + 'static> FormEdit<S, F> {
    /// Changes the form as typed and applies it.
    pub fn edit(&self, change: &dyn Fn(&mut F)) {
        let mut f = self.form.get_untracked();
        change(&mut f);
        self.edits.apply_form(self.form, self.errors, f, self.parse);
    }

    /// One text field of the form: its value as typed, and the callback for each keystroke.
    pub fn text(self, get: fn(&F) -> &String, set: fn(&mut F, String)) -> (Signal<String>, Callback<String>) {
        let form = self.form;
        let value = Signal::derive(move || form.with(|f| get(f).clone()));
        let on_input = Callback::new(move |v: String| self.edit(&|f| set(f, v.clone())));
        (value, on_input)
    }

    /// A checkbox for one of the form's switches: `get` reads it, `set` applies a change.
    pub fn check(self, id: String, key: &'static str, label: &'static str, get: fn(&F) -> bool, set: fn(&mut F, bool)) -> impl IntoView {
        let form = self.form;
        let checked = Signal::derive(move || form.with(get));
        let on_change = Callback::new(move |on: bool| self.edit(&|f| set(f, on)));
        view! { <Checkbox id=id key=key label=label checked=checked on_change=on_change /> }
    }

    /// A menu for one of the form's choices: `get` names the value chosen now, `set` applies a
    /// pick; `options` are each value and its text.
    pub fn choice(self, id: String, key: &'static str, label: &'static str, options: Vec<(&'static str, &'static str)>, get: fn(&F) -> &'static str, set: fn(&mut F, &str)) -> impl IntoView {
        let form = self.form;
        let selected = Signal::derive(move || form.with(get));
        let on_change = Callback::new(move |value: String| self.edit(&|f| set(f, &value)));
        view! { <Choice id=id key=key label=label options=options selected=selected on_change=on_change /> }
    }
}

/// The page every trace lab shares: title, editor, controls, summary, timeline, inspector,
/// share. `trace` is the run's trace (the session's output, or part of it); `extra` is a
/// lab's own panel, shown under the timeline; `more_exports` come after the trace's own.
pub fn lab_page<S: Scenario + Send + Sync + 'static, O: LabOutput>(
    info: &'static LabInfo,
    session: LabSession<S, O>,
    trace: Memo<Trace>,
    editor: AnyView,
    extra: Option<AnyView>,
    more_exports: Vec<Export>,
) -> impl IntoView {
    let LabSession { len, current, playing, speed, embed, select, .. } = session;
    let fragment = Callback::new(move |options: LinkOptions| session.unpacked(options));
    let mut exports = trace_exports(trace, current);
    exports.extend(more_exports);
    let open_full = move || session.full_link();
    let summary = move || {
        trace.with(|t| {
            t.summary.iter().chain(t.warnings.iter()).map(|line| view! { <li>{line.clone()}</li> }).collect_view()
        })
    };
    view! {
        <article class="lab" data-lab=info.id>
            <header class="lab-header">
                <h1>{info.title}</h1>
                {(!embed).then(|| view! { <p class="teaser">{info.teaser}</p> })}
                {embed.then(|| view! {
                    <a class="open-full" data-testid="open-full" href=open_full target="_blank" rel="noopener">"Open in Wirelab ↗"</a>
                })}
            </header>
            <div class="lab-grid">
                <div class="lab-main">
                    {editor}
                    <div class="sticky-controls">
                        <StepControls len=len current=current on_select=select playing=playing speed=speed />
                        <StepCaption trace=trace current=current />
                    </div>
                    <section class="summary" aria-label="What this run shows">
                        <ul data-testid="summary">{summary}</ul>
                    </section>
                    <Timeline trace=trace current=current on_select=select />
                    {extra}
                </div>
                <div class="lab-side">
                    <Inspector trace=trace current=current />
                </div>
            </div>
            {(!embed).then(|| view! {
                <SharePanel fragment=fragment has_secrets=!S::SECRET_FIELDS.is_empty() title=info.title exports=exports />
            })}
        </article>
    }
}

/// JSON, SVG and Mermaid exports of a trace, with the selected step marked in the SVG.
pub fn trace_exports(trace: Memo<Trace>, current: Signal<usize>) -> Vec<Export> {
    let lab = trace.with_untracked(|t| t.lab.clone());
    vec![
        Export {
            id: "json",
            label: "Export JSON",
            filename: format!("wirelab-{lab}.json"),
            mime: "application/json",
            make: Callback::new(move |()| trace.with_untracked(|t| t.to_json()).into_bytes()),
        },
        Export {
            id: "svg",
            label: "Export SVG",
            filename: format!("wirelab-{lab}.svg"),
            mime: "image/svg+xml",
            make: Callback::new(move |()| trace.with_untracked(|t| wirelab_core::export::svg(t, Some(current.get_untracked()))).into_bytes()),
        },
        Export {
            id: "mermaid",
            label: "Export Mermaid",
            filename: format!("wirelab-{lab}.mmd"),
            mime: "text/plain",
            make: Callback::new(move |()| trace.with_untracked(wirelab_core::export::mermaid).into_bytes()),
        },
    ]
}
