#!/usr/bin/env bash
# tests/stress/sighup.sh — rolling restarts under keep-alive load lose nothing.
# wrk -t1 -c50 on /hello of the demo (WORKERS=2) while two SIGHUPs restart every worker, in each
# SCHED mode; the figure is wrk's failures (socket errors + non-2xx). rr and shared must be 0;
# reuseport is measured with the kernel's net.ipv4.tcp_migrate_req as it is (docs/cluster.md:
# connections queued on a stopping worker's own socket are reset unless the kernel migrates them).
cd "$(dirname "$0")/../.." && . tests/stress/lib.sh
need wrk sighup
migrate=$(cat /proc/sys/net/ipv4/tcp_migrate_req 2>/dev/null || echo absent)
for sched in rr shared reuseport; do
  log=$(mktemp); out=$(mktemp)
  start_demo 2 "$sched" "$log" || { verdict "sighup_$sched" 1 "demo did not start"; continue; }
  half=$((WRK_SECONDS / 2))
  ( sleep 1; kill -HUP "$DEMO_PID"; sleep "$half"; kill -HUP "$DEMO_PID" ) &
  hupper=$!
  wrk -t1 -c50 -d"${WRK_SECONDS}s" --timeout 10s "http://127.0.0.1:$PORT/hello" >"$out" 2>&1
  wait "$hupper"
  restarts=$(grep -c "rolling restart done" "$log")
  failed=$(wrk_failures "$out")
  [ "$failed" = 0 ] || grep -E 'Socket errors|Non-2xx' "$out"
  figure "sighup_${sched}_failed" "$failed" "requests"
  figure "sighup_${sched}_answered" "$(wrk_requests "$out")" "requests"
  if [ "$sched" = reuseport ]; then
    figure "sighup_reuseport_tcp_migrate_req" "$migrate" "sysctl"
    verdict "sighup_$sched" $([ "$restarts" -ge 2 ] && echo 0 || echo 1) "$failed failed, $restarts restarts; measured, not required to be 0 (tcp_migrate_req=$migrate)"
  else
    verdict "sighup_$sched" $([ "$failed" = 0 ] && [ "$restarts" -ge 2 ] && echo 0 || echo 1) "$failed failed through $restarts rolling restarts"
  fi
  kill -TERM "$DEMO_PID"; wait "$DEMO_PID" 2>/dev/null
  rm -f "$log" "$out"
done
finish
