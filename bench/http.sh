#!/usr/bin/env bash
# bench/http.sh - nsatu's list endpoint against nginx serving the same bytes.
#
# Seeds a database with the demo data and BENCH_ITEMS (100000) extra items,
# serves it with nsatu, takes one 50-row page from the middle of the item
# table (a real keyset seek), and saves its body.  nginx then serves that
# body as a static file, which is the ceiling for "an HTTP/1.1 server on
# these two cores answering this response".  wrk drives both with the same
# load; the script prints req/s and p99 latency for each, the ratio, and
# whether nsatu meets its targets.
#
# A measurement, not a test: a missed target still exits 0.  It exits
# non-zero only when the benchmark itself could not run.
#
# Run through `make bench-http`, which builds build/nsatu and build/bench-seed.
# Environment: BENCH_SECONDS (10), BENCH_WARMUP (2), BENCH_CONNECTIONS (64),
# BENCH_THREADS (2), BENCH_ITEMS (100000), BENCH_PG (1: also measure nsatu on
# a throwaway PostgreSQL 15 cluster started with tests/pg-cluster; 0: skip).
set -euo pipefail

cd "$(dirname "$0")/.."

SECONDS_RUN=${BENCH_SECONDS:-10}
WARMUP=${BENCH_WARMUP:-2}
CONNS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-2}
ITEMS=${BENCH_ITEMS:-100000}
RATIO_TARGET=0.30
P99_TARGET_MS=10

NSATU=build/nsatu
SEED=build/bench-seed
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}

die() { echo "bench-http: $*" >&2; exit 1; }

for tool in curl jq wrk awk "$NGINX" "$NSATU" "$SEED"; do
  command -v "$tool" >/dev/null 2>&1 || die "missing $tool (run make bench-http; scripts/deps installs wrk and nginx-light)"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nsatu-bench.XXXXXX")
nsatu_pid=
pg_nsatu_pid=
nginx_pid=
wrk_pid=
pg_started=

# stop, wait_for, cpu_busy, nsatu_start, nginx_start, run_wrk, verdict
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop "$wrk_pid"
  stop "$nginx_pid"
  stop "$nsatu_pid"
  stop "$pg_nsatu_pid"
  [ -n "$pg_started" ] && tests/pg-cluster stop "$tmp/pg" >/dev/null 2>&1
  [ "$rc" -ne 0 ] && show_logs "$tmp"/nsatu.log "$tmp"/nginx-error.log "$tmp"/nginx-stderr.log
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM


# ---- nsatu: seed, start, log in, take a page from the middle. -------------

echo "== seeding $ITEMS items"
"$SEED" "$tmp/bench.db" "$ITEMS"

nsatu_start nsatu_pid nsatu --db "$tmp/bench.db" --threads 2
base=$nsatu_base

token=$(curl -fsS --max-time 10 -X POST "$base/api/v1/sessions" \
  -H 'Content-Type: application/json' \
  -d '{"username":"planner","password":"demo-planner-2026"}' | jq -er .token) ||
  die "login as planner failed"
auth="Authorization: Bearer $token"

# Walk 500-row pages to the middle of the table for a real cursor.
cursor=
walked=0
while [ $((walked + 500)) -le $((ITEMS / 2)) ]; do
  url="$base/api/v1/items?limit=500${cursor:+&cursor=$cursor}"
  cursor=$(curl -fsS --max-time 10 -H "$auth" "$url" | jq -er .next_cursor) ||
    die "walking the item list failed at row $walked"
  walked=$((walked + 500))
done
[ -n "$cursor" ] || die "too few items to seek into (BENCH_ITEMS=$ITEMS)"
path="/api/v1/items?limit=50&cursor=$cursor"

mkdir -p "$tmp/www"
status=$(curl -sS --max-time 10 -H "$auth" -o "$tmp/www/page.json" -w '%{http_code}' "$base$path") ||
  die "fetching $path failed"
[ "$status" = 200 ] || die "GET $path answered $status: $(head -c 300 "$tmp/www/page.json")"
count=$(jq -e '.items | length' "$tmp/www/page.json") || die "the page is not JSON"
[ "$count" = 50 ] || die "the page has $count items, not 50"
first=$(jq -r '.items[0].code' "$tmp/www/page.json")
echo "== page: 50 items from $first after $walked rows, $(wc -c <"$tmp/www/page.json") bytes"

# ---- nginx: a private instance serving the same body. ----------------------

chmod 755 "$tmp" "$tmp/www"
chmod 644 "$tmp/www/page.json"

