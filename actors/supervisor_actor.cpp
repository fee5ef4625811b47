#include "actors/supervisor_actor.h"

#include <utility>

#include <nlohmann/json.hpp>

#include <caf/all.hpp>

#include "actors/events.h"
#include "actors/workstream_actor.h"
#include "base/clock.h"
#include "engine/backoff.h"

namespace uet::actors {

namespace {

using nlohmann::json;
using steady = std::chrono::steady_clock;

void event(supervisor_ptr self, const std::string& ws, const std::string& type,
           const json& payload) {
  self->send(self->state.db, make_event(self->state.ctx->run_id, ws, type, payload));
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
  if (!t)
    return;
  event(self, ws, std::string("breaker_") + engine::to_string(t->to),
        json{{"tool", tool}, {"from", engine::to_string(t->from)}, {"reason", t->reason}});
}

void give_up(supervisor_ptr self, std::uint32_t node, const std::string& reason) {
  auto& st = self->state;
  msg::ws_outcome o;
  o.node = node;
  o.workstream_id = st.ctx->spec(node).id;
  o.final_state = "quarantined";
  o.attempts = st.attempts[node];
  o.reason = st.stopping ? "interrupted: " + reason
                         : "gave up after " + std::to_string(o.attempts) + " attempt" +
                               (o.attempts == 1 ? "" : "s") + ": " + reason;
  if (st.stopping)
    o.final_state = "interrupted";
  self->send(st.scheduler, o);
}

void attempt_failed(supervisor_ptr self, std::uint32_t node, const std::string& reason,
                    bool retryable) {
  auto& st = self->state;
  const auto& ws = st.ctx->spec(node);
  auto policy = engine::resolve_resilience(ws, st.ctx->tools.find(ws.tool_id));
  int done = st.attempts[node] - st.prior[node]; // this run's tries count against the budget
  if (!retryable || st.stopping || done > policy.max_retries)
    return give_up(self, node, reason);
  auto delay = engine::backoff_delay(policy.backoff, done, st.rng);
  self->send(st.db, persistence::workstream_state_changed{
                        st.ctx->run_id, ws.id, "ready", st.attempts[node], iso8601_now(),
                        "attempt " + std::to_string(st.attempts[node]) + " failed: " + reason});
  event(self, ws.id, "workstream_retry",
        json{{"attempt", done},
             {"next_attempt", done + 1},
             {"delay_ms", delay.count()},
             {"reason", reason}});
  st.backing_off.insert(node);
  self->delayed_send(self, delay, msg::retry_atom_v, msg::ws_job{node, ws.id});
}

/// How often an attempt waiting for a half-open breaker's trials asks again.
constexpr std::chrono::milliseconds trial_poll{100};

void launch(supervisor_ptr self, const msg::ws_job& job) {
  auto& st = self->state;
  if (st.stopping)
    return give_up(self, job.node, "not started");
  int attempt = ++st.attempts[job.node];
  const auto& ws = st.ctx->spec(job.node);
  if (!st.ctx->dry_run) {
    auto d = breaker_for(self, ws.tool_id).try_acquire(steady::now());
    breaker_event(self, ws.id, ws.tool_id, d.transition);
    if (!d.allowed && d.trials_busy) {
      // Half-open with its trial calls out: their verdict decides, soon, so
      // wait for it (holding the slot, spending no attempt) rather than
      // quarantine a workstream the tool may be about to serve again.
      --st.attempts[job.node];
      st.backing_off.insert(job.node);
      self->delayed_send(self, trial_poll, msg::retry_atom_v, job);
      return;
    }
    if (!d.allowed) {
      event(self, ws.id, "breaker_rejected", json{{"tool", ws.tool_id}, {"attempt", attempt}});
      // Fail fast, which is the breaker's point: waiting out open_ms would
      // hold a slot, and retrying sooner would be rejected again.
      return give_up(self, job.node,
                     "circuit breaker for tool '" + ws.tool_id + "' is open (no process started; " +
                         std::to_string((d.retry_after.count() + 999) / 1000) +
                         " s until it lets a trial call through)");
    }
    st.permits[job.node] = d.permit;
  }
  workstream_args args{st.ctx, job.node, attempt, st.head, self, st.db, st.ledger};
  auto w = self->template spawn<caf::monitored>(workstream_behavior, std::move(args));
  st.live.emplace(w.address(), job.node);
  self->send(w, msg::start_atom_v);
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
  st.prior.assign(ctx->workstreams.size(), 0);
  for (std::size_t i = 0; i < ctx->prior_attempts.size() && i < st.prior.size(); ++i)
    st.prior[i] = ctx->prior_attempts[i];
  st.attempts = st.prior;
  st.rng.seed(ctx->seed);
  st.head = ctx->initial_head;
  self->set_down_handler([=](caf::down_msg& dm) {
    auto it = self->state.live.find(dm.source);
    if (it == self->state.live.end())
      return; // reported its outcome first: a normal end
    auto node = it->second;
    self->state.live.erase(it);
    if (auto p = self->state.permits.find(node); p != self->state.permits.end()) {
      breaker_for(self, self->state.ctx->spec(node).tool_id).cancel(p->second);
      self->state.permits.erase(p);
    }
    attempt_failed(self, node, "the workstream actor died: " + caf::to_string(dm.reason), true);
  });
  return {
      [=](const msg::ws_job& job) { launch(self, job); },
      [=](msg::retry_atom, const msg::ws_job& job) {
        // Not waiting any more: a stop gave it up while its timer ran.
        if (self->state.backing_off.erase(job.node) > 0)
          launch(self, job);
      },
      [=](const msg::ws_outcome& o) {
        auto& s = self->state;
        if (auto sender = self->current_sender())
          s.live.erase(sender->address());
        const auto& ws = s.ctx->spec(o.node);
        if (auto p = s.permits.find(o.node); p != s.permits.end()) {
          auto& b = breaker_for(self, ws.tool_id);
          if (o.tool_called)
            breaker_event(self, ws.id, ws.tool_id, b.record(p->second, o.tool_ok, steady::now()));
          else
            b.cancel(p->second);
          s.permits.erase(p);
        }
        if (o.head_seq > s.head_seq) {
          s.head_seq = o.head_seq;
          s.head = o.commit_sha;
        }
        if (o.final_state == "failed")
          return attempt_failed(self, o.node, o.reason, o.retryable);
        self->send(s.scheduler, o);
      },
      [=](msg::stop_atom) {
        self->state.stopping = true;
        for (auto node : std::exchange(self->state.backing_off, {}))
          give_up(self, node, "stopped while waiting to retry");
      },
  };
}

} // namespace uet::actors
