//! Wirelab's core: every simulation the app shows, as pure and deterministic Rust.
//!
//! The one data flow: a lab's [`scenario::Scenario`] goes through the lab's `run` function and
//! comes out as a [`trace::Trace`], a list of steps the UI draws. The same scenario always gives
//! the same trace: time is simulated ([`trace::SimTime`]), randomness comes from a seed
//! ([`rng::SplitMix64`]), and nothing here reads a clock, the OS random source, or the network.
//!
//! This crate must not depend on any browser crate; `tests/purity.rs` enforces it.

pub mod base64url;
pub mod cache;
pub mod civil;
pub mod cookies;
pub mod diagram;
pub mod dns;
pub mod jwt;
pub mod export;
pub mod fuzzing;
pub mod http;
pub mod ext;
pub mod labs;
pub mod memo;
pub mod oauth;
pub mod order;
pub mod pcap;
pub mod permalink;
pub mod ratelimit;
pub mod rng;
pub mod scenario;
pub mod tcp;
pub mod tls;
pub mod trace;
