//! The catalogue of labs the home page lists. A lab appears here only once it is complete.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabInfo {
    /// The route and permalink id.
    pub id: &'static str,
    pub title: &'static str,
    pub teaser: &'static str,
    pub learn: &'static [&'static str],
    pub rfcs: &'static [&'static str],
}

pub const LABS: &[LabInfo] = &[LabInfo {
    id: "tcp",
    title: "TCP: a connection, open to close",
    teaser: "The three-way handshake, data and ACKs, loss and retransmission, and the four-way close, as real segment bytes.",
    learn: &[
        "why a connection needs three messages to open, and why the first request is slower",
        "how sequence and acknowledgment numbers count bytes",
        "what happens when a segment is lost, and how the retransmission timer backs off",
        "why the side that closes first waits in TIME-WAIT",
    ],
    rfcs: &["RFC 9293", "RFC 6298", "RFC 5681"],
}];

pub fn find(id: &str) -> Option<&'static LabInfo> {
    LABS.iter().find(|l| l.id == id)
}
