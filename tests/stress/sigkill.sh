#!/usr/bin/env bash
# tests/stress/sigkill.sh — SIGKILL one worker under load: only its in-flight requests may fail.
# wrk -c50 on the demo (WORKERS=2, rr); a worker is killed mid-run. Each wrk connection has at
# most one request in flight, so at most the connections that worker held can fail: the bound
# is its share of the 50 (its open connections, from /proc/PID/fd, read just before the kill).
# The primary must respawn it (2 workers listening again).
cd "$(dirname "$0")/../.." && . tests/stress/lib.sh
need wrk sigkill
log=$(mktemp); out=$(mktemp)
start_demo 2 rr "$log" || { verdict sigkill 1 "demo did not start"; finish; }
victim=$(worker_pids "$DEMO_PID" | head -1)
held_file=$(mktemp)
( sleep 2; ls -l /proc/"$victim"/fd 2>/dev/null | grep -c socket >"$held_file"; kill -KILL "$victim" ) &
killer=$!
wrk -t1 -c50 -d"${WRK_SECONDS}s" --timeout 10s "http://127.0.0.1:$PORT/hello" >"$out" 2>&1
wait "$killer"
held=$(( $(cat "$held_file") - 2 ))  # minus its two channels to the primary (message + handles)
failed=$(wrk_failures "$out")
[ "$failed" = 0 ] || grep -E 'Socket errors|Non-2xx' "$out"
listening=$(curl -s --max-time 2 "http://127.0.0.1:$PORT/cluster" | grep -o '"listening"' | wc -l)
figure sigkill_failed "$failed" requests
figure sigkill_victim_connections "$held" connections
figure sigkill_answered "$(wrk_requests "$out")" requests
verdict sigkill $([ "$failed" -le "$held" ] && [ "$listening" -ge 2 ] && echo 0 || echo 1) \
  "$failed failed <= $held connections the killed worker held; $listening listening after respawn"
kill -TERM "$DEMO_PID"; wait "$DEMO_PID" 2>/dev/null
rm -f "$log" "$out" "$held_file"
finish
