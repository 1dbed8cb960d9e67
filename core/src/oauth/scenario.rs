//! The OAuth lab's inputs: the client and how it is registered, what the authorization request
//! asks for and which defences it uses, the authorization server's rules, the person's choice
//! at the consent screen, token lifetimes, the clock, and the attack to run.

use super::redirect::{self, Matching};
use crate::scenario::{FieldError, Scenario};
use serde::{Deserialize, Serialize};

/// What kind of client runs the flow (RFC 6749 section 2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClientKind {
    /// A web application with a back end that keeps a secret: a confidential client.
    Web,
    /// A single-page application: all its code is in the browser, so it keeps no secret (a
    /// public client).
    Spa,
}

/// How the client authenticates at the token endpoint (RFC 6749 section 2.3, OpenID Connect
/// Core section 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuth {
    /// `Authorization: Basic` with the id and secret.
    ClientSecretBasic,
    /// The id and secret as form parameters.
    ClientSecretPost,
    /// A JWT signed with the client's private key (RFC 7523).
    PrivateKeyJwt,
    /// A public client: only its `client_id`.
    None,
}

impl ClientAuth {
    pub fn name(self) -> &'static str {
        match self {
            ClientAuth::ClientSecretBasic => "client_secret_basic",
            ClientAuth::ClientSecretPost => "client_secret_post",
            ClientAuth::PrivateKeyJwt => "private_key_jwt",
            ClientAuth::None => "none",
        }
    }
}

/// PKCE in the authorization request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pkce {
    Off,
    Plain,
    S256,
}

/// The ID token's signature algorithm (the authorization server's key in its JWKS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IdTokenAlg {
    RS256,
    ES256,
}

/// The grant the run shows (RFC 6749 section 1.3, RFC 8628, RFC 9700 section 2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Flow {
    /// The authorization code grant (with PKCE when it is on).
    AuthorizationCode,
    /// The authorization code grant, then the access token expires and the refresh token is
    /// used (rotated when `rotation` is on), the API introspects, and sign-out revokes.
    Refresh,
    /// A back end acting for itself: no user (RFC 6749 section 4.4).
    ClientCredentials,
    /// A device without a browser or keyboard: the person approves on their phone (RFC 8628).
    DeviceCode,
    /// Deprecated: the token in the redirect's fragment (RFC 6749 section 4.2; RFC 9700 section 2.1.2).
    Implicit,
    /// Deprecated: the client collects the password (RFC 6749 section 4.3; RFC 9700 section 2.4).
    Password,
}

impl Flow {
    pub fn id(self) -> &'static str {
        match self {
            Flow::AuthorizationCode => "authorization-code",
            Flow::Refresh => "refresh",
            Flow::ClientCredentials => "client-credentials",
            Flow::DeviceCode => "device-code",
            Flow::Implicit => "implicit",
            Flow::Password => "password",
        }
    }

    pub const ALL: [Flow; 6] = [Flow::AuthorizationCode, Flow::Refresh, Flow::ClientCredentials, Flow::DeviceCode, Flow::Implicit, Flow::Password];
}

/// The attack the run adds to the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Attack {
    None,
    /// The attacker gets a code for their own account and makes the victim's browser deliver it
    /// to the client's callback (RFC 9700 section 4.7): the victim is signed in as the attacker.
    LoginCsrf,
    /// Another app on the victim's device sees the redirect with the code and redeems it first
    /// (RFC 7636 section 1).
    CodeInterception,
    /// The code leaks after use (history, logs, Referer) and is presented again (RFC 6749
    /// section 4.1.2).
    CodeReplay,
    /// A refresh token is stolen (from storage, a log) and used after the client has
    /// refreshed with it (RFC 9700 section 4.14).
    RefreshTheft,
    /// Intercepts the code and also reads the authorization request: with the `plain` method
    /// the challenge is the verifier (RFC 7636 section 7.2).
    PkcePlain,
    /// Alice's ID token from another app of the attacker's, at the same server, presented to
    /// this client's back end (OpenID Connect Core section 3.1.3.7 step 3).
    WrongAudience,
    /// Alice's earlier ID token, leaked, presented again (section 3.1.3.7 step 11).
    IdTokenReplay,
    /// The attacker sends Alice an authorization link whose redirect_uri points where they can
    /// read it, shaped to pass the server's matching rule: a path traversal to an open
    /// redirector for prefix matching, a user-content subdomain for subdomain matching
    /// (RFC 9700 section 4.1).
    OpenRedirect,
    /// The client also trusts the attacker's authorization server; Alice picks it, and it
    /// sends her on to the honest one, so the honest code comes back to a client that thinks
    /// it came from the attacker's server and sends it there (RFC 9207).
    MixUp,
}

