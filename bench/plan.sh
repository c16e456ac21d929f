#!/usr/bin/env bash
# bench/plan.sh - the allocation optimiser (plan_solve) against GLPK's
# simplex run directly on the same LP, at 1 000, 10 000 and 100 000 lines.
#
# For each size, build/bench-plan (bench/plan_bench.c) generates the same
# deterministic instance (bench/plan_gen.c: half supply lines, half demand
# lines, 5 logistics nodes) in two child processes, one after the other:
# one times plan_solve, the other plan_lp_build plus a lexicographic solve
# with glp_simplex (standard basis, default parameters, no presolve; one
# level at a time, each optimum held by an added row).  Each reports wall
# time, peak RSS (and the RSS after generating) and the objective vector.
#
# Prints a table and PASS/MISS against the targets:
#   - our objective equals the baseline's level by level to 1e-6 relative
#     (|ours - glpk| / max(1, |glpk|));
#   - 100 000 lines solved in under 10 s.
#
# A measurement, not a test: a missed target still exits 0, unless
# BENCH_STRICT=1.  It exits non-zero when the benchmark itself could not
# run (a solver failed, a child crashed).
#
# Run through `make bench-plan`.  Environment: BENCH_PLAN_SIZES ("1000 10000
# 100000"), BENCH_PLAN_GLPK_LIMIT (600: seconds the baseline may take per
# size before it reports "time limit"), BENCH_PLAN_OURS_LIMIT (600: seconds
# after which plan_solve's process is stopped), BENCH_PLAN_HOLD (row: how the
# baseline holds a solved level, by an added row or "face" by fixing the
# optimal face; see bench/plan_bench.c), BENCH_PLAN_GLPK_SLACK (1e-9: the
# rows' relative slack), BENCH_STRICT (0).
set -euo pipefail

SIZES=${BENCH_PLAN_SIZES-"1000 10000 100000"}
if [ -z "${SIZES// /}" ]; then
  echo "bench-plan: BENCH_PLAN_SIZES is empty: nothing to measure"
  exit 0
fi

# The braces make bash read the whole script before running it, so that an
# edit during a half-hour run cannot break the run.
{
cd "$(dirname "$0")/.."

STRICT=${BENCH_STRICT:-0}
REL_TARGET=1e-6
TIME_TARGET=10   # seconds at TIME_LINES lines
TIME_LINES=100000

BENCH=build/bench-plan
NSATU=build/nsatu

die() { echo "bench-plan: $*" >&2; exit 1; }

for n in $SIZES; do
  if ! [[ "$n" =~ ^[0-9]+$ ]] || [ "$n" -lt 2 ]; then
    die "BENCH_PLAN_SIZES: '$n' is not a number of lines >= 2"
  fi
done

# Outside make, build what is needed first.
if [ -z "${MAKELEVEL:-}" ]; then
  make -s --no-print-directory "$NSATU" "$BENCH" || die "build failed"
fi
[ -x "$BENCH" ] || die "missing $BENCH (run make bench-plan)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nsatu-bench-plan.XXXXXX")
job_pid=

# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

# shellcheck disable=SC2317 # run by the traps below
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop "$job_pid"
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

: >"$tmp/results"
busy=$(cpu_busy)
if [ "$busy" -gt 10 ]; then
  echo "bench-plan: warning: the CPUs were ${busy} % busy with other work before measuring; the figures will be noisy" >&2
fi

for n in $SIZES; do
  echo "== $n lines: plan_solve, then GLPK simplex on the same LP"
  run_job "$BENCH" run "$n"
done

# The same instance through the command line, once (the smallest size):
# `nsatu plan solve` must read the JSON problem and find the same optimum.
cli_note=
first=${SIZES%% *}
cli_help=$("$NSATU" plan solve --help 2>&1 || true)
if [[ "$cli_help" == *"plan solve"* ]] && command -v jq >/dev/null 2>&1; then
  "$BENCH" json "$first" "$tmp/problem.json" || die "cannot write the JSON problem"
  if "$NSATU" plan solve "$tmp/problem.json" --json >"$tmp/cli.json" 2>"$tmp/cli.err"; then
    cli_obj=$(jq -r '.objective | [.on_time_units.P1, .on_time_units.P2, .on_time_units.P3,
      .on_time_units.P4, .lateness, .cost_eur] | map(tostring) | join(" ")' \
      "$tmp/cli.json" 2>/dev/null) || cli_obj=
    echo "CLI $first $cli_obj" >>"$tmp/results"
  else
    cli_note="nsatu plan solve failed on the $first-line problem: $(head -n1 "$tmp/cli.err")"
  fi
