//! The cookies, sessions and sign-in lab's core. So far: how a browser reads Set-Cookie
//! (RFC 6265 §5.2 and RFC 6265bis), its cookie dates (§5.1.1), and its jar (§5.3 storage,
//! §5.4 the Cookie header, with SameSite, the prefixes and partitioning), each decision with the
//! rule that made it.

pub mod date;
pub mod jar;
pub mod passwords;
pub mod run;
pub mod scenario;
pub mod sessions;
pub mod set_cookie;
