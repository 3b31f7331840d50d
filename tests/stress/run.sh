#!/usr/bin/env bash
# tests/stress/run.sh — `make stress`: every probe of the stress suite, one after another.
# Each prints `stress: NAME FIGURE UNIT` lines and a `stress: NAME verdict PASS|FAIL (...)`
# line; this script ends with `stress: N passed, N failed` and fails if any probe did.
#   STRESS=full   (default) wrk runs of 20 s, 2,000 slow connections, 20,000 malformed requests
#   STRESS=short  what CI runs: 5 s wrk runs, 300 slow connections, 2,000 malformed requests
#   FUZZ_SECONDS  how long the parser is fuzzed (default 60)
# docs/reliability.md explains each probe and records a full run.
cd "$(dirname "$0")/../.."
export BUILD=${BUILD:-build} STRESS=${STRESS:-full}
export BIN=$BUILD/bin
S=$BUILD/stress
passed=0 failed=0
failures=$(mktemp)
trap 'rm -f "$failures"' EXIT
# keep_failures PROBE OUT: appends to $failures each FAIL verdict of OUT with the (at most 20)
# lines printed since the verdict before it; lines after the last verdict go with that verdict.
keep_failures() {
  awk -v probe="$1" '
    function flush(   i) { for (i = 0; i < n; i++) print "  " buf[(first + i) % 20]; n = 0; first = 0 }
    function keep(line) { if (n < 20) buf[(first + n++) % 20] = line; else { buf[first] = line; first = (first + 1) % 20 } }
    / verdict FAIL/ { print "-- " probe ":"; flush(); print "  " $0; last_failed = 1; next }
    / verdict (PASS|SKIP)/ { n = 0; first = 0; last_failed = 0; next }
    { keep($0) }
    END { if (last_failed) flush() }' "$2" >>"$failures"
}
run() {
  echo "== $*"
  local out; out=$(mktemp)
  "$@" 2>&1 | tee "$out"
  local rc=${PIPESTATUS[0]}
  passed=$((passed + $(grep -c 'verdict PASS' "$out")))
  failed=$((failed + $(grep -c 'verdict FAIL' "$out")))
  if [ "$rc" -ne 0 ] && ! grep -q 'verdict FAIL' "$out"; then
    echo "stress: $1 verdict FAIL (exited without a verdict)"; failed=$((failed + 1))
    echo "stress: $1 verdict FAIL (exited $rc without a verdict)" >>"$out"
  fi
  keep_failures "$*" "$out"
  rm -f "$out"
}
counts="10 100 1000 10000"
run "$S/rss_idle" "$BIN/hello" epoll $counts
if [ -x "${POLL_BUILD:-build-poll}/bin/hello" ]; then
  run "$S/rss_idle" "${POLL_BUILD:-build-poll}/bin/hello" poll $counts
else
  echo "stress: rss_idle_poll verdict SKIP (no ${POLL_BUILD:-build-poll}/bin/hello: make BACKEND=poll first)"
fi
run "$S/slowloris"
run "$S/emfile"
run "$S/malformed_flood"
run "$S/pipelining"
run tests/stress/sighup.sh
run tests/stress/stall.sh
run tests/stress/sigkill.sh
run tests/stress/sigterm.sh
run tests/stress/memcheck.sh
run tests/stress/fuzz.sh
echo "stress: $passed passed, $failed failed"
if [ -s "$failures" ]; then
  echo "== the failed verdicts again, each with what its probe printed before it:"
  cat "$failures"
  echo "stress: $passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
