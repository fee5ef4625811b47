// The ledger's faults of `--inject`, put in at the environment seam: its git
// processes (git:fail: one exits 128 as git does on a fatal error) and the
// `git apply` that puts a patch on its future tree (patch:conflict: it does
// not apply, as when the integration head moved under it). Everything else
// goes through to the real environment.
#pragma once

#include <atomic>
#include <memory>

#include "engine/environment.h"
#include "engine/fault_plan.h"

namespace uet::ledger {

class fault_environment final : public engine::environment_wrapper {
public:
  fault_environment(engine::environment& target, std::shared_ptr<engine::fault_injector> faults)
      : environment_wrapper(target), faults_(std::move(faults)) {}

  /// Faults fall only after this: the ledger's opening (branch, worktree)
  /// is the run's start, not a step a fault policy could answer.
  void arm() { armed_ = true; }

  engine::process_result run_process(const engine::process_request& req) override;
  /// Once armed, its faults fall on git processes: no in-process shortcut.
  bool sees_every_git_call() override {
    return armed_ || environment_wrapper::sees_every_git_call();
  }

private:
  std::shared_ptr<engine::fault_injector> faults_;
  std::atomic<bool> armed_{false};
};

} // namespace uet::ledger
