// How actors stamp what they send the persistence actor: an event or a
// record carries the wall-clock time it happened, ISO-8601 UTC.
#pragma once

#include <optional>
#include <string>

#include "base/clock.h"
#include "messages/events.h"

namespace uet::actors {

inline msg::event make_event(const std::string& run_id, std::optional<std::string> workstream_id,
                             ev::body body) {
  return {run_id, std::move(workstream_id), iso8601_now(), std::move(body)};
}

} // namespace uet::actors
