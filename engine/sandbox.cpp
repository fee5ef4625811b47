#include "engine/sandbox.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sstream>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace uet::engine {

namespace fs = std::filesystem;

namespace {

// The kernel's ABI (include/uapi/linux/landlock.h), spelled here so the
// build does not depend on how new the installed kernel headers are.
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#endif
constexpr std::uint32_t create_ruleset_version = 1u << 0;
constexpr int rule_path_beneath = 1;

struct ruleset_attr {
  std::uint64_t handled_access_fs;
  std::uint64_t handled_access_net; // ABI 4
  std::uint64_t scoped;             // ABI 6
};

struct __attribute__((packed)) path_beneath_attr {
  std::uint64_t allowed_access;
  std::int32_t parent_fd;
};

namespace access {
constexpr std::uint64_t write_file = 1ull << 1;
constexpr std::uint64_t remove_dir = 1ull << 4;
constexpr std::uint64_t remove_file = 1ull << 5;
constexpr std::uint64_t make_char = 1ull << 6;
constexpr std::uint64_t make_dir = 1ull << 7;
constexpr std::uint64_t make_reg = 1ull << 8;
constexpr std::uint64_t make_sock = 1ull << 9;
constexpr std::uint64_t make_fifo = 1ull << 10;
constexpr std::uint64_t make_block = 1ull << 11;
constexpr std::uint64_t make_sym = 1ull << 12;
constexpr std::uint64_t refer = 1ull << 13;    // ABI 2
constexpr std::uint64_t truncate = 1ull << 14; // ABI 3
} // namespace access
constexpr std::uint64_t scope_signal = 1ull << 1; // ABI 6

/// How a refused write reads in a program's output: EACCES (what Landlock
/// answers) and EROFS (the read-only bind mounts).
constexpr const char* refusal_markers[] = {"Permission denied", "Read-only file system"};

/// Every kind of write this ABI can tell apart. Reading, executing and
/// device ioctls are not handled, so they stay allowed everywhere.
std::uint64_t handled_writes(int abi) {
  using namespace access;
  std::uint64_t w = write_file | remove_dir | remove_file | make_char | make_dir | make_reg |
                    make_sock | make_fifo | make_block | make_sym;
  if (abi >= 2)
    w |= refer; // renames between granted directories
  if (abi >= 3)
    w |= truncate;
  return w;
}

/// What a rule on a non-directory may grant (the kernel refuses the rest).
std::uint64_t file_rights(std::uint64_t handled) {
  return handled & (access::write_file | access::truncate);
}

struct fd_closer {
  int fd;
  ~fd_closer() {
    if (fd >= 0)
      ::close(fd);
  }
};

bool beneath(const fs::path& p, const fs::path& root) {
  auto x = p.begin();
  for (auto r = root.begin(); r != root.end(); ++r, ++x) {
    if (r->empty())
      continue; // a trailing "/"
    if (x == p.end() || *x != *r)
      return false;
  }
  return true;
}

std::string unquoted(std::string w) {
  while (!w.empty() && std::strchr(":,;'\"`", w.back()))
    w.pop_back();
  while (!w.empty() && std::strchr("'\"`", w.front()))
    w.erase(0, 1);
  return w;
}

/// Candidate paths on one log line that reports `marker` at `at`, likeliest
/// first: the word just before ": <marker>" (sh, cp, touch, mkdir), then
/// quoted words (Python's "Permission denied: '/x'"), then the other words
/// holding a '/', less a leading "program:" word.
std::vector<std::string> paths_on(const std::string& line, std::size_t at) {
  std::vector<std::string> out;
  auto before = line.substr(0, at);
  while (!before.empty() && (before.back() == ' ' || before.back() == ':'))
    before.pop_back();
  auto space = before.find_last_of(' ');
  auto last = unquoted(space == std::string::npos ? before : before.substr(space + 1));
  if (!last.empty() && (space != std::string::npos || line.compare(0, 1, "/") != 0))
    out.push_back(last);
  static const std::pair<std::string, std::string> quotes[] = {
      {"'", "'"}, {"\"", "\""}, {"\xe2\x80\x98", "\xe2\x80\x99"}};
  for (const auto& [open, close] : quotes) {
    for (std::size_t q = line.find(open); q != std::string::npos;) {
      auto end = line.find(close, q + open.size());
      if (end == std::string::npos)
        break;
      out.push_back(line.substr(q + open.size(), end - q - open.size()));
      q = line.find(open, end + close.size());
    }
  }
  std::istringstream words(line);
  bool first = true;
  for (std::string w; words >> w; first = false) {
    if (first && w.back() == ':')
      continue; // "/bin/sh:", "cp:": the program that reports
    w = unquoted(w);
    if (w.find('/') != std::string::npos)
      out.push_back(w);
  }
  return out;
}

/// Whether this process, unconfined, could have made the write: if not, a
/// plain permission problem explains the failure and the sandbox need not.
bool writable_outside(fs::path p) {
  std::error_code ec;
  while (!p.empty() && !fs::exists(fs::symlink_status(p, ec)))
    p = p.parent_path();
  return !p.empty() && ::access(p.c_str(), W_OK) == 0;
}

} // namespace

