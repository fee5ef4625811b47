// Loads a whole project: uet.yaml (optional), the environment, tools.yaml and
// every workstreams/*.yaml. Workstream files are parsed on several threads
// (yaml-cpp is the cost: ~90 µs per small file on one core here); results
// and problems come back in file-name order whatever the thread count.
#pragma once

#include <filesystem>
#include <vector>

#include "config/problem.h"
#include "config/project.h"
#include "config/tools.h"
#include "config/workstream.h"

namespace uet::config {

struct project_bundle {
  project_config config;
  tool_registry tools;
  std::vector<workstream_spec> workstreams; ///< file-name order; only those with a valid id
  problem_list problems;
  std::size_t workstream_files = 0;
};

/// Loads the project rooted at root. threads == 0 means one per core.
project_bundle load_project(const std::filesystem::path& root, const env_map& env,
                            unsigned threads = 0);

/// Loads only uet.yaml and the environment (for commands that need no specs).
project_config load_project_config(const std::filesystem::path& root, const env_map& env,
                                   problem_list& out);

/// path relative to root when it lies under root, else as given.
std::string display_path(const std::filesystem::path& root, const std::filesystem::path& path);

} // namespace uet::config
