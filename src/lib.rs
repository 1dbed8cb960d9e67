//! Wirelab's browser app: the shell (header, theme, notices, embed mode) around one page.
//!
//! The site is one small page per lab plus the home page, each its own wasm (see
//! `docs/site.md`): a binary in `src/bin/` names its page and calls [`start`], so a lab's page
//! links only that lab's code. Routing lives in the URL fragment (`#/tcp?…`), so the build
//! works from any sub-path of any static file server with no rewrite rules, and no scenario
//! ever reaches a server. A link that names another lab is sent to that lab's page by a small
//! script in every page (`index.html`) before any wasm loads.

pub mod browser;
pub mod components;
pub mod ext;
pub mod hash_worker;
pub mod home;
pub mod labs;
pub mod lazy_editor;

use components::banner::{Banner, Notices};
use leptos::ev;
use leptos::prelude::*;
use wirelab_core::labs::{LabInfo, LabName};
use wirelab_core::permalink::{self, Location};

/// Draws one lab at a location: `(location, notices, embed)`.
pub type MountLab = fn(Location, Notices, bool) -> AnyView;

/// What one page of the site shows.
#[derive(Clone, Copy)]
pub enum Page {
    /// The catalogue of labs (the site's root), which also says when a link names no lab. Only
    /// the home page's binary gives the function that draws it, so no lab's page links it.
    Home(fn() -> AnyView),
    /// One lab's page, in the folder named by its id.
    Lab { info: &'static LabInfo, mount: MountLab },
}

impl Page {
    /// The page of the lab `info` (its catalogue entry), drawn by `mount`.
    pub fn lab(info: &'static LabInfo, mount: MountLab) -> Page {
        Page::Lab { info, mount }
    }

    /// The relative address of the site's root (the home page) from this page.
    fn root(self) -> &'static str {
        match self {
            Page::Home(_) => "./",
            Page::Lab { .. } => "../",
        }
    }
}

/// Starts a page: the offline cache, then the shell around the page.
pub fn start(page: Page) {
    browser::register_service_worker(page.root());
    leptos::mount::mount_to_body(move || view! { <App page=page /> });
}

/// Which view a fragment asks of this page.
#[derive(Debug, Clone)]
enum Route {
    Home,
    /// This page's lab, drawn by its mount, at the location.
    Lab(MountLab, Location),
    /// A lab that has its own page elsewhere in the site; the page's script goes there.
    Elsewhere(&'static LabName, String),
    NotFound(String),
}

/// Reads a fragment into a route for `page`. A link too broken to parse still opens its lab (by
/// the name before `?`), with a notice saying what was wrong. On a lab's page an empty fragment
/// is that lab.
fn route(fragment: &str, page: Page, notices: Notices) -> Route {
    let mut location = match permalink::parse(fragment) {
        Ok(location) => location,
        Err(e) => {
            let lab = permalink::lab_name(fragment);
            if lab.as_deref().is_none_or(|id| wirelab_core::labs::named(id).is_some()) {
                notices.push(format!("{e} Showing the default scenario instead."));
            }
            Location { lab, ..Location::default() }
        }
    };
    if let (Page::Lab { info, .. }, None) = (page, &location.lab) {
        if fragment.trim_start_matches('#').is_empty() {
            location.lab = Some(info.id.to_string());
        }
    }
    match (page, location.lab.as_deref()) {
        (_, None) => Route::Home,
        (Page::Lab { info, mount }, Some(id)) if id == info.id => Route::Lab(mount, location),
        (_, Some(id)) => match wirelab_core::labs::named(id) {
            Some(other) => Route::Elsewhere(other, fragment.to_string()),
            None => Route::NotFound(id.chars().take(40).collect()),
        },
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

/// The shell around `page`: skip link, header, notices, the page, footer; in embed mode only
/// the notices and the page.
#[component]
pub fn App(page: Page) -> impl IntoView {
    let notices = Notices::new();
    ext::install(notices);
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

    let root = page.root();
    // A lab's page does not carry the home page's catalogue: asked for `#/`, its script goes
    // to the root, and the link below is there until it does.
    let home = move || match page {
        Page::Home(draw) => draw(),
        Page::Lab { .. } => view! { <p class="not-found"><a href=root>"See the labs"</a></p> }.into_any(),
    };
    let content = move || match route(&fragment.get(), page, notices) {
        Route::Home => home(),
        Route::Lab(mount, location) => mount(location, notices, embed),
        Route::Elsewhere(info, fragment) => {
            let href = format!("{root}{}/{fragment}", info.id);
            view! {
                <section class="not-found" data-testid="elsewhere">
                    <p><a href=href>{format!("Open {}", info.title)}</a></p>
                </section>
            }
            .into_any()
        }
        Route::NotFound(id) => view! {
            <section class="not-found" data-testid="not-found">
                <h1>"No such lab"</h1>
                <p>{format!("There is no lab called “{}”. ", wirelab_core::export::visible(&id))}<a href=root>"See the labs"</a></p>
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
                    <a class="brand" href=root>"Wirelab"</a>
                    <nav aria-label="Site">
                        <a href=root>"Labs"</a>
                    </nav>
                    <button class="theme" data-testid="theme" on:click=move |_| theme.update(|t| *t = t.next())
                        aria-label=move || format!("{}. Change theme", theme.get().label())>
                        {move || theme.get().label()}
                    </button>
                </header>
            })}
            <Banner notices=notices />
            <main id="main" tabindex="-1">{content}</main>
            {(!embed).then(|| view! {
                <footer class="site-footer">
                    <p>"Wirelab runs entirely in your browser: nothing you enter is sent anywhere. Works offline after the first visit."</p>
                </footer>
            })}
        </div>
    }
}
