//! A lab's editor as a wasm of its own, loaded the first time the person opens it.
//!
//! The editor's form (every field, its parser and its text) is a large part of a lab's page
//! that showing a run does not need. The page keeps the folded `<details>` and its summary line
//! ([`LazyEditor`]); opening it imports the lab's editor extension (`ext/<lab>editor`, a crate
//! that calls [`serve`] with the lab's form) and mounts the form inside.
//!
//! The two sides speak in scenarios as JSON, the same text a permalink carries:
//! - the page gives the editor the scenario to show (when opened, and whenever the scenario
//!   changes from outside the editor: a preset, a button of the lab's own);
//! - the editor gives the page each valid scenario typed, and how many fields need attention.
//!
//! Each side reads the other's JSON with [`scenario::from_json`], so a bad message is refused
//! like a bad link, never trusted.

use crate::components::field::{editor_form, editor_summary};
use js_sys::{Function, Reflect};
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wirelab_core::scenario::{self, FieldError, Scenario};

use crate::labs::Edits;

/// The scenario as the two sides send it (secrets included: it never leaves the page).
fn json<S: Scenario>(s: &S) -> String {
    scenario::to_json(s, true)
}

/// The folded editor of a lab whose form is a separate wasm (`ext/<ext>`).
///
/// - `ext`: the extension's id (its `<meta name="wirelab-ext-…">`).
/// - `title`, `summary`: the summary line, as [`editor_summary`] shows it.
/// - `scenario`: the lab's scenario, which the editor shows and changes.
///
/// It uses few signal types of its own: each new one adds Leptos code to the page.
#[component]
pub fn LazyEditor<S: Scenario + Send + Sync + 'static>(ext: &'static str, title: &'static str, summary: Signal<String>, scenario: RwSignal<S>) -> impl IntoView {
    let problems = RwSignal::new(0usize);
    let loading = RwSignal::new(false);
    // Why the last load failed.
    let failed = RwSignal::new(None::<String>);
    let host = format!("{ext}-host");
    // The editor's handle once mounted, and the last scenario it gave (not sent back to it).
    let editor: Rc<RefCell<Option<JsValue>>> = Rc::default();
    let from_editor: Rc<RefCell<Option<S>>> = Rc::default();

    let mount = {
        let (host, editor, from_editor) = (host.clone(), editor.clone(), from_editor.clone());
        move |module: JsValue| -> Result<(), String> {
            let parent = document().get_element_by_id(&host).ok_or("the page has no place for it")?;
            let on_scenario = Closure::<dyn Fn(String)>::new(move |text: String| match scenario::from_json::<S>(&text) {
                Ok(s) => {
                    *from_editor.borrow_mut() = Some(s.clone());
                    if s != scenario.get_untracked() {
                        scenario.set(s);
                    }
                }
                Err(e) => web_sys::console::warn_1(&format!("the editor sent a scenario the page refuses: {e}").into()),
            });
            let on_problems = Closure::<dyn Fn(usize)>::new(move |n: usize| problems.set(n));
            let open: Function = Reflect::get(&module, &"open".into()).ok().and_then(|f| f.dyn_into().ok()).ok_or("it has no open")?;
            let args = js_sys::Array::of4(&parent.into(), &json(&*scenario.read_untracked()).into(), on_scenario.as_ref(), on_problems.as_ref());
            let handle = open.apply(&JsValue::NULL, &args).map_err(|e| e.as_string().unwrap_or_else(|| "it failed to start".into()))?;
            // They live as long as the page: the editor is opened once.
            on_scenario.forget();
            on_problems.forget();
            *editor.borrow_mut() = Some(handle);
            Ok(())
        }
    };
    let start = {
        let editor = editor.clone();
        move || {
            if loading.get_untracked() || editor.borrow().is_some() {
                return;
            }
            loading.set(true);
            failed.set(None);
            let mount = mount.clone();
            leptos::task::spawn_local(async move {
                let opened = match crate::ext::import(ext).await {
                    Ok(module) => mount(module),
                    Err(e) => Err(e),
                };
                loading.set(false);
                failed.set(opened.err());
            });
        }
    };
    // A scenario that did not come from the editor (a preset, a lab's own button) is shown in it.
    Effect::new(move |_| {
        let now = scenario.read();
        if from_editor.borrow().as_ref() == Some(&*now) {
            return;
        }
        if let Some(handle) = editor.borrow().as_ref() {
            let shown = Reflect::get(handle, &"show".into()).ok().and_then(|f| f.dyn_into::<Function>().ok()).map(|show| show.call1(handle, &json(&*now).into()));
            if let Some(Err(e)) = shown {
                web_sys::console::warn_1(&e);
            }
        }
    });
    let on_toggle = {
        let start = start.clone();
        move |ev: web_sys::Event| {
            if ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok()).is_some_and(|d| d.open()) {
                start();
            }
        }
    };
    view! {
        <details class="editor" class:invalid=move || problems.get() != 0 on:toggle=on_toggle>
            {editor_summary(title, summary)}
            <p class="editor-status" role="status" hidden=move || !loading.get()>"Loading the editor…"</p>
            <p class="editor-status" role="alert" data-testid="editor-failed" hidden=move || failed.with(|f| f.is_none())>
                {move || failed.get().map(|reason| format!("The editor could not be loaded ({reason}). Check the connection, then ")).unwrap_or_default()}
                <button type="button" class="link" on:click=move |_| start()>"try again"</button>"."
            </p>
            <div class="editor-host" id=host></div>
        </details>
    }
}

