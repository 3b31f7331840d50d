# tests/bench/peers/syscalls.sh — peer group "syscalls": system calls per request, hello against
# nginx and Node.
# shellcheck shell=bash
#
# A request's cost is mostly the kernel crossings it takes: at least a read of the request and
# a write of the response, plus the readiness wait (epoll_wait) whenever nothing is ready yet.
# syscalls_run_one.sh counts them with `strace -f -c` for SYSCALLS_REQUESTS (default 5,000)
# requests in three loads: keepalive (one client, one request at a time: every request waits),
# pipelined (500 requests per write: how many requests one read and one write carry) and
# loaded (wrk, 50 connections: how rarely a busy server has to wait). strace slows the
# traced server, so under load more events gather per wait than without it: the loaded figures
# are an upper bound on the batching, the keepalive and pipelined ones exact. One round each:
# the counts do not depend on the machine's speed. Sourced by run.sh (run_syscalls_vs_nginx_node).

SYSCALLS_REQUESTS=${SYSCALLS_REQUESTS:-5000}
SYSCALLS_MODES=${SYSCALLS_MODES:-keepalive pipelined loaded}

run_syscalls_vs_nginx_node() {
  local servers=(osnode) peers=() mode s p
  if ! command -v strace >/dev/null 2>&1; then
    peer_log "strace not installed (apt-get install strace); skipping syscalls"
    peer_row_missing syscalls "nginx, node" strace
    return 0
  fi
  command -v nginx >/dev/null 2>&1 && peers+=(nginx) || peer_log "nginx not installed; skipping it"
  command -v node >/dev/null 2>&1 && peers+=(node) || peer_log "node not installed; skipping it"
  command -v curl >/dev/null 2>&1 || { peer_log "curl not installed; skipping syscalls"; peer_row_missing syscalls "nginx, node" curl; return 0; }
  for mode in $SYSCALLS_MODES; do
    if [ "$mode" = loaded ] && ! command -v wrk >/dev/null 2>&1; then peer_row_missing "syscalls/loaded" "nginx, node" wrk; continue; fi
    peer_log "syscalls/$mode: $SYSCALLS_REQUESTS requests to ${servers[*]} ${peers[*]} under strace -f -c"
    for s in "${servers[@]}" "${peers[@]}"; do
      rm -f "$PEER_RUNS/sc-$s".*
      peer_run_one "sc-$s" 1 "BUILD=$BUILD $PEER_DIR/syscalls_run_one.sh $s $mode $SYSCALLS_REQUESTS"
      grep -h '^syscalls:' "$PEER_RUNS/sc-$s.1" 2>/dev/null
    done
    PEER_WORKLOAD="syscalls/$mode"
    for p in nginx node; do
      if [[ " ${peers[*]} " == *" $p "* ]]; then
        peer_row "$PEER_WORKLOAD" "sc_${mode}_total_per_req" lower sc-osnode "sc-$p" osnode "$p"
      else
        peer_row_missing "$PEER_WORKLOAD" "$p" "$p"
      fi
    done
  done
}
