#!/usr/bin/env bash
# tests/ha.sh - high availability with PostgreSQL streaming replication.
#
# Starts a primary and a synchronous hot standby (docs/operations.md shows
# the same set-up), serves nsatu on a multi-host URL with
# target_session_attrs=read-write, writes through it, kills the primary
# with SIGKILL, promotes the standby, keeps writing, and proves that every
# write nsatu acknowledged is on the new primary.
set -uo pipefail
cd "$(dirname "$0")/.."
. tests/lib.sh

bin=/usr/lib/postgresql/15/bin
work=$(mktemp -d /tmp/nsatu-ha-XXXXXX)
chmod 755 "$work"
log="$work/server.log"
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  kill -9 ${SERVER_PID:-} $(jobs -p) 2>/dev/null
  for d in primary standby; do
    [ -d "$work/$d" ] && as_pg "$bin/pg_ctl" -D "$work/$d" -m immediate stop >/dev/null 2>&1
  done
  rm -rf "$work"
}
trap cleanup EXIT
[ "$(id -u)" -eq 0 ] && chown postgres: "$work"

p1=$(free_port); p2=$(free_port)
as_pg "$bin/initdb" -D "$work/primary" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
  >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log"; exit 1; }
cat >>"$work/primary/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $p1
unix_socket_directories = '$work'
wal_level = replica
max_wal_senders = 4
synchronous_commit = on
fsync = on
CONF
as_pg "$bin/pg_ctl" -D "$work/primary" -l "$work/primary.log" -w start >/dev/null ||
  { cat "$work/primary.log"; exit 1; }
as_pg "$bin/createdb" -h 127.0.0.1 -p "$p1" -U postgres nsatu
as_pg "$bin/pg_basebackup" -d "host=127.0.0.1 port=$p1 user=postgres application_name=standby1" \
  -D "$work/standby" -R -X stream -c fast >"$work/basebackup.log" 2>&1 || { cat "$work/basebackup.log"; exit 1; }
sed -i "s/^port = $p1/port = $p2/" "$work/standby/postgresql.conf"
as_pg "$bin/pg_ctl" -D "$work/standby" -l "$work/standby.log" -w start >/dev/null ||
  { cat "$work/standby.log"; exit 1; }

# Now make every commit wait for the standby's flush.
psql -h 127.0.0.1 -p "$p1" -U postgres -qc "ALTER SYSTEM SET synchronous_standby_names = 'standby1'" \
  -c "SELECT pg_reload_conf()" >/dev/null

# The standby must be streaming and synchronous before we start.
for _ in $(seq 1 100); do
  state=$(psql -h 127.0.0.1 -p "$p1" -U postgres -Atc \
    "SELECT sync_state FROM pg_stat_replication WHERE application_name='standby1'" 2>/dev/null)
  [ "$state" = sync ] && break
  sleep 0.1
done
check "standby streams synchronously" [ "$state" = sync ]

url="postgresql://postgres@127.0.0.1:$p1,127.0.0.1:$p2/nsatu?target_session_attrs=read-write&connect_timeout=2"
"$NSATU_BIN" demo --db "$url" >"$work/demo.log" 2>&1 || { cat "$work/demo.log"; exit 1; }
start_server "$url" "$log" || exit 1
token=$(login admin demo-admin-2026) || { echo "login failed"; exit 1; }

: >"$work/acked"
writer() {   # id: create records until told to stop
  local id=$1 i=0 code status
  while [ ! -e "$work/stop" ]; do
    code=$(printf 'H-%d-%05d' "$id" "$i")
    status=$(curl -s -m 10 -o /dev/null -w '%{http_code}' -X POST "$BASE/api/v1/coalitions" \
      -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "{\"code\":\"$code\",\"name\":\"ha test\"}") || status=000
    [ "$status" = 201 ] && echo "$code" >>"$work/acked"
    i=$((i + 1))
  done
}
for id in 1 2 3 4; do writer "$id" & done
sleep 3
before=$(wc -l <"$work/acked")
check "writes acknowledged before the failure ($before)" [ "$before" -gt 0 ]

kill -9 "$(head -n 1 "$work/primary/postmaster.pid")"
sleep 1
as_pg "$bin/pg_ctl" -D "$work/standby" -w promote >/dev/null
check "standby promoted" [ "$(psql -h 127.0.0.1 -p "$p2" -U postgres -Atc 'SELECT pg_is_in_recovery()')" = f ]
sleep 4
touch "$work/stop"
wait $(jobs -p | grep -v "^$SERVER_PID$") 2>/dev/null
after=$(wc -l <"$work/acked")
check "nsatu kept serving writes after fail-over ($((after - before)) more)" [ "$after" -gt "$before" ]

all_keys "$token" coalitions code | grep '^H-' | sort >"$work/present"
sort "$work/acked" >"$work/acked.sorted"
missing=$(comm -23 "$work/acked.sorted" "$work/present" | wc -l)
check "all $after acknowledged writes are on the new primary (missing: $missing)" [ "$missing" -eq 0 ]
kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null
if "$NSATU_BIN" audit verify --db "$url" >"$work/verify" 2>&1; then
  ok "audit trail verifies on the new primary"
else
  fail "audit verify: $(cat "$work/verify")"
fi
summary ha
