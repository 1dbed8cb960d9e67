use leptos::prelude::*;

/// A message about something that went wrong outside the person's edit (a broken link, a
/// stored scenario that could not be read), and what was done instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub id: u32,
    pub text: String,
    /// Dismissed notices keep their place, so the others keep theirs and are not announced again.
    pub dismissed: bool,
}

/// The notices the app has shown, newest last.
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
            if list.iter().any(|n| !n.dismissed && n.text == text) {
                return;
            }
            let id = list.iter().map(|n| n.id + 1).max().unwrap_or(0);
            list.push(Notice { id, text, dismissed: false });
        });
    }

    pub fn dismiss(&self, id: u32) {
        self.0.update(|list| list.iter_mut().filter(|n| n.id == id).for_each(|n| n.dismissed = true));
    }
}

/// Shows the notices, each dismissible.
///
/// A plain list, redrawn in place by position: a notice only ever joins at the end, and a
/// dismissed one leaves an empty place, so the others keep their elements and the live region
/// announces only what is new. (Leptos's keyed `For` did the same for 4 kB more gzip on every
/// page.)
#[component]
pub fn Banner(notices: Notices) -> impl IntoView {
    let list = move || {
        notices.0.with(|list| {
            list.iter()
                .map(|notice| {
                    let id = notice.id;
                    (!notice.dismissed).then(|| view! {
                        <div class="banner" data-testid="banner">
                            // What a link carried is shown as text, its control and bidi characters escaped.
                            <p>{wirelab_core::export::visible(&notice.text)}</p>
                            <button aria-label="Dismiss this message" data-testid="banner-dismiss" on:click=move |_| notices.dismiss(id)>"✕"</button>
                        </div>
                    })
                })
                .collect_view()
        })
    };
    view! {
        <div class="banners" role="status" aria-live="polite">
            {list}
        </div>
    }
}
