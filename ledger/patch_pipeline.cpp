#include "ledger/patch_pipeline.h"

#include "base/clock.h"
#include "engine/acceptance.h"
#include "ledger/patch_check.h"

namespace uet::ledger {

namespace {

// Walks one patch through the state machine, refusing illegal moves: a bug
// here must never let a patch reach `committed` without being verified.
class walker {
public:
  walker(engine::environment& env, const patch_submission& s, patch_outcome& out,
         const patch_pipeline::transition_listener& l)
      : env_(env), s_(s), out_(out), listener_(l) {}

  /// False (with out.reason set) when the move is illegal: stop there.
  [[nodiscard]] bool to(patch_state next, std::string detail = {}) {
    if (!out_.transitions.empty() && !can_transition(out_.final_state, next)) {
      out_.reason = std::string("internal: illegal patch transition ") +
                    to_string(out_.final_state) + " -> " + to_string(next);
      return false;
    }
    out_.final_state = next;
    out_.transitions.push_back({next, iso8601(env_.wall_now()), std::move(detail)});
    if (listener_)
      listener_(s_, out_.transitions.back());
    return true;
  }

private:
  engine::environment& env_;
  const patch_submission& s_;
  patch_outcome& out_;
  const patch_pipeline::transition_listener& listener_;
};

std::string join_lines(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v)
    out += (out.empty() ? "" : "; ") + s;
  return out;
}

} // namespace

