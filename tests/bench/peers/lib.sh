# tests/bench/peers/lib.sh — helpers shared by every peer group (sourced by run.sh).
# shellcheck shell=bash
#
# A peer group runs one of our benchmark programs and its twin written for another system
# (libuv, nginx, node), alternating A B A B ... so that a slow moment of the machine hurts
# both sides alike, then prints per metric both medians, their ratio and a verdict against
# the project's bar: "at least as fast as the peer".
#
#   peer_build_libuv NAME            compile peers/NAME.c against libuv into $BUILD/bench/peers/
#   peer_alternate A_NAME A_CMD B_NAME B_CMD
#                                    run both commands BENCH_ROUNDS times each, alternating
#   peer_compare METRIC lower|higher print "peer: ..." and "verdict: ..." for one metric
#   proc_tree_cpu_ticks PID          CPU ticks used so far by PID, its threads and descendants
#   ticks_to_ms TICKS                those ticks in milliseconds
#
# Output lines (grep-friendly):
#   peer: timers_insert_ns osnode=120.3 libuv=150.1 ratio=0.80 (lower is better)
#   verdict: timers_insert_ns PASS (osnode at least as fast as libuv)
# ratio is always ours / theirs, so < 1 is good for "lower is better" metrics and > 1 for
# "higher is better" ones; the words say which.

BENCH_ROUNDS=${BENCH_ROUNDS:-5}
PEER_PASS=${PEER_PASS:-0}
PEER_BEHIND=${PEER_BEHIND:-0}
PEER_ERRORS=${PEER_ERRORS:-0}

peer_log() { echo "bench-peers: $*"; }

# Does the machine have libuv's headers and library (Debian: libuv1-dev)?
peer_have_libuv() {
  command -v pkg-config >/dev/null 2>&1 && pkg-config --exists libuv
}

# peer_build_libuv NAME — builds tests/bench/peers/NAME.c into $BUILD/bench/peers/NAME when
# the source (or bench_peer.h) is newer than the binary. Prints the binary's path.
peer_build_libuv() {
  local name=$1 src="$PEER_DIR/$1.c" out="$BUILD/bench/peers/$1"
  mkdir -p "$BUILD/bench/peers"
  if [ ! -x "$out" ] || [ "$src" -nt "$out" ] || [ "$PEER_DIR/bench_peer.h" -nt "$out" ]; then
    # shellcheck disable=SC2046  # pkg-config prints several words on purpose
    ${CC:-cc} -O2 -Wall -Wextra -Werror -o "$out" "$src" \
      $(pkg-config --cflags --libs libuv) >&2 || return 1
  fi
  echo "$out"
}

# peer_metric FILE NAME — the value of the line "bench: NAME VALUE UNIT" in FILE.
peer_metric() {
  awk -v name="$2" '$1 == "bench:" && $2 == name { print $3; exit }' "$1"
}

# peer_median NUMBER... — the median (mean of the middle two for an even count).
peer_median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
    END { if (NR == 0) exit 1; if (NR % 2) print v[(NR + 1) / 2];
          else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# peer_alternate A_NAME A_CMD B_NAME B_CMD — runs "A B" BENCH_ROUNDS times. Each run's stdout
# goes to $PEER_RUNS/<name>.<round>; PEER_A/PEER_B remember the names for peer_compare. A run
# that fails is reported and counted as an error (its metrics are then missing).
peer_alternate() {
  PEER_A=$1 PEER_B=$3
  local a_cmd=$2 b_cmd=$4 round
  rm -f "$PEER_RUNS/$PEER_A".* "$PEER_RUNS/$PEER_B".*
  for round in $(seq 1 "$BENCH_ROUNDS"); do
    peer_run_one "$PEER_A" "$round" "$a_cmd"
    peer_run_one "$PEER_B" "$round" "$b_cmd"
  done
}

peer_run_one() {
  local name=$1 round=$2 cmd=$3
  if ! bash -c "$cmd" >"$PEER_RUNS/$name.$round" 2>"$PEER_RUNS/$name.$round.err"; then
    peer_log "$name round $round failed: $cmd"
    sed 's/^/  /' "$PEER_RUNS/$name.$round.err" >&2
    PEER_ERRORS=$((PEER_ERRORS + 1))
  fi
}

# peer_rounds ROUNDS NAME_FORMAT CMD_FORMAT ITEM... — ROUNDS rounds, each running every ITEM
# in turn (osnode nginx node osnode nginx node ...): the run named printf(NAME_FORMAT, ITEM)
# runs printf(CMD_FORMAT, ITEM). Earlier runs of those names are removed first. E.g.
#   peer_rounds 3 "%s" "$PEER_DIR/http_run_one.sh %s 50 5" osnode nginx node
peer_rounds() {
  local rounds=$1 name_format=$2 cmd_format=$3 round item
  shift 3
  # shellcheck disable=SC2059  # the formats are ours, with one %s each
  for item in "$@"; do rm -f "$PEER_RUNS/$(printf "$name_format" "$item")".*; done
  for round in $(seq 1 "$rounds"); do
    for item in "$@"; do
      # shellcheck disable=SC2059
      peer_run_one "$(printf "$name_format" "$item")" "$round" "$(printf "$cmd_format" "$item")"
    done
  done
}

# wait_for_server PORT WHAT DIR — until something accepts on PORT (at most 10 s); else says
# that WHAT did not start and shows DIR/out and DIR/error.log (the server's output), fails.
wait_for_server() {
  for _ in $(seq 200); do port_is_open "$1" && return 0; sleep 0.05; done
  echo "$2 did not start on port $1" >&2
  cat "$3/out" "$3/error.log" 2>/dev/null >&2
  return 1
}

# peer_values NAME METRIC — that metric from every round of NAME, one per line.
peer_values() {
  local f
  for f in "$PEER_RUNS/$1".[0-9]*; do
    case $f in *.err) continue ;; esac
    peer_metric "$f" "$2"
  done
}

