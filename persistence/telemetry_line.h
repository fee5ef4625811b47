// The telemetry line of an event (.uet/telemetry.jsonl, and what `run
// --json` prints): one JSON object, keys in nlohmann::json's (sorted) order:
//   {"event":T,"payload":P,"run_id":R,"timestamp":S,"workstream_id":W|null}
// "payload" is left out when the event has none.
#pragma once

#include <string>

#include "persistence/write_commands.h"

namespace uet::persistence {

/// The line, without its newline. Byte for byte what building the object
/// with nlohmann::json (payload parsed) and dump(-1, ' ', false, replace)
/// gives for every payload that is compact JSON as nlohmann writes it (what
/// actors/records.h make_event stores), but written directly: the payload is
/// copied as run_events stores it, not parsed and dumped again. A payload
/// with a line break (not compact) still goes through the parser, so the
/// line stays one line.
std::string telemetry_line(const event_appended& e);

} // namespace uet::persistence
