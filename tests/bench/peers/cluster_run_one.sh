#!/usr/bin/env bash
# tests/bench/peers/cluster_run_one.sh — one measured wrk run against one 2-worker server.
#
# Usage: BUILD=build cluster_run_one.sh rr|shared|reuseport|nginx|node CONNECTIONS SECONDS
# Starts the server in its own session (setsid: the primary/master and its workers form one
# process group, stopped together at the end — always, through an EXIT trap) on a free port:
#   rr, shared, reuseport  build/bin/cluster-demo with WORKERS=2 SCHED=<mode>, path /hello
#   nginx                  nginx-hello.conf with worker_processes 2, in a temporary prefix
#   node                   cluster_hello.js: Node's cluster module, 2 workers, SCHED_RR
# waits until it answers, warms up 1 s, runs `wrk -t1 -cCONNECTIONS -dSECONDS --latency`,
# and reads the CPU time of the whole process tree (/proc) before and after. Prints
#   bench: cluster_rps | cluster_p50_us | cluster_p99_us | cluster_cpu_us_per_req
# and for osnode, from GET /cluster before and after the run, each worker's share:
#   bench: cluster_share_dev_pct N %   (largest |worker requests - mean| / mean)
#   shares: worker 1 conns=25 reqs=101234 (50.1%) | worker 2 ...
set -u
PEER_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/bench/peers/lib.sh
. "$PEER_DIR/lib.sh"
server=$1 conns=$2 seconds=$3
BUILD=${BUILD:-build}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/osn-cluster-peer.XXXXXX")
pid=

stop_server() {
  [ -n "$pid" ] || return 0
  kill -TERM -- "-$pid" 2>/dev/null
  for _ in $(seq 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  pid=
}
trap 'stop_server; rm -rf "$tmp"' EXIT

# port_is_open and free_port come from lib.sh.
# GET PATH over bash's /dev/tcp; prints the body.
http_get() {
  local reply
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'GET %s HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n' "$1" >&3
  reply=$(cat <&3)
  exec 3<&-
  printf '%s\n' "${reply#*$'\r\n\r\n'}"
}
# {"workers":[{"worker":1,...,"connections":N,"requests":N,...},...]} -> "id conns reqs" lines
worker_rows() {
  tr '{' '\n' | sed -n 's/.*"worker":\([0-9]*\).*"connections":\([0-9]*\),"requests":\([0-9]*\).*/\1 \2 \3/p'
}

port=$(free_port) || { echo "cluster_run_one: no free port" >&2; exit 1; }
path=/
case $server in
  rr | shared | reuseport)
    path=/hello
    WORKERS=2 SCHED=$server PORT=$port setsid "$BUILD/bin/cluster-demo" >"$tmp/out" 2>&1 & pid=$! ;;
  node) WORKERS=2 setsid node "$PEER_DIR/cluster_hello.js" "$port" >"$tmp/out" 2>&1 & pid=$! ;;
  nginx)
    sed -e "s|@PREFIX@|$tmp|g" -e "s|@PORT@|$port|g" -e 's|^worker_processes 1;|worker_processes 2;|' \
      "$PEER_DIR/nginx-hello.conf" >"$tmp/nginx.conf"
    setsid nginx -p "$tmp" -e "$tmp/error.log" -c "$tmp/nginx.conf" >"$tmp/out" 2>&1 & pid=$! ;;
  *) echo "cluster_run_one: unknown server $server" >&2; exit 64 ;;
esac

if ! wait_for_server "$port" "cluster_run_one: $server" "$tmp"; then
  exit 1
fi
sleep 0.3  # every worker up (node forks its workers after the primary listens)

wrk -t1 -c"$conns" -d1 "http://127.0.0.1:$port$path" >/dev/null 2>&1
if [ "$path" = /hello ]; then sleep 0.6; http_get /cluster | worker_rows >"$tmp/before"; fi
cpu_before=$(proc_tree_cpu_ticks "$pid")
wrk -t1 -c"$conns" -d"$seconds" --latency "http://127.0.0.1:$port$path" >"$tmp/wrk" 2>&1
cpu_after=$(proc_tree_cpu_ticks "$pid")
if [ "$path" = /hello ]; then sleep 0.6; http_get /cluster | worker_rows >"$tmp/after"; fi

wrk_report cluster "$tmp/wrk" $((cpu_after - cpu_before)) || exit 1

# Each worker's share of the measured run (rows of the same worker id, after minus before).
if [ "$path" = /hello ]; then
  awk 'NR == FNR { c[$1] = $2; r[$1] = $3; next }
       { dc[$1] = $2 - c[$1]; dr[$1] = $3 - r[$1]; total += dr[$1]; n++ }
       END {
         if (n == 0 || total == 0) { print "shares: none (no /cluster answer)"; exit }
         mean = total / n; dev = 0; line = "shares:"
         for (id in dr) {
           d = dr[id] > mean ? dr[id] - mean : mean - dr[id]; if (d > dev) dev = d
           line = line sprintf("%s worker %s conns=%d reqs=%d (%.1f%%)", (line == "shares:" ? "" : " |"), id, dc[id], dr[id], 100 * dr[id] / total)
         }
         print line
         printf "bench: cluster_share_dev_pct %.1f %%\n", 100 * dev / mean
       }' "$tmp/before" "$tmp/after"
fi
