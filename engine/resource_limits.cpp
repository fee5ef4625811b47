#include "engine/resource_limits.h"

#include <csignal>
#include <cstdlib>
#include <sys/resource.h>
#include <unistd.h>

#include "base/path_lookup.h"

namespace uet::engine {

namespace {

/// What this process can set: its own hard limit, or anything when it may
/// raise hard limits (root). A request above it would make prlimit fail.
rlim_t grantable(int resource, rlim_t wanted) {
  rlimit own{};
  if (::getrlimit(resource, &own) != 0 || own.rlim_max == RLIM_INFINITY || wanted <= own.rlim_max)
    return wanted;
  return ::geteuid() == 0 ? wanted : own.rlim_max;
}

std::string option(const char* name, int resource, std::int64_t soft, std::int64_t extra_hard) {
  auto s = grantable(resource, static_cast<rlim_t>(soft));
  auto h = grantable(resource, static_cast<rlim_t>(soft + extra_hard));
  return std::string("--") + name + "=" + std::to_string(s) + ":" + std::to_string(h);
}

} // namespace

expected<std::vector<std::string>> limited_argv(const resource_limits& limits,
                                                const std::string& program,
                                                const std::vector<std::string>& argv) {
  static const std::string prlimit = [] {
    auto found = find_on_path("prlimit", false, "/usr/bin:/bin");
    return found ? *found : std::string();
  }();
  if (prlimit.empty())
    return fail("tools.yaml limits need prlimit (package util-linux), which is not installed; "
                "install it, or set the tool's limits to 0");
  constexpr std::int64_t mib = 1 << 20;
  std::vector<std::string> out{prlimit};
  // CPU: the soft limit sends SIGXCPU, which a tool may catch to save its
  // work; the hard one, 2 s later, SIGKILL.
  if (limits.cpu_s)
    out.push_back(option("cpu", RLIMIT_CPU, limits.cpu_s, 2));
  if (limits.address_space_mb)
    out.push_back(option("as", RLIMIT_AS, limits.address_space_mb * mib, 0));
  if (limits.file_size_mb)
    out.push_back(option("fsize", RLIMIT_FSIZE, limits.file_size_mb * mib, 0));
  if (limits.open_files)
    out.push_back(option("nofile", RLIMIT_NOFILE, limits.open_files, 0));
  out.push_back("--");
  out.push_back(program);
  out.insert(out.end(), argv.begin() + (argv.empty() ? 0 : 1), argv.end());
  return out;
}

std::string limit_reached(const resource_limits& limits, int signal, long long cpu_ms) {
  if (limits.cpu_s && (signal == SIGXCPU || (signal == SIGKILL && cpu_ms >= limits.cpu_s * 1000)))
    return "its CPU time limit (limits.cpu_s: " + std::to_string(limits.cpu_s) + ")";
  if (limits.file_size_mb && signal == SIGXFSZ)
    return "its file size limit (limits.file_size_mb: " + std::to_string(limits.file_size_mb) + ")";
  return {};
}

} // namespace uet::engine