# The rest of nginx's http { } block (nginx_start writes the shared part).
page_conf() {
  cat <<EOF
  types { }
  default_type application/json;
  server {
    listen 127.0.0.1:$1;
    root $tmp/www;
    location = /api/v1/items { try_files /page.json =404; }
  }
EOF
}
nginx_start page_conf "$path" || die "nginx did not start"
cmp -s <(curl -fsS --max-time 10 "http://127.0.0.1:$nginx_port$path") "$tmp/www/page.json" ||
  die "nginx does not serve the saved page"

# ---- Measure. -------------------------------------------------------------

# Both servers and wrk share this machine's CPUs, so other work skews the
# figures: sample how busy the CPUs are for a second while ours are idle.
busy=$(cpu_busy)
if [ "$busy" -gt 10 ]; then
  echo "bench-http: warning: the CPUs were ${busy} % busy with other work before measuring; the figures will be noisy" >&2
fi

echo "== nsatu: wrk -t$THREADS -c$CONNS -d${SECONDS_RUN}s"
run_wrk nsatu "$base$path" "$auth"
nsatu_rps=$rps nsatu_p99=$p99
echo "== nginx: wrk -t$THREADS -c$CONNS -d${SECONDS_RUN}s"
run_wrk nginx "http://127.0.0.1:$nginx_port$path"
nginx_rps=$rps nginx_p99=$p99

# ---- nsatu on PostgreSQL: the same data, the same page. ---------------------

pg_rps= pg_p99=
if [ "${BENCH_PG:-1}" = 1 ]; then
  echo "== PostgreSQL: a throwaway cluster, seeding $ITEMS items"
  chmod 755 "$tmp"
  pg_url=$(tests/pg-cluster start "$tmp/pg") || die "PostgreSQL did not start"
  pg_started=1
  "$SEED" "$pg_url" "$ITEMS"
  nsatu_start pg_nsatu_pid nsatu-pg --db "$pg_url" --threads 2
  pg_base=$nsatu_base
  pg_token=$(curl -fsS --max-time 10 -X POST "$pg_base/api/v1/sessions" \
    -H 'Content-Type: application/json' \
    -d '{"username":"planner","password":"demo-planner-2026"}' | jq -er .token) ||
    die "login on PostgreSQL failed"
  cmp -s <(curl -fsS --max-time 10 -H "Authorization: Bearer $pg_token" "$pg_base$path") \
    "$tmp/www/page.json" || die "nsatu on PostgreSQL does not serve the same page"
  echo "== nsatu on PostgreSQL: wrk -t$THREADS -c$CONNS -d${SECONDS_RUN}s"
  run_wrk nsatu-pg "$pg_base$path" "Authorization: Bearer $pg_token"
  pg_rps=$rps pg_p99=$p99
  stop "$pg_nsatu_pid"
  pg_nsatu_pid=
fi

# ---- Report. --------------------------------------------------------------

ratio=$(awk -v a="$nsatu_rps" -v b="$nginx_rps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')

echo
echo "HTTP benchmark: GET /api/v1/items?limit=50&cursor=... ($ITEMS items, $CONNS connections, ${SECONDS_RUN}s, $(nproc) CPUs, ${busy} % CPU busy before)"
printf '  %-8s %12s %10s\n' server req/s "p99 ms"
printf '  %-8s %12.0f %10.2f\n' nsatu "$nsatu_rps" "$nsatu_p99"
printf '  %-8s %12.0f %10.2f\n' nginx "$nginx_rps" "$nginx_p99"
[ -n "$pg_rps" ] && printf '  %-8s %12.0f %10.2f\n' nsatu-pg "$pg_rps" "$pg_p99"
echo "SQLite:     ratio nsatu/nginx req/s = $ratio (target >= $RATIO_TARGET) $(verdict "$ratio" '>=' "$RATIO_TARGET")"
echo "SQLite:     p99 nsatu = $nsatu_p99 ms (target < $P99_TARGET_MS ms at $CONNS connections) $(verdict "$nsatu_p99" '<' "$P99_TARGET_MS")"
if [ -n "$pg_rps" ]; then
  pg_ratio=$(awk -v a="$pg_rps" -v b="$nginx_rps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
  echo "PostgreSQL: ratio nsatu/nginx req/s = $pg_ratio (target >= $RATIO_TARGET) $(verdict "$pg_ratio" '>=' "$RATIO_TARGET")"
  echo "PostgreSQL: p99 nsatu = $pg_p99 ms (target < $P99_TARGET_MS ms at $CONNS connections) $(verdict "$pg_p99" '<' "$P99_TARGET_MS")"
fi
