# tests/bench/peers/c10k.sh — peer group "c10k": the C10K curve, epoll against poll, and nginx.
# shellcheck shell=bash
#
# The C10K problem (Dan Kegel, 1999): can one server hold 10,000 connections? Most of them are
# idle. A readiness interface whose cost grows with the number of watched descriptors — poll(2)
# copies and scans the whole array on every call — makes each busy request pay for all the
# idle ones: O(n). epoll keeps the interest list in the kernel and returns only the ready ones:
# O(1) in the idle connections. For 10, 100, 1,000 and 10,000 idle keep-alive connections plus
# one busy client (c10k_run_one.sh) this group measures the busy client's requests/s and p99
# and the server's RSS per idle connection, on build/bin/hello (epoll), build-poll/bin/hello
# (poll: `make all BACKEND=poll BUILD=build-poll`) and nginx (epoll, one worker), alternating
# the servers within each round. Env: C10K_ROUNDS (default 3), C10K_SECONDS (default 3),
# C10K_COUNTS ("10 100 1000 10000"). Writes the line charts' points and, per count, rows of
# osnode (epoll, poll) against nginx. Sourced by run.sh (run_c10k_vs_nginx).

C10K_ROUNDS=${C10K_ROUNDS:-3}
C10K_SECONDS=${C10K_SECONDS:-3}
C10K_COUNTS=${C10K_COUNTS:-10 100 1000 10000}

# c10k_median NAME METRIC — the median over the rounds of NAME ("" when none).
c10k_median() {
  # shellcheck disable=SC2046  # one number per word
  peer_median $(peer_values "$1" "$2") 2>/dev/null
}

run_c10k_vs_nginx() {
  if ! command -v wrk >/dev/null 2>&1; then
    peer_log "wrk not installed (apt-get install wrk); skipping c10k"
    peer_row_missing c10k "nginx" wrk
    return 0
  fi
  local servers=(epoll) n s name value
  if [ -x "${POLL_BUILD:-build-poll}/bin/hello" ]; then servers+=(poll)
  else peer_log "no ${POLL_BUILD:-build-poll}/bin/hello (make all BACKEND=poll BUILD=build-poll): poll left out"; fi
  if command -v nginx >/dev/null 2>&1; then servers+=(nginx)
  else peer_log "nginx not installed; c10k without it"; fi
  for n in $C10K_COUNTS; do
    peer_log "c10k: $n idle + 1 busy: $C10K_ROUNDS rounds of ${servers[*]} (alternating), ${C10K_SECONDS}s each"
    peer_rounds "$C10K_ROUNDS" "c10k-%s-$n" "BUILD=$BUILD $PEER_DIR/c10k_run_one.sh %s $n $C10K_SECONDS" "${servers[@]}"
    for s in "${servers[@]}"; do
      name="c10k-$s-$n"
      echo "c10k $n idle, $s: rps=$(c10k_median "$name" c10k_rps) p99=$(c10k_median "$name" c10k_p99_us)us" \
        "rss/idle conn=$(c10k_median "$name" c10k_rss_bytes_per_idle_conn) bytes"
      value=$(c10k_median "$name" c10k_rps) && [ -n "$value" ] && peer_point "C10K: busy client req/s beside N idle connections" "$s" "$n" "$value" req/s
      value=$(c10k_median "$name" c10k_p99_us) && [ -n "$value" ] && peer_point "C10K: busy client p99 latency beside N idle connections" "$s" "$n" "$value" us
      value=$(c10k_median "$name" c10k_rss_bytes_per_idle_conn) && [ -n "$value" ] && peer_point "C10K: server RSS per idle connection" "$s" "$n" "$value" bytes
    done
    PEER_WORKLOAD="c10k $n idle + 1 busy"
    if [[ " ${servers[*]} " == *" nginx "* ]]; then
      peer_row "$PEER_WORKLOAD" c10k_rps higher "c10k-epoll-$n" "c10k-nginx-$n" "osnode epoll" nginx
      peer_row "$PEER_WORKLOAD" c10k_p99_us lower "c10k-epoll-$n" "c10k-nginx-$n" "osnode epoll" nginx
      peer_row "$PEER_WORKLOAD" c10k_rss_bytes_per_idle_conn lower "c10k-epoll-$n" "c10k-nginx-$n" "osnode epoll" nginx
      [[ " ${servers[*]} " == *" poll "* ]] && peer_row "$PEER_WORKLOAD" c10k_rps higher "c10k-poll-$n" "c10k-nginx-$n" "osnode poll" nginx
    else
      peer_row_missing "$PEER_WORKLOAD" nginx nginx
    fi
  done
  c10k_flatness epoll
  [[ " ${servers[*]} " == *" nginx "* ]] && c10k_flatness nginx
  [[ " ${servers[*]} " == *" poll "* ]] && c10k_flatness poll
}

# c10k_flatness SERVER — the busy client's req/s at the largest count over that at the
# smallest; the bar of docs/performance.md for epoll is within 10% (>= 0.90).
c10k_flatness() {
  local first last a b
  first=$(echo "$C10K_COUNTS" | awk '{ print $1 }') last=$(echo "$C10K_COUNTS" | awk '{ print $NF }')
  a=$(c10k_median "c10k-$1-$first" c10k_rps) b=$(c10k_median "c10k-$1-$last" c10k_rps)
  [ -n "$a" ] && [ -n "$b" ] || return 0
  awk -v s="$1" -v a="$a" -v b="$b" -v f="$first" -v l="$last" 'BEGIN {
    r = (a == 0) ? 0 : b / a
    printf "bar: c10k %s req/s at %s idle / at %s idle = %.2f (need >= 0.90 on epoll) %s\n", s, l, f, r, (r >= 0.9) ? "MET" : "MISSED" }'
}
