#include "actors/executor.h"

#include "actors/adapter_actor.h"
#include "ledger/attempt_workspace.h"
#include "ledger/worktree_pool.h"

namespace uet::actors {

namespace {

class local_executor final : public executor {
public:
  local_executor(engine::environment& env, std::shared_ptr<ledger::worktree_pool> pool,
                 std::shared_ptr<ledger::git_dir_guard> guard)
      : env_(env), pool_(std::move(pool)), guard_(std::move(guard)) {}

  expected<attempt_handle> start(caf::local_actor& parent, const attempt_ticket&) override {
    auto workspace = std::make_shared<ledger::attempt_workspace>(env_, pool_);
    attempt_handle h;
    h.workspace = workspace->path();
    h.release = workspace->early_release();
    h.adapter = spawn_local_adapter(parent, env_, std::move(workspace), guard_);
    return h;
  }

private:
  engine::environment& env_;
  std::shared_ptr<ledger::worktree_pool> pool_;
  std::shared_ptr<ledger::git_dir_guard> guard_;
};

class dry_run_executor final : public executor {
public:
  std::optional<std::string> runs_nothing() const override { return "dry run"; }
  expected<attempt_handle> start(caf::local_actor&, const attempt_ticket&) override {
    return fail("a dry run starts no attempt");
  }
};

} // namespace

std::shared_ptr<executor> make_local_executor(engine::environment& env,
                                              std::shared_ptr<ledger::worktree_pool> pool,
                                              std::shared_ptr<ledger::git_dir_guard> guard) {
  return std::make_shared<local_executor>(env, std::move(pool), std::move(guard));
}

std::shared_ptr<executor> make_dry_run_executor() {
  return std::make_shared<dry_run_executor>();
}

} // namespace uet::actors
