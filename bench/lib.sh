# bench/lib.sh - shell helpers the benchmarks share (sourced, not run).

# Stop one process we started: TERM, up to 5 s, then KILL.
stop() {
  local pid=$1
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# Wait up to $2 tenths of a second for command $1 to succeed while process
# $3 is alive.
wait_for() {
  local check=$1 tries=$2 pid=$3
  for _ in $(seq "$tries"); do
    eval "$check" && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
