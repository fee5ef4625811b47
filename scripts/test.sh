#!/usr/bin/env bash
# README command (2), and what .ci/run calls: install what is missing, build,
# run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
ctest --test-dir build -j2 --output-on-failure --timeout 600 "$@"
