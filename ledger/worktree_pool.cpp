#include "ledger/worktree_pool.h"

#include "ledger/git.h"

namespace uet::ledger {

namespace fs = std::filesystem;

namespace {

bool git_ok(const fs::path& dir, const std::vector<std::string>& args) {
  auto r = git_run(dir, args);
  return r && r->exit_code == 0;
}

} // namespace

worktree_pool::worktree_pool(fs::path repo, fs::path root, std::string prefix)
    : repo_(repo), prefix_(std::move(prefix)), spaces_(std::move(repo), std::move(root)) {}

fs::path worktree_pool::lease() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++leased_;
  if (!idle_.empty()) {
    auto wt = std::move(idle_.back());
    idle_.pop_back();
    return wt;
  }
  auto wt = spaces_.root() / (prefix_ + ".wt" + std::to_string(all_.size()));
  all_.push_back(wt);
  return wt;
}

status worktree_pool::prepare(const fs::path& worktree, const std::string& commit) {
  std::string known;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = clean_at_.find(worktree); it != clean_at_.end()) {
      known = it->second;
      clean_at_.erase(it); // in use from here: its state is the attempt's
    }
  }
  std::error_code ec;
  if (!known.empty() && fs::exists(worktree / ".git", ec)) {
    // Clean at `known`: no untracked or ignored file, so a hard reset gives
    // exactly `commit`.
    if (known == commit || git_ok(worktree, {"reset", "--hard", "--quiet", commit}))
      return {};
  }
  std::lock_guard<std::mutex> lock(create_mutex_);
  auto wt = spaces_.create(worktree.filename().string(), commit);
  if (!wt)
    return wt.error();
  return {};
}

void worktree_pool::give_back(const fs::path& worktree, const std::string& used_at) {
  bool clean = false;
  if (!used_at.empty())
    clean = git_ok(worktree, {"reset", "--hard", "--quiet", used_at}) &&
            git_ok(worktree, {"clean", "-ffdxq"});
  std::lock_guard<std::mutex> lock(mutex_);
  if (clean)
    clean_at_[worktree] = used_at;
  // else: never prepared (state unchanged, and unknown unless it was clean
  // before, which a failed prepare cannot leave), or cleanup failed.
  idle_.push_back(worktree);
  --leased_;
  returned_.notify_all();
}

status worktree_pool::remove_all(std::chrono::milliseconds wait) {
  std::vector<fs::path> all;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    returned_.wait_for(lock, wait, [this] { return leased_ == 0; });
    all = all_;
    clean_at_.clear();
  }
  // Deleting the files and pruning git's records once costs one process,
  // where `git worktree remove` would cost one per worktree.
  for (const auto& wt : all) {
    std::error_code ec;
    fs::remove_all(wt, ec);
    if (ec)
      return fail("cannot remove the worktree " + wt.string() + ": " + ec.message());
  }
  if (auto r = git(repo_, {"worktree", "prune"}); !r)
    return r.error();
  return {};
}

std::size_t worktree_pool::created() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return all_.size();
}

} // namespace uet::ledger
