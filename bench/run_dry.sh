#!/usr/bin/env bash
# Benchmark: `uet-actors run phase-all --dry-run --parallel 4` on N synthetic
# no-op workstreams (default 1000 2000 5000 10000; uet-bench-gen: 20 layers,
# 3 dependencies each). Reports median wall, workstreams/s, peak RSS, where
# the wall time goes (load / actors / last writes and exit), the rows written
# to .uet/state.db, and peers in the same go: `validate` on the same files,
# `ninja -n` and `make -n` on the same DAG, and the SQLite floor (the same
# rows with the product's SQL and schema in one transaction, from Python,
# with and without the schema's CHECK constraints).
# A dry run needs no git repository (it starts no tool and no worktree).
# Then, if valgrind is installed (PROFILE=0 skips it, ~30 s): callgrind of
# one 1,000-workstream dry run, instructions by part (parse, SQLite, JSON...).
#   bench/run_dry.sh [N ...]          (after scripts/build.sh; RUNS=5)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/uet-actors ] && [ -x build/uet-bench-gen ] || { echo "run scripts/build.sh first" >&2; exit 2; }
[ -x /usr/bin/time ] || apt-get install -y -qq time >/dev/null
command -v ninja >/dev/null && command -v make >/dev/null || { echo "needs ninja and make" >&2; exit 2; }
python3 bench/run_engine.py dry "$@"
if [ "${PROFILE:-1}" != 0 ] && command -v valgrind >/dev/null; then
  echo
  python3 bench/run_engine.py dry-profile 1000
fi
