#!/usr/bin/env bash
# Builds Wirelab and serves it at http://127.0.0.1:8080, installing the toolchain if missing.
source "$(dirname "$0")/setup.sh"
ensure_build_tools
cd "$ROOT"
log "serving at http://127.0.0.1:8080 (Ctrl+C stops)"
exec trunk serve --release --offline --address 127.0.0.1 --port 8080
