#include "actors/scheduler_actor.h"

#include <nlohmann/json.hpp>

#include <caf/all.hpp>

#include "actors/events.h"
#include "actors/supervisor_actor.h"
#include "base/clock.h"

namespace uet::actors {

namespace {

using nlohmann::json;

void event(scheduler_ptr self, std::optional<std::string> ws, const std::string& type,
           const json& payload) {
  self->send(self->state.db, make_event(self->state.ctx->run_id, std::move(ws), type, payload));
}

void set_state(scheduler_ptr self, std::uint32_t node, const std::string& state, int attempts,
               const std::string& reason) {
  persistence::workstream_state_changed c{
      self->state.ctx->run_id, self->state.ctx->spec(node).id, state, attempts, iso8601_now(), {}};
  if (!reason.empty())
    c.reason = reason;
  self->send(self->state.db, c);
}

void finalize(scheduler_ptr self) {
  auto& st = self->state;
  if (st.finishing)
    return;
  st.finishing = true;
  auto& s = st.summary;
  s.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - st.t0)
                     .count();
  s.state = st.stopping ? "interrupted" : (s.quarantined + s.blocked > 0 ? "failed" : "succeeded");
  self->send(st.db, persistence::run_state_changed{st.ctx->run_id, s.state, iso8601_now(),
                                                   s.state != "interrupted"});
  event(self, std::nullopt, "run_finished",
        json{{"state", s.state},
             {"committed", s.committed},
             {"quarantined", s.quarantined},
             {"blocked", s.blocked},
             {"skipped", s.skipped},
             {"total", s.total},
             {"elapsed_ms", s.elapsed_ms}});
  // Reply only once everything above is durable.
  self->request(st.db, caf::infinite, msg::sync_atom_v)
      .then(
          [=](const std::string& err) {
            if (!err.empty())
              self->state.summary.problems.push_back("state database: " + err);
            self->state.promise.deliver(self->state.summary);
            self->send_exit(self->state.supervisor, caf::exit_reason::user_shutdown);
            self->quit();
          },
          [=](const caf::error& e) {
            self->state.summary.problems.push_back("state database: " + caf::to_string(e));
            self->state.promise.deliver(self->state.summary);
            self->quit();
          });
}

void maybe_finish(scheduler_ptr self) {
  auto& st = self->state;
  if (st.running == 0 && (st.stopping || st.queue->all_settled()))
    finalize(self);
}

void dispatch(scheduler_ptr self) {
  auto& st = self->state;
  while (!st.stopping && st.running < st.ctx->parallel) {
    auto node = st.queue->pop_ready();
    if (!node)
      break;
    ++st.running;
    self->send(st.supervisor, msg::ws_job{*node, st.ctx->spec(*node).id});
  }
  maybe_finish(self);
}

void on_outcome(scheduler_ptr self, const msg::ws_outcome& o) {
  auto& st = self->state;
  auto& s = st.summary;
  --st.running;
  const auto& id = o.workstream_id;
  if (o.final_state == "committed" || o.final_state == "skipped") {
    (o.final_state == "committed" ? s.committed : s.skipped)++;
    set_state(self, o.node, o.final_state, o.attempts, o.reason);
    event(self, id, "workstream_" + o.final_state,
          json{{"attempts", o.attempts}, {"commit", o.commit_sha}, {"reason", o.reason}});
    st.queue->finish_success(o.node);
  } else if (o.final_state == "interrupted") {
    set_state(self, o.node, "pending", o.attempts, o.reason);
  } else {
    ++s.quarantined;
    s.problems.push_back(id + ": quarantined: " + o.reason);
    set_state(self, o.node, "quarantined", o.attempts, o.reason);
    event(self, id, "workstream_quarantined", json{{"attempts", o.attempts}, {"reason", o.reason}});
    for (const auto& b : st.queue->finish_failure(o.node, o.reason)) {
      ++s.blocked;
      const auto& bid = st.ctx->spec(b.node).id;
      s.problems.push_back(bid + ": blocked: " + b.reason);
      set_state(self, b.node, "blocked", 0, b.reason);
      event(self, bid, "workstream_blocked", json{{"reason", b.reason}});
    }
  }
  dispatch(self);
}

} // namespace

engine::ready_queue_options queue_options(const run_context& ctx) {
  engine::ready_queue_options o;
  bool legacy = ctx.engine == "legacy";
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
  st.queue = std::make_unique<engine::ready_queue>(ctx->graph, queue_options(*ctx));
  st.supervisor = self->spawn<caf::linked>(supervisor_behavior, ctx,
                                           caf::actor_cast<msg::scheduler_actor>(self), db, ledger);
  return {
      [=](msg::run_atom) -> caf::typed_response_promise<msg::run_summary> {
        auto& s = self->state;
        s.promise = self->make_response_promise<msg::run_summary>();
        if (s.started) {
          s.promise.deliver(caf::make_error(caf::sec::runtime_error, "run already started"));
          return s.promise;
        }
        s.started = true;
        s.t0 = std::chrono::steady_clock::now();
        s.summary.run_id = s.ctx->run_id;
        s.summary.total = static_cast<std::uint32_t>(s.ctx->workstreams.size());
        // Every workstream's row, in one message (see msg::workstream_states).
        msg::workstream_states rows;
        rows.changes.reserve(s.ctx->workstreams.size());
        const auto now = iso8601_now();
        // A resumed run keeps each workstream's attempt count: the next
        // resume numbers attempts (and patch ids) after it.
        auto row = [&](std::uint32_t i, const char* state, std::optional<std::string> reason) {
          int attempts = i < s.ctx->prior_attempts.size() ? s.ctx->prior_attempts[i] : 0;
          rows.changes.push_back(persistence::workstream_state_changed{
              s.ctx->run_id, s.ctx->spec(i).id, state, attempts, now, std::move(reason)});
        };
        std::vector<bool> skipped(s.ctx->workstreams.size(), false);
        for (auto i : s.ctx->already_skipped)
          skipped[i] = true;
        for (std::uint32_t i = 0; i < s.ctx->workstreams.size(); ++i) {
          if (s.queue->state(i) == engine::node_state::done) {
            ++(skipped[i] ? s.summary.skipped : s.summary.committed);
            if (!s.ctx->resumed)
              row(i, "committed", std::string("committed by an earlier run"));
          } else {
            row(i, "pending", std::nullopt);
          }
        }
        self->send(s.db, std::move(rows));
        event(self, std::nullopt, "run_started",
              json{{"phase", s.ctx->phase},
                   {"workstreams", s.summary.total},
                   {"parallel", s.ctx->parallel},
                   {"engine", s.ctx->engine},
                   {"dry_run", s.ctx->dry_run}});
        dispatch(self);
        return s.promise;
      },
      [=](const msg::ws_outcome& o) { on_outcome(self, o); },
      [=](msg::stop_atom) {
        if (self->state.stopping)
          return;
        self->state.stopping = true;
        event(self, std::nullopt, "run_interrupt", json::object());
        self->send(self->state.supervisor, msg::stop_atom_v);
        maybe_finish(self);
      },
  };
}

} // namespace uet::actors
