#!/usr/bin/env bash
# bench/events.sh - custody events through POST /api/v1/events:batch against
# the same rows inserted straight into SQLite.
#
# 1. build/bench-events-client seed: a database with the reference data, the
#    demo logins, and the shipments the event stream needs (not timed).
# 2. nsatu serves it; the client sends BENCH_EVENTS (1 000 000) events with
#    UUIDv7 ids in batches of 10 000 over BENCH_CONNECTIONS (1) keep-alive
#    connections, timing the sending alone (the bodies are built first);
#    then BENCH_V4_EVENTS (100 000) more with random UUIDv4 ids.  Every batch
#    must be accepted whole; a replayed batch must be all duplicates; the
#    first and last shipment must show the events' effect.
# 3. build/bench-events-direct inserts the same rows (bench/events_gen.h
#    makes both streams) into a fresh database with nsatu's schema and the
#    SQLite backend's pragmas, with one prepared INSERT, 10 000 rows per
#    transaction, the same two rounds in the same order.
# 4. With the sqlite3 shell at hand, both databases are compared row by row
#    (every column but recorded_at), and the script prints events/s for
#    both, the ratio and PASS/MISS against the target (API >= 0.3 x direct).
#
# A measurement, not a test: a missed target still exits 0.  It exits
# non-zero only when the benchmark itself could not run or the API refused
# or mangled events.
#
# Run through `make bench-events`.  Environment: BENCH_EVENTS (1000000),
# BENCH_V4_EVENTS (100000; 0 skips the v4 round), both multiples of 10000;
# BENCH_CONNECTIONS (1) client connections; BENCH_THREADS (2) server worker
# threads.
set -euo pipefail

cd "$(dirname "$0")/.."

EVENTS=${BENCH_EVENTS:-1000000}
V4_EVENTS=${BENCH_V4_EVENTS:-100000}
CONNS=${BENCH_CONNECTIONS:-1}
THREADS=${BENCH_THREADS:-2}
RATIO_TARGET=0.30
BATCH=10000
PER_SHIP=500  # events per shipment (EG_PER_SHIP in bench/events_gen.h)

NSATU=build/nsatu
CLIENT=build/bench-events-client
DIRECT=build/bench-events-direct

die() { echo "bench-events: $*" >&2; exit 1; }

for tool in curl awk "$NSATU" "$CLIENT" "$DIRECT"; do
  command -v "$tool" >/dev/null 2>&1 || die "missing $tool (run make bench-events)"
done
for n in "$EVENTS" "$V4_EVENTS"; do
  if ! [[ "$n" =~ ^[0-9]+$ ]] || [ $((n % BATCH)) -ne 0 ]; then
    die "BENCH_EVENTS and BENCH_V4_EVENTS must be multiples of $BATCH"
  fi
done
[ "$EVENTS" -gt 0 ] || die "BENCH_EVENTS must be at least $BATCH"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nsatu-bench-events.XXXXXX")
nsatu_pid=
job_pid=

# stop PID and wait_for CHECK TRIES PID
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop "$job_pid"
  stop "$nsatu_pid"
  [ "$rc" -ne 0 ] && show_logs "$tmp/nsatu.log"
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM




ships=$(((EVENTS + V4_EVENTS) / PER_SHIP))
: >"$tmp/results"

# ---- Seed and serve. ---------------------------------------------------------

echo "== seeding $ships shipments (not timed)"
run_job "$CLIENT" seed "$tmp/api.db" "$tmp/plan" "$ships"

"$NSATU" serve --db "$tmp/api.db" --listen 127.0.0.1:0 --port-file "$tmp/nsatu.port" \
  --log-level warn --threads "$THREADS" >"$tmp/nsatu.log" 2>&1 &
nsatu_pid=$!
# shellcheck disable=SC2016 # expanded by eval in wait_for
wait_for '[ -s "$tmp/nsatu.port" ]' 100 "$nsatu_pid" || die "nsatu did not start"
base="http://127.0.0.1:$(tr -d '[:space:]' <"$tmp/nsatu.port")"
wait_for "curl -fsS --max-time 2 -o /dev/null $base/healthz 2>/dev/null" 50 "$nsatu_pid" ||
  die "nsatu does not answer on $base"

busy=$(cpu_busy)
if [ "$busy" -gt 10 ]; then
  echo "bench-events: warning: the CPUs were ${busy} % busy with other work before measuring; the figures will be noisy" >&2
fi

# ---- The API. ------------------------------------------------------------------

echo "== API: $EVENTS events (UUIDv7) in batches of $BATCH over $CONNS connections"
run_job "$CLIENT" ingest "$base" "$tmp/plan" planner demo-planner-2026 v7 0 "$EVENTS" v7 "$CONNS"
if [ "$V4_EVENTS" -gt 0 ]; then
  echo "== API: $V4_EVENTS more events (UUIDv4)"
  run_job "$CLIENT" ingest "$base" "$tmp/plan" planner demo-planner-2026 v4 "$EVENTS" \
    "$V4_EVENTS" v4 "$CONNS"
