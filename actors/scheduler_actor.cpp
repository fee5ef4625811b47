#include "actors/scheduler_actor.h"

#include <caf/all.hpp>

#include "actors/executor.h"
#include "actors/records.h"
#include "actors/supervisor_actor.h"
#include "base/clock.h"

namespace uet::actors {

namespace {

void event(scheduler_ptr self, std::optional<std::string> ws, ev::body body) {
  self->send(self->state.db, make_event(self->state.ctx->run_id, std::move(ws), std::move(body)));
}

void set_state(scheduler_ptr self, std::uint32_t node, ws_state state, int attempts,
               const std::string& reason) {
  msg::ws_state_set c{self->state.ctx->run_id,
                      self->state.ctx->spec(node).id,
                      state,
                      attempts,
                      iso8601_now(),
                      std::nullopt};
  if (!reason.empty())
    c.reason = reason;
  self->send(self->state.db, c);
}

void deliver(scheduler_ptr self, std::string db_error) {
  auto& st = self->state;
  st.summary.db_error = std::move(db_error);
  if (!st.summary.stopped_because.empty())
    st.summary.state = run_state::interrupted; // `resume` finishes the record
  st.promise.deliver(st.summary);
  self->send_exit(st.supervisor, caf::exit_reason::user_shutdown);
  self->quit();
}

void finalize(scheduler_ptr self) {
  auto& st = self->state;
  auto& s = st.summary;
  bool stopped = st.phase == scheduler_phase::stopping;
  st.phase = scheduler_phase::finishing;
  s.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - st.t0)
                     .count();
  s.state = stopped ? run_state::interrupted
                    : (s.quarantined + s.blocked > 0 ? run_state::failed : run_state::succeeded);
  self->send(st.db, msg::run_state_set{st.ctx->run_id, s.state, iso8601_now(), !stopped});
  event(self, std::nullopt,
        ev::run_finished{s.state, s.committed, s.quarantined, s.blocked, s.skipped, s.total,
                         s.elapsed_ms});
  // Reply only once everything above is durable.
  self->request(st.db, caf::infinite, msg::sync_atom_v)
      .then([=](const std::string& err) { deliver(self, err); },
            [=](const caf::error& e) { deliver(self, caf::to_string(e)); });
}

void maybe_finish(scheduler_ptr self) {
  auto& st = self->state;
  if (st.running == 0 && (st.phase == scheduler_phase::stopping ||
                          (st.phase == scheduler_phase::running && st.queue->all_settled())))
    finalize(self);
}

/// What node is built from now: its dependencies' newest commits include
/// those this run made.
ledger::workstream_inputs inputs_now(scheduler_ptr self, std::uint32_t node) {
  const auto& st = self->state;
  const auto& in = st.ctx->inputs;
  ledger::workstream_inputs now{in.parts[node], in.base, {}};
  for (const auto& dep : st.ctx->spec(node).dependencies) {
    auto out = st.outputs.find(dep);
    now.deps[dep] = out == st.outputs.end() ? std::string() : out->second;
  }
  // A dependency in the gate: its speculative commit, which is the commit
  // that lands unless the gate resets it (then the next run re-runs this).
  for (const auto& [dep_node, sp] : st.in_gate)
    if (auto d = now.deps.find(st.ctx->spec(dep_node).id); d != now.deps.end())
      d->second = sp.commit;
  return now;
}

/// A dependent started early edits on the speculative commit of its
/// dependencies' patches in the gate: the one that joined last holds the
/// others (and every landed one); its patch lands only behind them.
void start_early(scheduler_ptr self, msg::ws_job& job) {
  auto& st = self->state;
  std::uint64_t last = 0;
  for (auto dep : st.ctx->graph.dependencies(job.node)) {
    auto sp = st.in_gate.find(dep);
    if (sp == st.in_gate.end())
      continue;
    job.after.push_back(sp->second.patch_id);
    if (sp->second.order >= last) {
      last = sp->second.order;
      job.base_commit = sp->second.commit;
      st.early_base[job.node] = {dep, sp->second.commit};
    }
  }
}

/// Why node runs ("" when its inputs are those of its last result).
std::string why_it_runs(scheduler_ptr self, std::uint32_t node,
                        const ledger::workstream_inputs& now) {
  const auto& in = self->state.ctx->inputs;
  if (in.forced[node])
    return "--force";
  if (!in.predicted.empty()) {
    const auto& p = in.predicted[node];
    return p.verdict == ledger::input_verdict::unchanged ? "" : describe(p);
  }
  const auto& id = self->state.ctx->spec(node).id;
  auto on_branch = in.branch.find(id);
  const auto& record = in.records[node];
  return ledger::why_run(now, record ? &*record : nullptr, [&](const std::string& commit) {
    return on_branch != in.branch.end() && on_branch->second == commit;
  });
}

/// Ends node without starting its tool: nothing it is built from changed.
void unchanged(scheduler_ptr self, std::uint32_t node) {
  auto& st = self->state;
  const auto& id = st.ctx->spec(node).id;
  const auto& record = *st.ctx->inputs.records[node]; // why_run: none means "never run"
  ++st.summary.skipped;
  ++st.summary.unchanged;
  auto commit = record.commit.substr(0, 10);
  set_state(self, node, ws_state::skipped, st.ctx->prior(node),
            "unchanged" + (record.run_id.empty() ? "" : " since " + record.run_id) +
                (commit.empty() ? "" : " (" + commit + ")") + "; not run");
  event(self, id, ev::ws_unchanged{record.run_id, record.commit});
  st.queue->finish_success(node);
}

void dispatch(scheduler_ptr self) {
  auto& st = self->state;
  while (st.phase == scheduler_phase::running && st.running < st.ctx->parallel) {
    auto node = st.queue->pop_ready();
    if (!node)
      break;
    msg::ws_job job{*node, st.ctx->spec(*node).id};
    if (st.ctx->inputs.enabled()) {
      auto now = inputs_now(self, *node);
      auto why = why_it_runs(self, *node, now);
      if (why.empty() && st.queue->early(*node)) // never skipped on a commit not landed
        why = "a dependency's patch is in the gate";
      if (why.empty()) {
        unchanged(self, *node);
        continue;
      }
      job.input = now.fingerprint();
      st.started[*node] = {std::move(now), std::move(why)};
    }
    if (st.queue->early(*node))
      start_early(self, job);
    ++st.running;
    self->send(st.supervisor, std::move(job));
  }
  maybe_finish(self);
}

/// A workstream that ran ended committed or satisfied: what it was built
/// from is recorded for the next run to compare with.
void record_inputs(scheduler_ptr self, const msg::ws_done& d) {
  auto& st = self->state;
  if (d.end == ws_end::committed && !d.commit_sha.empty())
    st.outputs[d.workstream_id] = d.commit_sha; // a held skip compares with it too
  auto it = st.started.find(d.node);
  if (it == st.started.end() || st.ctx->executor->runs_nothing().has_value())
    return;
  const auto& [inputs, why] = it->second;
  event(self, d.workstream_id,
        ev::ws_inputs{inputs.fingerprint(), st.outputs[d.workstream_id],
                      ledger::inputs_json(inputs), why});
  st.started.erase(it);
}

void record_blocked(scheduler_ptr self, const std::vector<engine::blocked_node>& blocked) {
  auto& st = self->state;
  for (const auto& b : blocked) {
    ++st.summary.blocked;
    const auto& bid = st.ctx->spec(b.node).id;
    st.summary.problems.push_back(bid + ": blocked: " + b.reason);
    set_state(self, b.node, ws_state::blocked, 0, b.reason);
    event(self, bid, ev::ws_blocked{b.reason});
  }
}

/// An early start's skip, judged on a dependency's patch that left the gate
/// since: void; it waits for its dependencies again.
void void_skip(scheduler_ptr self, const msg::ws_done& d) {
  const std::string why = "it changed nothing on a dependency's patch that left the gate";
  set_state(self, d.node, ws_state::pending, d.attempts, "taken back: " + why);
  event(self, d.workstream_id, ev::ws_taken_back{d.attempts, why});
  record_blocked(self, self->state.queue->requeue(d.node));
}

/// A workstream's patch entered the gate (its dependents may start on it)
/// or its attempt ended without landing it (those that did are taken back).
void on_speculation(scheduler_ptr self, const msg::ws_speculation& sp) {
  auto& st = self->state;
  if (!st.early_starts || st.phase != scheduler_phase::running)
    return;
  if (sp.in_gate) {
    if (st.queue->state(sp.node) != engine::node_state::running || st.taking_back.count(sp.node))
      return;
    st.in_gate[sp.node] = sp;
    st.queue->speculate(sp.node);
    return dispatch(self);
  }
  st.in_gate.erase(sp.node);
  for (auto started : st.queue->unspeculate(sp.node)) {
    if (st.taking_back.count(started) > 0)
      continue; // asked already (two of its dependencies left)
    // The supervisor spends no retry on it, whether its attempt runs still
    // (cancelled) or ended (a skip held here).
    self->send(st.supervisor, msg::reset_atom_v, started);
    auto held = st.held.find(started);
    if (held == st.held.end()) {
      st.taking_back.insert(started);
      continue;
    }
    auto skip = std::move(held->second);
    st.held.erase(held);
    void_skip(self, skip);
  }
  dispatch(self);
}

/// A dependent taken back: its attempt is gone; it waits again.
void on_taken_back(scheduler_ptr self, std::uint32_t node) {
  auto& st = self->state;
  --st.running;
  st.taking_back.erase(node);
  st.started.erase(node);
  record_blocked(self, st.queue->requeue(node));
  dispatch(self);
}

/// How a workstream ended, counted and recorded; its dependents may start.
void settle(scheduler_ptr self, const msg::ws_done& d);

/// Skips held for their dependencies to land whose dependencies all did.
void settle_held(scheduler_ptr self) {
  auto& st = self->state;
  for (auto it = st.held.begin(); it != st.held.end();) {
    if (st.queue->early(it->first)) {
      ++it;
      continue;
    }
    auto d = std::move(it->second);
    st.held.erase(it);
    // The skip stands only if the commit it was judged on is the one that
    // landed (a reset in the gate may have changed the tree under it).
    auto early = st.early_base.find(d.node);
    auto landed = early == st.early_base.end()
                      ? st.outputs.end()
                      : st.outputs.find(st.ctx->spec(early->second.first).id);
    if (landed != st.outputs.end() && landed->second == early->second.second) {
      settle(self, d);
    } else {
      self->send(st.supervisor, msg::reset_atom_v, d.node); // no retry spent on it
      void_skip(self, d);
    }
    it = st.held.begin(); // settling one may free another
  }
}

void settle(scheduler_ptr self, const msg::ws_done& d) {
  auto& st = self->state;
  auto& s = st.summary;
  st.early_base.erase(d.node); // what it started on no longer matters
  bool unchecked = d.end == ws_end::committed && !st.ctx->spec(d.node).has_acceptance();
  set_state(self, d.node, state_of(d.end), d.attempts,
            unchecked && d.reason.empty() ? std::string(unchecked_reason) : d.reason);
  switch (d.end) {
  case ws_end::committed:
  case ws_end::skipped:
    ++(d.end == ws_end::committed ? s.committed : s.skipped);
    if (unchecked)
      ++s.unchecked;
    record_inputs(self, d);
    event(self, d.workstream_id, ev::ws_finished{d.end, d.attempts, d.commit_sha, d.reason});
    st.queue->finish_success(d.node);
    settle_held(self);
    break;
  case ws_end::interrupted: // back to pending, for `resume`
    break;
  case ws_end::quarantined:
    ++s.quarantined;
    s.problems.push_back(d.workstream_id + ": quarantined: " + d.reason);
    event(self, d.workstream_id, ev::ws_finished{d.end, d.attempts, "", d.reason});
    record_blocked(self, st.queue->finish_failure(d.node, d.reason));
    break;
  }
}

void on_done(scheduler_ptr self, const msg::ws_done& d) {
  auto& st = self->state;
  --st.running;
  if (d.end != ws_end::committed && st.queue->in_gate(d.node))
    // Its patch left without a word before (the supervisor sends one):
    // what started on it is taken back all the same.
    on_speculation(self, msg::ws_speculation{d.node, false, {}, {}, 0});
  st.in_gate.erase(d.node);
  bool taken_back = st.taking_back.erase(d.node) > 0;
  if (d.end == ws_end::skipped && st.queue->early(d.node)) {
    // "Already satisfied" was judged on a tree holding dependencies'
    // patches not landed yet: it stands once they land, and is void if
    // one leaves the gate (then it runs again).
    if (taken_back)
      void_skip(self, d);
    else
      st.held[d.node] = d;
    return dispatch(self);
  }
  settle(self, d);
  dispatch(self);
}

/// Every workstream's row, in one message (see msg::ws_states_set); a
/// resumed run keeps each one's attempt count, so the next resume numbers
/// attempts (and patch ids) after it.
void register_workstreams(scheduler_ptr self) {
  auto& s = self->state;
  const auto& ctx = *s.ctx;
  msg::ws_states_set rows;
  rows.changes.reserve(ctx.workstreams.size());
  const auto now = iso8601_now();
  std::vector<bool> skipped(ctx.workstreams.size(), false);
  for (auto i : ctx.already_skipped)
    skipped[i] = true;
  for (std::uint32_t i = 0; i < ctx.workstreams.size(); ++i) {
    const auto& id = ctx.spec(i).id;
    if (s.queue->state(i) != engine::node_state::done) {
      rows.changes.push_back({ctx.run_id, id, ws_state::pending, ctx.prior(i), now, std::nullopt});
      continue;
    }
    ++(skipped[i] ? s.summary.skipped : s.summary.committed);
    if (!ctx.resumed)
      rows.changes.push_back({ctx.run_id, id, ws_state::committed, ctx.prior(i), now,
                              std::string("committed by an earlier run")});
  }
  self->send(s.db, std::move(rows));
}

caf::typed_response_promise<msg::run_summary> on_run(scheduler_ptr self) {
  auto& s = self->state;
  s.promise = self->make_response_promise<msg::run_summary>();
  if (s.phase != scheduler_phase::idle) {
    s.promise.deliver(caf::make_error(caf::sec::runtime_error, "run already started"));
    return s.promise;
  }
  s.phase = scheduler_phase::running;
  self->send(s.db, msg::watch_atom_v); // a database that stays unwritable stops the run
  s.t0 = std::chrono::steady_clock::now();
  s.summary.run_id = s.ctx->run_id;
  s.summary.total = static_cast<std::uint32_t>(s.ctx->workstreams.size());
  register_workstreams(self);
  event(self, std::nullopt,
        ev::run_started{s.ctx->target.to_phase_id(), s.summary.total, s.ctx->parallel,
                        s.ctx->engine, s.ctx->executor->runs_nothing().has_value()});
  for (const auto& w : s.ctx->sandbox_warnings)
    event(self, std::nullopt, ev::sandbox_unconfined{w});
  if (s.ctx->base_followed)
    event(self, std::nullopt, *s.ctx->base_followed);
  dispatch(self);
  return s.promise;
}

void on_stop(scheduler_ptr self, std::string why = {}) {
  auto& st = self->state;
  if (!why.empty() && st.summary.stopped_because.empty())
    // Even when the work is done: the record of it is not.
    st.summary.stopped_because = std::move(why);
  if (st.phase != scheduler_phase::running)
    return;
  st.phase = scheduler_phase::stopping;
  event(self, std::nullopt, ev::run_interrupted{});
  for (const auto& [node, d] : std::exchange(st.held, {}))
    set_state(self, node, ws_state::pending, d.attempts,
              "stopped while its dependencies' patches were in the gate");
  self->send(st.supervisor, msg::stop_atom_v);
  if (st.ledger)
    self->send(st.ledger, msg::cancel_atom_v);
  maybe_finish(self);
}

} // namespace

