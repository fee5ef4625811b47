#!/usr/bin/env bash
# Builds the tree and its tests under a sanitizer into build-<kind> and runs
# the suite there (the end-to-end tests then drive the sanitized binary):
#   scripts/sanitize.sh address   ASan + UBSan, every test
#   scripts/sanitize.sh thread    TSan, the tests that run actors in-process
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
fi
ctest --test-dir "$dir" -j2 --output-on-failure --timeout 900 "${filter[@]}" "$@"
