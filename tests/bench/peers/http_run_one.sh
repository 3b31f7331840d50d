#!/usr/bin/env bash
# tests/bench/peers/http_run_one.sh — one measured wrk run against one hello server.
#
# Usage: BUILD=build http_run_one.sh osnode|nginx|node CONNECTIONS SECONDS
# Starts the server on a free port (nginx from nginx-hello.conf in a temporary prefix), waits
# until it accepts, runs `wrk -t1 -cCONNECTIONS -dSECONDS --latency`, reads the server's CPU
# time (utime+stime of its process tree, /proc/PID/stat) before and after, stops the server
# (always: an EXIT trap), and prints
#   bench: http_rps N req/s | http_p50_us N us | http_p99_us N us | http_cpu_us_per_req N us
set -u
PEER_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/bench/peers/lib.sh
. "$PEER_DIR/lib.sh"
server=$1 conns=$2 seconds=$3
BUILD=${BUILD:-build}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/osn-http-peer.XXXXXX")
pid=

stop_server() {
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  pid=
}
trap 'stop_server; rm -rf "$tmp"' EXIT

# port_is_open and free_port come from lib.sh.

port=$(free_port) || { echo "http_run_one: no free port" >&2; exit 1; }

# HTTP_BENCH_PIN=1 (and 2+ CPUs, taskset installed): the server runs on CPU 0
# and wrk on CPU 1. Off by default: on a machine shared with other work, pinned processes
# cannot move away from a busy core, and the figures got worse, not steadier.
server_pin=() wrk_pin=()
if [ "${HTTP_BENCH_PIN:-0}" = 1 ] && command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
  server_pin=(taskset -c 0) wrk_pin=(taskset -c 1)
fi
case $server in
  osnode) "${server_pin[@]}" "$BUILD/bin/hello" --port "$port" >"$tmp/out" 2>&1 & pid=$! ;;
  node) "${server_pin[@]}" node "$PEER_DIR/hello.js" "$port" >"$tmp/out" 2>&1 & pid=$! ;;
  nginx)
    sed -e "s|@PREFIX@|$tmp|g" -e "s|@PORT@|$port|g" "$PEER_DIR/nginx-hello.conf" >"$tmp/nginx.conf"
    "${server_pin[@]}" nginx -p "$tmp" -e "$tmp/error.log" -c "$tmp/nginx.conf" >"$tmp/out" 2>&1 & pid=$! ;;
  *) echo "http_run_one: unknown server $server" >&2; exit 64 ;;
esac

for _ in $(seq 100); do port_is_open "$port" && break; sleep 0.05; done
if ! port_is_open "$port"; then
  kill -0 "$pid" 2>/dev/null && state="still running" || state="exited"
  echo "http_run_one: $server did not start on port $port ($state)" >&2
  cat "$tmp/out" "$tmp/error.log" 2>/dev/null >&2
  exit 1
fi

# A short warm-up (connections, caches, the JIT), then the measured run.
"${wrk_pin[@]}" wrk -t1 -c"$conns" -d1 "http://127.0.0.1:$port/" >/dev/null 2>&1
cpu_before=$(proc_tree_cpu_ticks "$pid")
"${wrk_pin[@]}" wrk -t1 -c"$conns" -d"$seconds" --latency "http://127.0.0.1:$port/" >"$tmp/wrk" 2>&1
cpu_after=$(proc_tree_cpu_ticks "$pid")

wrk_report http "$tmp/wrk" $((cpu_after - cpu_before))
