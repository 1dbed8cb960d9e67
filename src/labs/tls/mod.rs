//! The TLS lab's page: its editor, the shared trace page, and the key schedule as a picture.

mod editor;

use super::{lab_page, LabOutput, LabSession};
use crate::components::banner::Notices;
use crate::components::share::Export;
use editor::TlsEditor;
use leptos::prelude::*;
use wirelab_core::labs;
use wirelab_core::permalink::Location;
use wirelab_core::tls::{self, TlsRun, TlsScenario};
use wirelab_core::tls::schedule::Node;
use wirelab_core::trace::Trace;

impl LabOutput for TlsRun {
    fn steps(&self) -> usize {
        self.trace.steps.len()
    }
}

/// The TLS lab, opened at `location`.
#[component]
pub fn TlsLab(location: Location, notices: Notices, embed: bool) -> impl IntoView {
    let session = LabSession::<TlsScenario, TlsRun>::new(&location, notices, embed, tls::run);
    let info = &labs::TLS;
    let trace: Memo<Trace> = Memo::new_with_compare(move |_| session.trace.with(|r| r.trace.clone()), |_, _| true);
    let editor = view! {
        <TlsEditor session=session />
        <div class="simplified" data-testid="simplified">
            <p>"Simplified: the client trusts one root, made in the lab with the intermediate and the server's certificate (ECDSA P-256; RSA for TLS 1.2's RSA suites). No client certificates, renegotiation or Encrypted Client Hello; TLS 1.2 runs its AEAD suites, and CBC, RC4 and export suites are explained, not run. The CA's servers are reached over plain HTTP as the RFCs allow, and their TCP handshake is counted in the time but not drawn."</p>
        </div>
    }
    .into_any();
    let schedule = view! {
        <KeySchedule session=session trace=trace />
        <SuiteExplainer session=session />
    }
    .into_any();
    // The connection for Wireshark: the capture, and the key log that decrypts it.
    let exports = vec![
        Export {
            id: "pcap",
            label: "Export pcap",
            filename: "wirelab-tls.pcap".into(),
            mime: "application/vnd.tcpdump.pcap",
            make: Callback::new(move |()| session.trace.with_untracked(|r| r.capture.clone())),
        },
        Export {
            id: "keylog",
            label: "Export key log",
            filename: "wirelab-tls.keys".into(),
            mime: "text/plain",
            make: Callback::new(move |()| session.trace.with_untracked(|r| r.keylog.clone().into_bytes())),
        },
    ];
    lab_page(info, session, trace, editor, Some(schedule), exports).into_any()
}

/// RFC 8446 section 7.1's key schedule: each secret, key and IV with its formula and value.
/// The values the selected step derives or uses are marked.
#[component]
fn KeySchedule(session: LabSession<TlsScenario, TlsRun>, trace: Memo<Trace>) -> impl IntoView {
    let used = move || {
        let current = session.current.get();
        trace.with(|t| t.steps.get(current).map(|s| s.fields.iter().map(|f| if f.name == "keys" { f.value.clone() } else { f.name.clone() }).collect::<Vec<_>>()).unwrap_or_default())
    };
    // Drawn as the RFC's tree: each value under the one it is derived from.
    let rows = move || {
        let used = used();
        session.trace.with(|r| {
            let parents = wirelab_core::tls::schedule::parents(&r.schedule);
            fn branch(nodes: &[Node], parents: &[Option<usize>], of: Option<usize>, used: &[String]) -> AnyView {
                nodes
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| parents[*i] == of)
                    .map(|(i, n)| {
                        let on = used.iter().any(|u| u == n.name);
                        let value: String = n.value.iter().map(|b| format!("{b:02x}")).collect();
                        let children = parents.contains(&Some(i)).then(|| view! { <ol class="schedule-children">{branch(nodes, parents, Some(i), used)}</ol> });
                        view! {
                            <li class:current=on aria-current=move || if on { "step" } else { "false" } data-testid=format!("schedule-{}", n.name)>
                                <span class="schedule-name">{n.name}</span>
                                <span class="schedule-formula">{n.formula.clone()}</span>
                                <code class="schedule-value">{value}</code>
                                {children}
                            </li>
                        }
                    })
                    .collect_view()
                    .into_any()
            }
            branch(&r.schedule, &parents, None, &used)
        })
    };
    let empty = move || session.trace.with(|r| r.schedule.is_empty());
    let tls12 = move || trace.with(|t| t.title.contains("1.2"));
    view! {
        <section class="key-schedule" aria-labelledby="tls-schedule-title" data-testid="key-schedule">
            <h2 id="tls-schedule-title">{move || if tls12() { "The key derivation (RFC 5246 sections 8.1 and 6.3)" } else { "The key schedule (RFC 8446 section 7.1)" }}</h2>
            <p class="help">{move || session.trace.with(|r| match &r.suite {
                Some(s) if tls12() => format!("Computed with {s}: TLS 1.2's PRF (an HMAC chain) makes the master secret from the premaster secret, then one key block that holds each direction's key and IV. The key log export holds the master secret (a CLIENT_RANDOM line): with it, Wireshark decrypts the pcap export."),
                Some(s) => format!("Computed with {s}: HKDF-Extract mixes in a new secret, Derive-Secret and HKDF-Expand-Label branch off with a label and a transcript hash. Values the selected step uses are marked. The key log export holds the four traffic secrets: with it, Wireshark decrypts the pcap export."),
                None => "The handshake failed before any key was derived.".to_string(),
            })}</p>
            <ol class="schedule" hidden=empty>{rows}</ol>
        </section>
    }
}