fi
# Transactions the server had to run again (SQLite busy): with several
# connections, batches queue on SQLite's write lock.
retries=$(curl -fsS --max-time 10 "$base/metrics" | awk '$1 == "nsatu_db_retries_total" { print $2 }') ||
  retries="?"
stop "$nsatu_pid"
nsatu_pid=

# ---- Direct. -------------------------------------------------------------------

echo "== direct SQLite: the same rows, one prepared INSERT"
rounds=("v7:0:$EVENTS:v7")
[ "$V4_EVENTS" -gt 0 ] && rounds+=("v4:$EVENTS:$V4_EVENTS:v4")
run_job "$DIRECT" "$tmp/direct.db" "$tmp/plan" "${rounds[@]}"

# ---- Same rows? ----------------------------------------------------------------

if command -v sqlite3 >/dev/null 2>&1; then
  cols="id, type, at, site, shipment, line, item, serial, quantity, discrepancy, complete,"
  cols+=" corrects, reason, nation, recorded_by, version"
  diff=$(sqlite3 "$tmp/api.db" "ATTACH '$tmp/direct.db' AS d;
    SELECT (SELECT count(*) FROM main.events), (SELECT count(*) FROM d.events),
      (SELECT count(*) FROM (SELECT $cols FROM main.events EXCEPT SELECT $cols FROM d.events)),
      (SELECT count(*) FROM (SELECT $cols FROM d.events EXCEPT SELECT $cols FROM main.events));") ||
    die "cannot compare the databases"
  IFS='|' read -r n_api n_direct only_api only_direct <<<"$diff"
  want=$((EVENTS + V4_EVENTS))
  echo "== rows: API $n_api, direct $n_direct; differing rows: $only_api / $only_direct"
  if [ "$n_api" != "$want" ] || [ "$n_direct" != "$want" ] || [ "$only_api" != 0 ] ||
    [ "$only_direct" != 0 ]; then
    die "the API and the direct insert did not store the same $want rows"
  fi
else
  echo "== (no sqlite3 shell: rows not compared)"
fi
size_api=$(du -m "$tmp/api.db" | awk '{ print $1 }')
size_direct=$(du -m "$tmp/direct.db" | awk '{ print $1 }')

# ---- Report. -------------------------------------------------------------------

# field PATH LABEL N: field N of the RESULT line of PATH (api/direct) LABEL.
field() { awk -v p="$1" -v l="$2" -v n="$3" '$1 == "RESULT" && $2 == p && $3 == l { print $n }' "$tmp/results"; }
rate() { awk -v e="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? e / s : 0) }'; }
row() {
  local path=$1 label=$2
  local n secs
  n=$(field "$path" "$label" 4)
  secs=$(field "$path" "$label" 5)
  [ -n "$n" ] || die "no result for $path $label"
  printf '  %-8s %10s %9.2f %11s %13s %13s\n' "$path" "$n" "$secs" "$(rate "$n" "$secs")" \
    "$(field "$path" "$label" 6)" "$(field "$path" "$label" 7)"
}
ratio() {
  awk -v a="$(field api "$1" 4)" -v sa="$(field api "$1" 5)" \
    -v d="$(field direct "$1" 4)" -v sd="$(field direct "$1" 5)" \
    'BEGIN { printf "%.2f", (sa > 0 && sd > 0 && d > 0 ? (a / sa) / (d / sd) : 0) }'
}
header() { printf '  %-8s %10s %9s %11s %13s %13s\n' path events seconds events/s "batch p50 ms" "batch max ms"; }

echo
conn_word=connections
[ "$CONNS" = 1 ] && conn_word=connection
echo "Custody events, batches of $BATCH, UUIDv7 ids ($CONNS $conn_word, server --threads $THREADS, $(nproc) CPUs, ${busy} % CPU busy before)"
header
row api v7
row direct v7
r7=$(ratio v7)
verdict=$(awk -v x="$r7" -v t="$RATIO_TARGET" 'BEGIN { print (x >= t ? "PASS" : "MISS") }')
echo "ratio API/direct events/s = $r7 (target >= $RATIO_TARGET) $verdict"
if [ "$V4_EVENTS" -gt 0 ]; then
  echo
  echo "Then $V4_EVENTS events with random UUIDv4 ids, into the same tables (now $EVENTS rows)"
  header
  row api v4
  row direct v4
  echo "ratio API/direct events/s = $(ratio v4)"
  awk -v a4="$(field api v4 4)" -v s4="$(field api v4 5)" -v a7="$(field api v7 4)" \
    -v s7="$(field api v7 5)" -v d4="$(field direct v4 4)" -v t4="$(field direct v4 5)" \
    -v d7="$(field direct v7 4)" -v t7="$(field direct v7 5)" 'BEGIN {
      printf "v4 ids run at %.2f x the v7 rate through the API, %.2f x directly\n",
        (a4 / s4) / (a7 / s7), (d4 / t4) / (d7 / t7) }'
fi
echo "server: ${retries:-?} transactions retried after SQLite busy"
echo "database files: API ${size_api} MB (with the seed data), direct ${size_direct} MB"
