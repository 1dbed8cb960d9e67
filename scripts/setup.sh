# Sourced by serve.sh, test.sh and bench.sh: installs what the build and tests need, from the
# package registries only, and does nothing for what is already installed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
TRUNK_VERSION="0.21"          # trunk 0.22 needs a newer rustc than these machines have
BINARYEN_VERSION="132.0.0"    # Debian's binaryen is too old: its output fails to start

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root for: $*"; return 1; fi
}

ensure_build_tools() {
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! trunk --version 2>/dev/null | grep -q "trunk $TRUNK_VERSION\."; then
    log "installing trunk $TRUNK_VERSION (several minutes, once)"
    cargo install trunk --version "~$TRUNK_VERSION" --locked
  fi
  # The CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
  local wbg
  wbg="$(grep -A1 '^name = "wasm-bindgen"$' "$ROOT/Cargo.lock" | sed -n 's/^version = "\(.*\)"/\1/p')"
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wbg" ]; then
    log "installing wasm-bindgen-cli $wbg (a few minutes, once)"
    # --locked fails here: a locked dependency version is missing from the registry index.
    cargo install wasm-bindgen-cli --version "$wbg" --force
  fi
  if [ "$(wasm-opt --version 2>/dev/null | awk '{print $3}')" != "${BINARYEN_VERSION%%.*}" ]; then
    log "installing wasm-opt (npm binaryen $BINARYEN_VERSION)"
    npm install --silent --no-audit --no-fund --prefix "$ROOT/.tools" "binaryen@$BINARYEN_VERSION"
  fi
}

ensure_test_tools() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    log "installing Debian's chromium and chromium-driver"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
  if [ ! -d "$ROOT/tests/node_modules/playwright-core" ] || [ ! -d "$ROOT/tests/node_modules/axe-core" ] \
     || [ "$ROOT/tests/package-lock.json" -nt "$ROOT/tests/node_modules/.package-lock.json" ]; then
    log "installing the browser-test packages (npm ci)"
    (cd "$ROOT/tests" && npm ci --silent --no-audit --no-fund)
  fi
}

ensure_python_test_tools() {
  if ! python3 -c "import dns.version, cryptography, jwt, sys; sys.exit(dns.version.version != '2.9.2' or cryptography.__version__ != '50.0.2' or jwt.__version__ != '2.15.1')" 2>/dev/null; then
    log "installing dnspython, cryptography and PyJWT (PyPI) for the interoperability tests"
    python3 -m pip install --quiet --disable-pip-version-check -r "$ROOT/tests/requirements.txt"
  fi
}

build_release() {
  log "building the release (trunk, offline, wasm-opt -Oz)"
  (cd "$ROOT" && trunk build --release --offline)
}
