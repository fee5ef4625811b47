// Acceptance commands (acceptance_criteria.static / .commands): shell command
// lines a user wrote, run one after another with /bin/sh -c in a tree, all
// output appended to one log file. The first failure stops the list.
// Blocking: call from a detached actor or a plain thread.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/environment.h"
#include "engine/sandbox.h"

namespace uet::engine {

struct acceptance_request {
  std::vector<std::string> commands;
  std::filesystem::path cwd;
  std::filesystem::path log_file; ///< appended to; empty: output discarded
  std::chrono::milliseconds timeout_each{0};
  std::map<std::string, std::string> env;
  const std::atomic<bool>* cancel = nullptr;         ///< see process_request::cancel
  std::shared_ptr<const sandbox_rules> sandbox = {}; ///< see process_request::sandbox
};

struct acceptance_result {
  bool passed = true;
  int exit_code = 0; ///< of the failing command (or -1 if it did not exit)
  std::string failed_command;
  std::string reason;     ///< "'make test' exit code 2" etc.; empty when passed
  bool cancelled = false; ///< the cancel flag ended it: not the command's fault
  std::string tail;       ///< the failing command's last lines of output
};

/// Runs the commands as processes of env.
acceptance_result run_acceptance(environment& env, const acceptance_request& req);

} // namespace uet::engine
