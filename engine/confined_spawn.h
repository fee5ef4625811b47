// Starts a tool or an acceptance command with what must hold from its first
// instruction: resource limits (setrlimit) and the sandbox (a Landlock
// ruleset, and read-only bind mounts over the files that tell git where the
// worktree's repository is). posix_spawn has no hook between its fork and
// its exec, so this is a vfork of our own: the child runs only system calls
// on data the parent prepared (no allocation, no locks) and then execs, and
// the parent is suspended until it has. That keeps posix_spawn's speed
// (fork+exec of a large parent falls to ~38/s here) without a helper
// process in between. Used only when a request asks for limits or a
// sandbox; git calls keep posix_spawn.
#pragma once

#include <string>
#include <sys/resource.h>
#include <sys/types.h>
#include <vector>

namespace uet::engine {

/// Everything the child needs, made ready by the parent.
struct confined_plan {
  const char* program = nullptr; ///< a path: no PATH search in the child
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  int stdin_fd = -1; ///< -1: /dev/null
  int stdout_fd = -1;
  int stderr_fd = -1;
  const char* cwd = nullptr; ///< nullptr: inherit
  struct limit {
    int resource;
    rlimit value;
  };
  std::vector<limit> limits;
  int ruleset_fd = -1;               ///< a Landlock ruleset to enforce, or -1
  std::vector<const char*> ro_files; ///< bind-mounted read-only over themselves
  std::string uid_map, gid_map;      ///< for a user namespace when not root
};

struct confined_outcome {
  pid_t pid = -1;       ///< -1: not started, see error
  std::string error;    ///< what failed before the exec, with errno's text
  bool ro_bound = true; ///< false: ro_files could not be made read-only (no mount namespace)
};

/// Starts the plan's program in its own process group, with default signal
/// dispositions and an empty signal mask. Returns once it has exec'd (or
/// failed to).
confined_outcome confined_spawn(const confined_plan& plan);

} // namespace uet::engine
