#!/usr/bin/env bash
# Benchmark: makespan of a 46-task mixed DAG (chains, joins, loose tasks) of
# sleeps of 50..400 ms, 4 workers: `uet-actors run` (tool argv
# ["sleep", "{prompt}"], the prompt being the seconds; each workstream ends
# "skipped" since it changes nothing) against `make -j4` and `ninja -j4` on the
# same DAG, and the lower bound max(critical path, work / 4). The DAG is drawn
# by bench/run_engine.py (seeded; the first seed from --seed whose critical
# path is 1.9 s +-3% and whose work is 10 s +-3%) and saved as
# bench/out/run-makespan/dag.json. Also: uet with `priority:` set to each task's
# duration-weighted bottom level (what duration history would give the
# scheduler), the same DAG with every sleep 0 (pure per-task overhead), and
# zero-overhead simulations of the scheduling orders.
#   bench/run_makespan.sh [--seed S] [--workers W]   (after scripts/build.sh; RUNS=5)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/uet-actors ] || { echo "run scripts/build.sh first" >&2; exit 2; }
[ -x /usr/bin/time ] || apt-get install -y -qq time >/dev/null
command -v ninja >/dev/null && command -v make >/dev/null || { echo "needs ninja and make" >&2; exit 2; }
exec python3 bench/run_engine.py makespan "$@"
