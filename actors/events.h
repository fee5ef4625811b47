// How every actor records an event: one run_events row (and telemetry line)
// with a JSON payload, stamped now. Invalid UTF-8 from a tool's output is
// replaced, never a reason to lose the event.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "persistence/write_commands.h"

namespace uet::actors {

inline persistence::event_appended make_event(const std::string& run_id,
                                              std::optional<std::string> workstream_id,
                                              std::string type, const nlohmann::json& payload,
                                              std::string at = iso8601_now()) {
  return {run_id, std::move(workstream_id), std::move(type), std::move(at),
          payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

} // namespace uet::actors
