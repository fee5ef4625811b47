#include "ledger/integration.h"

#include <fstream>
#include <future>

#include "ledger/git.h"
#include "ledger/workspace.h"
#include "ledger/worktree_record.h"

namespace uet::ledger {

namespace fs = std::filesystem;

namespace {

// "error: patch failed: src/a.txt:3" -> "src/a.txt:3"; other "error:" lines
// (already exists, does not exist in index) name the path.
std::vector<std::string> conflicts_from(const std::string& err) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < err.size()) {
    auto nl = err.find('\n', pos);
    auto line = err.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? err.size() : nl + 1;
    const std::string failed = "error: patch failed: ";
    if (line.rfind(failed, 0) == 0)
      out.push_back(line.substr(failed.size()));
    else if (line.rfind("error: ", 0) == 0 &&
             line.find("patch does not apply") == std::string::npos)
      out.push_back(line.substr(7));
  }
  return out;
}

} // namespace

std::string commit_message(const std::string& workstream_id, const std::string& title,
                           const std::string& run_id, const std::string& patch_id) {
  std::string subject = "uet: " + workstream_id;
  if (!title.empty()) {
    auto first_line = title.substr(0, title.find('\n'));
    subject += " " + first_line;
  }
  return subject + "\n\nUET-Run: " + run_id + "\nUET-Patch: " + patch_id + "\n";
}

expected<trailer_index> read_patch_trailers(engine::environment& env, const fs::path& repo,
                                            const std::string& branch) {
  trailer_index index;
  auto log = git(env, repo,
                 {"log", "--format=%H%x09%(trailers:key=UET-Patch,valueonly,separator=%x09)",
                  "refs/heads/" + branch, "--"});
  if (!log) {
    std::error_code missing;
    if (!fs::is_directory(repo, missing))
      return fail(error_kind::bad_input,
                  "the repository " + repo.string() + " (uet.yaml: repo) does not exist");
    auto exists = git_run(env, repo, {"rev-parse", "--verify", "--quiet", "refs/heads/" + branch});
    if (exists && exists->exit_code == 1)
      return index; // no such branch yet: it holds nothing
    if (exists && exists->exit_code > 1)
      return fail(error_kind::bad_input,
                  "the repository " + repo.string() +
                      " (uet.yaml: repo) is not a git repository: " + chomp(exists->err));
    return log.error().context("cannot read the UET-Patch trailers of " + branch + ": ");
  }
  std::size_t pos = 0;
  while (pos < log->size()) {
    auto nl = log->find('\n', pos);
    auto line = log->substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? log->size() : nl + 1;
    auto tab = line.find('\t');
    if (tab == std::string::npos)
      continue;
    auto sha = line.substr(0, tab);
    std::size_t p = tab + 1;
    while (p < line.size()) {
      auto t = line.find('\t', p);
      auto id = line.substr(p, t == std::string::npos ? std::string::npos : t - p);
      if (!id.empty())
        index[id].push_back(sha);
      p = t == std::string::npos ? line.size() : t + 1;
    }
  }
  return index;
}

expected<integration_tree> integration_tree::open(engine::environment& env,
                                                  const integration_config& cfg,
                                                  std::optional<trailer_index> trailers) {
  integration_tree t(env, cfg);
  const auto& repo = cfg.repo;
  std::error_code missing;
  if (!fs::is_directory(repo, missing))
    return fail(error_kind::bad_input,
                "the repository " + repo.string() + " (uet.yaml: repo) does not exist");
  auto exists =
      git_run(env, repo, {"rev-parse", "--verify", "--quiet", "refs/heads/" + cfg.branch});
  if (!exists)
    return exists.error();
  if (exists->exit_code > 1) // 1: no such branch; 128: not a repository at all
    return fail(error_kind::bad_input,
                "the repository " + repo.string() +
                    " (uet.yaml: repo) is not a git repository: " + chomp(exists->err));
  t.opened_at_ = chomp(exists->out);
  if (exists->exit_code != 0) {
    auto base = git(env, repo, {"rev-parse", "--verify", cfg.base_ref + "^{commit}"});
    if (!base)
      return fail(error_kind::bad_input, "base_ref '" + cfg.base_ref +
                                             "' does not name a commit in " + repo.string() + ": " +
                                             base.message());
    t.opened_at_ = chomp(*base);
    if (auto r = git(env, repo, {"branch", cfg.branch, t.opened_at_}); !r)
      return r.error();
  }
  // Independent reads of the repository, run beside the worktree's setup.
  auto email = std::async(std::launch::async, [&] {
    return git_run(env, repo, {"config", "user.email"});
  });
  auto read = std::async(std::launch::async, [&]() -> expected<trailer_index> {
    if (trailers)
      return std::move(*trailers);
    return read_patch_trailers(env, repo, cfg.branch);
  });

  std::error_code ec;
  // Registered with this repository (not a copy of another clone's .uet)
  // and on the branch: its .git file and HEAD say so (read, no process).
  auto gitdir = git_dir_of(cfg.worktree);
  bool registered = false;
  if (gitdir) {
    auto common = common_dir_of(repo);
    std::error_code other;
    std::ifstream in(*gitdir / "HEAD");
    std::string line;
    registered = common && fs::equivalent(gitdir->parent_path(), *common / "worktrees", other) &&
                 std::getline(in, line) && line == "ref: refs/heads/" + cfg.branch;
    if (!registered)
      if (auto r = git_run(env, repo,
                           {"worktree", "remove", "--force", "--force", cfg.worktree.string()});
          !r)
        return r.error();
  }
  if (!registered) {
    fs::remove_all(cfg.worktree, ec);
    (void)git_run(env, repo, {"worktree", "prune"}); // a failure shows in the add below
    fs::create_directories(cfg.worktree.parent_path(), ec);
    if (auto r = git(env, repo, {"worktree", "add", "--quiet", cfg.worktree.string(), cfg.branch});
        !r)
      return fail(error_kind::git, "cannot check out " + cfg.branch + " at " +
                                       cfg.worktree.string() + ": " + r.message() +
                                       " (is the branch checked out elsewhere?)");
    gitdir = git_dir_of(cfg.worktree);
  }
  // A killed run may leave the worktree's index.lock behind; this ledger is
  // the only writer of the integration worktree, so the lock is stale.
  if (gitdir)
    fs::remove(*gitdir / "index.lock", ec);
  if (auto st = t.reset(); !st)
    return st.error();
  t.expected_head_ = t.opened_at_;
  if (auto e = email.get(); !e || e->exit_code != 0)
    t.identity_ = {"-c", "user.name=uet-actors", "-c", "user.email=uet-actors@localhost"};
  auto idx = read.get();
  if (!idx)
    return idx.error();
  t.index_ = std::move(*idx);
  return t;
}

