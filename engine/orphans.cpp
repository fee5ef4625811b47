#include "engine/orphans.h"

#include <algorithm>
#include <cctype>
#include <csignal>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <thread>
#include <unistd.h>

namespace uet::engine {

namespace {

bool has_log_root(int pid, const std::set<std::string>& entries) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  if (!in)
    return false;
  std::string env((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t start = 0;
  while (start < env.size()) {
    auto end = env.find('\0', start);
    if (end == std::string::npos)
      end = env.size();
    if (entries.count(env.substr(start, end - start)))
      return true;
    start = end + 1;
  }
  return false;
}

bool alive(int pid) {
  // A zombie has exited: /proc/<pid>/stat says 'Z' (its parent may be a
  // container init that reaps late).
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!stat || !std::getline(stat, line))
    return false;
  auto paren = line.rfind(')');
  return paren == std::string::npos || paren + 2 >= line.size() || line[paren + 2] != 'Z';
}

} // namespace

std::vector<int> processes_with_log_root(const std::vector<std::filesystem::path>& log_roots) {
  std::vector<int> out;
  if (log_roots.empty())
    return out;
  std::set<std::string> entries; // "LOG_ROOT=<path>", as workstream_env writes it
  for (const auto& root : log_roots)
    entries.insert("LOG_ROOT=" + root.string());
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc", ec), end; !ec && it != end;
       it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit))
      continue;
    int pid = std::stoi(name);
    if (pid != ::getpid() && has_log_root(pid, entries) && alive(pid))
      out.push_back(pid);
  }
  return out;
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
    while (alive(pid) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return pids.size();
}

} // namespace uet::engine
