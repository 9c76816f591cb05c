#!/usr/bin/env bash
# Times the whole dashboard page as a browser gets it: the release server on a `bench-data`
# database, a reader signed in, the server-rendered /reports HTML fetched complete with curl.
# Prints p50 / p95 per period. The dashboard's domain figures alone are in the sales_lists bench.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench scripts/bench-dashboard-page.sh
#
# CRM_BIN (release binary), CRM_SITE (built site root), CRM_BENCH_LOGIN (default: the first
# finance head of bench-data), CRM_BENCH_RUNS (20) and CRM_BENCH_QUERIES (space-separated
# /reports queries; default: the group this month and this year) change what is measured.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to a database filled by crm bench-data}"
target_dir="${CARGO_TARGET_DIR:-target}"
bin="${CRM_BIN:-$target_dir/release/crm}"
site="${CRM_SITE:-$target_dir/site}"
login="${CRM_BENCH_LOGIN:-head00009}"
runs="${CRM_BENCH_RUNS:-20}"
port=3399
base="http://127.0.0.1:$port"
month=$(date -u +%Y-%m)
year=$(date -u +%Y)
queries="${CRM_BENCH_QUERIES:-unit=1&kind=month&value=$month unit=1&kind=year&value=$year}"

work=$(mktemp -d)
DATABASE_URL="$DATABASE_URL" CRM_LISTEN="127.0.0.1:$port" LEPTOS_SITE_ROOT="$site" "$bin" serve > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do curl -s -o /dev/null "$base/" && break; sleep 1; done
# The jobs that run at start-up (recycling scan, overdue flags) would be measured too.
sleep "${CRM_BENCH_SETTLE_SECONDS:-40}"
status=$(curl -s -c "$work/cookies" -o /dev/null -w '%{http_code}' -X POST --data-urlencode "login=$login" --data-urlencode "password=bench1234" "$base/api/sign_in")
[ "$status" = 200 ] || { echo "signing in as $login failed: HTTP $status" >&2; exit 1; }

echo "| page | bytes | runs | p50 ms | p95 ms |"
echo "|---|---:|---:|---:|---:|"
for q in $queries; do
  bytes=$(curl -s -b "$work/cookies" "$base/reports?$q" | wc -c)
  for _ in $(seq 1 "$runs"); do
    curl -s -b "$work/cookies" -o /dev/null -w '%{time_total}\n' "$base/reports?$q"
  done | sort -n | awk -v q="/reports?$q" -v bytes="$bytes" '
    { t[NR] = $1 * 1000 }
    END { p50 = t[int((NR - 1) * 0.50) + 1]; p95 = t[int((NR - 1) * 0.95) + 1];
          printf "| %s | %d | %d | %.1f | %.1f |\n", q, bytes, NR, p50, p95 }'
done
