// Runs a program with posix_spawn (never fork: fork+exec from a large parent
// falls to ~38/s here) in its own process group, so a timeout or a finished
// run can kill the whole group, grandchildren included.
//
// Blocking: call it from a detached actor or a plain thread, never from a CAF
// scheduler thread.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/resource_limits.h"
#include "engine/containment.h"
#include "engine/sandbox.h"

namespace uet::engine {

struct process_request {
  /// argv[0] without a '/' is looked up on PATH: env's PATH when it sets one,
  /// else the inherited one.
  std::vector<std::string> argv;
  std::filesystem::path cwd; ///< empty: inherit
  /// Added to (or replacing in) the inherited environment, from which git's
  /// repository-location variables (GIT_DIR, GIT_INDEX_FILE...) are dropped.
  std::map<std::string, std::string> env;
  std::optional<std::string> stdin_data;      ///< nullopt: stdin is /dev/null
  std::chrono::milliseconds timeout{0};       ///< 0: none
  std::chrono::milliseconds kill_grace{2000}; ///< SIGTERM -> SIGKILL delay on timeout
  std::filesystem::path output_file; ///< empty: capture stdout+stderr into process_result::output
  std::size_t max_output_bytes = 16u << 20; ///< beyond this, output is dropped and noted
  bool merge_stderr = true;                 ///< false: stderr goes to process_result::error_output
  /// When set and it becomes true (Ctrl-C), the process group is ended as on
  /// a timeout; checked at least every 50 ms.
  const std::atomic<bool>* cancel = nullptr;
  /// What the call is for ("apply <patch id>"), for environment wrappers
  /// (the fault injector) and logs; the process never sees it.
  std::string tag;
  /// Whether processes that leave the group (setsid, a double fork) are
  /// ended with it, and how (engine/containment.h): tools and acceptance
  /// commands, not git.
  containment_kind contain = containment_kind::none;
  /// Set before the program's first instruction (engine/resource_limits.h).
  resource_limits limits;
  /// Where it may write (engine/sandbox.h); null: anywhere it could anyway.
  std::shared_ptr<const sandbox_rules> sandbox;
};

struct process_result {
  bool started = false; ///< false: spawn failed, see spawn_error
  std::string spawn_error;
  int exit_code = -1; ///< when the process exited normally
  int signal = 0;     ///< when it was killed by a signal
  bool timed_out = false;
  bool cancelled = false; ///< ended because process_request::cancel became true
  bool truncated = false; ///< output exceeded max_output_bytes
  std::string output;
  std::string error_output;
  std::chrono::milliseconds elapsed{0};
  long long cpu_ms = 0; ///< user + system CPU time of the process (not its children)
  /// Which of process_request::limits ended it ("its CPU time limit
  /// (limits.cpu_s: 2)"); empty when none did, or it cannot be told.
  std::string limit;
  /// A write the sandbox refused, as the output tells it (a path); empty
  /// when none shows or there was no sandbox.
  std::string denied;
  /// Sandboxed, its output shows a refused write ("Permission denied")
  /// that names no path the sandbox explains: describe() says a write
  /// outside the sandbox may have failed.
  bool write_refused = false;

  bool ok() const { return started && signal == 0 && exit_code == 0 && !timed_out && !cancelled; }
  /// "exit code 3", "killed by signal 9 (timeout after 5s)", "could not start: ..."
  std::string describe() const;
};

process_result run_process(const process_request& req);

} // namespace uet::engine
