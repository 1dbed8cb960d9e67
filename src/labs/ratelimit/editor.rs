use crate::components::field::{EditorFrame, TextField};
use crate::components::preset::PresetPicker;
use crate::labs::{FormEdit, LabSession};
use leptos::prelude::*;
use wirelab_core::ratelimit::algorithms::Algorithm;
use wirelab_core::ratelimit::report::RateReport;
use wirelab_core::ratelimit::scenario::{presets, ClientForm, RateForm, Scope};
use wirelab_core::ratelimit::RateScenario;
use wirelab_core::scenario::FieldError;

/// The rate limiter lab's inputs, validated as you type; what is typed stays as typed and the
/// charts follow the last valid scenario.
///
/// - `session`: the lab's session, whose scenario this edits.
/// - `form`: what is typed in each field; the page also writes it when a slider moves.
/// - `errors`: each field's problem, if any.
#[component]
pub fn RateEditor(session: LabSession<RateScenario, RateReport>, form: RwSignal<RateForm>, errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    let fe = FormEdit { edits: session.edits(), form, errors, parse: RateForm::parse };
    let edit = move |change: &dyn Fn(&mut RateForm)| fe.edit(change);
    let error_of = move |key: String| errors.with(|e| e.iter().find(|e| e.field == key).map(|e| e.message.clone()));
    let number = move |key: &'static str, label: &'static str, help: &'static str, get: fn(&RateForm) -> &String, set: fn(&mut RateForm, String)| {
        let (value, on_input) = fe.text(get, set);
        view! { <TextField id=format!("rl-{key}") key=key label=label help=help value=value errors=errors on_input=on_input /> }
    };
    let summary = move || {
        let s = session.scenario.read();
        let scope = match s.scope { Scope::Global => "one global limit", Scope::PerUser => "per user", Scope::PerIp => "per IP" };
        format!("{} per {} ms · burst {} · {scope} · {} client(s) · {} requests", s.limit, s.window_ms, s.burst, s.clients.len(), s.request_count())
    };
    let load_preset = Callback::new(move |id: String| session.edits().pick_preset(form, errors, presets(), &id, |s| RateForm::from(s)));
    // The client fieldsets are rebuilt only when a client is added or removed, never while
    // someone types in one (rebuilding would take the text box from under the cursor).
    let clients = Memo::new(move |_| form.with(|f| f.clients.len()));
    let client_view = move |i: usize| {
        let key = format!("clients.{i}.patterns");
        let field = move |label: &'static str, name: &'static str, get: fn(&ClientForm) -> &String, set: fn(&mut ClientForm, String)| {
            let error = format!("clients.{i}.{name}");
            view! {
                <label class="client-field">{label}
                    <input type="text" autocomplete="off" data-testid=format!("input-clients-{i}-{name}")
                        prop:value=move || form.with(|f| f.clients.get(i).map(|c| get(c).clone()).unwrap_or_default())
                        on:input=move |ev| { let v = event_target_value(&ev); edit(&|f| if let Some(c) = f.clients.get_mut(i) { set(c, v.clone()) }); } />
                    <small class="field-error" data-testid=format!("error-clients-{i}-{name}")>{move || error_of(error.clone())}</small>
                </label>
            }
        };
        let key2 = key.clone();
        let key3 = key.clone();
        view! {
            <fieldset class="client" data-testid="client">
                <legend>{format!("Client {}", i + 1)}</legend>
                {field("Name", "name", |c| &c.name, |c, v| c.name = v)}
                {field("User", "user", |c| &c.user, |c, v| c.user = v)}
                {field("IP", "ip", |c| &c.ip, |c, v| c.ip = v)}
                <label class="client-traffic" class:invalid=move || error_of(key.clone()).is_some()>"Traffic (one pattern a line)"
                    <textarea rows="3" spellcheck="false" data-testid=format!("input-patterns-{i}")
                        aria-invalid=move || error_of(key2.clone()).is_some().to_string()
                        prop:value=move || form.with(|f| f.clients.get(i).map(|c| c.patterns.clone()).unwrap_or_default())
                        on:input=move |ev| { let v = event_target_value(&ev); edit(&|f| if let Some(c) = f.clients.get_mut(i) { c.patterns = v.clone() }); }></textarea>
                </label>
                <small class="field-error" data-testid=format!("error-patterns-{i}")>{move || error_of(key3.clone())}</small>
                <button type="button" class="small" on:click=move |_| edit(&|f| { if f.clients.len() > 1 { f.clients.remove(i); } })
                    disabled=move || form.with(|f| f.clients.len() <= 1)>{format!("Remove client {}", i + 1)}</button>
            </fieldset>
        }
    };
    view! {
        <PresetPicker id="rl-preset" presets=presets().into_iter().map(|(id, title, _)| (id, title)).collect() on_pick=load_preset />
        <EditorFrame title="Edit the scenario" summary=Signal::derive(summary) errors=errors shows="the charts show">
                <fieldset>
                    <legend>"The limit"</legend>
                    {number("limit", "Requests per window", "The average rate every model allows.", |f| &f.limit, |f, v| f.limit = v)}
                    {number("window_ms", "Window (ms)", "", |f| &f.window_ms, |f, v| f.window_ms = v)}
                    {number("burst", "Burst / capacity", "Bucket size, queue length, GCRA burst.", |f| &f.burst, |f, v| f.burst = v)}
                    {number("duration_ms", "Chart span (ms)", "", |f| &f.duration_ms, |f, v| f.duration_ms = v)}
                    <div class="field">
                        <label for="rl-scope">"Limit per"</label>
                        <select id="rl-scope" data-testid="input-scope" on:change=move |ev| {
                            let scope = match event_target_value(&ev).as_str() { "per_user" => Scope::PerUser, "per_ip" => Scope::PerIp, _ => Scope::Global };
                            edit(&|f| f.scope = scope);
                        }>
                            <option value="global" selected=move || form.with(|f| f.scope == Scope::Global)>"Everyone (global)"</option>
                            <option value="per_user" selected=move || form.with(|f| f.scope == Scope::PerUser)>"User"</option>
                            <option value="per_ip" selected=move || form.with(|f| f.scope == Scope::PerIp)>"IP address"</option>
                        </select>
                    </div>
                </fieldset>
                <fieldset class="algorithms">
                    <legend>"Models"</legend>
                    {Algorithm::ALL.iter().map(|&a| view! {
                        <label class="checkbox">
                            <input type="checkbox" prop:checked=move || form.with(|f| f.algorithms.contains(&a))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    edit(&|f| {
                                        f.algorithms.retain(|x| *x != a);
                                        if on {
                                            f.algorithms.push(a);
                                            wirelab_core::order::sort_by_key(&mut f.algorithms, |x| Algorithm::ALL.iter().position(|y| y == x));
                                        }
                                    });
                                } />
                            " "{a.to_string()}
                        </label>
                    }).collect_view()}
                    <small class="field-error" data-testid="error-algorithms">{move || error_of("algorithms".into())}</small>
                </fieldset>
                <p class="help">"Traffic patterns: " <code>"steady every=150 count=40 start=0"</code>", "<code>"burst at=2500 count=25 spread=200"</code>", "<code>"random start=0 duration=6000 gap=100 seed=7"</code>", "<code>"at 100 250 400"</code>" (times in ms; paste a list of timestamps after at)."</p>
                {move || (0..clients.get()).map(client_view).collect_view()}
                <small class="field-error" data-testid="error-clients">{move || error_of("clients".into())}</small>
                <button type="button" class="small" data-testid="add-client-button" on:click=move |_| edit(&|f| f.clients.push(ClientForm {
                    name: format!("client {}", f.clients.len() + 1), user: format!("user{}", f.clients.len() + 1), ip: format!("192.0.2.{}", f.clients.len() + 20), patterns: "steady every=300 count=10".into(),
                }))>"Add a client"</button>
        </EditorFrame>
    }
}
