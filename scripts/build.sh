#!/usr/bin/env bash
# Configures and builds uet-actors into build/ (Ninja, two jobs: the machines
# this runs on have two cores).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build build -j"${JOBS:-2}"
