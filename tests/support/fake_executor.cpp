#include "tests/support/fake_executor.h"

#include <caf/all.hpp>

namespace uet::test {

namespace {

struct scripted_state {
  caf::typed_response_promise<msg::edit_result> hanging; ///< a hanging tool's edit
  static inline const char* name = "scripted-adapter";
};

using scripted_ptr = msg::adapter_actor::stateful_pointer<scripted_state>;

msg::adapter_actor::behavior_type scripted_adapter(scripted_ptr self, fake_attempt a) {
  return {
      [=](const msg::edit_request&) -> caf::typed_response_promise<msg::edit_result> {
        auto rp = self->make_response_promise<msg::edit_result>();
        msg::edit_result r;
        r.worktree_ok = r.started = true;
        r.exit_code = a.exit_code;
        r.description = "exit code " + std::to_string(a.exit_code);
        r.diff = a.exit_code == 0 ? a.diff : "";
        if (a.hangs)
          self->state.hanging = rp;
        else
          rp.deliver(r);
        return rp;
      },
      [=](const msg::check_request&) {
        return msg::check_result{true, 0, "", "", false};
      },
      [=](msg::cancel_atom) {
        if (!self->state.hanging.pending())
          return;
        msg::edit_result r;
        r.worktree_ok = r.started = r.cancelled = true;
        r.signal = 15;
        self->state.hanging.deliver(r);
      },
  };
}

struct committing_state {
  std::uint64_t commits = 0;
  static inline const char* name = "committing-ledger";
};

msg::ledger_actor::behavior_type
committing_ledger(msg::ledger_actor::stateful_pointer<committing_state> self) {
  return {
      [=](const msg::patch_request&) {
        msg::patch_verdict v;
        v.final_state = patch_state::committed;
        v.head_seq = ++self->state.commits;
        v.commit_sha = "c" + std::to_string(v.head_seq);
        return v;
      },
      [=](msg::cancel_atom) {},
  };
}

} // namespace

expected<actors::attempt_handle> fake_executor::start(caf::local_actor& parent,
                                                      const actors::attempt_ticket& t) {
  fake_attempt a;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& runs = started_[t.workstream_id];
    runs.push_back(t.attempt);
    const auto& script = script_[t.workstream_id];
    if (!script.empty())
      a = script[std::min(runs.size(), script.size()) - 1];
  }
  actors::attempt_handle h;
  h.adapter = parent.spawn<caf::linked>(scripted_adapter, a);
  return h;
}

std::map<std::string, std::vector<int>> fake_executor::started() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return started_;
}

msg::ledger_actor spawn_committing_ledger(caf::actor_system& sys) {
  return sys.spawn(committing_ledger);
}

} // namespace uet::test
