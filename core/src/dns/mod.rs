//! The DNS lab: the RFC 1035 wire format, zones as editable text and the servers' answers, an
//! example world, resolution through browser, OS and recursive caches as a trace, and the
//! lab's scenario and built-in scenarios.

pub mod dnssec;
pub mod resolve;
pub mod scenario;
pub mod wire;
pub mod world;
pub mod zone;
pub mod zonefile;
