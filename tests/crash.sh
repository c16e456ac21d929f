#!/usr/bin/env bash
# tests/crash.sh DB [ROUNDS] - crash durability.
#
# Each round starts `nsatu serve` on DB, runs concurrent writers that create
# records and log each one the server acknowledged (201), kills the server
# with SIGKILL at a random moment, restarts it, and checks that every
# acknowledged record is there, complete, with its audit record, and that
# `nsatu audit verify` passes.  On SQLite the WAL checkpoints after every
# page, so many kills land inside a checkpoint.
set -uo pipefail
cd "$(dirname "$0")/.."
. tests/lib.sh

db="$1"; rounds="${2:-20}"; writers=4
work=$(mktemp -d)
log="$work/server.log"
trap 'kill -9 ${SERVER_PID:-} $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
export NSATU_SQLITE_AUTOCHECKPOINT=1

"$NSATU_BIN" demo --db "$db" >"$work/demo.log" 2>&1 || { cat "$work/demo.log"; exit 1; }
start_server "$db" "$log" || exit 1
token=$(login admin demo-admin-2026) || { echo "login failed"; exit 1; }

writer() {   # round, id: create coalitions until the server dies
  local round=$1 id=$2 i=0 code status
  while :; do
    code=$(printf 'K%02d-%d-%04d' "$round" "$id" "$i")
    status=$(curl -s -m 5 -o /dev/null -w '%{http_code}' -X POST "$BASE/api/v1/coalitions" \
      -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "{\"code\":\"$code\",\"name\":\"crash test $code\"}") || status=000
    case "$status" in
      201) echo "$code" >>"$work/acked" ;;
      000) return 0 ;;                        # server gone
      *) echo "$code $status" >>"$work/unexpected" ;;
    esac
    i=$((i + 1))
  done
}

: >"$work/acked"
for round in $(seq 1 "$rounds"); do
  for id in $(seq 1 $writers); do writer "$round" "$id" & done
  sleep "$(python3 -c 'import random; print(round(random.uniform(0.3, 1.5), 2))')"
  kill -9 "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null
  wait
  start_server "$db" "$log" || { fail "round $round: restart"; break; }

  all_keys "$token" coalitions code | grep '^K' | sort >"$work/present"
  sort "$work/acked" >"$work/acked.sorted"
  missing=$(comm -23 "$work/acked.sorted" "$work/present" | wc -l)
  check "round $round: all $(wc -l <"$work/acked") acknowledged writes present" [ "$missing" -eq 0 ]

  # Nothing half-written: every record has its full body and one audit record.
  audit_creates=$(python3 - "$BASE" "$token" <<'PY'
import json, sys, urllib.request
base, token = sys.argv[1:3]
cursor, n = None, 0
while True:
    url = f"{base}/api/v1/audit?limit=500" + (f"&cursor={cursor}" if cursor else "")
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
    page = json.load(urllib.request.urlopen(req, timeout=30))
    n += sum(1 for r in page["items"] if r["entity"] == "coalitions" and r["action"] == "create"
             and r["entity_id"].startswith("K") and r["after"]["name"] == "crash test " + r["entity_id"])
    cursor = page["next_cursor"]
    if not cursor:
        break
print(n)
PY
)
  check "round $round: every record has its audit record ($audit_creates)" \
    [ "$audit_creates" -eq "$(wc -l <"$work/present")" ]
  kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null
  if "$NSATU_BIN" audit verify --db "$db" >"$work/verify" 2>&1; then
    ok "round $round: audit verify"
  else
    fail "round $round: audit verify: $(cat "$work/verify")"
  fi
  start_server "$db" "$log" || { fail "round $round: restart"; break; }
done
[ -s "$work/unexpected" ] && { fail "unexpected answers:"; head "$work/unexpected"; }
kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null
summary crash
