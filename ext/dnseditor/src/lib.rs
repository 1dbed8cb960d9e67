//! The DNS lab's editor as its own wasm (`wirelab::lazy_editor`): the lab's page fetches it
//! the first time the person opens "Edit the scenario", and mounts it there.

use wasm_bindgen::prelude::*;

/// The editor, mounted.
#[wasm_bindgen]
pub struct Editor(wirelab::lazy_editor::Served);

#[wasm_bindgen]
impl Editor {
    /// Shows `scenario` (JSON), replacing what was typed.
    pub fn show(&self, scenario: &str) -> Result<(), String> {
        self.0.show(scenario)
    }
}

/// Mounts the editor in `parent`, showing `scenario` (JSON). `on_scenario` is called with each
/// valid scenario typed (JSON), `on_problems` with the number of fields needing attention.
#[wasm_bindgen]
pub fn open(parent: web_sys::HtmlElement, scenario: &str, on_scenario: js_sys::Function, on_problems: js_sys::Function) -> Result<Editor, String> {
    wirelab::labs::dns::editor::open(parent, scenario, on_scenario, on_problems).map(Editor)
}
