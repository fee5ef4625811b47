#!/usr/bin/env bash
# Benchmark: the patch ledger's gate (verify once, on the future tree).
#   bench/run_gate.sh checks [--check-s 0 0.3]   46 workstreams writing Python
#       modules, acceptance imports and checks each: --parallel 4, --engine
#       legacy, a sequential script and ninja -j4 (tool + check, no git),
#       against the run's bound (RUNS=3)
#   bench/run_gate.sh files                      46 sleeps writing one file each,
#       no acceptance, first run without history, beside ninja -j4 (RUNS=5)
#   bench/run_gate.sh chain [--n 10 --tool-s 0.3 --check-s 0.3]   a chain: early
#       starts against early_start: false, legacy and the script (RUNS=3)
# --also-build DIR (either): DIR/uet-actors too, in the same go (e.g. a build of
# the tree before a change). After scripts/build.sh; BUILD_DIR=<another build>
# measures that one instead.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x "${BUILD_DIR:-build}/uet-actors" ] || { echo "run scripts/build.sh first" >&2; exit 2; }
[ -x /usr/bin/time ] || apt-get install -y -qq time >/dev/null
command -v ninja >/dev/null || { echo "needs ninja" >&2; exit 2; }
exec python3 bench/gate_bench.py "$@"
