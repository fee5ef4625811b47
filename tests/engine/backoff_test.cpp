#include <catch2/catch.hpp>

#include "engine/backoff.h"

using namespace uet::engine;
using namespace std::chrono_literals;
using uet::config::backoff_spec;

namespace {

backoff_spec spec(int initial, double multiplier, int max, double jitter) {
  backoff_spec s;
  s.initial_ms = initial;
  s.multiplier = multiplier;
  s.max_ms = max;
  s.jitter = jitter;
  return s;
}

} // namespace

TEST_CASE("backoff: grows geometrically from the first retry and stops at max_ms") {
  auto s = spec(500, 2.0, 30000, 0.0);
  CHECK(backoff_delay(s, 1, 0.9) == 500ms);
  CHECK(backoff_delay(s, 2, 0.9) == 1000ms);
  CHECK(backoff_delay(s, 3, 0.9) == 2000ms);
  CHECK(backoff_delay(s, 6, 0.9) == 16000ms);
  CHECK(backoff_delay(s, 7, 0.9) == 30000ms);
  CHECK(backoff_delay(s, 100000, 0.9) == 30000ms); // pow overflows to inf: still max_ms
  CHECK(backoff_delay(s, 0, 0.9) == 500ms);        // n < 1 counts as the first retry
  CHECK(backoff_delay(s, -3, 0.9) == 500ms);
}

TEST_CASE("backoff: jitter spreads the delay by at most jitter times the base either way") {
  auto s = spec(1000, 2.0, 60000, 0.2);
  CHECK(backoff_delay(s, 1, 0.0) == 800ms);
  CHECK(backoff_delay(s, 1, 0.5) == 1000ms);
  CHECK(backoff_delay(s, 1, 0.75) == 1100ms);
  CHECK(backoff_delay(s, 2, 0.25) == 1800ms);
  CHECK(backoff_delay(s, 1, 0.9999999) == 1200ms);
}

TEST_CASE("backoff: jitter never pushes a delay past max_ms or below zero") {
  auto s = spec(1000, 3.0, 2000, 1.0);
  CHECK(backoff_delay(s, 5, 0.99) == 2000ms);                    // base 2000, +98% clamped
  CHECK(backoff_delay(s, 5, 0.0) == 0ms);                        // -100%
  CHECK(backoff_delay(spec(0, 2.0, 5000, 0.5), 40, 0.9) == 0ms); // no initial delay
  CHECK(backoff_delay(spec(100, 2.0, 0, 0.5), 3, 0.9) == 0ms);
}

TEST_CASE("backoff: a seeded generator gives the same delays every time, within bounds") {
  auto s = spec(500, 2.0, 30000, 0.2);
  std::mt19937_64 a(42), b(42), c(43);
  std::vector<long long> da, db, dc;
  for (int n = 1; n <= 10; ++n) {
    auto d = backoff_delay(s, n, a);
    double base = std::min(30000.0, 500.0 * std::pow(2.0, n - 1));
    CHECK(d.count() >= static_cast<long long>(base * 0.8) - 1);
    CHECK(d.count() <= std::min(30000LL, static_cast<long long>(base * 1.2) + 1));
    da.push_back(d.count());
    db.push_back(backoff_delay(s, n, b).count());
    dc.push_back(backoff_delay(s, n, c).count());
  }
  CHECK(da == db);
  CHECK(da != dc);
}

TEST_CASE("backoff: unit draws lie in 0 (inclusive) to 1 (exclusive) and are fixed for a seed") {
  std::mt19937_64 rng(7);
  double lo = 1, hi = 0, sum = 0;
  for (int i = 0; i < 10000; ++i) {
    double u = unit_draw(rng);
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    lo = std::min(lo, u);
    hi = std::max(hi, u);
    sum += u;
  }
  CHECK(lo < 0.01);
  CHECK(hi > 0.99);
  CHECK(sum / 10000 == Approx(0.5).epsilon(0.05));
  std::mt19937_64 again(7);
  std::mt19937_64 reference(7);
  CHECK(unit_draw(again) == static_cast<double>(reference() >> 11) / 9007199254740992.0);
}

TEST_CASE("resilience: the workstream overrides the tool, the tool the built-in, per field") {
  uet::config::resilience_spec ws, tool;
  auto p = resolve_resilience(ws, tool);
  CHECK(p.max_retries == default_max_retries);
  CHECK(default_max_retries == 2);
  CHECK(p.backoff.initial_ms == backoff_spec{}.initial_ms);

  tool.max_retries = 5;
  tool.backoff = spec(10, 3.0, 100, 0.0);
  p = resolve_resilience(ws, tool);
  CHECK(p.max_retries == 5);
  CHECK(p.backoff.initial_ms == 10);

  ws.max_retries = 0; // "never retry" is a value, not an absence
  p = resolve_resilience(ws, tool);
  CHECK(p.max_retries == 0);
  CHECK(p.backoff.initial_ms == 10); // backoff still the tool's

  ws.backoff = spec(7, 1.0, 7, 0.0);
  p = resolve_resilience(ws, tool);
  CHECK(p.backoff.initial_ms == 7);
  CHECK(p.backoff.multiplier == 1.0);
}

TEST_CASE("resilience: from specs, with and without a known tool") {
  uet::config::workstream_spec ws;
  uet::config::tool_spec tool;
  tool.resilience.max_retries = 4;
  CHECK(resolve_resilience(ws, &tool).max_retries == 4);
  CHECK(resolve_resilience(ws, nullptr).max_retries == default_max_retries);
  ws.resilience.max_retries = 1;
  CHECK(resolve_resilience(ws, &tool).max_retries == 1);
}