impl Attack {
    pub fn id(self) -> &'static str {
        match self {
            Attack::None => "none",
            Attack::LoginCsrf => "login-csrf",
            Attack::CodeInterception => "code-interception",
            Attack::CodeReplay => "code-replay",
            Attack::RefreshTheft => "refresh-theft",
            Attack::PkcePlain => "pkce-plain",
            Attack::WrongAudience => "wrong-audience",
            Attack::IdTokenReplay => "id-token-replay",
            Attack::OpenRedirect => "open-redirect",
            Attack::MixUp => "mix-up",
        }
    }
}

/// Limits on the inputs (issue: every input has a stated limit, enforced before any work).
pub mod limits {
    /// Registered redirect URIs.
    pub const REDIRECTS: usize = 8;
    /// Characters in the scope.
    pub const SCOPE: usize = 256;
    /// Scope values.
    pub const SCOPE_VALUES: usize = 16;
    /// Characters in the client secret.
    pub const SECRET: usize = 256;
    /// Lifetimes, in seconds: 1 s to 30 days.
    pub const LIFETIME_S: (u32, u32) = (1, 30 * 86_400);
    /// The delay before the callback, in seconds.
    pub const DELAY_S: u32 = 86_400;
    /// The device's polling interval, in seconds.
    pub const POLL_S: (u32, u32) = (1, 60);
    /// The clock: 2001-09-09 to 2100-01-01 (seconds since 1970).
    pub const NOW: (i64, i64) = (1_000_000_000, 4_102_444_800);
}

/// The lab's inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OAuthScenario {
    pub v: u32,
    pub flow: Flow,
    pub client: ClientKind,
    pub client_auth: ClientAuth,
    pub pkce: Pkce,
    /// The client sends and checks `state`.
    pub state: bool,
    /// The client sends and checks `nonce` (OpenID Connect).
    pub nonce: bool,
    /// Space-separated scope values; `openid` makes it OpenID Connect.
    pub scope: String,
    pub id_token_alg: IdTokenAlg,
    /// The client's registered redirect URIs.
    pub redirect_uris: Vec<String>,
    /// How the authorization server compares a request's redirect_uri with them.
    pub matching: Matching,
    /// The redirect_uri the client sends (normally one of the registered ones).
    pub redirect_uri: String,
    /// The person approves the consent screen.
    pub consent: bool,
    /// The client checks the ID token's aud.
    pub check_aud: bool,
    /// The client checks the iss parameter of the authorization response (RFC 9207).
    pub check_iss: bool,
    /// Seconds between the redirect with the code and the browser reaching the callback (a
    /// slow network, a laptop closed mid-flow).
    pub callback_delay_s: u32,
    /// The client's secret (for client_secret_basic and client_secret_post).
    pub client_secret: String,
    /// The client sends a wrong secret (invalid_client).
    pub wrong_secret: bool,
    pub code_ttl_s: u32,
    pub access_ttl_s: u32,
    pub id_token_ttl_s: u32,
    /// The authorization server's clock at the start (seconds since 1970, UTC).
    pub now: i64,
    pub attack: Attack,
    /// Each refresh returns a new refresh token, and a retired one coming back revokes the
    /// whole family (RFC 9700 section 4.14.2).
    pub rotation: bool,
    /// How often the device polls the token endpoint, in seconds (the server asks for 5).
    pub device_poll_s: u32,
    /// Seeds the codes, tokens, state, nonce and PKCE verifier.
    pub seed: u64,
}

/// The registered callback of the lab's client.
pub const CALLBACK: &str = "https://app.example.com/callback";
/// The lab's date: 2026-11-22 10:00:00 UTC.
pub const CLOCK: i64 = 1_795_341_600;
/// The demonstration client secret (it protects nothing).
pub const SECRET: &str = "7Fjfp0ZBr1KtDRbnfVdmIw";

