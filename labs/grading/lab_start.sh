#!/usr/bin/env bash
# labs/grading/lab_start.sh — behind `make lab-start LAB=NN` and `make lab-reset LAB=NN`.
#
#   lab_start.sh start NN LAB_DIR FILE...   copy LAB_DIR/starter/FILE over each FILE
#   lab_start.sh reset NN LAB_DIR FILE...   put the reference back (git), keeping a copy of
#                                           the student's files under build/lab-backup/NN/
# `start` refuses a file with changes not committed (they would be lost) unless that file
# already is the starter; in a tree that is not a git checkout (a scratch copy) it does not
# look for changes.
set -u
if [ $# -lt 4 ]; then echo "usage: $0 start|reset NN LAB_DIR FILE..." >&2; exit 2; fi
mode=$1 lab=$2 dir=$3; shift 3
in_git=no
[ -e .git ] && git rev-parse --verify -q HEAD >/dev/null 2>&1 && in_git=yes

if [ "$mode" = start ]; then
  for f in "$@"; do
    [ -f "$dir/starter/$f" ] || { echo "lab-start: lab $lab has no starter for $f ($dir/starter/$f is missing)" >&2; exit 1; }
    [ -f "$f" ] || { echo "lab-start: $f (listed in $dir/lab.mk) does not exist" >&2; exit 1; }
  done
  started=0
  for f in "$@"; do
    if cmp -s "$dir/starter/$f" "$f"; then echo "lab-start: $f already is lab $lab's starter"; continue; fi
    if [ "$in_git" = yes ] && ! git diff --quiet HEAD -- "$f" 2>/dev/null; then
      echo "lab-start: $f has changes that are not committed; lab-start would overwrite them." >&2
      echo "  keep them:  git stash   (or git commit)      drop them:  git checkout -- $f" >&2
      exit 1
    fi
  done
  for f in "$@"; do
    cmp -s "$dir/starter/$f" "$f" && continue
    cp "$dir/starter/$f" "$f" || exit 1
    echo "lab-start: $f <- $dir/starter/$f"
    started=$((started + 1))
  done
  echo "lab $lab: the starter is in place ($started file(s) replaced). Read $dir/README.md, fill in"
  echo "  the TODO(lab $lab) parts, then: make grade LAB=$lab"
  echo "  the reference back: make lab-reset LAB=$lab   (or: git checkout -- $*)"
  exit 0
fi

if [ "$mode" = reset ]; then
  [ "$in_git" = yes ] || { echo "lab-reset: not a git checkout; copy the reference files back by hand" >&2; exit 1; }
  backup=build/lab-backup/$lab
  for f in "$@"; do
    if ! git diff --quiet HEAD -- "$f"; then
      mkdir -p "$backup/$(dirname "$f")" && cp "$f" "$backup/$f" && echo "lab-reset: your $f is kept as $backup/$f"
    fi
  done
  git checkout HEAD -- "$@" || exit 1
  echo "lab $lab: the reference is back: $*"
  exit 0
fi
echo "usage: $0 start|reset NN LAB_DIR FILE..." >&2
exit 2
