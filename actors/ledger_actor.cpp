#include "actors/ledger_actor.h"

#include <atomic>

#include <caf/all.hpp>

#include "actors/records.h"
#include "base/clock.h"

namespace uet::actors {

namespace {

using stop_flag = std::shared_ptr<std::atomic<bool>>;

struct worker_state {
  ledger_setup setup;
  stop_flag stop;
  std::uint64_t commits = 0; ///< made by this run: patch_verdict::head_seq
  static inline const char* name = "patch-ledger-worker";
};

using worker_ptr = msg::ledger_worker_actor::stateful_pointer<worker_state>;

ledger::patch_submission to_submission(const msg::patch_request& r, const std::atomic<bool>* stop) {
  ledger::patch_submission s;
  s.cancel = stop;
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
  s.resume_from = r.resume_from;
  return s;
}

msg::patch_verdict to_verdict(const ledger::patch_outcome& o) {
  msg::patch_verdict v;
  v.empty = o.empty;
  v.final_state = o.final_state;
  v.commit_sha = o.commit_sha;
  v.already_committed = o.already_committed;
  v.interrupted = o.interrupted;
  v.reason = o.reason;
  v.details = o.details;
  return v;
}

/// Every state change goes to the database before the next step starts
/// (the persistence actor keeps this order).
void record_transitions(worker_ptr self, msg::persistence_actor db) {
  self->state.setup.pipeline->on_transition(
      [self, db](const ledger::patch_submission& s, const ledger::patch_transition& t) {
        if (t.state == patch_state::created) {
          self->send(db, msg::patch_created{s.patch_id, s.run_id, s.workstream_id, s.attempt,
                                            s.diff, t.at});
        } else {
          msg::patch_state_set c{s.patch_id, t.state, t.at, std::nullopt, std::nullopt};
          if (t.state == patch_state::committed)
            c.commit_sha = t.detail;
          if (t.state == patch_state::quarantined)
            c.error = t.detail;
          self->send(db, c);
        }
        self->send(db, msg::event{s.run_id, s.workstream_id, t.at,
                                  ev::patch_moved{s.patch_id, s.attempt, t.state, t.detail}});
      });
}

msg::ledger_worker_actor::behavior_type worker_behavior(worker_ptr self, ledger_setup setup,
                                                        stop_flag stop, msg::persistence_actor db) {
  self->state.setup = std::move(setup);
  self->state.stop = std::move(stop);
  record_transitions(self, db);
  return {
      [=](const msg::patch_request& r) -> msg::patch_verdict {
        auto& st = self->state;
        auto o = st.setup.pipeline->submit(to_submission(r, st.stop.get()));
        if (!o.branch_restored.empty())
          self->send(db,
                     make_event(r.run_id, r.workstream_id, ev::branch_restored{o.branch_restored}));
        auto v = to_verdict(o);
        if (!v.empty && v.final_state == patch_state::committed && !v.already_committed)
          v.head_seq = ++st.commits;
        return v;
      },
  };
}

struct ledger_state {
  msg::ledger_worker_actor worker;
  stop_flag stop = std::make_shared<std::atomic<bool>>(false);
  static inline const char* name = "patch-ledger";
};

using ledger_ptr = msg::ledger_actor::stateful_pointer<ledger_state>;

msg::ledger_actor::behavior_type ledger_behavior(ledger_ptr self, ledger_setup setup,
                                                 msg::persistence_actor db) {
  self->state.worker = self->spawn<caf::detached + caf::linked>(worker_behavior, std::move(setup),
                                                                self->state.stop, db);
  return {
      [=](msg::patch_request& r) { return self->delegate(self->state.worker, std::move(r)); },
      [=](msg::cancel_atom) { self->state.stop->store(true); },
  };
}

} // namespace

expected<std::shared_ptr<file_lock>>
lock_branch(engine::environment& env, const config::project_config& p, const std::string& holder) {
  auto lock = env.lock_file(p.ledger_dir / "integration.lock", holder);
  if (!lock)
    return lock.error().context("the integration branch '" + p.integration_branch +
                                "' has another writer: ");
  return lock;
}

expected<ledger_setup> prepare_ledger(const run_context& ctx, std::shared_ptr<file_lock> lock,
                                      ledger::trailer_index trailers) {
  const auto& p = ctx.project;
  ledger::integration_config cfg{p.repo, ctx.worktrees_dir / "integration", p.integration_branch,
                                 p.base_ref};
  auto tree = ledger::integration_tree::open(*ctx.env, cfg, std::move(trailers));
  if (!tree)
    return tree.error();
  ledger_setup s;
  s.pipeline =
      std::make_shared<ledger::patch_pipeline>(std::move(*tree), ledger::patch_store(p.ledger_dir));
  s.branch_lock = std::move(lock);
  return s;
}

msg::ledger_actor spawn_ledger(caf::actor_system& sys, ledger_setup setup,
                               msg::persistence_actor persistence) {
  return sys.spawn(ledger_behavior, std::move(setup), std::move(persistence));
}

} // namespace uet::actors
