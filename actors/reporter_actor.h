// The reporter: what a person (or a script, with --json) sees while a run
// goes. On a terminal, one live progress line (done/running/failed/ETA)
// plus a line per workstream that ends badly; otherwise one plain line per
// notable event; with --json, every event as one JSON object per line.
#pragma once

#include <chrono>
#include <cstdint>
#include <set>
#include <string>

#include <caf/stateful_actor.hpp>

#include "messages/interfaces.h"

namespace uet::actors {

enum class report_mode { tty, plain, json };

struct reporter_state {
  report_mode mode = report_mode::plain;
  std::uint32_t total = 0, done = 0, failed = 0;
  std::set<std::string> running; ///< workstreams with an attempt under way
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw{};
  static inline const char* name = "reporter";
};

using reporter_ptr = msg::reporter_actor::stateful_pointer<reporter_state>;

msg::reporter_actor::behavior_type reporter_behavior(reporter_ptr self, report_mode mode,
                                                     std::uint32_t total);

/// "3/13 done, 2 running, 1 failed, ETA 12s" (the progress line's text).
std::string progress_text(const reporter_state& st);

} // namespace uet::actors
