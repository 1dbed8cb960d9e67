use crate::components::field::{TextArea, TextField, EditorFrame};
use crate::components::preset::PresetPicker;
use crate::labs::{FormEdit, LabSession};
use leptos::prelude::*;
use wirelab_core::scenario::FieldError;
use wirelab_core::tls::scenario::{ChainProblem, Identity, Method, TlsForm};
use wirelab_core::tls::{self, TlsRun, TlsScenario};

/// The menus' choices: each value, its name in the form, and its text.
const IDENTITIES: [(Identity, &str, &str); 2] = [
    (Identity::Lab, "lab", "A chain made in the lab (ECDSA P-256), checked by the client"),
    (Identity::Rfc8448, "rfc8448", "RFC 8448's self-signed RSA certificate, taken as given"),
];
const PROBLEMS: [(ChainProblem, &str, &str); 8] = [
    (ChainProblem::None, "none", "Nothing"),
    (ChainProblem::Expired, "expired", "Expired"),
    (ChainProblem::NotYetValid, "not_yet_valid", "Not valid yet"),
    (ChainProblem::WrongHost, "wrong_host", "For another host name"),
    (ChainProblem::SelfSigned, "self_signed", "Self-signed"),
    (ChainProblem::MissingIntermediate, "missing_intermediate", "Intermediate missing"),
    (ChainProblem::UntrustedRoot, "untrusted_root", "Root not trusted"),
    (ChainProblem::IntermediateNotCa, "intermediate_not_ca", "Intermediate is not a CA"),
];
const METHODS: [(Method, &str, &str); 4] = [
    (Method::None, "none", "No check"),
    (Method::Crl, "crl", "The CA's CRL"),
    (Method::Ocsp, "ocsp", "The CA's OCSP responder"),
    (Method::Stapled, "stapled", "OCSP stapling"),
];

