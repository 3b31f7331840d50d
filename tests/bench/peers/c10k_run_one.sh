#!/usr/bin/env bash
# tests/bench/peers/c10k_run_one.sh — one point of the C10K curve: N idle connections, one busy.
#
# Usage: BUILD=build c10k_run_one.sh epoll|poll|nginx N SECONDS
# Starts the server on a free port — build/bin/hello (epoll) or build-poll/bin/hello (poll;
# POLL_BUILD overrides the folder), both with nginx's keep-alive timeout (65 s) and room for
# 20,000 connections, or nginx from nginx-hello.conf with 16,384 worker_connections — warms it
# up, reads the RSS of its process tree, opens N idle keep-alive connections
# (build/stress/idle_hold), reads the RSS again, then runs one busy client beside them
# (`wrk -t1 -c1 -dSECONDS --latency`). Prints
#   bench: c10k_rps | c10k_p50_us | c10k_p99_us | c10k_cpu_us_per_req   (wrk_report, lib.sh)
#   bench: c10k_rss_bytes_per_idle_conn N bytes
# RLIMIT_NOFILE's soft limit is raised to N + 1,000 for the server (and idle_hold raises its
# own); when the hard limit is lower the run fails saying so. Opening the idle connections may
# take C10K_OPEN_SECONDS (default 60): on poll each one costs a scan of all the others.
set -u
PEER_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/bench/peers/lib.sh
. "$PEER_DIR/lib.sh"
server=$1 idle=$2 seconds=$3
BUILD=${BUILD:-build}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/osn-c10k.XXXXXX")
pid='' hold_pid=''

stop_all() {
  if [ -n "$hold_pid" ]; then
    exec 7>&-  # idle_hold's stdin ends: it closes its connections and exits
    for _ in $(seq 100); do kill -0 "$hold_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$hold_pid" 2>/dev/null
    wait "$hold_pid" 2>/dev/null
  fi
  if [ -n "$pid" ]; then
    kill -TERM -- "-$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  fi
}
trap 'stop_all; rm -rf "$tmp"' EXIT

want=$((idle + 1000))
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt "$want" ]; then
  echo "c10k_run_one: $idle idle connections need ulimit -n >= $want, the hard limit is $hard" >&2
  exit 1
fi
[ "$(ulimit -Sn)" != unlimited ] && [ "$(ulimit -Sn)" -lt "$want" ] && ulimit -Sn "$want"

port=$(free_port) || { echo "c10k_run_one: no free port" >&2; exit 1; }
hello_flags=(--port "$port" --idle-timeout-ms 65000 --max-connections 20000)
# setsid: the server (nginx: master and worker) is its own process group, stopped as one.
case $server in
  epoll) setsid "$BUILD/bin/hello" "${hello_flags[@]}" >"$tmp/out" 2>&1 & pid=$! ;;
  poll) setsid "${POLL_BUILD:-build-poll}/bin/hello" "${hello_flags[@]}" >"$tmp/out" 2>&1 & pid=$! ;;
  nginx)
    sed -e "s|@PREFIX@|$tmp|g" -e "s|@PORT@|$port|g" -e "s|worker_connections 4096;|worker_connections 16384;|" \
      "$PEER_DIR/nginx-hello.conf" >"$tmp/nginx.conf"
    setsid nginx -p "$tmp" -e "$tmp/error.log" -c "$tmp/nginx.conf" >"$tmp/out" 2>&1 & pid=$! ;;
  *) echo "c10k_run_one: unknown server $server (epoll, poll, nginx)" >&2; exit 64 ;;
esac
wait_for_server "$port" "c10k_run_one: $server" "$tmp" || exit 1

# tree_rss_kib: VmRSS of the server and its descendants (nginx's worker does the work).
tree_rss_kib() {
  local total=0 p kib
  for p in $(pgrep -g "$pid" 2>/dev/null); do
    kib=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null) || continue
    total=$((total + ${kib:-0}))
  done
  echo "$total"
}

wrk -t1 -c1 -d1 "http://127.0.0.1:$port/" >/dev/null 2>&1
sleep 0.2
rss_before=$(tree_rss_kib)
mkfifo "$tmp/hold_in"
"$BUILD/stress/idle_hold" "$port" "$idle" <"$tmp/hold_in" >"$tmp/hold_out" 2>&1 &
hold_pid=$!
exec 7>"$tmp/hold_in"
open_seconds=${C10K_OPEN_SECONDS:-60}
for _ in $(seq $((open_seconds * 20))); do grep -q '^idle_hold: ready' "$tmp/hold_out" 2>/dev/null && break
  kill -0 "$hold_pid" 2>/dev/null || break; sleep 0.05; done
if ! grep -q '^idle_hold: ready' "$tmp/hold_out"; then
  echo "c10k_run_one: $server: $idle idle connections did not open within $open_seconds s (C10K_OPEN_SECONDS)" >&2
  cat "$tmp/hold_out" >&2
  exit 1
fi
sleep 0.3
rss_after=$(tree_rss_kib)

cpu_before=$(proc_tree_cpu_ticks "$pid")
wrk -t1 -c1 -d"$seconds" --latency "http://127.0.0.1:$port/" >"$tmp/wrk" 2>&1
cpu_after=$(proc_tree_cpu_ticks "$pid")
wrk_report c10k "$tmp/wrk" $((cpu_after - cpu_before)) || exit 1
echo "bench: c10k_rss_bytes_per_idle_conn $(( (rss_after - rss_before) * 1024 / idle )) bytes"
