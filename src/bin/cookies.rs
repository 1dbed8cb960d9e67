//! The cookies lab's page (`cookies/`): the shell and the cookies lab, nothing of the other labs.
use leptos::prelude::*;
use wirelab::labs::cookies::CookiesLab;

fn main() {
    console_error_panic_hook::set_once();
    wirelab::start(wirelab::Page::lab(&wirelab_core::labs::COOKIES, |location, notices, embed| view! { <CookiesLab location=location notices=notices embed=embed /> }.into_any()));
}
