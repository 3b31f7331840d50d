#!/usr/bin/env bash
# tests/stress/memcheck.sh — build/bin/hello under valgrind memcheck, under load (wrk -c10),
# then SIGTERM: 0 errors, and 0 bytes in use at exit (every buffer, connection and timer freed).
cd "$(dirname "$0")/../.." && . tests/stress/lib.sh
need valgrind memcheck
need wrk memcheck
port=$(free_port); log=$(mktemp); out=$(mktemp)
start_in_group "$log" valgrind --leak-check=full --error-exitcode=3 "$BIN/hello" --port "$port"
vg=$STARTED_PID
wait_http "$port" / 1500 || { cat "$log"; verdict memcheck 1 "hello under valgrind did not answer"; finish; }
secs=$(( WRK_SECONDS < 10 ? WRK_SECONDS : 10 ))
wrk -t1 -c10 -d"${secs}s" "http://127.0.0.1:$port/" >"$out" 2>&1
kill -TERM "$vg"; wait "$vg"; code=$?
errors=$(grep -oE 'ERROR SUMMARY: [0-9]+ errors' "$log" | grep -oE '[0-9]+' | head -1)
in_use=$(grep -oE 'in use at exit: [0-9,]+ bytes' "$log" | grep -oE '[0-9,]+' | head -1 | tr -d ,)
figure memcheck_requests "$(wrk_requests "$out")" requests
figure memcheck_errors "${errors:-?}" errors
figure memcheck_in_use_at_exit "${in_use:-?}" bytes
verdict memcheck $([ "${errors:-1}" = 0 ] && [ "${in_use:-1}" = 0 ] && [ "$code" = 0 ] && echo 0 || echo 1) \
  "${errors:-?} errors, ${in_use:-?} bytes in use at exit, exit $code"
rm -f "$log" "$out"
finish
