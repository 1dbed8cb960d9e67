//! The DNS lab's page: its editor, the shared trace page, and a panel of the caches over time.

pub mod bench;
pub mod editor;

use super::{lab_page, LabOutput, LabSession};
use crate::components::banner::Notices;
use crate::components::preset::PresetPicker;
use crate::components::share::Export;
use crate::lazy_editor::LazyEditor;
use leptos::prelude::*;
use wirelab_core::dns::resolve::{clock, CacheView, DnsRun, BROWSER, RESOLVER, STUB};
use wirelab_core::dns::scenario::{self, presets, Attack, DnsScenario, LookupSpec};
use wirelab_core::labs;
use wirelab_core::permalink::Location;
use wirelab_core::trace::{SimTime, Trace};

impl LabOutput for DnsRun {
    fn steps(&self) -> usize {
        self.trace.steps.len()
    }
}

/// The DNS lab, opened at `location`.
#[component]
pub fn DnsLab(location: Location, notices: Notices, embed: bool) -> impl IntoView {
    let session = LabSession::<DnsScenario, DnsRun>::new(&location, notices, embed, scenario::run);
    let info = &labs::DNS;
    let trace: Memo<Trace> = Memo::new_with_compare(move |_| session.trace.with(|r| r.trace.clone()), |_, _| true);
    let load_preset = Callback::new(move |id: String| {
        if let Some((_, _, s)) = presets().into_iter().find(|p| p.0 == id) {
            session.load(s);
            session.step.set(0);
        }
    });
    let summary = move || {
        let s = session.scenario.read();
        let first = s.lookups.first().map(|l| format!("{} {}", l.qtype, l.name)).unwrap_or_default();
        let more = if s.lookups.len() > 1 { format!(" and {} more", s.lookups.len() - 1) } else { String::new() };
        let zones = if s.zones.is_empty() { "example zones".to_string() } else { format!("{} zone(s) edited", s.zones.len()) };
        let attack = match s.attack { Attack::None => "", Attack::Guessable => " · attacker vs guessable IDs", Attack::Random => " · attacker vs random IDs" };
        let dnssec = if s.dnssec { " · DNSSEC" } else { "" };
        format!("{first}{more} · {} ms to the resolver; {}/{}/{} ms to root/TLD/authoritative · {zones}{attack}{dnssec}", s.lan_ms, s.root_ms, s.tld_ms, s.auth_ms)
    };
    let simplified = move || {
        let (attack, dnssec) = session.scenario.with(|s| (s.attack != Attack::None, s.dnssec));
        (attack || dnssec).then(|| view! {
            <div class="simplified" data-testid="simplified">
                {attack.then(|| view! { <p>"Simplified: a model of the race between a forged answer and the real one. The forged packets are real DNS messages, but their timing is chosen, and a real attacker sends thousands of guesses while triggering the query itself."</p> })}
                {dnssec.then(|| view! { <p>"Simplified DNSSEC: the signatures, keys and digests are real (Ed25519 and SHA-256, checked against dnspython), but each zone has one key that signs everything (no KSK/ZSK split), the keys are derived from the zone names for the demonstration, and proofs of non-existence (NSEC) are not shown."</p> })}
            </div>
        })
    };
    let editor = view! {
        <PresetPicker id="dns-preset" presets=presets().into_iter().map(|(id, title, _)| (id, title)).collect() on_pick=load_preset />
        <LazyEditor ext="dnseditor" title="Edit the scenario" summary=Signal::derive(summary) scenario=session.scenario />
        {simplified}
    }
    .into_any();
    let caches = view! { <Caches session=session /> }.into_any();
    // Every packet that crossed a network, for Wireshark.
    let pcap = Export {
        id: "pcap",
        label: "Export pcap",
        filename: "wirelab-dns.pcap".into(),
        mime: "application/vnd.tcpdump.pcap",
        make: Callback::new(move |()| session.trace.with_untracked(|r| r.capture())),
    };
    lab_page(info, session, trace, editor, Some(caches), vec![pcap]).into_any()
}

fn cache_name(lane: usize) -> &'static str {
    match lane {
        BROWSER => "Browser cache",
        STUB => "OS stub cache",
        _ => "Recursive resolver cache",
    }
}

fn short(text: &str) -> String {
    if text.chars().count() > 48 {
        text.chars().take(46).collect::<String>() + "…"
    } else {
        text.to_string()
    }
}

