#include "ledger/worktree_pool.h"

#include <algorithm>

#include "ledger/git.h"
#include "ledger/worktree_record.h"

namespace uet::ledger {

namespace fs = std::filesystem;

namespace {

/// HEAD of a worktree whose index and files hold commit's tree: detached at
/// commit, written as git writes it (a file, replaced atomically).
status detach_head_at(engine::environment& env, const fs::path& worktree,
                      const std::string& commit) {
  auto dir = git_dir_of(worktree);
  if (!dir)
    return dir.error();
  if (auto stamp = read_stamp(worktree); stamp && stamp->head == commit)
    return {};
  return env.write_file_atomic(*dir / "HEAD", commit + "\n");
}

bool git_ok(engine::environment& env, const fs::path& dir, const std::vector<std::string>& args) {
  auto r = git_run(env, dir, args);
  return r && r->exit_code == 0;
}

} // namespace

worktree_pool::worktree_pool(engine::environment& env, fs::path repo, fs::path root,
                             std::string prefix)
    : env_(&env), repo_(repo), prefix_(std::move(prefix)),
      spaces_(env, std::move(repo), std::move(root)) {}

fs::path worktree_pool::lease(std::uint64_t* id) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++leased_;
  fs::path wt;
  if (!idle_.empty()) {
    auto rank = [this](const fs::path& p) {
      auto it = trees_.find(p);
      auto st = it == trees_.end() ? tree_state::unknown : it->second.state;
      return st == tree_state::clean ? 0 : st == tree_state::cleaning ? 1 : 2;
    };
    auto best = idle_.begin();
    for (auto it = idle_.begin(); it != idle_.end(); ++it)
      if (rank(*it) < rank(*best))
        best = it;
    wt = std::move(*best);
    idle_.erase(best);
  } else {
    wt = spaces_.root() / (prefix_ + ".wt" + std::to_string(all_.size()));
    all_.push_back(wt);
  }
  auto& t = trees_[wt];
  t.leased = true;
  t.lease_id = ++next_lease_id_;
  if (id)
    *id = t.lease_id;
  return wt;
}

status worktree_pool::prepare(const fs::path& worktree, const std::string& commit, std::uint64_t id,
                              std::chrono::milliseconds wait) {
  std::string known;
  bool tracked_dirty = false;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    auto& t = trees_[worktree];
    if (!t.leased || (id != 0 && t.lease_id != id))
      return fail("the worktree " + worktree.string() + " is not leased");
    id = t.lease_id;
    if (!returned_.wait_for(lock, wait, [&] { return t.state != tree_state::cleaning; }))
      return fail("the last attempt in " + worktree.string() + " has not cleared it after " +
                  std::to_string(wait.count()) + " ms");
    if (!t.leased || t.lease_id != id) // released while it waited (its attempt ended)
      return fail("the worktree " + worktree.string() + " is no longer leased");
    if (t.state == tree_state::clean)
      known = t.commit;
    tracked_dirty = t.tracked_dirty;
    t.state = tree_state::unknown; // in use from here: its state is the attempt's
    // Its give-back clears whatever this lease does from here, even if the
    // checkout below fails halfway.
    t.prepared_by = id;
  }
  std::error_code ec;
  if (!known.empty() && fs::exists(worktree / ".git", ec)) {
    // Nothing outside `known`'s tree but, if dirty, changed tracked files:
    // a forced checkout gives exactly `commit` (detached, so that a branch
    // the last tool switched to is left where it is).
    if (known == commit && !tracked_dirty)
      return detach_head_at(*env_, worktree, commit);
    if (force_checkout(*env_, worktree, commit))
      return {};
  }
  if (auto wt = spaces_.create(worktree.filename().string(), commit); !wt)
    return wt.error();
  return {};
}

