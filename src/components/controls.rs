use leptos::prelude::*;

/// Playback speeds offered, in steps per second, with their text (no float formatting in the
/// wasm, nor a float parser).
pub const SPEEDS: [(f64, &str); 4] = [(0.5, "0.5"), (1.0, "1"), (2.0, "2"), (4.0, "4")];

/// First, previous, play/pause, next, last, a speed choice and a scrubber.
/// Keyboard shortcuts (Left/Right, Space, Home/End) are handled by the lab page.
///
/// - `len`: number of steps.
/// - `current`: the selected step (0-based).
/// - `on_select`: called with the step to show.
/// - `playing`, `speed`: playback state, owned by the lab page.
#[component]
pub fn StepControls(
    len: Signal<usize>,
    current: Signal<usize>,
    on_select: Callback<usize>,
    playing: RwSignal<bool>,
    speed: RwSignal<f64>,
) -> impl IntoView {
    let last = move || len.get().saturating_sub(1);
    let at_start = move || current.get() == 0;
    let at_end = move || current.get() >= last();
    view! {
        <div class="controls" data-testid="controls" role="toolbar" aria-label="Step controls">
            <button data-testid="first" aria-label="First step (Home)" title="First step (Home)" disabled=at_start on:click=move |_| on_select.run(0)>{icon("M4 3h2v10H4zM13 3v10L6 8z")}</button>
            <button data-testid="prev" aria-label="Previous step (Left arrow)" title="Previous step (←)" disabled=at_start
                on:click=move |_| on_select.run(current.get().saturating_sub(1))>{icon("M12 3v10L4 8z")}</button>
            <button data-testid="play" class="play"
                aria-label=move || if playing.get() { "Pause (Space)" } else { "Play (Space)" }
                aria-pressed=move || playing.get().to_string()
                on:click=move |_| {
                    if !playing.get() && at_end() { on_select.run(0); }
                    playing.update(|p| *p = !*p);
                }>
                {move || if playing.get() {
                    view! { {icon("M4 3h3v10H4zM9 3h3v10H9z")}" Pause" }.into_any()
                } else {
                    view! { {icon("M4 3v10l8-5z")}" Play" }.into_any()
                }}
            </button>
            <button data-testid="next" aria-label="Next step (Right arrow)" title="Next step (→)" disabled=at_end
                on:click=move |_| on_select.run((current.get() + 1).min(last()))>{icon("M4 3v10l8-5z")}</button>
            <button data-testid="last" aria-label="Last step (End)" title="Last step (End)" disabled=at_end on:click=move |_| on_select.run(last())>{icon("M10 3h2v10h-2zM3 3v10l7-5z")}</button>
            <label class="speed">
                "Speed "
                <select data-testid="speed" on:change=move |ev| {
                    let value = event_target_value(&ev);
                    if let Some((v, _)) = SPEEDS.iter().find(|(_, text)| *text == value) { speed.set(*v); }
                }>
                    {SPEEDS.iter().map(|&(v, text)| view! {
                        <option value=text selected=move || speed.get() == v>{format!("{text}×")}</option>
                    }).collect_view()}
                </select>
            </label>
            <input type="range" class="scrubber" data-testid="scrubber" aria-label="Step"
                min="1" max=move || len.get().max(1).to_string()
                prop:value=move || (current.get() + 1).to_string()
                aria-valuetext=move || format!("Step {} of {}", current.get() + 1, len.get())
                on:input=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse::<usize>() { on_select.run(v.saturating_sub(1)); }
                } />
            <span class="position" data-testid="position" aria-live="polite">{move || format!("{} / {}", current.get() + 1, len.get())}</span>
        </div>
    }
}

/// A 16×16 icon drawn from one path, so no font needs the glyph.
fn icon(d: &'static str) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
            <path d=d fill="currentColor" />
        </svg>
    }
}

/// The selected step's label and explanation in a few lines, beside the step controls. Shown
/// only on screens too narrow for the inspector to sit beside the diagram (style/main.css), so
/// that what a tapped step means is on screen with it; the link goes to the whole inspector.
///
/// - `trace`: the run; `current`: the selected step's index.
#[component]
pub fn StepCaption(trace: Memo<wirelab_core::trace::Trace>, current: Signal<usize>) -> impl IntoView {
    let caption = move || {
        trace.with(|t| t.steps.get(current.get()).map(|s| (format!("{}. {}", current.get() + 1, s.label), s.explanation.clone())))
    };
    view! {
        <p class="step-caption" data-testid="step-caption">
            {move || caption().map(|(label, explanation)| view! {
                <strong>{label}</strong>" "{explanation}
            })}
            " "<a href="#inspector" class="step-caption-more" on:click=|ev| {
                ev.prevent_default();
                if let Some(el) = document().get_element_by_id("inspector") {
                    el.scroll_into_view();
                }
            }>"Details ↓"</a>
        </p>
    }
}
