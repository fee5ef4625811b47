#include "actors/ledger_actor.h"

#include <nlohmann/json.hpp>

#include <caf/all.hpp>

#include "actors/events.h"
#include "base/clock.h"

namespace uet::actors {

namespace {

struct ledger_state {
  ledger_setup setup;
  std::uint64_t commits = 0; ///< made by this run: patch_verdict::head_seq
  static inline const char* name = "patch-ledger";
};

ledger::patch_submission to_submission(const msg::patch_request& r,
                                       const std::atomic<bool>* cancel) {
  ledger::patch_submission s;
  s.cancel = cancel;
  s.run_id = r.run_id;
  s.workstream_id = r.workstream_id;
  s.title = r.title;
  s.patch_id = r.patch_id;
  s.attempt = r.attempt;
  s.diff = r.diff;
  s.allowed_paths = r.allowed_paths;
  s.verify_commands = r.verify_commands;
  s.verify_timeout = std::chrono::milliseconds(r.verify_timeout_ms);
  s.verify_log = r.verify_log;
  s.env = r.env;
  return s;
}

msg::patch_verdict to_verdict(const ledger::patch_outcome& o) {
  msg::patch_verdict v;
  v.empty = o.empty;
  v.final_state = o.empty ? "" : ledger::to_string(o.final_state);
  v.commit_sha = o.commit_sha;
  v.already_committed = o.already_committed;
  v.interrupted = o.interrupted;
  v.reason = o.reason;
  v.details = o.details;
  return v;
}

using ledger_ptr = msg::ledger_actor::stateful_pointer<ledger_state>;

msg::ledger_actor::behavior_type ledger_behavior(ledger_ptr self, ledger_setup setup,
                                                 msg::persistence_actor db) {
  self->state.setup = std::move(setup);
  // Every state change goes to the database before the next step starts
  // (the persistence actor preserves this order).
  self->state.setup.pipeline->on_transition([self, db](const ledger::patch_submission& s,
                                                       const ledger::patch_transition& t) {
    if (t.state == ledger::patch_state::created) {
      self->send(db, persistence::patch_recorded{s.patch_id, s.run_id, s.workstream_id, s.attempt,
                                                 s.diff, "created", t.at});
    } else {
      persistence::patch_status_changed c{s.patch_id, ledger::to_string(t.state), t.at, {}, {}};
      if (t.state == ledger::patch_state::committed)
        c.commit_sha = t.detail;
      if (t.state == ledger::patch_state::quarantined)
        c.error_message = t.detail;
      self->send(db, c);
    }
    nlohmann::json payload{{"patch_id", s.patch_id}, {"attempt", s.attempt}};
    if (!t.detail.empty())
      payload["detail"] = t.detail;
    self->send(db, make_event(s.run_id, s.workstream_id,
                              std::string("patch_") + ledger::to_string(t.state), payload, t.at));
  });
  return {
      [=](const msg::patch_request& r) -> msg::patch_verdict {
        auto o = self->state.setup.pipeline->submit(to_submission(r, self->state.setup.cancel));
        if (!o.branch_restored.empty())
          self->send(db, make_event(r.run_id, r.workstream_id, "branch_restored",
                                    nlohmann::json{{"detail", o.branch_restored}}, iso8601_now()));
        auto v = to_verdict(o);
        if (v.final_state == "committed" && !v.already_committed)
          v.head_seq = ++self->state.commits;
        return v;
      },
  };
}

} // namespace

expected<ledger_setup> prepare_ledger(const run_context& ctx, const std::string& holder,
                                      const std::function<void()>& once_locked) {
  const auto& p = ctx.project;
  auto lock = file_lock::acquire(p.ledger_dir / "integration.lock", holder);
  if (!lock)
    return fail("the integration branch '" + p.integration_branch +
                "' has another writer: " + lock.message());
  if (once_locked)
    once_locked();
  ledger::integration_config cfg{p.repo, ctx.worktrees_dir / "integration", p.integration_branch,
                                 p.base_ref};
  auto tree = ledger::integration_tree::open(cfg);
  if (!tree)
    return tree.error();
  ledger_setup s;
  s.pipeline =
      std::make_shared<ledger::patch_pipeline>(std::move(*tree), ledger::patch_store(p.ledger_dir));
  s.branch_lock = std::move(*lock);
  s.cancel = &ctx.cancel;
  return s;
}

msg::ledger_actor spawn_ledger(caf::actor_system& sys, ledger_setup setup,
                               msg::persistence_actor persistence) {
  return sys.spawn<caf::detached>(ledger_behavior, std::move(setup), std::move(persistence));
}

} // namespace uet::actors
