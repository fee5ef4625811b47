#include "ledger/patch_pipeline.h"
#include "ledger/tool_sandbox.h"

#include "base/clock.h"
#include "base/text.h"
#include "engine/acceptance.h"
#include "ledger/object_store.h"
#include "ledger/patch_check.h"

namespace uet::ledger {

namespace {

std::string shortened(const std::string& sha) {
  return sha.substr(0, 12);
}

} // namespace

bool patch_pipeline::move(const patch_submission& s, std::optional<patch_state>& state,
                          patch_state next, std::string detail, std::string by, std::string tree) {
  // A bug here must never let a patch reach `committed` without being verified.
  if (state && !can_transition(*state, next)) {
    if (s.patch_id == tracked_id_)
      tracked_.reason = std::string("internal: illegal patch transition ") + to_string(*state) +
                        " -> " + to_string(next);
    return false;
  }
  state = next;
  patch_transition t{next, iso8601(tree_.env().wall_now()), std::move(detail), std::move(by),
                     std::move(tree)};
  if (s.patch_id == tracked_id_) {
    tracked_.final_state = next;
    tracked_.transitions.push_back(t);
  }
  if (listener_)
    listener_(s, t);
  return true;
}

gate_news patch_pipeline::quarantine(const patch_submission& s, std::optional<patch_state>& state,
                                     gate_news_kind kind, std::string reason,
                                     std::vector<std::string> details) {
  quarantine_record rec{s.patch_id,
                        s.run_id,
                        s.workstream_id,
                        s.attempt,
                        reason,
                        details,
                        iso8601(tree_.env().wall_now())};
  if (auto st = store_.quarantine(rec, s.diff); !st)
    details.push_back("could not write the quarantine record: " + st.message());
  // From any state but a terminal one, and a quarantined patch has left the queue.
  (void)move(s, state, patch_state::quarantined, reason);
  gate_news n;
  n.patch_id = s.patch_id;
  n.kind = kind;
  n.reason = std::move(reason);
  n.details = std::move(details);
  return n;
}

gate_news patch_pipeline::join(patch_submission submitted) {
  gate_news news;
  news.patch_id = submitted.patch_id;
  auto check = submitted.diff_file.empty()
                   ? check_patch(submitted.diff, submitted.allowed_paths)
                   : check_patch_file(submitted.diff_file, submitted.allowed_paths);
  if (!submitted.diff_file.empty())
    submitted.diff_hash = blob_id_of_file(submitted.diff_file);
  if (check.outcome == check_outcome::empty)
    return news; // kind empty: no patch, no state
  entry e{std::move(submitted), std::nullopt, {}, 0, 0, {}, {}};
  for (const auto& f : check.files) {
    for (auto& p : touched_paths(f))
      e.paths.push_back(std::move(p));
    if (!f.new_path.empty() && !f.new_id.empty() && !f.new_mode.empty())
      e.written[f.new_path] = f.new_mode + " " + f.new_id;
  }
  const auto& s = e.s;
  bool recovering = s.resume_from && (*s.resume_from == patch_state::applied ||
                                      *s.resume_from == patch_state::verified);
  if (recovering) {
    // The run died after the patch was speculated; it goes back to the
    // queue (the recovery edge) and joins again.
    e.state = *s.resume_from;
    if (s.patch_id == tracked_id_)
      tracked_.transitions.push_back(
          {*s.resume_from, iso8601(tree_.env().wall_now()), "resumed", "", ""});
    if (!move(s, e.state, patch_state::queued, "re-queued after a restart"))
      return quarantine(s, e.state, gate_news_kind::refused, tracked_.reason, {});
  } else if (!move(s, e.state, patch_state::created)) {
    return quarantine(s, e.state, gate_news_kind::refused, "internal: cannot record it", {});
  }
  if (auto st = s.diff_file.empty() ? store_.save_patch(s.patch_id, s.diff)
                                    : store_.save_patch_file(s.patch_id, s.diff_file);
      !st)
    return quarantine(s, e.state, gate_news_kind::refused,
                      "cannot store the patch: " + st.message(), {});
  // From here git reads it from patches/<id>.diff, and a quarantine copies
  // that file: a big patch is not held in memory while it waits in the queue.
  std::string().swap(e.s.diff);
  // A resumed patch is checked again too: its content comes back from the
  // database and allowed_paths from files that may have changed since, and
  // nothing out of scope is ever applied (invariant 2).
  if (check.outcome == check_outcome::malformed)
    // git diff made it, so it was damaged on its way here: the attempt
    // may run again (a scope violation may not).
    return quarantine(s, e.state, gate_news_kind::failed, joined(check.reasons, "; "),
                      check.reasons);
  if (check.outcome == check_outcome::rejected)
    return quarantine(s, e.state, gate_news_kind::refused,
                      "the patch is outside the workstream's scope or unsafe: " +
                          joined(check.reasons, "; "),
                      check.reasons);
  if (!recovering &&
      !(move(s, e.state, patch_state::validated) && move(s, e.state, patch_state::queued)))
    return quarantine(s, e.state, gate_news_kind::refused, tracked_.reason, {});
  // Exactly once: the branch, not the database, is the truth about what is in.
  if (auto commits = tree_.commits_of(s.patch_id); !commits.empty()) {
    (void)(move(s, e.state, patch_state::applied, "already on the integration branch") &&
           move(s, e.state, patch_state::verified, "already on the integration branch") &&
           move(s, e.state, patch_state::committed, commits.front()));
    news.kind = gate_news_kind::committed;
    news.commit_sha = commits.front();
    news.already_committed = true;
    return news;
  }
  if (stopped(s)) {
    news.kind = gate_news_kind::interrupted;
    news.reason = "interrupted before it was applied; it stays queued";
    return news;
  }
  if (auto missing = missing_before(e, queue_.size()); !missing.empty())
    return orphan(e, missing);
  e.order = ++joined_;
  news = speculate(e, queue_.empty() ? tree_.landed_head() : queue_.back().spec.commit);
  if (news.kind == gate_news_kind::test)
    queue_.push_back(std::move(e));
  return news;
}

gate_news patch_pipeline::speculate(entry& e, const std::string& parent) {
  const auto& s = e.s;
  if (tip_ != parent) {
    if (auto st = tree_.reset_speculation(parent); !st) {
      tip_.clear();
      return quarantine(s, e.state, gate_news_kind::failed,
                        "cannot prepare the speculation index: " + st.message(), {});
    }
    tip_ = parent;
  }
  apply_result conflict;
  patch_origin origin{s.base_commit, s.result_tree, e.paths, e.written};
  auto spec = tree_.speculate(
      parent, s.diff, commit_message(s.workstream_id, s.title, s.run_id, s.patch_id, s.input),
      conflict, s.patch_id, store_.patch_path(s.patch_id), // saved by join
      &origin);
  if (!spec) {
    tip_.clear(); // the index may hold half of it
    return quarantine(s, e.state, gate_news_kind::failed,
                      "cannot make its speculative commit: " + spec.message(), {});
  }
  if (!conflict.applied) {
    bool alone = parent == tree_.landed_head();
    auto details = conflict.conflicts.empty() ? std::vector<std::string>{conflict.message}
                                              : conflict.conflicts;
    auto n = quarantine(s, e.state, gate_news_kind::conflict,
                        std::string("the patch does not apply to the integration branch") +
                            (alone ? "" : " with the patches queued ahead of it") + ": " +
                            joined(details, "; "),
                        details);
    n.spec.parent = parent; // where a new attempt can start
    return n;
  }
  e.spec = *spec;
  ++e.epoch;
  tip_ = spec->commit;
  if (!move(s, e.state, patch_state::applied,
            "speculative commit " + spec->commit + " on " + shortened(parent)))
    return quarantine(s, e.state, gate_news_kind::refused, tracked_.reason, {});
  gate_news n;
  n.patch_id = s.patch_id;
  n.kind = gate_news_kind::test;
  n.spec = e.spec;
  n.epoch = e.epoch;
  n.order = e.order;
  return n;
}

std::string patch_pipeline::missing_before(const entry& e, std::size_t k) const {
  for (const auto& id : e.s.after) {
    if (landed_.count(id) == 0 && position_of(id) >= k &&
        tree_.commits_of(id).empty()) // landed by an earlier run
      return id;
  }
  return {};
}

gate_news patch_pipeline::orphan(entry& e, const std::string& missing) {
  return quarantine(e.s, e.state, gate_news_kind::orphaned,
                    "its dependency's patch " + missing +
                        " left the gate without landing, and this patch was made on it",
                    {missing});
}

std::vector<gate_news> patch_pipeline::reset_from(std::size_t k) {
  std::vector<gate_news> out;
  // Stopping: no new speculation (tests nobody waits for); interrupt()
  // reports what stays queued.
  if (k < queue_.size() && stopped(queue_[k].s))
    return out;
  std::string parent = k == 0 ? tree_.landed_head() : queue_[k - 1].spec.commit;
  for (std::size_t j = k; j < queue_.size();) {
    auto& e = queue_[j];
    if (auto missing = missing_before(e, j); !missing.empty()) {
      out.push_back(orphan(e, missing));
      queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(j));
      continue;
    }
    if (!move(e.s, e.state, patch_state::queued, "reset: the tree ahead of it changed")) {
      out.push_back(quarantine(e.s, e.state, gate_news_kind::refused, tracked_.reason, {}));
      queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(j));
      continue;
    }
    auto n = speculate(e, parent);
    if (n.kind == gate_news_kind::test) {
      parent = e.spec.commit;
      ++j;
    } else {
      queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(j));
    }
    out.push_back(std::move(n));
  }
  return out;
}

