#include "actors/workstream_actor.h"

#include <caf/all.hpp>

#include "actors/executor.h"
#include "actors/records.h"
#include "actors/workstream_steps.h"
#include "base/clock.h"
#include "base/files.h"
#include "config/patch_limits.h"
#include "engine/tool_command.h"
#include "ledger/object_store.h"
#include "ledger/patch_store.h"

namespace uet::actors {

namespace detail {

const config::workstream_spec& spec_of(workstream_ptr self) {
  return self->state.args.ctx->spec(self->state.args.node);
}

void event(workstream_ptr self, ev::body body) {
  const auto& a = self->state.args;
  self->send(a.db, make_event(a.ctx->run_id, spec_of(self).id, std::move(body)));
}

std::string log_of(workstream_ptr self, const char* name) {
  const auto& a = self->state.args;
  return a.ctx->log_path(spec_of(self).id, name, a.attempt).string();
}

void step_begin(workstream_ptr self, step_kind step, const std::string& log, std::uint64_t test) {
  const auto& a = self->state.args;
  // A remote attempt's edit runs on its node; its checks run here, where
  // the ledger commits what they verified.
  auto node = step == step_kind::edit ? self->state.node : std::string();
  self->send(a.db, msg::step_begun{a.ctx->run_id, spec_of(self).id, step, a.attempt, iso8601_now(),
                                   log, test, std::move(node)});
}

void step_end(workstream_ptr self, step_kind step, step_state state,
              std::optional<std::int64_t> exit_code, const std::string& error, std::uint64_t test) {
  const auto& a = self->state.args;
  self->send(a.db, msg::step_ended{a.ctx->run_id, spec_of(self).id, step, a.attempt, state,
                                   exit_code, iso8601_now(), error, test});
  event(self, ev::step_finished{step, a.attempt, state, error});
}

void finish(workstream_ptr self, attempt_result result, std::string reason, bool retryable) {
  auto& st = self->state;
  st.phase = attempt_phase::finished;
  st.outcome.node = st.args.node;
  st.outcome.result = result;
  st.outcome.reason = std::move(reason);
  st.outcome.retryable = retryable;
  // What the next attempt may need at once (the worktree) is free before
  // anyone hears of this outcome.
  if (st.release)
    st.release();
  self->send(st.args.supervisor, st.outcome);
  if (st.adapter)
    self->send_exit(st.adapter, caf::exit_reason::user_shutdown);
  self->quit();
}

std::map<std::string, std::string> wt_env(workstream_ptr self) {
  const auto& ctx = *self->state.args.ctx;
  return engine::workstream_env(spec_of(self), ctx.run_id, ctx.logs_dir);
}

std::int64_t timeout_ms(workstream_ptr self) {
  // A run never has an unknown tool (validation refuses it); the default
  // spec is only a guard.
  const auto* tool = self->state.args.ctx->tools.find(spec_of(self).tool_id);
  auto limit = engine::step_timeout(tool ? *tool : config::tool_spec{}, spec_of(self));
  return std::chrono::duration_cast<std::chrono::milliseconds>(limit).count();
}

sandbox_policy sandbox_of(workstream_ptr self) {
  const auto& ctx = *self->state.args.ctx;
  const auto* tool = ctx.tools.find(spec_of(self).tool_id);
  return config::sandbox_of(tool ? *tool : config::tool_spec{}, ctx.project.sandbox);
}

bool cancelled(workstream_ptr self) {
  return self->state.phase == attempt_phase::cancelling;
}

bool start_adapter(workstream_ptr self, std::string* workspace) {
  auto& st = self->state;
  const auto& ws = spec_of(self);
  auto handle =
      st.args.ctx->executor->start(*self, {st.args.node, ws.id, st.args.attempt, ws.tool_id});
  if (!handle) {
    finish(self, attempt_result::failed, "cannot start the attempt: " + handle.message(), true);
    return false;
  }
  st.adapter = handle->adapter;
  st.release = std::move(handle->release);
  st.node = handle->node;
  if (workspace)
    *workspace = handle->workspace.string();
  return true;
}

} // namespace detail

namespace {

using namespace detail;

/// The tool changed nothing: whether the workstream is already done is for
/// its acceptance commands to say, on the worktree as the tool left it
/// (its base). Passing: skipped, already satisfied; failing: a failed
/// attempt - a tool that did nothing must not look like success.
void check_unchanged(workstream_ptr self, step_kind step) {
  const auto& ws = spec_of(self);
  const auto& commands = step == step_kind::static_checks ? ws.static_checks : ws.commands;
  if (commands.empty()) {
    if (step == step_kind::static_checks)
      return check_unchanged(self, step_kind::runtime);
    return finish(self, attempt_result::skipped,
                  "already satisfied: the tool changed nothing and its acceptance commands pass");
  }
  auto log = log_of(self, to_string(step));
  step_begin(self, step, log);
  msg::check_request r{step, commands, wt_env(self), timeout_ms(self),
                       log,  "",       false,        sandbox_of(self)};
  self->request(self->state.adapter, caf::infinite, std::move(r))
      .then(
          [=](const msg::check_result& c) {
            if (c.cancelled || cancelled(self)) {
              step_end(self, step, step_state::cancelled, std::nullopt, "stopped");
              return finish(self, attempt_result::interrupted, "stopped while checking");
            }
            if (!c.passed) {
              auto why = "the tool changed nothing, and its " + std::string(to_string(step)) +
                         " check failed: " + c.reason;
              self->state.outcome.detail = c.tail;
              step_end(self, step, step_state::failed, c.exit_code, c.reason);
              return finish(self, attempt_result::failed, why, true);
            }
            step_end(self, step, step_state::succeeded, 0, "");
            if (step == step_kind::static_checks)
              return check_unchanged(self, step_kind::runtime);
            finish(self, attempt_result::skipped,
                   "already satisfied: the tool changed nothing and its acceptance commands pass");
          },
          [=](const caf::error& err) {
            auto why = "the adapter failed: " + caf::to_string(err);
            step_end(self, step, step_state::failed, std::nullopt, why);
            finish(self, attempt_result::failed, why, true);
          });
}

void on_edit(workstream_ptr self, msg::edit_result& e) {
  auto& s = self->state;
  s.outcome.tool_called = e.tool_called();
  s.outcome.tool_ok = e.tool_ok();
  if (e.cancelled || (cancelled(self) && !e.ok())) {
    step_end(self, step_kind::edit, step_state::cancelled, std::nullopt, "stopped");
    return finish(self, attempt_result::interrupted, "the tool was stopped");
  }
  if (!e.lost_node.empty()) { // no verdict on the tool: it runs again elsewhere
    step_end(self, step_kind::edit, step_state::failed, std::nullopt, e.error);
    s.outcome.lost_node = e.lost_node; // tool_called() is false: no breaker call
    return finish(self, attempt_result::failed, e.error, true);
  }
  if (!e.refused.empty()) {
    step_end(self, step_kind::edit, step_state::failed, std::nullopt, e.refused);
    return finish(self, attempt_result::quarantined, e.refused);
  }
  if (!e.ok()) {
    auto why = !e.error.empty() ? e.error : "the tool " + e.description;
    if (auto last = last_lines(e.tail, 1, 200); e.error.empty() && !last.empty())
      why += ": " + last; // what it said last, not only its exit code
    s.outcome.detail = e.tail;
    step_end(self, step_kind::edit, e.timed_out ? step_state::timed_out : step_state::failed,
             e.started && e.signal == 0 ? std::optional<std::int64_t>(e.exit_code) : std::nullopt,
             why);
    return finish(self, attempt_result::failed, why, true);
  }
  step_end(self, step_kind::edit, step_state::succeeded, 0, "");
  if (e.diff.empty() && e.diff_file.empty()) {
    event(self, ev::empty_change{});
    if (!spec_of(self).has_acceptance())
      return finish(self, attempt_result::skipped, "the tool changed nothing");
    return check_unchanged(self, step_kind::static_checks);
  }
  if (cancelled(self))
    return finish(self, attempt_result::interrupted, "stopped before the patch went to the ledger");
  s.diff = std::move(e.diff);
  s.diff_file = std::move(e.diff_file);
  s.result_tree = std::move(e.result_tree);
  // A big patch (a file) is not hashed here: oscillation watches the rest.
  if (!s.diff.empty())
    s.outcome.patch = ledger::blob_id_of(s.diff);
  s.worktree_at = s.args.base_commit; // plus the change, staged
  join(self);
}

void run_edit(workstream_ptr self) {
  auto& st = self->state;
  const auto& ctx = *st.args.ctx;
  const auto& ws = spec_of(self);
  std::string workspace;
  if (!start_adapter(self, &workspace))
    return;
  st.phase = attempt_phase::editing;
  auto log = log_of(self, "edit");
  engine::tool_run_context trc{ctx.run_id, workspace, ctx.logs_dir, log, st.args.conflict};
  auto cmd = engine::build_tool_command(*ctx.tools.find(ws.tool_id), ws, trc);
  step_begin(self, step_kind::edit, log);
  if (!cmd) {
    step_end(self, step_kind::edit, step_state::failed, std::nullopt, cmd.message());
    return finish(self, attempt_result::quarantined,
                  "cannot build the tool command: " + cmd.message());
  }
  msg::edit_request r;
  r.run_id = ctx.run_id;
  r.workstream_id = ws.id;
  r.attempt = st.args.attempt;
  r.base_commit = st.args.base_commit;
  r.argv = cmd->argv;
  r.env = cmd->env;
  r.timeout_ms = cmd->timeout.count();
  r.log_path = log;
  r.max_output_bytes = static_cast<std::int64_t>(cmd->max_output_bytes);
  r.limits = cmd->limits;
  r.admit_limits = config::apply_override(ctx.project.patch_limits, ws.patch_limits);
  r.allow_submodules = ws.allow_submodules;
  r.sandbox = sandbox_of(self);
  r.tool_id = ws.tool_id;
  r.prompt = ws.prompt;
  r.scope = ws.allowed_paths;
  ledger::patch_store store(ctx.project.ledger_dir);
  auto patch_id = ledger::make_patch_id(ctx.run_id, ws.id, st.args.attempt);
  r.diff_spill = store.quarantine_diff_path(patch_id).string();
  r.diff_keep = store.patch_path(patch_id).string();
  st.outcome.tool_called = true;
  self->request(st.adapter, caf::infinite, std::move(r))
      .then([=](msg::edit_result& e) { on_edit(self, e); },
            [=](const caf::error& err) {
              auto why = "the adapter failed: " + caf::to_string(err);
              step_end(self, step_kind::edit, step_state::failed, std::nullopt, why);
              finish(self, attempt_result::failed, why, true);
            });
}

void start(workstream_ptr self) {
  auto& a = self->state.args;
  const auto& ws = spec_of(self);
  self->send(a.db, msg::ws_state_set{a.ctx->run_id, ws.id, ws_state::running, a.attempt,
                                     iso8601_now(), std::nullopt});
  event(self, ev::ws_started{a.attempt, ws.tool_id});
  if (auto why = a.ctx->executor->runs_nothing())
    return finish(self, attempt_result::skipped, *why);
  if (a.resubmit) { // the supervisor checked there is one
    // A killed run's patch: to the gate again, tested again on its new
    // future tree, without running the tool again.
    const auto& again = *a.ctx->resubmit[a.node];
    self->state.diff = again.diff;
    self->state.diff_file = again.diff_file;
    return join(self, again.state);
  }
  run_edit(self);
}

void cancel(workstream_ptr self) {
  auto& st = self->state;
  switch (st.phase) {
  case attempt_phase::idle:
    return finish(self, attempt_result::interrupted, "stopped before it started");
  case attempt_phase::editing:
  case attempt_phase::testing:
    st.phase = attempt_phase::cancelling;
    if (st.adapter)
      self->send(st.adapter, msg::cancel_atom_v);
    return;
  case attempt_phase::joining: // the ledger, cancelled by the scheduler, says interrupted
  case attempt_phase::waiting:
    st.phase = attempt_phase::cancelling;
    return;
  case attempt_phase::cancelling:
  case attempt_phase::finished:
    return;
  }
}

} // namespace

msg::workstream_actor::behavior_type workstream_behavior(workstream_ptr self,
                                                         workstream_args args) {
  self->state.args = std::move(args);
  return {
      [=](msg::start_atom) {
        if (self->state.phase == attempt_phase::idle)
          start(self);
      },
      [=](msg::cancel_atom) { cancel(self); },
      [=](msg::patch_news& n) { on_news(self, n); },
  };
}

} // namespace uet::actors
