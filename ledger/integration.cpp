#include "ledger/integration.h"

#include <fstream>
#include <future>

#include <spdlog/spdlog.h>

#include "ledger/base_follow.h"
#include "ledger/git.h"
#include "ledger/object_store.h"
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
                           const std::string& run_id, const std::string& patch_id,
                           const std::string& input) {
  std::string subject = "uet: " + workstream_id;
  if (!title.empty()) {
    auto first_line = title.substr(0, title.find('\n'));
    subject += " " + first_line;
  }
  auto message = subject + "\n\nUET-Run: " + run_id + "\nUET-Patch: " + patch_id + "\n";
  if (!input.empty())
    message += "UET-Workstream: " + workstream_id + "\nUET-Input: " + input + "\n";
  return message;
}

expected<std::optional<std::string>> existing_branch(engine::environment& env, const fs::path& repo,
                                                     const std::string& branch) {
  std::error_code missing;
  if (!fs::is_directory(repo, missing))
    return fail(error_kind::bad_input,
                "the repository " + repo.string() + " (uet.yaml: repo) does not exist");
  if (!env.sees_every_git_call())
    if (auto known = branch_commit(repo, branch))
      return known->empty() ? std::optional<std::string>() : std::optional<std::string>(*known);
  auto r = git_run(env, repo, {"rev-parse", "--verify", "--quiet", "refs/heads/" + branch});
  if (!r)
    return r.error();
  if (r->exit_code > 1) // 1: no such branch; 128: not a repository at all
    return fail(error_kind::bad_input,
                "the repository " + repo.string() +
                    " (uet.yaml: repo) is not a git repository: " + chomp(r->err));
  if (r->exit_code == 1)
    return std::optional<std::string>();
  return std::optional<std::string>(chomp(r->out));
}

