//! The caching lab's page (`cache/`): the shell and the caching lab, nothing of the other labs.
use leptos::prelude::*;
use wirelab::labs::cache::CacheLab;

fn main() {
    console_error_panic_hook::set_once();
    wirelab::start(wirelab::Page::lab(&wirelab_core::labs::CACHE, |location, notices, embed| view! { <CacheLab location=location notices=notices embed=embed /> }.into_any()));
}
