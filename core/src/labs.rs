//! The catalogue of labs the home page lists. A lab appears here only once it is complete.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabInfo {
    /// The route and permalink id.
    pub id: &'static str,
    pub title: &'static str,
    pub teaser: &'static str,
    pub learn: &'static [&'static str],
    pub rfcs: &'static [&'static str],
}

pub const TCP: LabInfo = LabInfo {
    id: "tcp",
    title: "TCP: a connection, open to close",
    teaser: "The three-way handshake, data and ACKs, loss and retransmission, and the four-way close, as real segment bytes.",
    learn: &[
        "why a connection needs three messages to open, and why the first request is slower",
        "how sequence and acknowledgment numbers count bytes",
        "what happens when a segment is lost, and how the retransmission timer backs off",
        "why the side that closes first waits in TIME-WAIT",
    ],
    rfcs: &["RFC 9293", "RFC 6298", "RFC 5681"],
};

pub const DNS: LabInfo = LabInfo {
    id: "dns",
    title: "DNS: from a name to an address",
    teaser: "Resolution step by step as real RFC 1035 messages: root, TLD and authoritative servers, three caches whose TTLs you can watch run out, and zones you can edit.",
    learn: &[
        "how a resolver walks from the root to the server that knows, and what glue is for",
        "which cache answers a repeated lookup, and what a TTL trades off",
        "how CNAME, MX, PTR, SRV and TXT lookups work, and how NXDOMAIN is cached",
        "why a big answer falls back to TCP, and why random query IDs stop forged answers",
    ],
    rfcs: &["RFC 1034", "RFC 1035", "RFC 2308", "RFC 7766", "RFC 5452"],
};

pub const JWT: LabInfo = LabInfo {
    id: "jwt",
    title: "JWT: decode, verify, sign and break",
    teaser: "Paste any token: see its parts and claims, watch a verifier check it step by step with real cryptography, sign your own, and see the classic attacks succeed against a naive verifier and fail against a strict one.",
    learn: &[
        "what a JWT's three parts hold, and why anyone can read the claims",
        "how a verifier checks the algorithm, the key, the signature and each claim",
        "why alg none, algorithm confusion, keys in the header and weak secrets are attacks",
        "how access and refresh tokens work in an app, and why a JWT cannot be revoked early",
    ],
    rfcs: &["RFC 7519", "RFC 7515", "RFC 7518", "RFC 8725", "RFC 9700"],
};

pub const RATELIMIT: LabInfo = LabInfo {
    id: "ratelimit",
    title: "Rate limiters, side by side",
    teaser: "Seven rate-limiting models on the same traffic, as charts: pick any request and see exactly why it got a 429, with its headers and Redis commands.",
    learn: &[
        "how token and leaky buckets, windows, logs and GCRA differ on bursts and smoothness",
        "why a fixed window lets twice the limit through at a boundary",
        "what X-RateLimit-*, RateLimit and Retry-After tell a client",
        "how per-user and per-IP limits treat users who share an address",
    ],
    rfcs: &["RFC 6585", "RFC 9110", "draft-ietf-httpapi-ratelimit-headers"],
};

pub const TLS: LabInfo = LabInfo {
    id: "tls",
    title: "TLS: the handshake, byte for byte",
    teaser: "A TLS 1.3 or 1.2 connection on a time axis: every handshake message, the key schedule and every encrypted record computed from inputs you edit (identical to RFC 8448 with its inputs), a certificate chain you can break or revoke, and a capture Wireshark decrypts.",
    learn: &[
        "why TLS 1.3 needs only one round trip, and what it encrypts that TLS 1.2 did not",
        "how X25519 and HKDF turn two public keys and the transcript into each direction's keys",
        "what a record's nonce, additional data and tag are, and why a changed byte fails",
        "how a client checks a certificate chain, and what each broken chain looks like",
        "how CRLs, OCSP and stapling tell a client a certificate was revoked, and what each costs",
        "what resumption and 0-RTT save, and why 0-RTT data can be replayed",
    ],
    rfcs: &["RFC 8446", "RFC 5246", "RFC 8448", "RFC 5280", "RFC 6960", "RFC 6066", "RFC 6125", "RFC 7748", "RFC 5869"],
};

pub const OAUTH: LabInfo = LabInfo {
    id: "oauth",
    title: "OAuth 2.0 and OpenID Connect, one redirect at a time",
    teaser: "Sign in with OpenID Connect as every redirect, form post and token request on the wire: the server's checks in order, real signed tokens, and the attacks that state, PKCE and exact redirect matching stop.",
    learn: &[
        "why the code travels through the browser and the tokens do not",
        "what state, nonce and PKCE each bind, and the attack each one stops",
        "how a client checks an ID token, claim by claim",
        "how the server treats a reused code, a wrong secret and an unregistered redirect_uri",
        "how refresh tokens, client credentials and the device grant work, and why implicit and password are deprecated",
    ],
    rfcs: &["RFC 6749", "RFC 7636", "RFC 9700", "RFC 6750", "RFC 9068", "RFC 9207", "OpenID Connect Core 1.0"],
};

