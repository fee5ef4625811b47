#include "engine/confined_spawn.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_landlock_restrict_self
#define SYS_landlock_restrict_self 446
#endif

namespace uet::engine {

namespace {

/// What the child tells the parent: it shares the parent's memory until it
/// execs, so its stores are seen once vfork returns in the parent. Volatile:
/// the compiler cannot see that a call which returned here wrote them.
struct child_report {
  const char* volatile stage = nullptr; ///< where it failed; nullptr: it exec'd
  volatile int err = 0;
  volatile bool ro_bound = true;
};

/// Everything below runs in the vfork child: system calls only.

bool write_all(const char* path, const char* data, std::size_t n) {
  int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  bool ok = ::write(fd, data, n) == static_cast<ssize_t>(n);
  ::close(fd);
  return ok;
}

/// A mount namespace of the child's own, where each file is bind-mounted
/// read-only over itself: writing it gives EROFS, renaming or removing it
/// EBUSY. Not root: a user namespace that maps only our own ids.
bool bind_read_only(const confined_plan& p) {
  if (::unshare(CLONE_NEWNS) != 0) {
    if (p.uid_map.empty() || ::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
      return false;
    if (!write_all("/proc/self/setgroups", "deny", 4) ||
        !write_all("/proc/self/uid_map", p.uid_map.data(), p.uid_map.size()) ||
        !write_all("/proc/self/gid_map", p.gid_map.data(), p.gid_map.size()))
      return false;
  }
  // Private first: a bind on a shared mount would show in the parent's namespace.
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    return false;
  for (const char* f : p.ro_files)
    if (::mount(f, f, nullptr, MS_BIND, nullptr) != 0 ||
        ::mount(nullptr, f, nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0)
      return false;
  return true;
}

[[noreturn]] void fail_child(child_report& r, const char* stage) {
  r.stage = stage;
  r.err = errno;
  ::_exit(127);
}

[[noreturn]] void run_child(const confined_plan& p, child_report& r) {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int s = 1; s < NSIG; ++s)
    if (s != SIGKILL && s != SIGSTOP)
      ::sigaction(s, &dfl, nullptr); // the internal ones refuse: harmless
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (::setpgid(0, 0) != 0)
    fail_child(r, "setpgid");
  int in = p.stdin_fd >= 0 ? p.stdin_fd : ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (in < 0 || ::dup2(in, 0) < 0 || ::dup2(p.stdout_fd, 1) < 0 || ::dup2(p.stderr_fd, 2) < 0)
    fail_child(r, "redirecting stdin/stdout/stderr");
  if (p.cwd && ::chdir(p.cwd) != 0)
    fail_child(r, "chdir");
  for (const auto& l : p.limits)
    if (::setrlimit(l.resource, &l.value) != 0)
      fail_child(r, "setrlimit");
  if (!p.ro_files.empty())
    r.ro_bound = bind_read_only(p);
  if (p.ruleset_fd >= 0) {
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
      fail_child(r, "prctl(PR_SET_NO_NEW_PRIVS)");
    if (::syscall(SYS_landlock_restrict_self, p.ruleset_fd, 0) != 0)
      fail_child(r, "landlock_restrict_self");
  }
  ::execve(p.program, p.argv, p.envp);
  fail_child(r, "exec");
}

pid_t start(const confined_plan& plan, child_report& report) {
  pid_t pid = ::vfork();
  if (pid == 0)
    run_child(plan, report);
  return pid;
}

} // namespace

confined_outcome confined_spawn(const confined_plan& plan) {
  confined_outcome out;
  child_report report;
  // No signal handler may run in the child while it shares our memory.
  sigset_t all, old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  pid_t pid = start(plan, report);
  int vfork_errno = errno;
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (pid < 0) {
    out.error = std::string("vfork: ") + std::strerror(vfork_errno);
    return out;
  }
  out.ro_bound = report.ro_bound;
  if (report.stage) {
    ::waitpid(pid, nullptr, 0);
    std::string stage = const_cast<const char*>(report.stage);
    if (stage == "chdir" && plan.cwd)
      stage += " " + std::string(plan.cwd);
    out.error = (stage == "exec" ? std::string() : stage + ": ") + std::strerror(report.err);
    return out;
  }
  out.pid = pid;
  return out;
}

} // namespace uet::engine