/// A cipher suite name taken apart: type or pick one (it starts as the negotiated suite), see
/// each component, and the weak ones flagged with why; then how this scenario's client and
/// server agreed on theirs.
#[component]
fn SuiteExplainer(session: LabSession<TlsScenario, TlsRun>) -> impl IntoView {
    use wirelab_core::tls::{scenario as sc, suites};
    // What the person typed; until then, the negotiated suite.
    let typed = RwSignal::new(None::<String>);
    let text = Signal::derive(move || typed.get().unwrap_or_else(|| session.trace.with(|r| r.suite.clone().unwrap_or_else(|| "TLS_AES_128_GCM_SHA256".into()))));
    let explained = Memo::new(move |_| suites::explain(&text.get()));
    let names: Vec<String> = wirelab_core::tls::crypto::Suite::ALL.iter().map(|s| s.name().to_string()).chain(sc::LEGACY_SUITES.iter().map(|(n, _)| n.to_string())).collect();
    let parts = move || {
        explained.with(|e| match e {
            Ok(e) => {
                let rows = e
                    .parts
                    .iter()
                    .map(|p| {
                        let weak = p.weak.clone();
                        let is_weak = weak.is_some();
                        view! {
                            <tr class:weak=is_weak>
                                <th scope="row">{p.role}</th>
                                <td><code>{p.name.clone()}</code></td>
                                <td>{p.meaning.clone()}{weak.map(|w| view! { <strong class="weak-flag">" Weak: "{w}"."</strong> })}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                let code = e.code.map(|c| format!("0x{c:04x}")).unwrap_or_else(|| "not one the lab knows".into());
                let runs = if e.runs { "This lab's server runs it." } else { "This lab's server does not run it (a client here can still offer it)." };
                view! {
                    <p data-testid="suite-verdict" class="suite-verdict" class:warning=e.weak>{e.verdict.clone()}</p>
                    <p class="help">{format!("{} · code point {code} · {runs}", e.version)}</p>
                    <table class="suite-parts" data-testid="suite-parts">
                        <thead><tr><th scope="col">"Decides"</th><th scope="col">"Part"</th><th scope="col">"What it means"</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                }
                .into_any()
            }
            Err(_) => ().into_any(),
        })
    };
    let error = move || explained.with(|e| e.as_ref().err().cloned());
    let negotiation = move || {
        let chosen = session.trace.with(|r| r.suite.clone());
        session.scenario.with(|s| suites::negotiation(s, chosen.as_deref())).into_iter().map(|(name, fate)| view! { <li><code>{name}</code>" — "{fate}</li> }).collect_view()
    };
    view! {
        <section class="suite-explainer" aria-labelledby="tls-suites-title" data-testid="suite-explainer">
            <h2 id="tls-suites-title">"Cipher suites"</h2>
            <div class="field" class:invalid=move || error().is_some()>
                <label for="tls-suite-explain">"Explain a suite name"</label>
                <input id="tls-suite-explain" type="text" list="tls-suite-names" autocomplete="off" spellcheck="false" data-testid="input-suite"
                    aria-invalid=move || error().is_some().to_string() aria-describedby="tls-suite-explain-error"
                    prop:value=text on:input=move |ev| typed.set(Some(event_target_value(&ev))) />
                <datalist id="tls-suite-names">{names.into_iter().map(|n| view! { <option value=n></option> }).collect_view()}</datalist>
                <small id="tls-suite-explain-error" class="field-error" data-testid="error-suite">{error}</small>
            </div>
            {parts}
            <h3>"In this scenario"</h3>
            <p class="help">"The server takes the first suite in its own order that the client offers, for the version both speak (and in TLS 1.2, one it has a key for)."</p>
            <ul class="negotiation" data-testid="negotiation">{negotiation}</ul>
        </section>
    }
}
