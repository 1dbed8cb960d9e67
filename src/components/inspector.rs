use super::hex_view::HexView;
use leptos::prelude::*;
use wirelab_core::trace::{ActorState, StepKind, Trace};

/// Everything about the selected step: what it is and why, its fields, its bytes, each actor's
/// state before and after, and the spec sections that define it.
///
/// - `trace`: the lab's current trace.
/// - `current`: the selected step (0-based).
#[component]
pub fn Inspector(trace: Memo<Trace>, current: Signal<usize>) -> impl IntoView {
    let focus = RwSignal::new(None::<usize>);
    view! {
        <section class="inspector" id="inspector" data-testid="inspector" aria-labelledby="inspector-title">
            {move || {
                focus.set(None);
                let trace = trace.read();
                let i = current.get();
                let Some(step) = trace.steps.get(i) else {
                    return view! { <p id="inspector-title">"This scenario produced no steps."</p> }.into_any();
                };
                let who = match step.kind {
                    StepKind::Local => trace.actors[step.from].name.clone(),
                    StepKind::Message => format!("{} → {}", trace.actors[step.from].name, trace.actors[step.to].name),
                    StepKind::Lost => format!("{} → {} (lost)", trace.actors[step.from].name, trace.actors[step.to].name),
                };
                let timing = match step.arrives {
                    Some(t) => format!("sent {}, arrives {t}", step.at),
                    None => format!("at {}", step.at),
                };
                let fields = step.fields.clone();
                let rows = fields
                    .iter()
                    .enumerate()
                    .map(|(k, f)| {
                        let has_bytes = f.bytes.is_some();
                        let range = f.bytes.map(|r| if r.end - r.start == 1 { format!("byte {}", r.start) } else { format!("bytes {}–{}", r.start, r.end - 1) }).unwrap_or_default();
                        view! {
                            <tr
                                class:hl=move || focus.get() == Some(k)
                                data-testid="field"
                                tabindex=if has_bytes { "0" } else { "-1" }
                                on:mouseenter=move |_| focus.set(Some(k))
                                on:mouseleave=move |_| focus.set(None)
                                on:focus=move |_| focus.set(Some(k))
                                on:blur=move |_| focus.set(None)
                            >
                                <th scope="row">{f.name.clone()}</th>
                                <td class="mono">{f.value.clone()}</td>
                                <td class="note">{f.note.clone()}<span class="range">{range}</span></td>
                            </tr>
                        }
                    })
                    .collect_view();
                let states = step
                    .states
                    .iter()
                    .map(|c| {
                        let changed = c.changed();
                        view! {
                            <tr class:changed=changed>
                                <th scope="row">{trace.actors[c.actor].name.clone()}</th>
                                <td>{state_view(&c.before)}</td>
                                <td aria-hidden="true">"→"</td>
                                <td>{state_view(&c.after)}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                let specs = step
                    .spec
                    .iter()
                    .map(|r| {
                        view! {
                            <li>
                                <a href=r.url.clone() target="_blank" rel="noopener noreferrer">
                                    {if r.section.is_empty() { r.document.clone() } else { format!("{} §{}", r.document, r.section) }}
                                </a>
                                {format!(" {}", r.title)}
                            </li>
                        }
                    })
                    .collect_view();
                let has_bytes = !step.bytes.is_empty();
                view! {
                    <h2 id="inspector-title">
                        <span class="step-number">{format!("Step {} of {}", i + 1, trace.steps.len())}</span>
                        " "
                        {step.label.clone()}
                    </h2>
                    <p class="who">{who}" · "{timing}</p>
                    <p class="explanation" data-testid="explanation">{step.explanation.clone()}</p>
                    <ul class="specs" aria-label="Specification">{specs}</ul>
                    {(!step.states.is_empty()).then(|| view! {
                        <h3>"State"</h3>
                        <table class="states" data-testid="states">
                            <thead><tr><th scope="col">"Actor"</th><th scope="col">"Before"</th><th></th><th scope="col">"After"</th></tr></thead>
                            <tbody>{states}</tbody>
                        </table>
                    })}
                    {(!fields.is_empty()).then(|| view! {
                        <h3>"Fields"</h3>
                        <table class="fields" data-testid="fields">
                            <thead><tr><th scope="col">"Field"</th><th scope="col">"Value"</th><th scope="col">"Meaning"</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    })}
                    {has_bytes.then(|| view! {
                        <h3>"Bytes"<span class="bytes-label">{format!(" · {}", step.bytes_label)}</span></h3>
                        <p class="hint">"Point at a field or a byte to see which bytes encode it."</p>
                        <HexView bytes=step.bytes.clone() fields=fields.clone() focus=focus />
                    })}
                }
                .into_any()
            }}
        </section>
    }
}

fn state_view(state: &ActorState) -> impl IntoView {
    let vars = state
        .vars
        .iter()
        .map(|v| view! { <li><span class="var-name">{v.name.clone()}</span>" "{v.value.clone()}</li> })
        .collect_view();
    view! {
        <span class="state-name">{state.name.clone()}</span>
        <ul class="vars">{vars}</ul>
    }
}