expected<trailer_index> read_patch_trailers(engine::environment& env, const fs::path& repo,
                                            const std::string& branch) {
  trailer_index index;
  if (!env.sees_every_git_call())
    if (auto known = branch_commit(repo, branch); known && known->empty())
      return index; // no such branch yet: it holds nothing
  auto log = git(env, repo,
                 {"log", "--format=%H%x09%(trailers:key=UET-Patch,valueonly,separator=%x09)",
                  "refs/heads/" + branch, "--"});
  if (!log) {
    auto head = existing_branch(env, repo, branch);
    if (head && !*head)
      return index; // no such branch yet: it holds nothing
    if (!head && head.error().kind == error_kind::bad_input)
      return head.error();
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

std::optional<fs::path> checked_out_elsewhere(const fs::path& repo, const std::string& branch,
                                              const fs::path& ours) {
  auto common = common_dir_of(repo);
  if (!common)
    return std::nullopt;
  const std::string on_branch = "ref: refs/heads/" + branch;
  // The main worktree, when the repository has one (not bare).
  if (common->filename() == ".git" && first_line(*common / "HEAD") == on_branch)
    return common->parent_path();
  auto records = list_worktree_records(repo);
  if (!records)
    return std::nullopt;
  std::error_code ec;
  for (const auto& r : *records)
    if (r.present && !fs::equivalent(r.worktree, ours, ec) &&
        first_line(r.admin_dir / "HEAD") == on_branch)
      return r.worktree;
  return std::nullopt;
}

namespace {

struct branch_at {
  std::string head;
  bool created = false; // just made at base_ref's commit: nothing to follow
};

/// The branch's head, creating the branch at base_ref first if needed.
expected<branch_at> branch_head(engine::environment& env, const integration_config& cfg) {
  const auto& repo = cfg.repo;
  auto head = existing_branch(env, repo, cfg.branch);
  if (!head)
    return head.error();
  if (*head)
    return branch_at{**head, false};
  auto base = base_commit(env, repo, cfg.base_ref);
  if (!base)
    return base.error();
  // In-process where libgit2 makes the same branch; git says why it cannot.
  if (env.sees_every_git_call() || !create_branch(repo, cfg.branch, *base))
    if (auto r = git(env, repo, {"branch", cfg.branch, *base}); !r)
      return r.error();
  return branch_at{*base, true};
}

/// The ledger's worktree, registered with this repository (not a copy of
/// another clone's .uet) and detached; one an older version left on the
/// branch is detached in place. Returns its private git directory; `made`
/// says it was just added, a clean checkout of head.
expected<fs::path> detached_worktree(engine::environment& env, const integration_config& cfg,
                                     const std::string& head, bool& made) {
  made = false;
  const auto& repo = cfg.repo;
  std::error_code ec;
  auto gitdir = git_dir_of(cfg.worktree);
  if (gitdir) {
    auto common = common_dir_of(repo);
    if (common && fs::equivalent(gitdir->parent_path(), *common / "worktrees", ec)) {
      if (first_line(*gitdir / "HEAD").rfind("ref: ", 0) == 0)
        if (auto r = git(env, cfg.worktree, {"checkout", "--quiet", "--detach"}); !r)
          return r.error();
      return *gitdir;
    }
    if (auto r =
            git_run(env, repo, {"worktree", "remove", "--force", "--force", cfg.worktree.string()});
        !r)
      return r.error();
  }
  fs::remove_all(cfg.worktree, ec);
  (void)git_run(env, repo, {"worktree", "prune"}); // a failure shows in the add below
  // As a worker's worktree is made: registered and checked out without a
  // process where that is safe, `git worktree add` otherwise.
  workspaces spaces(env, repo, cfg.worktree.parent_path());
  if (auto r = spaces.create(cfg.worktree.filename().string(), head); !r)
    return fail(error_kind::git, "cannot make the integration worktree at " +
                                     cfg.worktree.string() + ": " + r.message());
  made = true;
  return git_dir_of(cfg.worktree);
}

} // namespace

expected<integration_tree> integration_tree::open(engine::environment& env,
                                                  const integration_config& cfg,
                                                  std::optional<trailer_index> trailers) {
  auto at = branch_head(env, cfg);
  if (!at)
    return at.error();
  std::string head = at->head;
  auto store = object_store::open(cfg.repo);
  if (!store)
    return store.error();
  // We hold the run's lock: a branch lock a killed run left is stale.
  if (store->clear_stale_lock("refs/heads/" + cfg.branch, std::chrono::seconds(5)))
    spdlog::warn("removed a stale lock of the branch {} (a killed run left it)", cfg.branch);
  integration_tree t(env, cfg, std::move(*store));
  t.opened_at_ = t.expected_head_ = head;
  if (auto where = checked_out_elsewhere(cfg.repo, cfg.branch, cfg.worktree))
    return fail(error_kind::bad_input,
                "the integration branch " + cfg.branch + " is checked out in " + where->string() +
                    ": the run would move it under you; switch that worktree to another branch "
                    "first (git -C " +
                    where->string() + " switch --detach)");
  if (cfg.follow_base && !at->created) {
    auto moved = follow_base(env, cfg.repo, cfg.branch, cfg.base_ref, head);
    if (!moved)
      return moved.error();
    if (*moved) {
      head = (*moved)->to;
      t.opened_at_ = t.expected_head_ = head;
      t.followed_ = std::move(*moved);
    }
  }
  // Who commits, and the branch's history, read beside the worktree's setup
  // (libgit2 would read the identity too, but not GIT_CONFIG_GLOBAL and the
  // other variables git honours).
  auto identity = std::async(std::launch::async, [&] {
    return git_run(env, cfg.repo, {"config", "--get-regexp", "^user\\.(name|email)$"});
  });
  auto read = std::async(std::launch::async, [&]() -> expected<trailer_index> {
    if (trailers)
      return std::move(*trailers);
    return read_patch_trailers(env, cfg.repo, cfg.branch);
  });
  bool made = false;
  auto gitdir = detached_worktree(env, cfg, head, made);
  if (!gitdir)
    return gitdir.error();
  // A killed run may leave the worktree's index.lock behind; this ledger is
  // the only writer of the integration worktree, so the lock is stale.
  std::error_code ec;
  fs::remove(*gitdir / "index.lock", ec);
  t.speculation_index_ = *gitdir / "uet-speculation-index";
  if (!made) // a clean checkout of the branch head (a new worktree is one)
    if (auto st = t.check_out(head); !st)
      return st.error();
  if (auto who = identity.get(); who && who->exit_code == 0) {
    std::string name, email;
    std::size_t pos = 0;
    while (pos < who->out.size()) {
      auto nl = who->out.find('\n', pos);
      auto line = who->out.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
      pos = nl == std::string::npos ? who->out.size() : nl + 1;
      if (line.rfind("user.name ", 0) == 0)
        name = line.substr(10);
      else if (line.rfind("user.email ", 0) == 0)
        email = line.substr(11);
    }
    if (!email.empty()) // as before libgit2: no email, the ledger's own identity
      t.store_->set_identity(name.empty() ? "uet-actors" : name, email);
  }
  auto idx = read.get();
  if (!idx)
    return idx.error();
  t.index_ = std::move(*idx);
  return t;
}

expected<std::string> integration_tree::head() const {
  // Moving the branch writes its loose ref file (git's files backend): read
  // it rather than start rev-parse, once per patch.
  if (auto common = common_dir_of(cfg_.repo)) {
    std::ifstream in(*common / "refs" / "heads" / cfg_.branch);
    std::string sha;
    if (std::getline(in, sha) && is_object_id(sha))
      return sha;
  }
  auto r = git(*env_, cfg_.repo, {"rev-parse", "--verify", "refs/heads/" + cfg_.branch});
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

status integration_tree::check_out(const std::string& commit) {
  if (auto st = force_checkout(*env_, cfg_.worktree, commit); !st)
    return st;
  if (auto r = git(*env_, cfg_.worktree, {"clean", "-ffdxq"}); !r)
    return r.error();
  return {};
}

std::map<std::string, std::string> integration_tree::speculation_env() const {
  return {{"GIT_INDEX_FILE", speculation_index_.string()}};
}

status integration_tree::reset_speculation(const std::string& commit) {
  return store_->read_tree(commit, speculation_index_);
}

expected<spec_commit>
integration_tree::speculate(const std::string& parent, const std::string& diff,
                            const std::string& message, apply_result& conflict,
                            const std::string& patch_id, const std::filesystem::path& diff_file,
                            const patch_origin* origin) {
  if (origin && !origin->result_tree.empty() && !env_->sees_every_git_call())
    if (auto tree = store_->graft(origin->base, origin->result_tree, parent, origin->paths,
                                  origin->written, speculation_index_)) {
      conflict = apply_result{true, {}, ""};
      auto commit = store_->commit(*tree, parent, message);
      if (!commit)
        return commit.error();
      return spec_commit{*commit, parent, *tree};
    }
  std::vector<std::string> args = stable_diff_config();
  args.insert(args.end(), {"apply", "--cached", "--whitespace=nowarn", "--"});
  std::optional<std::string> stdin_data;
  if (diff_file.empty()) {
    args.push_back("-");
    stdin_data = diff;
  } else {
    args.push_back(diff_file.string());
  }
  auto r = git_run(*env_, cfg_.worktree, args, stdin_data, speculation_env(), apply_tag(patch_id));
  if (!r)
    return r.error();
  if (r->exit_code > 1) // not "does not apply": git itself failed
    return fail(error_kind::git, "git apply --cached failed with exit code " +
                                     std::to_string(r->exit_code) + ": " + chomp(r->err));
  if (r->exit_code != 0) {
    conflict.applied = false;
    conflict.message = chomp(r->err);
    conflict.conflicts = conflicts_from(r->err);
    return spec_commit{};
  }
  conflict = apply_result{true, {}, ""};
  auto tree = store_->write_tree(speculation_index_);
  if (!tree)
    return tree.error();
  auto commit = store_->commit(*tree, parent, message);
  if (!commit)
    return commit.error();
  return spec_commit{*commit, parent, *tree};
}

status integration_tree::land(const std::string& commit, const std::string& patch_id) {
  if (auto st = store_->move_ref("refs/heads/" + cfg_.branch, commit, expected_head_,
                                 "uet-actors: " + patch_id);
      !st)
    return st;
  index_[patch_id].push_back(commit);
  expected_head_ = commit;
  return {};
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
  return "the integration branch had been moved outside the ledger, to " + *now +
         "; it was put back to " + expected_head_ + " (that commit is kept as refs/uet/foreign/" +
         *now + ")";
}

std::vector<std::string> integration_tree::commits_of(const std::string& patch_id) const {
  auto it = index_.find(patch_id);
  return it == index_.end() ? std::vector<std::string>{} : it->second;
}

} // namespace uet::ledger