else
  cli_note="(nsatu plan solve or jq not available: the JSON round trip was not checked)"
fi

# ---- Report. -------------------------------------------------------------------

# result SIDE N FIELD: field FIELD of the RESULT line of SIDE (ours/glpk) at N.
result() { awk -v s="$1" -v n="$2" -v f="$3" '$1 == "RESULT" && $2 == s && $3 == n { print $f }' "$tmp/results"; }
line() { awk -v k="$1" -v n="$2" '$1 == k && $2 == n' "$tmp/results"; }
# note SIDE N: why SIDE did not finish at N.
note() { awk -v s="$1" -v n="$2" '$1 == "NOTE" && $2 == s && $3 == n { $1 = $2 = $3 = ""; sub(/^ +/, ""); print }' "$tmp/results"; }
objs() {  # the six objectives of SIDE at N, rounded for the table
  awk -v s="$1" -v n="$2" '$1 == "RESULT" && $2 == s && $3 == n {
    out = ""
    for (i = 10; i <= 15; i++) out = out (i > 10 ? ", " : "") ($i == "nan" ? "-" : sprintf("%.10g", $i))
    print out }' "$tmp/results"
}

echo
hold=$(awk '$1 == "LEVELS" { print $4; exit }' "$tmp/results")
echo "Allocation optimiser vs GLPK simplex on the same LP, levels held by ${hold:-row}," \
  "capacities ${BENCH_PLAN_CAPACITY:-loose}" \
  "($(nproc) CPUs, ${busy} % CPU busy before)"
echo "(time_ratio = ours_s / glpk_s; >: stopped at the time limit; x: no optimum at a level;"
echo " MB = peak RSS of the child, in brackets after generating)"
printf '%8s %8s %8s %8s %12s %8s %12s %10s %12s  %s\n' lines lp_rows lp_cols ours_s "ours_MB(gen)" \
  glpk_s "glpk_MB(gen)" time_ratio max_rel_diff "objective(P1,P2,P3,P4,lateness,cost)"
misses=0
verdicts=()
for n in $SIZES; do
  o_status=$(result ours "$n" 4)
  o_secs=$(result ours "$n" 5)
  g_status=$(result glpk "$n" 4)
  g_secs=$(result glpk "$n" 5)
  if [ -z "$o_status" ] || [ -z "$g_status" ]; then die "no result for $n lines"; fi
  cmp=$(line COMPARE "$n")
  levels=$(awk '{ print $3 }' <<<"$cmp")
  diff=$(awk '$3 > 0 { print $4 }' <<<"$cmp")
  worst=$(awk '{ print $5 }' <<<"$cmp")
  o_shown=$o_secs
  g_shown=$g_secs
  ratio=$(awk -v a="$o_secs" -v b="$g_secs" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')
  if [ "$g_status" = no_optimum ]; then
    g_shown="x$g_secs"
    ratio="?"
  elif [ "$o_status" = time_limit ] && [ "$g_status" = time_limit ]; then
    o_shown=">$o_secs"
    g_shown=">$g_secs"
    ratio="?"
  elif [ "$o_status" = time_limit ]; then
    o_shown=">$o_secs"
    ratio=">$ratio"
  elif [ "$g_status" = time_limit ]; then
    g_shown=">$g_secs"
    ratio="<$ratio"
  fi
  printf '%8s %8s %8s %8s %12s %8s %12s %10s %12s  %s\n' "$n" "$(result glpk "$n" 8)" \
    "$(result glpk "$n" 9)" "$o_shown" "$(result ours "$n" 6)($(result ours "$n" 7))" \
    "$g_shown" "$(result glpk "$n" 6)($(result glpk "$n" 7))" "$ratio" "${diff:--}" \
    "ours: $(objs ours "$n")"
  printf '%8s %8s %8s %8s %12s %8s %12s %10s %12s  %s\n' "" "" "" "" "" "" "" "" "" \
    "glpk: $(objs glpk "$n")"

  if [ "$o_status" = time_limit ]; then
    verdicts+=("optimal to $REL_TARGET at $n lines: not compared (ours stopped after $o_secs s) MISS")
    misses=$((misses + 1))
  elif [ -z "$cmp" ]; then
    verdicts+=("optimal to $REL_TARGET at $n lines: not compared MISS")
    misses=$((misses + 1))
  elif [ "$g_status" != ok ]; then
    why="time limit"
    [ "$g_status" = no_optimum ] && why="no optimum ($(note glpk "$n"))"
    if [ "$levels" = 0 ]; then
      verdicts+=("optimal to $REL_TARGET at $n lines: baseline: $why before its first level: NOT VERIFIED")
    else
      v=$(awk -v d="$diff" -v t="$REL_TARGET" 'BEGIN { print (d <= t ? "PASS" : "MISS") }')
      verdicts+=("optimal to $REL_TARGET at $n lines: baseline: $why after $levels of 6 levels; those agree to $diff: $v on $levels levels, the rest NOT VERIFIED")
      [ "$v" = PASS ] || misses=$((misses + 1))
    fi
  else
    v=$(awk -v d="$diff" -v t="$REL_TARGET" 'BEGIN { print (d <= t ? "PASS" : "MISS") }')
    verdicts+=("optimal to $REL_TARGET at $n lines: max relative difference $diff (at $worst) $v")
    [ "$v" = PASS ] || misses=$((misses + 1))
  fi
done
echo
echo "glpk seconds: plan_lp_build, then each level's simplex (P1 P2 P3 P4 lateness cost)"
for n in $SIZES; do
  awk -v n="$n" '$1 == "LEVELS" && $3 == n {
    printf "%8s  build %s  levels", n, $5; for (i = 6; i <= 11; i++) printf " %s", $i; printf "\n" }' \
    "$tmp/results"
