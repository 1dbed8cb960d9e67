//! OAuth 2.0 and OpenID Connect, one redirect at a time.
//!
//! The whole cast runs here: the person's browser, the client (a web app with a back end, or a
//! single-page app), the authorization server with its login and consent pages, and the photo
//! API as resource server. Every step is an HTTP/1.1 message as it would cross the wire
//! ([`crate::http`]): redirects with their Location URL, form posts, the token request with the
//! client's authentication, the JSON token response, and Bearer requests. The authorization
//! server checks in the order the specifications give: the client and its redirect URI
//! (RFC 6749 section 3.1.2, exact matching per RFC 9700 section 4.1.3), the code (single use,
//! short-lived, bound to the client and redirect URI), and PKCE (RFC 7636). ID tokens and access
//! tokens are real JWTs signed with the JWT lab's code (RS256 or ES256), and the client
//! validates the ID token as OpenID Connect Core section 3.1.3.7 lists.
//!
//! Simplified: the person's password is always right and their session at the server is new;
//! the attacker's own sign-in is drawn on one lane. Not yet here: the client credentials,
//! device, refresh, introspection and revocation grants, and the deprecated implicit and
//! password grants (issue 11 lists what is left).

pub mod pkce;
pub mod redirect;
pub mod run;
pub mod scenario;

pub use run::{run, run_with_screens, OAuthRun, Screen};
pub use scenario::OAuthScenario;
