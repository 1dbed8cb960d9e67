#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser of untrusted input (fuzz/, cargo-fuzz and libFuzzer on
# the nightly toolchain). Not part of the test command: run it when a parser changes. The core
# is safe Rust, so no sanitizer: panics and failed checks are what is looked for, and runs are
# several times faster without AddressSanitizer.
#
#   ./scripts/fuzz.sh [seconds per target, default 300] [target ...]
#
# Corpora grow in fuzz/corpus/<target>/ (seeded from the built-in scenarios, test keys and
# zones). An input that breaks a check is copied to fuzz/regressions/<target>/, which the normal
# tests replay (core/tests/fuzz_regressions.rs): commit it with the fix. An input that runs
# longer than 10 s counts as a failure too: the instrumented build runs 50 to 100 times slower
# than the page, so that is a hang or a blow-up, not a slow frame (the benchmark measures those;
# a 2 s limit flagged the JWT lab's ordinary 20 ms application runs). Prints each target's executions, coverage, and the execution at which coverage last
# grew: far below the total means the target had stopped finding new code.
source "$(dirname "$0")/setup.sh"
cd "$ROOT"
seconds="${1:-300}"; shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(links scenario_json jwt_token jwt_keys dns_wire dns_zonefile ratelimit_text forms x509 oauth_uri cache_headers cors http_wire cookies)

if ! rustup toolchain list | grep -q '^nightly'; then
  log "installing the nightly toolchain (libFuzzer needs it)"
  rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version 2>/dev/null | grep -q '^cargo-fuzz 0\.13'; then
  log "installing cargo-fuzz 0.13 (once)"
  cargo install cargo-fuzz --version "~0.13" --locked
fi
log "seeding the corpora from the built-in scenarios"
cargo run --quiet -p wirelab-core --example fuzz_seeds -- "$ROOT/fuzz/corpus"

status=0
summary=""
for t in "${targets[@]}"; do
  log "fuzzing $t for $seconds s"
  mkdir -p "fuzz/corpus/$t" "fuzz/regressions/$t"
  logfile="$ROOT/target/fuzz-$t.log"
  if (cd fuzz && cargo +nightly fuzz run --sanitizer none "$t" "corpus/$t" -- -max_total_time="$seconds" -timeout=10 -print_final_stats=1 -max_len=16384) > "$logfile" 2>&1; then
    result="no failure"
  else
    result="FAILED"; status=1
    for crash in fuzz/artifacts/"$t"/*; do
      [ -f "$crash" ] && cp "$crash" "fuzz/regressions/$t/" && result="$result, kept $(basename "$crash")"
    done
  fi
  # Keep the corpus small: only inputs that add coverage.
  (cd fuzz && cargo +nightly fuzz cmin --sanitizer none "$t" "corpus/$t" > "$ROOT/target/fuzz-$t-cmin.log" 2>&1) || true
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$logfile" | tail -1)"
  cov="$(grep -o 'cov: [0-9]*' "$logfile" | tail -1)"
  # The execution at which the edge count last rose (libFuzzer's status lines: "#N ... cov: C").
  grew="$(awk '/^#[0-9]+\t/ && match($0, /cov: [0-9]+/) { c = substr($0, RSTART + 5, RLENGTH - 5) + 0; if (c > best) { best = c; at = substr($1, 2) } } END { print at }' "$logfile")"
  summary="$summary$(printf '%-16s %12s executions  %-10s last grew at %-10s %s' "$t" "${execs:-?}" "${cov:-cov: ?}" "${grew:-?}" "$result")\n"
done
printf "\n%b" "$summary"
exit $status
