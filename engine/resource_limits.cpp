#include "engine/resource_limits.h"

#include <csignal>
#include <cstdlib>
#include <sys/resource.h>
#include <unistd.h>

namespace uet::engine {

namespace {

/// What this process can set: its own hard limit, or anything when it may
/// raise hard limits (root). A request above it would fail.
rlim_t grantable(int resource, rlim_t wanted) {
  rlimit own{};
  if (::getrlimit(resource, &own) != 0 || own.rlim_max == RLIM_INFINITY || wanted <= own.rlim_max)
    return wanted;
  return ::geteuid() == 0 ? wanted : own.rlim_max;
}

confined_plan::limit setting(int resource, std::int64_t soft, std::int64_t extra_hard) {
  return {resource,
          {grantable(resource, static_cast<rlim_t>(soft)),
           grantable(resource, static_cast<rlim_t>(soft + extra_hard))}};
}

} // namespace

std::vector<confined_plan::limit> rlimits_of(const resource_limits& limits) {
  constexpr std::int64_t mib = 1 << 20;
  std::vector<confined_plan::limit> out;
  // CPU: the soft limit sends SIGXCPU, which a tool may catch to save its
  // work; the hard one, 2 s later, SIGKILL.
  if (limits.cpu_s)
    out.push_back(setting(RLIMIT_CPU, limits.cpu_s, 2));
  if (limits.address_space_mb)
    out.push_back(setting(RLIMIT_AS, limits.address_space_mb * mib, 0));
  if (limits.file_size_mb)
    out.push_back(setting(RLIMIT_FSIZE, limits.file_size_mb * mib, 0));
  if (limits.open_files)
    out.push_back(setting(RLIMIT_NOFILE, limits.open_files, 0));
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
