// Everything the actors of one run share and never change (the specs, the
// DAG, paths), plus the run's cancellation flag. Built by the command line
// before the actors start; passed to each actor at spawn time (local only:
// what crosses the network is in messages/).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "config/loader.h"
#include "engine/dag.h"
#include "ledger/worktree_pool.h"

namespace uet::actors {

struct run_context {
  std::string run_id;
  std::string phase;
  std::string engine = "uet"; ///< "uet" or "legacy"
  int parallel = 1;
  bool dry_run = false;
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
  std::filesystem::path state_dir;      ///< .uet
  std::filesystem::path logs_dir;       ///< .uet/logs/<run_id>
  std::filesystem::path worktrees_dir;  ///< .uet/worktrees
  std::filesystem::path telemetry_file; ///< .uet/telemetry.jsonl
  /// The attempts' worktrees, reused across the run (thread-safe; null in a
  /// dry run).
  std::shared_ptr<ledger::worktree_pool> worktrees;
  /// Set on Ctrl-C: tool and acceptance processes end their process groups.
  mutable std::atomic<bool> cancel{false};

  const config::workstream_spec& spec(std::uint32_t node) const { return workstreams[node]; }
  /// .uet/logs/<run>/<ws>/<step>-<attempt>.log
  std::filesystem::path log_path(const std::string& ws, const std::string& step,
                                 int attempt) const {
    return logs_dir / ws / (step + "-" + std::to_string(attempt) + ".log");
  }
};

} // namespace uet::actors
