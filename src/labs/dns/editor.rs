//! The DNS lab's editor. It is not linked into the lab's page: `ext/dnseditor` builds it as a
//! wasm of its own, which the page loads when the editor is first opened
//! (`crate::lazy_editor`).

use crate::components::field::{TextArea, TextField};
use crate::labs::{Edits, FormEdit};
use crate::lazy_editor::{serve, Served};
use leptos::prelude::*;
use wirelab_core::dns::scenario::{zone_key, Attack, DnsForm, DnsScenario};
use wirelab_core::scenario::FieldError;

/// Mounts the editor in `parent` (see [`serve`]).
pub fn open(parent: web_sys::HtmlElement, scenario: &str, on_scenario: js_sys::Function, on_problems: js_sys::Function) -> Result<Served, String> {
    serve(parent, scenario, on_scenario, on_problems, "the diagram shows", |s| DnsForm::from(s), |edits, form, errors| {
        view! { <DnsEditor edits=edits form=form errors=errors /> }.into_any()
    })
}

/// The DNS lab's inputs, validated as you type: the lookups, the latencies, the resolver, and
/// every zone's records as text. What is typed stays as typed; the trace follows the last
/// valid scenario, and each field's problem (with its line) shows beside it.
///
/// - `edits`: the scenario this edits.
/// - `form`, `errors`: what is typed and each field's problem.
#[component]
pub fn DnsEditor(edits: Edits<DnsScenario>, form: RwSignal<DnsForm>, errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    let fe = FormEdit { edits, form, errors, parse: DnsForm::parse };
    let edit = move |change: &dyn Fn(&mut DnsForm)| fe.edit(change);
    let number = move |key: &'static str, label: &'static str, help: &'static str, get: fn(&DnsForm) -> &String, set: fn(&mut DnsForm, String)| {
        let (value, on_input) = fe.text(get, set);
        view! { <TextField id=format!("dns-{key}") key=key label=label help=help value=value errors=errors on_input=on_input /> }
    };
    let (lookups_value, lookups_input) = fe.text(|f| &f.lookups, |f, v| f.lookups = v);
    let zone_count = form.with_untracked(|f| f.zones.len());
    let zones = (0..zone_count)
        .map(|i| {
            let origin = form.with_untracked(|f| f.zones[i].0.clone());
            let key = zone_key(&origin);
            let key_for_mark = key.clone();
            let rows = form.with_untracked(|f| f.zones[i].1.lines().count() as u32 + 1).clamp(4, 18);
            let value = Signal::derive(move || form.with(|f| f.zones.get(i).map(|z| z.1.clone()).unwrap_or_default()));
            let on_input = Callback::new(move |v: String| edit(&|f| if let Some(z) = f.zones.get_mut(i) { z.1 = v.clone() }));
            let invalid = Signal::derive(move || errors.with(|e| e.iter().any(|e| e.field == key_for_mark)));
            let title = if origin == "." { "the root zone (.)".to_string() } else { origin.clone() };
            view! {
                <details class="zone" data-testid=format!("zone-{origin}")>
                    <summary class:invalid=invalid>{title}{move || if invalid.get() { " (needs attention)" } else { "" }}</summary>
                    <TextArea id=format!("dns-zone-{i}") key=key label=format!("Records of {origin}") help="One record a line: name, TTL, type, data. @ is the zone itself; a name without a final dot is inside the zone. ; starts a comment." rows=rows value=value errors=errors on_input=on_input />
                </details>
            }
        })
        .collect_view();
    view! {
        <fieldset>
            <legend>"Lookups"</legend>
            <TextArea id="dns-lookups".to_string() key="lookups".to_string() label="What the browser looks up, and when".to_string()
                help="One a line: time, type, name. Times as 0, 45s, 30m, 1h10m. Types: A, AAAA, CNAME, MX, NS, TXT, PTR, SOA, SRV."
                rows=4 value=lookups_value errors=errors on_input=lookups_input />
        </fieldset>
        <fieldset>
            <legend>"Network"</legend>
            {number("lan_ms", "To the resolver (ms, one way)", "This machine to its recursive resolver.", |f| &f.lan_ms, |f, v| f.lan_ms = v)}
            {number("root_ms", "Resolver to root (ms, one way)", "", |f| &f.root_ms, |f, v| f.root_ms = v)}
            {number("tld_ms", "Resolver to TLD (ms, one way)", "", |f| &f.tld_ms, |f, v| f.tld_ms = v)}
            {number("auth_ms", "Resolver to authoritative (ms, one way)", "Often the farthest.", |f| &f.auth_ms, |f, v| f.auth_ms = v)}
            {number("browser_cap_s", "Browser keeps answers (s)", "At most this long, whatever the TTL.", |f| &f.browser_cap_s, |f, v| f.browser_cap_s = v)}
        </fieldset>
        <fieldset>
            <legend>"Resolver"</legend>
            {fe.choice("dns-attack".into(), "attack", "An attacker forging answers",
                vec![("none", "None"), ("guessable", "Yes, against sequential IDs from port 53"), ("random", "Yes, against random IDs and ports")],
                |f| match f.attack { Attack::None => "none", Attack::Guessable => "guessable", Attack::Random => "random" },
                |f, v| f.attack = match v { "guessable" => Attack::Guessable, "random" => Attack::Random, _ => Attack::None })}
            {fe.check("dns-dnssec".into(), "dnssec", "Zones signed (DNSSEC, Ed25519) and the resolver validates", |f| f.dnssec, |f, on| f.dnssec = on)}
            {number("seed", "Seed", "Picks query IDs and ports.", |f| &f.seed, |f, v| f.seed = v)}
        </fieldset>
        <fieldset class="zones">
            <legend>"Zones"</legend>
            <p class="help">"Add, change or delete records in any zone; the next run uses them. A zone you leave as it was is not put in the link."</p>
            {zones}
        </fieldset>
    }
}
