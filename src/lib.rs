//! Wirelab's browser app: the shell (routes, theme, embed mode) around the labs.
//!
//! Routing lives in the URL fragment (`#/tcp?…`), so the build works from any sub-path of any
//! static file server with no rewrite rules, and no scenario ever reaches a server.

pub mod browser;
pub mod components;
pub mod home;
pub mod labs;

use components::banner::{Banner, Notices};
use leptos::ev;
use leptos::prelude::*;
use wirelab_core::permalink::{self, Location};

/// Starts the app: the offline cache, then the page.
pub fn start() {
    browser::register_service_worker();
    leptos::mount::mount_to_body(App);
}

/// Measurement hook for the benchmark command (reached as `window.wasmBindings`): runs one
/// rate-limiting model over `requests` evenly spaced requests, 1 ms apart, in this page's wasm,
/// and returns the milliseconds it took.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn bench_ratelimit(model: usize, requests: u32) -> f64 {
    use wirelab_core::ratelimit::{algorithms::Algorithm, Client, Pattern, RateScenario};
    let Some(&algorithm) = Algorithm::ALL.get(model) else { return -1.0 };
    let scenario = RateScenario {
        limit: 800,
        window_ms: 1000,
        burst: 100,
        duration_ms: requests as u64,
        clients: vec![Client { patterns: vec![Pattern::Steady { start_ms: 0, every_ms: 1, count: requests as u64 }], ..Client::default() }],
        algorithms: vec![algorithm],
        ..RateScenario::default()
    };
    let clock = || web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0);
    let start = clock();
    let report = wirelab_core::ratelimit::run(&scenario);
    let elapsed = clock() - start;
    // Keep the work observable so it cannot be optimised away.
    if report.runs[0].stats.allowed == u64::MAX {
        return -1.0;
    }
    elapsed
}

/// Measurement hook for the benchmark command: encodes (`decode` false) or decodes (`decode`
/// true) the cold lookup's authoritative answer `messages` times in this page's wasm, and
/// returns the milliseconds it took.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn bench_dns_wire(decode: bool, messages: u32) -> f64 {
    use wirelab_core::dns::wire;
    let run = wirelab_core::dns::scenario::run(&Default::default());
    let Some(bytes) = run.trace.steps.iter().find(|s| s.label.starts_with("answer (AA)")).map(|s| s.bytes.clone()) else { return -1.0 };
    let Ok(message) = wire::decode(&bytes) else { return -1.0 };
    let clock = || web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0);
    let mut observed = 0usize;
    let start = clock();
    for _ in 0..messages {
        observed += if decode { wire::decode(&bytes).map(|m| m.answers.len()).unwrap_or(0) } else { wire::encode(&message, true).bytes.len() };
    }
    let elapsed = clock() - start;
    // Keep the work observable so it cannot be optimised away.
    if observed == usize::MAX {
        return -1.0;
    }
    elapsed
}

/// Measurement hook for the benchmark command: `op` 0 signs HS256, 1 verifies HS256, 2
/// verifies RS256 (2048-bit), 3 verifies ES256, 4 tries dictionary candidates against an HS256
/// token; `n` times, in this page's wasm. Returns the milliseconds taken.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn bench_jwt(op: u32, n: u32) -> f64 {
    use wirelab_core::jwt::{alg::Alg, crack, keys, sign};
    let v: serde_json::Value = serde_json::from_str(include_str!("../core/tests/vectors/rfc7515_jws.json")).unwrap_or_default();
    let (Ok(rsa), Ok(p256)) = (keys::from_jwk(&v["a_2_1"]["jwk"]), keys::from_jwk(&v["a_3_1"]["jwk"])) else { return -1.0 };
    let secret = keys::Key::Secret(vec![0x42; 32]);
    let input = b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJiZW5jaCJ9".to_vec();
    let (alg, key) = match op {
        0 | 1 | 4 => (Alg::HS256, &secret),
        2 => (Alg::RS256, &rsa),
        _ => (Alg::ES256, &p256),
    };
    let Ok(signature) = sign::sign(alg, key, &input, 0) else { return -1.0 };
    let list = if op == 4 { crack::candidates() } else { Vec::new() };
    let clock = || web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0);
    let mut ok = 0usize;
    let start = clock();
    match op {
        0 => {
            for _ in 0..n {
                ok += sign::sign(alg, key, &input, 0).map(|s| s.len()).unwrap_or(0);
            }
        }
        4 => {
            let mut done = 0usize;
            while done < n as usize {
                let (_, tried) = crack::try_range(alg, &input, &signature, &list, 0, (n as usize - done).min(list.len()));
                done += tried.max(1);
                ok += tried;
            }
        }
        _ => {
            for _ in 0..n {
                ok += sign::verify(alg, key, &input, &signature).is_ok() as usize;
            }
        }
    }
    let elapsed = clock() - start;
    if ok == 0 {
        return -1.0;
    }
    elapsed
}

