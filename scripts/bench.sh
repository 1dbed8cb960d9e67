#!/usr/bin/env bash
# Builds the release and measures it: each page's wasm by crate (twiggy), each route's transfer
# against its budget, load time (unthrottled and 4G-throttled),
# step and re-run times in headless Chromium. Prints a table; writes bench-results.json.
source "$(dirname "$0")/setup.sh"
ensure_build_tools
ensure_test_tools
build_release
if ! twiggy --version 2>/dev/null | grep -q '^twiggy 0\.7'; then
  log "installing twiggy 0.7 (the wasm size profiler, once)"
  cargo install twiggy --version "~0.7"
fi
log "what each page's wasm is made of (twiggy, by crate and by lab)"
profiles=()
wasm_dir="$(release_env >/dev/null; echo "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release")"
for page in wirelab $(lab_pages); do
  wasm-bindgen --target web --keep-debug --no-typescript --out-dir "$ROOT/target/profile/$page" "$wasm_dir/$page.wasm"
  twiggy top -n 1000000 --format csv "$ROOT/target/profile/$page/${page}_bg.wasm" > "$ROOT/target/profile/$page.csv"
  profiles+=("$page=$ROOT/target/profile/$page.csv")
done
python3 "$ROOT/scripts/wasm_profile.py" "${profiles[@]}"
(cd "$ROOT/tests" && node bench.mjs)
log "the caching lab's application models: 100,000 requests through each (natively)"
cargo run --release --quiet -p wirelab-core --example cache_bench
