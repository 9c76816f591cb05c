#!/usr/bin/env bash
# Installs what building (and, with --test, testing) the CRM needs, skipping what is already there.
# Only the package registries are used: crates.io, npm, Debian.
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=false
want_release=false
for arg in "$@"; do
  case "$arg" in
    --test) want_tests=true ;;
    --release) want_release=true ;;
  esac
done

say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The release browser bundle compiles the standard library itself (scripts/build.sh), from the
# toolchain's own sources.
if ! rustup component list --installed 2>/dev/null | grep -q '^rust-src$'; then
  say "adding the rust-src component"
  rustup component add rust-src
fi

# cargo-leptos with one change to its WASM splitter (scripts/splitter/README.md): built from the
# two crates as published on crates.io (checked against their SHA-256) plus the patch there.
LEPTOS_VERSION=0.3.10
# The version the patch gives the build; raise its last number with every change to the patch.
LEPTOS_BUILD="$LEPTOS_VERSION+crm.1"
if ! cargo leptos --version 2>/dev/null | grep -qF "$LEPTOS_BUILD"; then
  say "building cargo-leptos $LEPTOS_BUILD (takes about 15 minutes once)"
  src="$(mktemp -d)"
  while read -r crate version sha256; do
    curl -sSfL --retry 3 -o "$src/$crate.crate" "https://static.crates.io/crates/$crate/$crate-$version.crate"
    echo "$sha256  $src/$crate.crate" | sha256sum --check --quiet
    tar -xzf "$src/$crate.crate" -C "$src"
  done < scripts/splitter/crates.txt
  patch --quiet -d "$src" -p1 < scripts/splitter/chunk-grouping.patch
  cargo install --locked --force --path "$src/cargo-leptos-$LEPTOS_VERSION"
  rm -rf "$src"
fi

# wasm-bindgen's CLI must match the library version in Cargo.lock exactly.
WBG_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WBG_VERSION\$"; then
  say "installing wasm-bindgen-cli $WBG_VERSION"
  cargo install wasm-bindgen-cli --version "$WBG_VERSION"
fi

if $want_release; then
  # Debian's binaryen is too old for current wasm-bindgen output; npm's is not.
  npm_bin="$(npm prefix -g)/bin"
  export PATH="$npm_bin:$PATH"
  if ! wasm-opt --version 2>/dev/null | grep -q "version 1[3-9][0-9]"; then
    say "installing wasm-opt (binaryen 132) from npm"
    npm install -g binaryen@132 --no-audit --no-fund
  fi
fi

if $want_tests; then
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Chromium from Debian"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
  fi
  if [ ! -d end2end/node_modules/playwright-core ]; then
    say "installing the browser test driver (playwright-core, no browser download)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    say "starting the local PostgreSQL"
    if command -v pg_ctlcluster >/dev/null; then
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    fi
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    pg_isready -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is required for the tests" >&2; exit 1; }
  fi
fi
