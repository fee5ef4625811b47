#!/usr/bin/env bash
# Benchmark: 10 independent workstreams that each `sleep 1` (tool argv
# ["sleep", "{prompt}"]): `--engine legacy` (sequential) against
# `--parallel 4`, 5 and 10, with `make` and `ninja` at -j1 and -j4 on the same
# ten sleeps. With 10 jobs on 4 slots three rounds are needed, so no executor
# can beat 10/3 = 3.33x over sequential at 4 slots.
#   bench/run_parallel.sh [--tasks N] [--seconds S]   (after scripts/build.sh; RUNS=5)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/uet-actors ] || { echo "run scripts/build.sh first" >&2; exit 2; }
[ -x /usr/bin/time ] || apt-get install -y -qq time >/dev/null
command -v ninja >/dev/null && command -v make >/dev/null || { echo "needs ninja and make" >&2; exit 2; }
exec python3 bench/run_engine.py parallel "$@"
