// Processes a killed run left behind. Every tool and check a run starts gets
// LOG_ROOT=<project>/.uet/logs/<run> in its environment, and runs in its own
// process group; after a kill -9 of uet-actors those groups live on, and a
// resumed run would reuse their worktrees (the same run id, the same paths)
// while they still write into them. The next run of the project, holding
// the integration branch's lock (so no live run owns them), ends those of
// the runs its database still records as running (killed: a run that ended
// ended its tools; what they left detached on purpose, a daemon, is theirs).
#pragma once

#include <chrono>
#include <filesystem>
#include <vector>

namespace uet::engine {

/// Pids of the processes, other than this one, whose environment has
/// LOG_ROOT equal to one of log_roots. Reads /proc; unreadable entries (other
/// users', zombies) are skipped.
std::vector<int> processes_with_log_root(const std::vector<std::filesystem::path>& log_roots);

/// SIGKILLs the process group of each process found above (or the process,
/// when it shares this process's group) and waits up to `wait` for them to
/// go. Returns how many processes were found.
std::size_t end_orphans(const std::vector<std::filesystem::path>& log_roots,
                        std::chrono::milliseconds wait = std::chrono::seconds(5));

} // namespace uet::engine