/// The three caches at a moment the person picks: each entry's TTL counting down, entries
/// expiring, and a button to look the name up again at that moment.
///
/// - `session`: the lab's session.
#[component]
fn Caches(session: LabSession<DnsScenario, DnsRun>) -> impl IntoView {
    let run = session.trace;
    // The clock, in microseconds; it follows the selected step until the person moves it.
    // While it follows a step, the caches are as that step leaves them: an entry that a later
    // step stores at the same moment is not shown yet.
    let now = RwSignal::new(0u64);
    let following = RwSignal::new(true);
    Effect::new(move |_| {
        let i = session.current.get();
        let t = run.with_untracked(|r| r.trace.steps.get(i).map(|s| s.arrives.unwrap_or(s.at).micros()).unwrap_or(0));
        now.set(t);
        following.set(true);
    });
    // The slider reaches past the last step by the longest TTL cached (at most two days).
    let horizon_s = Memo::new(move |_| {
        run.with(|r| {
            let last = r.cache_log.iter().map(|e| e.expires.micros()).max().unwrap_or(0).min(r.end().micros() + 2 * 86_400_000_000);
            (last.max(r.end().micros()) / 1_000_000) + 1
        })
    });
    let views = Memo::new(move |_| {
        let step = following.get().then(|| session.current.get());
        run.with(|r| r.caches_at(SimTime(now.get()), step))
    });
    let seconds = move || now.get() / 1_000_000;
    let set_seconds = move |s: u64| {
        following.set(false);
        now.set(s.min(horizon_s.get_untracked()) * 1_000_000);
    };
    let shift = move |by: i64| set_seconds((seconds() as i64 + by).max(0) as u64);
    let table = move |lane: usize| {
        let rows = move || {
            let list: Vec<CacheView> = views.with(|v| v.iter().filter(|c| c.cache == lane).cloned().collect());
            if list.is_empty() {
                return view! { <p class="cache-empty">"empty"</p> }.into_any();
            }
            let rows = list
                .into_iter()
                .map(|c| {
                    let pct = (c.left_s * 100).checked_div(c.ttl_s).unwrap_or(0).min(100);
                    view! {
                        <tr data-testid="cache-entry">
                            <td>{c.name.clone()}" "{c.rtype.clone()}</td>
                            <td>{short(&c.what)}</td>
                            <td>{format!("{} s left", c.left_s)}
                                <span class="ttl-bar" role="img" aria-label=format!("{} of {} seconds left", c.left_s, c.ttl_s)><span style=format!("width:{pct}%")></span></span>
                            </td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <table>
                    <thead><tr><th scope="col">"Name"</th><th scope="col">"Holds"</th><th scope="col">"TTL"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any()
        };
        view! {
            <div data-testid=format!("cache-{lane}")>
                <h3>{cache_name(lane)}</h3>
                {rows}
            </div>
        }
    };
    // Why the last "look up again" added nothing, shown beside the button.
    let refused = RwSignal::new(None::<String>);
    let look_again = move |_| {
        let s = seconds();
        let mut next = session.scenario.get_untracked();
        let Some(first) = next.lookups.first().cloned() else { return };
        if next.lookups.len() >= scenario::limits::LOOKUPS {
            refused.set(Some(format!("A scenario has at most {} lookups; remove one in the editor first.", scenario::limits::LOOKUPS)));
            return;
        }
        refused.set(None);
        next.lookups.push(LookupSpec { at: s, ..first });
        wirelab_core::order::sort_by_key(&mut next.lookups, |l| l.at);
        session.load(next);
        // Show the new lookup's first step.
        let step = run.with_untracked(|r| r.trace.steps.iter().position(|st| st.at.micros() >= s * 1_000_000));
        if let Some(i) = step {
            session.select.run(i);
        }
        now.set(s * 1_000_000);
    };
    let again_label = move || {
        session.scenario.with(|s| s.lookups.first().map(|l| format!("Look up {} {} again at {}", l.qtype, l.name, clock(seconds()))).unwrap_or_default())
    };
    view! {
        <section class="caches" data-testid="caches" aria-labelledby="caches-title">
            <h2 id="caches-title">"Caches over time"</h2>
            <div class="clock">
                <label for="dns-clock">"Time"</label>
                <input id="dns-clock" type="range" min="0" step="1" data-testid="clock"
                    prop:max=move || horizon_s.get().to_string()
                    prop:value=move || seconds().to_string()
                    aria-valuetext=move || format!("{} ({} s)", clock(seconds()), seconds())
                    on:input=move |ev| set_seconds(event_target_value(&ev).parse().unwrap_or(0)) />
                <output for="dns-clock" data-testid="clock-value">{move || format!("{} · {}", SimTime(now.get()), clock(seconds()))}</output>
            </div>
            <div class="clock">
                <button type="button" on:click=move |_| shift(-60)>"−1 min"</button>
                <button type="button" on:click=move |_| shift(60)>"+1 min"</button>
                <button type="button" on:click=move |_| shift(600)>"+10 min"</button>
                <button type="button" on:click=move |_| shift(3600)>"+1 h"</button>
                <button type="button" data-testid="look-again" on:click=look_again>{again_label}</button>
            </div>
            <p class="field-error" role="status" data-testid="look-again-refused">{move || refused.get()}</p>
            <p class="help">"Move the time to watch each entry's TTL count down and run out; the steps above move it too."</p>
            <div class="cache-grid">
                {table(BROWSER)}
                {table(STUB)}
                {table(RESOLVER)}
            </div>
        </section>
    }
}
