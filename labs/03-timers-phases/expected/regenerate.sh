#!/bin/sh
# Writes NAME.txt beside this script: what Node.js prints for examples/ordering/NAME.js.
# Run from the repository root with `node` on PATH; commit the .txt files it writes (the
# grader compares osnode's output with them, so it needs no node). Each scenario runs five
# times and must print the same every time: an order Node leaves to chance is no expectation.
set -eu
here=$(dirname "$0")
command -v node >/dev/null || { echo "regenerate.sh: node is not on PATH" >&2; exit 1; }
echo "node $(node --version), libuv $(node -p process.versions.uv)"
for script in examples/ordering/*.js; do
  name=$(basename "$script" .js)
  node "$script" > "$here/$name.txt"
  for run in 2 3 4 5; do
    node "$script" | cmp -s - "$here/$name.txt" || { echo "$name: Node's order varies" >&2; exit 1; }
  done
  echo "$name: $(tr '\n' '|' < "$here/$name.txt")"
done
