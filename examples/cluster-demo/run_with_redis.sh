#!/usr/bin/env bash
# examples/cluster-demo/run_with_redis.sh — `make run STORE=redis`: the demo with a local Redis.
#
# Starts redis-server on a free port (no persistence: --save '' --appendonly no), in its own
# session (setsid) so that Ctrl-C reaches the demo, not Redis; runs the demo with
# STORE=redis://127.0.0.1:PORT; stops Redis when the demo exits, however it exits.
# Without redis-server: a message naming STORE and exit status 2 (STORE=memory needs nothing).
set -u
demo=${1:?usage: run_with_redis.sh PATH/TO/cluster-demo}
if ! command -v redis-server >/dev/null 2>&1; then
  echo "make run STORE=redis: redis-server is not installed (Debian: apt-get install redis-server);" \
       "plain \`make run\` (STORE=memory) works without it" >&2
  exit 2
fi
port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=${REDIS_PORT:-}
if [ -z "$port" ]; then
  for p in $(seq 6390 6490); do if port_is_free "$p"; then port=$p; break; fi; done
fi
[ -n "$port" ] || { echo "make run STORE=redis: no free port in 6390..6490 for redis-server" >&2; exit 2; }
setsid redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
  --logfile /dev/null &
redis_pid=$!
trap 'kill "$redis_pid" 2>/dev/null; wait "$redis_pid" 2>/dev/null' EXIT
for _ in $(seq 1 100); do  # up to 10 s for it to listen
  port_is_free "$port" || break
  kill -0 "$redis_pid" 2>/dev/null || { echo "make run STORE=redis: redis-server exited at start" >&2; exit 2; }
  sleep 0.1
done
echo "make run: started redis-server (pid $redis_pid) on 127.0.0.1:$port for STORE; it stops when the demo does"
STORE="redis://127.0.0.1:$port" "$demo"
