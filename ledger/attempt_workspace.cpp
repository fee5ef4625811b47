#include "ledger/attempt_workspace.h"

#include "ledger/diff.h"
#include "ledger/git.h"
#include "ledger/object_store.h"
#include "ledger/workspace.h"

namespace uet::ledger {

using leftovers = worktree_pool::leftovers;

namespace {

/// The paths a change touches, both sides of a rename.
expected<std::vector<std::string>> paths_of(const std::string& diff) {
  auto files = parse_diff(diff);
  if (!files)
    return files.error();
  std::vector<std::string> out;
  for (const auto& f : *files) {
    if (!f.old_path.empty())
      out.push_back(f.old_path);
    if (!f.new_path.empty())
      out.push_back(f.new_path);
  }
  return out;
}

} // namespace

attempt_workspace::attempt_workspace(engine::environment& env, std::shared_ptr<worktree_pool> pool)
    : env_(&env), pool_(std::move(pool)) {
  path_ = pool_->lease(&lease_);
}

attempt_workspace::~attempt_workspace() {
  // However the attempt ended (done, crashed, cancelled), the lease ends and
  // what it left is cleared, here on the attempt's own thread.
  if (!exact_at_.empty())
    pool_->give_back(path_, exact_at_, leftovers::exact, lease_);
  else if (left_ == leftovers::unknown)
    // The index may hold anything, a gitlink the tool staged included: set
    // back to the edit's base (which lacks it), it can be cleaned.
    pool_->give_back(path_, base_at_, left_, lease_);
  else // exact, but on no known commit: all in the index, nothing to clean
    pool_->give_back(path_, prepared_at_, left_ == leftovers::exact ? leftovers::index_only : left_,
                     lease_);
}

std::function<void()> attempt_workspace::early_release() const {
  return [pool = pool_, path = path_, id = lease_] { pool->release(path, id); };
}

std::optional<tree_snapshot> attempt_workspace::snapshot() {
  if (!pool_->snapshots_useful())
    return std::nullopt;
  auto s = take_snapshot(path_, worktree_pool::marker_of(path_));
  if (s && s->too_big)
    pool_->snapshots_too_big(); // git alone decides from now on
  if (!s || s->too_big)
    return std::nullopt;
  return std::move(*s);
}

status attempt_workspace::prepare(const std::string& base_commit) {
  if (auto st = pool_->prepare(path_, base_commit, lease_); !st)
    return st.error().context("cannot prepare the worktree: ");
  prepared_at_ = base_commit;
  if (base_at_.empty())
    base_at_ = base_commit;
  pristine_ = snapshot();
  exact_at_.clear(); // the tool runs next: what it does, capture() says
  return {};
}

expected<captured_change> attempt_workspace::capture(const admission_rules* rules) {
  if (pristine_ && pristine_->stamp.head == prepared_at_ && untouched_since(*pristine_, path_)) {
    left_ = leftovers::none; // no git process: nothing to capture or clear
    exact_at_ = prepared_at_;
    return captured_change{};
  }
  auto diff = workspaces::capture_change(*env_, path_, prepared_at_,
                                         pristine_ ? &pristine_->stamp : nullptr, rules);
  exact_at_.clear(); // the change is in the worktree now; ready_to_test says on which commit
  if (!diff && diff.error().kind == error_kind::refused)
    return diff.error();
  if (!diff)
    return diff.error().context("cannot capture the change: ");
  if (diff->empty()) {
    auto now = read_stamp(path_);
    if (now && now->head == prepared_at_)
      left_ = leftovers::untracked_only;
  } else if (!diff->file.empty()) {
    // Left as a file (too big to read here): what it leaves is not known
    // without reading it, so the give-back clears everything.
  } else if (!has_gitlink(diff->text)) {
    // Every change is staged and none is a nested repository's gitlink,
    // which a checkout could not remove.
    left_ = leftovers::staged;
    // And, if the tool touched no file but its change's, nothing is
    // outside the index either.
    auto paths = paths_of(diff->text);
    if (pristine_ && paths && changed_only(*pristine_, path_, *paths))
      left_ = leftovers::exact;
  }
  return diff;
}

std::string attempt_workspace::result_tree() const {
  if (left_ != leftovers::staged && left_ != leftovers::exact)
    return {};
  auto dir = git_dir_of(path_);
  auto store = dir ? object_store::open(path_) : expected<object_store>(dir.error());
  auto tree = store ? store->write_tree(*dir / "index") : expected<std::string>(store.error());
  return tree ? *tree : std::string();
}

void attempt_workspace::holds(const std::string& commit) {
  if (left_ == leftovers::exact)
    exact_at_ = commit;
}

status attempt_workspace::ready_to_test(const std::string& commit, bool holds_it) {
  if (prepared_at_.empty()) { // no edit ran here (a resumed patch)
    tested_at_ = commit;
    auto st = prepare(commit);
    if (st && pristine_) {
      left_ = leftovers::exact;
      exact_at_ = commit;
    }
    return st;
  }
  if (tested_at_ == commit)
    return {}; // its runtime checks after its static ones: what they left stays
  tested_at_ = commit;
  if (exact_at_ == commit)
    return {}; // the index and every file are commit's, nothing else is here
  pristine_.reset();
  exact_at_.clear();
  auto fail_with = [&](const failure& f, const char* what) -> status {
    left_ = leftovers::unknown;
    return f.context(what);
  };
  if (!holds_it) {
    // The tool's change is staged, an earlier test's output may lie
    // around: the checkout gives exactly commit's tracked files.
    if (auto r = force_checkout(*env_, path_, commit); !r)
      return fail_with(r.error(), "cannot check out the patch's future tree: ");
    prepared_at_ = commit;
  }
  // What lies outside the index (the tool's ignored files, a nested
  // repository it made, an earlier test's output) must not reach the test:
  // it would pass on files no commit holds. Nothing to clean when the
  // snapshots showed the tool touched only its change's files.
  if (left_ != leftovers::exact)
    if (auto r = git(*env_, path_, {"clean", "-ffdxq"}); !r)
      return fail_with(r.error(), "cannot clean the worktree for its test: ");
  // Exactly commit's tree now, unless a gitlink was staged: a nested
  // repository's files are not the commit's, and only the give-back's
  // read-tree at the base can clear them.
  if (left_ != leftovers::unknown) {
    left_ = leftovers::exact;
    exact_at_ = commit;
  }
  return {};
}

void attempt_workspace::commands_starting() {
  before_commands_ = exact_at_.empty() ? std::nullopt : snapshot();
  if (!before_commands_) {
    auto stamp = read_stamp(path_);
    if (stamp) {
      tree_snapshot only_stamp;
      only_stamp.stamp = *stamp;
      before_commands_ = std::move(only_stamp); // untrusted: the stamp alone
    }
  }
}

void attempt_workspace::commands_ran() {
  auto now = read_stamp(path_);
  bool index_untouched = before_commands_ && now && *now == before_commands_->stamp;
  if (!index_untouched)
    left_ = leftovers::unknown;
  // Exact still only if the commands changed nothing at all.
  if (!exact_at_.empty() && !(before_commands_ && untouched_since(*before_commands_, path_))) {
    exact_at_.clear();
    if (left_ == leftovers::exact)
      left_ = leftovers::staged;
  }
  before_commands_.reset();
}

} // namespace uet::ledger
