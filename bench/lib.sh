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

# Run a command in the background and wait for it, so that a signal reaches
# the cleanup trap at once; its stdout is appended to $tmp/results.
run_job() {
  "$@" >>"$tmp/results" &
  job_pid=$!
  wait "$job_pid" || { job_pid=; die "$* failed"; }
  job_pid=
}

# How busy the CPUs are for a second (other work skews the figures).
cpu_busy() {
  local a b
  a=$(head -n1 /proc/stat 2>/dev/null) || { echo 0; return; }
  sleep 1
  b=$(head -n1 /proc/stat)
  awk -v a="$a" -v b="$b" 'BEGIN {
    na = split(a, x); split(b, y); tot = 0
    for (i = 2; i <= na; i++) tot += y[i] - x[i]
    idle = (y[5] - x[5]) + (y[6] - x[6])
    printf "%.0f", (tot > 0 ? 100 * (tot - idle) / tot : 0) }'
}
