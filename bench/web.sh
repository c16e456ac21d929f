#!/usr/bin/env bash
# bench/web.sh - the web UI's static files from nsatu against nginx sending
# the same bytes.
#
# nsatu serves build/web from memory (src/http/static.c), with the gzip
# copies scripts/build-web made.  nginx serves the same folder from disk with
# `gzip_static on` (so it sends the same .gz files), sendfile and an open-file
# cache, and the same cache headers: the ceiling for "an HTTP/1.1 server on
# these two cores sending these files".  wrk, asking for gzip, drives both
# with the same load on three URLs: GET / (index.html), a typical module
# (js/app.js) and the largest file (the map, vendor/countries-50m.json).  The
# script prints req/s, latency and MB/s for each, the ratio nsatu/nginx and
# whether nsatu meets its target, and the bytes a first visit transfers.
#
# A measurement, not a test: a missed target still exits 0.  It exits
# non-zero only when the benchmark itself could not run.
#
# Run through `make bench-web`, which builds build/nsatu and build/web.
# Environment: BENCH_SECONDS (10), BENCH_WARMUP (2), BENCH_CONNECTIONS (8),
# BENCH_THREADS (wrk threads, 2), NGINX (path of the nginx binary).
set -euo pipefail

cd "$(dirname "$0")/.."

SECONDS_RUN=${BENCH_SECONDS:-10}
WARMUP=${BENCH_WARMUP:-2}
CONNS=${BENCH_CONNECTIONS:-8}
THREADS=${BENCH_THREADS:-2}
RATIO_TARGET=0.50

NSATU=build/nsatu
WEB=build/web
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
ACCEPT='Accept-Encoding: gzip'

die() { echo "bench-web: $*" >&2; exit 1; }

for tool in curl wrk awk cmp realpath "$NGINX" "$NSATU"; do
  command -v "$tool" >/dev/null 2>&1 || die "missing $tool (run make bench-web; scripts/deps installs wrk and nginx-light)"
done
[ -f "$WEB/index.html" ] || die "no $WEB/index.html (run make bench-web, which runs make web)"
web_dir=$(cd "$WEB" && pwd)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nsatu-bench.XXXXXX")
nsatu_pid=
nginx_pid=
wrk_pid=

# stop, wait_for, cpu_busy, nsatu_start, nginx_start, run_wrk, verdict
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop "$wrk_pid"
  stop "$nginx_pid"
  stop "$nsatu_pid"
  [ "$rc" -ne 0 ] && show_logs "$tmp"/nsatu.log "$tmp"/nginx-error.log "$tmp"/nginx-stderr.log
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- nsatu: an empty database, the UI from build/web. ----------------------

# The static routes need no data: a database with its first admin will do.
echo 'bench-web-not-a-secret' |
  "$NSATU" init --db "$tmp/web.db" --admin admin --password-stdin >"$tmp/init.log" 2>&1 ||
  die "nsatu init failed: $(tail -n 3 "$tmp/init.log")"
nsatu_start nsatu_pid nsatu --db "$tmp/web.db" --web "$WEB" --threads 2
base=$nsatu_base

# The server stamps its build digest into index.html; nginx sends that page.
mkdir -p "$tmp/www"
curl -fsS --max-time 10 -H "$ACCEPT" -o "$tmp/www/index.html" "$base/" || die "GET / failed"
build=$(grep -oE 'static/[0-9a-f]{16}/' "$tmp/www/index.html" | head -n1 | cut -d/ -f2) ||
  die "index.html names no static/BUILD/ files"
chmod 755 "$tmp" "$tmp/www"
chmod 644 "$tmp/www/index.html"

# ---- nginx: the same folder, the same .gz files, the same headers. ----------

csp="default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

