//! Every HTTP message of every built-in OAuth scenario, for the independent checks in
//! `tests/oauth_interop.py` (PyJWT for the tokens, Python's standard library for the forms,
//! query strings, Basic credentials and PKCE). One JSON object per line.

use serde_json::json;
use wirelab_core::base64url;
use wirelab_core::oauth::{self, run};

fn main() {
    for (id, _, s) in oauth::scenario::presets() {
        let t = oauth::run(&s);
        let messages: Vec<_> = t
            .steps
            .iter()
            .filter(|st| !st.bytes.is_empty())
            .map(|st| json!({"label": st.label, "from": t.actors[st.from].id, "to": t.actors[st.to].id, "bytes": base64url::encode(&st.bytes)}))
            .collect();
        let line = json!({
            "id": id,
            "issuer": run::ISSUER,
            "client_id": run::CLIENT_ID,
            "client_secret": s.client_secret,
            "api_credentials": [run::API_CLIENT.0, run::API_CLIENT.1],
            "api": run::API,
            "token_endpoint": format!("{}/token", run::ISSUER),
            "jwks": run::server_jwks(s.id_token_alg),
            "client_jwks": run::client_public_jwk(),
            "messages": messages,
        });
        println!("{line}");
    }
}
