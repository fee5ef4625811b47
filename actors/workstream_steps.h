// The workstream actor's parts, shared by its two files: the edit
// (workstream_actor.cpp) and the patch's way through the gate
// (workstream_gate.cpp). Internal to actors/.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "actors/workstream_actor.h"

namespace uet::actors::detail {

const config::workstream_spec& spec_of(workstream_ptr self);
void event(workstream_ptr self, ev::body body);
/// .uet/logs/<run>/<ws>/<name>-<attempt>.log
std::string log_of(workstream_ptr self, const char* name);
/// The step's row (log: its log_of path).
void step_begin(workstream_ptr self, step_kind step, const std::string& log,
                std::uint64_t test = 1);
void step_end(workstream_ptr self, step_kind step, step_state state,
              std::optional<std::int64_t> exit_code, const std::string& error,
              std::uint64_t test = 1);
/// Reports the outcome once and quits; the adapter (and its worktree) goes too.
void finish(workstream_ptr self, attempt_result result, std::string reason, bool retryable = false);
/// WT_ID, WT_SCOPE, RUN_ID, LOG_ROOT.
std::map<std::string, std::string> wt_env(workstream_ptr self);
/// The tool's limit, which every step has.
std::int64_t timeout_ms(workstream_ptr self);
/// How the workstream's tool (and so its acceptance commands) is confined.
sandbox_policy sandbox_of(workstream_ptr self);
/// After cancel_atom, a step's end is the attempt's end, whatever it says.
bool cancelled(workstream_ptr self);
/// Starts the attempt's adapter (an executor's); false after finishing.
bool start_adapter(workstream_ptr self, std::string* workspace = nullptr);

/// The patch goes to the gate (resume_from: a killed run's, sent again).
void join(workstream_ptr self, std::optional<patch_state> resume_from = std::nullopt);
/// What the gate says about the patch.
void on_news(workstream_ptr self, msg::patch_news& n);

} // namespace uet::actors::detail