impl Default for OAuthScenario {
    fn default() -> OAuthScenario {
        OAuthScenario {
            v: 1,
            flow: Flow::AuthorizationCode,
            client: ClientKind::Web,
            client_auth: ClientAuth::ClientSecretBasic,
            pkce: Pkce::S256,
            state: true,
            nonce: true,
            scope: "openid profile email photos.read".into(),
            id_token_alg: IdTokenAlg::RS256,
            redirect_uris: vec![CALLBACK.into()],
            matching: Matching::Exact,
            redirect_uri: CALLBACK.into(),
            consent: true,
            check_aud: true,
            check_iss: true,
            callback_delay_s: 0,
            client_secret: SECRET.into(),
            wrong_secret: false,
            code_ttl_s: 60,
            access_ttl_s: 3600,
            id_token_ttl_s: 300,
            now: CLOCK,
            attack: Attack::None,
            rotation: true,
            device_poll_s: 5,
            seed: 7,
        }
    }
}

impl OAuthScenario {
    /// The scope's values.
    pub fn scopes(&self) -> Vec<&str> {
        self.scope.split(' ').filter(|s| !s.is_empty()).collect()
    }

    pub fn openid(&self) -> bool {
        self.scopes().contains(&"openid")
    }

    /// The client authentication the client actually uses: a public client has none.
    pub fn effective_auth(&self) -> ClientAuth {
        match self.client {
            ClientKind::Spa => ClientAuth::None,
            ClientKind::Web if self.client_auth == ClientAuth::None => ClientAuth::ClientSecretBasic,
            ClientKind::Web => self.client_auth,
        }
    }
}

impl Scenario for OAuthScenario {
    const LAB: &'static str = "oauth";
    const VERSION: u32 = 1;
    const SECRET_FIELDS: &'static [&'static str] = &["client_secret"];

    fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.redirect_uris.is_empty() {
            errors.push(FieldError::new("redirect_uris", "register at least one redirect URI"));
        } else if self.redirect_uris.len() > limits::REDIRECTS {
            errors.push(FieldError::new("redirect_uris", format!("at most {} redirect URIs", limits::REDIRECTS)));
        } else {
            for (i, uri) in self.redirect_uris.iter().enumerate() {
                if let Err(e) = redirect::parse(uri) {
                    errors.push(FieldError::new("redirect_uris", format!("URI {}: {e}", i + 1)));
                    break;
                }
            }
        }
        if let Err(e) = redirect::parse(&self.redirect_uri) {
            errors.push(FieldError::new("redirect_uri", e.to_string()));
        }
        if self.scope.len() > limits::SCOPE {
            errors.push(FieldError::new("scope", format!("at most {} characters", limits::SCOPE)));
        } else if let Some(c) = self.scope.chars().find(|c| !(c.is_ascii_graphic() && *c != '"' && *c != '\\' || *c == ' ')) {
            // RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
            errors.push(FieldError::new("scope", format!("“{}” cannot be in a scope value (RFC 6749 section 3.3: printable ASCII except \" and \\)", crate::export::visible(&c.to_string()))));
        } else if self.scopes().is_empty() {
            errors.push(FieldError::new("scope", "ask for at least one scope, e.g. openid"));
        } else if self.scopes().len() > limits::SCOPE_VALUES {
            errors.push(FieldError::new("scope", format!("at most {} scope values", limits::SCOPE_VALUES)));
        }
        if self.client_secret.len() > limits::SECRET {
            errors.push(FieldError::new("client_secret", format!("at most {} characters", limits::SECRET)));
        }
        for (field, value) in [("code_ttl_s", self.code_ttl_s), ("access_ttl_s", self.access_ttl_s), ("id_token_ttl_s", self.id_token_ttl_s)] {
            if value < limits::LIFETIME_S.0 || value > limits::LIFETIME_S.1 {
                errors.push(FieldError::new(field, format!("must be from {} s to {} s (30 days)", limits::LIFETIME_S.0, limits::LIFETIME_S.1)));
            }
        }
        if self.callback_delay_s > limits::DELAY_S {
            errors.push(FieldError::new("callback_delay_s", format!("at most {} s (a day)", limits::DELAY_S)));
        }
        if !(limits::POLL_S.0..=limits::POLL_S.1).contains(&self.device_poll_s) {
            errors.push(FieldError::new("device_poll_s", format!("must be from {} to {} s", limits::POLL_S.0, limits::POLL_S.1)));
        }
        if self.now < limits::NOW.0 || self.now > limits::NOW.1 {
            errors.push(FieldError::new("now", "must be between 2001-09-09 and 2100-01-01"));
        }
        errors
    }
}