void worktree_pool::release(const fs::path& worktree, std::uint64_t id) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& t = trees_[worktree];
    if (!t.leased || (id != 0 && t.lease_id != id))
      return; // released already (and perhaps leased again since)
    t.leased = false;
    if (t.prepared_by == t.lease_id)
      t.state = tree_state::cleaning; // until its attempt's give_back has cleared it
    idle_.push_back(worktree);
    --leased_;
  }
  returned_.notify_all();
}

void worktree_pool::give_back(const fs::path& worktree, const std::string& used_at, leftovers left,
                              std::uint64_t id) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& t = trees_[worktree];
    if (id == 0)
      id = t.lease_id; // whoever holds it
    if (id == 0)
      return; // never leased
  }
  release(worktree, id);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& t = trees_[worktree];
    if (t.prepared_by != id)
      return; // this lease never prepared it: nothing of its to clear
    if (used_at.empty()) {
      // Prepared, yet its attempt does not know at which commit: made again.
      t.state = tree_state::unknown;
      t.prepared_by = 0;
    }
  }
  if (used_at.empty()) {
    returned_.notify_all();
    return;
  }
  bool clean = true;
  if (left != leftovers::none && left != leftovers::exact && left != leftovers::index_only)
    // What is outside the index goes now; changed tracked files and staged
    // new ones are undone by the next prepare's checkout, which a moved
    // integration head needs anyway. A gitlink in the index would survive
    // both (its directory is not empty), so when the attempt may have
    // staged one, the index is first set back to the base tree (`--reset`
    // keeps the index's stat data: a plain read-tree drops it and the
    // checkout then reads every file).
    clean = (left != leftovers::unknown ||
             git_ok(*env_, worktree, {"read-tree", "--reset", used_at})) &&
            git_ok(*env_, worktree, {"clean", "-ffdxq"});
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& t = trees_[worktree];
    t.state = clean ? tree_state::clean : tree_state::unknown;
    t.commit = clean ? used_at : "";
    t.tracked_dirty = clean && left != leftovers::untracked_only && left != leftovers::none &&
                      left != leftovers::exact;
    t.prepared_by = 0;
  }
  returned_.notify_all();
}

fs::path worktree_pool::marker_of(const fs::path& worktree) {
  return worktree.parent_path() / (worktree.filename().string() + ".mark");
}

bool worktree_pool::cleaning_any() const {
  for (const auto& [path, t] : trees_)
    if (t.state == tree_state::cleaning)
      return true;
  return false;
}

status worktree_pool::remove_all(std::chrono::milliseconds wait) {
  std::vector<fs::path> all, busy;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    returned_.wait_for(lock, wait, [this] { return leased_ == 0 && !cleaning_any(); });
    // After the wait, a worktree still leased or being cleared is left
    // alone (its attempt still uses it) and reported.
    for (const auto& wt : all_) {
      auto it = trees_.find(wt);
      bool in_use =
          it != trees_.end() && (it->second.leased || it->second.state == tree_state::cleaning);
      (in_use ? busy : all).push_back(wt);
    }
    for (const auto& wt : all) {
      trees_.erase(wt);
      idle_.erase(std::remove(idle_.begin(), idle_.end(), wt), idle_.end());
    }
    all_ = busy;
  }
  // The files and git's record of each, deleted without a git process
  // (worktree_record.h); git's prune only if one was not a worktree.
  bool prune = false;
  for (const auto& wt : all) {
    std::error_code ec;
    fs::remove(marker_of(wt), ec);
    if (forget_worktree(wt))
      continue;
    fs::remove_all(wt, ec);
    if (ec)
      return fail(error_kind::io,
                  "cannot remove the worktree " + wt.string() + ": " + ec.message());
    prune = true;
  }
  if (prune)
    if (auto r = git(*env_, repo_, {"worktree", "prune"}); !r)
      return r.error();
  if (!busy.empty())
    return fail("after " + std::to_string(wait.count()) + " ms, " + std::to_string(busy.size()) +
                " worktree(s) were still in use and were left (the next run removes them), " +
                "the first: " + busy.front().string());
  return {};
}

std::size_t worktree_pool::created() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return all_.size();
}

} // namespace uet::ledger
