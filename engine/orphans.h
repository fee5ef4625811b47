// Processes a killed run left behind. Every tool and check a run starts gets
// LOG_ROOT=<project>/.uet/logs/<run> in its environment, and runs in its own
// process group; after a kill -9 of uet-actors those groups live on, and a
// resumed run would reuse their worktrees (the same run id, the same paths)
// while they still write into them. The next run of the project, holding
// the database's writer lock (so no live run owns them), ends them first.
#pragma once

#include <chrono>
#include <filesystem>
#include <vector>

namespace uet::engine {

/// Pids of this user's processes, other than this one, whose environment has
/// LOG_ROOT under logs_dir. Reads /proc; unreadable entries are skipped.
std::vector<int> processes_under_log_root(const std::filesystem::path& logs_dir);

/// SIGKILLs the process group of each process found above (or the process,
/// when it shares this process's group) and waits up to `wait` for them to
/// go. Returns how many processes were found.
std::size_t end_orphans(const std::filesystem::path& logs_dir,
                        std::chrono::milliseconds wait = std::chrono::seconds(5));

} // namespace uet::engine
