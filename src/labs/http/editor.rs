use crate::components::field::{EditorFrame, TextArea, TextField};
use crate::components::preset::PresetPicker;
use crate::labs::{FormEdit, LabSession};
use leptos::prelude::*;
use wirelab_core::http::cors::Credentials;
use wirelab_core::http::reason;
use wirelab_core::http::scenario::{self as sc, HttpForm, HttpScenario, Part};
use wirelab_core::http::status::Upstream;
use wirelab_core::http::waterfall::Protocol;
use wirelab_core::scenario::FieldError;

/// The statuses as choices: `("204", "204 No Content")`.
fn statuses() -> Vec<(&'static str, &'static str)> {
    const CODES: [&str; 17] = ["200", "201", "204", "301", "302", "303", "307", "308", "400", "401", "403", "404", "405", "429", "500", "502", "503"];
    const LABELS: [&str; 17] = ["200 OK", "201 Created", "204 No Content", "301 Moved Permanently", "302 Found", "303 See Other", "307 Temporary Redirect", "308 Permanent Redirect", "400 Bad Request", "401 Unauthorized", "403 Forbidden", "404 Not Found", "405 Method Not Allowed", "429 Too Many Requests", "500 Internal Server Error", "502 Bad Gateway", "503 Service Unavailable"];
    debug_assert!(CODES.iter().zip(LABELS).all(|(c, l)| l.ends_with(reason(c.parse().unwrap_or(0)))));
    CODES.into_iter().zip(LABELS).collect()
}

fn status_id(code: u16) -> &'static str {
    statuses().into_iter().find(|(c, _)| c.parse::<u16>().ok() == Some(code)).map(|(c, _)| c).unwrap_or("200")
}

