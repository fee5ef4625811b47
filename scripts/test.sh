#!/usr/bin/env bash
# README command (2), and what .ci/run calls: install what is missing, build,
# run every test; then the spec fuzzer for 60 s and the whole suite again
# under ASan + UBSan (docs/reliability.md; UET_CI_QUICK=1 skips those two).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
ctest --test-dir build -j2 --output-on-failure --timeout 600 "$@"
if [ "${UET_CI_QUICK:-0}" != 1 ]; then
  ./scripts/fuzz.sh 60
  ./scripts/sanitize.sh address
fi