/// The built-in scenarios: id, title, scenario.
pub fn presets() -> Vec<(&'static str, &'static str, OAuthScenario)> {
    let base = OAuthScenario::default();
    let spa = OAuthScenario { client: ClientKind::Spa, client_auth: ClientAuth::None, ..base.clone() };
    vec![
        ("code-oidc", "Log in with OpenID Connect: authorization code, confidential client", base.clone()),
        ("spa-pkce", "A single-page app: authorization code with PKCE, no secret", spa.clone()),
        ("client-secret-post", "The client secret in the form body (client_secret_post)", OAuthScenario { client_auth: ClientAuth::ClientSecretPost, ..base.clone() }),
        ("private-key-jwt", "The client signs a JWT instead of sending a secret (private_key_jwt), and the ID token is ES256", OAuthScenario { client_auth: ClientAuth::PrivateKeyJwt, id_token_alg: IdTokenAlg::ES256, ..base.clone() }),
        ("refresh-rotation", "Refresh tokens: the access token expires, the refresh token is rotated, the API introspects, sign-out revokes", OAuthScenario { flow: Flow::Refresh, ..base.clone() }),
        ("refresh-theft", "A stolen refresh token used after rotation: reuse detected, the whole family revoked", OAuthScenario { flow: Flow::Refresh, attack: Attack::RefreshTheft, ..spa.clone() }),
        ("refresh-theft-no-rotation", "The same theft without rotation: the attacker refreshes for as long as the token lives", OAuthScenario { flow: Flow::Refresh, attack: Attack::RefreshTheft, rotation: false, ..spa.clone() }),
        ("client-credentials", "Client credentials: a back end calls the API for itself, no user", OAuthScenario { flow: Flow::ClientCredentials, scope: "photos.read".into(), ..base.clone() }),
        ("device-code", "A TV signs in: the device authorization grant, approved on a phone", OAuthScenario { flow: Flow::DeviceCode, client: ClientKind::Spa, client_auth: ClientAuth::None, ..base.clone() }),
        ("device-slow-down", "A device that polls too fast is told slow_down", OAuthScenario { flow: Flow::DeviceCode, client: ClientKind::Spa, client_auth: ClientAuth::None, device_poll_s: 2, ..base.clone() }),
        ("implicit", "Deprecated: the implicit grant, the token in the URL", OAuthScenario { flow: Flow::Implicit, client: ClientKind::Spa, client_auth: ClientAuth::None, pkce: Pkce::Off, ..base.clone() }),
        ("password", "Deprecated: the password grant, the app sees the password", OAuthScenario { flow: Flow::Password, pkce: Pkce::Off, ..base.clone() }),
        ("oauth-only", "OAuth 2.0 without OpenID Connect: an access token, no ID token", OAuthScenario { scope: "photos.read".into(), nonce: false, ..base.clone() }),
        ("insufficient-scope", "An access token without the API's scope (403 insufficient_scope)", OAuthScenario { scope: "openid profile".into(), ..base.clone() }),
        ("consent-denied", "The person says no at the consent screen (access_denied)", OAuthScenario { consent: false, ..base.clone() }),
        ("wrong-secret", "A wrong client secret (invalid_client)", OAuthScenario { wrong_secret: true, ..base.clone() }),
        ("redirect-mismatch", "A redirect_uri that is not registered: the server shows an error and does not redirect", OAuthScenario { redirect_uri: "https://app.example.com/callback/extra".into(), ..base.clone() }),
        ("redirect-prefix", "The same redirect_uri passes a server that matches by prefix (RFC 9700 forbids it)", OAuthScenario { redirect_uri: "https://app.example.com/callback/extra".into(), matching: Matching::Prefix, ..base.clone() }),
        ("login-csrf", "Login CSRF without state: the victim is signed in to the attacker's account", OAuthScenario { attack: Attack::LoginCsrf, state: false, pkce: Pkce::Off, ..base.clone() }),
        ("login-csrf-state", "Login CSRF stopped by state", OAuthScenario { attack: Attack::LoginCsrf, pkce: Pkce::Off, ..base.clone() }),
        ("code-interception", "A public client without PKCE: an intercepted code is redeemed by the attacker", OAuthScenario { attack: Attack::CodeInterception, pkce: Pkce::Off, ..spa.clone() }),
        ("code-interception-pkce", "The same interception stopped by PKCE (S256)", OAuthScenario { attack: Attack::CodeInterception, ..spa.clone() }),
        ("code-expired", "The browser reaches the callback after the code expired (invalid_grant)", OAuthScenario { callback_delay_s: 90, ..base.clone() }),
        ("pkce-plain", "PKCE with plain: an attacker who sees the request as well as the code redeems it", OAuthScenario { attack: Attack::PkcePlain, pkce: Pkce::Plain, ..spa.clone() }),
        ("pkce-plain-s256", "The same attacker against S256: the challenge does not give the verifier away", OAuthScenario { attack: Attack::PkcePlain, ..spa.clone() }),
        ("wrong-audience", "An ID token for another app: the aud check refuses it", OAuthScenario { attack: Attack::WrongAudience, ..base.clone() }),
        ("wrong-audience-unchecked", "The same token where the client skips the aud check: the attacker signs in as Alice", OAuthScenario { attack: Attack::WrongAudience, check_aud: false, ..base.clone() }),
        ("id-token-replay", "A leaked ID token replayed: the nonce check refuses it", OAuthScenario { attack: Attack::IdTokenReplay, ..base.clone() }),
        ("id-token-replay-no-nonce", "The same replay against a client that sends no nonce: accepted", OAuthScenario { attack: Attack::IdTokenReplay, nonce: false, ..base.clone() }),
        ("open-redirect-prefix", "Prefix matching: a path traversal to an open redirector sends Alice's code to the attacker", OAuthScenario { attack: Attack::OpenRedirect, matching: Matching::Prefix, ..spa.clone() }),
        ("open-redirect-subdomain", "Subdomain matching: a page on a user-content subdomain receives the code", OAuthScenario { attack: Attack::OpenRedirect, matching: Matching::Subdomain, ..spa.clone() }),
        ("open-redirect-exact", "The same link against exact matching: the server refuses it and redirects nowhere", OAuthScenario { attack: Attack::OpenRedirect, ..spa.clone() }),
        ("open-redirect-web", "Prefix matching with a confidential client: the stolen code fails at the token endpoint", OAuthScenario { attack: Attack::OpenRedirect, matching: Matching::Prefix, ..base.clone() }),
        ("mix-up", "Mix-up: the attacker's server sends Alice to the honest one; the iss check catches it", OAuthScenario { attack: Attack::MixUp, ..spa.clone() }),
        ("mix-up-unchecked", "The same mix-up where the client ignores iss: the code and verifier go to the attacker", OAuthScenario { attack: Attack::MixUp, check_iss: false, ..spa.clone() }),
        ("code-replay", "A code presented twice: refused, and the tokens it gave revoked", OAuthScenario { attack: Attack::CodeReplay, ..spa.clone() }),
    ]
}

