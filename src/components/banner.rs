use leptos::prelude::*;

/// A message about something that went wrong outside the person's edit (a broken link, a
/// stored scenario that could not be read), and what was done instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub id: u32,
    pub text: String,
}

/// The notices the app shows, newest last.
#[derive(Debug, Clone, Copy)]
pub struct Notices(pub RwSignal<Vec<Notice>>);

impl Default for Notices {
    fn default() -> Self {
        Self::new()
    }
}

impl Notices {
    pub fn new() -> Notices {
        Notices(RwSignal::new(Vec::new()))
    }

    pub fn push(&self, text: impl Into<String>) {
        let text = text.into();
        self.0.update(|list| {
            if list.iter().any(|n| n.text == text) {
                return;
            }
            let id = list.iter().map(|n| n.id + 1).max().unwrap_or(0);
            list.push(Notice { id, text });
        });
    }
}

/// Shows the notices, each dismissible.
#[component]
pub fn Banner(notices: Notices) -> impl IntoView {
    view! {
        <div class="banners" role="status" aria-live="polite">
            <For each=move || notices.0.get() key=|n| n.id let:notice>
                <div class="banner" data-testid="banner">
                    // What a link carried is shown as text, its control and bidi characters escaped.
                    <p>{wirelab_core::export::visible(&notice.text)}</p>
                    <button aria-label="Dismiss this message" data-testid="banner-dismiss"
                        on:click=move |_| notices.0.update(|l| l.retain(|n| n.id != notice.id))>"✕"</button>
                </div>
            </For>
        </div>
    }
}
