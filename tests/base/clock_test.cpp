// base/clock: the hand-written ISO-8601 timestamps equal what gmtime_r and
// snprintf give (the implementation they replaced).
#include <catch2/catch.hpp>
#include <cstdio>
#include <ctime>
#include <random>

#include "base/clock.h"

using namespace uet;

namespace {

std::string reference(std::int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

std::string fast(std::int64_t ms) {
  return iso8601(std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)));
}

} // namespace

TEST_CASE("clock: timestamps equal gmtime_r's, at edges and at random") {
  const std::int64_t day = 86'400'000;
  std::vector<std::int64_t> edges = {0,
                                     1,
                                     999,
                                     1000,
                                     day - 1,
                                     day,
                                     951'782'400'000 - 1, // 2000-02-29 (leap, by 400)
                                     951'782'400'000,
                                     4'107'542'400'000, // 2100-03-01 (2100 not leap)
                                     4'107'542'400'000 - 1,
                                     1'795'000'000'123,
                                     9'200'000'000'000, // 2261: time_point's limit
                                     -1,
                                     -day - 1};
  for (auto ms : edges) {
    INFO(ms);
    CHECK(fast(ms) == reference(ms));
  }
  // (system_clock counts nanoseconds in 64 bits: years 1678 to 2262.)
  std::mt19937_64 rng(3);
  for (int i = 0; i < 200'000; ++i) {
    auto ms = static_cast<std::int64_t>(rng() % 9'200'000'000'000ULL);
    INFO(ms);
    REQUIRE(fast(ms) == reference(ms));
  }
  // Noon and a millisecond of every day from 1970 to 2260.
  for (std::int64_t d = 0; d < 106'000; ++d)
    REQUIRE(fast(d * day + 43'200'001) == reference(d * day + 43'200'001));
  CHECK(iso8601_now().size() == 24);
}

TEST_CASE("iso8601_seconds reads back what iso8601 writes", "[clock]") {
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<std::int64_t> any_ms(0, 253402300799999LL); // to 9999-12-31
  std::vector<std::int64_t> cases = {0, 951782400000 /* 2000-02-29 */, 1764930000123,
                                     4107542400000 /* 2100-03-01 */};
  for (int i = 0; i < 2000; ++i)
    cases.push_back(any_ms(rng));
  for (auto ms : cases) {
    auto s = reference(ms);
    INFO(s);
    REQUIRE(iso8601_seconds(s) == Approx(ms / 1000.0).epsilon(0).margin(1e-4));
  }
  CHECK(iso8601_seconds("2026-13-01T00:00:00Z") == -1.0);
  CHECK(seconds_between("2026-12-05T06:57:57.169Z", "2026-12-05T06:58:00.000Z") ==
        Approx(2.831).margin(1e-6));
  CHECK(iso8601_seconds("yesterday") == -1.0);
  CHECK(seconds_between("2026-12-05T06:57:57Z", "no") == -1.0);
}
