//! The DNS lab (in progress): the RFC 1035 wire format, zones and authoritative answers, and an
//! example world. The resolver simulation with caches and the page are to come; nothing here is
//! listed on the home page yet.

pub mod resolve;
pub mod wire;
pub mod world;
pub mod zone;
pub mod zonefile;
