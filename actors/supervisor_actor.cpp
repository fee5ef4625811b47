#include "actors/supervisor_actor.h"

#include <algorithm>
#include <utility>

#include <caf/all.hpp>

#include "actors/records.h"
#include "actors/workstream_actor.h"
#include "base/clock.h"
#include "engine/backoff.h"
#include "engine/repeat_guard.h"
#include "ledger/patch_store.h"

namespace uet::actors {

namespace {

bool stopping(supervisor_ptr self) {
  return self->state.phase == supervisor_phase::stopping;
}

/// Started early, and some patch it was started on has not landed yet.
bool waits_on_gate(supervisor_ptr self, std::uint32_t node) {
  const auto& s = self->state;
  auto job = s.jobs.find(node);
  if (job == s.jobs.end())
    return false;
  for (const auto& p : job->second.after)
    if (s.landed.count(p) == 0)
      return true;
  return false;
}

void event(supervisor_ptr self, const std::string& ws, ev::body body) {
  self->send(self->state.db, make_event(self->state.ctx->run_id, ws, std::move(body)));
}

engine::circuit_breaker& breaker_for(supervisor_ptr self, const std::string& tool_id) {
  auto& b = self->state.breakers;
  auto it = b.find(tool_id);
  if (it == b.end()) {
    const auto* tool = self->state.ctx->tools.find(tool_id);
    it = b.emplace(tool_id, engine::circuit_breaker(tool ? tool->breaker : config::breaker_spec{}))
             .first;
  }
  return it->second;
}

void breaker_event(supervisor_ptr self, const std::string& ws, const std::string& tool,
                   const std::optional<engine::breaker_transition>& t) {
  if (t)
    event(self, ws, ev::breaker_moved{tool, t->from, t->to, t->reason});
}

std::string attempts_text(int n) {
  return std::to_string(n) + " attempt" + (n == 1 ? "" : "s");
}

void done(supervisor_ptr self, std::uint32_t node, ws_end end, std::string reason,
          std::string commit = {}) {
  auto& st = self->state;
  self->send(st.scheduler, msg::ws_done{node, st.ctx->spec(node).id, end, std::move(reason),
                                        st.attempts[node], std::move(commit)});
}

void give_up(supervisor_ptr self, std::uint32_t node, const std::string& reason) {
  if (stopping(self))
    return done(self, node, ws_end::interrupted, "interrupted: " + reason);
  done(self, node, ws_end::quarantined,
       "gave up after " + attempts_text(self->state.attempts[node]) + ": " + reason);
}

/// The reason, naming the faults `--inject` put into the attempt, if any.
std::string with_faults(supervisor_ptr self, std::uint32_t node, const std::string& reason) {
  const auto& ctx = *self->state.ctx;
  if (!ctx.faults)
    return reason;
  auto names = ctx.faults->injected_into(ctx.spec(node).id, self->state.attempts[node]);
  return names.empty() ? reason : reason + " [injected: " + names + "]";
}

void attempt_failed(supervisor_ptr self, std::uint32_t node, const std::string& failure,
                    bool retryable, const std::string& detail = {}, const std::string& patch = {}) {
  auto& st = self->state;
  const auto& ws = st.ctx->spec(node);
  auto reason = with_faults(self, node, failure);
  auto policy = engine::resolve_resilience(ws, st.ctx->tools.find(ws.tool_id));
  int attempt = st.attempts[node];
  // This run's tries count against the budget; those a lost node ended do not.
  int tries = attempt - st.ctx->prior(node) - st.lost[node] - st.taken_back[node];
  if (!retryable || stopping(self))
    return give_up(self, node, reason);
  // A patch that no longer applies is another's doing, not a repeat of its own.
  bool conflict = st.conflicts.count(node) > 0;
  if (auto stop = conflict ? std::nullopt
                           : engine::observe_failure(
                                 st.histories[node], engine::error_signature(failure, detail),
                                 patch, policy.max_error_repeats, policy.oscillation_threshold)) {
    event(self, ws.id, ev::ws_stopped_early{stop->kind, stop->count, stop->reason});
    return give_up(self, node, stop->reason + "; last: " + reason);
  }
  if (tries > policy.max_retries)
    return give_up(self, node, reason);
  auto delay = engine::backoff_delay(policy.backoff, std::max(tries, 1), st.rng);
  self->send(st.db,
             msg::ws_state_set{st.ctx->run_id, ws.id, ws_state::ready, attempt, iso8601_now(),
                               "attempt " + std::to_string(attempt) + " failed: " + reason});
  event(self, ws.id, ev::ws_retry{attempt, attempt + 1, delay.count(), reason});
  st.backing_off.insert(node);
  self->delayed_send(self, delay, msg::retry_atom_v, msg::ws_job{node, ws.id});
}

/// How many times one workstream's attempts may end with their node lost
/// before a loss counts as a failure (every node going down in turn).
constexpr int max_node_losses = 5;

/// Its worker node was lost before the tool's verdict: the attempt runs
/// again at once, on a node with a free slot or here, under the same key
/// with the next attempt number, spending no retry.
void attempt_lost(supervisor_ptr self, const msg::attempt_outcome& o) {
  auto& st = self->state;
  const auto& ws = st.ctx->spec(o.node);
  if (stopping(self) || ++st.lost[o.node] > max_node_losses) {
    --st.lost[o.node]; // it counts, as any failure
    return attempt_failed(self, o.node, o.reason, true, o.detail, o.patch);
  }
  int attempt = st.attempts[o.node];
  self->send(st.db,
             msg::ws_state_set{st.ctx->run_id, ws.id, ws_state::ready, attempt, iso8601_now(),
                               "attempt " + std::to_string(attempt) + ": " + o.reason});
  event(self, ws.id, ev::ws_retry{attempt, attempt + 1, 0, o.reason});
  st.backing_off.insert(o.node);
  self->send(self, msg::retry_atom_v, msg::ws_job{o.node, ws.id});
}

/// How often an attempt waiting for a half-open breaker's trials asks again.
constexpr std::chrono::milliseconds trial_poll{100};

/// Asks the tool's breaker for the attempt about to start; false when it
/// will not start now (given up, or waiting for a half-open trial).
bool admitted(supervisor_ptr self, const msg::ws_job& job, int attempt) {
  auto& st = self->state;
  const auto& ws = st.ctx->spec(job.node);
  auto d = breaker_for(self, ws.tool_id).try_acquire(st.ctx->env->steady_now());
  breaker_event(self, ws.id, ws.tool_id, d.transition);
  if (!d.allowed && d.trials_busy) {
    // Half-open with its trial calls out: their verdict decides, soon, so
    // wait for it (holding the slot, spending no attempt) rather than
    // quarantine a workstream the tool may be about to serve again.
    st.backing_off.insert(job.node);
    self->delayed_send(self, trial_poll, msg::retry_atom_v, job);
    return false;
  }
  if (!d.allowed) {
    st.attempts[job.node] = attempt; // the refused attempt counts
    event(self, ws.id, ev::breaker_rejected{ws.tool_id, attempt});
    // Fail fast, which is the breaker's point: waiting out open_ms would
    // hold a slot, and retrying sooner would be rejected again.
    give_up(self, job.node,
            "circuit breaker for tool '" + ws.tool_id + "' is open (no process started; " +
                std::to_string((d.retry_after.count() + 999) / 1000) +
                " s until it lets a trial call through)");
    return false;
  }
  st.permits[job.node] = d.permit;
  return true;
}

void launch(supervisor_ptr self, const msg::ws_job& job) {
  auto& st = self->state;
  if (stopping(self))
    return give_up(self, job.node, "not started");
  const auto& resubmit = st.ctx->resubmit;
  bool again = job.node < resubmit.size() && resubmit[job.node] && !st.resubmitted[job.node];
  int attempt = again ? resubmit[job.node]->attempt : st.attempts[job.node] + 1;
  if (again)
    st.resubmitted[job.node] = true; // its tool does not run: no breaker call
  else if (!admitted(self, job, attempt))
    return;
  st.attempts[job.node] = std::max(st.attempts[job.node], attempt);
  if (!job.input.empty())
    st.inputs[job.node] = job.input;
  workstream_args args{st.ctx, job.node, attempt, st.head, again, {}, self, st.db, st.ledger};
  args.input = st.inputs[job.node];
  if (auto early = st.jobs.find(job.node);
      early != st.jobs.end() && waits_on_gate(self, job.node)) {
    // Started early: on the speculative commit of its dependencies' patches
    // (once they all landed, a retry starts from the newest head).
    args.base_commit = early->second.base_commit;
    args.after = early->second.after;
  }
  if (auto c = st.conflicts.find(job.node); c != st.conflicts.end()) {
    // Its patch did not apply where the gate had it: edit again there, told why.
    args.conflict = std::move(c->second.first);
    if (!c->second.second.empty())
      args.base_commit = std::move(c->second.second);
    st.conflicts.erase(c);
  }
  auto w = self->template spawn<caf::monitored>(workstream_behavior, std::move(args));
  st.running[job.node] = w;
  self->send(w, msg::start_atom_v);
}

/// The node's breaker permit, if it holds one: a call recorded when the
/// attempt reached the tool, else handed back.
void settle_breaker(supervisor_ptr self, std::uint32_t node, bool tool_called, bool tool_ok) {
  auto& s = self->state;
  auto p = s.permits.find(node);
  if (p == s.permits.end())
    return;
  const auto& ws = s.ctx->spec(node);
  auto& b = breaker_for(self, ws.tool_id);
  if (tool_called)
    breaker_event(self, ws.id, ws.tool_id, b.record(p->second, tool_ok, s.ctx->env->steady_now()));
  else
    b.cancel(p->second);
  s.permits.erase(p);
}

/// Why a dependent is taken back.
constexpr const char* dependency_left = "a dependency's patch it was started on left the gate";

/// The attempt of a dependent the scheduler took back is gone: it waits
/// again, spending no retry.
void taken_back(supervisor_ptr self, std::uint32_t node, const std::string& why) {
  auto& st = self->state;
  ++st.taken_back[node];
  st.jobs.erase(node);
  st.conflicts.erase(node); // that conflict's parent held the patch that left
  const auto& id = st.ctx->spec(node).id;
  self->send(st.db, msg::ws_state_set{st.ctx->run_id, id, ws_state::pending, st.attempts[node],
                                      iso8601_now(), "taken back: " + why});
  event(self, id, ev::ws_taken_back{st.attempts[node], why});
  self->send(st.scheduler, msg::reset_atom_v, node);
}

/// The scheduler takes back a dependent it started early: a dependency's
/// patch it was made on left the gate.
void on_take_back(supervisor_ptr self, std::uint32_t node) {
  auto& st = self->state;
  if (stopping(self))
    return; // every attempt ends anyway, interrupted
  if (st.parked.erase(node) > 0 || st.held.erase(node) > 0 || st.backing_off.erase(node) > 0)
    return taken_back(self, node, dependency_left);
  if (auto it = st.running.find(node); it != st.running.end()) {
    st.taking_back.insert(node);
    self->send(it->second, msg::cancel_atom_v);
    return;
  }
  // Its attempt ended already (a skip the scheduler held, or an outcome on
  // its way there): that attempt spends no retry either.
  ++st.taken_back[node];
}

/// How an early start's attempt ended, when not by its own verdict; true
/// when handled (taken back or waiting to be).
bool early_end(supervisor_ptr self, const msg::attempt_outcome& o) {
  auto& s = self->state;
  bool asked = s.taking_back.erase(o.node) > 0;
  if (o.result == attempt_result::committed)
    return false;
  if (asked) {
    taken_back(self, o.node, dependency_left);
    return true;
  }
  if (o.orphaned && !stopping(self)) { // the scheduler's take-back is on its way
    s.parked.insert(o.node);
    return true;
  }
  if (o.result == attempt_result::failed && o.lost_node.empty() && !stopping(self) &&
      waits_on_gate(self, o.node)) {
    // Judged on dependencies' patches not landed yet: it stands once they
    // land; if one leaves the gate, the scheduler takes it back instead
    // (the failure may have been theirs).
    s.held[o.node] = o;
    return true;
  }
  return false;
}

/// What an attempt's end means for its workstream: retried, or done.
void attempt_ended(supervisor_ptr self, const msg::attempt_outcome& o) {
  auto& s = self->state;
  switch (o.result) {
  case attempt_result::failed:
    if (!o.lost_node.empty())
      return attempt_lost(self, o);
    if (!o.conflict.empty())
      s.conflicts[o.node] = {o.conflict, o.retry_base};
    return attempt_failed(self, o.node, o.reason, o.retryable, o.detail, o.patch);
  case attempt_result::committed:
    return done(self, o.node, ws_end::committed, o.reason, o.commit_sha);
  case attempt_result::skipped:
    return done(self, o.node, ws_end::skipped, o.reason);
  case attempt_result::quarantined:
    return done(self, o.node, ws_end::quarantined, with_faults(self, o.node, o.reason));
  case attempt_result::interrupted:
    return done(self, o.node, ws_end::interrupted, o.reason);
  }
}

/// Failures held while the patches they were judged on were in the gate,
/// whose patches all landed since: they stand now.
void release_held(supervisor_ptr self) {
  auto& s = self->state;
  for (auto it = s.held.begin(); it != s.held.end();) {
    if (waits_on_gate(self, it->first)) {
      ++it;
      continue;
    }
    auto o = std::move(it->second);
    it = s.held.erase(it);
    attempt_ended(self, o);
  }
}

/// Its patch in the gate or not, the scheduler hears first when an attempt
/// ends without landing it: its dependents started on it are taken back.
void leave_gate(supervisor_ptr self, std::uint32_t node, attempt_result result) {
  auto& s = self->state;
  if (s.in_gate.erase(node) > 0 && result != attempt_result::committed)
    self->send(s.scheduler, msg::ws_speculation{node, false, {}, {}, 0});
}

void on_outcome(supervisor_ptr self, const msg::attempt_outcome& o) {
  auto& s = self->state;
  s.running.erase(o.node);
  // A tool stopped because its dependent is taken back did not fail.
  bool stopped_here = s.taking_back.count(o.node) > 0 && !o.tool_ok;
  settle_breaker(self, o.node, o.tool_called && !stopped_here, o.tool_ok);
  if (o.head_seq > s.head_seq) {
    s.head_seq = o.head_seq;
    s.head = o.commit_sha;
  }
  leave_gate(self, o.node, o.result);
  if (early_end(self, o))
    return;
  attempt_ended(self, o);
  if (o.result == attempt_result::committed) {
    s.landed.insert(
        ledger::make_patch_id(s.ctx->run_id, s.ctx->spec(o.node).id, s.attempts[o.node]));
    release_held(self);
  }
}

void on_down(supervisor_ptr self, const caf::down_msg& dm) {
  auto& s = self->state;
  auto it = std::find_if(s.running.begin(), s.running.end(),
                         [&](const auto& r) { return r.second.address() == dm.source; });
  if (it == s.running.end())
    return; // reported its outcome first: a normal end
  auto node = it->first;
  s.running.erase(it);
  settle_breaker(self, node, false, false);
  leave_gate(self, node, attempt_result::failed);
  if (s.taking_back.erase(node) > 0 && !stopping(self))
    return taken_back(self, node, dependency_left);
  attempt_failed(self, node, "the workstream actor died: " + caf::to_string(dm.reason), true);
}

void on_stop(supervisor_ptr self) {
  auto& s = self->state;
  if (stopping(self))
    return;
  s.phase = supervisor_phase::stopping;
  for (auto& [node, w] : s.running)
    self->send(w, msg::cancel_atom_v);
  for (auto node : std::exchange(s.backing_off, {}))
    give_up(self, node, "stopped while waiting to retry");
  for (auto node : std::exchange(s.parked, {}))
    give_up(self, node, "stopped while waiting for a dependency");
  for (const auto& [node, o] : std::exchange(s.held, {}))
    give_up(self, node, o.reason);
}

} // namespace

msg::supervisor_actor::behavior_type supervisor_behavior(supervisor_ptr self,
                                                         std::shared_ptr<const run_context> ctx,
                                                         msg::scheduler_actor scheduler,
                                                         msg::persistence_actor db,
                                                         msg::ledger_actor ledger) {
  auto& st = self->state;
  st.ctx = ctx;
  st.scheduler = std::move(scheduler);
  st.db = std::move(db);
  st.ledger = std::move(ledger);
  st.attempts.assign(ctx->workstreams.size(), 0);
  for (std::uint32_t i = 0; i < st.attempts.size(); ++i)
    st.attempts[i] = ctx->prior(i);
  st.resubmitted.assign(ctx->workstreams.size(), false);
  st.rng.seed(ctx->seed);
  st.head = ctx->initial_head;
  self->set_down_handler([=](caf::down_msg& dm) { on_down(self, dm); });
  return {
      [=](const msg::ws_job& job) {
        self->state.jobs[job.node] = job;
        launch(self, job);
      },
      [=](const msg::ws_speculation& sp) {
        auto& s = self->state;
        if (stopping(self) || s.running.count(sp.node) == 0 || s.taking_back.count(sp.node) > 0)
          return; // its dependents must not start on a patch about to leave
        s.in_gate.insert(sp.node);
        self->send(s.scheduler, sp);
      },
      [=](msg::reset_atom, std::uint32_t node) { on_take_back(self, node); },
      [=](msg::retry_atom, const msg::ws_job& job) {
        // Not waiting any more: a stop gave it up while its timer ran.
        if (self->state.backing_off.erase(job.node) > 0)
          launch(self, job);
      },
      [=](const msg::attempt_outcome& o) { on_outcome(self, o); },
      [=](msg::stop_atom) { on_stop(self); },
  };
}

} // namespace uet::actors
