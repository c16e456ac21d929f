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
check "export CSV: a header and the 16 demo pledges" [ "$(wc -l <"$work/p.csv")" -eq 17 ]
n export pledges --out "$work/p.xlsx" >/dev/null
check "export XLSX writes a workbook" bash -c "file '$work/p.xlsx' | grep -q 'Excel 2007'"
summary cli