/// The editor's text, as typed: the numbers, the clock and the lists are text until they read;
/// the menus and boxes edit `carried`, the rest of the scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct OAuthForm {
    pub scope: String,
    /// One URI per line.
    pub redirect_uris: String,
    pub redirect_uri: String,
    pub client_secret: String,
    pub code_ttl_s: String,
    pub access_ttl_s: String,
    pub id_token_ttl_s: String,
    /// UTC, as `2026-11-22 10:00:00`, or seconds since 1970.
    pub now: String,
    pub seed: String,
    pub device_poll_s: String,
    pub callback_delay_s: String,
    pub carried: OAuthScenario,
}

impl From<&OAuthScenario> for OAuthForm {
    fn from(s: &OAuthScenario) -> OAuthForm {
        OAuthForm {
            scope: s.scope.clone(),
            redirect_uris: s.redirect_uris.join("\n"),
            redirect_uri: s.redirect_uri.clone(),
            client_secret: s.client_secret.clone(),
            code_ttl_s: s.code_ttl_s.to_string(),
            access_ttl_s: s.access_ttl_s.to_string(),
            id_token_ttl_s: s.id_token_ttl_s.to_string(),
            now: crate::civil::utc(s.now),
            seed: s.seed.to_string(),
            device_poll_s: s.device_poll_s.to_string(),
            callback_delay_s: s.callback_delay_s.to_string(),
            carried: s.clone(),
        }
    }
}

/// The longest text a list field takes (a paste past this is refused with a message).
const LIST_MAX_CHARS: usize = 4096;

