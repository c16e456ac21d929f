# tests/lib.sh - shared by the shell test scripts: a server, a login,
# JSON fields, and TAP-like result lines counted into "N passed, M failed".
# Source it; it needs $NSATU_BIN (default build/nsatu).

NSATU_BIN=${NSATU_BIN:-build/nsatu}
t_passed=0
t_failed=0

ok()   { t_passed=$((t_passed + 1)); echo "ok - $*"; }
fail() { t_failed=$((t_failed + 1)); echo "not ok - $*"; }
check() { local what="$1"; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }

# summary NAME: the closing line, and the exit status.
summary() {
  echo "$1: $t_passed passed, $t_failed failed"
  [ "$t_failed" -eq 0 ]
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_server DB LOG [extra flags...]: sets SERVER_PID and BASE.
start_server() {
  local db="$1" log="$2"; shift 2
  local pf; pf=$(mktemp)
  rm -f "$pf"
  "$NSATU_BIN" serve --db "$db" --listen 127.0.0.1:0 --port-file "$pf" --log-level warn "$@" \
    >>"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 200); do
    [ -s "$pf" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "server died; see $log" >&2; return 1; }
    sleep 0.05
  done
  [ -s "$pf" ] || { echo "server did not start; see $log" >&2; return 1; }
  BASE="http://127.0.0.1:$(cat "$pf")"
  rm -f "$pf"
}

# login USER PASSWORD: prints the bearer token.
login() {
  curl -sf -m 10 -X POST "$BASE/api/v1/sessions" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$2\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

# all_keys TOKEN ENTITY KEYFIELD: every key of a list, one per line, via paging.
all_keys() {
  python3 - "$BASE" "$1" "$2" "$3" <<'PY'
import json, sys, urllib.request
base, token, entity, key = sys.argv[1:5]
cursor = None
while True:
    url = f"{base}/api/v1/{entity}?limit=500" + (f"&cursor={cursor}" if cursor else "")
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
    page = json.load(urllib.request.urlopen(req, timeout=30))
    for item in page["items"]:
        print(item[key])
    cursor = page["next_cursor"]
    if not cursor:
        break
PY
}
