use leptos::prelude::*;
use wirelab_core::labs::LABS;

/// Draws the home page (what the home page's binary gives [`crate::Page::Home`]).
pub fn draw() -> AnyView {
    view! { <Home /> }.into_any()
}

/// The home page (the site's root): every finished lab, with what it teaches. Each lab's page
/// is the folder named by its id.
#[component]
pub fn Home() -> impl IntoView {
    view! {
        <section class="home" data-testid="home">
            <h1>"Watch the internet's plumbing work"</h1>
            <p class="lede">
                "Each lab runs a protocol step by step with real bytes, explains every step with its RFC, and lets you change the inputs and share exactly what you see."
            </p>
            <ul class="lab-cards">
                {LABS.iter().map(|lab| view! {
                    <li class="lab-card" data-testid="lab-card">
                        <h2><a href=format!("{}/", lab.id) data-testid=format!("open-{}", lab.id)>{lab.title}</a></h2>
                        <p>{lab.teaser}</p>
                        <h3>"You will learn"</h3>
                        <ul>{lab.learn.iter().map(|l| view! { <li>{*l}</li> }).collect_view()}</ul>
                        <p class="rfcs">{lab.rfcs.join(" · ")}</p>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