/// Which page a fragment shows.
#[derive(Debug, Clone, PartialEq)]
enum Route {
    Home,
    Lab(Location),
    NotFound(String),
}

/// Reads a fragment into a route. A link too broken to parse still opens its lab (by the name
/// before `?`), with a notice saying what was wrong.
fn route(fragment: &str, notices: Notices) -> Route {
    let location = match permalink::parse(fragment) {
        Ok(location) => location,
        Err(e) => {
            notices.push(format!("{e} Showing the default scenario instead."));
            let path: String = fragment.trim_start_matches('#').trim_start_matches('/').chars().take(40).take_while(|c| *c != '?').collect();
            Location { lab: Some(path).filter(|p| !p.is_empty()), ..Location::default() }
        }
    };
    match location.lab.as_deref() {
        None => Route::Home,
        Some(id) if wirelab_core::labs::find(id).is_some() => Route::Lab(location),
        Some(id) => Route::NotFound(id.chars().take(40).collect()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    fn load() -> Theme {
        match browser::load("wirelab.theme").as_deref() {
            Some("light") => Theme::Light,
            Some("dark") => Theme::Dark,
            _ => Theme::System,
        }
    }

    fn next(self) -> Theme {
        match self {
            Theme::System => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::System,
        }
    }

    fn attribute(self) -> Option<&'static str> {
        match self {
            Theme::System => None,
            Theme::Light => Some("light"),
            Theme::Dark => Some("dark"),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Theme::System => "Theme: system",
            Theme::Light => "Theme: light",
            Theme::Dark => "Theme: dark",
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    let notices = Notices::new();
    let embed = permalink::is_embed(&browser::hash());
    let fragment = RwSignal::new(browser::hash());
    let listener = window_event_listener(ev::hashchange, move |_| fragment.set(browser::hash()));
    on_cleanup(move || listener.remove());

    let theme = RwSignal::new(Theme::load());
    Effect::new(move |_| {
        let t = theme.get();
        browser::set_theme_attribute(t.attribute());
        match t.attribute() {
            Some(a) => browser::save("wirelab.theme", a),
            None => browser::remove("wirelab.theme"),
        }
    });
    if embed && browser::in_frame() {
        browser::observe_height(browser::post_height);
    }

    let page = move || match route(&fragment.get(), notices) {
        Route::Home => view! { <home::Home /> }.into_any(),
        Route::Lab(location) => match location.lab.as_deref() {
            Some("tcp") => view! { <labs::tcp::TcpLab location=location notices=notices embed=embed /> }.into_any(),
            Some("jwt") => view! { <labs::jwt::JwtLab location=location notices=notices embed=embed /> }.into_any(),
            Some("dns") => view! { <labs::dns::DnsLab location=location notices=notices embed=embed /> }.into_any(),
            Some("ratelimit") => view! { <labs::ratelimit::RateLimitLab location=location notices=notices embed=embed /> }.into_any(),
            _ => view! { <p>"This lab is listed but not built yet."</p> }.into_any(),
        },
        Route::NotFound(id) => view! {
            <section class="not-found" data-testid="not-found">
                <h1>"No such lab"</h1>
                <p>{format!("There is no lab called “{id}”. ")}<a href="#/">"See the labs"</a></p>
            </section>
        }
        .into_any(),
    };
    view! {
        <div class="app" class:embed=embed>
            <a class="skip" href="#main" on:click=|ev| {
                ev.prevent_default();
                if let Some(main) = document().get_element_by_id("main") {
                    use wasm_bindgen::JsCast;
                    if let Ok(main) = main.dyn_into::<web_sys::HtmlElement>() { let _ = main.focus(); }
                }
            }>"Skip to content"</a>
            {(!embed).then(|| view! {
                <header class="site-header" data-testid="site-header">
                    <a class="brand" href="#/">"Wirelab"</a>
                    <nav aria-label="Site">
                        <a href="#/">"Labs"</a>
                    </nav>
                    <button class="theme" data-testid="theme" on:click=move |_| theme.update(|t| *t = t.next())
                        aria-label=move || format!("{}. Change theme", theme.get().label())>
                        {move || theme.get().label()}
                    </button>
                </header>
            })}
            <Banner notices=notices />
            <main id="main" tabindex="-1">{page}</main>
            {(!embed).then(|| view! {
                <footer class="site-footer">
                    <p>"Wirelab runs entirely in your browser: nothing you enter is sent anywhere. Works offline after the first visit."</p>
                </footer>
            })}
        </div>
    }
}
