#!/usr/bin/env bash
# Builds and runs the CRM on SQLite with demo data: http://127.0.0.1:3000
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --release
# scripts/tools goes first: its wasm-opt skips the split build's tiny chunks (see the file).
export PATH="$PWD/scripts/tools:$(npm prefix -g)/bin:$HOME/.cargo/bin:$PATH"
# --split: every page but sign-in and the shell is its own chunk, fetched when first visited.
cargo leptos build --release --split
target_dir="${CARGO_TARGET_DIR:-target}"
export DATABASE_URL="${DATABASE_URL:-sqlite://data/crm.db}"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
export CRM_SEED_DEMO_IF_EMPTY="${CRM_SEED_DEMO_IF_EMPTY:-true}"
"$target_dir/release/crm" precompress --site-root "$LEPTOS_SITE_ROOT" > /dev/null
exec "$target_dir/release/crm" serve "$@"
