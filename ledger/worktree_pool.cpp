#include "ledger/worktree_pool.h"

#include <algorithm>

#include "ledger/git.h"

namespace uet::ledger {

namespace fs = std::filesystem;

worktree_pool::worktree_pool(fs::path repo, fs::path root, std::string prefix)
    : repo_(repo), prefix_(std::move(prefix)), spaces_(std::move(repo), std::move(root)) {}

fs::path worktree_pool::lease() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!idle_.empty()) {
    auto wt = std::move(idle_.back());
    idle_.pop_back();
    return wt;
  }
  auto wt = spaces_.root() / (prefix_ + ".wt" + std::to_string(all_.size()));
  all_.push_back(wt);
  return wt;
}

void worktree_pool::give_back(const fs::path& worktree, bool reusable) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!reusable)
    suspect_.push_back(worktree);
  idle_.push_back(worktree);
}

status worktree_pool::prepare(const fs::path& worktree, const std::string& commit) {
  bool suspect = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = std::find(suspect_.begin(), suspect_.end(), worktree);
    if (it != suspect_.end()) {
      suspect_.erase(it);
      suspect = true;
    }
  }
  std::error_code ec;
  if (!suspect && fs::exists(worktree / ".git", ec)) {
    auto reset = git_run(worktree, {"reset", "--hard", "--quiet", commit});
    if (reset && reset->exit_code == 0) {
      auto clean = git_run(worktree, {"clean", "-ffdxq"});
      if (clean && clean->exit_code == 0)
        return {};
    }
    // Not a usable checkout any more: start again from nothing.
  }
  std::lock_guard<std::mutex> lock(create_mutex_);
  auto wt = spaces_.create(worktree.filename().string(), commit);
  if (!wt)
    return wt.error();
  return {};
}

status worktree_pool::remove_all() {
  std::vector<fs::path> all;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    all = all_;
  }
  status result;
  for (const auto& wt : all)
    if (auto st = spaces_.remove(wt); !st && result)
      result = st;
  return result;
}

std::size_t worktree_pool::created() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return all_.size();
}

} // namespace uet::ledger
