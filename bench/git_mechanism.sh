#!/usr/bin/env bash
# Benchmark: one workstream's git cycle via the git CLI vs libgit2 (in-process),
# on a 20-file repository, 200 cycles each, 3 rounds. Installs libgit2-dev
# (only the benchmark uses it) and builds uet-bench-git-mechanism.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! dpkg-query -W -f='${Status}' libgit2-dev 2>/dev/null | grep -q "install ok installed"; then
  apt-get install -y -qq --no-install-recommends libgit2-dev pkg-config >/dev/null
fi
cmake -S . -B build >/dev/null
cmake --build build -j2 --target uet-bench-git-mechanism >/dev/null
for round in 1 2 3; do
  echo "round $round"
  build/uet-bench-git-mechanism "bench/out/git-mechanism" "${1:-200}"
done
