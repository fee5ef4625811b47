#include "actors/ledger_actor.h"

#include <atomic>
#include <unordered_map>

#include <caf/all.hpp>

#include "actors/record_rows.h"
#include "actors/records.h"
#include "ledger/fault_environment.h"
#include "ledger/patch_store.h"

namespace uet::actors {

namespace {

using stop_flag = std::shared_ptr<std::atomic<bool>>;

struct worker_state {
  ledger_setup setup;
  stop_flag stop;
  std::uint64_t commits = 0; ///< made by this run: patch_news::head_seq
  static inline const char* name = "patch-ledger-worker";
};

using worker_ptr = msg::ledger_worker_actor::stateful_pointer<worker_state>;

ledger::patch_submission to_submission(msg::patch_request& r, const std::atomic<bool>* stop) {
  ledger::patch_submission s;
  s.cancel = stop;
  s.run_id = r.run_id;
  s.workstream_id = r.workstream_id;
  s.title = r.title;
  s.patch_id = r.patch_id;
  s.input = r.input;
  s.attempt = r.attempt;
  s.diff = std::move(r.diff); // one copy of a diff in memory, however big
  s.diff_file = r.diff_file;
  s.allowed_paths = r.allowed_paths;
  s.verify_commands = r.verify_commands;
  s.verify_timeout = std::chrono::milliseconds(r.verify_timeout_ms);
  s.verify_log = r.verify_log;
  s.env = r.env;
  s.verify_always = r.verify_always;
  s.resume_from = r.resume_from;
  s.sandbox = r.sandbox;
  s.base_commit = r.base_commit;
  s.result_tree = r.result_tree;
  s.after = r.after;
  return s;
}

/// The news as they go out; each commit gets the next head_seq, and a
/// branch put back is an event.
msg::patch_news_batch to_batch(worker_ptr self, msg::persistence_actor db,
                               const std::string& run_id, std::vector<ledger::gate_news> news) {
  msg::patch_news_batch b;
  for (auto& n : news) {
    msg::patch_news m{n.patch_id,
                      n.kind,
                      n.spec.commit,
                      n.spec.parent,
                      n.epoch,
                      n.already_committed,
                      std::move(n.reason),
                      std::move(n.details),
                      0,
                      n.order};
    if (n.kind == gate_news_kind::committed) {
      m.commit = n.commit_sha;
      if (!n.already_committed)
        m.head_seq = ++self->state.commits;
    }
    if (!n.branch_restored.empty())
      self->send(db, make_event(run_id, std::nullopt, ev::branch_restored{n.branch_restored}));
    b.news.push_back(std::move(m));
  }
  return b;
}

/// Every state change goes to the database before the next step starts
/// (the persistence actor keeps this order).
void record_transitions(worker_ptr self, msg::persistence_actor db) {
  self->state.setup.pipeline->on_transition(
      [self, db](const ledger::patch_submission& s, const ledger::patch_transition& t) {
        if (t.state == patch_state::created) {
          self->send(db, created_row(s.patch_id, s.run_id, s.workstream_id, s.attempt, s.diff,
                                     self->state.setup.pipeline->store().patch_path(s.patch_id),
                                     s.diff_hash, t.at));
        } else {
          msg::patch_state_set c{s.patch_id, t.state, t.at, {}, {}, {}, {}};
          if (t.state == patch_state::committed)
            c.commit_sha = t.detail;
          if (t.state == patch_state::quarantined)
            c.error = t.detail;
          if (t.state == patch_state::verified) {
            c.verified_by = t.verified_by;
            c.verified_tree = t.verified_tree;
          }
          self->send(db, c);
        }
        self->send(db, msg::event{s.run_id, s.workstream_id, t.at,
                                  ev::patch_moved{s.patch_id, s.attempt, t.state, t.detail}});
      });
}

msg::ledger_worker_actor::behavior_type worker_behavior(worker_ptr self, ledger_setup setup,
                                                        stop_flag stop, msg::persistence_actor db,
                                                        std::string run_id) {
  self->state.setup = std::move(setup);
  self->state.stop = std::move(stop);
  record_transitions(self, db);
  auto gate = [self]() -> ledger::patch_pipeline& { return *self->state.setup.pipeline; };
  return {
      [=](msg::patch_request& r) {
        std::vector<ledger::gate_news> news{gate().join(to_submission(r, self->state.stop.get()))};
        return to_batch(self, db, run_id, std::move(news));
      },
      [=](const msg::patch_tested& t) {
        auto news =
            gate().tested(t.patch_id, t.epoch, {t.passed, t.reason, t.failed_command, t.tested_by});
        return to_batch(self, db, run_id, std::move(news));
      },
      [=](msg::withdraw_atom, const std::string& patch_id, const std::string& why) {
        return to_batch(self, db, run_id, gate().withdraw(patch_id, why));
      },
      [=](msg::cancel_atom) { return to_batch(self, db, run_id, gate().interrupt()); },
  };
}

struct ledger_state {
  msg::ledger_worker_actor worker;
  stop_flag stop = std::make_shared<std::atomic<bool>>(false);
  /// Who sent each patch still in the gate, to hear its news.
  std::unordered_map<std::string, msg::workstream_actor> senders;
  static inline const char* name = "patch-ledger";
};

using ledger_ptr = msg::ledger_actor::stateful_pointer<ledger_state>;

bool final_news(gate_news_kind k) {
  return k != gate_news_kind::test;
}

/// Hands the worker a message and each patch's news to its sender.
template <class... Ts>
void through_worker(ledger_ptr self, Ts&&... xs) {
  self->request(self->state.worker, caf::infinite, std::forward<Ts>(xs)...)
      .then([=](msg::patch_news_batch& b) {
        auto& senders = self->state.senders;
        for (auto& n : b.news) {
          auto it = senders.find(n.patch_id);
          if (it == senders.end())
            continue;
          auto to = it->second;
          if (final_news(n.kind))
            senders.erase(it);
          self->send(to, std::move(n));
        }
      });
}

msg::ledger_actor::behavior_type ledger_behavior(ledger_ptr self, ledger_setup setup,
                                                 msg::persistence_actor db, std::string run_id) {
  self->state.worker = self->spawn<caf::detached + caf::linked>(
      worker_behavior, std::move(setup), self->state.stop, db, std::move(run_id));
  // A sender that dies with its patch in the gate withdraws it: the patches
  // behind it must not wait for a test nobody will run.
  self->set_down_handler([=](caf::down_msg& dm) {
    auto& senders = self->state.senders;
    for (auto it = senders.begin(); it != senders.end();) {
      if (it->second.address() != dm.source) {
        ++it;
        continue;
      }
      auto patch_id = it->first;
      it = senders.erase(it);
      through_worker(self, msg::withdraw_atom_v, patch_id,
                     "its attempt ended before a verdict (" + caf::to_string(dm.reason) + ")");
    }
  });
  return {
      [=](msg::patch_request& r) {
        if (auto sender = caf::actor_cast<msg::workstream_actor>(self->current_sender())) {
          self->monitor(sender);
          self->state.senders[r.patch_id] = sender;
        }
        through_worker(self, std::move(r));
      },
      [=](msg::patch_tested& t) { through_worker(self, std::move(t)); },
      [=](msg::cancel_atom) {
        self->state.stop->store(true);
        through_worker(self, msg::cancel_atom_v);
      },
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
                                 p.base_ref, p.follow_base && !ctx.resumed};
  std::shared_ptr<ledger::fault_environment> faulty;
  if (ctx.faults && (ctx.faults->targets(engine::fault_site::git) ||
                     ctx.faults->targets(engine::fault_site::patch)))
    faulty = std::make_shared<ledger::fault_environment>(*ctx.env, ctx.faults);
  auto tree = ledger::integration_tree::open(faulty ? *faulty : *ctx.env, cfg, std::move(trailers));
  if (!tree)
    return tree.error();
  if (faulty)
    faulty->arm();
  ledger_setup s;
  s.env = faulty;
  s.pipeline =
      std::make_shared<ledger::patch_pipeline>(std::move(*tree), ledger::patch_store(p.ledger_dir));
  s.branch_lock = std::move(lock);
  return s;
}

msg::ledger_actor spawn_ledger(caf::actor_system& sys, ledger_setup setup,
                               msg::persistence_actor persistence, const std::string& run_id) {
  return sys.spawn(ledger_behavior, std::move(setup), std::move(persistence), run_id);
}

} // namespace uet::actors