engine::ready_queue_options queue_options(const run_context& ctx) {
  engine::ready_queue_options o;
  bool legacy = ctx.engine == engine_kind::legacy;
  for (const auto& ws : ctx.workstreams) {
    o.priority.push_back(legacy ? 0 : ws.priority);
    o.tool.push_back(ws.tool_id);
  }
  for (const auto& [id, tool] : ctx.tools.tools)
    o.max_concurrency[id] = tool.max_concurrency;
  o.pre_completed = ctx.already_committed;
  return o;
}

msg::scheduler_actor::behavior_type scheduler_behavior(scheduler_ptr self,
                                                       std::shared_ptr<const run_context> ctx,
                                                       msg::persistence_actor db,
                                                       msg::ledger_actor ledger) {
  auto& st = self->state;
  st.ctx = ctx;
  st.db = db;
  st.ledger = ledger;
  st.queue = std::make_unique<engine::ready_queue>(ctx->graph, queue_options(*ctx));
  st.outputs = ctx->inputs.branch;
  st.early_starts = ctx->project.early_start && ctx->engine != engine_kind::legacy &&
                    !ctx->executor->runs_nothing();
  st.supervisor = self->spawn<caf::linked>(supervisor_behavior, ctx,
                                           caf::actor_cast<msg::scheduler_actor>(self), db, ledger);
  return {
      [=](msg::run_atom) { return on_run(self); },
      [=](const msg::ws_done& d) { on_done(self, d); },
      [=](msg::stop_atom) { on_stop(self); },
      [=](msg::stop_atom, std::string& why) { on_stop(self, std::move(why)); },
      [=](const msg::ws_speculation& sp) { on_speculation(self, sp); },
      [=](msg::reset_atom, std::uint32_t node) { on_taken_back(self, node); },
  };
}

} // namespace uet::actors
