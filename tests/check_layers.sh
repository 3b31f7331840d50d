#!/usr/bin/env bash
# Layers only look down: kernel-io <- loop <- pool / http / redis <- cluster, and cluster never
# includes http or redis (redis sits beside http: neither includes the other). http and redis
# may use pool, never the reverse: http reads files there, redis resolves a host name there
# (getaddrinfo blocks, as Node's net.connect runs dns.lookup on libuv's pool).
# This script reads every #include "layer/..." of every file in a layer's folder and its
# subfolders (pool/crypto/ is part of pool), and fails on one that looks up.
set -u
cd "$(dirname "$0")/.."
rank() { case "$1" in kernel-io) echo 0;; loop) echo 1;; pool|http|redis) echo 2;; cluster) echo 3;; *) echo -1;; esac; }
bad=0
for layer in kernel-io loop pool http redis cluster; do
  while IFS= read -r f; do
    while IFS= read -r inc; do
      target=${inc%%/*}
      r_self=$(rank "$layer"); r_target=$(rank "$target")
      [ "$r_target" -lt 0 ] && continue
      if [ "$r_target" -gt "$r_self" ] || { [ "$r_target" -eq "$r_self" ] && [ "$target" != "$layer" ]; } \
         || { [ "$layer" = cluster ] && { [ "$target" = http ] || [ "$target" = redis ]; }; }; then
        # pool, http and redis share a rank: http and redis may use pool, never the reverse.
        if { [ "$layer" = http ] || [ "$layer" = redis ]; } && [ "$target" = pool ]; then continue; fi
        echo "layer violation: $f includes \"$inc\" ($layer may not include $target)"
        bad=1
      fi
    done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
  done < <(find "$layer" -type f \( -name '*.h' -o -name '*.cc' \) | sort)
done
[ "$bad" -eq 0 ] && echo "check-layers: every include looks down"
exit "$bad"
