#!/usr/bin/env bash
# Builds the site (every page, docs/site.md) and serves dist/ at http://127.0.0.1:8080, installing
# the toolchain if missing. Any static server will do; Python's is on every machine here.
source "$(dirname "$0")/setup.sh"
ensure_build_tools
build_release
cd "$ROOT"
log "serving dist/ at http://127.0.0.1:8080 (Ctrl+C stops; run again after a change)"
exec python3 -m http.server 8080 --bind 127.0.0.1 --directory "$ROOT/dist"
