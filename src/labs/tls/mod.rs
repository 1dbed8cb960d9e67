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
    let Some(info) = labs::find("tls") else {
        return view! { <p>"The TLS lab is missing from the catalogue."</p> }.into_any();
    };
    let trace: Memo<Trace> = Memo::new_with_compare(move |_| session.trace.with(|r| r.trace.clone()), |_, _| true);
    let editor = view! {
        <TlsEditor session=session />
        <div class="simplified" data-testid="simplified">
            <p>"Being built. Done: TLS 1.3 with X25519 or P-256 and HelloRetryRequest, TLS 1.2 (ECDHE-ECDSA, ECDHE-RSA, RSA key exchange) side by side with it, a lab-made certificate chain you can break, resumption and 0-RTT (and its replay), byte for byte as RFC 8448, with a pcap and key log for Wireshark. Next: revocation (CRL, OCSP, stapling) and a cipher suite explainer."</p>
        </div>
    }
    .into_any();
    let schedule = view! { <KeySchedule session=session trace=trace /> }.into_any();
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
    let rows = move || {
        let used = used();
        session.trace.with(|r| {
            r.schedule
                .iter()
                .map(|n| {
                    let on = used.iter().any(|u| u == n.name);
                    let value: String = n.value.iter().map(|b| format!("{b:02x}")).collect();
                    view! {
                        <li class:current=on aria-current=move || if on { "step" } else { "false" } data-testid=format!("schedule-{}", n.name)>
                            <span class="schedule-name">{n.name}</span>
                            <span class="schedule-formula">{n.formula.clone()}</span>
                            <code class="schedule-value">{value}</code>
                        </li>
                    }
                })
                .collect_view()
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
