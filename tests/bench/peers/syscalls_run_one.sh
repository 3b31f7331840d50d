#!/usr/bin/env bash
# tests/bench/peers/syscalls_run_one.sh — the system calls a hello server makes per request.
#
# Usage: BUILD=build syscalls_run_one.sh osnode|nginx|node keepalive|pipelined|loaded REQUESTS
# Runs the server under `strace -f -c` (every thread and child process counted) twice: once
# with a small load and once with that load plus REQUESTS requests; the difference of the two
# per-syscall counts, divided by REQUESTS, is what each request costs — start-up, the warm-up
# and shutdown are the same in both runs and cancel out. Loads:
#   keepalive  one connection, requests one after another (curl reusing its connection)
#   pipelined  connections each carrying 500 requests written in one go (HTTP/1.1 pipelining),
#              the last one "Connection: close", read until the server closes
#   loaded     `wrk -t1 -c50 -d2`: 50 keep-alive connections at once; REQUESTS is ignored, the
#              count is wrk's (how often a busy server still calls epoll_wait)
# Prints `bench: sc_MODE_SYSCALL_per_req N calls` per system call, sc_MODE_total_per_req, and
# `syscalls: MODE SERVER SYSCALL PER_REQ` lines for the table of docs/performance.md.
set -u
PEER_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/bench/peers/lib.sh
. "$PEER_DIR/lib.sh"
server=$1 mode=$2 requests=$3
BUILD=${BUILD:-build}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/osn-syscalls.XXXXXX")
pid=
stop_server() {
  [ -n "$pid" ] || return 0
  # SIGTERM to the traced server (nginx: its master): it exits, then strace writes its summary.
  pkill -TERM -P "$pid" -x "$(basename "${server_cmd[0]}")" 2>/dev/null
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  pid=
}
trap 'stop_server; rm -rf "$tmp"' EXIT

batch=500
# load N: N requests in the chosen mode (pipelined: N/batch connections of `batch` each).
load() {
  local n=$1 i answered=0 one last body
  if [ "$mode" = loaded ]; then
    wrk -t1 -c50 -d2 "http://127.0.0.1:$port/" >"$tmp/wrk" 2>&1
    loaded_requests=$(awk '/requests in/ { print $1 }' "$tmp/wrk")
    [ -n "$loaded_requests" ] && [ "$loaded_requests" -gt 0 ] || { echo "syscalls_run_one: wrk gave no count" >&2; return 1; }
    return 0
  elif [ "$mode" = keepalive ]; then
    answered=$(curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$port/?[1-$n]" | grep -c '^200$')
  else
    one=$'GET / HTTP/1.1\r\nHost: b\r\n\r\n' last=$'GET / HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n'
    body=
    for ((i = 1; i < batch; i++)); do body+=$one; done
    body+=$last
    for ((i = 0; i < n / batch; i++)); do
      exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
      printf '%s' "$body" >&3
      answered=$((answered + $(timeout 30 cat <&3 | grep -o 'HTTP/1.1 200' | wc -l)))
      exec 3<&- 3>&-
    done
  fi
  [ "$answered" -eq "$n" ] || { echo "syscalls_run_one: $server answered $answered of $n" >&2; return 1; }
}

# traced EXTRA OUT: start the server under strace, a warm-up of `batch` requests, EXTRA more, stop.
traced() {
  local extra=$1 out=$2
  port=$(free_port) || return 1
  case $server in
    osnode) server_cmd=("$BUILD/bin/hello" --port "$port") ;;
    node) server_cmd=(node "$PEER_DIR/hello.js" "$port") ;;
    nginx)
      sed -e "s|@PREFIX@|$tmp|g" -e "s|@PORT@|$port|g" "$PEER_DIR/nginx-hello.conf" >"$tmp/nginx.conf"
      server_cmd=(nginx -p "$tmp" -e "$tmp/error.log" -c "$tmp/nginx.conf") ;;
    *) echo "syscalls_run_one: unknown server $server" >&2; exit 64 ;;
  esac
  strace -f -c -o "$out" "${server_cmd[@]}" >"$tmp/server.out" 2>&1 &
  pid=$!
  for _ in $(seq 200); do port_is_open "$port" && break; sleep 0.05; done
  port_is_open "$port" || { echo "syscalls_run_one: $server did not start" >&2; cat "$tmp/server.out" >&2; return 1; }
  if [ "$mode" = loaded ]; then
    [ "$extra" -gt 0 ] && { load 0 || return 1; }  # the base run: start-up and shutdown only
  else
    load "$batch" || return 1
    if [ "$extra" -gt 0 ]; then load "$extra" || return 1; fi
  fi
  stop_server
  [ -s "$out" ] || { echo "syscalls_run_one: strace wrote no summary" >&2; return 1; }
}

# counts FILE: "SYSCALL CALLS" per line from strace -c's table (the errors column may be empty).
counts() {
  awk '$1 ~ /^[0-9.]+$/ && $NF != "total" { print $NF, $4 }' "$1"
}

traced 0 "$tmp/base" || exit 1
traced "$requests" "$tmp/full" || exit 1
[ "$mode" = loaded ] && requests=$loaded_requests
counts "$tmp/base" >"$tmp/base.counts"
counts "$tmp/full" >"$tmp/full.counts"
awk -v n="$requests" -v mode="$mode" -v server="$server" '
  NR == FNR { base[$1] = $2; next }
  { d = ($2 - base[$1]) / n; if (d >= 0.001) { printf "syscalls: %s %s %s %.3f\n", mode, server, $1, d; total += d;
      printf "bench: sc_%s_%s_per_req %.3f calls\n", mode, $1, d } }
  END { printf "bench: sc_%s_total_per_req %.3f calls\n", mode, total }' "$tmp/base.counts" "$tmp/full.counts"
