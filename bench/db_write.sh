#!/usr/bin/env bash
# Benchmark: small run_events rows/s through persistence::state_writer at
# batch 1, 100 and 1000, against the plain sqlite3 C API on the same schema
# and PRAGMAs (and a bare table), 3 interleaved rounds, medians as a
# markdown table. ~30-60 s. Usage: bench/db_write.sh [ROUNDS]
# BUILD_DIR (default: build) is the CMake build directory to use.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${BUILD_DIR:-build}"
cmake -S . -B "$build" >/dev/null
cmake --build "$build" -j2 --target uet-bench-db-write >/dev/null
"$build/uet-bench-db-write" "bench/out/db-write" "${1:-3}"
