#include "engine/orphans.h"

#include <csignal>
#include <set>
#include <string>
#include <thread>
#include <unistd.h>

#include "engine/proc_scan.h"

namespace uet::engine {

std::vector<int> processes_with_log_root(const std::vector<std::filesystem::path>& log_roots) {
  std::set<std::string> entries; // "LOG_ROOT=<path>", as workstream_env writes it
  for (const auto& root : log_roots)
    entries.insert("LOG_ROOT=" + root.string());
  return processes_with_environment(entries);
}

std::size_t end_orphans(const std::vector<std::filesystem::path>& log_roots,
                        std::chrono::milliseconds wait) {
  auto pids = processes_with_log_root(log_roots);
  std::set<pid_t> groups;
  const pid_t own_group = ::getpgrp();
  for (int pid : pids) {
    pid_t group = ::getpgid(pid);
    if (group > 0 && group != own_group)
      groups.insert(group);
    else
      ::kill(pid, SIGKILL);
  }
  for (pid_t g : groups)
    ::killpg(g, SIGKILL);
  auto deadline = std::chrono::steady_clock::now() + wait;
  for (int pid : pids)
    while (process_running(pid) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return pids.size();
}

} // namespace uet::engine
