#!/usr/bin/env bash
# Benchmark: N small non-conflicting patches (default 1000) applied and
# committed on a 20-file repository two ways, in the same go:
#   uet:  ledger::patch_pipeline (validate + scope check, save the patch,
#         git apply --index, git commit with UET-Run/UET-Patch trailers)
#   peer: a plain bash loop: git apply --index FILE; git commit (same trailers)
# Prints a Markdown table (ROUNDS rounds, default 3) with patches/s and the
# ratio uet/peer per round.
#   bench/apply_commit.sh [N]          (after scripts/build.sh)
#   BUILD_DIR=other-build ROUNDS=1 bench/apply_commit.sh 200
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
n=${1:-1000}
rounds=${ROUNDS:-3}
out=$(pwd)/bench/out/apply-commit
[ -x "$build/uet-bench-apply-commit" ] || { echo "build $build/uet-bench-apply-commit first" >&2; exit 2; }

now() { date +%s.%N; }

# The peer: the same patch files, in order, onto a fresh integration branch
# checked out in its own worktree (as the ledger does), with the git CLI only.
peer() {
  local repo=$out/repo wt=$out/peer
  git -C "$repo" worktree add -q -b peer/integration "$wt" main
  cd "$wt"
  local f id
  for f in "$out"/patches/*.diff; do
    id=${f##*/}
    id=${id%.diff}
    git apply --index "$f"
    git commit -q --no-verify -m "uet: ws-$id patch" -m "UET-Run: bench
UET-Patch: bench.ws-$id.1"
  done
  cd - >/dev/null
}

echo "| round | patches | uet patch_pipeline (s) | uet patches/s | peer git apply+commit loop (s) | peer patches/s | uet/peer time |"
echo "|---|---|---|---|---|---|---|"
for round in $(seq "$rounds"); do
  "$build/uet-bench-apply-commit" "$out" "$n" >/dev/null
  read -r _ uet_s uet_commits < "$out/pipeline.txt"
  t0=$(now)
  peer
  t1=$(now)
  peer_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  peer_commits=$(git -C "$out/repo" rev-list --count main..peer/integration)
  if [ "$uet_commits" != "$n" ] || [ "$peer_commits" != "$n" ]; then
    echo "commit counts differ: uet $uet_commits, peer $peer_commits, want $n" >&2
    exit 1
  fi
  # Both branches must hold the same tree.
  if [ "$(git -C "$out/repo" rev-parse 'uet/integration^{tree}')" != \
       "$(git -C "$out/repo" rev-parse 'peer/integration^{tree}')" ]; then
    echo "uet and peer trees differ" >&2
    exit 1
  fi
  awk -v r="$round" -v n="$n" -v u="$uet_s" -v p="$peer_s" 'BEGIN {
    printf "| %d | %d | %.2f | %.0f | %.2f | %.0f | %.2fx |\n", r, n, u, n / u, p, n / p, u / p }'
done
