#!/usr/bin/env bash
# Benchmark: telling an untouched worktree by its lstat snapshot against one
# `git add --all --verbose` of the same tree (the peer: what an attempt ran
# before), at 200 / 2,000 / 10,000 / 20,000 files (the snapshot's raw cost, past
# tree_snapshot::kMaxEntries too). ROUNDS (default 9), BUILD_DIR.
#   bench/snapshot.sh [N...]            (after scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${BUILD_DIR:-build}"
[ -x "$build/uet-bench-snapshot" ] || { echo "run scripts/build.sh first" >&2; exit 2; }
out=bench/out/snapshot
mkdir -p "$out"
echo "Run of $(date -u '+%Y-%m-%d %H:%M') UTC; load average at start $(cut -d' ' -f1 /proc/loadavg)."
echo
if (($# == 0)); then set -- 200 2000 10000 20000; fi
"$build/uet-bench-snapshot" "$out" "$@"