# The rest of nginx's http { } block (nginx_start writes the shared part).
# nginx at its best for static files: sendfile, and open files kept.
web_conf() {
  cat <<EOF
  types {
    text/html html; text/javascript js mjs; text/css css; application/json json;
    image/svg+xml svg; text/plain txt; image/png png; image/x-icon ico; font/woff2 woff2;
  }
  default_type application/octet-stream;
  charset utf-8;
  charset_types text/javascript text/css text/plain;   # and text/html
  sendfile on;
  tcp_nopush on;
  open_file_cache max=1000 inactive=60s;
  open_file_cache_valid 60s;
  server {
    listen 127.0.0.1:$1;
    location = / {
      root $tmp/www;
      try_files /index.html =404;
      add_header Cache-Control "no-cache";
      add_header Content-Security-Policy "$csp";
      add_header Referrer-Policy "no-referrer";
      add_header X-Frame-Options "DENY";
      add_header X-Content-Type-Options "nosniff";
    }
    location /static/$build/ {
      alias $web_dir/;
      gzip_static on;
      gzip_vary on;
      add_header Cache-Control "public, max-age=31536000, immutable";
      add_header X-Content-Type-Options "nosniff";
    }
    location / { return 404; }
  }
EOF
}
nginx_start web_conf / || die "nginx did not start"
nginx_base="http://127.0.0.1:$nginx_port"

# ---- The three files: both servers must send the same bytes. ---------------

names=(index app map)
paths=(/ "/static/$build/js/app.js" "/static/$build/vendor/countries-50m.json")
labels=("/ (index.html)" "js/app.js" "vendor/countries-50m.json")
expect=("$tmp/www/index.html" "$WEB/js/app.js.gz" "$WEB/vendor/countries-50m.json.gz")
sizes=()
for i in "${!names[@]}"; do
  for srv in nsatu nginx; do
    if [ "$srv" = nsatu ]; then url=$base${paths[i]}; else url=$nginx_base${paths[i]}; fi
    out="$tmp/${names[i]}.$srv"
    curl -fsS --max-time 10 -H "$ACCEPT" -D "$out.head" -o "$out.body" "$url" ||
      die "GET ${paths[i]} from $srv failed"
    cmp -s "$out.body" "${expect[i]}" ||
      die "$srv does not send ${expect[i]} for ${paths[i]} ($(wc -c <"$out.body") bytes)"
    enc=$(awk -F': *' 'tolower($1) == "content-encoding" { print $2 }' "$out.head" | tr -d '\r')
    case ${expect[i]} in
      *.gz) [ "$enc" = gzip ] || die "$srv sends ${paths[i]} without Content-Encoding: gzip" ;;
      *) [ -z "$enc" ] || die "$srv sends ${paths[i]} with Content-Encoding: $enc" ;;
    esac
  done
  sizes+=("$(wc -c <"${expect[i]}")")
done
echo "== build $build: index.html ${sizes[0]} bytes, js/app.js ${sizes[1]} bytes gzip'd," \
  "vendor/countries-50m.json ${sizes[2]} bytes gzip'd (the same from both servers)"

# ---- What a first visit transfers (from build/web, not measured). ----------

# The bytes nsatu sends for FILE to a browser that accepts gzip: the .gz
# copy when there is one at least a tenth smaller (static.c), else the file.
sent_bytes() {
  local raw gz
  raw=$(stat -c %s "$1")
  if [ -f "$1.gz" ]; then
    gz=$(stat -c %s "$1.gz")
    [ $((gz * 10)) -le $((raw * 9)) ] && { echo "$gz"; return; }
  fi
  echo "$raw"
}

# The files the page loads: those index.html names, and every module they
# import, transitively (static imports; the UI has no dynamic ones).
page_files() {
  local queue=() seen=' ' f dir spec
  mapfile -t queue < <(grep -oE 'static/@BUILD@/[^"'\'' >]+' "$WEB/index.html" | sed 's|^static/@BUILD@/||')
  while [ "${#queue[@]}" -gt 0 ]; do
    f=${queue[0]}
    queue=("${queue[@]:1}")
    case $seen in *" $f "*) continue ;; esac
    seen+="$f "
    [ -f "$WEB/$f" ] || die "the page loads $f, which $WEB lacks"
    echo "$f"
    case $f in *.js | *.mjs) ;; *) continue ;; esac
    dir=$(dirname "$f")
    while read -r spec; do
      queue+=("$(realpath -m --relative-to="$web_dir" "$web_dir/$dir/$spec")")
    done < <(grep -oE "(from|import)[[:space:]]*['\"]\.{1,2}/[^'\"]+['\"]" "$WEB/$f" |
      sed -E "s/^(from|import)[[:space:]]*['\"]//; s/['\"]$//")
  done
}

