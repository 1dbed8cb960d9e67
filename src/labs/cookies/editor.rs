use crate::components::field::{EditorFrame, TextArea};
use crate::components::preset::PresetPicker;
use crate::labs::{FormEdit, LabSession};
use leptos::prelude::*;
use wirelab_core::cookies::run::CookieRun;
use wirelab_core::cookies::scenario::{self as sc, CookieForm, CookieScenario};
use wirelab_core::scenario::FieldError;

/// Every input of the cookies lab, validated as you type. What is typed stays as typed; the
/// trace follows the last valid scenario, and each invalid line says what is wrong.
///
/// - `session`: the lab's session, whose scenario this edits.
#[component]
pub fn CookieEditor(session: LabSession<CookieScenario, CookieRun>) -> impl IntoView {
    let form = RwSignal::new(CookieForm::from(&session.scenario.get_untracked()));
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let parse = |f: &CookieForm| f.parse(&CookieScenario::default());
    let fe = FormEdit { session, form, errors, parse };
    let load_preset = Callback::new(move |id: String| session.pick_preset(form, errors, sc::presets(), &id, |s| CookieForm::from(s)));
    let (events, on_events) = fe.text(|f| &f.events, |f, v| f.events = v);
    let lax = fe.check("cookies-jar_lax_by_default".into(), "jar_lax_by_default", "A cookie without SameSite counts as Lax (Chromium; off: Firefox and Safari)", |f| f.lax_by_default, |f, v| f.lax_by_default = v);
    let block = fe.check("cookies-jar_block_third_party".into(), "jar_block_third_party", "Block third-party cookies (Safari; Chromium and Firefox when chosen)", |f| f.block_third_party, |f, v| f.block_third_party = v);
    let summary = move || {
        let s = session.scenario.read();
        let n = sc::parse_events(&s.jar.events).map(|e| e.len()).unwrap_or(0);
        format!("{n} events · {} · third-party cookies {}", if s.jar.lax_by_default { "Lax by default" } else { "no SameSite default" }, if s.jar.block_third_party { "blocked" } else { "allowed" })
    };
    view! {
        <PresetPicker id="cookies-preset" presets=sc::presets().into_iter().map(|(id, title, _)| (id, title)).collect() on_pick=load_preset />
        <EditorFrame title="Edit the scenario" summary=Signal::derive(summary) errors=errors shows="the diagram shows">
            <fieldset>
                <legend>"What the browser does"</legend>
                <TextArea id="cookies-jar_events".to_string() key="jar_events".to_string() label="Events".to_string() help="One a line: open URL · link URL from PAGE · form POST URL from PAGE · fetch URL from PAGE · frame URL in PAGE · script PAGE read · script PAGE write name=value · wait 2h · close. After a request, | Set-Cookie: name=value; attributes for each cookie its answer sets." rows=8 wrap=true value=events errors=errors on_input=on_events />
            </fieldset>
            <fieldset>
                <legend>"The browser"</legend>
                {lax}
                {block}
            </fieldset>
        </EditorFrame>
    }
}
