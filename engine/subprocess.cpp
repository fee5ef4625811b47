#include "engine/subprocess.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <mutex>
#include <poll.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/path_lookup.h"
#include "engine/confined_spawn.h"
#include "engine/resource_limits.h"
#include "engine/sandbox.h"

extern char** environ;

namespace uet::engine {

namespace {

using clock_type = std::chrono::steady_clock;

struct fd_guard {
  int fd = -1;
  ~fd_guard() { reset(); }
  void reset() {
    if (fd >= 0)
      ::close(fd);
    fd = -1;
  }
};

// git's repository-location variables (`git rev-parse --local-env-vars`,
// less the config ones). Inherited - uet-actors started from a git hook, say -
// they would point every git process, and a tool's git, at another index or
// repository than the worktree it runs in. Set in a request's env, they pass.
bool is_git_location_var(const std::string& name) {
  static const char* const vars[] = {"GIT_ALTERNATE_OBJECT_DIRECTORIES",
                                     "GIT_OBJECT_DIRECTORY",
                                     "GIT_DIR",
                                     "GIT_WORK_TREE",
                                     "GIT_IMPLICIT_WORK_TREE",
                                     "GIT_GRAFT_FILE",
                                     "GIT_INDEX_FILE",
                                     "GIT_NO_REPLACE_OBJECTS",
                                     "GIT_REPLACE_REF_BASE",
                                     "GIT_PREFIX",
                                     "GIT_INTERNAL_SUPER_PREFIX",
                                     "GIT_SHALLOW_FILE",
                                     "GIT_COMMON_DIR"};
  for (const char* v : vars)
    if (name == v)
      return true;
  return false;
}

std::vector<std::string> build_env(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> out;
  for (char** e = environ; *e; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string::npos &&
        (extra.count(kv.substr(0, eq)) || is_git_location_var(kv.substr(0, eq))))
      continue;
    out.push_back(std::move(kv));
  }
  for (const auto& [k, v] : extra)
    out.push_back(k + "=" + v);
  return out;
}

// Output sink: a string (capped) or a file (capped).
struct sink {
  std::string* str = nullptr;
  int fd = -1;
  std::size_t cap = 0;
  std::size_t written = 0;
  bool truncated = false;
  std::string* tail = nullptr; ///< when set: the last ~64 KiB written, whatever the cap

  void put(const char* data, std::size_t n) {
    if (tail) {
      tail->append(data, n);
      if (tail->size() > 128 * 1024)
        tail->erase(0, tail->size() - 64 * 1024);
    }
    if (written >= cap) {
      truncated = true;
      return;
    }
    std::size_t take = std::min(n, cap - written);
    if (take < n)
      truncated = true;
    written += take;
    if (str) {
      str->append(data, take);
    } else if (fd >= 0) {
      std::size_t off = 0;
      while (off < take) {
        auto w = ::write(fd, data + off, take - off);
        if (w < 0 && errno == EINTR)
          continue;
        if (w <= 0)
          break;
        off += static_cast<std::size_t>(w);
      }
    }
  }
};

/// posix_spawnp searches the parent's PATH, not the child's: a tool whose
/// env sets PATH must find its program on that PATH. Empty: not found.
/// Relative entries (and an empty one, ".") are the child's: they resolve
/// against the directory it starts in.
std::string find_on_path(const std::string& name, const std::string& path,
                         const std::filesystem::path& cwd) {
  std::size_t start = 0;
  while (start <= path.size()) {
    auto colon = path.find(':', start);
    auto dir = path.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (dir.empty())
      dir = ".";
    if (dir[0] != '/' && !cwd.empty())
      dir = (cwd / dir).string();
    auto candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate))
      return candidate;
    if (colon == std::string::npos)
      break;
    start = colon + 1;
  }
  return {};
}

/// A reader that goes away (a git that died before reading its stdin, a
/// closed stdout) must be an EPIPE error where we write, not a SIGPIPE that
/// ends the whole run. Children get default dispositions back
/// (POSIX_SPAWN_SETSIGDEF).
void ignore_sigpipe() {
  static std::once_flag once;
  std::call_once(once, [] { ::signal(SIGPIPE, SIG_IGN); });
}

