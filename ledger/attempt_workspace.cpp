#include "ledger/attempt_workspace.h"

#include "ledger/diff.h"
#include "ledger/git.h"
#include "ledger/workspace.h"

namespace uet::ledger {

using leftovers = worktree_pool::leftovers;

attempt_workspace::attempt_workspace(engine::environment& env, std::shared_ptr<worktree_pool> pool)
    : env_(&env), pool_(std::move(pool)) {
  path_ = pool_->lease(&lease_);
}

attempt_workspace::~attempt_workspace() {
  // However the attempt ended (done, crashed, cancelled), the lease ends and
  // what it left is cleared, here on the attempt's own thread.
  pool_->give_back(path_, prepared_at_, left_, lease_);
}

std::function<void()> attempt_workspace::early_release() const {
  return [pool = pool_, path = path_, id = lease_] { pool->release(path, id); };
}

status attempt_workspace::prepare(const std::string& base_commit) {
  if (auto st = pool_->prepare(path_, base_commit, lease_); !st)
    return st.error().context("cannot prepare the worktree: ");
  prepared_at_ = base_commit;
  if (pool_->snapshots_useful()) {
    auto s = take_snapshot(path_, worktree_pool::marker_of(path_));
    if (s && s->too_big)
      pool_->snapshots_too_big(); // git alone decides from now on
    else if (s)
      pristine_ = std::move(*s);
  }
  return {};
}

status attempt_workspace::check_out(const std::string& commit) {
  if (prepared_at_.empty()) { // no edit ran here (a resumed patch)
    auto st = prepare(commit);
    if (st)
      left_ = leftovers::staged; // see below
    return st;
  }
  // The tool's change is staged, acceptance output may lie around: a
  // forced, detached checkout gives exactly commit's tracked files (hooks
  // off, as for the pool's own checkouts).
  auto r =
      git(*env_, path_,
          {"-c", "core.hooksPath=/dev/null", "checkout", "--quiet", "--force", "--detach", commit});
  pristine_.reset();
  if (!r) {
    left_ = leftovers::unknown;
    return r.error().context("cannot check out the patch's future tree: ");
  }
  // The index is exactly commit's tree: what is left beyond it is outside
  // the index (cleared at the give-back) or in tracked files (restored by
  // the next prepare's checkout).
  left_ = leftovers::staged;
  prepared_at_ = commit;
  return {};
}

void attempt_workspace::commands_starting() {
  auto stamp = read_stamp(path_);
  before_commands_ = stamp ? std::optional<worktree_stamp>(*stamp) : std::nullopt;
}

void attempt_workspace::commands_ran() {
  auto now = read_stamp(path_);
  if (!(before_commands_ && now && *now == *before_commands_))
    left_ = leftovers::unknown;
  before_commands_.reset();
}

expected<std::string> attempt_workspace::capture() {
  if (pristine_ && pristine_->stamp.head == prepared_at_ && untouched_since(*pristine_, path_)) {
    left_ = leftovers::none; // no git process: nothing to capture or clear
    return std::string();
  }
  auto diff =
      workspaces::capture_diff(*env_, path_, prepared_at_, pristine_ ? &pristine_->stamp : nullptr);
  if (!diff)
    return diff.error().context("cannot capture the change: ");
  if (diff->empty()) {
    auto now = read_stamp(path_);
    if (now && now->head == prepared_at_)
      left_ = leftovers::untracked_only;
  } else if (!has_gitlink(*diff)) {
    // Every change is staged and none is a nested repository's gitlink,
    // which a checkout could not remove.
    left_ = leftovers::staged;
  }
  return diff;
}

} // namespace uet::ledger
