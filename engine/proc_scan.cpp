#include "engine/proc_scan.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace uet::engine {

namespace {

enum class environment_is { with, without, empty };

environment_is environment_of(int pid, const std::set<std::string>& entries) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  if (!in)
    return environment_is::empty;
  std::string env((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (env.empty())
    return environment_is::empty;
  std::size_t start = 0;
  while (start < env.size()) {
    auto end = env.find('\0', start);
    if (end == std::string::npos)
      end = env.size();
    if (entries.count(env.substr(start, end - start)))
      return environment_is::with;
    start = end + 1;
  }
  return environment_is::without;
}

/// /proc/<pid>/stat's fields after the command name (state first), or
/// empty when it cannot be read.
std::vector<std::string> stat_fields(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!stat || !std::getline(stat, line))
    return {};
  auto paren = line.rfind(')');
  if (paren == std::string::npos)
    return {};
  std::istringstream rest(line.substr(paren + 1));
  return {std::istream_iterator<std::string>(rest), std::istream_iterator<std::string>()};
}

constexpr unsigned long kernel_thread = 0x00200000; // PF_KTHREAD

/// A user process (alive, dying or a zombie) that started at or after since.
bool started_since(int pid, unsigned long long since) {
  auto f = stat_fields(pid); // f[0] state (field 3), f[6] flags (9), f[19] starttime (22)
  if (f.size() < 20)
    return false; // gone
  try {
    return !(std::stoul(f[6]) & kernel_thread) && std::stoull(f[19]) >= since;
  } catch (const std::exception&) {
    return true; // unreadable: not proof of anything
  }
}

} // namespace

bool process_running(int pid) {
  // A zombie has exited: /proc/<pid>/stat says 'Z' (its parent may be a
  // container init that reaps late).
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!stat || !std::getline(stat, line))
    return false;
  auto paren = line.rfind(')');
  return paren == std::string::npos || paren + 2 >= line.size() ||
         (line[paren + 2] != 'Z' && line[paren + 2] != 'X');
}

std::vector<int> processes_with_environment(const std::set<std::string>& entries) {
  return sweep_environment(entries, std::numeric_limits<unsigned long long>::max()).found;
}

unsigned long long process_start(int pid) {
  auto f = stat_fields(pid);
  try {
    return f.size() < 20 ? 0 : std::stoull(f[19]);
  } catch (const std::exception&) {
    return 0;
  }
}

environment_sweep sweep_environment(const std::set<std::string>& entries, unsigned long long since,
                                    int leader) {
  environment_sweep out;
  if (entries.empty())
    return out;
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc", ec), end; !ec && it != end;
       it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit))
      continue;
    int pid = std::stoi(name);
    if (pid == ::getpid())
      continue;
    auto env = environment_of(pid, entries);
    if (env == environment_is::with) {
      if (process_running(pid))
        out.found.push_back(pid);
      else
        out.unsure = true; // gone between two looks: it may have forked
    } else if (env == environment_is::empty && pid != leader && !out.unsure &&
               started_since(pid, since)) {
      out.unsure = true;
    }
  }
  return out;
}

} // namespace uet::engine