struct child_io {
  int in; ///< -1: /dev/null
  int out;
  int err;
};

/// posix_spawn: git and everything else that needs neither limits nor a sandbox.
expected<pid_t> start_plain(const process_request& req, const std::string& program,
                            bool search_parent_path, const child_io& io, char* const* argv,
                            char* const* envp) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (io.in >= 0)
    posix_spawn_file_actions_adddup2(&fa, io.in, 0);
  else
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, io.out, 1);
  posix_spawn_file_actions_adddup2(&fa, io.err, 2);
  if (!req.cwd.empty())
    posix_spawn_file_actions_addchdir_np(&fa, req.cwd.c_str());

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t no_signals, all_signals;
  sigemptyset(&no_signals);
  sigfillset(&all_signals);
  posix_spawnattr_setsigmask(&attr, &no_signals);
  posix_spawnattr_setsigdefault(&attr, &all_signals);
  posix_spawnattr_setpgroup(&attr, 0); // own process group
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  int rc = search_parent_path ? ::posix_spawnp(&pid, program.c_str(), &fa, &attr, argv, envp)
                              : ::posix_spawn(&pid, program.c_str(), &fa, &attr, argv, envp);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0)
    return fail(req.argv[0] + ": " + std::strerror(rc));
  return pid;
}

/// Our own vfork (engine/confined_spawn.h): limits and the sandbox are in
/// place before the program's first instruction.
expected<pid_t> start_confined(const process_request& req, const std::string& program,
                               const child_io& io, char* const* argv, char* const* envp) {
  confined_plan plan;
  plan.program = program.c_str();
  plan.argv = argv;
  plan.envp = envp;
  plan.stdin_fd = io.in;
  plan.stdout_fd = io.out;
  plan.stderr_fd = io.err;
  plan.cwd = req.cwd.empty() ? nullptr : req.cwd.c_str();
  plan.limits = rlimits_of(req.limits);
  fd_guard ruleset;
  std::vector<std::string> ro_files;
  if (req.sandbox && landlock_abi() > 0) {
    auto rs = make_ruleset(*req.sandbox);
    if (!rs)
      return fail(rs.message());
    ruleset.fd = *rs;
    plan.ruleset_fd = ruleset.fd;
  } else if (req.sandbox && req.sandbox->required) {
    return fail("the sandbox is required (sandbox: required) and " +
                make_ruleset(*req.sandbox).message());
  }
  if (req.sandbox) {
    for (const auto& f : req.sandbox->read_only_files)
      ro_files.push_back(f.string());
    for (const auto& f : ro_files)
      plan.ro_files.push_back(f.c_str());
    if (::geteuid() != 0) {
      plan.uid_map = std::to_string(::geteuid()) + " " + std::to_string(::geteuid()) + " 1\n";
      plan.gid_map = std::to_string(::getegid()) + " " + std::to_string(::getegid()) + " 1\n";
    }
  }
  auto out = confined_spawn(plan);
  if (out.pid < 0)
    return fail(req.argv[0] + ": " + out.error);
  return out.pid;
}

} // namespace

std::string process_result::describe() const {
  if (!started)
    return "could not start: " + spawn_error;
  if (timed_out)
    return "timed out after " + std::to_string(elapsed.count() / 1000.0).substr(0, 5) +
           " s (process group killed)";
  if (cancelled)
    return "interrupted (process group killed)";
  if (signal != 0)
    return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")" +
           (limit.empty() ? "" : ": it reached " + limit);
  return "exit code " + std::to_string(exit_code) +
         (write_refused && exit_code != 0
              ? " (its output shows a refused write: a write outside the sandbox may have failed)"
              : "");
}

