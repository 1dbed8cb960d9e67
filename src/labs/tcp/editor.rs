use crate::components::field::{EditorFrame, TextField};
use crate::components::preset::PresetPicker;
use crate::labs::{FormEdit, LabSession};
use leptos::prelude::*;
use wirelab_core::scenario::FieldError;
use wirelab_core::tcp::scenario::TcpForm;
use wirelab_core::tcp::{self, Closer, TcpScenario};

/// Every input of the TCP lab, validated as you type. What is typed stays as typed; the trace
/// follows the last valid scenario, and each invalid field says what is wrong beside it.
///
/// - `session`: the lab's session, whose scenario this edits.
#[component]
pub fn TcpEditor(session: LabSession<TcpScenario>) -> impl IntoView {
    let form = RwSignal::new(TcpForm::from(&session.scenario.get_untracked()));
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let fe = FormEdit { edits: session.edits(), form, errors, parse: TcpForm::parse };
    let load_preset = Callback::new(move |id: String| session.edits().pick_preset(form, errors, tcp::presets(), &id, |s| TcpForm::from(s)));
    let text = move |key: &'static str, label: &'static str, help: &'static str, get: fn(&TcpForm) -> &String, set: fn(&mut TcpForm, String)| {
        let (value, on_input) = fe.text(get, set);
        view! { <TextField id=format!("tcp-{key}") key=key label=label help=help value=value errors=errors on_input=on_input /> }
    };
    let summary = move || {
        let s = session.scenario.read();
        let loss = if s.lose.is_empty() { "no loss".to_string() } else { format!("losing #{}", s.lose.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", #")) };
        let close = match s.closer { Closer::Client => "client closes", Closer::Server => "server closes", Closer::Both => "both close" };
        let listen = if s.server_listening { "" } else { ", port closed" };
        format!("RTT {} ms · {} B request · {} B response · MSS {} · {loss} · {close}{listen}", s.rtt_ms, s.client_bytes, s.server_bytes, s.mss)
    };
    view! {
        <PresetPicker id="tcp-preset" presets=tcp::presets().into_iter().map(|(id, title, _)| (id, title)).collect() on_pick=load_preset />
        <EditorFrame title="Edit the scenario" summary=Signal::derive(summary) errors=errors shows="the diagram shows">
            <fieldset>
                <legend>"Network"</legend>
                {text("rtt_ms", "Round-trip time (ms)", "Half of it each way.", |f| &f.rtt_ms, |f, v| f.rtt_ms = v)}
                {text("lose", "Lose segments", "Segment numbers to drop, e.g. 5, 9 (numbers as in the diagram).", |f| &f.lose, |f, v| f.lose = v)}
            </fieldset>
            <fieldset>
                <legend>"Data"</legend>
                {text("client_bytes", "Request size (bytes)", "What the client sends.", |f| &f.client_bytes, |f, v| f.client_bytes = v)}
                {text("server_bytes", "Response size (bytes)", "What the server sends back.", |f| &f.server_bytes, |f, v| f.server_bytes = v)}
                {text("mss", "MSS (bytes)", "Largest data per segment.", |f| &f.mss, |f, v| f.mss = v)}
                {text("initial_window", "Initial window (segments)", "Sent before the first ACK.", |f| &f.initial_window, |f, v| f.initial_window = v)}
            </fieldset>
            <fieldset>
                <legend>"Opening and closing"</legend>
                <div class="field">
                    <label for="tcp-closer">"Who closes first"</label>
                    <select id="tcp-closer" data-testid="input-closer" on:change=move |ev| {
                        let closer = match event_target_value(&ev).as_str() { "server" => Closer::Server, "both" => Closer::Both, _ => Closer::Client };
                        fe.edit(&|f| f.closer = closer);
                    }>
                        <option value="client" selected=move || form.with(|f| f.closer == Closer::Client)>"The client"</option>
                        <option value="server" selected=move || form.with(|f| f.closer == Closer::Server)>"The server"</option>
                        <option value="both" selected=move || form.with(|f| f.closer == Closer::Both)>"Both at once"</option>
                    </select>
                </div>
                <div class="field checkbox">
                    <input id="tcp-listening" type="checkbox" data-testid="input-server_listening"
                        prop:checked=move || form.with(|f| f.server_listening)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            fe.edit(&|f| f.server_listening = on);
                        } />
                    <label for="tcp-listening">"The server listens on its port"</label>
                </div>
            </fieldset>
            <details class="advanced">
                <summary>"Sequence numbers, ports and timers"</summary>
                {text("seed", "Seed", "Picks the ISNs when they are blank.", |f| &f.seed, |f, v| f.seed = v)}
                {text("client_isn", "Client ISN", "Blank: from the seed.", |f| &f.client_isn, |f, v| f.client_isn = v)}
                {text("server_isn", "Server ISN", "Blank: from the seed.", |f| &f.server_isn, |f, v| f.server_isn = v)}
                {text("client_port", "Client port", "", |f| &f.client_port, |f, v| f.client_port = v)}
                {text("server_port", "Server port", "", |f| &f.server_port, |f, v| f.server_port = v)}
                {text("msl_ms", "MSL (ms)", "TIME-WAIT lasts twice this.", |f| &f.msl_ms, |f, v| f.msl_ms = v)}
            </details>
        </EditorFrame>
    }
}