/// Every input of the TLS lab, validated as you type. What is typed stays as typed; the trace
/// follows the last valid scenario, and each invalid field says what is wrong beside it.
///
/// - `session`: the lab's session, whose scenario this edits.
#[component]
pub fn TlsEditor(session: LabSession<TlsScenario, TlsRun>) -> impl IntoView {
    let form = RwSignal::new(TlsForm::from(&session.scenario.get_untracked()));
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let fe = FormEdit { edits: session.edits(), form, errors, parse: TlsForm::parse };
    let load_preset = Callback::new(move |id: String| session.edits().pick_preset(form, errors, tls::presets(), &id, |s| TlsForm::from(s)));
    let field = move |key: &'static str, label: &'static str, help: &'static str, text: bool, get: fn(&TlsForm) -> &String, set: fn(&mut TlsForm, String)| {
        let (value, on_input) = fe.text(get, set);
        view! { <TextField id=format!("tls-{key}") key=key label=label help=help value=value errors=errors on_input=on_input text=text /> }
    };
    let area = move |key: &'static str, label: &'static str, help: &'static str, get: fn(&TlsForm) -> &String, set: fn(&mut TlsForm, String)| {
        let (value, on_input) = fe.text(get, set);
        view! { <TextArea id=format!("tls-{key}") key=key.to_string() label=label.to_string() help=help rows=3 wrap=true value=value errors=errors on_input=on_input /> }
    };
    let checkbox = move |key: &'static str, label: &'static str, get: fn(&TlsForm) -> bool, set: fn(&mut TlsForm, bool)| fe.check(format!("tls-{key}"), key, label, get, set);
    let menu = move |key: &'static str, label: &'static str, options: Vec<(&'static str, &'static str)>, get: fn(&TlsForm) -> &'static str, set: fn(&mut TlsForm, &str)| fe.choice(format!("tls-{key}"), key, label, options, get, set);
    let summary = move || {
        let s = session.scenario.read();
        let sni = if s.server_name.is_empty() { "no SNI".to_string() } else { format!("SNI {}", s.server_name) };
        let prefers = s.server_suites.first().cloned().unwrap_or_else(|| "no suite".into());
        let resume = if s.resume { if s.early_data.is_empty() { " · resumed" } else { " · resumed with 0-RTT" } } else { "" };
        format!("TLS {} / {} · RTT {} ms · client offers {} suites · server prefers {prefers} · {sni}{resume}", s.client_versions.join(", "), s.server_versions.join(", "), s.rtt_ms, s.client_suites.len())
    };
    view! {
        <PresetPicker id="tls-preset" presets=tls::presets().into_iter().map(|(id, title, _)| (id, title)).collect() on_pick=load_preset />
        <EditorFrame title="Edit the scenario" summary=Signal::derive(summary) errors=errors shows="the diagram shows">
            <fieldset>
                <legend>"Client"</legend>
                {field("client_versions", "Versions offered", "1.3, 1.2 (1.1 and 1.0 too: no server here speaks them, RFC 8996).", true, |f| &f.client_versions, |f, v| f.client_versions = v)}
                {field("client_suites", "Cipher suites offered", "By preference, comma-separated: TLS 1.3's TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256, or TLS 1.2 suites such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256.", true, |f| &f.client_suites, |f, v| f.client_suites = v)}
                {field("client_groups", "Groups (supported_groups)", "e.g. x25519, secp256r1, secp384r1.", true, |f| &f.client_groups, |f, v| f.client_groups = v)}
                {field("key_shares", "Key shares sent (its guess)", "x25519 and/or secp256r1, from its groups. A guess the server rejects costs a HelloRetryRequest.", true, |f| &f.key_shares, |f, v| f.key_shares = v)}
                {field("signature_algorithms", "Signature schemes accepted", "e.g. rsa_pss_rsae_sha256, ecdsa_secp256r1_sha256, ed25519.", true, |f| &f.signature_algorithms, |f, v| f.signature_algorithms = v)}
                {field("server_name", "Server name (SNI)", "Sent in the clear. Blank: none.", true, |f| &f.server_name, |f, v| f.server_name = v)}
                {field("client_alpn", "Application protocols (ALPN)", "e.g. h2, http/1.1.", true, |f| &f.client_alpn, |f, v| f.client_alpn = v)}
            </fieldset>
            <fieldset>
                <legend>"Server"</legend>
                {field("server_versions", "Versions spoken", "1.3 and/or 1.2. The newest both sides speak wins.", true, |f| &f.server_versions, |f, v| f.server_versions = v)}
                {field("server_suites", "Cipher suites accepted", "By the server's preference: it picks the first the client offers (in TLS 1.2, one it has a key for: ECDSA, or RSA).", true, |f| &f.server_suites, |f, v| f.server_suites = v)}
                {field("server_groups", "Groups accepted", "", true, |f| &f.server_groups, |f, v| f.server_groups = v)}
                {field("server_alpn", "Application protocols", "By preference.", true, |f| &f.server_alpn, |f, v| f.server_alpn = v)}
            </fieldset>
            <fieldset>
                <legend>"Network and data"</legend>
                {field("rtt_ms", "Round-trip time (ms)", "Half of it each way.", false, |f| &f.rtt_ms, |f, v| f.rtt_ms = v)}
                {checkbox("compare", "Also run the other version (1.2 or 1.3) and compare when the request leaves", |f| f.carried.compare, |f, on| f.carried.compare = on)}
                {area("request", "Request", "What the client sends once the handshake is done. Text, or hex: and hex digits.", |f| &f.request, |f, v| f.request = v)}
                {area("response", "Response", "What the server sends back.", |f| &f.response, |f, v| f.response = v)}
            </fieldset>
            <fieldset>
                <legend>"Certificates"</legend>
                {field("now", "The client's clock (UTC)", "e.g. 2026-11-22 10:00:00. The server's certificate is valid from 2026-10-23 10:00 to 2027-01-21 10:00: set the clock outside that and the client refuses it.", true, |f| &f.now, |f, v| f.now = v)}
                {menu("identity", "The server's certificate", IDENTITIES.iter().map(|(_, v, l)| (*v, *l)).collect(),
                    |f| IDENTITIES.iter().find(|i| i.0 == f.carried.identity).map_or("lab", |i| i.1),
                    |f, v| f.carried.identity = IDENTITIES.iter().find(|i| i.1 == v).map_or(Identity::Lab, |i| i.0))}
                {menu("chain_problem", "What is wrong with the chain", PROBLEMS.iter().map(|(_, v, l)| (*v, *l)).collect(),
                    |f| PROBLEMS.iter().find(|p| p.0 == f.carried.chain_problem).map_or("none", |p| p.1),
                    |f, v| f.carried.chain_problem = PROBLEMS.iter().find(|p| p.1 == v).map_or(ChainProblem::None, |p| p.0))}
            </fieldset>
            <fieldset>
                <legend>"Revocation"</legend>
                {menu("revocation", "How the client checks the certificate is not revoked", METHODS.iter().map(|(_, v, l)| (*v, *l)).collect(),
                    |f| METHODS.iter().find(|m| m.0 == f.carried.revocation).map_or("none", |m| m.1),
                    |f, v| f.carried.revocation = METHODS.iter().find(|m| m.1 == v).map_or(Method::None, |m| m.0))}
                {checkbox("revoked", "The CA has revoked the server's certificate (its key was stolen)", |f| f.carried.revoked, |f, on| f.carried.revoked = on)}
                {checkbox("responder_down", "The CA's CRL and OCSP servers do not answer (down, or blocked by an attacker)", |f| f.carried.responder_down, |f, on| f.carried.responder_down = on)}
                {checkbox("hard_fail", "Refuse a certificate whose status cannot be learned (hard-fail)", |f| f.carried.hard_fail, |f, on| f.carried.hard_fail = on)}
                {field("responder_rtt_ms", "Round-trip time to the CA's servers (ms)", "A CRL download or an OCSP query costs a TCP handshake and a request: two of these.", false, |f| &f.responder_rtt_ms, |f, v| f.responder_rtt_ms = v)}
            </fieldset>
            <fieldset>
                <legend>"Resumption and 0-RTT"</legend>
                {checkbox("resume", "Resume a session with a ticket from an earlier connection (a PSK)", |f| f.resume, |f, on| f.resume = on)}
                {area("early_data", "0-RTT data", "Sent with the resumed ClientHello, before any reply. Blank: none.", |f| &f.early_data, |f, v| f.early_data = v)}
                {field("ticket_age_ms", "Ticket age (ms)", "How old the ticket is when offered.", false, |f| &f.ticket_age_ms, |f, v| f.ticket_age_ms = v)}
                {checkbox("accept_early_data", "The server accepts 0-RTT data", |f| f.accept_early_data, |f, on| f.accept_early_data = on)}
                {checkbox("replay", "An attacker replays the client's first flight", |f| f.carried.replay, |f, on| f.carried.replay = on)}
                {checkbox("anti_replay", "The server accepts each ticket's 0-RTT data once", |f| f.carried.anti_replay, |f, on| f.carried.anti_replay = on)}
            </fieldset>
            <details class="advanced">
                <summary>"Randoms, private keys and seed"</summary>
                {field("seed", "Seed", "Draws every value left blank.", false, |f| &f.seed, |f, v| f.seed = v)}
                {field("client_random", "Client random", "64 hex digits. Blank: from the seed.", true, |f| &f.client_random, |f, v| f.client_random = v)}
                {field("server_random", "Server random", "64 hex digits. Blank: from the seed.", true, |f| &f.server_random, |f, v| f.server_random = v)}
                {field("client_key", "Client X25519 private key (secret)", "64 hex digits. Blank: from the seed. Left out of links unless you ask.", true, |f| &f.client_key, |f, v| f.client_key = v)}
                {field("server_key", "Server X25519 private key (secret)", "64 hex digits. Blank: from the seed. Left out of links unless you ask.", true, |f| &f.server_key, |f, v| f.server_key = v)}
            </details>
        </EditorFrame>
    }
}
