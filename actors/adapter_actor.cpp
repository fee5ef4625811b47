#include "actors/adapter_actor.h"

#include <caf/all.hpp>

#include "engine/acceptance.h"
#include "engine/subprocess.h"
#include "ledger/tree_snapshot.h"
#include "ledger/workspace.h"

namespace uet::actors {

namespace {

struct adapter_state {
  std::shared_ptr<const run_context> ctx;
  std::filesystem::path worktree;
  std::uint64_t lease_id = 0;
  std::string prepared_at; ///< the base commit, once the worktree is a checkout of it
  std::optional<ledger::tree_snapshot> pristine; ///< the tree just after prepare
  ledger::worktree_pool::leftovers left = ledger::worktree_pool::leftovers::unknown;
  ~adapter_state() {
    // However the actor exits (done, crashed, cancelled), the lease ends and
    // the attempt's changes are cleared, here on the actor's own thread: the
    // workstream has reported already, so this is off the run's path.
    if (ctx && ctx->worktrees)
      ctx->worktrees->give_back(worktree, prepared_at, left, lease_id);
  }
  static inline const char* name = "adapter";
};

using adapter_ptr = msg::adapter_actor::stateful_pointer<adapter_state>;

msg::edit_result run_edit(adapter_state& st, const msg::edit_request& r) {
  msg::edit_result res;
  if (auto wt = st.ctx->worktrees->prepare(st.worktree, r.base_commit, st.lease_id); !wt) {
    res.error = "cannot prepare the worktree: " + wt.message();
    return res;
  }
  st.prepared_at = r.base_commit;
  auto& pool = *st.ctx->worktrees;
  if (pool.snapshots_useful()) {
    auto s = ledger::take_snapshot(st.worktree, ledger::worktree_pool::marker_of(st.worktree));
    if (s && s->too_big)
      pool.snapshots_too_big(); // git alone decides from now on
    else if (s)
      st.pristine = std::move(*s);
  }
  res.worktree_ok = true;
  engine::process_request p;
  p.argv = r.argv;
  p.cwd = st.worktree;
  p.env.insert(r.env.begin(), r.env.end());
  p.timeout = std::chrono::milliseconds(r.timeout_ms);
  p.output_file = r.log_path;
  p.max_output_bytes = static_cast<std::size_t>(r.max_output_bytes);
  p.cancel = &st.ctx->cancel;
  if (!r.log_path.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(r.log_path).parent_path(), ec);
  }
  auto pr = engine::run_process(p);
  res.started = pr.started;
  res.exit_code = pr.exit_code;
  res.signal = pr.signal;
  res.timed_out = pr.timed_out;
  res.cancelled = pr.cancelled;
  res.elapsed_ms = pr.elapsed.count();
  res.description = pr.describe();
  if (!pr.ok())
    return res;
  using leftovers = ledger::worktree_pool::leftovers;
  if (st.pristine && st.pristine->stamp.head == r.base_commit &&
      ledger::untouched_since(*st.pristine, st.worktree)) {
    st.left = leftovers::none; // no git process: nothing to capture or clear
    return res;
  }
  auto diff = ledger::workspaces::capture_diff(st.worktree, r.base_commit,
                                               st.pristine ? &st.pristine->stamp : nullptr);
  if (!diff) {
    res.error = "cannot capture the change: " + diff.message();
    return res;
  }
  res.diff = std::move(*diff);
  if (res.diff.empty()) {
    auto now = ledger::read_stamp(st.worktree);
    if (now && now->head == r.base_commit)
      st.left = leftovers::untracked_only;
  } else if (res.diff.find("160000") == std::string::npos) {
    // Every change is staged and none is a nested repository's gitlink
    // (mode 160000; a false match only costs a read-tree).
    st.left = leftovers::staged;
  }
  return res;
}

msg::adapter_actor::behavior_type adapter_behavior(adapter_ptr self,
                                                   std::shared_ptr<const run_context> ctx,
                                                   std::filesystem::path worktree,
                                                   std::uint64_t lease_id) {
  self->state.ctx = ctx;
  self->state.worktree = worktree;
  self->state.lease_id = lease_id;
  return {
      [=](const msg::edit_request& r) { return run_edit(self->state, r); },
      [=](const msg::check_request& r) {
        // Acceptance commands may leave anything, a staged nested repository
        // included: the full cleanup then.
        self->state.left = ledger::worktree_pool::leftovers::unknown;
        engine::acceptance_request req{r.commands, self->state.worktree, r.log_path,
                                       std::chrono::milliseconds(r.timeout_ms), r.env};
        req.cancel = &self->state.ctx->cancel;
        auto a = engine::run_acceptance(req);
        return msg::check_result{a.passed, a.exit_code, a.failed_command, a.reason};
      },
  };
}

} // namespace

msg::adapter_actor spawn_adapter(caf::actor_system& sys, std::shared_ptr<const run_context> ctx,
                                 std::filesystem::path worktree, std::uint64_t lease_id) {
  return sys.spawn<caf::detached>(adapter_behavior, std::move(ctx), std::move(worktree), lease_id);
}

} // namespace uet::actors
