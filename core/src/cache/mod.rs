//! The caching lab's core (issue 12). [`rfc9111`] makes every HTTP cache decision the lab
//! shows: whether a response may be stored, its freshness lifetime and age, whether a stored
//! response may answer a request, the conditional request that revalidates it, and what a 304
//! changes.

pub mod app;
pub mod rfc9111;
pub mod run;
pub mod scenario;

pub use run::run;