# peer_compare METRIC lower|higher — medians of PEER_A and PEER_B, ratio A/B, and a verdict.
peer_compare() {
  local metric=$1 better=$2 a b ratio verdict
  peer_row "${PEER_WORKLOAD:-${PEER_GROUP:-?}}" "$metric" "$better" "$PEER_A" "$PEER_B"
  # shellcheck disable=SC2046  # one number per word
  a=$(peer_median $(peer_values "$PEER_A" "$metric")) || a=
  # shellcheck disable=SC2046
  b=$(peer_median $(peer_values "$PEER_B" "$metric")) || b=
  if [ -z "$a" ] || [ -z "$b" ]; then
    peer_log "$metric: no values (see the errors above)"
    PEER_ERRORS=$((PEER_ERRORS + 1))
    return
  fi
  ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", (b == 0 ? 0 : a / b) }')
  echo "peer: $metric $PEER_A=$a $PEER_B=$b ratio=$ratio ($better is better)"
  verdict=$(awk -v a="$a" -v b="$b" -v better="$better" 'BEGIN {
    ok = (better == "lower") ? (a <= b) : (a >= b); print ok ? "PASS" : "BEHIND" }')
  if [ "$verdict" = PASS ]; then
    PEER_PASS=$((PEER_PASS + 1))
    echo "verdict: $metric PASS ($PEER_A at least as fast as $PEER_B)"
  else
    PEER_BEHIND=$((PEER_BEHIND + 1))
    echo "verdict: $metric BEHIND ($PEER_A slower than $PEER_B; see tests/bench/README.md)"
  fi
}

# ---- CPU time of a server process tree (for the http and cluster groups) ----------------------
#
# /proc/PID/stat fields 14-17 are utime, stime, cutime, cstime in clock ticks. utime+stime of
# a process already include all of its threads; cutime+cstime hold the time of children it
# has reaped. Live descendants are found through /proc/PID/task/*/children. So
#   start=$(proc_tree_cpu_ticks "$server_pid"); ...load...; end=$(proc_tree_cpu_ticks "$server_pid")
#   echo "server CPU: $(ticks_to_ms $((end - start))) ms"
# counts the primary, its threads and its workers, including workers that exited in between
# (once reaped). The comm field (2) may hold spaces or ')' — parse after the last ')'.

