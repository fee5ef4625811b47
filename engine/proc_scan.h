// Finding processes through /proc: by a variable in their environment (how
// a killed run's leftovers and a step's escaped processes are found), and
// whether one still runs. Unreadable entries (other users', gone) are
// skipped; a zombie has exited.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace uet::engine {

/// Alive and not a zombie.
bool process_running(int pid);

/// Pids, other than this process, of running processes whose environment
/// holds one of `entries` ("NAME=value", whole).
std::vector<int> processes_with_environment(const std::set<std::string>& entries);

/// When the process started: clock ticks after boot (/proc/<pid>/stat,
/// field 22); 0 when it cannot be read.
unsigned long long process_start(int pid);

/// One sweep of /proc: the pids processes_with_environment finds, and
/// whether it may have missed one. A process in the middle of an exec, a
/// dying one, a zombie (or one whose environment cannot be read) shows none
/// for a moment, and one just gone may have forked a child at a pid the
/// sweep had passed. So `unsure` says a user process (not a kernel thread)
/// other than `leader` that started at or after `since` showed no
/// environment, or one that showed an entry was gone when looked at again.
/// Anything started since a step's first process may be one of its
/// processes; what started before cannot.
struct environment_sweep {
  std::vector<int> found;
  bool unsure = false;
};
environment_sweep sweep_environment(const std::set<std::string>& entries, unsigned long long since,
                                    int leader = 0);

} // namespace uet::engine
