#include "actors/workstream_actor.h"

#include <nlohmann/json.hpp>

#include <caf/all.hpp>

#include "actors/adapter_actor.h"
#include "actors/events.h"
#include "base/clock.h"
#include "engine/tool_command.h"
#include "ledger/patch_store.h"

namespace uet::actors {

namespace {

using nlohmann::json;

void event(workstream_ptr self, const std::string& type, const json& payload = json::object()) {
  const auto& a = self->state.args;
  self->send(a.db, make_event(a.ctx->run_id, a.ctx->spec(a.node).id, type, payload));
}

std::string step_id(workstream_ptr self, const std::string& step) {
  const auto& a = self->state.args;
  return a.ctx->run_id + "." + a.ctx->spec(a.node).id + "." + step + "." +
         std::to_string(a.attempt);
}

void step_begin(workstream_ptr self, const std::string& step, const std::string& log) {
  const auto& a = self->state.args;
  self->send(a.db,
             persistence::step_started{step_id(self, step), a.ctx->run_id, a.ctx->spec(a.node).id,
                                       step, a.attempt, iso8601_now(), log});
}

void step_end(workstream_ptr self, const std::string& step, const std::string& state,
              std::optional<std::int64_t> exit_code, const std::string& error) {
  const auto& a = self->state.args;
  persistence::step_finished c{step_id(self, step), state, exit_code, iso8601_now(), {}};
  if (!error.empty())
    c.error = error;
  self->send(a.db, c);
  event(self, "step_finished",
        json{{"step", step}, {"attempt", a.attempt}, {"state", state}, {"error", error}});
}

/// Reports the outcome once and quits; the adapter (and its worktree) goes too.
void finish(workstream_ptr self, std::string final_state, std::string reason,
            bool retryable = false) {
  auto& st = self->state;
  st.outcome.node = st.args.node;
  st.outcome.workstream_id = st.args.ctx->spec(st.args.node).id;
  st.outcome.final_state = std::move(final_state);
  st.outcome.reason = std::move(reason);
  st.outcome.attempts = st.args.attempt;
  st.outcome.retryable = retryable;
  // The worktree is idle before anyone hears of the outcome: the next
  // workstream on this worker must find it, not make another (its prepare
  // waits for the adapter's cleanup, which follows when the adapter exits).
  if (!st.worktree.empty())
    st.args.ctx->worktrees->release(st.worktree, st.lease_id);
  self->send(st.args.supervisor, st.outcome);
  if (st.adapter)
    self->send_exit(st.adapter, caf::exit_reason::user_shutdown);
  self->quit();
}

std::map<std::string, std::string> wt_env(const run_context& ctx,
                                          const config::workstream_spec& ws) {
  return engine::workstream_env(ws, ctx.run_id, ctx.logs_dir);
}

/// The tool's own limit applies to every step (a run never has an unknown
/// tool: validation refuses it; the default spec is only a guard).
std::int64_t timeout_ms(const run_context& ctx, const config::workstream_spec& ws) {
  const auto* tool = ctx.tools.find(ws.tool_id);
  auto limit = engine::step_timeout(tool ? *tool : config::tool_spec{}, ws);
  return std::chrono::duration_cast<std::chrono::milliseconds>(limit).count();
}

void submit(workstream_ptr self) {
  auto& st = self->state;
  const auto& ctx = *st.args.ctx;
  const auto& ws = ctx.spec(st.args.node);
  msg::patch_request r;
  r.run_id = ctx.run_id;
  r.workstream_id = ws.id;
  r.title = ws.title;
  r.patch_id = ledger::make_patch_id(ctx.run_id, ws.id, st.args.attempt);
  r.attempt = st.args.attempt;
  r.diff = st.diff;
  r.allowed_paths = ws.allowed_paths;
  r.verify_commands = ws.static_checks;
  r.verify_commands.insert(r.verify_commands.end(), ws.commands.begin(), ws.commands.end());
  r.verify_timeout_ms = timeout_ms(ctx, ws);
  r.verify_log = ctx.log_path(ws.id, "verify", st.args.attempt).string();
  r.env = wt_env(ctx, ws);
  self->request(st.args.ledger, caf::infinite, std::move(r))
      .then(
          [=](const msg::patch_verdict& v) {
            self->state.outcome.commit_sha = v.commit_sha;
            self->state.outcome.head_seq = v.head_seq;
            if (v.empty)
              finish(self, "skipped", "the tool changed nothing");
            else if (v.interrupted)
              finish(self, "interrupted", v.reason);
            else if (v.final_state == "committed")
              finish(self, "committed",
                     v.already_committed ? "already on the integration branch" : "");
            else
              finish(self, "quarantined", v.reason);
          },
          [=](const caf::error& e) {
            finish(self, "failed", "the patch ledger failed: " + caf::to_string(e));
          });
}

void run_check(workstream_ptr self, const std::string& step);

void after_check(workstream_ptr self, const std::string& step) {
  if (step == "static")
    run_check(self, "runtime");
  else
    submit(self);
}

void run_check(workstream_ptr self, const std::string& step) {
  auto& st = self->state;
  const auto& ctx = *st.args.ctx;
  const auto& ws = ctx.spec(st.args.node);
  const auto& commands = step == "static" ? ws.static_checks : ws.commands;
  if (commands.empty())
    return after_check(self, step);
  auto log = ctx.log_path(ws.id, step, st.args.attempt).string();
  step_begin(self, step, log);
  msg::check_request r{step, commands, wt_env(ctx, ws), timeout_ms(ctx, ws), log};
  self->request(st.adapter, caf::infinite, std::move(r))
      .then(
          [=](const msg::check_result& c) {
            if (!c.passed) {
              step_end(self, step, "failed", c.exit_code, c.reason);
              return finish(self, "failed", step + " check failed: " + c.reason, true);
            }
            step_end(self, step, "succeeded", 0, "");
            after_check(self, step);
          },
          [=](const caf::error& e) {
            auto why = "the adapter failed: " + caf::to_string(e);
            step_end(self, step, "failed", std::nullopt, why);
            finish(self, "failed", why, true);
          });
}

void run_edit(workstream_ptr self) {
  auto& st = self->state;
  auto ctx = st.args.ctx;
  const auto& ws = ctx->spec(st.args.node);
  const auto* tool = ctx->tools.find(ws.tool_id);
  auto worktree = ctx->worktrees->lease(&st.lease_id);
  st.worktree = worktree;
  auto log = ctx->log_path(ws.id, "edit", st.args.attempt);
  engine::tool_run_context trc{ctx->run_id, worktree, ctx->logs_dir, log};
  auto cmd = engine::build_tool_command(*tool, ws, trc);
  step_begin(self, "edit", log.string());
  if (!cmd) {
    ctx->worktrees->give_back(worktree, "", {}, st.lease_id);
    step_end(self, "edit", "failed", std::nullopt, cmd.message());
    return finish(self, "quarantined", "cannot build the tool command: " + cmd.message());
  }
  st.adapter = spawn_adapter(self->system(), ctx, worktree, st.lease_id);
  msg::edit_request r;
  r.run_id = ctx->run_id;
  r.workstream_id = ws.id;
  r.attempt = st.args.attempt;
  r.base_commit = st.args.base_commit;
  r.argv = cmd->argv;
  r.env = cmd->env;
  r.timeout_ms = cmd->timeout.count();
  r.log_path = log.string();
  st.outcome.tool_called = true;
  self->request(st.adapter, caf::infinite, std::move(r))
      .then(
          [=](msg::edit_result& e) {
            auto& s = self->state;
            s.outcome.tool_called = e.tool_called();
            s.outcome.tool_ok = e.tool_ok();
            if (!e.ok()) {
              auto why = !e.error.empty() ? e.error : "the tool " + e.description;
              step_end(self, "edit", e.timed_out ? "timed_out" : "failed",
                       e.started && e.signal == 0 ? std::optional<std::int64_t>(e.exit_code)
                                                  : std::nullopt,
                       why);
              return finish(self, "failed", why, true);
            }
            step_end(self, "edit", "succeeded", 0, "");
            if (e.diff.empty()) {
              event(self, "empty_change");
              return finish(self, "skipped", "the tool changed nothing");
            }
            s.diff = std::move(e.diff);
            run_check(self, "static");
          },
          [=](const caf::error& err) {
            auto why = "the adapter failed: " + caf::to_string(err);
            step_end(self, "edit", "failed", std::nullopt, why);
            finish(self, "failed", why, true);
          });
}

} // namespace

msg::workstream_actor::behavior_type workstream_behavior(workstream_ptr self,
                                                         workstream_args args) {
  self->state.args = std::move(args);
  return {
      [=](msg::start_atom) {
        auto& a = self->state.args;
        const auto& ws = a.ctx->spec(a.node);
        self->send(a.db, persistence::workstream_state_changed{
                             a.ctx->run_id, ws.id, "running", a.attempt, iso8601_now(), {}});
        event(self, "workstream_started", json{{"attempt", a.attempt}, {"tool", ws.tool_id}});
        if (a.ctx->dry_run)
          return finish(self, "skipped", "dry run");
        run_edit(self);
      },
  };
}

} // namespace uet::actors
