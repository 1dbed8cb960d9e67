use crate::components::field::{TextArea, TextField};
use crate::components::preset::PresetPicker;
use crate::labs::{FormEdit, LabSession};
use leptos::prelude::*;
use wirelab_core::cache::run::CacheRun;
use wirelab_core::cache::scenario::{self as sc, CacheForm, CacheScenario};
use wirelab_core::scenario::FieldError;

const STATUSES: [(&str, &str); 9] = [("200", "200 OK"), ("203", "203 Non-Authoritative Information"), ("204", "204 No Content"), ("301", "301 Moved Permanently"), ("302", "302 Found"), ("307", "307 Temporary Redirect"), ("308", "308 Permanent Redirect"), ("404", "404 Not Found"), ("410", "410 Gone")];

/// Every input of the caching lab, validated as you type. What is typed stays as typed; the
/// trace follows the last valid scenario, and each invalid field says what is wrong beside it.
///
/// - `session`: the lab's session, whose scenario this edits.
#[component]
pub fn CacheEditor(session: LabSession<CacheScenario, CacheRun>) -> impl IntoView {
    let form = RwSignal::new(CacheForm::from(&session.scenario.get_untracked()));
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let fe = FormEdit { session, form, errors, parse: CacheForm::parse };
    let load_preset = Callback::new(move |id: String| session.pick_preset(form, errors, sc::presets(), &id, |s| CacheForm::from(s)));
    let field = move |key: &'static str, label: &'static str, help: &'static str, get: fn(&CacheForm) -> &String, set: fn(&mut CacheForm, String)| {
        let (value, on_input) = fe.text(get, set);
        view! { <TextField id=format!("cache-{key}") key=key label=label help=help value=value errors=errors on_input=on_input text=true /> }
    };
    let area = move |key: &'static str, label: &'static str, help: &'static str, rows: u32, get: fn(&CacheForm) -> &String, set: fn(&mut CacheForm, String)| {
        let (value, on_input) = fe.text(get, set);
        view! { <TextArea id=format!("cache-{key}") key=key.to_string() label=label.to_string() help=help rows=rows wrap=true value=value errors=errors on_input=on_input /> }
    };
    let checkbox = move |key: &'static str, label: &'static str, get: fn(&CacheForm) -> bool, set: fn(&mut CacheForm, bool)| {
        let id = format!("cache-{key}");
        view! {
            <div class="field checkbox">
                <input id=id.clone() type="checkbox" data-testid=format!("input-{key}")
                    prop:checked=move || form.with(get)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        fe.edit(&|f| set(f, on));
                    } />
                <label for=id>{label}</label>
            </div>
        }
    };
    let status = fe.choice(
        "cache-status".into(),
        "status",
        "Status",
        STATUSES.to_vec(),
        |f| STATUSES.iter().find(|(code, _)| code.parse::<u16>().ok() == Some(f.status)).map(|(code, _)| *code).unwrap_or("200"),
        |f, v| f.status = v.parse().unwrap_or(200),
    );
    let summary = move || {
        let s = session.scenario.read();
        let cc = sc::parse_headers(&s.headers).ok().and_then(|h| wirelab_core::cache::rfc9111::field(&h, "cache-control")).unwrap_or_else(|| "no Cache-Control".into());
        let requests = sc::parse_events(&s.events, &s.path).map(|e| e.len()).unwrap_or(0);
        format!("{} {} · {cc} · {} · {requests} events", s.status, s.path, if s.cdn { "through a CDN" } else { "no CDN" })
    };
    let invalid = move || errors.with(|e| !e.is_empty());
    view! {
        <PresetPicker id="cache-preset" presets=sc::presets().into_iter().map(|(id, title, _)| (id, title)).collect() on_pick=load_preset />
        <details class="editor" class:invalid=invalid>
            <summary data-testid="editor-summary">
                <span class="editor-title">"Edit the scenario"</span>
                <span class="editor-line">{summary}</span>
            </summary>
        <form class="scenario-editor" data-testid="editor" on:submit=|ev| ev.prevent_default()>
            <fieldset>
                <legend>"The origin's response"</legend>
                {field("path", "Path", "The resource on www.example.com, e.g. /app.css.", |f| &f.path, |f, v| f.path = v)}
                {status}
                {area("headers", "Response header fields", "One Name: value a line: Cache-Control, Expires, Vary, Set-Cookie… The origin adds Date (and ETag and Last-Modified below).", 4, |f| &f.headers, |f, v| f.headers = v)}
                {checkbox("etag", "ETag naming the version (\"v1\", \"v2\"…)", |f| f.etag, |f, v| f.etag = v)}
                {checkbox("last_modified", "Last-Modified: when the version was made", |f| f.last_modified, |f, v| f.last_modified = v)}
                {field("modified_ago", "First version made before t = 0", "e.g. 7d, 12h or 30m: the heuristic lifetime is 10% of the time since Last-Modified.", |f| &f.modified_ago, |f, v| f.modified_ago = v)}
            </fieldset>
            <fieldset>
                <legend>"Between people and the origin"</legend>
                {checkbox("cdn", "A CDN (a shared cache) in front of the origin", |f| f.cdn, |f, v| f.cdn = v)}
            </fieldset>
            <fieldset>
                <legend>"Events"</legend>
                {area("events", "Events in time", "One a line: 30s GET, 1m bob GET /other | Cache-Control: no-cache, 2m change, 3m down 503, 4m up, 5m purge. Times: s, m, h, d. A name before the method is another person's browser.", 6, |f| &f.events, |f, v| f.events = v)}
            </fieldset>
            <p class="hint" role="status">{move || errors.with(|e| if e.is_empty() { String::new() } else { format!("{} field(s) need attention; the diagram shows the last valid scenario.", e.len()) })}</p>
        </form>
        </details>
    }
}
