//! The DNS lab (in progress): so far, the RFC 1035 wire format. The resolver simulation, zones,
//! caches and the page are to come; nothing here is listed on the home page yet.

pub mod wire;
