#include "actors/adapter_actor.h"

#include <atomic>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "base/files.h"
#include "engine/acceptance.h"
#include "engine/subprocess.h"
#include "ledger/tool_sandbox.h"

namespace uet::actors {

namespace {

using stop_flag = std::shared_ptr<std::atomic<bool>>;

/// Whole milliseconds of a duration, for the debug timings.
template <class Duration>
long long ms(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

struct worker_state {
  engine::environment* env = nullptr;
  std::shared_ptr<ledger::attempt_workspace> workspace; ///< gives the worktree back when it goes
  std::shared_ptr<ledger::git_dir_guard> guard;         ///< may be null
  stop_flag stop;
  static inline const char* name = "adapter-worker";
};

using worker_ptr = msg::adapter_worker_actor::stateful_pointer<worker_state>;

void copy_process(const engine::process_result& pr, msg::edit_result& res) {
  res.started = pr.started;
  res.exit_code = pr.exit_code;
  res.signal = pr.signal;
  res.timed_out = pr.timed_out;
  res.cancelled = pr.cancelled;
  res.elapsed_ms = pr.elapsed.count();
  res.description = pr.describe();
}

/// What the tool did that its sandbox stopped (or, without one, undid):
/// "" when nothing.
std::string sandbox_breach(const std::string& denied, ledger::tool_sandbox& box) {
  std::string files;
  for (const auto& f : box.tampered())
    files += (files.empty() ? "" : ", ") + f;
  if (!files.empty())
    return "the tool changed the files that point its worktree at the repository: " + files +
           "; put back as they were";
  if (!denied.empty())
    return "the sandbox denied a write to " + denied +
           ": a tool may write only in its worktree, its TMPDIR and the paths its tools.yaml "
           "entry declares (sandbox.write)";
  return {};
}

msg::edit_result run_edit(worker_state& st, const msg::edit_request& r) {
  msg::edit_result res;
  auto t0 = std::chrono::steady_clock::now();
  if (auto ready = st.workspace->prepare(r.base_commit); !ready) {
    res.error = ready.message();
    return res;
  }
  res.worktree_ok = true;
  engine::process_request p;
  p.argv = r.argv;
  p.cwd = st.workspace->path();
  p.env.insert(r.env.begin(), r.env.end());
  p.timeout = std::chrono::milliseconds(r.timeout_ms);
  p.output_file = r.log_path;
  p.max_output_bytes = static_cast<std::size_t>(r.max_output_bytes);
  p.limits = r.limits;
  p.cancel = st.stop.get();
  p.contain = engine::default_containment(); // what it starts ends with the step
  if (!r.log_path.empty()) {
    std::error_code ec; // a missing directory shows as the tool's output error
    std::filesystem::create_directories(std::filesystem::path(r.log_path).parent_path(), ec);
  }
  auto box = ledger::tool_sandbox::open(st.workspace->path(), r.sandbox);
  if (!box) {
    res.error = "cannot set up the tool's sandbox: " + box.message();
    return res;
  }
  p.sandbox = (*box)->rules();
  for (const auto& [k, v] : (*box)->env())
    p.env[k] = v;
  auto t1 = std::chrono::steady_clock::now();
  auto guard_id = st.guard ? st.guard->begin() : 0;
  auto pr = st.env->run_process(p);
  copy_process(pr, res);
  if (auto why = sandbox_breach(pr.denied, **box); !why.empty()) {
    if (st.guard)
      (void)st.guard->end(guard_id);
    res.refused = why; // another attempt would try the same
    return res;
  }
  if (auto planted = st.guard ? st.guard->end(guard_id) : std::vector<std::string>{};
      !planted.empty()) {
    std::string files;
    for (const auto& f : planted)
      files += (files.empty() ? "" : ", ") + f;
    res.refused = "while the tool ran, the repository's git directory (" +
                  st.guard->dir().string() + ") changed: " + files +
                  "; put back as it was. A tool may write only in its worktree (every tool "
                  "running at the time is held responsible)";
    return res;
  }
  if (!pr.ok()) {
    res.tail = r.log_path.empty() ? last_lines(pr.output) : file_last_lines(r.log_path);
    return res;
  }
  auto t2 = std::chrono::steady_clock::now();
  ledger::admission_rules rules{r.admit_limits, r.allow_submodules, r.diff_spill, r.diff_keep};
  auto diff = st.workspace->capture(&rules);
  spdlog::debug("edit {}.{}: prepare {} ms, tool {} ms, capture {} ms", r.workstream_id, r.attempt,
                ms(t1 - t0), ms(t2 - t1), ms(std::chrono::steady_clock::now() - t2));
  if (!diff && diff.error().kind == error_kind::refused)
    res.refused = diff.message(); // quarantined: another attempt would make the same
  else if (!diff)
    res.error = diff.message();
  else if (!diff->file.empty())
    res.diff_file = diff->file.string(); // a big diff travels as its file
  else
    res.diff = std::move(diff->text);
  if (!res.diff.empty())
    res.result_tree = st.workspace->result_tree();
  return res;
}

msg::check_result run_check(worker_state& st, const msg::check_request& r) {
  if (r.commands.empty()) {
    if (!r.check_out && !r.commit.empty())
      st.workspace->holds(r.commit);
    return msg::check_result{true, 0, "", "", false};
  }
  // Acceptance sees exactly the commit: its tree, nothing outside its index.
  auto t0 = std::chrono::steady_clock::now();
  if (auto at = r.commit.empty() ? status{} : st.workspace->ready_to_test(r.commit, !r.check_out);
      !at)
    return msg::check_result{false, -1, "", at.message(), false};
  auto t1 = std::chrono::steady_clock::now();
  auto box = ledger::tool_sandbox::open(st.workspace->path(), r.sandbox);
  if (!box)
    return msg::check_result{false, -1, "", "cannot set up the sandbox: " + box.message(), false};
  engine::acceptance_request req{
      r.commands, st.workspace->path(), r.log_path,     std::chrono::milliseconds(r.timeout_ms),
      r.env,      st.stop.get(),        (*box)->rules()};
  for (const auto& [k, v] : (*box)->env())
    req.env[k] = v;
  // What the commands leave is cleared when the worktree is given back
  // (attempt_workspace::commands_ran says how thoroughly).
  st.workspace->commands_starting();
  auto a = engine::run_acceptance(*st.env, req);
  st.workspace->commands_ran();
  // Only a tampered pointer file here: a denied write is in a.reason already.
  if (auto why = sandbox_breach("", **box); !why.empty())
    return msg::check_result{false, -1, "", why, false};
  spdlog::debug("check {} {}: ready {} ms ({}), commands {} ms", r.commit.substr(0, 12),
                to_string(r.step), ms(t1 - t0), r.check_out ? "checkout" : "holds it",
                ms(std::chrono::steady_clock::now() - t1));
  return msg::check_result{a.passed, a.exit_code, a.failed_command, a.reason, a.cancelled, a.tail};
}

msg::adapter_worker_actor::behavior_type
worker_behavior(worker_ptr self, engine::environment* env,
                std::shared_ptr<ledger::attempt_workspace> workspace,
                std::shared_ptr<ledger::git_dir_guard> guard, stop_flag stop) {
  self->state.env = env;
  self->state.workspace = std::move(workspace);
  self->state.guard = std::move(guard);
  self->state.stop = std::move(stop);
  return {
      [=](const msg::edit_request& r) { return run_edit(self->state, r); },
      [=](const msg::check_request& r) { return run_check(self->state, r); },
  };
}

struct adapter_state {
  msg::adapter_worker_actor worker;
  stop_flag stop = std::make_shared<std::atomic<bool>>(false);
  ~adapter_state() {
    // However the attempt ends, nothing it started outlives it.
    if (stop)
      stop->store(true);
  }
  static inline const char* name = "adapter";
};

using adapter_ptr = msg::adapter_actor::stateful_pointer<adapter_state>;

msg::adapter_actor::behavior_type adapter_behavior(adapter_ptr self, engine::environment* env,
                                                   std::shared_ptr<ledger::attempt_workspace> ws,
                                                   std::shared_ptr<ledger::git_dir_guard> guard,
                                                   stop_flag stop) {
  if (stop)
    self->state.stop = std::move(stop);
  self->state.worker = self->spawn<caf::detached + caf::linked>(worker_behavior, env, std::move(ws),
                                                                std::move(guard), self->state.stop);
  return {
      [=](msg::edit_request& r) { return self->delegate(self->state.worker, std::move(r)); },
      [=](msg::check_request& r) { return self->delegate(self->state.worker, std::move(r)); },
      [=](msg::cancel_atom) { self->state.stop->store(true); },
  };
}

} // namespace

msg::adapter_actor spawn_local_adapter(caf::local_actor& parent, engine::environment& env,
                                       std::shared_ptr<ledger::attempt_workspace> workspace,
                                       std::shared_ptr<ledger::git_dir_guard> guard,
                                       stop_flag stop) {
  return parent.spawn<caf::linked>(adapter_behavior, &env, std::move(workspace), std::move(guard),
                                   std::move(stop));
}

} // namespace uet::actors
