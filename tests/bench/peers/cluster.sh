# tests/bench/peers/cluster.sh — peer group "cluster": the cluster demo against nginx and
# Node's cluster module, 2 workers each.
#
# Servers (cluster_run_one.sh): the demo's GET /hello with WORKERS=2 in each SCHED mode (rr,
# shared, reuseport), nginx with worker_processes 2, and Node's cluster (cluster_hello.js,
# 2 workers, round-robin). For each wrk connection count (-c50 and -c256, one wrk thread) they
# run in turn, CLUSTER_BENCH_ROUNDS times (default 2), CLUSTER_BENCH_SECONDS each (default 3)
# after a 1 s warm-up; medians are compared. Measured: requests/s, p50/p99, the server's CPU
# per request (its whole process tree, /proc), and for osnode each worker's share of
# connections and requests (from GET /cluster). Whole group: about 2 minutes by default.
# The bar (docs/cluster.md, "Measured"): CPU/request <= nginx; req/s >= 1.5x Node's cluster;
# rr: every worker's request count within 10% of the mean. Sourced by run.sh, which calls
# run_cluster_vs_nginx_node.

CLUSTER_BENCH_ROUNDS=${CLUSTER_BENCH_ROUNDS:-2}
CLUSTER_BENCH_SECONDS=${CLUSTER_BENCH_SECONDS:-3}
CLUSTER_BENCH_CONNECTIONS=${CLUSTER_BENCH_CONNECTIONS:-50 256}
CLUSTER_BENCH_MODES=${CLUSTER_BENCH_MODES:-rr shared reuseport}

# cluster_bar OURS METRIC lower|higher PEER FACTOR — median of OURS vs FACTOR x median of PEER.
cluster_bar() {
  local ours=$1 metric=$2 better=$3 peer=$4 factor=$5 a b ratio verdict
  peer_row "cluster -c$conns" "$metric" "$better" "$ours" "$peer"
  # shellcheck disable=SC2046  # one number per word
  a=$(peer_median $(peer_values "$ours" "$metric")) || a=
  # shellcheck disable=SC2046
  b=$(peer_median $(peer_values "$peer" "$metric")) || b=
  if [ -z "$a" ] || [ -z "$b" ]; then
    peer_log "$metric $ours vs $peer: no values (see the errors above)"
    PEER_ERRORS=$((PEER_ERRORS + 1))
    return
  fi
  ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", (b == 0 ? 0 : a / b) }')
  verdict=$(awk -v a="$a" -v b="$b" -v f="$factor" -v better="$better" 'BEGIN {
    ok = (better == "lower") ? (a <= f * b) : (a >= f * b); print ok ? "PASS" : "BEHIND" }')
  if [ "$verdict" = PASS ]; then PEER_PASS=$((PEER_PASS + 1)); else PEER_BEHIND=$((PEER_BEHIND + 1)); fi
  echo "peer: $metric $ours=$a $peer=$b ratio=$ratio ($better is better; bar ${factor}x) $verdict"
}

# cluster_share_bar NAME — rr's promise: each worker's requests within 10% of the mean.
cluster_share_bar() {
  local dev
  # shellcheck disable=SC2046
  dev=$(peer_median $(peer_values "$1" cluster_share_dev_pct)) || { peer_log "$1: no shares"; return; }
  if awk -v d="$dev" 'BEGIN { exit !(d <= 10) }'; then
    PEER_PASS=$((PEER_PASS + 1)); echo "verdict: $1 worker share deviation ${dev}% PASS (bar: within 10%)"
  else
    PEER_BEHIND=$((PEER_BEHIND + 1)); echo "verdict: $1 worker share deviation ${dev}% BEHIND (bar: within 10%)"
  fi
}

run_cluster_vs_nginx_node() {
  if ! command -v wrk >/dev/null 2>&1; then
    peer_log "wrk not installed (apt-get install wrk); skipping cluster"
    peer_row_missing cluster "nginx, node" wrk
    return 0
  fi
  local ours=() peers=() conns name mode f
  for mode in $CLUSTER_BENCH_MODES; do ours+=("$mode"); done
  command -v nginx >/dev/null 2>&1 && peers+=(nginx) || peer_log "nginx not installed; skipping it"
  command -v node >/dev/null 2>&1 && peers+=(node) || peer_log "node not installed; skipping it"
  for conns in $CLUSTER_BENCH_CONNECTIONS; do
    command -v nginx >/dev/null 2>&1 || peer_row_missing "cluster -c$conns" nginx nginx
    command -v node >/dev/null 2>&1 || peer_row_missing "cluster -c$conns" node node
    peer_log "cluster -c$conns: $CLUSTER_BENCH_ROUNDS rounds of ${ours[*]} ${peers[*]} (2 workers each), ${CLUSTER_BENCH_SECONDS}s each"
    peer_rounds "$CLUSTER_BENCH_ROUNDS" "%s" "BUILD=$BUILD $PEER_DIR/cluster_run_one.sh %s $conns $CLUSTER_BENCH_SECONDS" \
      "${ours[@]}" "${peers[@]}"
    for name in "${ours[@]}" "${peers[@]}"; do
      # shellcheck disable=SC2046
      echo "cluster -c$conns $name: rps=$(peer_median $(peer_values "$name" cluster_rps))" \
        "p50=$(peer_median $(peer_values "$name" cluster_p50_us))us" \
        "p99=$(peer_median $(peer_values "$name" cluster_p99_us))us" \
        "cpu/req=$(peer_median $(peer_values "$name" cluster_cpu_us_per_req))us"
    done
    for name in "${ours[@]}"; do
      for f in "$PEER_RUNS/$name".[0-9]; do sed -n "s/^shares:/cluster -c$conns $name shares (round ${f##*.}):/p" "$f"; done
    done
    for name in "${ours[@]}"; do
      if [[ " ${peers[*]} " == *" nginx "* ]]; then
        cluster_bar "$name" cluster_cpu_us_per_req lower nginx 1.0
        peer_row "cluster -c$conns" cluster_rps higher "$name" nginx  # the report's row; bar in docs/performance.md
      fi
      if [[ " ${peers[*]} " == *" node "* ]]; then cluster_bar "$name" cluster_rps higher node 1.5; fi
    done
    [[ " ${ours[*]} " == *" rr "* ]] && cluster_share_bar rr
  done
}
