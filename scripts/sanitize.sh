#!/usr/bin/env bash
# Builds the tree and its tests under a sanitizer into build-<kind> and runs
# the suite there (the end-to-end tests then drive the sanitized binary):
#   scripts/sanitize.sh address   ASan + UBSan, every test
#   scripts/sanitize.sh thread    TSan, the tests that run actors in-process
#                                 (CAF's hand-offs annotated: tests/tsan/)
# Extra arguments go to ctest. A report fails the test that made it.
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:?address or thread}"
shift
dir="build-$kind"
# Debug (-O0): the build is what takes the time here, not the tests.
cmake -S . -B "$dir" -G Ninja -DUET_SANITIZE="$kind" -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$dir" -j"${JOBS:-2}" --target uet-actors uet_tests
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:${TSAN_OPTIONS:-}"
# The fault matrix compares two runs' decisions, which a sanitizer's 5-15x
# slowdown on a loaded machine turns into timeouts of their own; it runs in
# the normal suite.
filter=(-E "chaos")
if [ "$kind" = thread ]; then
  # TSan sees into our code only: the in-process actor, engine and
  # persistence tests (the end-to-end ones test the same code through a
  # subprocess, which TSan would check too, at 5-15x the time).
  filter=(-R "scheduler|supervisor|persistence actor|fault|serialization|ready queue|circuit")
  # Debian's CAF is not built with TSan: its hand-offs are told to TSan by a
  # preloaded library (tests/tsan/caf_handoffs.cpp), and a canary shows a
  # real race still gets through: exactly one report, the racy one.
  c++ -std=c++17 -O1 -shared -fPIC tests/tsan/caf_handoffs.cpp -o "$dir/caf_handoffs.so" -ldl
  c++ -std=c++17 -g -fsanitize=thread tests/tsan/canary.cpp -o "$dir/tsan_canary" -lcaf_core
  supp="suppressions=$PWD/tests/tsan/suppressions.txt"
  canary=$(TSAN_OPTIONS="halt_on_error=0:$supp" LD_PRELOAD="$PWD/$dir/caf_handoffs.so" \
    "$dir/tsan_canary" 2>&1 || true)
  reports=$(grep -c "WARNING: ThreadSanitizer" <<<"$canary" || true)
  if [ "$reports" != 1 ]; then
    echo "sanitize: the TSan canary made $reports reports, not 1:" >&2
    echo "$canary" >&2
    exit 1
  fi
  export LD_PRELOAD="$PWD/$dir/caf_handoffs.so"
  TSAN_OPTIONS="$supp:$TSAN_OPTIONS"
fi
ctest --test-dir "$dir" -j2 --output-on-failure --timeout 900 "${filter[@]}" "$@"