expected<std::string> integration_tree::head() const {
  // A commit on the branch writes its loose ref file (git's files backend):
  // read it rather than start rev-parse, once per patch.
  if (auto common = common_dir_of(cfg_.repo)) {
    std::ifstream in(*common / "refs" / "heads" / cfg_.branch);
    std::string sha;
    if (std::getline(in, sha) && is_object_id(sha))
      return sha;
  }
  auto r = git(*env_, cfg_.worktree, {"rev-parse", "HEAD"});
  if (!r)
    return r.error();
  return chomp(*r);
}

status integration_tree::reset() {
  if (auto r = git(*env_, cfg_.worktree, {"reset", "--quiet", "--hard", "HEAD"}); !r)
    return r.error();
  if (auto r = git(*env_, cfg_.worktree, {"clean", "-ffdxq"}); !r)
    return r.error();
  return {};
}

apply_result integration_tree::apply(const std::string& diff) {
  apply_result res;
  std::vector<std::string> args = stable_diff_config();
  args.insert(args.end(), {"apply", "--index", "--whitespace=nowarn", "-"});
  auto r = git_run(*env_, cfg_.worktree, args, diff);
  if (!r) {
    res.message = r.message();
    return res;
  }
  if (r->exit_code == 0) {
    res.applied = true;
    return res;
  }
  res.message = chomp(r->err);
  res.conflicts = conflicts_from(r->err);
  if (auto st = reset(); !st) // git apply is all-or-nothing, but leave nothing to chance
    res.message += "; then resetting the tree failed: " + st.message();
  return res;
}

expected<std::string> integration_tree::commit(const std::string& message,
                                               const std::string& patch_id) {
  std::vector<std::string> args = identity_;
  // No automatic maintenance after each commit: it costs a process per
  // commit and, when it does repack, stalls every patch queued behind this
  // one. The user's next git command does it instead.
  args.insert(args.end(), {"-c", "maintenance.auto=false", "-c", "gc.auto=0", "commit", "--quiet",
                           "--no-verify", "--allow-empty-message", "-F", "-"});
  if (auto r = git(*env_, cfg_.worktree, args, message); !r)
    return r.error();
  auto sha = head();
  if (sha) {
    index_[patch_id].push_back(*sha);
    expected_head_ = *sha;
  }
  return sha;
}

expected<std::string> integration_tree::guard_head() {
  auto now = head();
  if (!now)
    return now.error();
  if (*now == expected_head_)
    return std::string();
  const auto ref = "refs/heads/" + cfg_.branch;
  if (auto r = git(*env_, cfg_.repo, {"update-ref", "refs/uet/foreign/" + *now, *now}); !r)
    return fail(error_kind::git,
                "the integration branch was moved to " + *now +
                    " outside the ledger, and keeping that commit failed: " + r.message());
  if (auto r = git(*env_, cfg_.repo,
                   {"update-ref", "-m", "uet-actors: put back after an outside move", ref,
                    expected_head_, *now});
      !r)
    return fail(error_kind::git,
                "the integration branch was moved to " + *now +
                    " outside the ledger, and putting it back failed: " + r.message());
  if (auto st = reset(); !st)
    return st.error();
  return "the integration branch had been moved outside the ledger, to " + *now +
         "; it was put back to " + expected_head_ + " (that commit is kept as refs/uet/foreign/" +
         *now + ")";
}

expected<std::string> integration_tree::index_tree() const {
  auto r = git(*env_, cfg_.worktree, {"write-tree"});
  if (!r)
    return r.error();
  return chomp(*r);
}

status integration_tree::restore_index(const std::string& tree) {
  if (auto r = git(*env_, cfg_.worktree, {"read-tree", "--reset", tree}); !r)
    return r.error();
  return {};
}

std::vector<std::string> integration_tree::commits_of(const std::string& patch_id) const {
  auto it = index_.find(patch_id);
  return it == index_.end() ? std::vector<std::string>{} : it->second;
}

} // namespace uet::ledger