page_files >"$tmp/page-files"   # not in a subshell: its die ends the script
mapfile -t files <"$tmp/page-files"
[ "${#files[@]}" -gt 0 ] || die "index.html loads no files"
visit_gz=${sizes[0]} visit_raw=${sizes[0]}   # index.html: sent as it is
for f in "${files[@]}"; do
  visit_gz=$((visit_gz + $(sent_bytes "$WEB/$f")))
  visit_raw=$((visit_raw + $(stat -c %s "$WEB/$f")))
done
map_gz=$(sent_bytes "$WEB/vendor/countries-50m.json")
map_raw=$(stat -c %s "$WEB/vendor/countries-50m.json")

# ---- Measure. -------------------------------------------------------------

# Both servers and wrk share this machine's CPUs, so other work skews the
# figures: sample how busy the CPUs are for a second while ours are idle.
busy=$(cpu_busy)
if [ "$busy" -gt 10 ]; then
  echo "bench-web: warning: the CPUs were ${busy} % busy with other work before measuring; the figures will be noisy" >&2
fi

declare -A r_rps r_p50 r_p99
for i in "${!names[@]}"; do
  for srv in nsatu nginx; do
    if [ "$srv" = nsatu ]; then url=$base${paths[i]}; else url=$nginx_base${paths[i]}; fi
    echo "== $srv ${labels[i]}: wrk -t$THREADS -c$CONNS -d${SECONDS_RUN}s"
    run_wrk "$srv-${names[i]}" "$url" "$ACCEPT"
    r_rps[$srv-${names[i]}]=$rps r_p50[$srv-${names[i]}]=$p50 r_p99[$srv-${names[i]}]=$p99
  done
done
busy_after=$(cpu_busy)
if [ "$busy_after" -gt 10 ]; then
  echo "bench-web: warning: the CPUs were ${busy_after} % busy with other work after measuring; other work may have run during it" >&2
fi

# ---- Report. --------------------------------------------------------------

kb() { awk -v b="$1" 'BEGIN { printf "%.1f kB", b / 1000 }'; }

echo
echo "Web UI benchmark: static files with Accept-Encoding: gzip ($CONNS connections, ${SECONDS_RUN}s each, $(nproc) CPUs, ${busy} % CPU busy before, ${busy_after} % after)"
printf '  %-26s %8s  %-5s %9s %7s %7s %8s\n' file bytes server req/s "p50 ms" "p99 ms" "MB/s"
for i in "${!names[@]}"; do
  for srv in nsatu nginx; do
    k=$srv-${names[i]}
    label='' bytes=''
    if [ "$srv" = nsatu ]; then label=${labels[i]} bytes=${sizes[i]}; fi
    printf '  %-26s %8s  %-5s %9.0f %7.2f %7.2f %8.1f\n' "$label" "$bytes" "$srv" "${r_rps[$k]}" \
      "${r_p50[$k]}" "${r_p99[$k]}" "$(awk -v r="${r_rps[$k]}" -v b="${sizes[i]}" 'BEGIN { print r * b / 1e6 }')"
  done
done
for i in "${!names[@]}"; do
  ratio=$(awk -v a="${r_rps[nsatu-${names[i]}]}" -v b="${r_rps[nginx-${names[i]}]}" \
    'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
  printf '%-27s ratio nsatu/nginx req/s = %s (target >= %s) %s\n' "${labels[i]}:" "$ratio" \
    "$RATIO_TARGET" "$(verdict "$ratio" '>=' "$RATIO_TARGET")"
done
echo "First visit, from $WEB (index.html and the ${#files[@]} files it loads): $(kb "$visit_gz") gzip'd," \
  "$(kb "$visit_raw") raw; the dashboard's map then adds $(kb "$map_gz") gzip'd, $(kb "$map_raw") raw"
echo "(MB/s: body bytes x req/s / 10^6; kB: 10^3 bytes)"
