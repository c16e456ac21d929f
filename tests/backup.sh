#!/usr/bin/env bash
# tests/backup.sh [PG_URL] - backup and restore round trips, and copy.
#
# SQLite: `nsatu backup` of a live database, `nsatu restore` into a new
# file, and the two dumps must be identical.  With a PostgreSQL server URL
# (any database on it): the same with pg_dump/pg_restore into a new
# database, and `nsatu copy` from SQLite to PostgreSQL and back, with the
# audit chain verifying at every step.
set -uo pipefail
cd "$(dirname "$0")/.."
. tests/lib.sh

pg="${1:-}"
bin=/usr/lib/postgresql/15/bin
work=$(mktemp -d)
trap 'kill -9 ${SERVER_PID:-} 2>/dev/null; rm -rf "$work"' EXIT
quiet() { "$@" >>"$work/cmd.log" 2>&1; }

"$NSATU_BIN" demo --db "$work/a.db" >/dev/null 2>&1
echo "a-long-password" | quiet "$NSATU_BIN" user add extra.user --role auditor --password-stdin --db "$work/a.db"
start_server "$work/a.db" "$work/server.log"
check "sqlite: backup of a live database" quiet "$NSATU_BIN" backup --db "$work/a.db" --to "$work/b.db"
check "sqlite: backup refuses to overwrite" bash -c "! '$NSATU_BIN' backup --db '$work/a.db' --to '$work/b.db' >/dev/null 2>&1"
kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null
check "sqlite: restore into a new file" quiet "$NSATU_BIN" restore --from "$work/b.db" --db "$work/c.db"
check "sqlite: restore refuses an existing file" bash -c "! '$NSATU_BIN' restore --from '$work/b.db' --db '$work/c.db' >/dev/null 2>&1"
sqlite3 "$work/a.db" .dump >"$work/a.sql"
sqlite3 "$work/c.db" .dump >"$work/c.sql"
check "sqlite: restored data identical" cmp -s "$work/a.sql" "$work/c.sql"
check "sqlite: restored audit trail verifies" quiet "$NSATU_BIN" audit verify --db "$work/c.db"

if [ -n "$pg" ]; then
  db_url() { local base="${pg%/*}"; echo "$base/$1"; }
  mk() { psql "$pg" -qc "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null 2>&1; }
  dump() { "$bin/pg_dump" --data-only --no-owner "$1" | grep -v -e '^\\restrict' -e '^\\unrestrict' -e '^--'; }
  mk nsatu_bk_a; mk nsatu_bk_b; mk nsatu_bk_c
  check "copy sqlite -> postgresql" quiet "$NSATU_BIN" copy --from "$work/a.db" --to "$(db_url nsatu_bk_a)"
  check "copy refuses a non-empty target" bash -c "! '$NSATU_BIN' copy --from '$work/a.db' --to '$(db_url nsatu_bk_a)' >/dev/null 2>&1"
  check "postgresql: backup" quiet "$NSATU_BIN" backup --db "$(db_url nsatu_bk_a)" --to "$work/pg.dump"
  check "postgresql: restore into an empty database" quiet "$NSATU_BIN" restore --from "$work/pg.dump" --db "$(db_url nsatu_bk_b)"
  check "postgresql: restore refuses a non-empty database" bash -c "! '$NSATU_BIN' restore --from '$work/pg.dump' --db '$(db_url nsatu_bk_b)' >/dev/null 2>&1"
  dump "$(db_url nsatu_bk_a)" >"$work/pa.sql"
  dump "$(db_url nsatu_bk_b)" >"$work/pb.sql"
  check "postgresql: restored data identical" cmp -s "$work/pa.sql" "$work/pb.sql"
  check "copy postgresql -> sqlite" quiet "$NSATU_BIN" copy --from "$(db_url nsatu_bk_b)" --to "$work/d.db"
  # The round trip SQLite -> PostgreSQL -> SQLite keeps every row.
  for t in nations sites coalitions substitution_groups items users audit; do
    a=$(sqlite3 "$work/a.db" "SELECT count(*) FROM $t"); d=$(sqlite3 "$work/d.db" "SELECT count(*) FROM $t")
    check "round trip keeps $t ($a rows)" [ "$a" = "$d" ]
  done
  check "round trip keeps the audit chain head" [ "$(sqlite3 "$work/a.db" 'SELECT hash FROM audit_head')" = "$(sqlite3 "$work/d.db" 'SELECT hash FROM audit_head')" ]
  for d in nsatu_bk_a nsatu_bk_b nsatu_bk_c; do psql "$pg" -qc "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1; done
fi
summary backup
