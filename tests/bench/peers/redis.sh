# tests/bench/peers/redis.sh — peer group "redis": redis::Client against redis-benchmark.
# shellcheck shell=bash
#
# One redis-server (started here on a free port, no persistence, stopped at the end) serves
# both sides. For GET and SET, on 1 and on 50 connections, unpipelined and with 16 in flight,
# build/bench/redis_bench (tests/bench/redis_bench.cc) and `redis-benchmark -c C -P P -n N -t T`
# run alternately (REDIS_BENCH_ROUNDS rounds, at least 5; medians); requests/s come from each program's own report (redis-benchmark --csv), CPU
# per request from the client process's whole user+system time, measured the same way for
# both (bash's `times` for the child, start-up included). The project's bars, at -P 16 -c 50:
# requests/s >= 0.95x redis-benchmark's, client CPU per request <= 1.0x its (redis_bars).
# Sourced by run.sh, which calls run_redis_vs_redis_benchmark with lib.sh loaded.

# child_cpu_seconds — from `times` output on stdin: its second line, the children's user and
# system time ("0m0.056s 0m0.220s"), as seconds.
child_cpu_seconds() {
  tail -n1 | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.6f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }'
}

# osnode_one PORT CLIENTS PIPELINE N TEST — redis_bench's req/s, and its whole process's CPU.
osnode_one() {
  local port=$1 c=$2 p=$3 n=$4 t=$5 out cpu name="redis_${5}_c${2}_p${3}"
  out=$(bash -c "$BUILD/bench/redis_bench --port $port --clients $c --pipeline $p --requests $n --test $t; times") || return 1
  grep "^bench: ${name}_per_s " <<<"$out" || return 1
  cpu=$(child_cpu_seconds <<<"$out")
  awk -v cpu="$cpu" -v n="$n" -v name="$name" 'BEGIN { printf "bench: %s_cpu_ns_per_req %.1f ns\n", name, cpu * 1e9 / n }'
}

# redis_benchmark_one PORT CLIENTS PIPELINE N TEST — the same two "bench:" lines as osnode_one.
redis_benchmark_one() {
  local port=$1 c=$2 p=$3 n=$4 t=$5 out rps cpu name
  out=$(bash -c "redis-benchmark -p $port -c $c -P $p -n $n -t $t --csv 2>/dev/null; times") || return 1
  rps=$(awk -F'"' -v T="${t^^}" '$2 == T { print $4; exit }' <<<"$out")
  cpu=$(child_cpu_seconds <<<"$out")
  [ -n "$rps" ] || return 1
  name="redis_${t}_c${c}_p${p}"
  echo "bench: ${name}_per_s $rps req/s"
  awk -v cpu="$cpu" -v n="$n" -v name="$name" 'BEGIN { printf "bench: %s_cpu_ns_per_req %.1f ns\n", name, cpu * 1e9 / n }'
}

# The rounds: at least 5 (REDIS_BENCH_ROUNDS, default max(BENCH_ROUNDS, 5)). Within a round GET
# and SET run back to back, each as a pair "osnode, redis-benchmark", and every other round
# the pair is reversed (ABBA...), so neither side always runs first after the other warmed the
# server, and the GET and SET bars come from the same minutes of the machine's load.
# The bar row (-c 50 -P 16) takes more, shorter rounds (REDIS_BAR_ROUNDS, default 15, of 200,000
# requests): on a machine shared with other builds a run's req/s moves by a factor of 2-4 from
# one second to the next, so the bars are judged on the median of the *paired* ratios (each
# round's osnode figure over the redis-benchmark figure measured just before or after it), which
# cancels the load both saw; the ratio of the two medians is printed beside it.
REDIS_BENCH_ROUNDS=${REDIS_BENCH_ROUNDS:-$(( ${BENCH_ROUNDS:-5} > 5 ? ${BENCH_ROUNDS:-5} : 5 ))}
REDIS_BAR_ROUNDS=${REDIS_BAR_ROUNDS:-$(( REDIS_BENCH_ROUNDS > 15 ? REDIS_BENCH_ROUNDS : 15 ))}

# redis_round ROUND CMD_A CMD_B — one round of both sides; their bench lines are appended to
# $PEER_RUNS/osnode.ROUND and $PEER_RUNS/redis-benchmark.ROUND (peer_values reads them).
redis_round() {
  local round=$1 a=$2 b=$3 order=(osnode redis-benchmark) name cmd
  [ $((round % 2)) -eq 0 ] && order=(redis-benchmark osnode)
  for name in "${order[@]}"; do
    cmd=$a
    [ "$name" = redis-benchmark ] && cmd=$b
    if ! bash -c "$cmd" >>"$PEER_RUNS/$name.$round" 2>>"$PEER_RUNS/$name.$round.err"; then
      peer_log "$name round $round failed: $cmd"
      sed 's/^/  /' "$PEER_RUNS/$name.$round.err" >&2
      PEER_ERRORS=$((PEER_ERRORS + 1))
    fi
  done
}

