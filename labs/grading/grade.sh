#!/usr/bin/env bash
# labs/grading/grade.sh — the grade driver behind `make grade LAB=NN`.
#
#   grade.sh NN GRADER OUTDIR [TSAN_GRADER]
#
# Asks GRADER for its checks (`GRADER --points` prints "Suite.Name points" per line), then runs
# each check alone in its own process (--gtest_filter=Suite.Name) under a time limit of
# GRADE_TIMEOUT seconds (default 60): `timeout` puts the check in its own process group and,
# at the limit, kills the whole group, so a hung or forking answer costs that check only. A
# check scores its points when it passes; with TSAN_GRADER (the same checks built with
# SANITIZE=thread) it must also pass there with no ThreadSanitizer report. Prints one line per
# check, saves each failing check's output as OUTDIR/Suite.Name.log (and .tsan.log), and ends
# with `lab NN: X/Y points`. Exit status: 0 only at full marks; 1 below; 2 when the grader
# itself cannot be asked.
set -u
if [ $# -lt 3 ] || [ $# -gt 4 ]; then
  echo "usage: $0 NN GRADER OUTDIR [TSAN_GRADER]" >&2
  exit 2
fi
lab=$1 grader=$2 outdir=$3 tsan_grader=${4:-}
limit=${GRADE_TIMEOUT:-60}
case "$limit" in '' | *[!0-9]*) echo "grade: GRADE_TIMEOUT=$limit is not a whole number of seconds" >&2; exit 2 ;; esac
command -v timeout >/dev/null 2>&1 || { echo "grade: needs timeout(1) (GNU coreutils)" >&2; exit 2; }

checks=$("$grader" --points 2>/dev/null) || { echo "grade: $grader --points failed" >&2; exit 2; }
if [ -z "$checks" ]; then echo "grade: $grader lists no checks" >&2; exit 2; fi
while read -r name points; do
  if ! [[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$ ]] || ! [[ "$points" =~ ^[0-9]+$ ]]; then
    echo "grade: $grader --points printed a line that is not 'Suite.Name points': $name $points" >&2
    exit 2
  fi
done <<<"$checks"

mkdir -p "$outdir"
rm -f "$outdir"/*.log

# run_one BINARY CHECK LOG: runs one check; prints its verdict: pass, fail, skip, timeout or race.
run_one() {
  local bin=$1 check=$2 log=$3 rc
  TSAN_OPTIONS="halt_on_error=1 exitcode=66 ${TSAN_OPTIONS:-}" \
    timeout --kill-after=5 "$limit" "$bin" --gtest_filter="$check" --gtest_color=no >"$log" 2>&1 </dev/null
  rc=$?
  if grep -q 'WARNING: ThreadSanitizer' "$log"; then echo race
  elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then echo timeout
  elif grep -q '^\[  SKIPPED \] 1 test' "$log"; then echo skip
  elif [ "$rc" -eq 0 ] && grep -q '^\[  PASSED  \] 1 test' "$log"; then echo pass
  else echo fail
  fi
}

# reason VERDICT LOG [IN]: the words after a line that lost points.
reason() {
  case "$1" in
    timeout) echo "killed after ${limit} s$3: $2" ;;
    race) echo "ThreadSanitizer report$3: $2" ;;
    skip) echo "skipped$3 ($(sed -n '/: Skipped$/{n;p;q;}' "$2")): $2" ;;
    *) echo "failed$3: $2" ;;
  esac
}

earned=0 total=0
while read -r check points; do
  total=$((total + points))
  log="$outdir/$check.log" where=""
  verdict=$(run_one "$grader" "$check" "$log")
  if [ "$verdict" = pass ] && [ -n "$tsan_grader" ]; then
    log="$outdir/$check.tsan.log" where=" in the TSan build"
    verdict=$(run_one "$tsan_grader" "$check" "$log")
  fi
  if [ "$verdict" = pass ]; then
    earned=$((earned + points))
    rm -f "$outdir/$check.log" "$outdir/$check.tsan.log"
    printf '  PASS  %s  (%d/%d)\n' "$check" "$points" "$points"
  else
    case "$verdict" in timeout) tag=TIME ;; race) tag=RACE ;; skip) tag=SKIP ;; *) tag=FAIL ;; esac
    printf '  %s  %s  (0/%d)  %s\n' "$tag" "$check" "$points" "$(reason "$verdict" "$log" "$where")"
  fi
done <<<"$checks"

echo "lab $lab: $earned/$total points"
[ "$total" -gt 0 ] && [ "$earned" -eq "$total" ]
