//! The TCP lab's page (`tcp/`): the shell and the TCP lab, nothing of the other labs.
use leptos::prelude::*;
use wirelab::labs::tcp::TcpLab;

fn main() {
    console_error_panic_hook::set_once();
    wirelab::start(wirelab::Page::lab(&wirelab_core::labs::TCP, |location, notices, embed| view! { <TcpLab location=location notices=notices embed=embed /> }.into_any()));
}
