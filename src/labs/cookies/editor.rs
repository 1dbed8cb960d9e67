use crate::components::field::{EditorFrame, TextArea, TextField};
use crate::components::preset::PresetPicker;
use crate::labs::{FormEdit, LabSession};
use leptos::prelude::*;
use wirelab_core::cookies::run::CookieRun;
use wirelab_core::cookies::scenario::{self as sc, CookieForm, CookieScenario, Part};
use wirelab_core::cookies::sessions::{self, Mode};
use wirelab_core::scenario::FieldError;

/// Every input of the cookies lab, validated as you type. What is typed stays as typed; the
/// trace follows the last valid scenario, and each invalid field says what is wrong beside it.
///
/// - `session`: the lab's session, whose scenario this edits.
#[component]
pub fn CookieEditor(session: LabSession<CookieScenario, CookieRun>) -> impl IntoView {
    let form = RwSignal::new(CookieForm::from(&session.scenario.get_untracked()));
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let parse = |f: &CookieForm| f.parse(&CookieScenario::default());
    let fe = FormEdit { edits: session.edits(), form, errors, parse };
    let load_preset = Callback::new(move |id: String| session.edits().pick_preset(form, errors, sc::presets(), &id, |s| CookieForm::from(s)));
    let field = move |key: &'static str, label: &'static str, help: &'static str, get: fn(&CookieForm) -> &String, set: fn(&mut CookieForm, String)| {
        let (value, on_input) = fe.text(get, set);
        view! { <TextField id=format!("cookies-{key}") key=key label=label help=help value=value errors=errors on_input=on_input text=true /> }
    };
    let area = move |key: &'static str, label: &'static str, help: &'static str, rows: u32, get: fn(&CookieForm) -> &String, set: fn(&mut CookieForm, String)| {
        let (value, on_input) = fe.text(get, set);
        view! { <TextArea id=format!("cookies-{key}") key=key.to_string() label=label.to_string() help=help rows=rows wrap=true value=value errors=errors on_input=on_input /> }
    };
    let part = fe.choice(
        "cookies-part".into(),
        "part",
        "Part of the lab",
        vec![("jar", "The jar: which cookies a browser keeps and sends"), ("sessions", "Sessions: sign-in, logout, timeouts, and attacks")],
        |f| match f.part { Part::Jar => "jar", Part::Sessions => "sessions" },
        |f, v| f.part = if v == "sessions" { Part::Sessions } else { Part::Jar },
    );
    let summary = move || {
        let s = session.scenario.read();
        match s.part {
            Part::Jar => {
                let n = sc::parse_events(&s.jar.events).map(|e| e.len()).unwrap_or(0);
                format!("The jar: {n} events · {} · third-party cookies {}", if s.jar.lax_by_default { "Lax by default" } else { "no SameSite default" }, if s.jar.block_third_party { "blocked" } else { "allowed" })
            }
            Part::Sessions => {
                let x = &s.sessions;
                let n = sessions::parse_events(&x.events).map(|e| e.len()).unwrap_or(0);
                format!("Sessions: {n} events · {} · {}{}{}", match x.mode { Mode::Jwt => "a JWT in the cookie", Mode::Tokens => "access and refresh tokens", Mode::Sessions => "a session id in the cookie" }, if x.https { "https" } else { "plain http" }, if x.csrf_token { " · CSRF token" } else { "" }, if x.rotate_on_login { " · new id at sign-in" } else { "" })
            }
        }
    };
    let jar_fields = move || {
        let lax = fe.check("cookies-jar_lax_by_default".into(), "jar_lax_by_default", "A cookie without SameSite counts as Lax (Chromium; off: Firefox and Safari)", |f| f.lax_by_default, |f, v| f.lax_by_default = v);
        let block = fe.check("cookies-jar_block_third_party".into(), "jar_block_third_party", "Block third-party cookies (Safari; Chromium and Firefox when chosen)", |f| f.block_third_party, |f, v| f.block_third_party = v);
        view! {
            <fieldset>
                <legend>"What the browser does"</legend>
                {area("jar_events", "Events", "One a line: open URL · link URL from PAGE · form POST URL from PAGE · fetch URL from PAGE · frame URL in PAGE · script PAGE read · script PAGE write name=value · wait 2h · close. After a request, | Set-Cookie: name=value; attributes for each cookie its answer sets.", 8, |f| &f.events, |f, v| f.events = v)}
            </fieldset>
            <fieldset>
                <legend>"The browser"</legend>
                {lax}
                {block}
            </fieldset>
        }
    };
    let session_fields = move || {
        let mode = fe.choice(
            "cookies-sessions_mode".into(),
            "sessions_mode",
            "The cookie carries",
            vec![("sessions", "A session id (the session lives in the app's store)"), ("jwt", "A signed token, a JWT (the app keeps nothing)"), ("tokens", "A short-lived access token and a refresh token the app stores")],
            |f| match f.mode { Mode::Jwt => "jwt", Mode::Tokens => "tokens", Mode::Sessions => "sessions" },
            |f, v| f.mode = match v { "jwt" => Mode::Jwt, "tokens" => Mode::Tokens, _ => Mode::Sessions },
        );
        let rotate = fe.check("cookies-sessions_rotate_on_login".into(), "sessions_rotate_on_login", "A new session id at sign-in (stops session fixation)", |f| f.rotate_on_login, |f, v| f.rotate_on_login = v);
        let csrf = fe.check("cookies-sessions_csrf_token".into(), "sessions_csrf_token", "The app's forms carry a CSRF token, and /transfer needs it", |f| f.csrf_token, |f, v| f.csrf_token = v);
        let https = fe.check("cookies-sessions_https".into(), "sessions_https", "The app is served over https (off: plain http)", |f| f.https, |f, v| f.https = v);
        view! {
            <fieldset>
                <legend>"What happens"</legend>
                {area("sessions_events", "Events", "One a line: [laptop|phone|attacker:] register USER, login USER (login USER wrong, login USER old: another password), get PATH, post PATH, logout, logout everywhere, refresh, reset USER (mails a link), use reset link · wait 20m · csrf POST /transfer (another site's form in the laptop's browser) · csrf GET /transfer?to=mallory · xss (injected script on the laptop) · sniff (someone on the laptop's network) · replay (the attacker uses what was stolen) · fixate · leak (the store's accounts leak). Paths: /, /account, /transfer.", 8, |f| &f.s_events, |f, v| f.s_events = v)}
            </fieldset>
            <fieldset>
                <legend>"The app"</legend>
                {mode}
                {field("sessions_cookie", "Its cookie's attributes", "e.g. Path=/; Secure; HttpOnly; SameSite=Lax", |f| &f.s_cookie, |f, v| f.s_cookie = v)}
                {field("sessions_idle", "Idle timeout", "A session ends after this long without a request, e.g. 30m.", |f| &f.idle, |f, v| f.idle = v)}
                {field("sessions_absolute", "Absolute timeout", "And this long after sign-in, e.g. 12h.", |f| &f.absolute, |f, v| f.absolute = v)}
                {field("sessions_token_ttl", "Token lifetime", "A JWT's exp, after sign-in, e.g. 15m.", |f| &f.token_ttl, |f, v| f.token_ttl = v)}
                {field("sessions_refresh_ttl", "Refresh token lifetime", "With access and refresh tokens, e.g. 14d.", |f| &f.refresh_ttl, |f, v| f.refresh_ttl = v)}
                {field("sessions_reset_ttl", "Reset link lifetime", "How long a password reset link works, e.g. 15m.", |f| &f.reset_ttl, |f, v| f.reset_ttl = v)}
                {rotate}
                {csrf}
                {https}
            </fieldset>
            <fieldset>
                <legend>"Passwords"</legend>
                {field("sessions_hash", "How the app stores them", "argon2id m=19456 t=2 p=1 (memory in KiB, passes, lanes) · bcrypt cost=10 · scrypt ln=17 r=8 p=1 (N = 2^ln) · sha256 (unsalted) · plain", |f| &f.hash, |f, v| f.hash = v)}
                {field("password", "Alice's password", "Secret: left out of share links unless you ask.", |f| &f.password, |f, v| f.password = v)}
                {field("new_password", "Her new password (set with a reset link)", "Secret: left out of share links unless you ask.", |f| &f.new_password, |f, v| f.new_password = v)}
            </fieldset>
        }
    };
    let shown = Memo::new(move |_| form.with(|f| f.part));
    view! {
        <PresetPicker id="cookies-preset" presets=sc::presets().into_iter().map(|(id, title, _)| (id, title)).collect() on_pick=load_preset />
        <EditorFrame title="Edit the scenario" summary=Signal::derive(summary) errors=errors shows="the diagram shows">
            {part}
            {move || match shown.get() {
                Part::Jar => jar_fields().into_any(),
                Part::Sessions => session_fields().into_any(),
            }}
        </EditorFrame>
    }
}
