use leptos::prelude::*;
use wirelab_core::diagram::{self, Px, ROW};
use wirelab_core::trace::{StepKind, Trace};

/// The sequence diagram: a lane per actor, an arrow per message, the time of each step at the
/// left. Clicking a row (or Enter/Space on it) selects that step; Up/Down move between rows.
///
/// - `trace`: the lab's current trace.
/// - `current`: the selected step (0-based).
/// - `on_select`: called with the step a person picks.
#[component]
pub fn Timeline(trace: Memo<Trace>, current: Signal<usize>, on_select: Callback<usize>) -> impl IntoView {
    // Keep the selected row in view inside the diagram's own scroll area as steps change,
    // without ever scrolling the page.
    let container = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        let i = current.get();
        let Some(box_) = container.get() else { return };
        request_animation_frame(move || {
            let scale = box_.client_width() as f64 / diagram::WIDTH.max(1.0);
            let scale = if scale > 1.0 || scale <= 0.0 { 1.0 } else { scale.max(540.0 / diagram::WIDTH) };
            let top = (diagram::HEADER + i as f64 * ROW) * scale;
            let bottom = top + ROW * scale;
            let view_top = box_.scroll_top() as f64;
            let view_bottom = view_top + box_.client_height() as f64;
            if top < view_top + diagram::HEADER * scale {
                box_.set_scroll_top((top - diagram::HEADER * scale).max(0.0) as i32);
            } else if bottom > view_bottom {
                box_.set_scroll_top((bottom - box_.client_height() as f64) as i32);
            }
        });
    });
    let on_key = move |ev: web_sys::KeyboardEvent, i: usize, len: usize| match ev.key().as_str() {
        // Enter selects the row. Space selects a row that is not yet selected; on the selected
        // row (where arrow keys leave the focus) it goes on to the page, where it plays and
        // pauses, as everywhere else.
        "Enter" => {
            ev.prevent_default();
            ev.stop_propagation();
            on_select.run(i);
        }
        " " if current.get_untracked() != i => {
            ev.prevent_default();
            ev.stop_propagation();
            on_select.run(i);
        }
        "ArrowDown" if i + 1 < len => {
            ev.prevent_default();
            on_select.run(i + 1);
            focus_row(i + 1);
        }
        "ArrowUp" if i > 0 => {
            ev.prevent_default();
            on_select.run(i - 1);
            focus_row(i - 1);
        }
        _ => {}
    };
    view! {
        <div class="timeline" data-testid="timeline" node_ref=container>
            <p class="scroll-hint" data-testid="scroll-hint">"The diagram is wider than this screen: swipe or scroll it sideways for every lane →"</p>
            {move || {
                let trace = trace.read();
                let layout = diagram::layout(&trace);
                let p = |v: f64| Px(v).to_string();
                let len = layout.rows.len();
                let height = layout.height;
                let lanes = layout
                    .lanes
                    .iter()
                    .map(|lane| {
                        let x = lane.x;
                        view! {
                            <g class="lane">
                                <text x=p(x) y="20" text-anchor="middle" class="lane-name">{lane.name.clone()}</text>
                                <text x=p(x) y="36" text-anchor="middle" class="lane-detail">{lane.detail.clone()}</text>
                                <line x1=p(x) y1="44" x2=p(x) y2=p(height - 8.0) class="lane-line" />
                            </g>
                        }
                    })
                    .collect_view();
                let rows = layout
                    .rows
                    .into_iter()
                    .map(|row| {
                        let i = row.index;
                        let step = &trace.steps[i];
                        // The row's name is its visible text (time and label); who and where
                        // in the run go in its description.
                        let description = format!(
                            "{}, step {} of {len}",
                            match step.kind {
                                StepKind::Message => format!("{} to {}", trace.actors[step.from].name, trace.actors[step.to].name),
                                StepKind::Lost => format!("{} to {}, lost", trace.actors[step.from].name, trace.actors[step.to].name),
                                StepKind::Local => trace.actors[step.from].name.clone(),
                            },
                            i + 1,
                        );
                        let desc_id = format!("step-desc-{i}");
                        let described_by = desc_id.clone();
                        let shape = match row.kind {
                            StepKind::Message => view! {
                                <line x1=p(row.x1) y1=p(row.y1) x2=p(row.x2) y2=p(row.y2) class="arrow" marker-end="url(#wl-arrow)" />
                            }
                            .into_any(),
                            StepKind::Lost => view! {
                                <g class="lost">
                                    <line x1=p(row.x1) y1=p(row.y1) x2=p(row.x2) y2=p(row.y2) class="arrow lost-line" />
                                    <text x=p(row.x2) y=p(row.y2 + 5.0) text-anchor="middle" class="lost-mark">"✕"</text>
                                </g>
                            }
                            .into_any(),
                            StepKind::Local => view! { <circle cx=p(row.x1) cy=p(row.y1) r="5" class="local-dot" /> }.into_any(),
                        };
                        let anchor = match row.kind {
                            StepKind::Local if row.label_x < row.x1 => "end",
                            StepKind::Local => "start",
                            _ => "middle",
                        };
                        view! {
                            <g
                                class="row"
                                class:current=move || current.get() == i
                                class:state-change=row.changes_state
                                data-testid="step"
                                data-step=i
                                role="button"
                                tabindex=move || if current.get() == i { "0" } else { "-1" }
                                aria-describedby=described_by
                                aria-current=move || if current.get() == i { Some("step") } else { None }
                                on:click=move |_| on_select.run(i)
                                on:keydown=move |ev| on_key(ev, i, len)
                            >
                                <desc id=desc_id>{description}</desc>
                                <rect x="0" y=p(row.top) width=p(diagram::WIDTH) height=p(ROW) class="row-band" />
                                <text x="8" y=p(row.y1 + 4.0) class="row-time">{row.time}</text>
                                {shape}
                                <text x=p(row.label_x) y=p(row.label_y) text-anchor=anchor class="row-label">{row.label}</text>
                            </g>
                        }
                    })
                    .collect_view();
                view! {
                    <svg
                        class="timeline-svg"
                        viewBox=format!("0 0 {} {}", Px(diagram::WIDTH), Px(height))
                        width=p(diagram::WIDTH)
                        height=p(height)
                        role="group"
                        aria-label="Sequence diagram: one row per step"
                    >
                        <defs>
                            <marker id="wl-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                                <path d="M0,0 L10,5 L0,10 z" class="arrow-head" />
                            </marker>
                        </defs>
                        {lanes}
                        {rows}
                    </svg>
                }
            }}
            <p class="timeline-legend">
                "Rows follow time in order, not to scale; each row shows when it starts. A sloped arrow is a message in flight, ✕ a lost one, a dot an event inside one side."
                {move || trace.with(|t| (t.lab == "tcp").then_some(" Sequence numbers are relative, counted from each side's ISN."))}
            </p>
        </div>
    }
}

fn focus_row(i: usize) {
    request_animation_frame(move || {
        let selector = format!("[data-testid=step][data-step=\"{i}\"]");
        if let Some(el) = document().query_selector(&selector).ok().flatten() {
            use wasm_bindgen::JsCast;
            if let Ok(el) = el.dyn_into::<web_sys::SvgElement>() {
                let _ = el.focus();
            }
        }
    });
}
