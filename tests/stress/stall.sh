#!/usr/bin/env bash
# tests/stress/stall.sh — a 5 s stall under keep-alive load loses nothing.
# WORKERS=1: wrk -c20 on /hello while (1) /block?ms=5000 blocks the worker's loop, and (2) the
# worker is stopped with SIGSTOP for 5.5 s, both past the 5 s idle timeout. Every deadline
# passes during the stall while requests wait in the sockets; 0 may fail (docs/http.md).
cd "$(dirname "$0")/../.." && . tests/stress/lib.sh
need wrk stall
for how in block sigstop; do
  log=$(mktemp); out=$(mktemp)
  start_demo 1 rr "$log" || { verdict "stall_$how" 1 "demo did not start"; continue; }
  worker=$(worker_pids "$DEMO_PID" | head -1)
  secs=$(( WRK_SECONDS < 10 ? 10 : WRK_SECONDS ))
  if [ "$how" = block ]; then
    ( sleep 2; curl -s -o /dev/null --max-time 20 "http://127.0.0.1:$PORT/block?ms=5000" ) &
  else
    ( sleep 2; kill -STOP "$worker"; sleep 5.5; kill -CONT "$worker" ) &
  fi
  staller=$!
  wrk -t1 -c20 -d"${secs}s" --timeout 15s "http://127.0.0.1:$PORT/hello" >"$out" 2>&1
  wait "$staller"
  failed=$(wrk_failures "$out")
  [ "$failed" = 0 ] || grep -E 'Socket errors|Non-2xx' "$out"
  figure "stall_${how}_failed" "$failed" "requests"
  figure "stall_${how}_answered" "$(wrk_requests "$out")" "requests"
  verdict "stall_$how" $([ "$failed" = 0 ] && echo 0 || echo 1) "$failed failed through a 5 s stall ($how)"
  kill -TERM "$DEMO_PID"; wait "$DEMO_PID" 2>/dev/null
  rm -f "$log" "$out"
done
finish
