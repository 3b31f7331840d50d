# tests/bench/peers/async.sh — peer group "async": co_await against Node's await.
# shellcheck shell=bash
#
# build/bench/async_await_bench and peers/async_await.js run the same two workloads (1,000,000
# awaits of a resolved value; 100,000 concurrent awaited 0 ms timers). The bar in docs/async.md
# is 5x Node's await throughput; peer_compare prints the ratio (lower is better: ns per await).
# Sourced by run.sh, which calls run_async_vs_node with lib.sh already loaded.

run_async_vs_node() {
  if ! command -v node >/dev/null 2>&1; then
    peer_log "node not installed; skipping async vs node"
    peer_row_missing async node node
    return 0
  fi
  peer_log "async: $BENCH_ROUNDS rounds of osnode, node (alternating)"
  PEER_WORKLOAD="async/await"
  peer_alternate osnode "$BUILD/bench/async_await_bench $BENCH_SCALE_ARG" \
    node "node $PEER_DIR/async_await.js $BENCH_SCALE_ARG"
  peer_compare await_resolved_ns lower
  peer_compare await_resolved_cpu_ns lower
  peer_compare await_resolved_2frames_ns lower
  peer_compare await_resolved_2frames_cpu_ns lower
  peer_compare await_sleep0_ns lower
}
