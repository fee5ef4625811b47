// `uet-actors __fault KIND SEED -- ARGV...`: a tool run under an injected
// adapter fault. The fault executor (actors/fault_executor.cpp) puts this
// in front of the tool's argv, so what the adapter sees is a real process
// doing the real wrong thing:
//   crash    the tool starts, and soon (20-200 ms, or when it ends) its
//            process group, this shim included, is killed with SIGKILL;
//   hang     the tool runs, then the shim and a child of it wait forever:
//            only the step's timeout (which ends the whole group) stops them;
//   exit     the tool runs, then the shim exits 75;
//   garbage  the tool runs, then junk goes to stdout and stderr, a junk file
//            appears at the worktree's root (outside most scopes) and junk is
//            appended to the newest file the tool wrote (inside its scope);
//   slow     the tool runs, then the shim waits nine times as long again.
// The tool's argv is passed through untouched (no shell).
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "cli/commands.h"

extern char** environ;

namespace uet::cli {

namespace {

using clock_type = std::chrono::steady_clock;

pid_t spawn_tool(char** argv) {
  pid_t pid = -1;
  if (int rc = ::posix_spawnp(&pid, argv[0], nullptr, nullptr, argv, environ); rc != 0) {
    std::cerr << "uet-actors __fault: cannot start " << argv[0] << ": " << std::strerror(rc)
              << '\n';
    return -1;
  }
  return pid;
}

/// The tool's status as an exit code of ours (128 + signal when killed).
int wait_tool(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

[[noreturn]] void kill_group() {
  ::signal(SIGKILL, SIG_DFL);
  ::kill(0, SIGKILL); // the adapter made us a group leader: the tool goes too
  ::raise(SIGKILL);
  std::_Exit(137);
}

[[noreturn]] void crash(pid_t pid, std::mt19937_64& rng) {
  auto deadline = clock_type::now() + std::chrono::milliseconds(20 + rng() % 181);
  int status = 0;
  while (clock_type::now() < deadline && ::waitpid(pid, &status, WNOHANG) == 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  kill_group();
}

[[noreturn]] void hang() {
  if (::fork() == 0) // a grandchild of the adapter, in its group
    for (;;)
      ::pause();
  for (;;)
    ::pause();
}

std::string junk(std::mt19937_64& rng, std::size_t n) {
  std::string s(n, '\0');
  for (auto& c : s)
    c = static_cast<char>(rng() & 0xff);
  return s;
}

/// The newest regular file under the worktree (outside .git) written since
/// `since`: what the tool changed, inside its scope if it behaved.
std::filesystem::path newest_written(std::filesystem::file_time_type since) {
  namespace fs = std::filesystem;
  fs::path best;
  auto best_time = since;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(".", ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec))
      continue;
    auto t = it->last_write_time(ec);
    if (!ec && t >= best_time) {
      best_time = t;
      best = it->path();
    }
  }
  return best;
}

void litter(std::mt19937_64& rng, std::filesystem::file_time_type since) {
  std::cout << junk(rng, 2048) << std::flush;
  std::cerr << junk(rng, 2048) << std::flush;
  char name[64];
  std::snprintf(name, sizeof name, "uet-garbage-%08llx.bin",
                static_cast<unsigned long long>(rng() & 0xffffffffu));
  std::ofstream(name, std::ios::binary) << junk(rng, 512);
  auto inside = newest_written(since);
  if (!inside.empty() && inside.filename() != name)
    std::ofstream(inside, std::ios::binary | std::ios::app) << "\n" << junk(rng, 64) << "\n";
}

} // namespace

int fault_shim(int argc, char** argv) {
  if (argc < 4 || std::string(argv[2]) != "--") {
    std::cerr << "usage: uet-actors __fault KIND SEED -- ARGV...\n";
    return 2;
  }
  const std::string kind = argv[0];
  std::mt19937_64 rng(std::strtoull(argv[1], nullptr, 10));
  auto since = std::filesystem::file_time_type::clock::now();
  auto t0 = clock_type::now();
  pid_t pid = spawn_tool(argv + 3);
  if (pid < 0)
    return 127;
  if (kind == "crash")
    crash(pid, rng);
  int code = wait_tool(pid);
  if (kind == "hang")
    hang();
  if (kind == "exit") {
    std::cerr << "uet-actors: injected fault adapter:exit (the tool exited " << code << ")\n";
    return 75;
  }
  if (kind == "garbage")
    litter(rng, since);
  if (kind == "slow")
    std::this_thread::sleep_for((clock_type::now() - t0) * 9);
  return code;
}

} // namespace uet::cli
