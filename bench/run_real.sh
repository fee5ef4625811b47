#!/usr/bin/env bash
# Benchmark: N trivial real workstreams (default 200 500 1000) on a 20-file git
# repository, `--parallel 2`: each runs `/bin/sh -c 'mkdir -p out && echo ID >
# out/fNNNN.txt'` (allowed_paths: that one file), no acceptance commands, all
# independent (--layers L for L layers, each workstream depending on 2 of the
# earlier layers). Every workstream is committed onto uet/integration.
# Reports workstreams/s, the CPU of the run's own threads (CAF scheduler
# workers vs detached actors) against its children's (git, the tool), a
# per-workstream breakdown from the step_attempts, patch_ledger and run_events
# timestamps in .uet/state.db, then one traced run (strace -f, N = 200)
# counting every process the run starts and its duration (TRACE=0 skips it).
# --scripted also times a shell script doing the same git commands with no
# engine (xargs -P + flock; slow at large N: its worktree adds are serialized);
# --loop a shell loop that writes each file and commits it, one after another.
#   bench/run_real.sh [N ...] [--layers L] [--parallel P] [--scripted] [--loop]
#   (after scripts/build.sh; RUNS=3; the default 200 500 1000 takes ~10 min)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/uet-actors ] || { echo "run scripts/build.sh first" >&2; exit 2; }
[ -x /usr/bin/time ] || apt-get install -y -qq time >/dev/null
python3 bench/run_engine.py real "$@"
if [ "${TRACE:-1}" != 0 ]; then
  command -v strace >/dev/null || apt-get install -y -qq strace >/dev/null
  python3 bench/run_engine.py real-trace 200
fi
