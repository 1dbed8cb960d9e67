//! The TLS lab's page (`tls/`): the shell and the TLS lab, nothing of the other labs.
use leptos::prelude::*;
use wirelab::labs::tls::TlsLab;

fn main() {
    console_error_panic_hook::set_once();
    wirelab::start(wirelab::Page::lab(&wirelab_core::labs::TLS, |location, notices, embed| view! { <TlsLab location=location notices=notices embed=embed /> }.into_any()));
}
