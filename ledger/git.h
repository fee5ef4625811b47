// The git command line, as the ledger and the CLI use it: one call runs
// `git -C dir args...` with a stable, non-interactive environment, as a
// process of the given environment (engine/environment.h), so a wrapper can
// see or fail each git call. Failures are of kind git.
// Blocking (2-15 ms a call here): never call from a CAF scheduler thread.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/expected.h"
#include "engine/environment.h"

namespace uet::ledger {

struct git_output {
  int exit_code = 0;
  std::string out; ///< stdout
  std::string err; ///< stderr
};

/// Variables for one git call (GIT_INDEX_FILE for a private index, say).
using git_env = std::map<std::string, std::string>;

/// Runs git and returns its outputs whatever the exit code; fails only if git
/// could not be started.
expected<git_output> git_run(engine::environment& env, const std::filesystem::path& dir,
                             const std::vector<std::string>& args,
                             const std::optional<std::string>& stdin_data = std::nullopt,
                             const git_env& extra = {}, const std::string& tag = {});

/// Runs git and fails unless it exits 0; the failure names the command and
/// quotes git's stderr. Returns stdout.
expected<std::string> git(engine::environment& env, const std::filesystem::path& dir,
                          const std::vector<std::string>& args,
                          const std::optional<std::string>& stdin_data = std::nullopt,
                          const git_env& extra = {});

/// Who commits when the ledger calls `git commit-tree`: the repository's
/// identity (no variables), else uet-actors' (git refuses to commit with
/// none).
git_env commit_identity(engine::environment& env, const std::filesystem::path& repo);

/// s without trailing newlines.
std::string chomp(std::string s);

} // namespace uet::ledger
