#!/usr/bin/env bash
# Runs every test: unit tests, domain integration tests on SQLite and PostgreSQL, server tests over
# HTTP, and browser tests in headless Chromium. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test --release
# scripts/tools goes first: its wasm-opt skips the split build's tiny chunks (see the file).
export PATH="$PWD/scripts/tools:$(npm prefix -g)/bin:$HOME/.cargo/bin:$PATH"
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
log_dir=$(mktemp -d)
trap 'rm -rf "$log_dir"' EXIT

echo "== structure: no import cycles in domain/ and app/, no page importing another page =="
python3 scripts/module_cycles.py domain/src | tail -n 1
python3 scripts/module_cycles.py app/src | tail -n 1
python3 scripts/page_imports.py app/src | tail -n 1
python3 scripts/module_cycles.py domain/src > /dev/null && python3 scripts/module_cycles.py app/src > /dev/null \
  && python3 scripts/page_imports.py app/src > /dev/null

echo "== build (release server and split browser bundle, as shipped) =="
start=$(date +%s)
scripts/build.sh
echo "build took $(( $(date +%s) - start )) s"
target_dir="${CARGO_TARGET_DIR:-target}"
export CRM_BIN="$target_dir/release/crm"

set +e
echo "== bundle size (first load and per chunk, brotli) =="
# The goals, enforced: 300 kB for the first load and 150 kB per file, brotli (scripts/bundle-size.sh's
# defaults). Met since the app's start-up became a split module whose code the splitter groups into
# two files (scripts/splitter); the README's "The browser bundle on a phone" section has the history of the figures.
scripts/bundle-size.sh --no-build 2>&1 | tee "$log_dir/size.log"
size_status=${PIPESTATUS[0]}

echo "== browser tests (headless Chromium, release build) =="
(cd end2end && npm test) 2>&1 | tee "$log_dir/e2e.log"
e2e_status=${PIPESTATUS[0]}

echo "== Rust tests: unit, domain on SQLite and PostgreSQL, server over HTTP =="
cargo test --workspace --no-fail-fast -- --skip policy_agrees_with_the_reference_model 2>&1 | tee "$log_dir/cargo.log"
cargo_status=${PIPESTATUS[0]}
echo "== policy property test (SQL filter vs single-record check vs reference model) =="
cargo test -p domain --test policy_model -- --nocapture 2>&1 | tee "$log_dir/policy.log"
policy_status=${PIPESTATUS[0]}

set -e

rust_pass=$(cat "$log_dir/cargo.log" "$log_dir/policy.log" | grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed' | awk '{s+=$4} END {print s+0}')
rust_fail=$(cat "$log_dir/cargo.log" "$log_dir/policy.log" | grep -Eo '[0-9]+ failed;' | awk '{s+=$1} END {print s+0}')
e2e_pass=$(grep -Eo '^# pass [0-9]+' "$log_dir/e2e.log" | awk '{s+=$3} END {print s+0}')
e2e_fail=$(grep -Eo '^# fail [0-9]+' "$log_dir/e2e.log" | awk '{s+=$3} END {print s+0}')
grep -h "policy property test on" "$log_dir/policy.log" || true
echo "Rust: $rust_pass passed, $rust_fail failed. Browser: $e2e_pass passed, $e2e_fail failed."
echo "$((rust_pass + e2e_pass)) passed, $((rust_fail + e2e_fail)) failed"
grep -h "^first load:\|^largest file:" "$log_dir/size.log" || true
[ "$cargo_status" -eq 0 ] && [ "$policy_status" -eq 0 ] && [ "$e2e_status" -eq 0 ] && [ "$size_status" -eq 0 ]
