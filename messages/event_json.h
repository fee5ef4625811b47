// The one place an event becomes text: its type name (run_events.event_type)
// and its JSON payload. Payload keys and values are those SPEC users and
// scripts read (`events --json`, telemetry.jsonl); invalid UTF-8 from a
// tool's output is replaced, never a reason to lose the event.
#pragma once

#include <string>

#include "messages/events.h"

namespace uet::msg {

struct event_text {
  std::string type;    ///< "run_started", "workstream_committed", "patch_applied", ...
  std::string payload; ///< a JSON object, compact (what run_events.payload stores)
};

event_text render_event(const ev::body& b);

} // namespace uet::msg
