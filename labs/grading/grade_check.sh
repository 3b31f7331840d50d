#!/usr/bin/env bash
# labs/grading/grade_check.sh — behind `make grade-check`: every grader proves itself both ways.
#
#   grade_check.sh NN...      (MAKE and BUILD from the Makefile)
#
# For each lab: (1) the grader on the tree as it is — the reference — must score full marks;
# (2) in a scratch copy of the tree ($BUILD/grade-check/NN: the files git knows, with their
# times, and this build's objects, so only the swapped files and what includes them are
# compiled again), `make lab-start` puts the starter in place; it must compile, and its grade
# must finish (each check killed after GRADE_CHECK_STARTER_TIMEOUT s, 20 by default; the whole
# lab after GRADE_CHECK_LAB_TIMEOUT s, 900) below full marks. One line per lab, then a summary;
# exit 1 on any failure. Logs: $BUILD/grade-check/NN.{reference,starter}.log.
set -u
MAKE=${MAKE:-make}
BUILD=${BUILD:-build}
starter_limit=${GRADE_CHECK_STARTER_TIMEOUT:-20}
lab_limit=${GRADE_CHECK_LAB_TIMEOUT:-900}
if [ $# -eq 0 ]; then echo "grade-check: no labs (labs/*/lab.mk) found"; exit 1; fi
mkdir -p "$BUILD/grade-check"

# The tree's files without any build folder, NUL-separated.
tree_files() {
  if [ -e .git ] && git rev-parse --verify -q HEAD >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
      case "$f" in build/* | build-*/*) continue ;; esac
      [ -f "$f" ] && printf '%s\0' "$f"
    done
  else
    find . \( -name 'build' -o -name 'build-*' -o -name .git \) -prune -o -type f -print0 | sed -z 's|^\./||'
  fi
}

# make_scratch NN: the scratch copy, with this build's library, grading and gtest objects.
make_scratch() {
  local scratch=$1 parts=()
  rm -rf "$scratch" && mkdir -p "$scratch/$BUILD" || return 1
  tree_files | tar --null -T - -cf - | tar -xpf - -C "$scratch" || return 1
  for p in obj/kernel-io obj/loop obj/pool obj/http obj/cluster obj/labs obj/tests/support gtest lib; do
    [ -e "$BUILD/$p" ] && parts+=("$p")
  done
  [ ${#parts[@]} -eq 0 ] || tar -C "$BUILD" -cf - "${parts[@]}" | tar -xpf - -C "$scratch/$BUILD"
}

score_of() { sed -n 's/^lab [0-9]*: \([0-9]*\/[0-9]*\) points$/\1/p' "$1" | tail -n1; }

ok=0 bad=0
for lab in "$@"; do
  ref_log=$BUILD/grade-check/$lab.reference.log st_log=$BUILD/grade-check/$lab.starter.log
  problem=""
  timeout --kill-after=10 "$lab_limit" $MAKE --no-print-directory grade LAB="$lab" >"$ref_log" 2>&1
  rc=$? ref=$(score_of "$ref_log")
  if [ "$rc" -ne 0 ]; then problem="the reference scores ${ref:-nothing} (not full marks; see $ref_log)"; fi

  st=""
  if [ -z "$problem" ]; then
    scratch=$BUILD/grade-check/$lab
    if ! make_scratch "$scratch" >"$st_log" 2>&1; then
      problem="could not make the scratch copy $scratch (see $st_log)"
    elif ! (cd "$scratch" && $MAKE --no-print-directory lab-start LAB="$lab") >>"$st_log" 2>&1; then
      problem="make lab-start LAB=$lab failed in $scratch (see $st_log)"
    elif ! (cd "$scratch" && timeout --kill-after=10 "$lab_limit" $MAKE --no-print-directory grade-build \
              LAB="$lab" LAB_"$lab"_TSAN=no) >>"$st_log" 2>&1; then
      problem="the starter does not compile (see $st_log)"
    else
      (cd "$scratch" && GRADE_TIMEOUT=$starter_limit timeout --kill-after=10 "$lab_limit" \
        $MAKE --no-print-directory grade LAB="$lab" LAB_"$lab"_TSAN=no) >>"$st_log" 2>&1
      rc=$? st=$(score_of "$st_log")
      if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then problem="the starter's grade did not finish in ${lab_limit} s"
      elif [ -z "$st" ]; then problem="the starter's grade printed no score (see $st_log)"
      elif [ "$rc" -eq 0 ]; then problem="the starter scores full marks ($st): the grader cannot fail"
      fi
    fi
  fi
  if [ -z "$problem" ]; then
    ok=$((ok + 1))
    echo "grade-check: lab $lab ok: reference $ref, starter $st"
  else
    bad=$((bad + 1))
    echo "grade-check: lab $lab FAILED: $problem"
  fi
done
echo "grade-check: $ok of $# labs prove themselves both ways, $bad failed"
[ "$bad" -eq 0 ]
