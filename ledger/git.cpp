#include "ledger/git.h"

#include "base/path_lookup.h"
#include "engine/subprocess.h"

namespace uet::ledger {

namespace {

std::string command_text(const std::vector<std::string>& args) {
  std::string s = "git";
  for (const auto& a : args)
    s += " " + a;
  if (s.size() > 200)
    s = s.substr(0, 197) + "...";
  return s;
}

/// git's path, looked up on PATH once: every call would otherwise try each
/// PATH entry before it (a failed execve apiece; ten of them here for each
/// of the ~10 git processes a workstream costs).
const std::string& git_program() {
  // Absolute entries only: a relative one would change with each worktree.
  static const std::string path =
      find_on_path("git", false, "/usr/bin:/bin").value_or("git"); // not found: the spawn says so
  return path;
}

} // namespace

std::string chomp(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
    s.pop_back();
  return s;
}

expected<git_output> git_run(engine::environment& env, const std::filesystem::path& dir,
                             const std::vector<std::string>& args,
                             const std::optional<std::string>& stdin_data, const git_env& extra,
                             const std::string& tag) {
  engine::process_request req;
  // Hooks and fsmonitor come from repository config, which a tool can
  // write: ours never run them.
  req.argv = {git_program(), "-c",        "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false",
              "-C",          dir.string()};
  req.argv.insert(req.argv.end(), args.begin(), args.end());
  // Stable output and no prompts, hooks' editors or pagers, whatever the user's setup.
  req.env = {{"LC_ALL", "C"},
             {"GIT_TERMINAL_PROMPT", "0"},
             {"GIT_EDITOR", "true"},
             {"GIT_PAGER", "cat"},
             {"GIT_OPTIONAL_LOCKS", "0"}};
  req.env.insert(extra.begin(), extra.end());
  req.stdin_data = stdin_data;
  req.merge_stderr = false;
  req.max_output_bytes = 256u << 20;
  req.tag = tag;
  auto r = env.run_process(req);
  if (!r.started)
    return fail(error_kind::git, command_text(args) + ": " + r.describe());
  // A cut output (a diff, a log) would be read as a whole one: refuse it.
  if (r.truncated)
    return fail(error_kind::git, command_text(args) + " (in " + dir.string() +
                                     "): its output passed " +
                                     std::to_string(req.max_output_bytes >> 20) + " MiB");
  return git_output{r.signal ? 128 + r.signal : r.exit_code, std::move(r.output),
                    std::move(r.error_output)};
}

expected<std::string> git(engine::environment& env, const std::filesystem::path& dir,
                          const std::vector<std::string>& args,
                          const std::optional<std::string>& stdin_data, const git_env& extra) {
  auto r = git_run(env, dir, args, stdin_data, extra);
  if (!r)
    return r.error();
  if (r->exit_code != 0) {
    auto err = chomp(r->err);
    if (err.empty())
      err = chomp(r->out);
    return fail(error_kind::git, command_text(args) + " (in " + dir.string() +
                                     ") failed with exit code " + std::to_string(r->exit_code) +
                                     (err.empty() ? "" : ": " + err));
  }
  return std::move(r->out);
}

git_env commit_identity(engine::environment& env, const std::filesystem::path& repo) {
  auto email = git_run(env, repo, {"config", "user.email"});
  if (email && email->exit_code == 0)
    return {};
  return {{"GIT_AUTHOR_NAME", "uet-actors"},
          {"GIT_AUTHOR_EMAIL", "uet-actors@localhost"},
          {"GIT_COMMITTER_NAME", "uet-actors"},
          {"GIT_COMMITTER_EMAIL", "uet-actors@localhost"}};
}

} // namespace uet::ledger
