//! The TCP lab's page: its editor around the shared lab page.

mod editor;

use super::{lab_page, LabSession};
use crate::components::banner::Notices;
use crate::components::share::Export;
use editor::TcpEditor;
use leptos::prelude::*;
use wirelab_core::labs;
use wirelab_core::permalink::Location;
use wirelab_core::tcp::{self, TcpScenario};

/// The TCP lab, opened at `location`.
#[component]
pub fn TcpLab(location: Location, notices: Notices, embed: bool) -> impl IntoView {
    let session = LabSession::<TcpScenario>::new(&location, notices, embed, tcp::run);
    let info = &labs::TCP;
    let editor = view! { <TcpEditor session=session /> }.into_any();
    // The connection for Wireshark, as captured on the client's link.
    let pcap = Export {
        id: "pcap",
        label: "Export pcap",
        filename: "wirelab-tcp.pcap".into(),
        mime: "application/vnd.tcpdump.pcap",
        make: Callback::new(move |()| session.trace.with_untracked(tcp::capture)),
    };
    lab_page(info, session, session.trace, editor, None, vec![pcap]).into_any()
}
