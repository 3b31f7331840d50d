# tests/bench/peers/loop.sh — peer group "loop": osnode's loop against libuv's.
# shellcheck shell=bash
#
# Three workloads, each a program of ours (build/bench/loop_*_bench, from tests/bench/) and a
# libuv twin (peers/libuv_*.c, built here): a million timers, a million one-byte ping-pong
# round trips over a socketpair, and empty loop iterations kept spinning by an idle handle.
# Sourced by run.sh, which calls run_loop_vs_libuv with lib.sh already loaded.

run_loop_vs_libuv() {
  if ! peer_have_libuv; then
    peer_log "libuv not installed (apt-get install libuv1-dev); skipping libuv"
    for workload in timers pingpong empty_iter; do peer_row_missing "loop/$workload" libuv libuv1-dev; done
    return 0
  fi
  local workload ours theirs
  for workload in timers pingpong empty_iter; do
    ours="$BUILD/bench/loop_${workload}_bench"
    theirs=$(peer_build_libuv "libuv_$workload") || {
      peer_log "could not build peers/libuv_$workload.c"
      PEER_ERRORS=$((PEER_ERRORS + 1))
      continue
    }
    peer_log "loop/$workload: $BENCH_ROUNDS rounds of osnode, libuv (alternating)"
    PEER_WORKLOAD="loop/$workload"
    peer_alternate osnode "$ours $BENCH_SCALE_ARG" libuv "$theirs $BENCH_SCALE_ARG"
    case $workload in
      timers)
        peer_compare timers_insert_ns lower
        peer_compare timers_cpu_per_fire_ns lower ;;
      pingpong) peer_compare pingpong_round_trips_per_s higher ;;
      empty_iter) peer_compare empty_iterations_per_s higher ;;
    esac
  done
}
