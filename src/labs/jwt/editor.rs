use crate::components::field::{TextArea, TextField, EditorFrame};
use crate::components::preset::PresetPicker;
use crate::labs::{FormEdit, LabSession};
use leptos::prelude::*;
use wirelab_core::jwt::scenario::{presets, JwtForm, JwtScenario, Mode, SecretEncoding, Verifier};
use wirelab_core::scenario::FieldError;

/// The JWT lab's inputs: the token, the verifier's keys and rules, and the time. What is typed
/// stays as typed; the trace follows the last valid scenario. The secret never goes into the
/// address bar or this browser's storage.
///
/// - `session`: the lab's session.
/// - `form`, `errors`: what is typed and each field's problem.
#[component]
pub fn JwtEditor(session: LabSession<JwtScenario>, form: RwSignal<JwtForm>, errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    let fe = FormEdit { edits: session.edits(), form, errors, parse: JwtForm::parse };
    let edit = move |change: &dyn Fn(&mut JwtForm)| fe.edit(change);
    let load_preset = Callback::new(move |id: String| session.edits().pick_preset(form, errors, presets(), &id, |s| JwtForm::from(s)));
    let text = move |key: &'static str, label: &'static str, help: &'static str, get: fn(&JwtForm) -> &String, set: fn(&mut JwtForm, String)| {
        let (value, on_input) = fe.text(get, set);
        view! { <TextField id=format!("jwt-{key}") key=key label=label help=help value=value errors=errors on_input=on_input /> }
    };
    // The token is one long word: it wraps, where keys and JSON keep their lines.
    let area = move |key: &'static str, label: &'static str, help: &'static str, rows: u32, get: fn(&JwtForm) -> &String, set: fn(&mut JwtForm, String)| {
        let (value, on_input) = fe.text(get, set);
        view! { <TextArea id=format!("jwt-{key}") key=key.to_string() label=label.to_string() help=help rows=rows wrap=key == "token" value=value errors=errors on_input=on_input /> }
    };
    let check = move |key: &'static str, label: &'static str, get: fn(&JwtForm) -> bool, set: fn(&mut JwtForm, bool)| {
        let id = format!("jwt-{key}");
        view! {
            <div class="field checkbox">
                <input id=id.clone() type="checkbox" data-testid=format!("input-{key}") prop:checked=move || form.with(get)
                    on:change=move |ev| { let on = event_target_checked(&ev); edit(&|f| set(f, on)); } />
                <label for=id>{label}</label>
            </div>
        }
    };
    let app_mode = move || form.with(|f| f.mode == Mode::App);
    let summary = move || {
        let s = session.scenario.read();
        if s.mode == Mode::App {
            return format!("an application: access tokens {} s, refresh tokens {} s, rotation {}", s.access_ttl_s, s.refresh_ttl_s, if s.rotation { "on" } else { "off" });
        }
        let verifier = match s.verifier { Verifier::Strict => "strict verifier", Verifier::Naive => "naive verifier" };
        let when = s.now.map(wirelab_core::civil::utc).unwrap_or_else(|| "the real time".into());
        format!("{verifier} · allows {} · at {when}", if s.allowed.is_empty() { "nothing".to_string() } else { s.allowed.join(", ") })
    };
    view! {
        <PresetPicker id="jwt-preset" presets=presets().into_iter().map(|(id, title, _)| (id, title)).collect() on_pick=load_preset />
        <div class="field">
            <label for="jwt-mode">"Show"</label>
            <select id="jwt-mode" data-testid="input-mode" on:change=move |ev| {
                let m = if event_target_value(&ev) == "app" { Mode::App } else { Mode::Verify };
                edit(&|f| f.mode = m);
            }>
                <option value="verify" selected=move || !app_mode()>"One token, verified step by step"</option>
                <option value="app" selected=app_mode>"Tokens in an application: login, refresh, theft, logout"</option>
            </select>
        </div>
        <Show when=move || !app_mode()>
            {area("token", "Token", "Paste a token, a Bearer header, or a URL or text that contains one.", 4, |f| &f.token, |f, v| f.token = v)}
        </Show>
        <EditorFrame title="The verifier" summary=Signal::derive(summary) errors=errors shows="the trace shows">
                <fieldset>
                    <legend>"Rules"</legend>
                    <div class="field">
                        <label for="jwt-verifier">"Verifier"</label>
                        <select id="jwt-verifier" data-testid="input-verifier" on:change=move |ev| {
                            let v = if event_target_value(&ev) == "naive" { Verifier::Naive } else { Verifier::Strict };
                            edit(&|f| f.verifier = v);
                        }>
                            <option value="strict" selected=move || form.with(|f| f.verifier == Verifier::Strict)>"Strict (RFC 8725)"</option>
                            <option value="naive" selected=move || form.with(|f| f.verifier == Verifier::Naive)>"Naive (trusts the token)"</option>
                        </select>
                    </div>
                    {text("allowed", "Allowed algorithms", "Comma-separated, case-sensitive.", |f| &f.allowed, |f, v| f.allowed = v)}
                    {text("now", "Now (UTC)", "Empty: the real time. Or 2026-11-22 10:00:00, or seconds since 1970.", |f| &f.now, |f, v| f.now = v)}
                    {text("skew_s", "Clock skew allowed (s)", "For exp, nbf and iat.", |f| &f.skew_s, |f, v| f.skew_s = v)}
                    {text("audience", "Expected aud", "Empty: not checked.", |f| &f.audience, |f, v| f.audience = v)}
                    {text("issuer", "Expected iss", "Empty: not checked.", |f| &f.issuer, |f, v| f.issuer = v)}
                </fieldset>
                <Show when=app_mode>
                    <fieldset>
                        <legend>"The application"</legend>
                        {text("access_ttl_s", "Access token lifetime (s)", "Short: a leaked one is soon useless.", |f| &f.access_ttl_s, |f, v| f.access_ttl_s = v)}
                        {text("refresh_ttl_s", "Refresh token lifetime (s)", "", |f| &f.refresh_ttl_s, |f, v| f.refresh_ttl_s = v)}
                        {check("rotation", "Rotate refresh tokens on each use", |f| f.rotation, |f, v| f.rotation = v)}
                        {check("reuse_detection", "Revoke the family when a used refresh token comes back", |f| f.reuse_detection, |f, v| f.reuse_detection = v)}
                    </fieldset>
                </Show>
                <fieldset>
                    <legend>"Keys"</legend>
                    {area("public_key", "Public key", "A JWK, a JWKS (the token's kid picks the key) or PEM. Kept in links.", 5, |f| &f.public_key, |f, v| f.public_key = v)}
                    {area("secret", "HMAC secret or private key", "Never put in the address bar or stored; a link carries it only if you ask.", 3, |f| &f.secret, |f, v| f.secret = v)}
                    <div class="field">
                        <label for="jwt-encoding">"The secret is written as"</label>
                        <select id="jwt-encoding" data-testid="input-secret_encoding" on:change=move |ev| {
                            let e = match event_target_value(&ev).as_str() { "base64" => SecretEncoding::Base64, "base64url" => SecretEncoding::Base64url, "hex" => SecretEncoding::Hex, _ => SecretEncoding::Utf8 };
                            edit(&|f| f.secret_encoding = e);
                        }>
                            <option value="utf8" selected=move || form.with(|f| f.secret_encoding == SecretEncoding::Utf8)>"text (its UTF-8 bytes are the key)"</option>
                            <option value="base64" selected=move || form.with(|f| f.secret_encoding == SecretEncoding::Base64)>"base64 (decoded to get the key)"</option>
                            <option value="base64url" selected=move || form.with(|f| f.secret_encoding == SecretEncoding::Base64url)>"base64url (decoded to get the key)"</option>
                            <option value="hex" selected=move || form.with(|f| f.secret_encoding == SecretEncoding::Hex)>"hex (decoded to get the key)"</option>
                        </select>
                    </div>
                </fieldset>
        </EditorFrame>
    }
}
