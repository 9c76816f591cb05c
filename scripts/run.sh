#!/usr/bin/env bash
# Builds and runs the CRM on SQLite with demo data: http://127.0.0.1:3000
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --release
scripts/build.sh
target_dir="${CARGO_TARGET_DIR:-target}"
export DATABASE_URL="${DATABASE_URL:-sqlite://data/crm.db}"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
export CRM_SEED_DEMO_IF_EMPTY="${CRM_SEED_DEMO_IF_EMPTY:-true}"
"$target_dir/release/crm" precompress --site-root "$LEPTOS_SITE_ROOT" > /dev/null
exec "$target_dir/release/crm" serve "$@"
