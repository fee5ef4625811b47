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

} // namespace uet::engine
