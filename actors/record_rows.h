// The one place where what actors record (messages/record_messages.h,
// messages/events.h) becomes rows of the state database
// (persistence/write_commands.h): states become their SPEC §3 names, a step
// attempt gets its id, an event its type name and JSON payload.
#pragma once

#include <filesystem>

#include "messages/events.h"
#include "messages/record_messages.h"
#include "persistence/write_commands.h"

namespace uet::actors {

persistence::run_started to_row(const msg::run_opened& m);
persistence::run_state_changed to_row(const msg::run_state_set& m);
persistence::workstream_state_changed to_row(msg::ws_state_set m);
persistence::step_started to_row(const msg::step_begun& m);
persistence::step_finished to_row(const msg::step_ended& m);
persistence::patch_recorded to_row(msg::patch_created m);

/// A new patch's row: a small diff inline; past 1 MiB its file (`file`, the
/// patch store's copy) and git blob id instead, so a 15 MB diff is neither
/// copied into a message nor into SQLite's record buffer. file_hash set: the
/// diff is only in that file already (its blob id).
msg::patch_created created_row(std::string patch_id, std::string run_id, std::string workstream_id,
                               int attempt, const std::string& diff,
                               const std::filesystem::path& file, const std::string& file_hash,
                               std::string at);
persistence::patch_status_changed to_row(msg::patch_state_set m);
persistence::event_appended to_row(const msg::event& m);

/// "<run>.<workstream>.<step>.<attempt>", then ".t<n>" from a patch's
/// second test on: step_attempts.step_attempt_id.
std::string step_attempt_id(const std::string& run_id, const std::string& workstream_id,
                            step_kind step, int attempt, std::uint64_t test = 1);

} // namespace uet::actors
