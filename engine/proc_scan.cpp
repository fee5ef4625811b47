#include "engine/proc_scan.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

namespace uet::engine {

namespace {

bool environment_has(int pid, const std::set<std::string>& entries) {
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
  std::vector<int> out;
  if (entries.empty())
    return out;
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc", ec), end; !ec && it != end;
       it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit))
      continue;
    int pid = std::stoi(name);
    if (pid != ::getpid() && environment_has(pid, entries) && process_running(pid))
      out.push_back(pid);
  }
  return out;
}

} // namespace uet::engine
