#include "engine/containment.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>
#include <vector>

#include "engine/proc_scan.h"

namespace uet::engine {

namespace fs = std::filesystem;

namespace {

const std::string token_var = "UET_STEP_TOKEN";

/// Where this process's cgroup v2 directory is ("" when there is none): the
/// cgroup2 mount (/proc/self/mountinfo) joined with our path in it
/// (/proc/self/cgroup's "0::" line).
std::string own_cgroup_dir() {
  std::ifstream mounts("/proc/self/mountinfo");
  std::string line, mount;
  while (std::getline(mounts, line)) {
    auto dash = line.find(" - cgroup2 ");
    if (dash == std::string::npos)
      continue;
    std::istringstream f(line);
    std::string id, parent, devno, root, point;
    f >> id >> parent >> devno >> root >> point;
    mount = point;
    break;
  }
  if (mount.empty())
    return "";
  std::ifstream cg("/proc/self/cgroup");
  while (std::getline(cg, line))
    if (line.rfind("0::", 0) == 0)
      return mount + line.substr(3);
  return "";
}

std::string new_token() {
  static std::atomic<unsigned> seq{0};
  return std::to_string(::getpid()) + "-" + std::to_string(++seq);
}

std::vector<pid_t> pids_in(const std::string& cgroup) {
  std::ifstream procs(cgroup + "/cgroup.procs");
  std::vector<pid_t> out;
  for (pid_t p; procs >> p;)
    out.push_back(p);
  return out;
}

} // namespace

containment_kind default_containment() {
  static const containment_kind kind = [] {
    const char* v = std::getenv("UET_CONTAINMENT");
    std::string s = v ? v : "";
    return s == "cgroup"  ? containment_kind::cgroup
           : s == "sweep" ? containment_kind::sweep
           : s == "none"  ? containment_kind::none
                          : containment_kind::automatic;
  }();
  return kind;
}

std::unique_ptr<containment> containment::make(containment_kind kind) {
  auto c = std::unique_ptr<containment>(new containment());
  c->token_ = new_token();
  if (kind == containment_kind::automatic || kind == containment_kind::cgroup) {
    auto base = own_cgroup_dir();
    auto dir = base + "/uet-" + c->token_;
    std::error_code ec;
    if (!base.empty() && fs::create_directory(dir, ec)) {
      if (fs::exists(dir + "/cgroup.kill", ec)) // Linux 5.14 and later
        c->cgroup_ = dir;
      else
        ::rmdir(dir.c_str());
    }
  }
  return c;
}

containment::~containment() {
  if (!cgroup_.empty())
    ::rmdir(cgroup_.c_str());
}

const std::string& containment::token_name() const {
  return token_var;
}

void containment::adopt(pid_t pid) {
  if (since_ == 0) {
    since_ = process_start(pid);
    leader_ = pid;
  }
  if (cgroup_.empty())
    return;
  std::ofstream procs(cgroup_ + "/cgroup.procs");
  procs << pid << std::flush;
  if (!procs) { // not allowed here after all: the sweep
    ::rmdir(cgroup_.c_str());
    cgroup_.clear();
  }
}

void containment::end_all() {
  auto entry = token_var + "=" + token_;
  auto t0 = std::chrono::steady_clock::now();
  for (int round = 0; round < 100; ++round) {
    // A process may fork while we kill: look again until none is left.
    // The cgroup holds what the tool started once it was moved in; the
    // token also finds what it forked before that (posix_spawn returns
    // after the exec, so a tool can fork before adopt() moves it).
    auto sweep = sweep_environment({entry}, since_, leader_);
    auto& pids = sweep.found;
    if (!cgroup_.empty())
      for (auto p : pids_in(cgroup_))
        pids.push_back(p);
    std::vector<pid_t> live;
    for (auto p : pids)
      if (process_running(p))
        live.push_back(p);
    // A process in the middle of an exec shows no environment for a
    // moment, and one just gone may have forked where the sweep had passed:
    // without a cgroup, an empty sweep that saw either (proc_scan.h) is not
    // proof. Look again for a few milliseconds before believing it. (Seeing
    // neither, there is nothing to wait for: each sweep costs a read of
    // every process's environment.)
    if (live.empty() && cgroup_.empty() && (sweep.unsure || since_ == 0) &&
        std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(5)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    if (live.empty())
      break;
    if (!cgroup_.empty())
      std::ofstream(cgroup_ + "/cgroup.kill") << "1" << std::flush;
    for (auto p : live)
      ::kill(p, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

} // namespace uet::engine