pub const CACHE: LabInfo = LabInfo {
    id: "cache",
    title: "Caching: HTTP caches by RFC 9111, and application caches under load",
    teaser: "A browser's cache and a CDN between people and an origin: set the response's Cache-Control, ETag and Vary, send requests over time, and see each cache decide by RFC 9111 whether to store, reuse, revalidate or serve stale, as real HTTP messages. Then an app, a cache and a database under traffic: cache-aside to write-behind, eviction, stampedes and stale reads, charted.",
    learn: &[
        "how max-age, s-maxage, Expires and the heuristic give a response its freshness lifetime",
        "how a cache computes a response's age, and why Age makes a CDN's copy older in your browser",
        "what no-cache, no-store, private, must-revalidate and immutable each change",
        "how a conditional request and a 304 save the body, and what Vary does to the cache key",
        "how stale-while-revalidate and stale-if-error trade freshness for speed and uptime",
        "how cache-aside, read-through, write-through, write-behind and refresh-ahead differ under the same traffic",
        "what a stampede on an expiring hot key costs the database, and how coalescing and early expiration stop it",
    ],
    rfcs: &["RFC 9111", "RFC 9110", "RFC 5861", "RFC 8246"],
};

pub const HTTP: LabInfo = LabInfo {
    id: "http",
    title: "HTTP: a request's journey, methods, status codes, and CORS",
    teaser: "Type a name and press Enter: DNS, TCP, TLS and HTTP on one time axis, with real bytes. The page's other requests as a waterfall over HTTP/1.1, 2 and 3. Methods against a resource server, every status code for its reason, and CORS decided as the browser decides it, with Chromium's own console lines.",
    learn: &[
        "where the time goes before a page's first byte: DNS, the TCP and TLS round trips, the request",
        "why HTTP/2 multiplexes, what HTTP/3 changes under loss, and what a cache, a CDN, bundling and preconnect each save",
        "what safe and idempotent mean, and which status code says the client or the server must change",
        "which calls need a preflight, and what the OPTIONS request and its answer carry",
        "why Access-Control-Allow-Origin: * fails with credentials, and what Vary: Origin is for",
        "that a server acts on a request whose answer the browser then hides, and why CORS does not stop CSRF",
        "how the preflight cache spares a second round trip",
    ],
    rfcs: &["Fetch Standard", "RFC 9110", "RFC 9112", "RFC 9111"],
};

pub const COOKIES: LabInfo = LabInfo {
    id: "cookies",
    title: "Cookies, sessions and sign-in: why a cookie goes or stays, and who it lets in",
    teaser: "Write what the browser does and what each server answers with Set-Cookie: see every cookie stored or refused, attribute by attribute, and for every request which cookies go and why. Then an app's sessions in a Redis store across two devices, and the attacks on them: fixation, CSRF, XSS, a network attacker. And the whole sign-in flow: passwords hashed with real argon2id, bcrypt or scrypt in a worker, access and refresh tokens, and a reset link that works once.",
    learn: &[
        "how a browser reads Set-Cookie, and why it refuses some cookies outright",
        "which requests carry a cookie: Domain, Path, Secure, Max-Age and Expires",
        "what SameSite Strict, Lax and None do on another site's link, form POST and image",
        "how a tracker's third-party cookie follows a person, and what blocking and partitioning change",
        "how a session id in a cookie maps to a session on the server, and how logout and timeouts end it",
        "why HttpOnly, Secure, SameSite, a CSRF token and a new id at sign-in each stop a different attack",
        "what a JWT in a cookie changes: nothing to look up, and nothing to revoke",
        "why passwords are stored with a slow, salted, memory-hard hash, and what one guess costs an attacker",
        "how refresh tokens rotate, why a reused one ends every session, and why a reset link is hashed and works once",
    ],
    rfcs: &["RFC 6265", "RFC 6265bis", "RFC 9106", "RFC 7914", "RFC 9700"],
};

/// Every finished lab, in the order the home page lists them.
pub const LABS: &[LabInfo] = &[TCP, DNS, JWT, RATELIMIT, TLS, OAUTH, CACHE, HTTP, COOKIES];

/// What a page needs to know of every lab to send a link to the right page: its id and title.
/// (A lab's page holds these, not the whole catalogue: each page downloads only its own text.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabName {
    pub id: &'static str,
    pub title: &'static str,
}

const fn name(lab: &LabInfo) -> LabName {
    LabName { id: lab.id, title: lab.title }
}

/// Labs being built: reachable by their route, not listed on the home page until complete.
pub const IN_PROGRESS: &[LabInfo] = &[];

/// The id and title of every lab, finished or in progress, for routing. Computed when the
/// crate is compiled, so a page's wasm holds these two strings of each lab and nothing more.
pub const NAMES: &[LabName] = &{
    const COUNT: usize = LABS.len() + IN_PROGRESS.len();
    let mut names = [LabName { id: "", title: "" }; COUNT];
    let mut i = 0;
    while i < COUNT {
        names[i] = name(if i < LABS.len() { &LABS[i] } else { &IN_PROGRESS[i - LABS.len()] });
        i += 1;
    }
    names
};

/// The whole catalogue entry of the lab called `id` (the home page's).
pub fn find(id: &str) -> Option<&'static LabInfo> {
    LABS.iter().chain(IN_PROGRESS.iter()).find(|l| l.id == id)
}

/// The id and title of the lab called `id`, for routing a link to its page.
pub fn named(id: &str) -> Option<&'static LabName> {
    NAMES.iter().find(|l| l.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_list_every_lab_of_the_catalogue_and_nothing_else() {
        let catalogue: Vec<LabName> = LABS.iter().chain(IN_PROGRESS.iter()).map(name).collect();
        assert_eq!(NAMES, catalogue.as_slice());
        for lab in LABS.iter().chain(IN_PROGRESS.iter()) {
            assert_eq!(named(lab.id), Some(&name(lab)));
            assert_eq!(find(lab.id), Some(lab));
        }
        assert_eq!(named("nope"), None);
    }
}
