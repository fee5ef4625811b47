#!/usr/bin/env bash
# Runs the spec-loader fuzzer (fuzz/spec_fuzzer.cpp) for SECONDS (default 60)
# with clang's libFuzzer, ASan and UBSan, from the seeds of fuzz/seeds.py and
# the corpus earlier runs grew (build-fuzz/corpus). Exit 0: no finding;
# otherwise libFuzzer's report and the crashing input (build-fuzz/crash-*).
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DUET_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j2 --target spec_fuzzer
python3 fuzz/seeds.py build-fuzz/seeds
mkdir -p build-fuzz/corpus
cd build-fuzz
./spec_fuzzer -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 corpus seeds
