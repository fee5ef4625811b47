// The workstream actor's patch on its way through the ledger's gate: joined,
// tested on each commit the gate gives (its future tree; again after a
// reset), and ended by the gate's verdict.
#include <caf/all.hpp>

#include "actors/record_rows.h"
#include "actors/workstream_steps.h"
#include "ledger/patch_store.h"

namespace uet::actors::detail {

namespace {

void run_test(workstream_ptr self, const msg::patch_news& n);

void report(workstream_ptr self, bool passed, std::string reason, std::string failed_command,
            std::string tested_by) {
  auto& st = self->state;
  st.phase = attempt_phase::waiting;
  self->send(st.args.ledger,
             msg::patch_tested{st.test.patch_id, st.test.epoch, passed, std::move(reason),
                               std::move(failed_command), std::move(tested_by)});
}

/// A newer commit to test came while a test ran: that test's result is moot.
bool start_next(workstream_ptr self) {
  auto& st = self->state;
  if (!st.next)
    return false;
  auto n = std::move(*st.next);
  st.next.reset();
  run_test(self, n);
  return true;
}

/// The commit a test runs on, and whether the worktree must be made a
/// checkout of it (else it holds it: the capture, on the same base).
struct test_tree {
  std::string commit;
  bool check_out = false;
};

void run_check(workstream_ptr self, step_kind step, test_tree tree);

void on_check(workstream_ptr self, step_kind step, const msg::check_result& c) {
  auto& st = self->state;
  auto test = st.test.epoch;
  if (cancelled(self) || c.cancelled) {
    // The gate, cancelled too, ends the attempt.
    step_end(self, step, step_state::cancelled, std::nullopt, c.reason, test);
    st.phase = attempt_phase::cancelling;
    return;
  }
  if (!c.passed) {
    step_end(self, step, step_state::failed, c.exit_code, c.reason, test);
    st.outcome.detail = c.tail;
    if (start_next(self))
      return;
    return report(self, false,
                  "acceptance failed on its future tree (" + st.test.commit.substr(0, 12) +
                      "): " + to_string(step) + " check failed: " + c.reason,
                  c.failed_command, "");
  }
  step_end(self, step, step_state::succeeded, 0, "", test);
  if (start_next(self))
    return;
  if (step == step_kind::static_checks && !spec_of(self).commands.empty())
    return run_check(self, step_kind::runtime, {st.test.commit, false});
  const auto& a = st.args; // the last step that ran verified it
  report(self, true, "", "",
         step_attempt_id(a.ctx->run_id, spec_of(self).id, step, a.attempt, test));
}

void run_check(workstream_ptr self, step_kind step, test_tree tree) {
  const auto& ws = spec_of(self);
  const auto& commands = step == step_kind::static_checks ? ws.static_checks : ws.commands;
  if (commands.empty()) {
    if (step == step_kind::static_checks) // no static checks: the runtime ones
      return run_check(self, step_kind::runtime, std::move(tree));
    return report(self, true, "", "", ""); // unreachable: run_test and on_check saw commands
  }
  auto test = self->state.test.epoch;
  auto log = log_of(self, to_string(step));
  step_begin(self, step, log, test);
  msg::check_request r{step,           commands,
                       wt_env(self),   timeout_ms(self),
                       std::move(log), std::move(tree.commit),
                       tree.check_out, sandbox_of(self)};
  self->request(self->state.adapter, caf::infinite, std::move(r))
      .then([=](const msg::check_result& c) { on_check(self, step, c); },
            [=](const caf::error& e) {
              auto why = "the adapter failed: " + caf::to_string(e);
              step_end(self, step, step_state::failed, std::nullopt, why, test);
              // A newer tree came meanwhile: the gate waits for its result,
              // not this moot one (a dead adapter fails that one too).
              if (!start_next(self))
                report(self, false, why, "", "");
            });
}

void run_test(workstream_ptr self, const msg::patch_news& n) {
  auto& st = self->state;
  const auto& ws = spec_of(self);
  st.test = n;
  st.next.reset();
  // Right after the edit the worktree holds its base plus the change: the
  // commit to test when the gate put the patch on that same base.
  test_tree tree{n.commit, st.worktree_at != n.parent};
  if (!ws.has_acceptance()) {
    // Nothing to run: any tree passes. The adapter hears which commit its
    // worktree holds, if it does, so the next attempt there need not check
    // one out.
    if (st.adapter && !tree.check_out)
      self->request(st.adapter, caf::infinite,
                    msg::check_request{step_kind::runtime, {}, {}, 0, "", n.commit, false})
          .then([](const msg::check_result&) {}, [](const caf::error&) {});
    return report(self, true, "", "", "");
  }
  if (!st.adapter && !start_adapter(self))
    return;
  st.phase = attempt_phase::testing;
  st.worktree_at = n.commit;
  run_check(self, step_kind::static_checks, std::move(tree));
}

std::string conflict_text(const msg::patch_news& n) {
  auto text = n.reason;
  for (const auto& d : n.details)
    text += "\n" + d;
  return text;
}

} // namespace

void join(workstream_ptr self, std::optional<patch_state> resume_from) {
  auto& st = self->state;
  const auto& ctx = *st.args.ctx;
  const auto& ws = spec_of(self);
  st.phase = attempt_phase::joining;
  msg::patch_request r;
  r.run_id = ctx.run_id;
  r.workstream_id = ws.id;
  r.title = ws.title;
  r.patch_id = ledger::make_patch_id(ctx.run_id, ws.id, st.args.attempt);
  r.attempt = st.args.attempt;
  r.diff = std::move(st.diff); // the ledger keeps it from here (patches/<id>.diff)
  r.diff_file = st.diff_file;
  r.allowed_paths = ws.allowed_paths;
  r.verify_always = ws.verify.value_or(ctx.project.verify) == verify_mode::always;
  if (r.verify_always) {
    r.verify_commands = ws.static_checks;
    r.verify_commands.insert(r.verify_commands.end(), ws.commands.begin(), ws.commands.end());
    r.verify_timeout_ms = timeout_ms(self);
    r.verify_log = log_of(self, "verify");
    r.env = wt_env(self);
    r.sandbox = sandbox_of(self);
  }
  r.resume_from = resume_from;
  r.input = st.args.input;
  r.after = st.args.after;
  if (!resume_from) { // a resumed patch's tree is not known
    r.base_commit = st.args.base_commit;
    r.result_tree = st.result_tree;
  }
  self->send(st.args.ledger, std::move(r));
}

void on_news(workstream_ptr self, msg::patch_news& n) {
  auto& st = self->state;
  if (st.phase == attempt_phase::finished)
    return;
  switch (n.kind) {
  case gate_news_kind::test:
    if (cancelled(self))
      return; // the ledger's `interrupted` follows
    // Its dependents may start their edit on this commit.
    self->send(st.args.supervisor,
               msg::ws_speculation{st.args.node, true, n.patch_id, n.commit, n.order});
    if (st.phase == attempt_phase::testing) {
      st.next = std::move(n);
      return;
    }
    return run_test(self, n);
  case gate_news_kind::committed:
    st.outcome.commit_sha = n.commit;
    st.outcome.head_seq = n.head_seq;
    return finish(self, attempt_result::committed,
                  n.already_committed ? "already on the integration branch" : "");
  case gate_news_kind::empty:
    return finish(self, attempt_result::skipped, "the tool changed nothing");
  case gate_news_kind::refused:
    return finish(self, attempt_result::quarantined, n.reason);
  case gate_news_kind::failed:
    return finish(self, attempt_result::failed, n.reason, true);
  case gate_news_kind::conflict:
    st.outcome.conflict = conflict_text(n);
    st.outcome.retry_base = n.parent;
    return finish(self, attempt_result::failed, n.reason, true);
  case gate_news_kind::interrupted:
    return finish(self, attempt_result::interrupted, n.reason);
  case gate_news_kind::orphaned:
    st.outcome.orphaned = true;
    return finish(self, attempt_result::failed, n.reason, true);
  }
}

} // namespace uet::actors::detail
