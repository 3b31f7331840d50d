# tests/stress/lib.sh — shared by the stress probes (sourced): start a server, wait for it,
# run wrk, read its failures, print figures and verdicts in the one format:
#   stress: NAME FIGURE UNIT
#   stress: NAME verdict PASS|FAIL (why)
# Every wait is bounded; every process a probe starts is killed on exit (trap).
set -u
BUILD=${BUILD:-build}
BIN=${BIN:-$BUILD/bin}
STRESS=${STRESS:-full}
if [ "$STRESS" = short ]; then WRK_SECONDS=${WRK_SECONDS:-5}; else WRK_SECONDS=${WRK_SECONDS:-20}; fi
STARTED_PIDS=()
cleanup() {
  for p in "${STARTED_PIDS[@]:-}"; do
    [ -n "$p" ] || continue
    kill -KILL -- "-$p" 2>/dev/null || kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
}
trap cleanup EXIT

# free_port: a port nobody listens on a moment ago (bash's /dev/tcp: connect refused).
free_port() {
  local p
  for _ in $(seq 50); do
    p=$((10000 + RANDOM % 22000))  # below the ephemeral range (32768-60999): no client uses it
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  echo "$p"
}

# start_in_group LOG CMD...: runs CMD in its own process group (setsid); sets STARTED_PID.
start_in_group() {
  local log=$1; shift
  setsid "$@" >"$log" 2>&1 &
  STARTED_PID=$!
  STARTED_PIDS+=("$STARTED_PID")
}

# wait_http PORT PATH [TRIES]: until a request answers 200 (20 ms apart).
wait_http() {
  local tries=${3:-500}
  for _ in $(seq "$tries"); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$1$2")" = 200 ] && return 0
    kill -0 "$STARTED_PID" 2>/dev/null || return 1  # it exited (a port taken, ...)
    sleep 0.02
  done
  return 1
}

# start_demo WORKERS SCHED LOG: the cluster demo on a free port (sets PORT and DEMO_PID), waited
# for until every worker listens; another port is tried when the one chosen was taken meanwhile.
start_demo() {
  for _ in 1 2 3 4 5; do
    PORT=$(free_port)
    start_in_group "$3" env PORT="$PORT" WORKERS="$1" SCHED="$2" "$BIN/cluster-demo"
    DEMO_PID=$STARTED_PID
    if wait_http "$PORT" /hello; then
      for _ in $(seq 250); do  # every worker listening: /cluster lists them
        [ "$(curl -s --max-time 1 "http://127.0.0.1:$PORT/cluster" | grep -o '"listening"' | wc -l)" -ge "$1" ] && return 0
        sleep 0.02
      done
      return 1
    fi
    grep -q EADDRINUSE "$3" || break
  done
  echo "stress: cannot start the demo; log:"; cat "$3"
  return 1
}

# worker_pids PRIMARY_PID: its children.
worker_pids() { cat /proc/"$1"/task/*/children 2>/dev/null | tr -s " " "\n" | grep -v "^$"; }

# wrk_failures FILE: socket errors (connect+read+write+timeout) plus non-2xx answers.
wrk_failures() {
  local errs non2xx
  errs=$(grep -oE 'Socket errors: connect [0-9]+, read [0-9]+, write [0-9]+, timeout [0-9]+' "$1" \
    | grep -oE '[0-9]+' | awk '{ s += $1 } END { print s + 0 }')
  non2xx=$(grep -oE 'Non-2xx or 3xx responses: [0-9]+' "$1" | grep -oE '[0-9]+$')
  echo $(( ${errs:-0} + ${non2xx:-0} ))
}
wrk_requests() { grep -oE '^ +[0-9]+ requests in' "$1" | grep -oE '[0-9]+' | head -1; }

figure() { echo "stress: $1 $2 $3"; }
VERDICT_FAILED=0
verdict() {  # NAME OK(0|1) WHY
  if [ "$2" = 0 ]; then echo "stress: $1 verdict PASS ($3)"; else echo "stress: $1 verdict FAIL ($3)"; VERDICT_FAILED=1; fi
}
finish() { exit "$VERDICT_FAILED"; }

need() { command -v "$1" >/dev/null 2>&1 || { echo "stress: $2 verdict SKIP ($1 is not installed)"; exit 0; }; }
