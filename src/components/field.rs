use leptos::prelude::*;
use wirelab_core::scenario::FieldError;

/// A labelled text input for one scenario key, with its help and its live error beside it.
/// Numbers are typed as text, so whatever is typed stays as typed while it is invalid.
///
/// - `id`: the element id (unique on the page).
/// - `key`: the scenario key; test ids are `input-<key>` and `error-<key>`.
/// - `label`, `help`: the visible label and help line (help may be empty).
/// - `value`: what the field shows.
/// - `errors`: the editor's current problems; the one for `key` shows here.
/// - `on_input`: called with the text after every keystroke.
/// - `text`: the field takes words (names, hex), not numbers: a phone shows its full keyboard.
#[component]
pub fn TextField(
    id: String,
    key: &'static str,
    label: &'static str,
    help: &'static str,
    value: Signal<String>,
    errors: RwSignal<Vec<FieldError>>,
    on_input: Callback<String>,
    #[prop(optional)] text: bool,
) -> impl IntoView {
    let error = move || errors.with(|e| e.iter().find(|e| e.field == key).map(|e| e.message.clone()));
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let described = format!("{help_id} {error_id}");
    view! {
        <div class="field" class:invalid=move || error().is_some()>
            <label for=id.clone()>{label}</label>
            <input id=id type="text" inputmode=if text { "text" } else { "numeric" } autocomplete="off" spellcheck="false"
                data-testid=format!("input-{key}")
                aria-invalid=move || error().is_some().to_string()
                aria-describedby=described
                prop:value=value
                on:input=move |ev| on_input.run(event_target_value(&ev)) />
            <small id=help_id class="help">{help}</small>
            <small id=error_id class="field-error" data-testid=format!("error-{key}")>{error}</small>
        </div>
    }
}

/// A labelled multi-line text box for one scenario key (a zone, a list of lookups), with its
/// help and its live error beside it. What is typed stays as typed.
///
/// - `id`, `key`, `label`, `help`, `value`, `errors`, `on_input`: as for [`TextField`].
/// - `rows`: the visible height in lines.
/// - `wrap`: wrap long lines (a token, one long word) instead of scrolling sideways (zone text,
///   where each line is a record).
#[component]
pub fn TextArea(
    id: String,
    key: String,
    label: String,
    help: &'static str,
    rows: u32,
    #[prop(optional)] wrap: bool,
    value: Signal<String>,
    errors: RwSignal<Vec<FieldError>>,
    on_input: Callback<String>,
) -> impl IntoView {
    let key_for_error = key.clone();
    let error = Signal::derive(move || errors.with(|e| e.iter().find(|e| e.field == key_for_error).map(|e| e.message.clone())));
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let described = format!("{help_id} {error_id}");
    view! {
        <div class="field area" class:invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <textarea id=id rows=rows autocomplete="off" spellcheck="false" wrap=if wrap { "soft" } else { "off" } class:wrap=wrap
                data-testid=format!("input-{key}")
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=described
                prop:value=value
                on:input=move |ev| on_input.run(event_target_value(&ev))></textarea>
            <small id=help_id class="help">{help}</small>
            <small id=error_id class="field-error" data-testid=format!("error-{key}")>{error}</small>
        </div>
    }
}

/// A labelled checkbox for one scenario key.
///
/// - `id`: the element id (unique on the page); the test id is `input-<key>`.
/// - `label`: the visible label.
/// - `checked`: whether it is ticked now.
/// - `on_change`: called with the new state.
#[component]
pub fn Checkbox(id: String, key: &'static str, label: &'static str, checked: Signal<bool>, on_change: Callback<bool>) -> impl IntoView {
    view! {
        <div class="field checkbox">
            <input id=id.clone() type="checkbox" data-testid=format!("input-{key}")
                prop:checked=move || checked.get()
                on:change=move |ev| on_change.run(event_target_checked(&ev)) />
            <label for=id>{label}</label>
        </div>
    }
}

/// A labelled menu for one scenario key.
///
/// - `id`: the element id (unique on the page); the test id is `input-<key>`.
/// - `label`: the visible label.
/// - `options`: each choice's value and visible text, in order.
/// - `selected`: the value chosen now.
/// - `on_change`: called with the value picked.
#[component]
pub fn Choice(id: String, key: &'static str, label: &'static str, options: Vec<(&'static str, &'static str)>, selected: Signal<&'static str>, on_change: Callback<String>) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id data-testid=format!("input-{key}") on:change=move |ev| on_change.run(event_target_value(&ev))>
                {options.into_iter().map(|(value, text)| view! { <option value=value selected=move || selected.get() == value>{text}</option> }).collect_view()}
            </select>
        </div>
    }
}

/// The frame every lab's editor shares: a folded `<details>` whose summary line says what is
/// set, and the editor's form ([`EditorForm`]).
///
/// - `title`: the summary's title, e.g. "Edit the scenario".
/// - `summary`: a one-line account of the scenario, beside the title.
/// - `errors`: the editor's current problems; any marks the frame invalid.
/// - `shows`: what follows the last valid scenario while a field is wrong, e.g. "the diagram shows".
/// - `children`: the fieldsets.
#[component]
pub fn EditorFrame(title: &'static str, summary: Signal<String>, errors: RwSignal<Vec<FieldError>>, shows: &'static str, children: Children) -> impl IntoView {
    view! {
        <details class="editor" class:invalid=move || errors.with(|e| !e.is_empty())>
            {editor_summary(title, summary)}
            {editor_form(errors, shows, children())}
        </details>
    }
}

/// The summary line of an editor's `<details>`: its title, and what is set. (Plain functions,
/// not components: a component of its own would add code to every page.)
pub fn editor_summary(title: &'static str, summary: Signal<String>) -> impl IntoView {
    view! {
        <summary data-testid="editor-summary">
            <span class="editor-title">{title}</span>
            <span class="editor-line">{move || summary.get()}</span>
        </summary>
    }
}

/// An editor's form (never submitted: each field applies as it is typed), and a status line
/// that counts the fields needing attention.
///
/// - `errors`: the editor's current problems.
/// - `shows`: what follows the last valid scenario while a field is wrong.
/// - `fields`: the fieldsets.
pub fn editor_form(errors: RwSignal<Vec<FieldError>>, shows: &'static str, fields: impl IntoView) -> impl IntoView {
    view! {
        <form class="scenario-editor" data-testid="editor" on:submit=|ev| ev.prevent_default()>
            {fields}
            <p class="hint" role="status">{move || errors.with(|e| if e.is_empty() { String::new() } else { format!("{} field(s) need attention; {shows} the last valid scenario.", e.len()) })}</p>
        </form>
    }
}
