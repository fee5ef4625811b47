// Everything the actors of one run share and never change: the specs, the
// DAG, paths, the environment and the executor. Built by the run layer
// (run/) before the actors start; passed to each actor at spawn time (local
// only: what crosses the network is in messages/). Nothing in it changes
// while the run goes, and nothing in it is a way for actors to talk:
// cancellation, like everything else, is a message.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/loader.h"
#include "engine/dag.h"
#include "engine/environment.h"
#include "engine/fault_plan.h"
#include "ledger/workstream_inputs.h"
#include "messages/events.h"
#include "messages/vocabulary.h"

namespace uet::actors {

class executor;

/// A patch a killed run left in the ledger, not on the branch: `resume`
/// sends it to the ledger again instead of running its tool again.
struct resubmission {
  int attempt = 1;
  patch_state state = patch_state::queued; ///< where the killed run left it
  std::string diff;
  std::string diff_file; ///< or the file holding it (a big patch; diff empty)
};

/// What decides whether a workstream runs again (ledger/workstream_inputs.h),
/// read by the run layer before the actors start. Empty parts: every
/// workstream runs.
struct input_context {
  std::vector<std::map<std::string, std::string>> parts;    ///< per node: spec_parts
  std::vector<std::optional<ledger::input_record>> records; ///< per node: its last result's
  std::string base; ///< what the integration branch builds on (ledger::branch_base)
  /// Workstream id -> its newest commit on the branch when the run starts.
  std::map<std::string, std::string> branch;
  std::vector<bool> forced; ///< per node: `--force` named it (or named none)
  /// A dry run: per node, the prediction (run/input_plan.h); it replaces
  /// the comparison, since nothing a dry run does is committed.
  std::vector<ledger::input_prediction> predicted;

  bool enabled() const { return !parts.empty(); }
};

struct run_context {
  std::string run_id;
  run_target target;
  engine_kind engine = engine_kind::uet;
  int parallel = 1;
  std::uint64_t seed = 0;
  config::project_config project;
  config::tool_registry tools;
  std::vector<config::workstream_spec> workstreams; ///< node i of graph is workstreams[i]
  engine::dag graph{{}};
  std::string initial_head; ///< the integration branch when the run starts ("" in a dry run)
  std::vector<std::uint32_t> already_committed; ///< nodes done by an earlier run (resume)
  std::vector<std::uint32_t> already_skipped;   ///< of those, the ones that changed nothing
  bool resumed = false;                         ///< same run id, continued by `resume`
  /// Attempts each node already made (resume): numbering continues after
  /// them, so a new attempt never reuses a patch id; empty means none.
  std::vector<int> prior_attempts;
  /// Per node (resume; empty means none): its patch to send again.
  std::vector<std::optional<resubmission>> resubmit;
  std::filesystem::path state_dir;      ///< .uet
  std::filesystem::path logs_dir;       ///< .uet/logs/<run_id>
  std::filesystem::path worktrees_dir;  ///< .uet/worktrees
  std::filesystem::path telemetry_file; ///< .uet/telemetry.jsonl
  /// Processes, files, locks and clocks (engine/environment.h).
  engine::environment* env = &engine::environment::real();
  /// How attempts run: local processes, nothing (a dry run), ...
  std::shared_ptr<actors::executor> executor;
  /// `--inject`: the faults to put in at the seams (executor, the ledger's
  /// environment, the state writer); null when none.
  std::shared_ptr<engine::fault_injector> faults;
  /// Tools that run without the sandbox they would have (run/sandbox_check.h).
  std::vector<std::string> sandbox_warnings;
  input_context inputs;
  /// base_policy: follow brought a moved base_ref in as the run opened.
  std::optional<ev::base_followed> base_followed;

  const config::workstream_spec& spec(std::uint32_t node) const { return workstreams[node]; }
  int prior(std::uint32_t node) const {
    return node < prior_attempts.size() ? prior_attempts[node] : 0;
  }
  /// .uet/logs/<run>/<ws>/<step>-<attempt>.log
  std::filesystem::path log_path(const std::string& ws, const std::string& step,
                                 int attempt) const {
    return logs_dir / ws / (step + "-" + std::to_string(attempt) + ".log");
  }
};

} // namespace uet::actors
