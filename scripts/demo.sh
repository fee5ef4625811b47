#!/usr/bin/env bash
# README command (1): install what is missing, build, and run the bundled demo
# pipeline (examples/demo) from a fresh copy of its repository.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
examples/demo/reset.sh
bin=build/uet-actors
set -x
$bin -C examples/demo validate
$bin -C examples/demo plan phase-all
$bin -C examples/demo run phase-all
$bin -C examples/demo status
git -C examples/demo/repo log --oneline uet/integration
$bin -C examples/demo report --html report.html --metrics   # examples/demo/report.html