run_redis_vs_redis_benchmark() {
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-benchmark >/dev/null 2>&1; then
    peer_log "redis-server or redis-benchmark not installed (apt-get install redis-server redis-tools); skipping"
    peer_row_missing redis redis-benchmark "$(command -v redis-server >/dev/null 2>&1 && echo redis-benchmark || echo redis-server)"
    return 0
  fi
  local port pid scale=${BENCH_SCALE_ARG:-1} test c p n round rounds
  port=$(free_port) || { peer_log "no free port for redis-server"; PEER_ERRORS=$((PEER_ERRORS + 1)); return 0; }
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --logfile /dev/null &
  pid=$!
  for _ in $(seq 1 100); do port_is_open "$port" && break; sleep 0.1; done
  peer_log "redis-server pid $pid on 127.0.0.1:$port (shared by both sides)"
  PEER_A=osnode PEER_B=redis-benchmark
  for c in 1 50; do
    for p in 1 16; do
      n=$(awk -v s="$scale" -v p="$p" -v bar="$c$p" 'BEGIN {
        n = (bar == 5016 ? 200000 : p == 1 ? 100000 : 1000000) * s; print (n < 1000 ? 1000 : int(n)) }')
      rounds=$REDIS_BENCH_ROUNDS
      [ "$c$p" = 5016 ] && rounds=$REDIS_BAR_ROUNDS
      peer_log "redis -c $c -P $p -n $n: $rounds rounds, each GET then SET, osnode and redis-benchmark (order alternating)"
      rm -f "$PEER_RUNS"/osnode.* "$PEER_RUNS"/redis-benchmark.*
      for round in $(seq 1 "$rounds"); do
        for test in get set; do
          redis_round "$round" "BUILD=$BUILD; $(declare -f child_cpu_seconds osnode_one); osnode_one $port $c $p $n $test" \
                      "$(declare -f child_cpu_seconds redis_benchmark_one); redis_benchmark_one $port $c $p $n $test"
        done
      done
      for test in get set; do
        PEER_WORKLOAD="redis/$test -c$c -P$p"
        peer_compare "redis_${test}_c${c}_p${p}_per_s" higher
        peer_compare "redis_${test}_c${c}_p${p}_cpu_ns_per_req" lower
      done
      if [ "$c$p" = 5016 ]; then
        REDIS_BARS_MISSED=0
        redis_bars redis_get_c50_p16
        redis_bars redis_set_c50_p16
        if [ "$REDIS_BARS_MISSED" -eq 0 ]; then
          echo "bar: redis -c 50 -P 16: all four met (GET and SET, req/s and CPU/req) in this run"
        else
          echo "bar: redis -c 50 -P 16: $REDIS_BARS_MISSED of four missed in this run"
        fi
      fi
    done
  done
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

# redis_paired_ratio METRIC — the median over the rounds just run of osnode's METRIC divided by
# redis-benchmark's METRIC of the same round.
redis_paired_ratio() {
  local f round a b ratios=()
  for f in "$PEER_RUNS"/osnode.[0-9]*; do
    case $f in *.err) continue ;; esac
    round=${f##*.}
    a=$(peer_metric "$f" "$1")
    b=$(peer_metric "$PEER_RUNS/redis-benchmark.$round" "$1")
    [ -n "$a" ] && [ -n "$b" ] && ratios+=("$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.4f", b == 0 ? 0 : a / b }')")
  done
  peer_log "$1 paired ratios (sorted): $(printf '%s\n' "${ratios[@]}" | sort -g | awk '{ printf "%.2f ", $1 }')" >&2
  peer_median "${ratios[@]}"
}

# redis_bars NAME — the two bars of the issue, from the rounds just run (see REDIS_BAR_ROUNDS);
# counts each one missed in REDIS_BARS_MISSED.
redis_bars() {
  local rps_a rps_b cpu_a cpu_b rps_paired cpu_paired
  # shellcheck disable=SC2046
  rps_a=$(peer_median $(peer_values "$PEER_A" "$1_per_s")) || return 0
  # shellcheck disable=SC2046
  rps_b=$(peer_median $(peer_values "$PEER_B" "$1_per_s")) || return 0
  # shellcheck disable=SC2046
  cpu_a=$(peer_median $(peer_values "$PEER_A" "$1_cpu_ns_per_req")) || return 0
  # shellcheck disable=SC2046
  cpu_b=$(peer_median $(peer_values "$PEER_B" "$1_cpu_ns_per_req")) || return 0
  rps_paired=$(redis_paired_ratio "$1_per_s") || return 0
  cpu_paired=$(redis_paired_ratio "$1_cpu_ns_per_req") || return 0
  awk -v m="$1" -v ra="$rps_a" -v rb="$rps_b" -v ca="$cpu_a" -v cb="$cpu_b" -v r="$rps_paired" -v c="$cpu_paired" 'BEGIN {
    mr = (rb == 0) ? 0 : ra / rb; mc = (cb == 0) ? 0 : ca / cb
    printf "bar: %s req/s osnode/redis-benchmark=%.2f median of paired ratios (ratio of medians %.2f; need >= 0.95) %s\n", m, r, mr, (r >= 0.95) ? "MET" : "MISSED"
    printf "bar: %s cpu/req osnode/redis-benchmark=%.2f median of paired ratios (ratio of medians %.2f; need <= 1.00) %s\n", m, c, mc, (c <= 1.0) ? "MET" : "MISSED"
    exit (r >= 0.95 ? 0 : 1) + (c <= 1.0 ? 0 : 1) }' || REDIS_BARS_MISSED=$((REDIS_BARS_MISSED + $?))
}
