# Sourced by serve.sh, test.sh and bench.sh: installs what the build and tests need, from the
# package registries only, and does nothing for what is already installed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
TRUNK_VERSION="0.21"          # trunk 0.22 needs a newer rustc than these machines have
BINARYEN_VERSION="132.0.0"    # Debian's binaryen is too old: its output fails to start
TERSER_VERSION="5.51.2"       # minifies wasm-bindgen's glue JS (Trunk leaves it as written)

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
  # The release wasm is built with nightly's build-std (docs/site.md): the machines come with
  # a nightly toolchain; its standard library's source is one rustup component.
  if rustup toolchain list 2>/dev/null | grep -q '^nightly' \
     && ! rustup +nightly component list --installed 2>/dev/null | grep -qx 'rust-src'; then
    log "adding rust-src to the nightly toolchain (for the release wasm's build-std)"
    rustup component add rust-src --toolchain nightly
  fi
  if [ "$(wasm-opt --version 2>/dev/null | awk '{print $3}')" != "${BINARYEN_VERSION%%.*}" ]; then
    log "installing wasm-opt (npm binaryen $BINARYEN_VERSION)"
    npm install --silent --no-audit --no-fund --prefix "$ROOT/.tools" "binaryen@$BINARYEN_VERSION"
  fi
  if [ "$(terser --version 2>/dev/null | awk '{print $2}')" != "$TERSER_VERSION" ]; then
    log "installing terser $TERSER_VERSION (npm, the glue JS minifier)"
    npm install --silent --no-audit --no-fund --prefix "$ROOT/.tools" "terser@$TERSER_VERSION"
  fi
}

ensure_test_tools() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    log "installing Debian's chromium and chromium-driver"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
  # Wireshark's tshark reads the labs' packet captures and decrypts TLS with their key logs.
  if ! command -v tshark >/dev/null; then
    log "installing Debian's tshark"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends tshark >/dev/null
  fi
  if [ ! -d "$ROOT/tests/node_modules/playwright-core" ] || [ ! -d "$ROOT/tests/node_modules/axe-core" ] \
     || [ ! -d "$ROOT/tests/node_modules/http-cache-semantics" ] \
     || [ "$ROOT/tests/package-lock.json" -nt "$ROOT/tests/node_modules/.package-lock.json" ]; then
    log "installing the browser-test packages (npm ci)"
    (cd "$ROOT/tests" && npm ci --silent --no-audit --no-fund)
  fi
}

ensure_python_test_tools() {
  if ! python3 -c "import dns.version, cryptography, jwt, argon2, bcrypt, importlib.metadata as m, sys; sys.exit(dns.version.version != '2.9.2' or cryptography.__version__ != '50.0.2' or jwt.__version__ != '2.15.1' or m.version('argon2-cffi') != '25.1.0' or bcrypt.__version__ != '5.0.0')" 2>/dev/null; then
    log "installing dnspython, cryptography, PyJWT, argon2-cffi and bcrypt (PyPI) for the interoperability tests"
    python3 -m pip install --quiet --disable-pip-version-check -r "$ROOT/tests/requirements.txt"
  fi
}

# The site (docs/site.md): the home page at the root and each lab's page in a folder named by
# its id, each page its own Trunk build with its own wasm. A lab's page is a binary in src/bin.
lab_pages() {
  (cd "$ROOT/src/bin" && ls -- *.rs | sed 's/\.rs$//' | sort)
}

# The separately loaded cryptography (src/ext.rs, core/src/ext.rs): one crate each in ext/
# (and ext/worker.js, the worker the password hashing runs in).
ext_crates() {
  (cd "$ROOT/ext" && ls -d -- */ | sed 's#/$##' | sort)
}

# Builds each extension's wasm into target/site/ext/<id>-<hash>.js and _bg.wasm (the hash is
# of the wasm, so a changed extension gets a new name), with the same compile settings as the
# pages, then wasm-bindgen and wasm-opt -Oz as Trunk runs them for a page. Run in release_env.
build_exts() {
  local id raw hash out="$ROOT/target/site/ext"
  rm -rf "$out" && mkdir -p "$out"
  for id in $(ext_crates); do
    log "building the $id extension (cargo, wasm-bindgen, wasm-opt -Oz)"
    cargo build --release --target wasm32-unknown-unknown -p "wirelab-ext-$id" --lib --quiet
    raw="$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/wirelab_ext_$id.wasm"
    # An extension with a Leptos view links wasm-streams' classes too (see build_release).
    python3 "$ROOT/scripts/drop_exports.py" 'intounderlying' "$raw" >/dev/null
    hash="$(sha256sum "$raw" | cut -c1-16)"
    wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name "$id-$hash" "$raw"
    wasm-opt -Oz "$out/$id-${hash}_bg.wasm" -o "$out/$id-${hash}_bg.wasm"
    minify_glue "$out/$id-$hash.js"
  done
  # The worker that runs the hash extension off the page's thread (ext/worker.js).
  hash="$(sha256sum "$ROOT/ext/worker.js" | cut -c1-16)"
  cp "$ROOT/ext/worker.js" "$out/worker-$hash.js"
  minify_glue "$out/worker-$hash.js"
}

# wasm-bindgen's glue JS, minified in place (Trunk minifies HTML and CSS but not this file):
# about 48 kB to 22 kB, 8 to 6 kB of gzip, per page. Property names are kept, so the names the
# wasm imports by are unchanged.
minify_glue() {
  terser "$1" --module --compress --mangle --output "$1.min" && mv "$1.min" "$1"
}