impl OAuthForm {
    /// The scenario the form describes, or every problem, each tied to its field.
    pub fn parse(&self) -> Result<OAuthScenario, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut number = |field: &str, text: &str| crate::scenario::whole_number::<u32>(text).map_err(|e| errors.push(FieldError::new(field, e))).ok();
        let code_ttl_s = number("code_ttl_s", &self.code_ttl_s);
        let access_ttl_s = number("access_ttl_s", &self.access_ttl_s);
        let id_token_ttl_s = number("id_token_ttl_s", &self.id_token_ttl_s);
        let device_poll_s = number("device_poll_s", &self.device_poll_s);
        let callback_delay_s = number("callback_delay_s", &self.callback_delay_s);
        let seed = crate::scenario::whole_number::<u64>(&self.seed).map_err(|e| errors.push(FieldError::new("seed", e))).ok();
        let now = if self.now.len() > 64 {
            errors.push(FieldError::new("now", "too long: a time is at most 64 characters"));
            None
        } else {
            crate::civil::parse_utc(&self.now).map_err(|e| errors.push(FieldError::new("now", crate::export::visible(&e)))).ok()
        };
        let redirect_uris: Vec<String> = if self.redirect_uris.len() > LIST_MAX_CHARS {
            errors.push(FieldError::new("redirect_uris", format!("too long: at most {LIST_MAX_CHARS} characters")));
            Vec::new()
        } else {
            self.redirect_uris.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect()
        };
        let (Some(code_ttl_s), Some(access_ttl_s), Some(id_token_ttl_s), Some(device_poll_s), Some(callback_delay_s), Some(seed), Some(now)) = (code_ttl_s, access_ttl_s, id_token_ttl_s, device_poll_s, callback_delay_s, seed, now) else { return Err(errors) };
        let s = OAuthScenario {
            v: OAuthScenario::VERSION,
            scope: self.scope.trim().to_string(),
            redirect_uris,
            redirect_uri: self.redirect_uri.trim().to_string(),
            client_secret: self.client_secret.clone(),
            code_ttl_s,
            access_ttl_s,
            id_token_ttl_s,
            now,
            seed,
            device_poll_s,
            callback_delay_s,
            ..self.carried.clone()
        };
        errors.extend(s.validate());
        if errors.is_empty() {
            Ok(s)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{from_json, to_json};

    #[test]
    fn every_preset_is_valid_and_round_trips() {
        for (id, _, s) in presets() {
            assert_eq!(s.validate(), Vec::new(), "{id}");
            let back: OAuthScenario = from_json(&to_json(&s, true)).unwrap();
            assert_eq!(back, s, "{id}");
        }
    }

    #[test]
    fn the_secret_stays_out_of_links_unless_asked() {
        let s = OAuthScenario::default();
        assert!(!to_json(&s, false).contains(SECRET));
        assert!(to_json(&s, true).contains(SECRET));
    }

    #[test]
    fn the_form_reads_what_it_shows_and_names_bad_fields() {
        for (_, _, s) in presets() {
            assert_eq!(OAuthForm::from(&s).parse(), Ok(s));
        }
        let mut f = OAuthForm::from(&OAuthScenario::default());
        f.code_ttl_s = "soon".into();
        f.now = "yesterday".into();
        let fields: Vec<String> = f.parse().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["code_ttl_s", "now"]);
        let mut f = OAuthForm::from(&OAuthScenario::default());
        f.redirect_uris = "https://app.example.com/callback\n\n  https://app.example.com/other  ".into();
        f.now = "1800000000".into();
        let s = f.parse().unwrap();
        assert_eq!(s.redirect_uris.len(), 2);
        assert_eq!(s.now, 1_800_000_000);
        f.redirect_uris = "x".repeat(LIST_MAX_CHARS + 1);
        assert_eq!(f.parse().unwrap_err()[0].field, "redirect_uris");
    }

    #[test]
    fn bad_values_name_their_field() {
        for (json, field) in [
            (r#"{"v":1,"redirect_uris":[]}"#, "redirect_uris"),
            (r#"{"v":1,"redirect_uris":["app/cb"]}"#, "redirect_uris"),
            (r#"{"v":1,"scope":"openid \"x\""}"#, "scope"),
            (r#"{"v":1,"scope":"   "}"#, "scope"),
            (r#"{"v":1,"code_ttl_s":0}"#, "code_ttl_s"),
            (r#"{"v":1,"now":5}"#, "now"),
            (r#"{"v":1,"redirect_uri":"javascript:alert(1)"}"#, "redirect_uri"),
        ] {
            match from_json::<OAuthScenario>(json) {
                Err(crate::scenario::ScenarioError::Values(e)) => assert_eq!(e[0].field, field, "{json}"),
                other => panic!("{json}: {other:?}"),
            }
        }
    }
}
