#!/usr/bin/env bash
# tests/stress/fuzz.sh — the HTTP parser's libFuzzer target (make fuzz) for FUZZ_SECONDS.
cd "$(dirname "$0")/../.." && . tests/stress/lib.sh
need "${FUZZ_CXX:-clang++}" fuzz
secs=${FUZZ_SECONDS:-60}
out=$(mktemp)
make --no-print-directory fuzz FUZZ_SECONDS="$secs" >"$out" 2>&1; code=$?
runs=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$out" | grep -oE '[0-9]+$')
figure fuzz_runs "${runs:-0}" runs
figure fuzz_seconds "$secs" s
verdict fuzz $([ "$code" = 0 ] && echo 0 || echo 1) "make fuzz exit $code after ${runs:-0} runs"
[ "$code" = 0 ] || tail -30 "$out"
rm -f "$out"
finish
