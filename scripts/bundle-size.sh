#!/usr/bin/env bash
# The size benchmark of the browser bundle: builds the release bundle (skip with --no-build when
# it was just built), writes its brotli and gzip copies, prints every file's raw / gzip / brotli
# bytes and what a newcomer downloads to reach an interactive sign-in page and customer list.
# Exits non-zero when the first load is over 300 kB brotli or a file is over 150 kB brotli.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" != "--no-build" ]; then
  scripts/setup.sh --release --test
  scripts/build.sh
fi
bin="${CARGO_TARGET_DIR:-target}/release/crm"
"$bin" precompress --site-root target/site > /dev/null
CRM_BIN="$bin" LEPTOS_SITE_ROOT=target/site node end2end/bundle-size.js