/// Every input of the HTTP lab, validated as you type. What is typed stays as typed; the trace
/// follows the last valid scenario, and each invalid field says what is wrong beside it.
///
/// - `session`: the lab's session, whose scenario this edits.
#[component]
pub fn HttpEditor(session: LabSession<HttpScenario>) -> impl IntoView {
    let form = RwSignal::new(HttpForm::from(&session.scenario.get_untracked()));
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let parse = |f: &HttpForm| f.parse(&HttpScenario::default());
    let fe = FormEdit { edits: session.edits(), form, errors, parse };
    let load_preset = Callback::new(move |id: String| session.edits().pick_preset(form, errors, sc::presets(), &id, |s| HttpForm::from(s)));
    let field = move |key: &'static str, label: &'static str, help: &'static str, get: fn(&HttpForm) -> &String, set: fn(&mut HttpForm, String)| {
        let (value, on_input) = fe.text(get, set);
        view! { <TextField id=format!("http-{key}") key=key label=label help=help value=value errors=errors on_input=on_input text=true /> }
    };
    let area = move |key: &'static str, label: &'static str, help: &'static str, rows: u32, get: fn(&HttpForm) -> &String, set: fn(&mut HttpForm, String)| {
        let (value, on_input) = fe.text(get, set);
        view! { <TextArea id=format!("http-{key}") key=key.to_string() label=label.to_string() help=help rows=rows wrap=true value=value errors=errors on_input=on_input /> }
    };
    let part = fe.choice(
        "http-part".into(),
        "part",
        "Part of the lab",
        vec![("journey", "The journey: DNS, TCP, TLS and HTTP"), ("waterfall", "The page load: a waterfall"), ("cors", "CORS: a script calls another origin"), ("methods", "Methods: a client and a resource server"), ("status", "Status codes: through a proxy to an app")],
        |f| match f.part { Part::Cors => "cors", Part::Methods => "methods", Part::Status => "status", Part::Journey => "journey", Part::Waterfall => "waterfall" },
        |f, v| f.part = match v { "methods" => Part::Methods, "status" => Part::Status, "journey" => Part::Journey, "waterfall" => Part::Waterfall, _ => Part::Cors },
    );
    let summary = move || {
        let s = session.scenario.read();
        if s.part == Part::Methods {
            let calls = wirelab_core::http::methods::parse_calls(&s.methods.calls).map(|c| c.iter().map(|c| c.times as usize).sum::<usize>()).unwrap_or(0);
            return format!("Methods: {calls} calls to api.example/items");
        }
        if s.part == Part::Waterfall {
            let w = &s.waterfall;
            return format!("{} · RTT {} ms · {} Mbit/s · {}% loss{}{}{}{}", w.protocol.name(), w.rtt_ms, w.mbps, w.loss_percent, if w.cdn_rtt_ms > 0 { " · CDN" } else { "" }, if w.bundle { " · bundled" } else { "" }, if w.preconnect { " · preconnect" } else { "" }, if w.warm_cache { " · warm cache" } else { "" });
        }
        if s.part == Part::Journey {
            let j = &s.journey;
            return format!("The journey to https://{}{} · RTT {} ms · TLS {}{}", j.host, j.path, j.rtt_ms, j.tls, if j.dns_cached { " · DNS cached" } else { "" });
        }
        if s.part == Part::Status {
            let st = &s.status;
            let n = wirelab_core::http::status::parse_requests(&st.requests).map(|r| r.len()).unwrap_or(0);
            let app = match st.upstream { Upstream::Up => "app up".to_string(), Upstream::Down => "app down".to_string(), Upstream::Slow => format!("app takes {} ms, proxy waits {} ms", st.upstream_ms, st.timeout_ms) };
            return format!("Status codes: {n} requests · {app} · {} a minute{}", st.limit, if st.maintenance { " · maintenance" } else { "" });
        }
        let c = &s.cors;
        let then = match c.then_s {
            Some(t) if c.then_page.is_empty() || c.then_page == c.page => format!(" · again after {}", wirelab_core::cache::scenario::time_text(t)),
            Some(t) => format!(" · {} after {}", c.then_page, wirelab_core::cache::scenario::time_text(t)),
            None => String::new(),
        };
        format!("{} {} from {} · credentials {}{then}{}", c.method, c.url, c.page, c.credentials.id(), if c.cdn { " · through a CDN" } else { "" })
    };
    let cors_fields = move || {
        let credentials = fe.choice(
            "http-cors_credentials".into(),
            "cors_credentials",
            "Credentials",
            vec![("same-origin", "same-origin: cookies only to the page's own origin (the default)"), ("include", "include: cookies to the other origin too"), ("omit", "omit: no cookies")],
            |f| f.credentials.id(),
            |f, v| f.credentials = Credentials::ALL.into_iter().find(|c| c.id() == v).unwrap_or(Credentials::SameOrigin),
        );
        let preflight_status = fe.choice("http-cors_preflight_status".into(), "cors_preflight_status", "Status", statuses(), |f| status_id(f.preflight_status), |f, v| f.preflight_status = v.parse().unwrap_or(204));
        let status = fe.choice("http-cors_status".into(), "cors_status", "Status", statuses(), |f| status_id(f.status), |f, v| f.status = v.parse().unwrap_or(200));
        let cdn = fe.check("http-cors_cdn".into(), "cors_cdn", "A CDN (a shared cache) in front of the server", |f| f.cdn, |f, v| f.cdn = v);
        view! {
            <fieldset>
                <legend>"The script's call"</legend>
                {field("cors_page", "Page origin", "Where the script runs, e.g. https://app.example.", |f| &f.page, |f, v| f.page = v)}
                {field("cors_url", "URL", "What it fetches, e.g. https://api.example/items/7.", |f| &f.url, |f, v| f.url = v)}
                {field("cors_method", "Method", "GET, POST, PUT, PATCH, DELETE… sent as written, except the six fetch upper-cases.", |f| &f.method, |f, v| f.method = v)}
                {area("cors_headers", "Headers", "One Name: value a line, as passed to fetch.", 3, |f| &f.headers, |f, v| f.headers = v)}
                {area("cors_body", "Body", "Blank for none.", 2, |f| &f.body, |f, v| f.body = v)}
                {credentials}
            </fieldset>
            <fieldset>
                <legend>"The server's answer to a preflight (OPTIONS)"</legend>
                {preflight_status}
                {area("cors_preflight_headers", "Header fields", "One Name: value a line. $origin stands for the request's Origin, echoed back.", 4, |f| &f.preflight_headers, |f, v| f.preflight_headers = v)}
            </fieldset>
            <fieldset>
                <legend>"The server's answer to the request"</legend>
                {status}
                {area("cors_response_headers", "Header fields", "One Name: value a line. $origin stands for the request's Origin, echoed back.", 4, |f| &f.response_headers, |f, v| f.response_headers = v)}
            </fieldset>
            <fieldset>
                <legend>"Then"</legend>
                {field("cors_then", "The same call again after", "e.g. 30s or 10m: shows the preflight cache. Blank: one call.", |f| &f.then, |f, v| f.then = v)}
                {field("cors_then_page", "From another page", "An origin, e.g. https://admin.example. Blank: the same page.", |f| &f.then_page, |f, v| f.then_page = v)}
                {cdn}
            </fieldset>
        }
    };
    let methods_fields = move || view! {
        <fieldset>
            <legend>"The resource server"</legend>
            {area("methods_item", "/items/7 at first", "A JSON object.", 2, |f| &f.item, |f, v| f.item = v)}
            {area("methods_calls", "Calls", "One a line: [2x] METHOD [path] [JSON body], e.g. 2x PUT {\"price\":15} or POST /items {\"name\":\"desk\"}. The path is /items/7 unless given.", 8, |f| &f.calls, |f, v| f.calls = v)}
        </fieldset>
    };
    let status_fields = move || {
        let upstream = fe.choice(
            "http-status_upstream".into(),
            "status_upstream",
            "The app behind the proxy",
            vec![("up", "Up"), ("down", "Down: the proxy's connection is refused"), ("slow", "Slow: it answers after the time below")],
            |f| match f.upstream { Upstream::Up => "up", Upstream::Down => "down", Upstream::Slow => "slow" },
            |f, v| f.upstream = match v { "down" => Upstream::Down, "slow" => Upstream::Slow, _ => Upstream::Up },
        );
        let maintenance = fe.check("http-status_maintenance".into(), "status_maintenance", "Down for maintenance (the app answers 503)", |f| f.maintenance, |f, v| f.maintenance = v);
        view! {
            <fieldset>
                <legend>"The client's requests"</legend>
                {area("status_requests", "Requests", "One a line: METHOD /path [body] [| Name: value]… e.g. POST /items {\"name\":\"desk\",\"price\":80} | Authorization: Bearer writer-token. Tokens: writer-token, reader-token; Basic alice:secret. Paths: /items, /items/7, /old-items, /account, /items/crash.", 7, |f| &f.requests, |f, v| f.requests = v)}
            </fieldset>
            <fieldset>
                <legend>"The servers"</legend>
                {upstream}
                {field("status_upstream_ms", "The app's time when slow (ms)", "", |f| &f.upstream_ms, |f, v| f.upstream_ms = v)}
                {field("status_timeout_ms", "The proxy's timeout (ms)", "How long the proxy waits for the app.", |f| &f.timeout_ms, |f, v| f.timeout_ms = v)}
                {field("status_limit", "Rate limit (requests a minute)", "Per client, in a fixed window.", |f| &f.limit, |f, v| f.limit = v)}
                {maintenance}
            </fieldset>
        }
    };
    let journey_fields = move || {
        let tls = fe.choice("http-journey_tls".into(), "journey_tls", "TLS version", vec![("1.3", "TLS 1.3: one round trip"), ("1.2", "TLS 1.2: two round trips")], |f| if f.tls == "1.2" { "1.2" } else { "1.3" }, |f, v| f.tls = v.to_string());
        let cached = fe.check("http-journey_dns_cached".into(), "journey_dns_cached", "The name was looked up a moment ago (the browser's DNS cache)", |f| f.dns_cached, |f, v| f.dns_cached = v);
        view! {
            <fieldset>
                <legend>"What you type"</legend>
                {field("journey_host", "Host name", "The DNS lab's example zones answer for www.example.com, example.com and a few others.", |f| &f.host, |f, v| f.host = v)}
                {field("journey_path", "Path", "", |f| &f.path, |f, v| f.path = v)}
                {cached}
            </fieldset>
            <fieldset>
                <legend>"The connection"</legend>
                {field("journey_rtt_ms", "Round-trip time to the server (ms)", "", |f| &f.rtt_ms, |f, v| f.rtt_ms = v)}
                {tls}
                {field("journey_body_bytes", "The page's size (bytes)", "", |f| &f.body_bytes, |f, v| f.body_bytes = v)}
                {field("journey_chunk_bytes", "Chunked, bytes a chunk", "0: the page goes with a Content-Length; more: Transfer-Encoding: chunked.", |f| &f.chunk_bytes, |f, v| f.chunk_bytes = v)}
            </fieldset>
        }
    };
    let waterfall_fields = move || {
        let protocol = fe.choice(
            "http-waterfall_protocol".into(),
            "waterfall_protocol",
            "Protocol",
            vec![("h1", "HTTP/1.1: six connections per host"), ("h2", "HTTP/2: one connection, multiplexed"), ("h3", "HTTP/3: QUIC, no TCP head-of-line blocking")],
            |f| match f.waterfall.protocol { Protocol::H1 => "h1", Protocol::H2 => "h2", Protocol::H3 => "h3" },
            |f, v| f.waterfall.protocol = match v { "h2" => Protocol::H2, "h3" => Protocol::H3, _ => Protocol::H1 },
        );
        let warm = fe.check("http-waterfall_warm_cache".into(), "waterfall_warm_cache", "A warm cache: everything but the HTML is fresh in the browser's cache", |f| f.waterfall.warm_cache, |f, v| f.waterfall.warm_cache = v);
        let bundle = fe.check("http-waterfall_bundle".into(), "waterfall_bundle", "Bundle the CSS files into one, and the scripts into one", |f| f.waterfall.bundle, |f, v| f.waterfall.bundle = v);
        let preconnect = fe.check("http-waterfall_preconnect".into(), "waterfall_preconnect", "Preconnect to the CDN (link rel=preconnect)", |f| f.waterfall.preconnect, |f, v| f.waterfall.preconnect = v);
        view! {
            <fieldset>
                <legend>"The network"</legend>
                {protocol}
                {field("waterfall_rtt_ms", "Round-trip time to the origin (ms)", "", |f| &f.w_rtt_ms, |f, v| f.w_rtt_ms = v)}
                {field("waterfall_mbps", "Bandwidth (Mbit/s)", "Shared by every response in flight.", |f| &f.w_mbps, |f, v| f.w_mbps = v)}
                {field("waterfall_loss_percent", "Packet loss (%)", "0 to 10.", |f| &f.w_loss_percent, |f, v| f.w_loss_percent = v)}
                {field("waterfall_cdn_rtt_ms", "CDN round-trip time (ms)", "0: static files come from the origin.", |f| &f.w_cdn_rtt_ms, |f, v| f.w_cdn_rtt_ms = v)}
            </fieldset>
            <fieldset>
                <legend>"The page"</legend>
                {field("waterfall_html_kb", "HTML size (kB)", "", |f| &f.w_html_kb, |f, v| f.w_html_kb = v)}
                {area("waterfall_resources", "Resources", "One a line: kind size_kB name, kind one of css, js, font, img. Fonts are found when the CSS has arrived.", 6, |f| &f.waterfall.resources, |f, v| f.waterfall.resources = v)}
                {warm}
                {bundle}
                {preconnect}
            </fieldset>
        }
    };
    let shown = Memo::new(move |_| form.with(|f| f.part));
    view! {
        <PresetPicker id="http-preset" presets=sc::presets().into_iter().map(|(id, title, _)| (id, title)).collect() on_pick=load_preset />
        <EditorFrame title="Edit the scenario" summary=Signal::derive(summary) errors=errors shows="the diagram shows">
            {part}
            {move || match shown.get() {
                Part::Cors => cors_fields().into_any(),
                Part::Methods => methods_fields().into_any(),
                Part::Status => status_fields().into_any(),
                Part::Journey => journey_fields().into_any(),
                Part::Waterfall => waterfall_fields().into_any(),
            }}
        </EditorFrame>
    }
}
