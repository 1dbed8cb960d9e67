use crate::components::field::{TextArea, TextField, EditorFrame};
use crate::components::preset::PresetPicker;
use crate::labs::{FormEdit, LabSession};
use leptos::prelude::*;
use wirelab_core::oauth::redirect::Matching;
use wirelab_core::oauth::OAuthRun;
use wirelab_core::oauth::scenario::{self as sc, Attack, ClientAuth, ClientKind, Flow, IdTokenAlg, OAuthForm, OAuthScenario, Pkce};
use wirelab_core::scenario::FieldError;

/// Every input of the OAuth lab, validated as you type. What is typed stays as typed; the trace
/// follows the last valid scenario, and each invalid field says what is wrong beside it.
///
/// - `session`: the lab's session, whose scenario this edits.
#[component]
pub fn OAuthEditor(session: LabSession<OAuthScenario, OAuthRun>) -> impl IntoView {
    let form = RwSignal::new(OAuthForm::from(&session.scenario.get_untracked()));
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let fe = FormEdit { edits: session.edits(), form, errors, parse: OAuthForm::parse };
    let load_preset = Callback::new(move |id: String| session.edits().pick_preset(form, errors, sc::presets(), &id, |s| OAuthForm::from(s)));
    let field = move |key: &'static str, label: &'static str, help: &'static str, text: bool, get: fn(&OAuthForm) -> &String, set: fn(&mut OAuthForm, String)| {
        let (value, on_input) = fe.text(get, set);
        view! { <TextField id=format!("oauth-{key}") key=key label=label help=help value=value errors=errors on_input=on_input text=text /> }
    };
    let checkbox = move |key: &'static str, label: &'static str, get: fn(&OAuthScenario) -> bool, set: fn(&mut OAuthScenario, bool)| {
        let id = format!("oauth-{key}");
        view! {
            <div class="field checkbox">
                <input id=id.clone() type="checkbox" data-testid=format!("input-{key}")
                    prop:checked=move || form.with(|f| get(&f.carried))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        fe.edit(&|f| set(&mut f.carried, on));
                    } />
                <label for=id>{label}</label>
            </div>
        }
    };
    // A menu over one of the scenario's choices: its values, and how each reads back.
    let menu = move |key: &'static str, label: &'static str, options: Vec<(&'static str, &'static str)>, get: fn(&OAuthForm) -> &'static str, set: fn(&mut OAuthForm, &str)| fe.choice(format!("oauth-{key}"), key, label, options, get, set);
    let uris = {
        let (value, on_input) = fe.text(|f| &f.redirect_uris, |f, v| f.redirect_uris = v);
        view! { <TextArea id="oauth-redirect_uris".to_string() key="redirect_uris".to_string() label="Registered redirect URIs".to_string() help="One per line, as the client registered them with the server." rows=2 wrap=true value=value errors=errors on_input=on_input /> }
    };
    let summary = move || {
        let s = session.scenario.read();
        let client = if s.client == ClientKind::Web { format!("web app, {}", s.effective_auth().name()) } else { "single-page app, no secret".to_string() };
        let pkce = match s.pkce { Pkce::Off => "no PKCE", Pkce::Plain => "PKCE plain", Pkce::S256 => "PKCE S256" };
        let state = if s.state { "state" } else { "no state" };
        let attack = if s.attack == Attack::None { String::new() } else { format!(" · attack: {}", s.attack.id()) };
        format!("{} · {client} · {pkce} · {state} · scope {} · redirect URIs by {} match{attack}", s.flow.id(), s.scope, s.matching.id())
    };
    view! {
        <PresetPicker id="oauth-preset" presets=sc::presets().into_iter().map(|(id, title, _)| (id, title)).collect() on_pick=load_preset />
        <EditorFrame title="Edit the scenario" summary=Signal::derive(summary) errors=errors shows="the diagram shows">
            <fieldset>
                <legend>"The grant"</legend>
                {menu("flow", "Flow", vec![
                        ("authorization-code", "Authorization code (sign in)"),
                        ("refresh", "Authorization code, then refresh, introspection and revocation"),
                        ("client-credentials", "Client credentials (no user)"),
                        ("device-code", "Device authorization (a TV, approved on a phone)"),
                        ("implicit", "Implicit (deprecated)"),
                        ("password", "Password (deprecated)"),
                    ],
                    |f| f.carried.flow.id(),
                    |f, v| f.carried.flow = Flow::ALL.into_iter().find(|x| x.id() == v).unwrap_or(Flow::AuthorizationCode))}
                {checkbox("rotation", "Rotate refresh tokens, and revoke the family when a used one comes back", |s| s.rotation, |s, on| s.rotation = on)}
                {field("device_poll_s", "The device polls every (s)", "The server asks for 5 s; sooner gets slow_down.", false, |f| &f.device_poll_s, |f, v| f.device_poll_s = v)}
            </fieldset>
            <fieldset>
                <legend>"The client"</legend>
                {menu("client", "Kind of client", vec![("web", "A web app with a back end (confidential)"), ("spa", "A single-page app (public, no secret)")],
                    |f| if f.carried.client == ClientKind::Web { "web" } else { "spa" },
                    |f, v| f.carried.client = if v == "spa" { ClientKind::Spa } else { ClientKind::Web })}
                {menu("client_auth", "How it authenticates at the token endpoint", vec![("client_secret_basic", "client_secret_basic (Authorization: Basic)"), ("client_secret_post", "client_secret_post (in the form)"), ("private_key_jwt", "private_key_jwt (a signed JWT)"), ("none", "none (a public client)")],
                    |f| f.carried.client_auth.name(),
                    |f, v| f.carried.client_auth = match v { "client_secret_post" => ClientAuth::ClientSecretPost, "private_key_jwt" => ClientAuth::PrivateKeyJwt, "none" => ClientAuth::None, _ => ClientAuth::ClientSecretBasic })}
                {field("client_secret", "Client secret", "A secret: left out of links unless you ask. A single-page app has none.", true, |f| &f.client_secret, |f, v| f.client_secret = v)}
                {checkbox("wrong_secret", "The client sends a wrong secret (or signs with a key it never registered)", |s| s.wrong_secret, |s, on| s.wrong_secret = on)}
                {uris}
            </fieldset>
            <fieldset>
                <legend>"The authorization request"</legend>
                {field("scope", "Scope", "Space-separated: openid, profile, email (OpenID Connect), photos.read (the API).", true, |f| &f.scope, |f, v| f.scope = v)}
                {field("redirect_uri", "redirect_uri sent", "Normally one of the registered URIs, exactly.", true, |f| &f.redirect_uri, |f, v| f.redirect_uri = v)}
                {checkbox("state", "Send and check state (against CSRF)", |s| s.state, |s, on| s.state = on)}
                {checkbox("nonce", "Send and check nonce (OpenID Connect)", |s| s.nonce, |s, on| s.nonce = on)}
                {menu("pkce", "PKCE", vec![("s256", "S256 (SHA-256 of the verifier)"), ("plain", "plain (the verifier itself)"), ("off", "Off")],
                    |f| match f.carried.pkce { Pkce::S256 => "s256", Pkce::Plain => "plain", Pkce::Off => "off" },
                    |f, v| f.carried.pkce = match v { "plain" => Pkce::Plain, "off" => Pkce::Off, _ => Pkce::S256 })}
                {checkbox("consent", "Alice allows access at the consent screen", |s| s.consent, |s, on| s.consent = on)}
                {checkbox("check_aud", "The client checks the ID token's aud", |s| s.check_aud, |s, on| s.check_aud = on)}
                {checkbox("check_iss", "The client checks the response's iss (RFC 9207)", |s| s.check_iss, |s, on| s.check_iss = on)}
                {field("callback_delay_s", "Alice's browser reaches the callback after (s)", "A slow network or a laptop closed mid-flow; past the code's lifetime the code has expired.", false, |f| &f.callback_delay_s, |f, v| f.callback_delay_s = v)}
            </fieldset>
            <fieldset>
                <legend>"The authorization server"</legend>
                {menu("matching", "How it matches redirect_uri", vec![("exact", "Exactly, character for character (RFC 9700)"), ("prefix", "By prefix"), ("subdomain", "Same host or a subdomain, any path")],
                    |f| f.carried.matching.id(),
                    |f, v| f.carried.matching = Matching::ALL.into_iter().find(|m| m.id() == v).unwrap_or(Matching::Exact))}
                {menu("id_token_alg", "Signs tokens with", vec![("RS256", "RS256 (RSA 2048)"), ("ES256", "ES256 (P-256)")],
                    |f| if f.carried.id_token_alg == IdTokenAlg::RS256 { "RS256" } else { "ES256" },
                    |f, v| f.carried.id_token_alg = if v == "ES256" { IdTokenAlg::ES256 } else { IdTokenAlg::RS256 })}
                {field("code_ttl_s", "Code lifetime (s)", "RFC 6749 recommends at most 10 minutes; a minute is common.", false, |f| &f.code_ttl_s, |f, v| f.code_ttl_s = v)}
                {field("access_ttl_s", "Access token lifetime (s)", "", false, |f| &f.access_ttl_s, |f, v| f.access_ttl_s = v)}
                {field("id_token_ttl_s", "ID token lifetime (s)", "", false, |f| &f.id_token_ttl_s, |f, v| f.id_token_ttl_s = v)}
                {field("now", "The server's clock (UTC)", "e.g. 2026-11-22 10:00:00, or seconds since 1970.", true, |f| &f.now, |f, v| f.now = v)}
            </fieldset>
            <fieldset>
                <legend>"Attack"</legend>
                {menu("attack", "What the attacker does", vec![("none", "Nothing"), ("login-csrf", "Login CSRF: pushes their own code into Alice's browser"), ("code-interception", "Intercepts the code on Alice's device"), ("code-replay", "Replays a used code found in the history"), ("refresh-theft", "Uses a copied refresh token after the app has"), ("pkce-plain", "Intercepts the code and reads the request"), ("open-redirect", "Sends Alice a link with its own redirect_uri"), ("wrong-audience", "Presents Alice's ID token from another app"), ("id-token-replay", "Replays Alice's leaked ID token"), ("mix-up", "Runs a second authorization server (mix-up)")],
                    |f| f.carried.attack.id(),
                    |f, v| f.carried.attack = match v { "login-csrf" => Attack::LoginCsrf, "code-interception" => Attack::CodeInterception, "code-replay" => Attack::CodeReplay, "refresh-theft" => Attack::RefreshTheft, "pkce-plain" => Attack::PkcePlain, "open-redirect" => Attack::OpenRedirect, "wrong-audience" => Attack::WrongAudience, "id-token-replay" => Attack::IdTokenReplay, "mix-up" => Attack::MixUp, _ => Attack::None })}
                {field("seed", "Seed", "Picks the codes, state, nonce and verifier.", false, |f| &f.seed, |f, v| f.seed = v)}
            </fieldset>
        </EditorFrame>
    }
}
