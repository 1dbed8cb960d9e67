//! Shared UI pieces every lab uses. Each draws what the core computed; none computes protocol.

pub mod banner;
pub mod controls;
pub mod field;
pub mod hex_view;
pub mod inspector;
pub mod preset;
pub mod share;
pub mod timeline;
