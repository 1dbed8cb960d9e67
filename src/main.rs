//! The home page: the catalogue of labs. It links no lab's code.
fn main() {
    console_error_panic_hook::set_once();
    wirelab::start(wirelab::Page::Home(wirelab::home::draw));
}
