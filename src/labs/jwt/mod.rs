//! The JWT lab's page: the token decoded, build and sign, the dictionary attack, key
//! generation and export, and the verification (or application) trace on the shared page.

pub mod bench;
mod editor;

use super::{lab_page, FormEdit, LabSession};
use crate::components::banner::Notices;
use editor::JwtEditor;
use leptos::prelude::*;
use wirelab_core::jwt::alg::Alg;
use wirelab_core::jwt::build::{build, check_object, set_claim};
use wirelab_core::jwt::keys::{from_jwk, jwks, parse_any, private_jwk, private_pem, public_jwk, public_pem};
use wirelab_core::jwt::crack::{candidates, try_range};
use wirelab_core::jwt::token::{decode, find, Decoded};
use wirelab_core::jwt::inspect::{inspect, Inspection};
use wirelab_core::jwt::scenario::{JwtForm, JwtScenario};
use wirelab_core::jwt::app::STORAGE;
use wirelab_core::jwt::scenario::Mode;
use wirelab_core::labs;
use wirelab_core::permalink::Location;
use wirelab_core::scenario::FieldError;
use wirelab_core::trace::Trace;

/// Seconds since 1970 by the browser's clock.
fn real_now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// The verification trace at the scenario's `now`, or at the real time when it has none.
fn run(s: &JwtScenario) -> Trace {
    wirelab_core::jwt::run(s, real_now())
}

/// The JWT lab, opened at `location`.
#[component]
pub fn JwtLab(location: Location, notices: Notices, embed: bool) -> impl IntoView {
    let session = LabSession::<JwtScenario>::new(&location, notices, embed, run);
    let info = &labs::JWT;
    let form = RwSignal::new(JwtForm::from(&session.scenario.get_untracked()));
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let decoded = Memo::new(move |_| session.scenario.with(|s| inspect(&s.token, s.now.unwrap_or_else(real_now))));
    let app_mode = Memo::new(move |_| session.scenario.with(|s| s.mode == Mode::App));
    let editor = view! {
        <JwtEditor session=session form=form errors=errors />
        <Show when=move || !app_mode.get() fallback=|| view! { <Storage /> }>
            <Clock session=session form=form errors=errors />
            <Decoded decoded=decoded />
            <Builder session=session form=form errors=errors decoded=decoded />
            <Crack session=session form=form errors=errors />
            <KeyTools session=session form=form errors=errors />
        </Show>
    }
    .into_any();
    lab_page(info, session, session.trace, editor, None, Vec::new()).into_any()
}

/// The local time of `secs` in this browser's time zone.
fn local_time(secs: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(secs as f64 * 1000.0));
    String::from(date.to_string())
}

