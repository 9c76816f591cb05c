#!/usr/bin/env bash
# The release build as shipped: the split browser bundle, then the server. The one place that
# builds them, for the run command, the test command and the size benchmark.
#
# The browser bundle is compiled with the standard library built for it (-Zbuild-std, from the
# toolchain's rust-src) so that three settings reach std and core too:
# - panics abort at once (-Cpanic=immediate-abort): no panic messages, locations or formatting
#   in the download; a bug still stops the module with a trap in the console;
# - panic locations carry no file names (-Zlocation-detail=none);
# - `{:?}` prints nothing (-Zfmt-debug=none): the browser shows no Debug output anywhere, and
#   the product must not depend on it (the server keeps it).
# They are unstable flags of the stable 1.95 compiler, allowed by RUSTC_BOOTSTRAP=1 for this one
# cargo call only, so the server and the tests build exactly as before. Together they take 30 kB
# brotli off the main WASM (315 -> 285 kB).
set -euo pipefail
cd "$(dirname "$0")/.."
# scripts/tools goes first: its wasm-opt skips the split build's tiny chunks (see the file).
export PATH="$PWD/scripts/tools:$(npm prefix -g)/bin:$HOME/.cargo/bin:$PATH"
# --split: every page but sign-in, the shell, the landing page and the customer list is its own
# chunk, fetched when first visited.
# The app's start-up is its own split module (`start_app` in app/src/root.rs); the splitter built by
# scripts/setup.sh (scripts/splitter) puts what it needs into the main file up to 822,000 bytes
# (before wasm-opt) and the rest into one part, which keeps both under 150 kB brotli with the fewest
# files, and merges the pages' shared chunks under 10 kB into one part.
export WASM_SPLIT_PRELOAD=start_app WASM_SPLIT_MAIN_BYTES=822000 WASM_SPLIT_PART_BYTES=800000 \
  WASM_SPLIT_SMALL_BYTES=10000
export WASM_SPLIT_STATS="${CARGO_TARGET_DIR:-$PWD/target}/split-modules.tsv"
RUSTC_BOOTSTRAP=1 \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none" \
  cargo leptos build --release --split --frontend-only \
  --lib-cargo-args=-Zbuild-std=std,panic_abort --lib-cargo-args=-Zbuild-std-features=optimize_for_size
cargo leptos build --release --split --server-only
