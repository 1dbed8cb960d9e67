//! The grants besides the authorization code: refresh tokens with rotation and reuse detection
//! (RFC 6749 section 6, RFC 9700 section 4.14), token introspection (RFC 7662) and revocation
//! (RFC 7009), client credentials (RFC 6749 section 4.4), the device authorization grant
//! (RFC 8628), and the deprecated implicit and password grants (RFC 9700 sections 2.1.2 and
//! 2.4), each as HTTP messages and the server's checks.

use super::*;

/// The RFC 8628 grant type.
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// The interval the server asks a device to poll at, in seconds (RFC 8628 section 3.2).
const INTERVAL_S: u64 = 5;

impl Run<'_> {
    /// After a sign-in that gave a refresh token: the access token expires, the client
    /// refreshes (rotated or not), the API checks the new token by introspection, and then
    /// either sign-out revokes the grant or a thief replays the first refresh token.
    pub(super) fn refresh_story(&mut self, access: String, refresh: String) {
        let lane = self.client_lane();
        self.at += (u64::from(self.s.access_ttl_s) + 60) * 1_000_000;
        self.api_call(lane, &access);
        let answer = self.refresh_request(lane, &refresh);
        self.token_response(lane, &answer);
        let TokenAnswer::Tokens { access: fresh, refresh: rotated, .. } = answer else {
            self.t.summary.push("The refresh was refused, so the person must sign in again.".into());
            return;
        };
        // Without rotation the response has no new refresh token: the client keeps the old one.
        let current = rotated.unwrap_or_else(|| refresh.clone());
        self.api_call_introspected(lane, &fresh);
        if self.s.attack == Attack::RefreshTheft {
            self.at += 120 * 1_000_000;
            self.local(ATTACKER, "has a copy of the first refresh token", vec![Self::field("refresh_token", refresh.clone(), "copied from the app's storage, a log, or a backup")], "The attacker copied the refresh token the client was given at sign-in. The client has since used it.".into(), vec![SpecRef::rfc(9700, "4.14", "Refresh Token Protection")]);
            let answer = self.refresh_request(ATTACKER, &refresh);
            self.token_response(ATTACKER, &answer);
            if let TokenAnswer::Tokens { access: theirs, .. } = &answer {
                let theirs = theirs.clone();
                self.api_call(ATTACKER, &theirs);
                self.t.summary.push(if self.s.client == ClientKind::Spa { "Without rotation the stolen refresh token still works: the attacker gets fresh access tokens for as long as it lives, and nothing tells the server anything is wrong.".into() } else { "The stolen refresh token still works for the attacker.".into() });
            } else {
                self.at += 60 * 1_000_000;
                let answer = self.refresh_request(lane, &current);
                self.token_response(lane, &answer);
                self.api_call_introspected(lane, &fresh);
                self.t.summary.push(if self.s.client == ClientKind::Web { "A confidential client's refresh token is bound to its credentials: the thief, without the client's secret, is refused before the token is even looked at.".into() } else { "Rotation made the theft visible: the first refresh token had been used, so its return means two parties hold the family. The server revoked the whole family, the thief's attempt and the client's current tokens alike; Alice signs in again, and the thief has nothing.".into() });
            }
            return;
        }
        self.at += 600 * 1_000_000;
        self.revoke(lane, &current);
        self.api_call_introspected(lane, &fresh);
        self.t.summary.push("Refreshing kept Alice signed in past the access token's lifetime without asking her again. Sign-out revoked the grant at the server (RFC 7009), and the API, asking the server about each token (RFC 7662), refused the access token at once: a JWT checked only locally would have been accepted until it expired.".into());
    }

    /// `POST /token` with `grant_type=refresh_token`, and the server's checks.
    fn refresh_request(&mut self, from: usize, token: &str) -> TokenAnswer {
        let auth = if from == ATTACKER { ClientAuth::None } else { self.s.effective_auth() };
        let label = if from == ATTACKER { "POST /token refresh (attacker)" } else { "POST /token refresh" };
        let why = if from == ATTACKER { "The attacker presents the copied refresh token, with the client's id.".to_string() } else { format!("The access token expired, so the client trades its refresh token for a new one, authenticating with {} as for the code.", auth.name()) };
        let secret = self.token_post(from, "/token", vec![("grant_type", "refresh_token".into()), ("refresh_token", token.into())], auth, label, why, vec![SpecRef::rfc(6749, "6", "Refreshing an Access Token")]);
        let mut fields = Vec::new();
        let refuse = |run: &mut Self, mut fields: Vec<Field>, status: u16, error: &'static str, description: &str, why: String| {
            fields.push(Self::field("result", format!("✗ {error}"), ""));
            run.local(AS, &format!("refused: {error}"), fields, why, vec![SpecRef::rfc(6749, "5.2", "Error Response"), SpecRef::rfc(9700, "4.14.2", "Recommendations")]);
            TokenAnswer::Error { status, error, description: description.into() }
        };
        if !self.client_authenticated(auth, &secret, &mut fields) {
            return refuse(self, fields, 401, "invalid_client", "Client authentication failed", Self::INVALID_CLIENT.into());
        }
        let Some(record) = self.refresh.get(token).cloned() else {
            return refuse(self, fields, 400, "invalid_grant", "Unknown refresh token", "The server issued no such refresh token.".into());
        };
        fields.push(Self::field("refresh token", format!("family {}", record.family), if record.retired { "already used once (retired)" } else { "current" }));
        if self.revoked_families.contains(&record.family) {
            return refuse(self, fields, 400, "invalid_grant", "The refresh token has been revoked", "This token's family was revoked; every token in it is dead.".into());
        }
        if record.retired {
            self.revoke_family(record.family);
            self.changed();
            return refuse(self, fields, 400, "invalid_grant", "Refresh token reuse detected", format!("This refresh token was already exchanged for a newer one. A rotated token coming back means two parties hold it, and the server cannot tell which is the thief, so it revokes family {}: every refresh and access token descended from this sign-in (RFC 9700 section 4.14.2).", record.family));
        }
        let (access, _, _, newest) = self.issue(record.user, &record.scope, None, self.clock(), Some(record.family));
        // `issue` made a new refresh token in the family; without rotation it is not handed out.
        let refresh = if self.s.rotation {
            if let Some(r) = self.refresh.get_mut(token) {
                r.retired = true;
            }
            newest
        } else {
            if let Some(n) = newest {
                self.refresh.remove(&n);
            }
            None
        };
        fields.push(Self::field("result", if self.s.rotation { "✓ new access token, new refresh token; the old one retired" } else { "✓ new access token; the same refresh token stays valid" }, ""));
        self.local(AS, "refresh token accepted", fields, if self.s.rotation { "The refresh token is current, so the server issues a new access token and rotates the refresh token: the new one replaces it, and the old one is kept on record as retired, so that its return can be recognised.".into() } else { "The refresh token is valid, so the server issues a new access token. It does not rotate: the same refresh token keeps working for its whole life, whoever presents it.".into() }, vec![SpecRef::rfc(6749, "6", "Refreshing an Access Token"), SpecRef::rfc(9700, "4.14.2", "Recommendations")]);
        self.changed();
        TokenAnswer::Tokens { access, id_token: None, refresh }
    }

    fn revoke_family(&mut self, family: u32) {
        if !self.revoked_families.contains(&family) {
            self.revoked_families.push(family);
        }
        let jtis: Vec<String> = self.access.iter().filter(|(_, (f, _))| *f == Some(family)).map(|(j, _)| j.clone()).collect();
        for j in jtis {
            if !self.revoked.contains(&j) {
                self.revoked.push(j);
            }
        }
    }

    /// The API asks the server about the token (RFC 7662) instead of only checking it locally.
    fn api_call_introspected(&mut self, from: usize, access: &str) -> bool {
        let m = Message::request("GET", "/v1/photos").header("Host", API_HOST).header("Authorization", &format!("Bearer {access}"));
        self.send(from, RS, "GET /v1/photos", &m, "The client calls the API with its access token.".into(), vec![SpecRef::rfc(6750, "2.1", "Authorization Request Header Field")]);
        let m = Message::request("POST", "/introspect").header("Host", AS_HOST).header("Authorization", &http::basic(API_CLIENT.0, API_CLIENT.1)).header("Accept", "application/json").form(&[("token", access), ("token_type_hint", "access_token")]);
        self.send(RS, AS, "POST /introspect", &m, "The API asks the authorization server whether the token is active, authenticating as itself. This costs a round trip per request (or a short cache), and in exchange the API sees a revocation at once.".into(), vec![SpecRef::rfc(7662, "2.1", "Introspection Request")]);
        let jti = match decode(access) {
            Ok(Decoded::Jws(j)) => match &j.payload {
                Payload::Json(v) => v.get("jti").and_then(Value::as_str).unwrap_or("").to_string(),
                _ => String::new(),
            },
            _ => String::new(),
        };
        let active = self.access.get(&jti).is_some_and(|(_, exp)| *exp > self.clock()) && !self.revoked.contains(&jti);
        let body = if active {
            match decode(access) {
                Ok(Decoded::Jws(j)) => match j.payload {
                    Payload::Json(Value::Object(mut o)) => {
                        o.insert("active".into(), true.into());
                        o.insert("token_type".into(), "Bearer".into());
                        Value::Object(o)
                    }
                    _ => json!({"active": true}),
                },
                _ => json!({"active": true}),
            }
        } else {
            json!({"active": false})
        };
        let m = Message::response(200, "OK").header("Cache-Control", "no-store").body("application/json", body.to_string());
        self.send(AS, RS, if active { "200 active: true" } else { "200 active: false" }, &m, if active { "The token is active: the answer carries its scope, subject, client and expiry.".into() } else { "The token is not active (expired or revoked). The answer says nothing more, so it leaks nothing about the token (RFC 7662 section 2.2).".into() }, vec![SpecRef::rfc(7662, "2.2", "Introspection Response")]);
        if active {
            let m = Message::response(200, "OK").header("Cache-Control", "no-store").body("application/json", r#"{"photos":[{"id":"p1","title":"Harbour at dawn"},{"id":"p2","title":"Snow on the ridge"}]}"#);
            self.send(RS, from, "200 photos", &m, "Served.".into(), vec![SpecRef::rfc(6750, "2.1", "Authorization Request Header Field")]);
        } else {
            let m = Message::response(401, "Unauthorized").header("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\"The access token is not active\"");
            self.send(RS, from, "401 invalid_token", &m, "Refused: the server says the token is no longer active.".into(), vec![SpecRef::rfc(6750, "3.1", "Error Codes")]);
        }
        active
    }

    /// Sign-out: the client revokes its refresh token (RFC 7009), which ends the whole grant.
    fn revoke(&mut self, from: usize, token: &str) {
        let auth = self.s.effective_auth();
        let secret = self.token_post(from, "/revoke", vec![("token", token.into()), ("token_type_hint", "refresh_token".into())], auth, "POST /revoke", "Alice signs out. The client tells the server to revoke its refresh token, so nobody can use it later, including anyone who copied it.".into(), vec![SpecRef::rfc(7009, "2.1", "Revocation Request")]);
        let mut fields = Vec::new();
        let ok = self.client_authenticated(auth, &secret, &mut fields);
        if ok {
            if let Some(family) = self.refresh.get(token).map(|r| r.family) {
                self.revoke_family(family);
            }
            self.local(AS, "grant revoked", fields, "The server revokes the refresh token and, as RFC 7009 section 2.1 allows, the access tokens issued with it.".into(), vec![SpecRef::rfc(7009, "2.1", "Revocation Request")]);
            self.changed();
            let m = Message::response(200, "OK").header("Cache-Control", "no-store");
            self.send(AS, from, "200 revoked", &m, "An empty 200: the token is gone (the server answers the same for a token it does not know, so the answer reveals nothing).".into(), vec![SpecRef::rfc(7009, "2.2", "Revocation Response")]);
        } else {
            self.local(AS, "refused: invalid_client", fields, Self::INVALID_CLIENT.into(), vec![SpecRef::rfc(7009, "2.2.1", "Error Response")]);
            let m = Message::response(401, "Unauthorized").header("WWW-Authenticate", "Basic realm=\"id.example.com\"").body("application/json", r#"{"error":"invalid_client"}"#);
            self.send(AS, from, "401 invalid_client", &m, "Only the client the token was issued to may revoke it.".into(), vec![SpecRef::rfc(7009, "2.2.1", "Error Response")]);
        }
    }

    /// The token endpoint's 401 invalid_client, after the check that failed.
    fn refuse_client(&mut self, lane: usize, mut fields: Vec<Field>) {
        fields.push(Self::field("result", "✗ invalid_client", ""));
        self.local(AS, "refused: invalid_client", fields, Self::INVALID_CLIENT.into(), vec![SpecRef::rfc(6749, "5.2", "Error Response")]);
        self.token_response(lane, &TokenAnswer::Error { status: 401, error: "invalid_client", description: "Client authentication failed".into() });
        self.t.summary.push("Refused: the client's credentials are wrong.".into());
    }

    /// The client credentials grant: a back end gets a token for itself.
    pub(super) fn client_credentials(&mut self) {
        let lane = BACK;
        let scope = self.s.scope.clone();
        let auth = if self.s.client == ClientKind::Spa { ClientAuth::None } else { self.s.effective_auth() };
        let secret = self.token_post(lane, "/token", vec![("grant_type", "client_credentials".into()), ("scope", scope.clone())], auth, "POST /token client_credentials", "A nightly job on the app's server needs the photo API for itself, not for a user. It asks for a token with its own credentials only: there is no browser, no redirect and no person.".into(), vec![SpecRef::rfc(6749, "4.4.2", "Access Token Request")]);
        let mut fields = Vec::new();
        if self.s.client == ClientKind::Spa {
            fields.push(Self::field("client", "public", "cannot keep a secret"));
            fields.push(Self::field("result", "✗ unauthorized_client", ""));
            self.local(AS, "refused: unauthorized_client", fields, "The client credentials grant is only for confidential clients (RFC 6749 section 4.4): a public client's id is known to everyone, so a token for the client itself would be a token for anyone.".into(), vec![SpecRef::rfc(6749, "4.4", "Client Credentials Grant")]);
            self.token_response(lane, &TokenAnswer::Error { status: 400, error: "unauthorized_client", description: "This client may not use this grant type".into() });
            self.t.summary.push("Refused: a public client cannot use client credentials.".into());
            return;
        }
        if !self.client_authenticated(auth, &secret, &mut fields) {
            return self.refuse_client(lane, fields);
        }
        let user_scopes = ["openid", "profile", "email"];
        let granted: Vec<&str> = scope.split(' ').filter(|s| !s.is_empty() && !user_scopes.contains(s)).collect();
        let dropped: Vec<&str> = scope.split(' ').filter(|s| user_scopes.contains(s)).collect();
        let granted = granted.join(" ");
        fields.push(Self::field("scope granted", granted.clone(), if dropped.is_empty() { "" } else { "openid, profile and email are about a user; there is none here" }));
        fields.push(Self::field("result", "✓ token for the client itself", ""));
        self.local(AS, "client authenticated", fields, "The client's credentials are right, so the server issues an access token whose subject is the client itself. No refresh token: the client can always ask again with its credentials (RFC 6749 section 4.4.3). No ID token: no one signed in.".into(), vec![SpecRef::rfc(6749, "4.4.3", "Access Token Response")]);
        let (access, _, _, _) = self.issue((CLIENT_ID, CLIENT_ID), &granted, None, self.clock(), None);
        self.token_response(lane, &TokenAnswer::Tokens { access: access.clone(), id_token: None, refresh: None });
        let served = self.api_call(lane, &access);
        self.t.summary.push(if served { "The job got a token for itself with its own credentials and called the API: no user, no browser, no consent.".into() } else { format!("The token lacks {API_SCOPE}, so the API refused it.") });
    }

    /// The device authorization grant: the TV shows a code, Alice approves on her phone, and the
    /// TV polls until it gets its tokens.
    pub(super) fn device(&mut self) {
        let tv = FRONT;
        let scope = self.s.scope.clone();
        let m = Message::request("POST", "/device_authorization").header("Host", AS_HOST).form(&[("client_id", CLIENT_ID), ("scope", &scope)]);
        self.send(tv, AS, "POST /device_authorization", &m, "The TV app has no browser and no keyboard worth typing a password on. It asks the server to start a sign-in for it.".into(), vec![SpecRef::rfc(8628, "3.1", "Device Authorization Request")]);
        let device_code = self.random(32);
        let user_code = {
            // Eight letters from an alphabet without vowels or look-alikes (RFC 8628 section 6.1).
            const ALPHABET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
            let letters: String = (0..8).map(|_| ALPHABET[(self.rng.next_u32() % ALPHABET.len() as u32) as usize] as char).collect();
            format!("{}-{}", &letters[..4], &letters[4..])
        };
        let body = json!({"device_code": device_code, "user_code": user_code, "verification_uri": format!("{ISSUER}/device"), "verification_uri_complete": format!("{ISSUER}/device?user_code={user_code}"), "expires_in": 600, "interval": INTERVAL_S});
        let m = Message::response(200, "OK").header("Cache-Control", "no-store").body("application/json", body.to_string());
        self.send(AS, tv, "200 device and user codes", &m, format!("Two codes: a long device_code the TV keeps secret and polls with, and a short user_code for a person to type. The TV may poll every {INTERVAL_S} s."), vec![SpecRef::rfc(8628, "3.2", "Device Authorization Response")]);
        self.local(tv, "shows the code", vec![Self::field("screen", format!("Go to id.example.com/device and enter {user_code}"), "or scan the QR code of verification_uri_complete")], "The TV shows the address and the code. Alice does the rest on her phone, where she has a browser, a password manager and her second factor.".into(), vec![SpecRef::rfc(8628, "3.3", "User Interaction")]);
        self.screen(tv, "", "Sign in to photo-app", vec![format!("On your phone, go to {AS_HOST}/device"), format!("and enter {user_code}")], &[], &[], false);

        // Alice's part, as stages interleaved in time with the TV's polls.
        let mut stage = 0;
        let mut user_at = self.at + 8 * 1_000_000;
        let interval = INTERVAL_S;
        let mut device_interval = u64::from(self.s.device_poll_s);
        let mut last_poll = self.at;
        let mut next_poll = self.at + device_interval * 1_000_000;
        let mut approved = false;
        for _ in 0..40 {
            while stage < 3 && user_at <= next_poll {
                self.at = user_at;
                let think = match stage {
                    0 => {
                        let m = Message::request("GET", &format!("/device?user_code={user_code}")).header("Host", AS_HOST);
                        self.send(BROWSER, AS, "GET /device", &m, "Alice opens the address on her phone (the QR code fills in the code).".into(), vec![SpecRef::rfc(8628, "3.3", "User Interaction")]);
                        self.login_page(BROWSER);
                        6
                    }
                    1 => {
                        self.submit_login(BROWSER, ALICE);
                        3
                    }
                    _ => {
                        self.submit_consent(BROWSER, self.s.consent);
                        let page = if self.s.consent { "<!doctype html><title>Done</title><p>Your TV is signed in. You can close this page." } else { "<!doctype html><title>Cancelled</title><p>You did not allow the TV to sign in." };
                        let m = Message::response(200, "OK").header("Cache-Control", "no-store").body("text/html; charset=utf-8", page);
                        self.send(AS, BROWSER, if self.s.consent { "200 device approved" } else { "200 device denied" }, &m, "The server records her answer against the device_code; the TV learns it at its next poll.".into(), vec![SpecRef::rfc(8628, "3.3", "User Interaction")]);
                        self.screen(BROWSER, &format!("{AS_HOST}/device"), if self.s.consent { "Your TV is signed in" } else { "Sign-in cancelled" }, vec![if self.s.consent { "You can close this page.".into() } else { "You did not allow the TV to sign in.".into() }], &[], &[], !self.s.consent);
                        approved = true;
                        0
                    }
                };
                stage += 1;
                user_at = self.at + think * 1_000_000;
            }
            self.at = self.at.max(next_poll);
            let m = Message::request("POST", "/token").header("Host", AS_HOST).form(&[("grant_type", DEVICE_GRANT), ("device_code", &device_code), ("client_id", CLIENT_ID)]);
            self.send(tv, AS, "POST /token (poll)", &m, "The TV asks whether Alice has answered yet.".into(), vec![SpecRef::rfc(8628, "3.4", "Device Access Token Request")]);
            let since = (self.at - last_poll) / 1_000_000;
            last_poll = self.at;
            let (error, why): (&'static str, String) = if since < interval {
                device_interval += 5;
                ("slow_down", format!("The TV polled {since} s after its last request, sooner than the {interval} s asked for. The server answers slow_down, and the TV must add 5 s to its interval for this and every later request (RFC 8628 section 3.5): it now waits {device_interval} s."))
            } else if !approved {
                ("authorization_pending", "Alice has not answered yet: authorization_pending. The TV waits and asks again.".into())
            } else if !self.s.consent {
                ("access_denied", "Alice said no: access_denied, and the TV stops polling.".into())
            } else {
                ("", String::new())
            };
            if error.is_empty() {
                let (access, _, id_token, _) = self.issue(ALICE, &scope, None, self.clock() - 5, None);
                self.local(AS, "device_code approved", vec![Self::field("device_code", device_code.clone(), "approved by alice"), Self::field("result", "✓ tokens", "")], "Alice approved this device_code, so the poll gets the tokens.".into(), vec![SpecRef::rfc(8628, "3.5", "Device Access Token Response")]);
                self.token_response(tv, &TokenAnswer::Tokens { access: access.clone(), id_token, refresh: None });
                self.screen(tv, "", "photo-app", vec!["Signed in as alice".into(), "Alice's photos".into()], &[], &[], false);
                self.api_call(tv, &access);
                self.t.summary.push(format!("The TV signed in without a keyboard: Alice approved on her phone, and the TV, polling every {device_interval} s, got its tokens {:.0} s after it asked.", self.at as f64 / 1e6));
                return;
            }
            let body = json!({"error": error}).to_string();
            let m = Message::response(400, "Bad Request").header("Cache-Control", "no-store").body("application/json", body);
            self.send(AS, tv, &format!("400 {error}"), &m, why, vec![SpecRef::rfc(8628, "3.5", "Device Access Token Response")]);
            if error == "access_denied" {
                self.t.summary.push("Alice denied the TV's request; its polling ends with access_denied.".into());
                return;
            }
            next_poll = self.at + device_interval * 1_000_000;
        }
        self.t.summary.push("The device gave up polling.".into());
    }

    /// The implicit grant, deprecated: the token arrives in the URL's fragment.
    pub(super) fn implicit(&mut self) {
        let url = self.begin(BROWSER);
        let response_type = if self.s.openid() { "id_token+token" } else { "token" };
        let url = url.replacen("response_type=code", &format!("response_type={response_type}"), 1);
        let Ok(query) = self.authorize_request(BROWSER, &url) else {
            self.t.summary.push("The authorization server refused the redirect_uri.".into());
            return;
        };
        self.sign_in_and_consent(BROWSER, ALICE, self.s.consent);
        if !self.s.consent {
            let _ = self.authorization_response(ALICE, &query, false, false);
            self.t.summary.push("Alice denied consent.".into());
            return;
        }
        let location = self.authorization_response(ALICE, &query, true, true);
        let fragment = location.split_once('#').map(|f| f.1).unwrap_or("").to_string();
        let path = location.split('#').next().unwrap_or("").to_string();
        let target = redirect::parse(&path).map(|u| u.resolved_path()).unwrap_or_else(|_| "/callback".into());
        let m = Message::request("GET", &target).header("Host", APP_HOST);
        self.send(BROWSER, FRONT, "GET /callback (no fragment)", &m, "The browser loads the callback page. The request carries no token: a fragment is never sent to the server, nor in a Referer header. That was the implicit grant's whole protection.".into(), vec![SpecRef::rfc(6749, "4.2.2", "Access Token Response")]);
        let access = http::form_value(&fragment, "access_token").unwrap_or_default();
        self.local(FRONT, "reads location.hash", vec![Self::field("access_token", access.clone(), "now in the browser's history, in the address bar, and readable by every script on this page"), Self::field("expires_in", http::form_value(&fragment, "expires_in").unwrap_or_default(), "")], "The app's script reads the token from the fragment. Nothing bound it to this app: no client authentication, no PKCE, and no refresh token (so the next sign-in goes through the redirect again).".into(), vec![SpecRef::rfc(9700, "2.1.2", "Implicit Grant")]);
        self.local(ATTACKER, "a script on the page reads it", vec![Self::field("access_token", access.clone(), "read from location.hash by a third-party script")], "Any script on the callback page (an analytics tag, a compromised dependency) can read location.hash. RFC 9700 says clients should not use the implicit grant: the token leaks through history, scripts and redirects, and cannot be sender-constrained. Use the authorization code with PKCE instead.".into(), vec![SpecRef::rfc(9700, "2.1.2", "Implicit Grant"), SpecRef::rfc(9700, "4.3", "Credential Leakage via Browser History")]);
        let m = Message::request("GET", &format!("/v1/photos?access_token={access}")).header("Host", API_HOST).header("Referer", &format!("https://{APP_HOST}/"));
        self.send(FRONT, RS, "GET /v1/photos?access_token=…", &m, "Some apps of that era also sent the token in the query (RFC 6750 section 2.3, which says not to): there it lands in every server and proxy log, and under Referrer-Policy: unsafe-url (or in an old browser) in the Referer of every link the next page follows.".into(), vec![SpecRef::rfc(6750, "2.3", "URI Query Parameter"), SpecRef::rfc(9700, "4.2", "Credential Leakage via Referer Headers")]);
        let m = Message::response(200, "OK").header("Cache-Control", "no-store").body("application/json", r#"{"photos":[{"id":"p1","title":"Harbour at dawn"},{"id":"p2","title":"Snow on the ridge"}]}"#);
        self.send(RS, FRONT, "200 photos", &m, "Served, and the token is now in the API's access log.".into(), vec![SpecRef::rfc(6750, "2.3", "URI Query Parameter")]);
        self.api_call(ATTACKER, &access);
        self.t.summary.push("Deprecated: the implicit grant put the access token in the URL, where a script on the page, the history and the logs all got it, and the attacker used it. RFC 9700 section 2.1.2: use the authorization code grant with PKCE.".into());
    }

    /// The resource owner password credentials grant, deprecated: the app collects the password.
    pub(super) fn password(&mut self) {
        let lane = self.client_lane();
        let m = Message::request("POST", "/login").header("Host", APP_HOST).form(&[("username", "alice"), ("password", "correct horse battery staple")]);
        self.send(BROWSER, lane, "POST /login (to the app)", &m, "Alice types her identity provider's password into the photo app's own form. The app now knows it, and so does anyone who compromises the app or its logs.".into(), vec![SpecRef::rfc(9700, "2.4", "Resource Owner Password Credentials Grant")]);
        let auth = if lane == FRONT { ClientAuth::None } else { self.s.effective_auth() };
        let scope = self.s.scope.clone();
        let secret = self.token_post(lane, "/token", vec![("grant_type", "password".into()), ("username", "alice".into()), ("password", "correct horse battery staple".into()), ("scope", scope.clone())], auth, "POST /token password", "The app sends Alice's password to the server for tokens. The server cannot tell Alice from anyone who has her password, cannot ask her for a second factor or her consent, and trains her to type this password into any site that asks.".into(), vec![SpecRef::rfc(6749, "4.3.2", "Access Token Request"), SpecRef::rfc(9700, "2.4", "Resource Owner Password Credentials Grant")]);
        let mut fields = Vec::new();
        if !self.client_authenticated(auth, &secret, &mut fields) {
            return self.refuse_client(lane, fields);
        }
        fields.push(Self::field("password", "✓ correct", "checked by the server, seen by the app"));
        self.local(AS, "password checked", fields, "The password is right, so the server issues tokens. RFC 9700 section 2.4: this grant MUST NOT be used. It exists for migrating old apps.".into(), vec![SpecRef::rfc(9700, "2.4", "Resource Owner Password Credentials Grant")]);
        let (access, _, id_token, _) = self.issue(ALICE, &scope, None, self.clock(), None);
        self.token_response(lane, &TokenAnswer::Tokens { access: access.clone(), id_token, refresh: None });
        self.api_call(lane, &access);
        self.t.summary.push("Deprecated: it works, and the photo app now holds Alice's password for every service that trusts this identity provider. RFC 9700 section 2.4: must not be used; the authorization code grant keeps the password on the server's own page.".into());
    }
}