std::size_t patch_pipeline::position_of(const std::string& patch_id) const {
  std::size_t k = 0;
  while (k < queue_.size() && queue_[k].s.patch_id != patch_id)
    ++k;
  return k;
}

std::vector<gate_news> patch_pipeline::drop(std::size_t k, gate_news why) {
  std::vector<gate_news> out{std::move(why)};
  queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(k));
  auto reset = reset_from(k);
  out.insert(out.end(), reset.begin(), reset.end());
  return out;
}

std::vector<gate_news> patch_pipeline::tested(const std::string& patch_id, std::uint64_t epoch,
                                              const test_report& r) {
  auto k = position_of(patch_id);
  if (k == queue_.size() || queue_[k].epoch != epoch)
    return {}; // gone, or a test of a speculation since reset: a newer test follows
  auto& e = queue_[k];
  if (r.passed) {
    auto by = r.tested_by.empty() ? std::string("no acceptance commands") : r.tested_by;
    if (!move(e.s, e.state, patch_state::verified, "verified by " + by + " on tree " + e.spec.tree,
              by, e.spec.tree))
      return {};
    return land_ready();
  }
  return drop(k, quarantine(e.s, e.state, gate_news_kind::failed, r.reason,
                            r.failed_command.empty() ? std::vector<std::string>{}
                                                     : std::vector<std::string>{r.failed_command}));
}

