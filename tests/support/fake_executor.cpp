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
  std::map<std::string, caf::strong_actor_ptr> senders;
  static inline const char* name = "committing-ledger";
};

/// The gate without git: each patch is tested on "s<patch id>" and lands
/// when its test passes.
msg::ledger_actor::behavior_type
committing_ledger(msg::ledger_actor::stateful_pointer<committing_state> self,
                  std::string /*name*/) {
  return {
      [=](const msg::patch_request& r) {
        auto to = caf::actor_cast<msg::workstream_actor>(self->current_sender());
        self->state.senders[r.patch_id] = self->current_sender();
        msg::patch_news n;
        n.patch_id = r.patch_id;
        n.kind = gate_news_kind::test;
        n.commit = "s" + r.patch_id;
        n.epoch = 1;
        self->send(to, n);
      },
      [=](const msg::patch_tested& t) {
        auto to = caf::actor_cast<msg::workstream_actor>(self->state.senders[t.patch_id]);
        msg::patch_news n;
        n.patch_id = t.patch_id;
        n.kind = t.passed ? gate_news_kind::committed : gate_news_kind::failed;
        n.reason = t.reason;
        if (t.passed) {
          n.head_seq = ++self->state.commits;
          n.commit = "c" + std::to_string(n.head_seq);
        }
        self->send(to, n);
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
  // One argument at least: CAF 0.17.6 binds a reference to a null
  // shared_ptr<tuple<>> when an actor is spawned with none (UBSan says so).
  return sys.spawn(committing_ledger, std::string("committing-ledger"));
}

} // namespace uet::test
