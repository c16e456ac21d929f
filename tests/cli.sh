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
# 16 from data/demo_pledges.csv, 4 training-seat pledges of the demo's training.
check "export CSV: a header and the 20 demo pledges" [ "$(wc -l <"$work/p.csv")" -eq 21 ]
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
summary cli