std::vector<gate_news> patch_pipeline::withdraw(const std::string& patch_id,
                                                const std::string& why) {
  auto k = position_of(patch_id);
  if (k == queue_.size())
    return {};
  auto& e = queue_[k];
  return drop(k, quarantine(e.s, e.state, gate_news_kind::failed, "withdrawn: " + why, {}));
}

std::vector<gate_news> patch_pipeline::interrupt() {
  interrupted_ = true;
  std::vector<gate_news> out;
  for (const auto& e : queue_) {
    gate_news n;
    n.patch_id = e.s.patch_id;
    n.kind = gate_news_kind::interrupted;
    n.reason = std::string("interrupted before it was committed; it stays ") +
               to_string(e.state.value_or(patch_state::queued));
    out.push_back(std::move(n));
  }
  queue_.clear();
  return out;
}

std::vector<gate_news> patch_pipeline::land_ready() {
  std::vector<gate_news> out;
  while (!queue_.empty() && queue_.front().state == patch_state::verified &&
         !stopped(queue_.front().s)) {
    auto landed = land_front();
    out.insert(out.end(), landed.begin(), landed.end());
  }
  return out;
}

gate_news patch_pipeline::verify_here(entry& e, const std::string& failure_words) {
  gate_news n;
  n.patch_id = e.s.patch_id;
  if (auto st = tree_.check_out(e.spec.commit); !st)
    return quarantine(e.s, e.state, gate_news_kind::failed,
                      "cannot check out its commit to verify it: " + st.message(), {});
  auto box = tool_sandbox::open(tree_.config().worktree, e.s.sandbox);
  if (!box)
    return quarantine(e.s, e.state, gate_news_kind::failed,
                      "cannot set up the sandbox to verify it: " + box.message(), {});
  engine::acceptance_request req{
      e.s.verify_commands, tree_.config().worktree, e.s.verify_log, e.s.verify_timeout, e.s.env,
      e.s.cancel,          (*box)->rules()};
  for (const auto& [k, v] : (*box)->env())
    req.env[k] = v;
  auto verified = engine::run_acceptance(tree_.env(), req);
  if (auto moved = (*box)->tampered(); !moved.empty()) {
    verified.passed = false;
    verified.reason = "the commands changed the files that point the integration worktree at "
                      "the repository (" +
                      moved.front() + "); put back";
  }
  // Verification leaves build products behind; the next patch starts clean.
  auto clean = tree_.reset();
  if (!verified.passed && (verified.cancelled || stopped(e.s))) {
    // Ctrl-C killed the commands (or made them fail): no verdict on the
    // patch itself. Back to the queue (the recovery edge).
    (void)move(e.s, e.state, patch_state::queued,
               "interrupted while verifying; the tree was rolled back");
    n.kind = gate_news_kind::interrupted;
    n.reason = "interrupted while verifying on the integration branch; it stays queued";
    if (!clean)
      n.details.push_back("could not reset the integration tree: " + clean.message());
    return n;
  }
  if (!verified.passed)
    return quarantine(e.s, e.state, gate_news_kind::failed, failure_words + verified.reason,
                      {verified.failed_command});
  n.kind = gate_news_kind::test; // passed: the caller goes on
  return n;
}

