#!/usr/bin/env bash
# Runs every GoogleTest binary given on the command line, each under a time limit, and ends
# with the one summary line CI reads: "tests: N passed, N failed[, N skipped]".
# Exits non-zero when any test failed or any binary crashed or timed out.
set -u
limit=${TEST_TIMEOUT:-900}
passed=0 failed=0 skipped=0 broken=0
for bin in "$@"; do
  echo "== $bin"
  out=$(mktemp)
  timeout --kill-after=10 "$limit" "$bin" --gtest_color=no 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -n1)
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -n1)
  s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$out" | tail -n1)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
  if [ "$rc" -ne 0 ] && [ -z "$f" ]; then
    echo "!! $bin exited with status $rc before reporting (crash or timeout)"
    broken=$((broken + 1)); failed=$((failed + 1))
  fi
  rm -f "$out"
done
line="tests: $passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ]
