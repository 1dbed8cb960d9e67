use leptos::prelude::*;

/// The built-in scenario picker.
///
/// - `id`: the select's element id.
/// - `presets`: (id, title) of each built-in scenario, in order.
/// - `on_pick`: called with the chosen preset's id.
#[component]
pub fn PresetPicker(id: &'static str, presets: Vec<(&'static str, &'static str)>, on_pick: Callback<String>) -> impl IntoView {
    view! {
        <div class="field preset">
            <label for=id>"Built-in scenario"</label>
            <select id=id data-testid="preset" on:change=move |ev| on_pick.run(event_target_value(&ev))>
                <option value="" selected>"Choose one…"</option>
                {presets.into_iter().map(|(value, title)| view! { <option value=value>{title}</option> }).collect_view()}
            </select>
        </div>
    }
}
