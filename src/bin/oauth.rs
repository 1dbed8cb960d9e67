//! The OAuth lab's page (`oauth/`): the shell and the OAuth lab, nothing of the other labs.
use leptos::prelude::*;
use wirelab::labs::oauth::OAuthLab;

fn main() {
    console_error_panic_hook::set_once();
    wirelab::start(wirelab::Page::lab(&wirelab_core::labs::OAUTH, |location, notices, embed| view! { <OAuthLab location=location notices=notices embed=embed /> }.into_any()));
}
