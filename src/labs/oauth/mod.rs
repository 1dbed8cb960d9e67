//! The OAuth lab's page: its editor around the shared lab page.

mod editor;

use super::{lab_page, LabSession};
use crate::components::banner::Notices;
use editor::OAuthEditor;
use leptos::prelude::*;
use wirelab_core::labs;
use wirelab_core::oauth::{self, OAuthScenario};
use wirelab_core::permalink::Location;

/// The OAuth lab, opened at `location`.
#[component]
pub fn OAuthLab(location: Location, notices: Notices, embed: bool) -> impl IntoView {
    let session = LabSession::<OAuthScenario>::new(&location, notices, embed, oauth::run);
    let Some(info) = labs::find("oauth") else {
        return view! { <p>"The OAuth lab is missing from the catalogue."</p> }.into_any();
    };
    let editor = view! {
        <OAuthEditor session=session />
        <div class="simplified" data-testid="simplified">
            <p>"Simplified: Alice's password is always right, the authorization server's session starts fresh, and the attacker's own sign-in is drawn on one lane. The keys are published demonstration keys. Tokens, signatures, PKCE hashes and every HTTP message are real."</p>
        </div>
    }
    .into_any();
    lab_page(info, session, session.trace, editor, None, Vec::new()).into_any()
}