# The walk is breadth-first in this shell with builtins only (read, no $(...) per process):
# a recursive walk that forks a subshell per level never ends when PID is an ancestor of the
# shell running it, because every fork adds a new descendant. The subshell running this
# function is skipped, and at most 4096 processes are visited.
proc_tree_cpu_ticks() {
  local -a queue=("$1") fields
  local total=0 i=0 pid stat children_file children child
  while [ "$i" -lt "${#queue[@]}" ] && [ "$i" -lt 4096 ]; do
    pid=${queue[$i]}
    i=$((i + 1))
    [ "$pid" = "$BASHPID" ] && continue
    { read -r stat <"/proc/$pid/stat"; } 2>/dev/null || continue
    read -r -a fields <<<"${stat##*) }"  # fields[0] is field 3 (state)
    total=$((total + fields[11] + fields[12] + fields[13] + fields[14]))  # fields 14..17
    for children_file in /proc/"$pid"/task/*/children; do
      children=
      { read -r children <"$children_file"; } 2>/dev/null  # no newline at the end: status 1
      for child in $children; do queue+=("$child"); done
    done
  done
  echo "$total"
}

ticks_to_ms() {
  echo $(( $1 * 1000 / $(getconf CLK_TCK) ))
}

# wrk_report PREFIX WRK_OUTPUT CPU_TICKS: turns `wrk --latency` output and the server tree's CPU
# ticks over the run into bench lines PREFIX_rps, PREFIX_p50_us, PREFIX_p99_us and
# PREFIX_cpu_us_per_req. Fails when wrk gave no result or saw non-2xx responses.
wrk_report() {
  local prefix=$1 output=$2 ticks=$3
  awk -v prefix="$prefix" -v ticks="$ticks" -v hz="$(getconf CLK_TCK)" '
    function us(v) {  # wrk prints 812.00us, 1.23ms, 2.01s
      if (v ~ /us$/) return v + 0
      if (v ~ /ms$/) return v * 1000
      if (v ~ /s$/) return v * 1000000
      return v + 0
    }
    /^ +50%/ { p50 = us($2) }
    /^ +99%/ { p99 = us($2) }
    /requests in/ { total = $1 }
    /^Requests\/sec:/ { rps = $2 }
    /Non-2xx or 3xx responses:/ { bad = $NF }
    END {
      if (rps == "" || total == 0) { print prefix ": wrk gave no result" > "/dev/stderr"; exit 1 }
      if (bad > 0) { print prefix ": " bad " non-2xx responses" > "/dev/stderr"; exit 1 }
      printf "bench: %s_rps %.0f req/s\n", prefix, rps
      printf "bench: %s_p50_us %.1f us\n", prefix, p50
      printf "bench: %s_p99_us %.1f us\n", prefix, p99
      printf "bench: %s_cpu_us_per_req %.2f us\n", prefix, ticks * 1000000 / hz / total
    }' "$output"
}

# port_is_open PORT: does something accept on 127.0.0.1:PORT? free_port: print a port that
# nothing listens on, below the ephemeral range (32768-60999 on Linux) so no client takes it.
port_is_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p
  for _ in $(seq 50); do
    p=$((10000 + RANDOM % 22000))
    port_is_open "$p" || { echo "$p"; return 0; }
  done
  return 1
}

# ---- result rows for the one report (tools/bench-report) --------------------------------------
#
# Every group hands its results to the report writer through one file, $BENCH_ROWS (run.sh
# sets it to $BUILD/bench/rows.tsv and runs build/bin/bench-report on it at the end). The
# groups keep collecting their figures as they always did; at the point where they compare,
# they also write one tab-separated line per result:
#   row      GROUP WORKLOAD METRIC UNIT lower|higher OURS v1,v2,.. PEER v1,v2,..  both sides' rounds
#   missing  GROUP WORKLOAD PEER BINARY                                  peer not installed
#   point    CHART SERIES X Y UNIT                                          one line-chart point
# The writer takes medians, min–max, ratios; nothing is summarised here, so nothing is lost.
# PEER_GROUP is the running group's name (run.sh sets it); PEER_WORKLOAD, set by a group before
# it compares, names the workload (default: the group).

peer_row_write() {
  [ -n "${BENCH_ROWS:-}" ] || return 0
  local IFS=$'\t'
  echo "$*" >>"$BENCH_ROWS"
}

# peer_unit NAME METRIC — the unit of "bench: METRIC VALUE UNIT" in the first round of NAME.
peer_unit() {
  local f unit
  for f in "$PEER_RUNS/$1".[0-9]*; do
    case $f in *.err) continue ;; esac
    unit=$(awk -v name="$2" '$1 == "bench:" && $2 == name { print $4; exit }' "$f")
    [ -n "$unit" ] && { echo "$unit"; return 0; }
  done
  echo "-"
}

# peer_row WORKLOAD METRIC lower|higher OURS PEER [OURS_LABEL PEER_LABEL] — one "row" line from
# the rounds of OURS and PEER (names as given to peer_run_one / peer_alternate), shown in the
# report as the labels (default: those names).
peer_row() {
  local workload=$1 metric=$2 better=$3 ours=$4 peer=$5 a b
  a=$(peer_values "$ours" "$metric" | paste -sd, -)
  b=$(peer_values "$peer" "$metric" | paste -sd, -)
  peer_row_write row "${PEER_GROUP:-?}" "$workload" "$metric" "$(peer_unit "$ours" "$metric")" "$better" \
    "${6:-$ours}" "${a:--}" "${7:-$peer}" "${b:--}"
}

# peer_row_missing WORKLOAD PEER BINARY — the peer could not run: BINARY is not installed.
peer_row_missing() {
  peer_row_write missing "${PEER_GROUP:-?}" "$1" "$2" "$3"
}

# peer_point CHART SERIES X Y UNIT — one point of a line chart (the c10k curve).
peer_point() {
  peer_row_write point "$1" "$2" "$3" "$4" "$5"
}
