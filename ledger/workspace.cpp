#include "ledger/workspace.h"

#include <fstream>
#include <mutex>
#include <sys/stat.h>

#include "base/files.h"
#include "ledger/diff_in_process.h"
#include "ledger/git.h"
#include "ledger/patch_admission.h"
#include "ledger/stage_in_process.h"
#include "ledger/worktree_checkout.h"
#include "ledger/worktree_record.h"

namespace uet::ledger {

namespace fs = std::filesystem;

const std::vector<std::string>& stable_diff_config() {
  static const std::vector<std::string> c{
      "-c", "core.quotePath=true", "-c", "diff.noprefix=false", "-c", "diff.mnemonicPrefix=false",
      "-c", "diff.renames=true",   "-c", "core.autocrlf=false", "-c", "diff.external="};
  return c;
}

std::vector<std::string> staged_diff_args(const std::string& base_commit) {
  std::vector<std::string> args = stable_diff_config();
  // A nested repository is a gitlink line ("new file mode 160000"), whatever
  // the user's diff.submodule / diff.ignoreSubmodules or a .gitmodules
  // `ignore` the tool wrote: hidden or shown as a log, the patch would be
  // wrong and the pool would not know a gitlink is staged.
  args.insert(args.end(), {"diff", "--cached", "--binary", "--full-index", "-M", "--no-color",
                           "--no-ext-diff", "--no-textconv", "--ignore-submodules=none",
                           "--submodule=short", base_commit, "--"});
  return args;
}

status force_checkout(engine::environment& env, const fs::path& worktree,
                      const std::string& commit) {
  // In-process where libgit2 writes what git would; any doubt, declined or
  // failed halfway, and git's own checkout decides (and mends a half-done one).
  if (!env.sees_every_git_call())
    if (auto done = checkout_in_process(worktree, commit); done && *done)
      return {};
  if (auto r = git(
          env, worktree,
          {"-c", "core.hooksPath=/dev/null", "checkout", "--quiet", "--force", "--detach", commit});
      !r)
    return r.error();
  return {};
}

workspaces::workspaces(engine::environment& env, fs::path repo, fs::path root)
    : env_(&env), repo_(std::move(repo)), root_(std::move(root)) {}

expected<fs::path> workspaces::create(const std::string& name, const std::string& commit) {
  auto path = root_ / name;
  std::error_code ec;
  if (fs::exists(path, ec))
    if (auto st = remove(path); !st)
      return st.error();
  fs::create_directories(path.parent_path(), ec);
  // Registered without git, then checked out: safe to run concurrently
  // (worktree_record.h says why `git worktree add` is not).
  if (register_detached(repo_, path, commit)) {
    // Populated in-process where libgit2 writes what git would (a new
    // worktree's first checkout is a run's start-up: one per worker).
    if (!env_->sees_every_git_call())
      if (auto done = checkout_in_process(path, commit); done && *done)
        return path;
    if (git(*env_, path, {"reset", "--hard", "--quiet", commit}))
      return path;
    (void)forget_worktree(path);
  }
  static std::mutex add_mutex; // git's adds race on each other's records
  std::lock_guard<std::mutex> lock(add_mutex);
  std::vector<std::string> add{"worktree", "add", "--quiet", "--detach", path.string(), commit};
  if (auto r = git(*env_, repo_, add); !r) {
    // git still records a worktree here whose files are gone (a killed run,
    // or a user's rm -rf): forget the record and try once more.
    (void)git_run(*env_, repo_, {"worktree", "prune"});
    if (auto again = git(*env_, repo_, add); !again)
      return r.error();
  }
  return path;
}

status workspaces::remove(const fs::path& worktree) {
  if (forget_worktree(worktree))
    return {};
  std::error_code ec;
  auto r = git_run(*env_, repo_, {"worktree", "remove", "--force", "--force", worktree.string()});
  if (!r)
    return r.error();
  if (r->exit_code != 0) {
    // Not a registered worktree (or half-created): remove the files, then
    // let git forget whatever record is left.
    fs::remove_all(worktree, ec);
    if (ec)
      return fail(error_kind::io, "cannot remove " + worktree.string() + ": " + ec.message());
    (void)git_run(*env_, repo_, {"worktree", "prune"});
  }
  return {};
}

expected<std::size_t> workspaces::clean_stale(const std::set<std::string>& keep) {
  // git's records are read from disk: with nothing stale (the usual start of
  // a run) this costs no process.
  auto records = list_worktree_records(repo_);
  if (!records)
    return records.error();
  std::size_t removed = 0;
  bool dangling = false; // a record whose worktree is gone: `git worktree prune`
  std::error_code ec;
  auto root = fs::weakly_canonical(root_, ec);
  for (const auto& r : *records) {
    dangling = dangling || !r.present;
    auto rel = fs::weakly_canonical(r.worktree, ec).lexically_relative(root);
    if (rel.empty() || rel == "." || *rel.begin() == ".." || keep.count(rel.begin()->string()))
      continue; // not ours, or kept
    if (r.present)
      if (auto st = remove(r.worktree); !st)
        return st.error();
    ++removed;
  }
  // Directories git no longer knows (a crash between mkdir and registration).
  if (fs::is_directory(root_, ec)) {
    for (const auto& entry : fs::directory_iterator(root_, ec)) {
      if (keep.count(entry.path().filename().string()))
        continue;
      bool tree = entry.is_directory(ec); // not a snapshot marker (tree_snapshot.h)
      fs::remove_all(entry.path(), ec);
      removed += tree ? 1 : 0;
    }
  }
  remove_abandoned_staging(repo_);
  if (dangling)
    if (auto r = git(*env_, repo_, {"worktree", "prune"}); !r)
      return r.error();
  return removed;
}

expected<fs::path> git_dir_of(const fs::path& worktree) {
  // A linked worktree's .git is a file: "gitdir: <its directory in the repo>".
  fs::path gitdir = worktree / ".git";
  std::error_code ec;
  if (fs::is_directory(gitdir, ec))
    return gitdir;
  std::ifstream in(gitdir);
  std::string line;
  if (!std::getline(in, line) || line.rfind("gitdir: ", 0) != 0)
    return fail("not a git worktree: " + worktree.string());
  gitdir = line.substr(8);
  if (gitdir.is_relative())
    gitdir = worktree / gitdir;
  return gitdir;
}

expected<worktree_stamp> read_stamp(const fs::path& worktree) {
  auto dir = git_dir_of(worktree);
  if (!dir)
    return dir.error();
  const fs::path& gitdir = *dir;
  worktree_stamp s;
  {
    std::ifstream in(gitdir / "HEAD");
    if (!std::getline(in, s.head))
      return fail("cannot read " + (gitdir / "HEAD").string());
  }
  struct stat st {};
  if (::stat((gitdir / "index").c_str(), &st) == 0) {
    s.index_inode = st.st_ino;
    s.index_mtime_ns =
        static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    s.index_size = st.st_size;
  }
  return s;
}

namespace {

/// What becomes of a diff of `bytes` under rules: refused (`why`: the
/// refusal given, else the size limit's, if over it), kept as the file
/// rules.keep_at, or else held as text.
struct diff_fate {
  std::string why;
  bool keep = false;
};

diff_fate fate_of(std::int64_t bytes, const admission_rules& rules, std::string why) {
  if (why.empty())
    why = diff_size_problem(bytes, rules.limits);
  const bool keep = why.empty() && !rules.keep_at.empty() && bytes > rules.inline_max;
  return {std::move(why), keep};
}

failure refused_kept_in(const std::string& why, std::int64_t bytes, const fs::path& at) {
  return fail(error_kind::refused,
              why + "; its diff (" + human_bytes(bytes) + ") is kept in " + at.string());
}

/// git diff into rules.spill, then: read back when admitted, kept and
/// refused when over max_bytes or already refused (`why`).
expected<captured_change> spill_diff(engine::environment& env, const fs::path& worktree,
                                     std::vector<std::string> args, const admission_rules& rules,
                                     std::string why) {
  std::error_code ec;
  fs::create_directories(rules.spill.parent_path(), ec);
  auto part = rules.spill;
  part += ".part";
  args.insert(args.end() - 2, "--output=" + part.string()); // before the commit and "--"
  if (auto written = git(env, worktree, args); !written) {
    fs::remove(part, ec);
    return written.error();
  }
  auto bytes = static_cast<std::int64_t>(fs::file_size(part, ec));
  if (ec)
    return fail(error_kind::io, "cannot read the size of " + part.string() + ": " + ec.message());
  auto fate = fate_of(bytes, rules, std::move(why));
  if (fate.keep) {
    fs::create_directories(rules.keep_at.parent_path(), ec);
    fs::rename(part, rules.keep_at, ec);
    if (ec)
      return fail(error_kind::io,
                  "cannot move the diff to " + rules.keep_at.string() + ": " + ec.message());
    return captured_change{{}, rules.keep_at, bytes};
  }
  if (fate.why.empty()) {
    auto text = read_file(part, static_cast<std::size_t>(bytes) + 1);
    fs::remove(part, ec);
    if (!text)
      return text.error();
    return captured_change{std::move(*text), {}, bytes};
  }
  fs::rename(part, rules.spill, ec);
  return refused_kept_in(fate.why, bytes, ec ? part : rules.spill);
}

/// The same for the diff of an admitted change printed in-process: held,
/// or written where spill_diff would have left git's.
expected<captured_change> settle_printed(std::string text, const admission_rules& rules) {
  auto bytes = static_cast<std::int64_t>(text.size());
  auto fate = fate_of(bytes, rules, "");
  if (fate.why.empty() && !fate.keep)
    return captured_change{std::move(text), {}, bytes};
  const auto& to = fate.keep ? rules.keep_at : rules.spill;
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  if (auto written = write_file_atomic(to, text); !written)
    return written.error();
  if (fate.keep)
    return captured_change{{}, to, bytes};
  return refused_kept_in(fate.why, bytes, to);
}

} // namespace

expected<std::string> workspaces::capture_diff(engine::environment& env, const fs::path& worktree,
                                               const std::string& base_commit,
                                               const worktree_stamp* pristine,
                                               const admission_rules* rules) {
  auto c = capture_change(env, worktree, base_commit, pristine, rules);
  if (!c)
    return c.error();
  if (c->file.empty())
    return std::move(c->text);
  return read_file(c->file, static_cast<std::size_t>(c->bytes) + 1);
}

expected<captured_change> workspaces::capture_change(engine::environment& env,
                                                     const fs::path& worktree,
                                                     const std::string& base_commit,
                                                     const worktree_stamp* pristine,
                                                     const admission_rules* rules) {
  // Staged in-process where libgit2 stages what git would; any doubt, and
  // git stages (ledger/stage_in_process.h).
  auto in_process = env.sees_every_git_call() ? expected<staged_in_process>(staged_in_process{})
                                              : stage_all_in_process(worktree, base_commit);
  if (in_process && in_process->staged && in_process->unchanged)
    return captured_change{}; // the index is base_commit's tree: no diff to make
  if (!in_process || !in_process->staged) {
    auto added = git(env, worktree, {"add", "--all", "--verbose", "--", "."});
    if (!added)
      return added.error();
    if (pristine && added->empty() && pristine->head == base_commit) {
      auto now = read_stamp(worktree);
      if (now && *now == *pristine)
        return captured_change{};
    }
  }
  auto args = staged_diff_args(base_commit);
  // The patch's bytes, in-process where libgit2 prints git's (within its
  // own limits: 1 MiB a file, 8 MiB in all, so holding it is cheap), once
  // the change is admitted; git's otherwise.
  auto printed = [&]() -> std::optional<std::string> {
    if (env.sees_every_git_call())
      return std::nullopt;
    return staged_diff_in_process(worktree, base_commit);
  };
  auto inline_text = [&]() -> expected<captured_change> {
    auto text = printed();
    if (!text) {
      auto by_git = git(env, worktree, args);
      if (!by_git)
        return by_git.error();
      text = std::move(*by_git);
    }
    auto bytes = static_cast<std::int64_t>(text->size());
    return captured_change{std::move(*text), {}, bytes};
  };
  if (!rules)
    return inline_text();
  auto change = staged_change_of(env, worktree, base_commit);
  if (!change)
    return change.error();
  auto why = admission_problem(*change, rules->limits, rules->allow_submodules);
  if (why.empty() && rules->allow_submodules && !change->gitlinks.empty())
    why = submodule_problem(env, worktree, *change);
  if (rules->spill.empty())
    return why.empty() ? inline_text() : fail(error_kind::refused, why);
  if (why.empty())
    if (auto text = printed())
      return settle_printed(std::move(*text), *rules);
  return spill_diff(env, worktree, std::move(args), *rules, std::move(why));
}

} // namespace uet::ledger
