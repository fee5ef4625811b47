// What keeps a tool's processes together so all of them end with its step,
// including those that left its process group (setsid, a double fork): a
// cgroup v2 of its own, emptied with `cgroup.kill`, where the machine lets
// this process make one; and, always, a token in the environment of every
// process the tool starts (inherited unless a process clears its
// environment), found by a /proc sweep and killed. The group kill of
// engine/subprocess.h stays the first resort; this ends what it misses.
// The tool is moved into its cgroup just after posix_spawn returns (there is
// no hook before the exec): what it forks in that instant is found by the
// token, unless it also clears its environment (clone3's CLONE_INTO_CGROUP
// would close that gap; the tools' sandbox is where it belongs).
#pragma once

#include <memory>
#include <string>
#include <sys/types.h>

namespace uet::engine {

enum class containment_kind {
  none,      ///< the process group only
  automatic, ///< a cgroup if this machine offers one, else the sweep
  cgroup,    ///< cgroup v2 or nothing: fails over to the sweep when none can be made
  sweep,     ///< the environment token and /proc, even where cgroups exist
};

/// What tools and acceptance commands get: automatic, unless
/// UET_CONTAINMENT says cgroup, sweep or none (read once).
containment_kind default_containment();

class containment {
public:
  /// Never fails: what cannot be had falls back to the sweep.
  static std::unique_ptr<containment> make(containment_kind kind);
  ~containment();

  /// The environment entry every contained process carries ("NAME", "value").
  const std::string& token_name() const;
  const std::string& token() const { return token_; }
  /// Takes the just-spawned process in (the cgroup; for the sweep, when it
  /// started).
  void adopt(pid_t pid);
  /// Kills every process still contained and waits (up to ~1 s) for them to
  /// go.
  void end_all();
  /// "cgroup" or "sweep".
  const char* mechanism() const { return cgroup_.empty() ? "sweep" : "cgroup"; }

private:
  std::string token_;
  std::string cgroup_; ///< its directory, "" for the sweep
  /// When the first process adopted started (proc_scan.h, process_start):
  /// what started before it is none of ours. 0: unknown.
  unsigned long long since_ = 0;
  pid_t leader_ = 0; ///< that process: a zombie at the step's end, not a doubt
};

} // namespace uet::engine
