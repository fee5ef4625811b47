// Turns a tool (tools.yaml) and a workstream into the exact process to start
// (SPEC §1): placeholders substituted per argv element, {files} expanded to
// one element per file, the WT_* variables set. The prompt is always one argv
// element, byte for byte; nothing here goes through a shell.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <string>

#include "base/expected.h"
#include "config/tools.h"
#include "config/workstream.h"
#include "engine/subprocess.h"

namespace uet::engine {

/// What a single run of the tool needs beyond the two specs.
struct tool_run_context {
  std::string run_id;
  std::filesystem::path workspace;   ///< the workstream's worktree; also the cwd
  std::filesystem::path log_root;    ///< exported as LOG_ROOT
  std::filesystem::path output_file; ///< empty: capture output in memory
  /// Why the last attempt's patch did not apply to its future tree, with
  /// the rejected hunks ("" after any other attempt): the {conflict}
  /// placeholder, so the tool can be told.
  std::string conflict;
};

/// Substitutes {prompt}, {workspace}, {workstream_id}, {run_id} and {conflict} anywhere in
/// one argv element, in one left-to-right pass: a value that itself contains
/// "{run_id}" is not substituted again. Other {names} are kept verbatim.
std::string substitute_placeholders(const std::string& element, const config::workstream_spec& ws,
                                    const tool_run_context& ctx);

/// The argv the tool's spec asks for ("aider" with no argv gets
/// config::default_aider_argv()). Fails when there is no program to run or
/// when {files} is part of a longer element.
expected<std::vector<std::string>> tool_argv(const config::tool_spec& tool,
                                             const config::workstream_spec& ws,
                                             const tool_run_context& ctx);

/// What every process of a workstream sees (the tool and its acceptance
/// commands): WT_ID, WT_SCOPE (allowed_paths joined by ':'), RUN_ID, LOG_ROOT.
std::map<std::string, std::string> workstream_env(const config::workstream_spec& ws,
                                                  const std::string& run_id,
                                                  const std::filesystem::path& log_root);

/// How long a step of the workstream may run: its timeout_s, else the tool's.
std::chrono::seconds step_timeout(const config::tool_spec& tool, const config::workstream_spec& ws);

/// The full request: argv as above; env = the tool's env plus WT_ID,
/// WT_SCOPE (allowed_paths joined by ':'), RUN_ID and LOG_ROOT, which win over
/// a tool env entry of the same name; cwd = workspace; timeout = the
/// workstream's timeout_s, else the tool's.
expected<process_request> build_tool_command(const config::tool_spec& tool,
                                             const config::workstream_spec& ws,
                                             const tool_run_context& ctx);

} // namespace uet::engine