# Writes .pages/<page>/index.html from index.html: the page's name, its binary, paths one
# folder deeper, the list of lab pages for the routing script, and where each extension is.
write_pages() {
  local labs list page dir bin metas js root
  labs="$(lab_pages)"
  metas=""
  for js in $(cd "$ROOT/target/site/ext" 2>/dev/null && ls -- *.js 2>/dev/null); do
    metas="$metas<meta name=\"wirelab-ext-${js%%-*}\" content=\"ROOT/ext/$js\">"
  done
  list="$(printf "'%s', " $labs | sed 's/, $//')"
  rm -rf "$ROOT/.pages"
  for page in home $labs; do
    dir="$ROOT/.pages/$page"
    mkdir -p "$dir"
    bin="$page"; [ "$page" = home ] && bin=wirelab
    root="."; [ "$page" = home ] || root=".."
    sed -e "s/var LABS = \[[^]]*\];/var LABS = [$list];/" \
        -e "s#<meta name=\"color-scheme\"#${metas//ROOT/$root}<meta name=\"color-scheme\"#" \
        -e "s/data-page=\"home\"/data-page=\"$page\"/" \
        -e "s/data-bin=\"wirelab\"/data-bin=\"$bin\"/" \
        -e 's#href="Cargo.toml"#href="../../Cargo.toml"#' \
        -e 's#href="style/main.css"#href="style.css"#' \
        -e 's#href="sw.js"#href="../../sw.js"#' \
        "$ROOT/index.html" > "$dir/index.html"
    # Each page's stylesheet: the shared rules, then its lab's own (style/labs/<lab>.css), so a
    # page never downloads another lab's styles.
    cat "$ROOT/style/main.css" > "$dir/style.css"
    [ -f "$ROOT/style/labs/$page.css" ] && cat "$ROOT/style/labs/$page.css" >> "$dir/style.css"
    # Only the root carries the service worker.
    [ "$page" = home ] || sed -i '/rel="copy-file" href="..\/..\/sw.js"/d' "$dir/index.html"
  done
}

# How the release wasm is compiled (docs/site.md explains each part and what it saves):
# Leptos's erased components (one view type instead of one per component), and where the
# nightly toolchain is present, the standard library rebuilt with panics that abort at once
# (no panic messages or formatting machinery in the wasm). Trunk runs cargo with the same
# settings, so it finds the binaries already built.
release_env() {
  export RUSTFLAGS="--cfg erase_components"
  if rustup +nightly component list --installed 2>/dev/null | grep -qx 'rust-src'; then
    export RUSTUP_TOOLCHAIN=nightly
    export CARGO_UNSTABLE_BUILD_STD="std,panic_abort"
    # The standard library's smaller variants of sort and friends (DNS page: 273 -> 270 kB).
    export CARGO_UNSTABLE_BUILD_STD_FEATURES="optimize_for_size"
    export RUSTFLAGS="$RUSTFLAGS -Zunstable-options -Cpanic=immediate-abort"
    # Its own target folder, so native and release builds never invalidate each other.
    export CARGO_TARGET_DIR="$ROOT/target/release-wasm"
  else
    log "no nightly toolchain with rust-src: building with stable (each page about 20% larger)"
    export CARGO_TARGET_DIR="$ROOT/target/release-wasm-stable"
  fi
}

build_release() {
  local page labs
  labs="$(lab_pages)"
  (release_env && cd "$ROOT" && build_exts)
  write_pages
  (
    release_env
    log "building every page's wasm (cargo, release, $(echo home $labs | wc -w) binaries, ${RUSTUP_TOOLCHAIN:-stable})"
    cd "$ROOT" && cargo build --release --target wasm32-unknown-unknown --bins --quiet
    # wasm-streams' classes, which Leptos links and no page calls (scripts/drop_exports.py).
    python3 "$ROOT/scripts/drop_exports.py" 'intounderlying' \
      $(for bin in wirelab $labs; do echo "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/$bin.wasm"; done) >/dev/null
    for page in home $labs; do
      log "packing the $page page (trunk, offline, wasm-opt -Oz)"
      trunk build --release --offline --dist "$ROOT/target/site/$page" "$ROOT/.pages/$page/index.html"
      minify_glue "$(ls "$ROOT/target/site/$page"/*.js | grep -v '/sw\.js$')"
    done
  )
  rm -rf "$ROOT/dist"
  cp -r "$ROOT/target/site/home" "$ROOT/dist"
  for page in $labs; do cp -r "$ROOT/target/site/$page" "$ROOT/dist/$page"; done
  cp -r "$ROOT/target/site/ext" "$ROOT/dist/ext"
  # The service worker's list of files to keep for offline use, and a version that changes
  # with any of them (asset names carry content hashes; the pages are hashed here).
  local files version
  files="$(cd "$ROOT/dist" && find . -type f ! -name sw.js | sort | sed -e 's#/index\.html$#/#' -e "s#.*#'&'#" | paste -sd, -)"
  version="$(cd "$ROOT/dist" && find . -type f ! -name sw.js | sort | xargs cat | sha256sum | cut -c1-16)"
  sed -i -e "s#^const FILES = \[\];#const FILES = [$files];#" -e "s#^const VERSION = 'dev';#const VERSION = '$version';#" "$ROOT/dist/sw.js"
  log "site assembled in dist/: home and $(echo $labs | wc -w) lab pages"
}
