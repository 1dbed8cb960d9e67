//! The OAuth lab's page: its editor around the shared lab page, and what each person's screen
//! shows at the selected step.

mod editor;

use super::{lab_page, LabOutput, LabSession};
use crate::components::banner::Notices;
use editor::OAuthEditor;
use leptos::prelude::*;
use wirelab_core::labs;
use wirelab_core::oauth::{self, OAuthRun, OAuthScenario};
use wirelab_core::permalink::Location;
use wirelab_core::trace::Trace;

impl LabOutput for OAuthRun {
    fn steps(&self) -> usize {
        self.trace.steps.len()
    }
}

/// The OAuth lab, opened at `location`.
#[component]
pub fn OAuthLab(location: Location, notices: Notices, embed: bool) -> impl IntoView {
    let session = LabSession::<OAuthScenario, OAuthRun>::new(&location, notices, embed, oauth::run_with_screens);
    let info = &labs::OAUTH;
    let trace: Memo<Trace> = Memo::new_with_compare(move |_| session.trace.with(|r| r.trace.clone()), |_, _| true);
    let editor = view! {
        <OAuthEditor session=session />
        <div class="simplified" data-testid="simplified">
            <p>"Simplified: Alice's password is always right, the authorization server's session starts fresh, and the attacker's own sign-in is drawn on one lane. The keys are published demonstration keys. Tokens, signatures, PKCE hashes and every HTTP message are real."</p>
        </div>
    }
    .into_any();
    let screen = view! { <ScreenView session=session /> }.into_any();
    lab_page(info, session, trace, editor, Some(screen), Vec::new()).into_any()
}

/// The page (or the TV's display) a person sees at the selected step, drawn from what the run
/// recorded: the sign-in and consent pages, errors, the signed-in app.
///
/// - `session`: the lab's session.
#[component]
fn ScreenView(session: LabSession<OAuthScenario, OAuthRun>) -> impl IntoView {
    let shown = move || session.trace.with(|r| r.screen_at(session.current.get()).cloned());
    view! {
        <section class="screen-panel" aria-labelledby="oauth-screen-title" data-testid="screen">
            <h2 id="oauth-screen-title">{move || shown().map(|s| format!("What {} shows", s.whose)).unwrap_or_else(|| "What the person sees".into())}</h2>
            {move || match shown() {
                None => view! { <p class="help">"Nothing on screen yet: step forward to the first page."</p> }.into_any(),
                Some(s) => view! {
                    <div class="mock-window" class:error=s.error>
                        {(!s.address.is_empty()).then(|| view! { <div class="mock-address" data-testid="screen-address">{s.address.clone()}</div> })}
                        <div class="mock-page">
                            <h3 data-testid="screen-title">{s.title.clone()}</h3>
                            <ul class="mock-lines">{s.lines.iter().map(|l| view! { <li>{l.clone()}</li> }).collect_view()}</ul>
                            {s.inputs.iter().map(|i| view! { <div class="mock-input">{i.clone()}</div> }).collect_view()}
                            {(!s.buttons.is_empty()).then(|| view! {
                                <p class="mock-buttons">{s.buttons.iter().map(|b| view! { <span class="mock-button">{b.clone()}</span> }).collect_view()}</p>
                            })}
                        </div>
                    </div>
                }
                .into_any(),
            }}
        </section>
    }
}
