#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# tests/bench/peers/run.sh — `make bench-peers`: osnode side by side with libuv, nginx, node.
#
# Each peer group lives in its own file tests/bench/peers/<group>.sh and defines one
# function run_<group>_vs_<peer>; lib.sh holds what they share (alternating rounds, medians,
# ratios, verdicts, CPU time of a process tree). A group whose peer is not installed says so
# and is skipped; the others still run.
#
# Usage: BUILD=build tests/bench/peers/run.sh [GROUP...]      (default: every group below)
# Env:   BUILD         build folder holding bench/ (make passes it)
#        BENCH_ROUNDS  A/B pairs per workload (default 5); medians are over these
#        BENCH_SCALE   workload size factor passed to every program (default 1.0)
#        BENCH_PEERS_STRICT=1  exit 1 when any metric is BEHIND (default: report only)
#        BENCH_PEERS_SMOKE=1   what CI runs: every group at its smallest (one round, tiny
#                              workloads, a second of wrk), then fail unless the report, its
#                              JSON and charts were written. The figures mean nothing.
#
# The report: every group writes its results as rows into $BENCH_ROWS (lib.sh, peer_row); at
# the end build/bin/bench-report (tools/bench-report/) prints them as one table and writes
# $BUILD/bench/report.md, report.json and the SVG charts (report-*.svg) beside them.
#
# To add a group (e.g. pool vs uv_queue_work): write peers/pool.sh with run_pool_vs_libuv,
# add "pool:run_pool_vs_libuv" to PEER_GROUPS below. That is all.
set -u

PEER_DIR=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:-build}
BUILD=$(cd "$BUILD" && pwd) || { echo "bench-peers: no build folder $BUILD"; exit 1; }
if [ "${BENCH_PEERS_SMOKE:-0}" = 1 ]; then
  export BENCH_ROUNDS=${BENCH_ROUNDS:-1} BENCH_SCALE=${BENCH_SCALE:-0.02}
  export HTTP_BENCH_ROUNDS=1 HTTP_BENCH_SECONDS=1 HTTP_BENCH_CONNECTIONS=50
  export CLUSTER_BENCH_ROUNDS=1 CLUSTER_BENCH_SECONDS=1 CLUSTER_BENCH_CONNECTIONS=50 CLUSTER_BENCH_MODES=rr
  export C10K_ROUNDS=1 C10K_SECONDS=1 C10K_COUNTS="10 100"
  export SYSCALLS_REQUESTS=500 SYSCALLS_MODES=keepalive
  export REDIS_BENCH_ROUNDS=1 REDIS_BAR_ROUNDS=1
fi
BENCH_SCALE_ARG=${BENCH_SCALE:-}
PEER_RUNS=$(mktemp -d "${TMPDIR:-/tmp}/osn-bench-peers.XXXXXX")
trap 'rm -rf "$PEER_RUNS"' EXIT
mkdir -p "$BUILD/bench"
rm -f "$BUILD"/bench/report-*.svg "$BUILD"/bench/chart-*.svg  # charts of an earlier run
export BENCH_ROWS="$BUILD/bench/rows.tsv"
: >"$BENCH_ROWS"

# shellcheck source=lib.sh
. "$PEER_DIR/lib.sh"

# group-name:function, in the order they run. Planned groups, each in its own file:
#   pool:run_pool_vs_libuv              pool/queue_work vs uv_queue_work       (peers/pool.sh)
#   http:run_http_vs_nginx_node         hello server vs nginx / node, with wrk (peers/http.sh)
#   cluster:run_cluster_vs_nginx_node   cluster vs nginx workers / node cluster (peers/cluster.sh)
PEER_GROUPS=(
  loop:run_loop_vs_libuv
  pool:run_pool_vs_libuv
  http:run_http_vs_nginx_node
  cluster:run_cluster_vs_nginx_node
  redis:run_redis_vs_redis_benchmark
  async:run_async_vs_node
  c10k:run_c10k_vs_nginx
  syscalls:run_syscalls_vs_nginx_node
)

selected=("$@")
for group in "${selected[@]}"; do
  if [[ " ${PEER_GROUPS[*]} " != *" $group:"* ]]; then
    echo "bench-peers: unknown group '$group' (known: ${PEER_GROUPS[*]%%:*})"
    exit 2
  fi
done
for entry in "${PEER_GROUPS[@]}"; do
  group=${entry%%:*} fn=${entry#*:}
  if [ ${#selected[@]} -gt 0 ] && [[ " ${selected[*]} " != *" $group "* ]]; then continue; fi
  # shellcheck source=/dev/null
  . "$PEER_DIR/$group.sh"
  PEER_GROUP=$group PEER_WORKLOAD=
  echo "== peer group $group ($(date -u +%FT%TZ), rounds=$BENCH_ROUNDS, scale=${BENCH_SCALE_ARG:-1.0})"
  "$fn"
done

{
  printf 'meta\tdate\t%s\n' "$(date -u +%FT%TZ)"
  printf 'meta\tmachine\t%s, %s CPUs, %s\n' "$(uname -srm)" "$(nproc)" \
    "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n1)"
  printf 'meta\tload\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
  printf 'meta\tcommand\tBENCH_ROUNDS=%s BENCH_SCALE=%s tests/bench/peers/run.sh %s\n' \
    "$BENCH_ROUNDS" "${BENCH_SCALE_ARG:-1.0}" "${selected[*]:-}"
} >>"$BENCH_ROWS"
if ! "$BUILD/bin/bench-report" --rows "$BENCH_ROWS" --out "$BUILD/bench"; then
  peer_log "bench-report could not write the report"
  PEER_ERRORS=$((PEER_ERRORS + 1))
fi
if [ "${BENCH_PEERS_SMOKE:-0}" = 1 ]; then
  for f in report.md report.json; do
    [ -s "$BUILD/bench/$f" ] || { peer_log "smoke: $BUILD/bench/$f was not written"; PEER_ERRORS=$((PEER_ERRORS + 1)); }
  done
  ls "$BUILD"/bench/report-*.svg >/dev/null 2>&1 || { peer_log "smoke: no SVG chart written"; PEER_ERRORS=$((PEER_ERRORS + 1)); }
fi
echo "bench-peers: $PEER_PASS PASS, $PEER_BEHIND BEHIND, $PEER_ERRORS errors"
[ "$PEER_ERRORS" -eq 0 ] || exit 1
if [ "${BENCH_PEERS_STRICT:-0}" = 1 ] && [ "$PEER_BEHIND" -gt 0 ]; then exit 1; fi
exit 0
