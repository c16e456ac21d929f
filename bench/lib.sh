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

# The last lines of each log given that is not empty, to stderr: what a
# cleanup trap shows when a benchmark failed.
show_logs() {
  local log
  for log in "$@"; do
    [ -s "$log" ] && { echo "--- last lines of $log:" >&2; tail -n 20 "$log" >&2; }
  done
  return 0
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

# ---- Servers: nsatu and a private nginx. ------------------------------------
# Both need $tmp (the run's directory), and die; nsatu_start needs $NSATU,
# nginx_start $NGINX.  Each sets the caller's pid variable as soon as the
# process exists, so the caller's cleanup trap stops it even when starting
# fails half-way.

# nsatu_start PIDVAR NAME ARGS...: start `$NSATU serve ARGS...` on a port the
# kernel chooses (log in $tmp/NAME.log), wait until /healthz answers, and set
# PIDVAR to its pid and nsatu_base to http://127.0.0.1:PORT.
nsatu_start() {
  local var=$1 name=$2 pid
  shift 2
  "$NSATU" serve --listen 127.0.0.1:0 --port-file "$tmp/$name.port" --log-level warn "$@" \
    >"$tmp/$name.log" 2>&1 &
  pid=$!
  printf -v "$var" %s "$pid"
  # shellcheck disable=SC2016 # expanded by eval in wait_for
  wait_for '[ -s "$tmp/$name.port" ]' 100 "$pid" || die "$name did not start"
  nsatu_base="http://127.0.0.1:$(tr -d '[:space:]' <"$tmp/$name.port")"
  wait_for "curl -fsS --max-time 2 -o /dev/null $nsatu_base/healthz 2>/dev/null" 50 "$pid" ||
    die "$name does not answer on $nsatu_base"
}

# nginx_start CONF PATH: start a private nginx (two workers, keep-alive
# without a request limit, no access log, its files under $tmp) on a random
# high port, and wait until it answers PATH; sets nginx_pid and nginx_port.
# The function CONF PORT prints the rest of the http { } block: types and
# the server { listen 127.0.0.1:PORT; ... }.  nginx cannot report a port the
# kernel chose, so it tries ports nothing answers on until nginx binds one.
# nginx's workers run as nobody: what they serve, and $tmp, must be readable.
nginx_start() {
  local conf=$1 path=$2 port
  mkdir -p "$tmp/nginx/logs"
  nginx_pid='' nginx_port=''
  for _ in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
    {
      cat <<EOF
worker_processes 2;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
EOF
      "$conf" "$port"
      echo "}"
    } >"$tmp/nginx.conf"
    "$NGINX" -c "$tmp/nginx.conf" -p "$tmp/nginx" -e "$tmp/nginx-error.log" 2>"$tmp/nginx-stderr.log" &
    nginx_pid=$!
    if wait_for "curl -fsS --max-time 2 -o /dev/null 'http://127.0.0.1:$port$path' 2>/dev/null" 50 "$nginx_pid"; then
      nginx_port=$port
      return 0
    fi
    stop "$nginx_pid"
    nginx_pid=
  done
  return 1
}

# ---- wrk. -------------------------------------------------------------------
# run_wrk needs $tmp, die, and the settings WARMUP, SECONDS_RUN, THREADS and
# CONNS; the caller's cleanup trap stops $wrk_pid.

# Convert a wrk duration ("812.00us", "4.51ms", "1.02s", "1.50m") to ms.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000;
    else if (u == "m") n *= 60000; else if (u != "ms") exit 1
    printf "%.2f", n }'
}

# wrk_run NAME OUT SECONDS ARGS...: run wrk in the background and wait for
# it, so that a signal reaches the cleanup trap at once instead of after the
# run.
wrk_run() {
  local name=$1 out=$2 secs=$3
  shift 3
  timeout $((secs + 30)) wrk "$@" >"$out" &
  wrk_pid=$!
  wait "$wrk_pid" || die "wrk against $name failed"
  wrk_pid=
}

# run_wrk NAME URL [HEADER...]: a warm-up, then the measured run; prints
# wrk's output and sets rps, p50 and p99 (ms).  Error answers under load end
# the benchmark.
run_wrk() {
  local name=$1 url=$2 out="$tmp/wrk-$1.txt" h raw50 raw99
  local hdr=()
  shift 2
  for h in "$@"; do hdr+=(-H "$h"); done
  if [ "$WARMUP" -gt 0 ]; then
    wrk_run "$name" /dev/null "$WARMUP" -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" "${hdr[@]}" "$url"
  fi
  wrk_run "$name" "$out" "$SECONDS_RUN" -t"$THREADS" -c"$CONNS" -d"${SECONDS_RUN}s" --latency \
    "${hdr[@]}" "$url"
  sed 's/^/    /' "$out"
  if grep -q 'Non-2xx or 3xx responses' "$out"; then
    die "$name answered errors under load: $(grep 'Non-2xx' "$out")"
  fi
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
  raw50=$(awk '$1 == "50%" { print $2 }' "$out")
  raw99=$(awk '$1 == "99%" { print $2 }' "$out")
  if [ -z "$rps" ] || [ -z "$raw50" ] || [ -z "$raw99" ]; then die "cannot read wrk's output for $name"; fi
  p50=$(to_ms "$raw50") || die "unknown latency unit in '$raw50'"
  p99=$(to_ms "$raw99") || die "unknown latency unit in '$raw99'"
}

# verdict VALUE OP TARGET: PASS or MISS (OP is ">=" or "<").
verdict() {
  awk -v x="$1" -v op="$2" -v t="$3" \
    'BEGIN { ok = (op == ">=") ? x >= t : x < t; print ok ? "PASS" : "MISS" }'
}