/// The pasted token, decoded: its parts colour-coded, its header and payload, and its claims.
///
/// - `decoded`: what the core read in the paste.
#[component]
fn Decoded(decoded: Memo<Inspection>) -> impl IntoView {
    // Open where the inspector sits beside the diagram; on a narrow screen it starts folded, so
    // that the verification's steps are not a long scroll below the token. Its summary line
    // still says what the token holds.
    let wide = crate::browser::window().and_then(|w| w.inner_width().ok()).and_then(|w| w.as_f64()).is_none_or(|w| w >= 1000.0);
    let brief = move || {
        decoded.with(|d| match &d.error {
            Some(_) => "cannot be decoded: see why".to_string(),
            None => {
                let expiry = d.claims.iter().find(|c| c.name == "exp").map(|c| format!(", {} {}", if c.relative.ends_with("ago") { "expired" } else { "expires" }, c.relative)).unwrap_or_default();
                format!("{} claims{expiry}", d.claims.len())
            }
        })
    };
    view! {
        <details class="jwt-decoded" data-testid="decoded" open=wide>
            <summary data-testid="decoded-summary"><h2 id="decoded-title">"Decoded"</h2>" "<span class="help">{brief}</span></summary>
            {move || decoded.with(|d| {
                let error = d.error.clone().map(|e| view! { <p class="field-error" role="status" data-testid="decode-error">{e}</p> });
                let context = d.context.clone().map(|c| view! { <p class="help">{format!("Token found {c}.")}</p> });
                let parts = d.parts.iter().enumerate().map(|(i, p)| {
                    let class = match i { 0 => "part-header", 1 => "part-payload", 2 => "part-signature", _ => "part-other" };
                    view! { <span class=class data-testid="token-part">{p.clone()}</span>{(i + 1 < d.parts.len()).then(|| view! { <span class="dot">"."</span> })} }
                }).collect_view();
                let claims = d.claims.iter().map(|c| {
                    let local = c.time.map(local_time).unwrap_or_default();
                    view! {
                        <tr data-testid="claim">
                            <th scope="row">{c.name.clone()}</th>
                            // A short value (a time, a name) never breaks; a long one (a jti) wraps anywhere.
                            <td class="mono" class:short=c.value.chars().count() <= 16>{c.value.clone()}</td>
                            <td>{c.meaning.clone()}
                                {c.time.is_some().then(|| view! { <span class="claim-time">{c.utc.clone()}<br/>{local}<br/><strong>{c.relative.clone()}</strong></span> })}
                            </td>
                        </tr>
                    }
                }).collect_view();
                view! {
                    {error}
                    {context}
                    <p class="token mono" data-testid="token-parts">{parts}</p>
                    <div class="jwt-json">
                        <div><h3 class="part-header-title">"Header"</h3><pre data-testid="header-json">{d.header.clone()}</pre></div>
                        <div><h3 class="part-payload-title">"Payload"</h3><pre data-testid="payload-json">{d.payload.clone()}</pre></div>
                    </div>
                    {(!d.claims.is_empty()).then(|| view! {
                        <table class="claims" data-testid="claims">
                            <thead><tr><th scope="col">"Claim"</th><th scope="col">"Value"</th><th scope="col">"Meaning"</th></tr></thead>
                            <tbody>{claims}</tbody>
                        </table>
                    })}
                }
            })}
        </details>
    }
}

