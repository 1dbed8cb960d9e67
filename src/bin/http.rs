//! The HTTP lab's page (`http/`): the shell and the HTTP lab, nothing of the other labs.
use leptos::prelude::*;
use wirelab::labs::http::HttpLab;

fn main() {
    console_error_panic_hook::set_once();
    wirelab::start(wirelab::Page::lab(&wirelab_core::labs::HTTP, |location, notices, embed| view! { <HttpLab location=location notices=notices embed=embed /> }.into_any()));
}
