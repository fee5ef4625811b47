// Wall-clock timestamps in the one format the database and logs use:
// ISO-8601 UTC with milliseconds, e.g. 2026-11-22T10:15:30.123Z.
#pragma once

#include <chrono>
#include <string>

namespace uet {

std::string iso8601(std::chrono::system_clock::time_point t);
std::string iso8601_now();

} // namespace uet
