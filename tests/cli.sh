#!/usr/bin/env bash
# tests/cli.sh - the record commands: list, get, create, move, export, with
# roles (--as), exit codes, and the files they write.
set -uo pipefail
cd "$(dirname "$0")/.."
. tests/lib.sh

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="$work/x.db"
n() { "$NSATU_BIN" "$@" --db "$db" 2>>"$work/err.log"; }

"$NSATU_BIN" demo --db "$db" >/dev/null 2>&1 || { echo "demo failed"; exit 1; }
check "list prints the demo nations" [ "$(n list nations | wc -l)" -eq 36 ]
check "list filters" [ "$(n list sites kind=logistics_node | wc -l)" -eq 2 ]
check "get shows a record as JSON" [ "$(n get items ART-M777 | jq -r .name)" = "Towed howitzer M777" ]
id=$(n create requirements '{"nation":"UKR","item":"MED-IFAK","quantity":5,"priority":"P4","needed_by":"2026-09-01","destination":"HP-SIR"}' --as officer.ukr | jq -r .id)
check "create as a recipient officer" [ -n "$id" ] && [ "$id" != null ]
check "move: the officer submits" [ "$(n move requirements "$id" submitted --as officer.ukr | jq -r .status)" = submitted ]
n move requirements "$id" validated --as officer.ukr >/dev/null
check "move: the officer may not validate (exit 1)" [ $? -eq 1 ]
check "move: the planner validates" [ "$(n move requirements "$id" validated | jq -r .status)" = validated ]
n move requirements "$id" cancelled >/dev/null
check "move: cancelling needs a reason (exit 1)" [ $? -eq 1 ]
n create requirements '{"nation":"UKR"' >/dev/null
check "create: broken JSON is a usage error (exit 2)" [ $? -eq 2 ]
n list no_such_things >/dev/null
check "list: an unknown record type is a usage error (exit 2)" [ $? -eq 2 ]
n get users officer.ukr --as liaison.deu >/dev/null
check "get: another nation's user is not found (exit 1)" [ $? -eq 1 ]
n export pledges --out "$work/p.csv" >/dev/null
# 16 from data/demo_pledges.csv, 4 training-seat pledges of the demo's training,
# 3 pledges of the force-development demo (src/io/demo_force.c).
check "export CSV: a header and the 23 demo pledges" [ "$(wc -l <"$work/p.csv")" -eq 24 ]
n export pledges --out "$work/p.xlsx" >/dev/null
check "export XLSX writes a workbook" bash -c "file '$work/p.xlsx' | grep -q 'Excel 2007'"

# ingest: a scanner's log of custody events, in batches, safe to run twice.
ship=$(n list shipments --json | jq -r '[.[] | select(.status == "planned" and .origin == "DEP-FRA")][0].id')
line=$(n list shipment_lines "shipment=$ship" --json | jq -r '.[0].id')
day=$(date -u -d yesterday +%Y-%m-%d)
for i in 1 2 3 4 5; do
  printf '{"id":"0190b000-0000-7000-8000-00000000e00%d","type":"dispatched","at":"%sT0%d:00:00Z","site":"DEP-FRA","shipment":"%s","line":"%s","quantity":10}\n' \
    "$i" "$day" "$i" "$ship" "$line"
done >"$work/scans.jsonl"
out=$(n ingest "$work/scans.jsonl" --batch 2)
check "ingest: three batches with progress" [ "$(grep -c 'of 5 events' <<<"$out")" -eq 3 ]
check "ingest: the line counts what was dispatched" [ "$(n get shipment_lines "$line" | jq -r .dispatched)" = 50 ]
out=$(n ingest "$work/scans.jsonl")
check "ingest again: all already on record" grep -q "Recorded 0 new events.*5 were already on record" <<<"$out"
check "ingest again: nothing changed" [ "$(n get shipment_lines "$line" | jq -r .dispatched)" = 50 ]
printf '{"id":"0190b000-0000-7000-8000-00000000e009","type":"dispatched","at":"%sT09:00:00Z","site":"LN-RZE","shipment":"%s"}\n' "$day" "$ship" >"$work/bad.jsonl"
"$NSATU_BIN" ingest "$work/bad.jsonl" --db "$db" >/dev/null 2>"$work/bad.err"
check "ingest: a refused batch exits 1" [ $? -eq 1 ]
check "ingest: and names the field" grep -q "event 0 .*site: a shipment is dispatched at its origin" "$work/bad.err"
# plan: run the optimiser, review, discard; approval refused once inputs changed.
"$NSATU_BIN" plan run --title "cli run" --db "$db" >"$work/run.out" 2>"$work/run.err"
check "plan run: exit 0, a summary" grep -q "^Plan PLAN-.* (draft) as of" "$work/run.out"
check "plan run: units on time per priority" grep -q "^Units on time: P1 " "$work/run.out"
check "plan run: progress while solving, on stderr" grep -q "solving" "$work/run.err"
plan=$(n plan list --json | jq -r '[.[] | select(.title == "cli run")][0].id')
check "plan list: the demo's plan and this one" [ "$(n plan list --json | jq length)" -eq 2 ]
check "plan show: the summary and the allocations" grep -q "ROUTE" <<<"$(n plan show "$plan")"
check "plan show --json: the plan's result" [ "$(n plan show "$plan" --json | jq -r '.plan.allocations | type')" = array ]
check "plan diff: totals" grep -q "^Totals: " <<<"$(n plan diff "$plan")"
check "plan diff --json: not stale" [ "$(n plan diff "$plan" --json | jq -r .stale)" = false ]
demo_plan=$(n plan list --json | jq -r '[.[] | select(.title != "cli run")][0].id')
n plan approve "$demo_plan" >/dev/null
check "plan approve: refused when the inputs changed (exit 1)" [ $? -eq 1 ]
check "plan approve: says why" grep -q "inputs changed since the plan was run" "$work/err.log"
n plan discard "$plan" >/dev/null
check "plan discard: without --yes a usage error (exit 2)" [ $? -eq 2 ]
check "plan discard --yes" grep -q "discarded" <<<"$(n plan discard "$plan" --reason "cli test" --yes)"
check "plan discard: the reason is kept" [ "$(n get plans "$plan" | jq -r .status_reason)" = "cli test" ]
n plan approve "$plan" >/dev/null
check "plan approve: a discarded plan is final (exit 1)" [ $? -eq 1 ]
n plan run --as-of 2026-02-30 >/dev/null
check "plan run: a bad --as-of (exit 1)" [ $? -eq 1 ]
n plan frobnicate >/dev/null
check "plan: an unknown subcommand is a usage error (exit 2)" [ $? -eq 2 ]
n plan show PLAN-NONE >/dev/null
check "plan show: an unknown plan (exit 1)" [ $? -eq 1 ]
n plan run --as liaison.deu >/dev/null
check "plan run: a liaison officer may not (exit 1)" [ $? -eq 1 ]

summary cli
