#!/usr/bin/env bash
# tests/stress/sigterm.sh — SIGTERM drains: requests in flight are answered, the primary exits
# 0, and no process of the group is left. Eight /block?ms=1500 requests (each holds a worker's
# loop) are in flight when SIGTERM arrives.
cd "$(dirname "$0")/../.." && . tests/stress/lib.sh
log=$(mktemp); codes=$(mktemp)
start_demo 2 rr "$log" || { verdict sigterm 1 "demo did not start"; finish; }
for i in $(seq 8); do
  curl -s -o /dev/null -w '%{http_code}\n' --max-time 30 "http://127.0.0.1:$PORT/block?ms=1500" >>"$codes" &
done
sleep 0.5
kill -TERM "$DEMO_PID"
wait_start=$(date +%s)
while kill -0 "$DEMO_PID" 2>/dev/null && [ $(( $(date +%s) - wait_start )) -lt 30 ]; do sleep 0.1; done
wait "$DEMO_PID"; code=$?
for _ in $(seq 100); do [ "$(wc -l <"$codes")" -ge 8 ] && break; sleep 0.1; done
answered=$(grep -c '^200$' "$codes")
left=$(pgrep -g "$DEMO_PID" | wc -l)
figure sigterm_in_flight_answered "$answered" "of 8"
figure sigterm_exit_code "$code" code
figure sigterm_processes_left "$left" processes
verdict sigterm $([ "$answered" = 8 ] && [ "$code" = 0 ] && [ "$left" = 0 ] && echo 0 || echo 1) \
  "$answered/8 in-flight answered, exit $code, $left left"
rm -f "$log" "$codes"
finish
