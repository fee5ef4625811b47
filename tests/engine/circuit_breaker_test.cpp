#include <catch2/catch.hpp>

#include "engine/circuit_breaker.h"

using namespace uet::engine;
using namespace std::chrono_literals;
using uet::config::breaker_spec;

namespace {

const circuit_breaker::time_point t0{std::chrono::seconds(1000)};

breaker_spec spec(double threshold, int minimum, int window, int open_ms, int half_open) {
  breaker_spec s;
  s.failure_rate_threshold = threshold;
  s.minimum_calls = minimum;
  s.window = window;
  s.open_ms = open_ms;
  s.half_open_calls = half_open;
  return s;
}

/// One admitted call that finishes at once with the given outcome.
std::optional<breaker_transition> call(circuit_breaker& b, bool ok,
                                       circuit_breaker::time_point now = t0) {
  auto d = b.try_acquire(now);
  REQUIRE(d.allowed);
  return b.record(d.permit, ok, now);
}

/// Drives a fresh breaker open with `minimum` failures.
void open_it(circuit_breaker& b, circuit_breaker::time_point now = t0) {
  std::optional<breaker_transition> t;
  for (int i = 0; i < b.spec().minimum_calls && !t; ++i)
    t = call(b, false, now);
  REQUIRE(t);
  REQUIRE(b.state() == breaker_state::open);
}

} // namespace

TEST_CASE("breaker: stays closed below minimum_calls, however many fail") {
  circuit_breaker b(spec(0.5, 4, 10, 1000, 1));
  for (int i = 0; i < 3; ++i)
    CHECK_FALSE(call(b, false));
  CHECK(b.state() == breaker_state::closed);
  CHECK(b.failures_in_window() == 3);
  auto t = call(b, false);
  REQUIRE(t);
  CHECK(t->from == breaker_state::closed);
  CHECK(t->to == breaker_state::open);
  CHECK(t->reason == "4 of 4 recent calls failed (100% >= 50%)");
}

TEST_CASE("breaker: opens exactly when the failure share reaches the threshold") {
  circuit_breaker b(spec(0.5, 4, 10, 1000, 1));
  CHECK_FALSE(call(b, true));
  CHECK_FALSE(call(b, true));
  CHECK_FALSE(call(b, false));
  CHECK_FALSE(call(b, true));  // 1 of 4: 25%
  CHECK_FALSE(call(b, false)); // 2 of 5: 40%
  auto t = call(b, false);     // 3 of 6: 50%, equal counts
  REQUIRE(t);
  CHECK(t->reason == "3 of 6 recent calls failed (50% >= 50%)");
}

TEST_CASE("breaker: only the last `window` calls count") {
  circuit_breaker b(spec(0.5, 4, 4, 1000, 1));
  CHECK_FALSE(call(b, false));
  CHECK_FALSE(call(b, true));
  CHECK_FALSE(call(b, true));
  CHECK_FALSE(call(b, true)); // window: F S S S = 25%
  CHECK_FALSE(call(b, true)); // the failure slides out: S S S S
  CHECK(b.calls_in_window() == 4);
  CHECK(b.failures_in_window() == 0);
  CHECK_FALSE(call(b, false)); // S S S F = 25%
  auto t = call(b, false);     // S S F F = 50%
  REQUIRE(t);
  CHECK(t->to == breaker_state::open);
}

TEST_CASE("breaker: all successes never open it, even at the lowest threshold") {
  circuit_breaker b(spec(0.01, 1, 5, 1000, 1));
  for (int i = 0; i < 50; ++i)
    CHECK_FALSE(call(b, true));
  CHECK(b.state() == breaker_state::closed);
  CHECK(call(b, false)); // 1 of 5 = 20% >= 1%
}

TEST_CASE("breaker: open rejects without a call until open_ms pass, then goes half-open") {
  circuit_breaker b(spec(0.5, 2, 10, 1000, 1));
  open_it(b);
  auto d = b.try_acquire(t0 + 400ms);
  CHECK_FALSE(d.allowed);
  CHECK_FALSE(d.transition);
  CHECK(d.retry_after == 600ms);
  d = b.try_acquire(t0 + 999ms + 500us);
  CHECK_FALSE(d.allowed);
  CHECK(d.retry_after == 1ms); // rounded up, never early
  d = b.try_acquire(t0 + 1000ms);
  CHECK(d.allowed);
  CHECK(d.permit.trial);
  REQUIRE(d.transition);
  CHECK(d.transition->from == breaker_state::open);
  CHECK(d.transition->to == breaker_state::half_open);
  CHECK(b.state() == breaker_state::half_open);
}

