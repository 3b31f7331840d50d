# tests/bench/peers/http.sh — peer group "http": examples/hello against nginx and Node.js.
#
# Three servers answering every request with 200 "Hello, World!": build/bin/hello (one loop,
# one thread), nginx with one worker (nginx-hello.conf) and node's http module (hello.js).
# For each wrk connection count (-c50 and -c256, one wrk thread) the servers run in turn,
# osnode nginx node, HTTP_BENCH_ROUNDS times (default 3), each for HTTP_BENCH_SECONDS
# (default 5) after a 1 s warm-up; medians are compared. Measured per run (http_run_one.sh):
# requests/s, p50 and p99 latency (wrk --latency) and the server's CPU time per request
# (utime+stime of its process tree over the run). CPU per request is the finer measure: one
# wrk thread saturates near the fastest servers' rate.
# The bar (docs/http.md): CPU/request <= nginx; req/s >= 0.95x nginx and >= 1.8x node;
# p99 <= 1.2x nginx. Env: HTTP_BENCH_ROUNDS, HTTP_BENCH_SECONDS, HTTP_BENCH_CONNECTIONS ("50 256"),
# HTTP_BENCH_PIN=1 (server on CPU 0, wrk on CPU 1). Sourced by run.sh (run_http_vs_nginx_node).

HTTP_BENCH_ROUNDS=${HTTP_BENCH_ROUNDS:-3}
HTTP_BENCH_SECONDS=${HTTP_BENCH_SECONDS:-5}
HTTP_BENCH_CONNECTIONS=${HTTP_BENCH_CONNECTIONS:-50 256}

# http_compare_bar METRIC lower|higher PEER FACTOR — median of osnode vs FACTOR x median of
# PEER: "lower" passes when ours <= FACTOR x theirs, "higher" when ours >= FACTOR x theirs.
http_compare_bar() {
  local metric=$1 better=$2 peer=$3 factor=$4 a b ratio verdict
  peer_row "$PEER_WORKLOAD" "$metric" "$better" osnode "$peer"
  # shellcheck disable=SC2046  # one number per word
  a=$(peer_median $(peer_values osnode "$metric")) || a=
  # shellcheck disable=SC2046
  b=$(peer_median $(peer_values "$peer" "$metric")) || b=
  if [ -z "$a" ] || [ -z "$b" ]; then
    peer_log "$metric vs $peer: no values (see the errors above)"
    PEER_ERRORS=$((PEER_ERRORS + 1))
    return
  fi
  ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", (b == 0 ? 0 : a / b) }')
  echo "peer: $metric osnode=$a $peer=$b ratio=$ratio ($better is better; bar ${factor}x)"
  verdict=$(awk -v a="$a" -v b="$b" -v f="$factor" -v better="$better" 'BEGIN {
    ok = (better == "lower") ? (a <= f * b) : (a >= f * b); print ok ? "PASS" : "BEHIND" }')
  if [ "$verdict" = PASS ]; then
    PEER_PASS=$((PEER_PASS + 1))
  else
    PEER_BEHIND=$((PEER_BEHIND + 1))
  fi
  echo "verdict: $metric vs $peer $verdict (osnode/$peer = $ratio, bar: $better than ${factor}x)"
}

run_http_vs_nginx_node() {
  if ! command -v wrk >/dev/null 2>&1; then
    peer_log "wrk not installed (apt-get install wrk); skipping http"
    peer_row_missing hello "nginx, node" wrk
    return 0
  fi
  local peers=(osnode) conns name
  command -v nginx >/dev/null 2>&1 && peers+=(nginx) || peer_log "nginx not installed; skipping it"
  command -v node >/dev/null 2>&1 && peers+=(node) || peer_log "node not installed; skipping it"
  for conns in $HTTP_BENCH_CONNECTIONS; do
    PEER_WORKLOAD="hello -c$conns"
    command -v nginx >/dev/null 2>&1 || peer_row_missing "$PEER_WORKLOAD" nginx nginx
    command -v node >/dev/null 2>&1 || peer_row_missing "$PEER_WORKLOAD" node node
    peer_log "http -c$conns: $HTTP_BENCH_ROUNDS rounds of ${peers[*]} (alternating), ${HTTP_BENCH_SECONDS}s each"
    peer_rounds "$HTTP_BENCH_ROUNDS" "%s" "BUILD=$BUILD $PEER_DIR/http_run_one.sh %s $conns $HTTP_BENCH_SECONDS" "${peers[@]}"
    for name in "${peers[@]}"; do
      # shellcheck disable=SC2046
      echo "http -c$conns $name: rps=$(peer_median $(peer_values "$name" http_rps))" \
        "p50=$(peer_median $(peer_values "$name" http_p50_us))us" \
        "p99=$(peer_median $(peer_values "$name" http_p99_us))us" \
        "cpu/req=$(peer_median $(peer_values "$name" http_cpu_us_per_req))us"
    done
    if [[ " ${peers[*]} " == *" nginx "* ]]; then
      http_compare_bar http_cpu_us_per_req lower nginx 1.0
      http_compare_bar http_rps higher nginx 0.95
      http_compare_bar http_p99_us lower nginx 1.2
    fi
    if [[ " ${peers[*]} " == *" node "* ]]; then
      http_compare_bar http_rps higher node 1.8
      http_compare_bar http_cpu_us_per_req lower node 1.0
    fi
  done
}
