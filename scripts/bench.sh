#!/usr/bin/env bash
# Builds the release and measures it: bundle sizes, load time (unthrottled and 4G-throttled),
# step and re-run times in headless Chromium. Prints a table; writes bench-results.json.
source "$(dirname "$0")/setup.sh"
ensure_build_tools
ensure_test_tools
build_release
cd "$ROOT/tests" && node bench.mjs