done
echo "ours: plan_result (solve_ms, method, LP optimum integral?, units on time / late / unmet)"
for n in $SIZES; do
  awk -v n="$n" '$1 == "DETAIL" && $3 == n {
    printf "%8s  %s ms  %s  %s  %.0f / %.0f / %.0f\n", n, $4, $5, $6, $7, $8, $9 }' "$tmp/results"
done
if [ -n "$cli_note" ]; then
  echo "$cli_note"
else
  awk -v n="$first" '$1 == "CLI" { c = $0 } $1 == "RESULT" && $2 == "ours" && $3 == n { o = $0 }
    END {
      split(c, cv); split(o, ov); worst = 0
      if (ov[4] != "ok") {
        printf "nsatu plan solve on the %s-line problem as JSON: not compared (plan_solve did not finish)\n", n
        exit
      }
      for (i = 0; i < 6; i++) {
        a = cv[3 + i]; b = ov[10 + i]; d = a - b; if (d < 0) d = -d
        m = b < 0 ? -b : b; if (m < 1) m = 1
        if (d / m > worst) worst = d / m
      }
      printf "nsatu plan solve on the %s-line problem as JSON: max relative difference to plan_solve %.3g %s\n",
        n, worst, (cv[3] != "" && worst <= 1e-6 ? "(same)" : "(DIFFERENT)") }' "$tmp/results"
fi
echo
for v in "${verdicts[@]}"; do echo "$v"; done
if [ "${hold:-row}" = row ] && [ "$misses" -gt 0 ]; then  # so far only optimality
  echo "(levels held by rows: their slack of ${BENCH_PLAN_GLPK_SLACK:-1e-9} x z lets lower levels of the" \
    "baseline gain more than 1e-6, and the lateness level may stall; BENCH_PLAN_HOLD=face" \
    "holds them exactly: see bench/README.md)"
fi
case " $SIZES " in
*" $TIME_LINES "*)
  t=$(result ours "$TIME_LINES" 5)
  v=$(awk -v t="$t" -v g="$TIME_TARGET" 'BEGIN { print (t < g ? "PASS" : "MISS") }')
  if [ "$(result ours "$TIME_LINES" 4)" = ok ]; then
    echo "$TIME_LINES lines solved in $t s (target < $TIME_TARGET s) $v"
  else
    v=MISS
    echo "$TIME_LINES lines: not solved, stopped after $t s (target < $TIME_TARGET s) $v"
  fi
  [ "$v" = PASS ] || misses=$((misses + 1))
  ;;
*) echo "$TIME_LINES lines not in BENCH_PLAN_SIZES: time target not measured" ;;
esac

if [ "$STRICT" = 1 ] && [ "$misses" -gt 0 ]; then
  echo "bench-plan: $misses target(s) missed (BENCH_STRICT=1)" >&2
  exit 1
fi
exit 0
}
