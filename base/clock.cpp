#include "base/clock.h"

#include <cstdio>
#include <ctime>

namespace uet {

namespace {

// Writes v as exactly `width` digits at p (v < 10^width).
void digits(char* p, unsigned v, int width) {
  for (int i = width - 1; i >= 0; --i, v /= 10)
    p[i] = static_cast<char>('0' + v % 10);
}

// Days since 1970-01-01 -> proleptic Gregorian year, month, day (Howard
// Hinnant's civil_from_days), for days >= 0.
void civil_from_days(long long z, long long& y, unsigned& m, unsigned& d) {
  z += 719468;
  const long long era = z / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<long long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

} // namespace

// Every state change and event is stamped (five per workstream in a run):
// formatted by hand, because gmtime_r (which takes glibc's time zone lock)
// and snprintf cost ~4,000 instructions a call. Times before 1970 or after
// 9999 keep the general path.
std::string iso8601(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  constexpr long long ms_per_day = 86'400'000;
  constexpr long long year_10000 = 253'402'300'800'000; // 10000-01-01T00:00:00Z in ms
  if (ms >= 0 && ms < year_10000) {
    long long y;
    unsigned mo, d;
    civil_from_days(ms / ms_per_day, y, mo, d);
    auto in_day = static_cast<unsigned>(ms % ms_per_day);
    std::string s = "0000-00-00T00:00:00.000Z";
    digits(&s[0], static_cast<unsigned>(y), 4);
    digits(&s[5], mo, 2);
    digits(&s[8], d, 2);
    digits(&s[11], in_day / 3'600'000, 2);
    digits(&s[14], in_day / 60'000 % 60, 2);
    digits(&s[17], in_day / 1000 % 60, 2);
    digits(&s[20], in_day % 1000, 3);
    return s;
  }
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

std::string iso8601_now() {
  return iso8601(std::chrono::system_clock::now());
}

// Read by hand for the same reason as iso8601 is written by hand: a report
// of 10,000 workstreams reads ~100,000 of them, and sscanf took 8% of it.
double iso8601_seconds(const std::string& s) {
  // YYYY-MM-DDTHH:MM:SS[.fff...]
  auto num = [&](std::size_t at, std::size_t width, long long& out) {
    out = 0;
    for (std::size_t i = at; i < at + width; ++i) {
      if (i >= s.size() || s[i] < '0' || s[i] > '9')
        return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  long long y, mo, d, h, mi, sec;
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') ||
      s[13] != ':' || s[16] != ':' || !num(0, 4, y) || !num(5, 2, mo) || !num(8, 2, d) ||
      !num(11, 2, h) || !num(14, 2, mi) || !num(17, 2, sec) || mo < 1 || mo > 12 || d < 1)
    return -1.0;
  double frac = 0, scale = 0.1;
  if (s.size() > 19 && s[19] == '.')
    for (std::size_t i = 20; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, scale /= 10)
      frac += (s[i] - '0') * scale;
  // days_from_civil (Howard Hinnant), the inverse of civil_from_days above.
  y -= mo <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const long long yoe = y - era * 400;
  const long long doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const long long days = era * 146097 + doe - 719468;
  return double(days * 86400 + h * 3600 + mi * 60 + sec) + frac;
}

double seconds_between(const std::string& from, const std::string& to) {
  auto a = iso8601_seconds(from), b = iso8601_seconds(to);
  return a < 0 || b < 0 ? -1.0 : b - a;
}

} // namespace uet
