#!/usr/bin/env bash
# Runs every test layer: core unit, spec-vector, golden and property tests, the purity check,
# the interoperability checks (DNS against dnspython, JWT against PyJWT, TLS captures against
# tshark), then the browser tests
# against the release build served from a sub-path.
source "$(dirname "$0")/setup.sh"
ensure_build_tools
ensure_test_tools
ensure_python_test_tools
cd "$ROOT"
log "native tests (cargo test --workspace)"
cargo test --workspace --quiet
log "DNS interoperability: every message of the DNS runs parsed by dnspython, signatures validated"
python3 tests/dns_interop.py
log "JWT interoperability: tokens signed by Wirelab verified by PyJWT, and the reverse"
python3 tests/jwt_interop.py
log "OAuth interoperability: ID tokens, access tokens and client assertions verified by PyJWT; forms, queries, Basic credentials and PKCE by Python's standard library"
python3 tests/oauth_interop.py
log "Passwords: argon2id, bcrypt and scrypt hashes made by the core, remade byte for byte and verified by argon2-cffi, bcrypt and hashlib"
python3 tests/password_interop.py
log "HTTP/1.1: every message the labs write, and random chunked ones, read by Python's http.client as the core reads them"
python3 tests/http_interop.py
log "HTTP caching: the RFC 9111 core against http-cache-semantics on random header sets (storable, lifetime, age, stale, reuse)"
node tests/cache_interop.mjs
log "CORS: the Fetch Standard core against Chromium itself, on random cross-origin fetches (preflight or not, what is sent, what is blocked and the console line, what the script may read)"
node tests/cors_interop.mjs 1500
log "TLS captures read by tshark: checksums, records, decryption with the key log, the data"
rm -rf "$ROOT/target/tls-captures"
cargo run --quiet -p wirelab-core --example tls_capture -- "$ROOT/target/tls-captures"
python3 tests/tls_wireshark.py "$ROOT/target/tls-captures"
log "TCP captures read by tshark: checksums, and each segment's numbers as the lab labels them"
rm -rf "$ROOT/target/tcp-captures"
cargo run --quiet -p wirelab-core --example tcp_capture -- "$ROOT/target/tcp-captures"
python3 tests/tcp_wireshark.py "$ROOT/target/tcp-captures"
log "DNS captures read by tshark: checksums, and every DNS message with its ID and flag"
rm -rf "$ROOT/target/dns-captures"
cargo run --quiet -p wirelab-core --example dns_capture -- "$ROOT/target/dns-captures"
python3 tests/dns_wireshark.py "$ROOT/target/dns-captures"
build_release
log "browser tests (headless Chromium, release build under /courses/net/wirelab/)"
(cd "$ROOT/tests" && node --test --test-concurrency=1 --test-reporter=spec browser.test.mjs site.test.mjs newcomer.test.mjs ratelimit.test.mjs dns.test.mjs jwt.test.mjs tls.test.mjs oauth.test.mjs cache.test.mjs http.test.mjs cookies.test.mjs hostile.test.mjs)
