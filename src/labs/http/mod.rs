//! The HTTP lab's page: its editor around the shared lab page.

mod editor;
mod waterfall;

use super::{lab_page, LabSession};
use crate::components::banner::Notices;
use editor::HttpEditor;
use waterfall::WaterfallPanel;
use leptos::prelude::*;
use wirelab_core::http::run::run;
use wirelab_core::http::scenario::HttpScenario;
use wirelab_core::labs;
use wirelab_core::permalink::Location;

/// The HTTP lab, opened at `location`.
#[component]
pub fn HttpLab(location: Location, notices: Notices, embed: bool) -> impl IntoView {
    let session = LabSession::<HttpScenario>::new(&location, notices, embed, run);
    let info = &labs::HTTP;
    let editor = view! { <HttpEditor session=session /> }.into_any();
    let panel = view! { <WaterfallPanel session=session /> }.into_any();
    lab_page(info, session, session.trace, editor, Some(panel), Vec::new()).into_any()
}
