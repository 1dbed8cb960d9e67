use leptos::prelude::*;
use wirelab_core::trace::Field;

/// Bytes shown at most; the rest of a long payload is summarised.
const SHOWN: usize = 512;

/// The field (index into `fields`) whose bytes include `offset`.
pub fn field_at(fields: &[Field], offset: usize) -> Option<usize> {
    fields.iter().position(|f| f.bytes.is_some_and(|r| r.contains(offset)))
}

/// A hex dump, 16 bytes a line with their ASCII, where the bytes of the focused field are
/// highlighted (and, for a compression pointer, the bytes it points to are outlined), and
/// pointing at a byte focuses its field.
///
/// - `bytes`: the message's bytes.
/// - `fields`: the fields, with the byte range each occupies.
/// - `focus`: the focused field, shared with the fields table.
#[component]
pub fn HexView(bytes: Vec<u8>, fields: Vec<Field>, focus: RwSignal<Option<usize>>) -> impl IntoView {
    let total = bytes.len();
    let shown = total.min(SHOWN);
    let ranges: Vec<_> = fields.iter().map(|f| f.bytes).collect();
    let ranges = StoredValue::new(ranges);
    // A compression pointer's field also marks the bytes it points to.
    let targets: Vec<_> = fields.iter().map(|f| f.points_to).collect();
    let targets = StoredValue::new(targets);
    let pointed = move |i: usize| {
        focus.get().and_then(|f| targets.with_value(|r| r.get(f).copied().flatten())).is_some_and(|r| r.contains(i))
    };
    let fields = StoredValue::new(fields);
    let highlighted = move |i: usize| {
        focus.get().and_then(|f| ranges.with_value(|r| r.get(f).copied().flatten())).is_some_and(|r| r.contains(i))
    };
    let lines = bytes[..shown]
        .chunks(16)
        .enumerate()
        .map(|(line, chunk)| {
            let base = line * 16;
            let hex = chunk
                .iter()
                .enumerate()
                .map(|(j, b)| {
                    let i = base + j;
                    view! {
                        <span
                            class="byte"
                            class:hl=move || highlighted(i)
                            class:target=move || pointed(i)
                            data-offset=i
                            on:mouseenter=move |_| focus.set(fields.with_value(|f| field_at(f, i)))
                        >
                            {format!("{b:02x}")}
                        </span>
                    }
                })
                .collect_view();
            let ascii = chunk
                .iter()
                .enumerate()
                .map(|(j, b)| {
                    let i = base + j;
                    let c = if (0x20..0x7f).contains(b) { *b as char } else { '.' };
                    view! { <span class="char" class:hl=move || highlighted(i) class:target=move || pointed(i)>{c.to_string()}</span> }
                })
                .collect_view();
            view! {
                <div class="hex-line">
                    <span class="offset">{format!("{base:04x}")}</span>
                    <span class="hex-bytes">{hex}</span>
                    <span class="hex-ascii" aria-hidden="true">{ascii}</span>
                </div>
            }
        })
        .collect_view();
    view! {
        <div class="hex" data-testid="hex" on:mouseleave=move |_| focus.set(None)
            role="group" aria-label=format!("{total} bytes in hexadecimal")>
            {lines}
            {(total > shown).then(|| view! { <p class="hex-more">{format!("… {} more bytes of data not shown", total - shown)}</p> })}
        </div>
    }
}