int landlock_abi() {
  static const int abi = [] {
    if (const char* no = std::getenv("UET_TEST_NO_LANDLOCK"); no && std::string(no) == "1")
      return 0;
    long v = ::syscall(SYS_landlock_create_ruleset, nullptr, 0, create_ruleset_version);
    return v < 0 ? 0 : static_cast<int>(v);
  }();
  return abi;
}

const std::vector<fs::path>& sandbox_devices() {
  static const std::vector<fs::path> devs{"/dev/null", "/dev/zero", "/dev/full", "/dev/tty"};
  return devs;
}

expected<int> make_ruleset(const sandbox_rules& rules) {
  int abi = landlock_abi();
  if (abi <= 0)
    return fail("this kernel offers no Landlock (Linux 5.13 or later, with landlock among the "
                "LSMs it enables)");
  ruleset_attr attr{handled_writes(abi), 0, abi >= 6 ? scope_signal : 0};
  // Older kernels take the shorter struct; the trailing zeros are accepted.
  std::size_t size = abi >= 6 ? sizeof attr : abi >= 4 ? 16 : 8;
  int fd = static_cast<int>(::syscall(SYS_landlock_create_ruleset, &attr, size, 0));
  if (fd < 0)
    return fail(std::string("landlock_create_ruleset: ") + std::strerror(errno));
  fd_closer ruleset{fd};
  for (const auto& p : rules.writable) {
    fd_closer target{::open(p.c_str(), O_PATH | O_CLOEXEC)};
    if (target.fd < 0) {
      if (errno == ENOENT)
        continue;
      return fail("sandbox: cannot open " + p.string() + ": " + std::strerror(errno));
    }
    struct stat st {};
    ::fstat(target.fd, &st);
    path_beneath_attr rule{S_ISDIR(st.st_mode) ? attr.handled_access_fs
                                               : file_rights(attr.handled_access_fs),
                           target.fd};
    if (::syscall(SYS_landlock_add_rule, fd, rule_path_beneath, &rule, 0) != 0)
      return fail("sandbox: cannot grant writes beneath " + p.string() + ": " +
                  std::strerror(errno));
  }
  ruleset.fd = -1;
  return fd;
}

bool shows_refused_write(const std::string& log) {
  for (const char* marker : refusal_markers)
    if (log.find(marker) != std::string::npos)
      return true;
  return false;
}

std::string denied_write(const std::string& log, const sandbox_rules& rules, const fs::path& cwd) {
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    // Also EBUSY: renaming or removing a read-only bind mount.
    std::size_t at = line.find("Device or resource busy");
    for (const char* marker : refusal_markers)
      at = std::min(at, line.find(marker));
    if (at == std::string::npos)
      continue;
    for (const auto& candidate : paths_on(line, at)) {
      fs::path p(candidate);
      if (candidate.rfind("~/", 0) == 0 && std::getenv("HOME"))
        p = fs::path(std::getenv("HOME")) / candidate.substr(2);
      if (p.is_relative() && cwd.empty())
        continue;
      if (p.is_relative())
        p = cwd / p;
      p = p.lexically_normal();
      bool protected_file = false;
      for (const auto& f : rules.read_only_files)
        protected_file = protected_file || p == f;
      bool granted = false;
      for (const auto& w : rules.writable)
        granted = granted || beneath(p, w);
      if (protected_file || (!granted && writable_outside(p)))
        return p.string();
    }
  }
  return {};
}

} // namespace uet::engine
