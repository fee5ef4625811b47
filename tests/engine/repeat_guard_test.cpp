// engine/repeat_guard.h: when the same failure, or the same patches, end
// the retries early.
#include <catch2/catch.hpp>

#include "engine/repeat_guard.h"

using namespace uet::engine;

TEST_CASE("repeat guard: numbers and commit ids do not make two failures different") {
  auto a = error_signature("acceptance failed on its future tree (3f2a9c1d7e): 'make' exit code 2",
                           "test_x (took 12 ms, pid 4411): AssertionError: 3 != 4");
  auto b = error_signature("acceptance failed on its future tree (98ab12cd34): 'make' exit code 2",
                           "test_x (took 15 ms, pid 5120): AssertionError: 3 != 4");
  CHECK(a == b);
  CHECK(a !=
        error_signature("acceptance failed on its future tree (3f2a9c1d7e): 'make' exit code 2",
                        "test_y: KeyError: 'name'"));
}

TEST_CASE("repeat guard: max_error_repeats counts the same failure in a row only") {
  attempt_history h;
  CHECK_FALSE(observe_failure(h, "x", "", 3, 0));
  CHECK_FALSE(observe_failure(h, "x", "", 3, 0));
  CHECK_FALSE(observe_failure(h, "y", "", 3, 0)); // the row is broken
  CHECK_FALSE(observe_failure(h, "y", "", 3, 0));
  auto stop = observe_failure(h, "y", "", 3, 0);
  REQUIRE(stop);
  CHECK(stop->kind == "repeating_error");
  CHECK(stop->count == 3);
  CHECK(stop->reason.rfind("repeating error: the same failure 3 times in a row", 0) == 0);
  attempt_history off;
  for (int i = 0; i < 10; ++i)
    CHECK_FALSE(observe_failure(off, "x", "p", 0, 0));
}

TEST_CASE("repeat guard: a patch made again is an oscillation, the threshold ends it") {
  attempt_history h;
  CHECK_FALSE(observe_failure(h, "e1", "A", 0, 1.5));
  CHECK_FALSE(observe_failure(h, "e2", "B", 0, 1.5));
  CHECK_FALSE(observe_failure(h, "e1", "A", 0, 1.5)); // 1 < 1.5
  auto stop = observe_failure(h, "e2", "B", 0, 1.5);
  REQUIRE(stop);
  CHECK(stop->kind == "oscillation");
  CHECK(stop->count == 2);
  CHECK(stop->reason.rfind("oscillating between 2 patches", 0) == 0);
  attempt_history none;
  CHECK_FALSE(observe_failure(none, "e", "", 0, 1)); // no patch: nothing to compare
  CHECK_FALSE(observe_failure(none, "e", "", 0, 1));
}
