use crate::components::field::{TextArea, TextField, EditorFrame};
use crate::components::preset::PresetPicker;
use crate::labs::{FormEdit, LabSession};
use leptos::prelude::*;
use wirelab_core::cache::app::{Eviction, Stampede, Strategy};
use wirelab_core::cache::run::CacheRun;
use wirelab_core::cache::scenario::{self as sc, CacheForm, CacheScenario};
use wirelab_core::scenario::FieldError;

const STATUSES: [(&str, &str); 9] = [("200", "200 OK"), ("203", "203 Non-Authoritative Information"), ("204", "204 No Content"), ("301", "301 Moved Permanently"), ("302", "302 Found"), ("307", "307 Temporary Redirect"), ("308", "308 Permanent Redirect"), ("404", "404 Not Found"), ("410", "410 Gone")];

/// Every input of the caching lab, validated as you type. What is typed stays as typed; the
/// trace follows the last valid scenario, and each invalid field says what is wrong beside it.
///
/// - `session`: the lab's session, whose scenario this edits.
/// - `form`, `errors`: the fields as typed and their problems (shared with the application panel).
#[component]
pub fn CacheEditor(session: LabSession<CacheScenario, CacheRun>, form: RwSignal<CacheForm>, errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    let fe = FormEdit { edits: session.edits(), form, errors, parse: CacheForm::parse };
    let load_preset = Callback::new(move |id: String| session.edits().pick_preset(form, errors, sc::presets(), &id, |s| CacheForm::from(s)));
    let field = move |key: &'static str, label: &'static str, help: &'static str, get: fn(&CacheForm) -> &String, set: fn(&mut CacheForm, String)| {
        let (value, on_input) = fe.text(get, set);
        view! { <TextField id=format!("cache-{key}") key=key label=label help=help value=value errors=errors on_input=on_input text=true /> }
    };
    let area = move |key: &'static str, label: &'static str, help: &'static str, rows: u32, get: fn(&CacheForm) -> &String, set: fn(&mut CacheForm, String)| {
        let (value, on_input) = fe.text(get, set);
        view! { <TextArea id=format!("cache-{key}") key=key.to_string() label=label.to_string() help=help rows=rows wrap=true value=value errors=errors on_input=on_input /> }
    };
    let checkbox = move |key: &'static str, label: &'static str, get: fn(&CacheForm) -> bool, set: fn(&mut CacheForm, bool)| fe.check(format!("cache-{key}"), key, label, get, set);
    let status = fe.choice(
        "cache-status".into(),
        "status",
        "Status",
        STATUSES.to_vec(),
        |f| STATUSES.iter().find(|(code, _)| code.parse::<u16>().ok() == Some(f.status)).map(|(code, _)| *code).unwrap_or("200"),
        |f, v| f.status = v.parse().unwrap_or(200),
    );
    let strategy = fe.choice(
        "cache-app_strategy".into(),
        "app_strategy",
        "Strategy",
        Strategy::ALL.iter().map(|s| (s.name(), s.name())).collect(),
        |f| f.app.strategy.name(),
        |f, v| f.app.strategy = Strategy::ALL.into_iter().find(|s| s.name() == v).unwrap_or(Strategy::CacheAside),
    );
    let eviction = fe.choice(
        "cache-app_eviction".into(),
        "app_eviction",
        "Eviction",
        vec![("lru", "LRU: least recently used"), ("lfu", "LFU: least frequently used"), ("ttl", "TTL only (no capacity)")],
        |f| match f.app.eviction { Eviction::Lru => "lru", Eviction::Lfu => "lfu", Eviction::Ttl => "ttl" },
        |f, v| f.app.eviction = match v { "lfu" => Eviction::Lfu, "ttl" => Eviction::Ttl, _ => Eviction::Lru },
    );
    let stampede = fe.choice(
        "cache-app_stampede".into(),
        "app_stampede",
        "Stampede defence",
        vec![("none", "None"), ("coalesce", "Request coalescing"), ("early", "Probabilistic early expiration (XFetch)")],
        |f| match f.app.stampede { Stampede::None => "none", Stampede::Coalesce => "coalesce", Stampede::EarlyExpiration => "early" },
        |f, v| f.app.stampede = match v { "coalesce" => Stampede::Coalesce, "early" => Stampede::EarlyExpiration, _ => Stampede::None },
    );
    let summary = move || {
        let s = session.scenario.read();
        let cc = sc::parse_headers(&s.headers).ok().and_then(|h| wirelab_core::cache::rfc9111::field(&h, "cache-control")).unwrap_or_else(|| "no Cache-Control".into());
        let requests = sc::parse_events(&s.events, &s.path).map(|e| e.len()).unwrap_or(0);
        format!("{} {} · {cc} · {} · {requests} events", s.status, s.path, if s.cdn { "through a CDN" } else { "no CDN" })
    };
    view! {
        <PresetPicker id="cache-preset" presets=sc::presets().into_iter().map(|(id, title, _)| (id, title)).collect() on_pick=load_preset />
        <EditorFrame title="Edit the scenario" summary=Signal::derive(summary) errors=errors shows="the diagram shows">
            <fieldset>
                <legend>"The origin's response"</legend>
                {field("path", "Path", "The resource on www.example.com, e.g. /app.css.", |f| &f.path, |f, v| f.path = v)}
                {status}
                {area("headers", "Response header fields", "One Name: value a line: Cache-Control, Expires, Vary, Set-Cookie… The origin adds Date (and ETag and Last-Modified below).", 4, |f| &f.headers, |f, v| f.headers = v)}
                {checkbox("etag", "ETag naming the version (\"v1\", \"v2\"…)", |f| f.etag, |f, v| f.etag = v)}
                {checkbox("last_modified", "Last-Modified: when the version was made", |f| f.last_modified, |f, v| f.last_modified = v)}
                {field("modified_ago", "First version made before t = 0", "e.g. 7d, 12h or 30m: the heuristic lifetime is 10% of the time since Last-Modified.", |f| &f.modified_ago, |f, v| f.modified_ago = v)}
            </fieldset>
            <fieldset>
                <legend>"Between people and the origin"</legend>
                {checkbox("cdn", "A CDN (a shared cache) in front of the origin", |f| f.cdn, |f, v| f.cdn = v)}
            </fieldset>
            <fieldset>
                <legend>"Events"</legend>
                {area("events", "Events in time", "One a line: 30s GET, 1m bob GET /other | Cache-Control: no-cache, 2m change, 3m down 503, 4m up, 5m purge. Times: s, m, h, d. A name before the method is another person's browser.", 6, |f| &f.events, |f, v| f.events = v)}
            </fieldset>
            <details class="advanced" data-testid="app-editor">
                <summary>"Application caching: an app, a cache and a database"</summary>
                {strategy}
                {eviction}
                {stampede}
                {field("app_capacity", "Capacity (keys)", "LRU and LFU evict beyond this.", |f| &f.app_capacity, |f, v| f.app_capacity = v)}
                {field("app_ttl_ms", "TTL (ms)", "SET … EX: how long a value stays.", |f| &f.app_ttl_ms, |f, v| f.app_ttl_ms = v)}
                {field("app_keys", "Keys", "Distinct keys the traffic reads.", |f| &f.app_keys, |f, v| f.app_keys = v)}
                {field("app_hot_percent", "Hot key share (%)", "Reads that go to key 0.", |f| &f.app_hot_percent, |f, v| f.app_hot_percent = v)}
                {field("app_db_ms", "Database latency (ms)", "Each query's time.", |f| &f.app_db_ms, |f, v| f.app_db_ms = v)}
                {field("app_reader_pause_ms", "Reader's pause before SET (ms)", "A GC pause between the database read and the SET.", |f| &f.app_reader_pause_ms, |f, v| f.app_reader_pause_ms = v)}
                {field("app_flush_ms", "Write-behind flush every (ms)", "", |f| &f.app_flush_ms, |f, v| f.app_flush_ms = v)}
                {field("app_crash_ms", "Cache crash at (ms)", "Blank: no crash.", |f| &f.app_crash_ms, |f, v| f.app_crash_ms = v)}
                {field("app_duration_ms", "Chart span (ms)", "", |f| &f.app_duration_ms, |f, v| f.app_duration_ms = v)}
                {area("app_reads", "Reads", "As in the rate limiter lab, one pattern a line: steady every=150 count=40 start=0, burst at=2500 count=25 spread=200, random start=0 duration=6000 gap=5 seed=1, at 100 250.", 2, |f| &f.app_reads, |f, v| f.app_reads = v)}
                {area("app_writes", "Writes", "The same patterns, for writes.", 2, |f| &f.app_writes, |f, v| f.app_writes = v)}
            </details>
        </EditorFrame>
    }
}
