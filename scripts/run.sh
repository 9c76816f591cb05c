#!/usr/bin/env bash
# Builds and runs the CRM on SQLite with demo data: http://127.0.0.1:3000
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --release
export PATH="$(npm prefix -g)/bin:$HOME/.cargo/bin:$PATH"
cargo leptos build --release
target_dir="${CARGO_TARGET_DIR:-target}"
export DATABASE_URL="${DATABASE_URL:-sqlite://data/crm.db}"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
export CRM_SEED_DEMO_IF_EMPTY="${CRM_SEED_DEMO_IF_EMPTY:-true}"
exec "$target_dir/release/crm" serve "$@"