patch_outcome patch_pipeline::submit(const patch_submission& s) {
  patch_outcome out;
  auto& env = tree_.env();
  walker w(env, s, out, listener_);

  auto quarantine = [&](std::string reason, std::vector<std::string> details) {
    out.reason = std::move(reason);
    out.details = std::move(details);
    quarantine_record rec{s.patch_id, s.run_id,    s.workstream_id,        s.attempt,
                          out.reason, out.details, iso8601(env.wall_now())};
    if (auto st = store_.quarantine(rec, s.diff); !st)
      out.details.push_back("could not write the quarantine record: " + st.message());
    // From any state but a terminal one; the walker refuses nothing else.
    (void)w.to(patch_state::quarantined, out.reason);
    return out;
  };

  // A failure after the tree changed: roll it back first (saying so if that
  // fails too, since the next patch would then meet a dirty tree).
  auto quarantine_after_reset = [&](std::string reason, std::vector<std::string> details) {
    if (auto st = tree_.reset(); !st)
      details.push_back("resetting the integration tree failed: " + st.message());
    return quarantine(std::move(reason), std::move(details));
  };

  auto check = check_patch(s.diff, s.allowed_paths);
  if (check.outcome == check_outcome::empty) {
    out.empty = true;
    return out;
  }
  bool recovering = s.resume_from && (*s.resume_from == patch_state::applied ||
                                      *s.resume_from == patch_state::verified);
  if (recovering) {
    // The run died between apply and commit; opening the tree reset it, so
    // the patch goes back to the queue (the recovery edge).
    out.final_state = *s.resume_from;
    out.transitions.push_back({*s.resume_from, iso8601(env.wall_now()), "resumed"});
    if (!w.to(patch_state::queued, "re-queued after a restart"))
      return out;
  } else if (!w.to(patch_state::created)) {
    return out;
  }
  if (auto st = store_.save_patch(s.patch_id, s.diff); !st)
    return quarantine("cannot store the patch: " + st.message(), {});
  // A resumed patch is checked again too: its content comes back from the
  // database and allowed_paths from files that may have changed since, and
  // nothing out of scope is ever applied (invariant 2).
  if (check.outcome == check_outcome::rejected)
    return quarantine("the patch is outside the workstream's scope or unsafe: " +
                          join_lines(check.reasons),
                      check.reasons);
  if (!recovering && !(w.to(patch_state::validated) && w.to(patch_state::queued)))
    return out;

  // Exactly once: the branch, not the database, is the truth about what is in.
  if (auto commits = tree_.commits_of(s.patch_id); !commits.empty()) {
    out.already_committed = true;
    out.commit_sha = commits.front();
    (void)(w.to(patch_state::applied, "already on the integration branch") &&
           w.to(patch_state::verified, "already on the integration branch") &&
           w.to(patch_state::committed, out.commit_sha));
    return out;
  }

  // Nothing but this ledger may move the branch: a patch is applied to, and
  // committed on, the head the ledger left (and nothing foreign goes in).
  auto guard = [&]() -> bool {
    auto note = tree_.guard_head();
    if (note && !note->empty())
      out.branch_restored += (out.branch_restored.empty() ? "" : "; ") + *note;
    if (!note) {
      // The patch may be applied already: nothing of it may stay behind.
      auto reset = tree_.reset();
      quarantine("the integration branch is not where the ledger left it: " + note.message() +
                     (reset ? "" : "; resetting the tree failed: " + reset.message()),
                 {});
    }
    return note.ok();
  };
  if (!guard())
    return out;

  auto stopped = [&] { return s.cancel && s.cancel->load(); };
  if (stopped()) {
    out.interrupted = true;
    out.reason = "interrupted before it was applied; it stays queued";
    return out;
  }

  auto applied = tree_.apply(s.diff);
  if (!applied.applied) {
    auto details = applied.conflicts;
    if (details.empty())
      details.push_back(applied.message);
    return quarantine("the patch does not apply to the integration branch: " +
                          join_lines(applied.conflicts.empty()
                                         ? std::vector<std::string>{applied.message}
                                         : applied.conflicts),
                      details);
  }
  if (!w.to(patch_state::applied))
    return out;
  // The commit must be exactly the validated patch: acceptance commands run
  // in this tree and may stage files of their own (a formatter, a
  // `git add` in a script), which `git commit` would take along.
  std::string applied_tree;
  if (!s.verify_commands.empty()) {
    auto t = tree_.index_tree();
    if (!t)
      return quarantine_after_reset("cannot record the applied tree: " + t.message(), {});
    applied_tree = *t;
  }

  engine::acceptance_request req{
      s.verify_commands, tree_.config().worktree, s.verify_log, s.verify_timeout, s.env, s.cancel};
  auto verified = engine::run_acceptance(env, req);
  if (!verified.passed && (verified.cancelled || stopped())) {
    // Ctrl-C killed the commands (or made them fail): no verdict on the
    // patch itself. Roll back and go back to the queue (the recovery edge).
    out.interrupted = true;
    out.reason = "interrupted while verifying on the integration branch; it stays queued";
    if (auto st = tree_.reset(); !st)
      out.details.push_back("could not reset the integration tree: " + st.message());
    (void)w.to(patch_state::queued, "interrupted while verifying; the tree was rolled back");
    return out;
  }
  if (!verified.passed)
    return quarantine_after_reset("acceptance failed on the integration branch: " + verified.reason,
                                  {verified.failed_command});
  if (!w.to(patch_state::verified))
    return out;
  // Verification takes time, and a tool may move the branch meanwhile.
  // Putting it back resets this tree: the applied tree is restored below,
  // or, with no verification (none recorded), the patch applied again.
  auto restores = out.branch_restored.size();
  if (!guard())
    return out;
  if (out.branch_restored.size() != restores && applied_tree.empty())
    if (auto again = tree_.apply(s.diff); !again.applied)
      return quarantine("the patch no longer applies after the branch was put back: " +
                            again.message,
                        again.conflicts);
  if (!applied_tree.empty())
    if (auto st = tree_.restore_index(applied_tree); !st)
      return quarantine_after_reset("cannot restore the applied tree: " + st.message(), {});

  auto sha =
      tree_.commit(commit_message(s.workstream_id, s.title, s.run_id, s.patch_id), s.patch_id);
  // Verification may leave build products behind; the next patch starts
  // clean. With no commands, `git apply --index` + commit left the tree equal
  // to the new head, and the reset (two git processes) is skipped.
  if (!sha)
    return quarantine_after_reset("git commit failed: " + sha.message(), {});
  if (!s.verify_commands.empty())
    if (auto st = tree_.reset(); !st)
      out.details.push_back("resetting the tree after the commit failed: " + st.message() +
                            " (the next patch's apply will say if it matters)");
  out.commit_sha = *sha;
  (void)w.to(patch_state::committed, out.commit_sha); // verified -> committed is always legal
  return out;
}

} // namespace uet::ledger