TEST_CASE("breaker: half-open lets at most half_open_calls through at once") {
  circuit_breaker b(spec(0.5, 2, 10, 100, 2));
  open_it(b);
  auto later = t0 + 100ms;
  auto a = b.try_acquire(later);
  auto c = b.try_acquire(later);
  auto rejected = b.try_acquire(later);
  CHECK(a.allowed);
  CHECK(c.allowed);
  CHECK_FALSE(rejected.allowed);
  CHECK(rejected.retry_after == 0ms);
  CHECK(rejected.trials_busy);
  CHECK_FALSE(a.trials_busy);
  CHECK(b.trials_in_flight() == 2);

  SECTION("every trial succeeds: closed, with an empty window") {
    CHECK_FALSE(b.record(a.permit, true, later));
    CHECK(b.state() == breaker_state::half_open);
    auto t = b.record(c.permit, true, later);
    REQUIRE(t);
    CHECK(t->from == breaker_state::half_open);
    CHECK(t->to == breaker_state::closed);
    CHECK(t->reason == "2 trial call(s) succeeded");
    CHECK(b.calls_in_window() == 0);
    // The old failures are gone: one new failure is below minimum_calls.
    CHECK_FALSE(call(b, false, later));
  }
  SECTION("one trial fails: open again, and the clock restarts") {
    CHECK_FALSE(b.record(a.permit, true, later));
    auto t = b.record(c.permit, false, later + 5ms);
    REQUIRE(t);
    CHECK(t->to == breaker_state::open);
    CHECK(t->reason == "a half-open trial call failed");
    auto d = b.try_acquire(later + 50ms);
    CHECK_FALSE(d.allowed);
    CHECK(d.retry_after == 55ms);
  }
  SECTION("a finished trial frees its slot for another") {
    CHECK_FALSE(b.record(a.permit, true, later));
    auto d = b.try_acquire(later);
    CHECK(d.allowed);
    CHECK(d.permit.trial);
  }
  SECTION("a cancelled trial frees its slot without counting") {
    b.cancel(a.permit);
    CHECK(b.trials_in_flight() == 1);
    CHECK(b.state() == breaker_state::half_open);
    CHECK(b.try_acquire(later).allowed);
    CHECK_FALSE(b.try_acquire(later).allowed);
  }
}

TEST_CASE("breaker: results of calls admitted before a state change are ignored") {
  circuit_breaker b(spec(0.5, 2, 10, 100, 1));
  auto slow = b.try_acquire(t0); // admitted while closed, finishes much later
  REQUIRE(slow.allowed);
  open_it(b);
  CHECK_FALSE(b.record(slow.permit, false, t0 + 1ms)); // while open
  auto trial = b.try_acquire(t0 + 100ms);
  REQUIRE(trial.allowed);
  // A stale failure must not pass for the trial's verdict and re-open it.
  CHECK_FALSE(b.record(slow.permit, false, t0 + 101ms));
  CHECK(b.state() == breaker_state::half_open);
  CHECK(b.trials_in_flight() == 1);
  auto t = b.record(trial.permit, true, t0 + 102ms);
  REQUIRE(t);
  CHECK(t->to == breaker_state::closed);
  // Nor may it count in the new closed window.
  CHECK_FALSE(b.record(slow.permit, false, t0 + 103ms));
  CHECK(b.calls_in_window() == 0);
}

TEST_CASE("breaker: open_ms 0 goes half-open on the next request") {
  circuit_breaker b(spec(1.0, 1, 1, 0, 1));
  open_it(b);
  auto d = b.try_acquire(t0);
  CHECK(d.allowed);
  CHECK(d.transition);
}

TEST_CASE("breaker: out-of-range specs are clamped, not trusted") {
  circuit_breaker b(spec(0.5, 0, 0, -5, 0));
  CHECK(b.spec().window == 1);
  CHECK(b.spec().minimum_calls == 1);
  CHECK(b.spec().half_open_calls == 1);
  CHECK(b.spec().open_ms == 0);
  CHECK(call(b, false));
}

TEST_CASE("breaker: state names") {
  CHECK(std::string(to_string(breaker_state::closed)) == "closed");
  CHECK(std::string(to_string(breaker_state::open)) == "open");
  CHECK(std::string(to_string(breaker_state::half_open)) == "half_open");
}