/// What [`serve`] gives the extension: the editor mounted, and how to show it a scenario.
pub struct Served {
    show: Box<dyn Fn(&str) -> Result<(), String>>,
    _mounted: Box<dyn std::any::Any>,
}

impl Served {
    /// Shows `scenario` (JSON) in the editor, replacing what was typed.
    pub fn show(&self, scenario: &str) -> Result<(), String> {
        (self.show)(scenario)
    }
}

/// The extension's side: mounts a lab's form in `parent`, showing `scenario` (JSON).
/// `on_scenario` is called with each valid scenario typed (JSON), `on_problems` with the
/// number of fields that need attention.
///
/// - `to_form`: the scenario as the form writes it.
/// - `shows`: what follows the last valid scenario while a field is wrong.
/// - `body`: the form's fieldsets, for the scenario, the form and its errors.
pub fn serve<S, F>(
    parent: web_sys::HtmlElement,
    scenario: &str,
    on_scenario: Function,
    on_problems: Function,
    shows: &'static str,
    to_form: fn(&S) -> F,
    body: fn(Edits<S>, RwSignal<F>, RwSignal<Vec<FieldError>>) -> AnyView,
) -> Result<Served, String>
where
    S: Scenario + Send + Sync + 'static,
    F: Send + Sync + 'static,
{
    let first = scenario::from_json::<S>(scenario).map_err(|e| e.to_string())?;
    let signals: Rc<RefCell<Option<(Edits<S>, RwSignal<F>, RwSignal<Vec<FieldError>>, StoredValue<S>)>>> = Rc::default();
    let out = signals.clone();
    let mounted = leptos::mount::mount_to(parent, move || {
        let form = RwSignal::new(to_form(&first));
        let errors = RwSignal::new(Vec::<FieldError>::new());
        // What the page has now: a change to anything else is reported.
        let known = StoredValue::new(first.clone());
        let scenario = RwSignal::new(first);
        // Presets are picked on the page, so the editor never moves the step.
        let edits = Edits { scenario, step: RwSignal::new(0) };
        *out.borrow_mut() = Some((edits, form, errors, known));
        Effect::new(move |_| {
            let now = scenario.read();
            if known.with_value(|k| *k != *now) {
                known.set_value(now.clone());
                _ = on_scenario.call1(&JsValue::NULL, &json(&*now).into());
            }
        });
        Effect::new(move |_| {
            let n = errors.with(|e| e.len()) as u32;
            _ = on_problems.call1(&JsValue::NULL, &n.into());
        });
        editor_form(errors, shows, body(edits, form, errors))
    });
    let (edits, form, errors, known) = signals.borrow_mut().take().ok_or("the editor did not start")?;
    let show = move |text: &str| -> Result<(), String> {
        let s = scenario::from_json::<S>(text).map_err(|e| e.to_string())?;
        known.set_value(s.clone());
        edits.replace(form, errors, s, to_form);
        Ok(())
    };
    Ok(Served { show: Box::new(show), _mounted: Box::new(mounted) })
}
