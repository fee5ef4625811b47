// Wall-clock timestamps in the one format the database and logs use:
// ISO-8601 UTC with milliseconds, e.g. 2026-11-22T10:15:30.123Z.
#pragma once

#include <chrono>
#include <string>

namespace uet {

std::string iso8601(std::chrono::system_clock::time_point t);
std::string iso8601_now();

/// Seconds since the epoch of one of those timestamps (any ISO-8601 UTC
/// "YYYY-MM-DDTHH:MM:SS[.fff]" prefix), or -1 if it cannot be read.
double iso8601_seconds(const std::string& s);

/// Seconds from one timestamp to another (-1 if either is unreadable).
double seconds_between(const std::string& from, const std::string& to);

} // namespace uet