std::vector<gate_news> patch_pipeline::land_front() {
  auto& e = queue_.front();
  auto leave = [&](gate_news n) { return drop(0, std::move(n)); };
  // Nothing but this ledger may move the branch (and nothing foreign goes in).
  std::string restored;
  auto guard = [&]() -> status {
    auto note = tree_.guard_head();
    if (!note)
      return note.error();
    if (!note->empty())
      restored += (restored.empty() ? "" : "; ") + *note;
    return {};
  };
  if (auto st = guard(); !st)
    return leave(
        quarantine(e.s, e.state, gate_news_kind::failed,
                   "the integration branch is not where the ledger left it: " + st.message(), {}));
  if (e.s.verify_always) {
    auto v = verify_here(e, "acceptance failed on the integration branch (verify: always): ");
    if (v.kind == gate_news_kind::interrupted) {
      queue_.pop_front(); // stays queued in the store; the rest is interrupt()'s
      return {std::move(v)};
    }
    if (v.kind != gate_news_kind::test)
      return leave(std::move(v));
    // Verification takes time, and a tool may move the branch meanwhile.
    if (auto st = guard(); !st)
      return leave(quarantine(e.s, e.state, gate_news_kind::failed,
                              "the integration branch moved during verification: " + st.message(),
                              {}));
  }
  auto landed = tree_.land(e.spec.commit, e.s.patch_id);
  if (!landed)
    if (auto st = guard(); st && !restored.empty())
      landed = tree_.land(e.spec.commit, e.s.patch_id); // moved in between: once more
  if (!landed)
    return leave(quarantine(e.s, e.state, gate_news_kind::failed,
                            "cannot move the integration branch to it: " + landed.message(), {}));
  // verified -> committed is always legal
  (void)move(e.s, e.state, patch_state::committed, e.spec.commit);
  landed_.insert(e.s.patch_id);
  gate_news n;
  n.patch_id = e.s.patch_id;
  n.kind = gate_news_kind::committed;
  n.commit_sha = e.spec.commit;
  n.branch_restored = std::move(restored);
  queue_.pop_front();
  return {std::move(n)};
}

patch_outcome patch_pipeline::submit(const patch_submission& s) {
  tracked_id_ = s.patch_id;
  tracked_ = patch_outcome{};
  auto n = join(s);
  std::vector<gate_news> after;
  if (n.kind == gate_news_kind::test) {
    auto& e = queue_.back();
    auto v = s.verify_commands.empty()
                 ? n
                 : verify_here(e, "acceptance failed on the integration branch: ");
    if (v.kind == gate_news_kind::test) {
      after = tested(s.patch_id, e.epoch, test_report{true, "", "", "the ledger"});
    } else {
      queue_.pop_back();
      n = v;
    }
  }
  for (auto& a : after)
    if (a.patch_id == s.patch_id)
      n = a;
  auto out = std::move(tracked_);
  tracked_id_.clear();
  out.empty = n.kind == gate_news_kind::empty;
  out.interrupted = n.kind == gate_news_kind::interrupted;
  out.already_committed = n.already_committed;
  out.commit_sha = n.commit_sha;
  out.branch_restored = n.branch_restored;
  if (!n.reason.empty())
    out.reason = n.reason;
  out.details.insert(out.details.end(), n.details.begin(), n.details.end());
  return out;
}

} // namespace uet::ledger