/// Build and sign: the header and payload as JSON text, quick buttons for the time claims, and
/// signing with the secret or private key given in the editor. The token made replaces the
/// one above, and the verification re-runs.
///
/// - `session`, `form`, `errors`: the lab's state, to put the new token in.
/// - `decoded`: the current token, to start from.
#[component]
fn Builder(session: LabSession<JwtScenario>, form: RwSignal<JwtForm>, errors: RwSignal<Vec<FieldError>>, decoded: Memo<Inspection>) -> impl IntoView {
    let fe = FormEdit { edits: session.edits(), form, errors, parse: JwtForm::parse };
    let header = RwSignal::new(String::new());
    let payload = RwSignal::new(String::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let start_from_token = move || {
        decoded.with_untracked(|d| {
            header.set(if d.header.is_empty() { "{\n  \"alg\": \"HS256\",\n  \"typ\": \"JWT\"\n}".into() } else { d.header.clone() });
            payload.set(if d.payload.is_empty() { "{\n  \"sub\": \"alice\"\n}".into() } else { d.payload.clone() });
        });
        message.set(None);
    };
    start_from_token();
    let header_error = move || header.with(|h| check_object("header", h).err());
    let payload_error = move || payload.with(|p| check_object("payload", p).err());
    let now = move || session.scenario.with_untracked(|s| s.now).unwrap_or_else(real_now);
    let add = move |name: &'static str, value: String| {
        match set_claim(&payload.get_untracked(), name, &value) {
            Ok(p) => {
                payload.set(p);
                message.set(None);
            }
            Err(e) => message.set(Some((false, e))),
        }
    };
    let set_alg = move |alg: String| {
        match set_claim(&header.get_untracked(), "alg", &format!("\"{alg}\"")) {
            Ok(h) => header.set(h),
            Err(e) => message.set(Some((false, e))),
        }
    };
    let sign_it = move |_| crate::ext::retrying(move || {
        let (secret, encoding) = session.scenario.with_untracked(|s| (s.secret.clone(), s.secret_encoding));
        // The form's secret is what was typed (the scenario keeps the last valid one).
        let secret = form.with_untracked(|f| if f.secret.is_empty() { secret } else { f.secret.clone() });
        match build(&header.get_untracked(), &payload.get_untracked(), &secret, encoding, now() as u64) {
            Ok(token) => {
                fe.edit(&|f| f.token = token.clone());
                session.step.set(0);
                message.set(Some((true, "Signed: the token above is the new one, and its verification is below.".into())));
            }
            Err(e) => message.set(Some((false, e))),
        }
    });
    view! {
        <details class="builder" data-testid="builder">
            <summary>"Build and sign a token"</summary>
            <div class="field">
                <label for="jwt-build-alg">"Algorithm"</label>
                <select id="jwt-build-alg" data-testid="build-alg" on:change=move |ev| set_alg(event_target_value(&ev))>
                    <option value="">"Keep the header's"</option>
                    {Alg::ALL.iter().filter(|a| **a != Alg::None).map(|a| view! { <option value=a.name()>{a.name()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field area" class:invalid=move || header_error().is_some()>
                <label for="jwt-build-header">"Header (signed exactly as written)"</label>
                <textarea id="jwt-build-header" rows="4" spellcheck="false" data-testid="build-header" prop:value=move || header.get()
                    aria-invalid=move || header_error().is_some().to_string()
                    on:input=move |ev| header.set(event_target_value(&ev))></textarea>
                <small class="field-error">{header_error}</small>
            </div>
            <div class="field area" class:invalid=move || payload_error().is_some()>
                <label for="jwt-build-payload">"Payload"</label>
                <textarea id="jwt-build-payload" rows="7" spellcheck="false" data-testid="build-payload" prop:value=move || payload.get()
                    aria-invalid=move || payload_error().is_some().to_string()
                    on:input=move |ev| payload.set(event_target_value(&ev))></textarea>
                <small class="field-error">{payload_error}</small>
            </div>
            <div class="buttons">
                <button type="button" on:click=move |_| add("iat", now().to_string())>"Set iat: now"</button>
                <button type="button" data-testid="add-exp" on:click=move |_| add("exp", (now() + 900).to_string())>"Set exp: in 15 min"</button>
                <button type="button" on:click=move |_| add("nbf", now().to_string())>"Set nbf: now"</button>
                <button type="button" on:click=move |_| add("jti", format!("\"{:016x}\"", (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64))>"Set jti: random"</button>
                <button type="button" on:click=move |_| start_from_token()>"Start again from the token"</button>
            </div>
            <p class="help">"Signs with the HMAC secret or private key in the verifier's Keys above (a JWK or PEM for RSA, EC and Ed25519)."</p>
            <button type="button" class="primary" data-testid="build-sign" on:click=sign_it>"Sign and use this token"</button>
            <p role="status" data-testid="build-message" class:field-error=move || message.with(|m| m.as_ref().is_some_and(|m| !m.0))>{move || message.get().map(|m| m.1)}</p>
        </details>
    }
}

/// The state of a dictionary attack in progress.
#[derive(Clone, Copy)]
struct Attack {
    tried: RwSignal<usize>,
    found: RwSignal<Option<String>>,
    running: RwSignal<bool>,
    started_ms: RwSignal<f64>,
    elapsed_ms: RwSignal<f64>,
}

/// Candidates tried per slice; between slices the page gets the main thread back.
const SLICE: usize = 400;

/// One slice of the attack, then the next one after the page has had a turn.
fn attack_slice(attack: Attack, list: StoredValue<Vec<String>>, target: StoredValue<Option<(Alg, String, Vec<u8>)>>) {
    if !attack.running.get_untracked() {
        return;
    }
    let Some((alg, input, signature)) = target.get_value() else { return };
    let start = attack.tried.get_untracked();
    let (found, tried) = list.with_value(|l| try_range(alg, input.as_bytes(), &signature, l, start, SLICE));
    attack.tried.set(start + tried);
    attack.elapsed_ms.set(crate::browser::now_ms() - attack.started_ms.get_untracked());
    let total = list.with_value(|l| l.len());
    if let Some(i) = found {
        attack.found.set(list.with_value(|l| l.get(i).cloned()));
        attack.running.set(false);
    } else if start + tried >= total {
        attack.running.set(false);
    } else {
        set_timeout(move || attack_slice(attack, list, target), std::time::Duration::from_millis(0));
    }
}

/// A dictionary attack on an HMAC-signed token, run in the page in slices so it never freezes
/// it, with progress and rate; a found secret can be put in the verifier's key.
///
/// - `session`, `form`, `errors`: the lab's state, to use a found secret.
#[component]
fn Crack(session: LabSession<JwtScenario>, form: RwSignal<JwtForm>, errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    let fe = FormEdit { edits: session.edits(), form, errors, parse: JwtForm::parse };
    let list = StoredValue::new(Vec::<String>::new());
    let target = StoredValue::new(None::<(Alg, String, Vec<u8>)>);
    let attack = Attack { tried: RwSignal::new(0), found: RwSignal::new(None), running: RwSignal::new(false), started_ms: RwSignal::new(0.0), elapsed_ms: RwSignal::new(0.0) };
    // The token's alg and MAC, when it is HMAC-signed.
    let hmac = Memo::new(move |_| {
        session.scenario.with(|s| {
            let token = find(&s.token).ok()?.token;
            match decode(&token).ok()? {
                Decoded::Jws(j) if j.alg.is_some_and(|a| a.name().starts_with("HS")) => Some((j.alg?, j.signing_input(), j.signature)),
                _ => None,
            }
        })
    });
    Effect::new(move |_| {
        hmac.track();
        attack.running.set(false);
        attack.tried.set(0);
        attack.found.set(None);
    });
    let start = move |_| {
        if list.with_value(|l| l.is_empty()) {
            list.set_value(candidates());
        }
        target.set_value(hmac.get_untracked());
        attack.tried.set(0);
        attack.found.set(None);
        attack.started_ms.set(crate::browser::now_ms());
        attack.elapsed_ms.set(0.0);
        attack.running.set(true);
        set_timeout(move || attack_slice(attack, list, target), std::time::Duration::from_millis(0));
    };
    let total = move || list.with_value(|l| l.len()).max(candidates_len());
    let rate = move || {
        let ms = attack.elapsed_ms.get();
        if ms <= 0.0 { String::new() } else { format!("{:.0} candidates/s", attack.tried.get() as f64 / (ms / 1000.0)) }
    };
    let use_secret = move |_| {
        if let Some(secret) = attack.found.get_untracked() {
            fe.edit(&|f| {
                f.secret = secret.clone();
                f.secret_encoding = wirelab_core::jwt::scenario::SecretEncoding::Utf8;
            });
        }
    };
    view! {
        <Show when=move || hmac.with(|h| h.is_some())>
            <section class="crack" data-testid="crack" aria-labelledby="crack-title">
                <h2 id="crack-title">"Dictionary attack on the HMAC secret"</h2>
                <p class="help">{move || format!("Anyone holding an HMAC-signed token can test secrets offline, as fast as their machine hashes. This tries {} common secrets (common words and stems, in three cases, with common suffixes) in this page.", total())}</p>
                <div class="buttons">
                    <button type="button" data-testid="crack-start" disabled=move || attack.running.get() on:click=start>"Try the list"</button>
                    <button type="button" data-testid="crack-stop" disabled=move || !attack.running.get() on:click=move |_| attack.running.set(false)>"Stop"</button>
                </div>
                <progress max=move || total().to_string() value=move || attack.tried.get().to_string() aria-label="Candidates tried"></progress>
                <p role="status" data-testid="crack-status">{move || {
                    let tried = attack.tried.get();
                    match (attack.found.get(), attack.running.get()) {
                        (Some(secret), _) => format!("Found after {tried} candidates ({}): the secret is “{secret}”. It is {} bytes; RFC 7518 section 3.2 asks for at least as many as the hash (32 for HS256), chosen at random.", rate(), secret.len()),
                        (None, true) => format!("Tried {tried} of {}… {}", total(), rate()),
                        (None, false) if tried > 0 && tried >= total() => format!("Not in the list: all {tried} tried ({}). That does not make the secret strong; only length and randomness do.", rate()),
                        (None, false) if tried > 0 => format!("Stopped after {tried}."),
                        _ => String::new(),
                    }
                }}</p>
                <Show when=move || attack.found.with(|f| f.is_some())>
                    <button type="button" data-testid="crack-use" on:click=use_secret>"Use this secret to verify"</button>
                </Show>
            </section>
        </Show>
    }
}

/// The list's length, known before it is built (for the text shown before a run).
fn candidates_len() -> usize {
    thread_local! { static LEN: usize = candidates().len(); }
    LEN.with(|l| *l)
}

/// Where a browser app can keep a token, and what XSS and CSRF can do to each.
#[component]
fn Storage() -> impl IntoView {
    view! {
        <section class="jwt-decoded" data-testid="storage" aria-labelledby="storage-title">
            <h2 id="storage-title">"Where the app keeps its tokens"</h2>
            <table class="claims">
                <thead><tr><th scope="col">"Storage"</th><th scope="col">"XSS"</th><th scope="col">"CSRF"</th><th scope="col">"In short"</th></tr></thead>
                <tbody>
                    {STORAGE.iter().map(|(place, xss, csrf, note)| view! {
                        <tr><th scope="row" class="wrap">{*place}</th><td>{*xss}</td><td>{*csrf}</td><td>{*note}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p class="help">"Session IDs against JWTs: a session ID means nothing by itself, and the server can end the session at once. A JWT carries its claims and is checked without the server's state, so it stays valid until its exp: revoking it early needs a deny list, which is server state again. Hence short access tokens, and refresh tokens the server does keep track of."</p>
        </section>
    }
}

/// Key generation (by WebCrypto, off the main thread, with the time it takes shown) and export
/// of the key in the editor as PEM, JWK or a public JWKS.
///
/// - `session`, `form`, `errors`: the lab's state; a new key goes into the editor's keys.
#[component]
fn KeyTools(session: LabSession<JwtScenario>, form: RwSignal<JwtForm>, errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    let fe = FormEdit { edits: session.edits(), form, errors, parse: JwtForm::parse };
    let kind = RwSignal::new("RSA-2048".to_string());
    let busy = RwSignal::new(None::<f64>);
    let clock = RwSignal::new(0.0f64);
    let message = RwSignal::new(None::<(bool, String)>);
    let output = RwSignal::new(None::<(String, String)>);
    let generated = RwSignal::new(0u32);
    let generate = move |_| {
        let what = kind.get_untracked();
        let started = crate::browser::now_ms();
        busy.set(Some(started));
        message.set(None);
        let ticker = set_interval_with_handle(move || clock.set(crate::browser::now_ms()), std::time::Duration::from_millis(100)).ok();
        leptos::task::spawn_local(async move {
            let result = crate::browser::generate_key(&what).await;
            if let Some(t) = ticker {
                t.clear();
            }
            let took = crate::browser::now_ms() - started;
            busy.set(None);
            generated.update(|n| *n += 1);
            if what.contains("384") || what.contains("521") {
                crate::ext::load(wirelab_core::ext::Ext::Nist).await;
            }
            let parsed = result.and_then(|jwk| serde_json::from_str::<serde_json::Value>(&jwk).map_err(|e| e.to_string())).and_then(|v| from_jwk(&v).map_err(|e| e.0));
            match parsed {
                Ok(key) => {
                    let alg = Alg::for_key(&key).name();
                    fe.edit(&|f| {
                        f.secret = serde_json::to_string_pretty(&private_jwk(&key)).unwrap_or_default();
                        f.public_key = serde_json::to_string_pretty(&public_jwk(&key)).unwrap_or_default();
                        if !f.allowed.split([',', ' ']).any(|a| a.trim() == alg) {
                            f.allowed = if f.allowed.trim().is_empty() { alg.to_string() } else { format!("{}, {alg}", f.allowed.trim()) };
                        }
                    });
                    message.set(Some((true, format!("{} generated in {:.0} ms by the browser's WebCrypto, off the page's main thread. It is now the verifier's key pair (private key in the secret field, never put in links); sign a token with it under Build and sign, choosing {alg}.", key.describe(), took))));
                }
                Err(e) => message.set(Some((false, format!("Key generation failed: {e}")))),
            }
        });
    };
    let export = move |what: &'static str| crate::ext::retrying(move || {
        let f = form.get_untracked();
        let key = parse_any(&f.secret, None).or_else(|_| parse_any(&f.public_key, None));
        match key {
            Ok((k, _)) => {
                let text = match what {
                    "private-pem" => private_pem(&k),
                    "public-pem" => public_pem(&k),
                    "jwk" => serde_json::to_string_pretty(&private_jwk(&k)).ok(),
                    _ => serde_json::to_string_pretty(&jwks(&[("key-1", &k)])).ok(),
                };
                match text {
                    Some(t) => output.set(Some((what.to_string(), t))),
                    None => message.set(Some((false, format!("{} has no {what} form.", k.describe())))),
                }
            }
            Err(e) => message.set(Some((false, format!("No key to export: {e}")))),
        }
    });
    view! {
        <details class="builder" data-testid="keytools">
            <summary>"Generate or export keys"</summary>
            <div class="field">
                <label for="jwt-keykind">"Key type"</label>
                <select id="jwt-keykind" data-testid="key-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                    {["RSA-2048", "RSA-3072", "RSA-4096", "P-256", "P-384", "Ed25519"].into_iter().map(|k| view! { <option value=k>{k}</option> }).collect_view()}
                </select>
            </div>
            <button type="button" class="primary" data-testid="key-generate" disabled=move || busy.get().is_some() on:click=generate>"Generate a key pair"</button>
            <p role="status" data-testid="key-status" data-count=move || generated.get().to_string()>{move || match busy.get() {
                Some(started) => format!("Generating {}… {:.1} s", kind.get(), ((clock.get() - started) / 1000.0).max(0.0)),
                None => message.get().map(|m| m.1).unwrap_or_default(),
            }}</p>
            <div class="buttons">
                <button type="button" data-testid="export-private-pem" on:click=move |_| export("private-pem")>"Private key as PEM"</button>
                <button type="button" data-testid="export-public-pem" on:click=move |_| export("public-pem")>"Public key as PEM"</button>
                <button type="button" data-testid="export-jwk" on:click=move |_| export("jwk")>"Key pair as JWK"</button>
                <button type="button" data-testid="export-jwks" on:click=move |_| export("jwks")>"Public keys as JWKS"</button>
            </div>
            {move || output.get().map(|(what, text)| view! {
                <label class="field area">{format!("Exported ({what})")}
                    <textarea readonly rows="8" data-testid="key-output" spellcheck="false">{text}</textarea>
                </label>
            })}
        </details>
    }
}

/// Which "now" the checks use: the scenario's fixed time or this browser's clock, with a button
/// to switch to the real time.
///
/// - `session`, `form`, `errors`: the lab's state.
#[component]
fn Clock(session: LabSession<JwtScenario>, form: RwSignal<JwtForm>, errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    let fe = FormEdit { edits: session.edits(), form, errors, parse: JwtForm::parse };
    let fixed = move || session.scenario.with(|s| s.now);
    let use_real = move |_| fe.edit(&|f| f.now.clear());
    view! {
        <p class="help" data-testid="clock-note">
            {move || match fixed() {
                Some(t) => format!("Times are checked as of {} (fixed by this scenario, so it always shows the same). ", wirelab_core::civil::utc(t)),
                None => "Times are checked as of now, by this browser's clock. ".to_string(),
            }}
            <Show when=move || fixed().is_some()>
                <button type="button" data-testid="use-real-time" on:click=use_real>"Use the real time"</button>
            </Show>
        </p>
    }
}