process_result run_process(const process_request& req) {
  process_result res;
  auto t0 = clock_type::now();
  if (req.argv.empty()) {
    res.spawn_error = "empty argv";
    return res;
  }
  ignore_sigpipe();
  std::string program = req.argv[0];
  bool search_parent_path = program.find('/') == std::string::npos;
  if (auto p = req.env.find("PATH"); search_parent_path && p != req.env.end()) {
    program = find_on_path(req.argv[0], p->second, req.cwd);
    search_parent_path = false;
    if (program.empty()) {
      res.spawn_error = req.argv[0] + ": not found on the PATH its env sets (" + p->second + ")";
      return res;
    }
  }
  bool confined = req.limits.any() || req.sandbox;
  if (confined && search_parent_path) { // the child does no PATH search
    auto resolved = uet::find_on_path(program, true);
    if (!resolved) {
      res.spawn_error = req.argv[0] + ": " + std::strerror(ENOENT);
      return res;
    }
    program = *resolved;
    search_parent_path = false;
  }
  int out_pipe[2], err_pipe[2] = {-1, -1}, in_pipe[2] = {-1, -1};
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    res.spawn_error = std::string("pipe: ") + std::strerror(errno);
    return res;
  }
  fd_guard out_r{out_pipe[0]}, out_w{out_pipe[1]}, err_r, err_w, in_r, in_w;
  if (!req.merge_stderr) {
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
      res.spawn_error = std::string("pipe: ") + std::strerror(errno);
      return res;
    }
    err_r.fd = err_pipe[0];
    err_w.fd = err_pipe[1];
  }
  if (req.stdin_data) {
    if (::pipe2(in_pipe, O_CLOEXEC) != 0) {
      res.spawn_error = std::string("pipe: ") + std::strerror(errno);
      return res;
    }
    in_r.fd = in_pipe[0];
    in_w.fd = in_pipe[1];
  }

  std::vector<char*> argv;
  for (const auto& a : req.argv)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  auto box = req.contain == containment_kind::none ? nullptr : containment::make(req.contain);
  auto env_strings = build_env(req.env);
  if (box)
    env_strings.push_back(box->token_name() + "=" + box->token());
  std::vector<char*> envp;
  for (auto& e : env_strings)
    envp.push_back(e.data());
  envp.push_back(nullptr);

  child_io io{in_r.fd, out_w.fd, req.merge_stderr ? out_w.fd : err_w.fd};
  auto started = confined
                     ? start_confined(req, program, io, argv.data(), envp.data())
                     : start_plain(req, program, search_parent_path, io, argv.data(), envp.data());
  if (!started) {
    res.spawn_error = started.message();
    return res;
  }
  pid_t pid = *started;
  res.started = true;
  if (box)
    box->adopt(pid);
  out_w.reset();
  err_w.reset();
  in_r.reset();

  fd_guard file_out;
  sink out_sink, err_sink;
  out_sink.cap = err_sink.cap = req.max_output_bytes;
  err_sink.str = &res.error_output;
  std::string tail; // what the sandbox's denials are read from
  if (req.sandbox)
    out_sink.tail = err_sink.tail = &tail;
  if (req.output_file.empty()) {
    out_sink.str = &res.output;
  } else {
    file_out.fd = ::open(req.output_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    out_sink.fd = file_out.fd;
  }

  std::size_t in_off = 0;
  if (in_w.fd >= 0)
    ::fcntl(in_w.fd, F_SETFL, O_NONBLOCK);
  // pidfd makes the child's exit a poll event, so a 3 ms git call costs 3 ms.
  fd_guard pidfd{static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))};
  const auto never = clock_type::time_point::max();
  auto deadline = req.timeout.count() > 0 ? t0 + req.timeout : never;
  auto kill_at = never;
  auto drain_until = never;
  bool exited = false;
  int wstatus = 0;
  rusage usage{};
  char buf[65536];
  for (;;) {
    std::vector<pollfd> fds;
    if (out_r.fd >= 0)
      fds.push_back({out_r.fd, POLLIN, 0});
    if (err_r.fd >= 0)
      fds.push_back({err_r.fd, POLLIN, 0});
    if (in_w.fd >= 0)
      fds.push_back({in_w.fd, POLLOUT, 0});
    if (!exited && pidfd.fd >= 0)
      fds.push_back({pidfd.fd, POLLIN, 0});
    auto now = clock_type::now();
    if (exited && (out_r.fd < 0 && err_r.fd < 0))
      break;
    if (exited && now >= drain_until)
      break; // a detached grandchild still holds the pipe: stop reading
    if (!exited && !res.timed_out && !res.cancelled && now >= deadline) {
      res.timed_out = true;
      ::kill(-pid, SIGTERM);
      kill_at = now + req.kill_grace;
    }
    if (!exited && !res.timed_out && !res.cancelled && req.cancel && req.cancel->load()) {
      res.cancelled = true;
      ::kill(-pid, SIGTERM);
      kill_at = now + std::min(req.kill_grace, std::chrono::milliseconds(500));
    }
    if (!exited && now >= kill_at) {
      ::kill(-pid, SIGKILL);
      kill_at = never;
    }
    auto wake = std::min({deadline, kill_at, drain_until});
    if (res.timed_out || res.cancelled)
      wake = std::min(kill_at, drain_until);
    if (req.cancel && !exited && !res.cancelled)
      wake = std::min(wake, now + std::chrono::milliseconds(50));
    int wait_ms = -1;
    if (wake != never)
      wait_ms = static_cast<int>(std::max<long long>(
          0, std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count() + 1));
    if (!exited && pidfd.fd < 0 && (wait_ms < 0 || wait_ms > 5))
      wait_ms = 5; // no pidfd: poll for the exit
    int n = ::poll(fds.data(), fds.size(), wait_ms);
    if (n < 0 && errno != EINTR)
      break;
    for (auto& p : fds) {
      if (!p.revents || p.fd == pidfd.fd)
        continue;
      if (p.fd == in_w.fd) {
        const auto& data = *req.stdin_data;
        auto w = ::write(in_w.fd, data.data() + in_off, data.size() - in_off);
        if (w > 0)
          in_off += static_cast<std::size_t>(w);
        if ((w < 0 && errno != EAGAIN && errno != EINTR) || in_off >= data.size())
          in_w.reset();
        continue;
      }
      auto r = ::read(p.fd, buf, sizeof buf);
      if (r > 0) {
        (p.fd == out_r.fd ? out_sink : err_sink).put(buf, static_cast<std::size_t>(r));
      } else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
        if (p.fd == out_r.fd)
          out_r.reset();
        else
          err_r.reset();
      }
    }
    siginfo_t info{};
    if (!exited &&
        ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
        info.si_pid == pid) {
      // Leftover members of the group (background grandchildren) would hold
      // our pipe open and outlive the run: end them before reaping the leader,
      // so its pid (the group id) cannot have been reused yet.
      ::kill(-pid, SIGKILL);
      if (box) // and those that left the group
        box->end_all();
      ::wait4(pid, &wstatus, 0, &usage);
      exited = true;
      in_w.reset();
      drain_until = clock_type::now() + std::chrono::milliseconds(500);
    }
  }
  if (!exited) { // the loop gave up early: the leader was never reaped above
    ::wait4(pid, &wstatus, 0, &usage);
    if (box)
      box->end_all();
  }
  if (WIFEXITED(wstatus))
    res.exit_code = WEXITSTATUS(wstatus);
  else if (WIFSIGNALED(wstatus))
    res.signal = WTERMSIG(wstatus);
  auto ms_of = [](const timeval& t) { return t.tv_sec * 1000LL + t.tv_usec / 1000; };
  res.cpu_ms = ms_of(usage.ru_utime) + ms_of(usage.ru_stime);
  if (res.signal && !res.timed_out && !res.cancelled)
    res.limit = limit_reached(req.limits, res.signal, res.cpu_ms);
  if (req.sandbox) {
    res.denied = denied_write(tail, *req.sandbox, req.cwd);
    res.write_refused = res.denied.empty() && shows_refused_write(tail);
  }
  if (!res.denied.empty() && out_sink.fd >= 0) {
    auto note = "\n[uet: the sandbox denied a write to " + res.denied + "]\n";
    (void)!::write(out_sink.fd, note.data(), note.size());
  }
  res.truncated = out_sink.truncated || err_sink.truncated;
  if (res.truncated && out_sink.fd >= 0) {
    const char note[] = "\n[uet: output truncated at the size cap]\n";
    ::write(out_sink.fd, note, sizeof note - 1);
  }
  res.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0);
  return res;
}

} // namespace uet::engine
