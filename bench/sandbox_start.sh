#!/usr/bin/env bash
# Benchmark: the sandbox's cost per tool start (docs/benchmarks.md, "Sandbox"):
# /bin/true started plain, with limits, with limits + sandbox, and with
# prlimit(1) in front, in turns, N times each (default 400). BUILD_DIR.
#   bench/sandbox_start.sh [N]          (after scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${BUILD_DIR:-build}"
[ -x "$build/uet-bench-sandbox" ] || { echo "run scripts/build.sh first" >&2; exit 2; }
out=bench/out/sandbox
mkdir -p "$out"
echo "Run of $(date -u '+%Y-%m-%d %H:%M') UTC; load average at start $(cut -d' ' -f1 /proc/loadavg)."
echo
"$build/uet-bench-sandbox" "$out" "${1:-400}"
