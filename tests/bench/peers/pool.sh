# tests/bench/peers/pool.sh — peer group "pool": osnode's work queue against uv_queue_work.
# shellcheck shell=bash
#
# Our side is build/bench/pool_bench (tests/bench/pool_bench.cc), theirs peers/pool_uv.c, the
# same workloads line for line: 1,000,000 no-op requests with at most 10,000 in flight, on 4
# and on 2 threads (the pool's size is fixed per process, so each size is its own run with
# OSN_THREADPOOL_SIZE / UV_THREADPOOL_SIZE set), and one-at-a-time round trips (p50, p99).
# Our pool's mode comes from the environment: OSN_POOL_SPIN=0 and/or OSN_POOL_BATCH=0 make
# bench-peers measure it without its spin or its batched submits (the defaults, 1, are what
# the bars are about).
# Sourced by run.sh, which calls run_pool_vs_libuv with lib.sh loaded.
#
# The project's bar for the pool: throughput at least libuv's, and a round trip at most half
# of libuv's. peer_compare checks the first; pool_half_bar prints the second.

run_pool_vs_libuv() {
  if ! peer_have_libuv; then
    peer_log "libuv not installed (apt-get install libuv1-dev); skipping libuv"
    peer_row_missing "pool" libuv libuv1-dev
    return 0
  fi
  local ours="$BUILD/bench/pool_bench" theirs threads
  theirs=$(peer_build_libuv pool_uv) || {
    peer_log "could not build peers/pool_uv.c"
    PEER_ERRORS=$((PEER_ERRORS + 1))
    return 0
  }
  for threads in 4 2; do
    peer_log "pool/noop on $threads threads: $BENCH_ROUNDS rounds of osnode, libuv (alternating)"
    PEER_WORKLOAD="pool/noop $threads threads"
    peer_alternate osnode "OSN_THREADPOOL_SIZE=$threads $ours throughput $threads" \
                   libuv "UV_THREADPOOL_SIZE=$threads $theirs throughput $threads"
    peer_compare "pool_noop_per_s_${threads}threads" higher
  done
  peer_log "pool/roundtrip: $BENCH_ROUNDS rounds of osnode, libuv (alternating)"
  PEER_WORKLOAD="pool/roundtrip"
  peer_alternate osnode "$ours roundtrip" libuv "$theirs roundtrip"
  peer_compare pool_roundtrip_p50_us lower
  peer_compare pool_roundtrip_p99_us lower
  pool_half_bar pool_roundtrip_p50_us
  pool_half_bar pool_roundtrip_p99_us
}

# pool_half_bar METRIC — "bar: METRIC osnode/libuv=R (need <= 0.50) MET|MISSED" from the medians
# of the last peer_alternate.
pool_half_bar() {
  local a b
  # shellcheck disable=SC2046
  a=$(peer_median $(peer_values "$PEER_A" "$1")) || return 0
  # shellcheck disable=SC2046
  b=$(peer_median $(peer_values "$PEER_B" "$1")) || return 0
  awk -v m="$1" -v a="$a" -v b="$b" 'BEGIN {
    r = (b == 0) ? 0 : a / b
    printf "bar: %s osnode/libuv=%.2f (need <= 0.50 for the pool round trip) %s\n", m, r,
           (r <= 0.5) ? "MET" : "MISSED" }'
}
