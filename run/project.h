// Loading a project the way every command that needs specs does: parse,
// check references, find cycles, and build the DAG.
#pragma once

#include <filesystem>
#include <optional>

#include "config/loader.h"
#include "engine/dag.h"

namespace uet::run {

struct checked_project {
  config::project_bundle bundle; ///< problems sorted by file, cycles included
  engine::dag graph;
  std::size_t errors = 0;
  std::size_t warnings = 0;
};

checked_project load_checked_project(const std::filesystem::path& root);

/// The DAG of the named workstreams only, in file order, each weighing
/// `weight`; dependencies outside the set are dropped (they are "external":
/// committed by an earlier run, or missing).
engine::dag subgraph(const config::project_bundle& bundle, const std::vector<std::string>& ids,
                     double weight = 1.0);

/// Whether ids name every workstream of the bundle (then subgraph(bundle,
/// ids) is the graph load_checked_project built).
bool selects_all(const config::project_bundle& bundle, const std::vector<std::string>& ids);

} // namespace uet::run
