use crate::browser;
use leptos::prelude::*;
use wirelab_core::export;
use wirelab_core::permalink::{LinkOptions, Unpacked};

/// One export button: what it is called and how to make the file.
#[derive(Clone)]
pub struct Export {
    /// Used in the button's test id: `export-<id>`.
    pub id: &'static str,
    pub label: &'static str,
    pub filename: String,
    pub mime: &'static str,
    /// The file's bytes (text exports as UTF-8).
    pub make: Callback<(), Vec<u8>>,
}

/// Share a link, copy embed code, and export what the lab shows.
///
/// - `fragment`: the link of the current view with the given options, before the browser
///   compresses it.
/// - `has_secrets`: whether this lab's scenario has secret fields (offers "include secrets").
/// - `title`: the lab's title, for the iframe's title.
/// - `exports`: the lab's export formats.
#[component]
pub fn SharePanel(fragment: Callback<LinkOptions, Unpacked>, has_secrets: bool, title: &'static str, exports: Vec<Export>) -> impl IntoView {
    let include_secrets = RwSignal::new(false);
    let plain = RwSignal::new(false);
    let output = RwSignal::new(None::<(String, String)>);
    let area = NodeRef::<leptos::html::Textarea>::new();
    let options = move |embed| LinkOptions { include_secrets: include_secrets.get(), plain: plain.get(), embed };
    // The text always appears in the box; the note then says whether the clipboard has it.
    // When it does not, the box gets the focus with its text selected, ready for Ctrl+C.
    let copy = move |what: &'static str, text: String| {
        output.set(Some((format!("Copying the {}…", what.to_ascii_lowercase()), text.clone())));
        leptos::task::spawn_local(async move {
            let note = match browser::copy_text(&text).await {
                Ok(()) => format!("{what} copied. It is also here to select:"),
                Err(reason) => {
                    request_animation_frame(move || {
                        if let Some(t) = area.get_untracked() {
                            let _ = t.focus();
                            t.select();
                        }
                    });
                    format!("Not copied: {reason}. The {} is selected below: press Ctrl+C (⌘C on a Mac) to copy it.", what.to_ascii_lowercase())
                }
            };
            // Only if this is still the text shown (a newer copy replaces it).
            if output.with_untracked(|o| o.as_ref().is_some_and(|(_, t)| *t == text)) {
                output.set(Some((note, text)));
            }
        });
    };
    // The link, or the embed code around it, once the browser has compressed the link.
    let share = move |embed: bool| {
        let unpacked = fragment.run(options(embed));
        leptos::task::spawn_local(async move {
            let f = unpacked.fragment(browser::deflated(&unpacked).await.as_deref());
            let link = browser::base_url() + &f;
            if embed {
                let code = format!(
                    "<iframe src=\"{}\" title=\"Wirelab: {}\" width=\"100%\" height=\"720\" style=\"border:0\" loading=\"lazy\"></iframe>",
                    export::xml_escape(&link),
                    export::xml_escape(title)
                );
                copy("Embed code", code);
            } else if wirelab_core::permalink::fits(&f) {
                copy("Link", link)
            } else {
                output.set(Some((
                    format!(
                        "This scenario is too large for a link: {} characters, and a link carries at most {}. Use “Export JSON” to keep it, or shorten the longest fields.",
                        f.len(),
                        wirelab_core::permalink::MAX_FRAGMENT_BYTES
                    ),
                    String::new(),
                )))
            }
        });
    };
    let copy_link = move |_| share(false);
    let copy_embed = move |_| share(true);
    let buttons = exports
        .into_iter()
        .map(|e| {
            let Export { id, label, filename, mime, make } = e;
            let save = move |_| {
                let body = make.run(());
                if browser::download(&filename, mime, &body).is_err() {
                    match String::from_utf8(body) {
                        Ok(text) => output.set(Some(("The download did not start; here is the text to copy:".into(), text))),
                        Err(_) => output.set(Some(("The download did not start, and this file is not text to copy. Try again, or allow downloads for this page.".into(), String::new()))),
                    }
                }
            };
            view! { <button data-testid=format!("export-{id}") on:click=save>{label}</button> }
        })
        .collect_view();
    view! {
        <section class="share" data-testid="share" aria-labelledby="share-title">
            <h2 id="share-title">"Share and export"</h2>
            <div class="share-options">
                {has_secrets.then(|| view! {
                    <label class="secrets">
                        <input type="checkbox" data-testid="include-secrets"
                            prop:checked=move || include_secrets.get()
                            on:change=move |ev| include_secrets.set(event_target_checked(&ev)) />
                        " Include secrets in the link"
                    </label>
                    <Show when=move || include_secrets.get()>
                        <p class="warning" role="alert">"Anyone with this link will see the secret values. Share it only with people who may know them."</p>
                    </Show>
                })}
                {(!has_secrets).then(|| view! { <p class="hint">"This lab has no secret inputs: a link carries the whole scenario."</p> })}
                <label>
                    <input type="checkbox" data-testid="plain-link"
                        prop:checked=move || plain.get()
                        on:change=move |ev| plain.set(event_target_checked(&ev)) />
                    " Readable link (uncompressed, for editing by hand)"
                </label>
            </div>
            <div class="buttons">
                <button data-testid="copy-link" on:click=copy_link>"Copy link"</button>
                <button data-testid="copy-embed" on:click=copy_embed>"Copy embed code"</button>
                {buttons}
            </div>
            {move || output.get().map(|(note, text)| view! {
                <label class="share-output">
                    <span data-testid="share-note" role="status">{note}</span>
                    <textarea readonly data-testid="share-output" rows="3" prop:value=text node_ref=area
                        on:focus=move |ev| {
                            use wasm_bindgen::JsCast;
                            if let Some(t) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok()) { t.select(); }
                        }></textarea>
                </label>
            })}
            <p class="hint">"Exports describe what the lab shows now, at the selected step."</p>
        </section>
    }
}
