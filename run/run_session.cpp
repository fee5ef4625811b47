#include "run/run_session.h"
#include "engine/sandbox.h"
#include "run/sandbox_check.h"

#include <algorithm>
#include <random>
#include <set>
#include <unordered_map>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/executor.h"
#include "actors/ledger_actor.h"
#include "base/clock.h"
#include "base/text.h"
#include "engine/orphans.h"
#include "engine/plan.h"
#include "ledger/git_dir_guard.h"
#include "ledger/object_store.h"
#include "ledger/workspace.h"
#include "persistence/state_reader.h"
#include "run/dependencies.h"

namespace uet::run {

namespace {

/// A stored patch to send again: its text, or its file if that still holds
/// what was stored (its git blob id, hashed from the file, never read in
/// whole); nullopt when there is nothing to send, and the attempt runs again.
std::optional<actors::resubmission> stored_patch(const persistence::patch_row& row, int attempt,
                                                 patch_state state) {
  if (!row.content.empty() || !row.content_file) {
    if (row.content.empty())
      return std::nullopt;
    return actors::resubmission{attempt, state, row.content, {}};
  }
  if (row.content_hash && ledger::blob_id_of_file(*row.content_file) == *row.content_hash)
    return actors::resubmission{attempt, state, {}, *row.content_file};
  spdlog::warn("patch {}: its file {} is gone or changed since it was stored; its workstream "
               "runs again",
               row.patch_id, *row.content_file);
  return std::nullopt;
}

std::string new_run_id(engine::environment& env) {
  auto now = iso8601(env.wall_now()); // 2026-11-22T10:15:30.123Z
  std::string compact;
  for (char c : now.substr(0, 19))
    if (c != '-' && c != ':')
      compact += c == 'T' ? '-' : c;
  std::random_device rd;
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%04x", rd() & 0xffff);
  return "run-" + compact + "-" + suffix;
}

expected<resume_record> load_resume(const config::project_config& cfg, const std::string& run_id) {
  auto db = persistence::database::open_read_only(cfg.state_db);
  if (!db)
    return fail(error_kind::bad_input, db.message() + " (nothing to resume)");
  persistence::state_reader reader(*db);
  auto run = run_id.empty() ? reader.latest_run() : reader.run(run_id);
  if (!run)
    return run.error();
  if (!*run)
    return fail(error_kind::bad_input,
                run_id.empty() ? "no run to resume" : "no run '" + run_id + "'");
  resume_record r{**run, {}, {}};
  auto ws = reader.workstreams(r.run.run_id);
  if (!ws)
    return ws.error();
  for (auto& w : *ws)
    r.workstreams.emplace(w.workstream_id, std::move(w));
  auto patches = persistence::read_db_patches(*db);
  if (!patches)
    return patches.error();
  r.patches = std::move(*patches);
  return r;
}

/// This binary, which runs tools under adapter faults (its __fault mode).
std::filesystem::path this_program() {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path("uet-actors") : self;
}

} // namespace

run_session::run_session(run_options opts, checked_project project)
    : opts_(std::move(opts)), project_(std::move(project)) {}

run_session::~run_session() = default;

status run_session::read_resume(const std::string& run_id) {
  auto r = load_resume(project_.bundle.config, run_id);
  if (!r)
    return r.error();
  resume_ = std::move(*r);
  return {};
}

bool run_session::already_succeeded() const {
  return resume_ && parse_run_state(resume_->run.state) == run_state::succeeded;
}

status run_session::resolve(const run_request& req) {
  auto plan = resolve_run(req, project_.bundle, resume_ ? &*resume_ : nullptr,
                          new_run_id(*opts_.env), std::random_device{}());
  if (!plan)
    return plan.error();
  plan_ = std::move(*plan);
  force_ = {req.force, req.force_ids};
  build_context();
  return {};
}

void run_session::build_context() {
  auto& b = project_.bundle;
  auto ctx = std::make_shared<actors::run_context>();
  ctx->run_id = plan_.run_id;
  ctx->resumed = plan_.resumed;
  ctx->target = plan_.target;
  ctx->engine = plan_.engine;
  ctx->parallel = plan_.parallel;
  ctx->seed = plan_.seed;
  ctx->project = b.config;
  ctx->tools = b.tools;
  if (plan_.engine != engine_kind::legacy && plan_.selects_all) {
    // load_checked_project built this very graph (every workstream, file
    // order, weight 1), and the specs are in node order already; nothing
    // after this step reads b.workstreams when every one is selected.
    ctx->graph = std::move(project_.graph);
    ctx->workstreams = std::move(b.workstreams);
  } else {
    // The legacy baseline ignores the critical path (weight 0): file order only.
    ctx->graph = subgraph(b, plan_.ids, plan_.engine == engine_kind::legacy ? 0.0 : 1.0);
    std::unordered_map<std::string, const config::workstream_spec*> by_id;
    for (const auto& ws : b.workstreams)
      by_id[ws.id] = &ws;
    for (std::size_t i = 0; i < ctx->graph.size(); ++i) // node i is workstreams[i]
      ctx->workstreams.push_back(*by_id.at(ctx->graph.id(i)));
  }
  ctx->state_dir = b.config.root / ".uet";
  ctx->logs_dir = ctx->state_dir / "logs" / ctx->run_id;
  ctx->worktrees_dir = ctx->state_dir / "worktrees";
  ctx->telemetry_file = ctx->state_dir / "telemetry.jsonl";
  ctx->env = opts_.env;
  if (!plan_.inject.empty()) // resolve_run parsed it
    ctx->faults = std::make_shared<engine::fault_injector>(
        *engine::parse_fault_spec(plan_.inject, plan_.seed));
  if (plan_.dry_run)
    ctx->executor = actors::make_dry_run_executor();
  ctx_ = std::move(ctx);
}

status run_session::open_database() {
  auto db = actors::prepare_persistence(*opts_.env, ctx_->project.state_db, holder());
  if (!db)
    return db.error();
  db_ = std::move(*db);
  db_->run_id = ctx_->run_id;
  db_->faults = ctx_->faults;
  return {};
}

status run_session::weigh_by_history() {
  // Each workstream weighs what it took in earlier runs: the critical path
  // the scheduler ranks ready work by is then in time, not in counts of
  // workstreams. (Node order is file order either way.)
  if (ctx_->engine == engine_kind::legacy)
    return {};
  auto history = persistence::state_reader(*db_->db).step_durations();
  if (!history) {
    opts_.note("warning: earlier runs' durations cannot be read (" + history.message() +
               "); ready work is ranked by counts of workstreams");
    return {};
  }
  if (history->empty())
    return {};
  auto estimate = engine::duration_estimates(plan_.ids, *history);
  for (std::size_t i = 0; i < ctx_->graph.size(); ++i)
    ctx_->graph.set_weight(i, estimate.at(ctx_->graph.id(i)));
  return {};
}

status run_session::take_branch() {
  if (plan_.dry_run)
    return {};
  const auto& p = ctx_->project;
  auto lock = actors::lock_branch(*opts_.env, p, holder());
  if (!lock)
    return lock.error();
  branch_lock_ = std::move(*lock);
  // Runs the database still records as running were killed: holding the
  // branch's lock, no live run owns their tools and checks, which may still
  // write into worktrees (and the integration tree) this run reuses.
  auto runs = persistence::state_reader(*db_->db).runs();
  if (!runs)
    return runs.error().context("cannot list the runs the state database records (to end what "
                                "a killed run left running): ");
  std::vector<std::filesystem::path> killed;
  for (const auto& r : *runs)
    if (parse_run_state(r.state) == run_state::running)
      killed.push_back(ctx_->state_dir / "logs" / r.run_id);
  if (auto n = engine::end_orphans(killed))
    opts_.note("ended " + std::to_string(n) + " process(es) an earlier run left running");
  // What the branch holds, read once, under its lock: the dependency check,
  // resume and the ledger's exactly-once check all use this index.
  auto trailers = ledger::read_patch_trailers(*opts_.env, p.repo, p.integration_branch);
  if (!trailers)
    return trailers.error();
  trailers_ = std::move(*trailers);
  return {};
}

status run_session::check_dependencies() {
  if (plan_.dry_run || plan_.selects_all)
    return {};
  auto outside = outside_dependencies(project_.bundle, plan_.ids);
  if (outside.empty())
    return {};
  auto skipped = persistence::state_reader(*db_->db).workstreams_ever(ws_state::skipped);
  if (!skipped)
    return skipped.error();
  auto unmet = unmet_dependencies(outside, trailers_,
                                  std::set<std::string>(skipped->begin(), skipped->end()));
  if (unmet.empty())
    return {};
  bool one = plan_.target.what == run_target::kind::workstream;
  return fail(error_kind::bad_input,
              std::string("dependencies outside ") + (one ? "it" : "the phase") + " are not on " +
                  ctx_->project.integration_branch + " yet: " + joined(unmet, "; ") +
                  " (run them first, or a phase that includes them)");
}

status run_session::check_sandbox() {
  if (plan_.dry_run)
    return {};
  auto verdict = run::check_sandbox(ctx_->tools, ctx_->workstreams, ctx_->project.sandbox,
                                    engine::landlock_abi());
  if (!verdict.refusal.empty())
    return fail(error_kind::bad_input, verdict.refusal);
  for (const auto& w : verdict.warnings)
    opts_.note("warning: " + w);
  ctx_->sandbox_warnings = std::move(verdict.warnings);
  return {};
}

status run_session::reconcile_resume() {
  if (!resume_)
    return {};
  std::vector<std::string> ids;
  for (const auto& ws : ctx_->workstreams)
    ids.push_back(ws.id);
  auto r = reconcile(*resume_, trailers_, ids);
  if (!r.gone.empty())
    return fail(error_kind::bad_input,
                "run " + ctx_->run_id +
                    " has unfinished workstreams that are no longer in phase '" +
                    ctx_->target.to_phase_id() + "': " + joined(r.gone, ", ") +
                    "; restore their files, or start a new run");
  ctx_->prior_attempts = std::move(r.prior_attempts);
  ctx_->already_committed = std::move(r.already_committed);
  ctx_->already_skipped = std::move(r.already_skipped);
  if (!plan_.dry_run && !r.resubmit.empty()) {
    ctx_->resubmit.assign(ids.size(), std::nullopt);
    persistence::state_reader reader(*db_->db);
    std::set<std::uint32_t> done(ctx_->already_committed.begin(), ctx_->already_committed.end());
    for (const auto& again : r.resubmit) {
      // A dependency not committed yet: the patch was made on its patch in
      // the gate (an early start), which may never land. The tool runs
      // again, on what its dependency lands.
      const auto& deps = ctx_->graph.dependencies(again.node);
      if (std::any_of(deps.begin(), deps.end(), [&](auto d) { return done.count(d) == 0; }))
        continue;
      auto row = reader.patch(again.patch_id);
      if (!row)
        return row.error();
      if (!*row)
        continue;
      ctx_->resubmit[again.node] = stored_patch(**row, again.attempt, again.state);
    }
  }
  found_on_branch_ = std::move(r.found_on_branch);
  return {};
}

status run_session::open_ledger() {
  if (plan_.dry_run)
    return {};
  auto setup = actors::prepare_ledger(*ctx_, branch_lock_, trailers_);
  if (!setup)
    return setup.error();
  ledger_ = std::make_unique<actors::ledger_setup>(std::move(*setup));
  ctx_->initial_head = ledger_->pipeline->tree().opened_at();
  if (const auto& moved = ledger_->pipeline->tree().followed()) {
    ctx_->base_followed = ev::base_followed{moved->how, moved->from, moved->to, moved->base};
    opts_.note(ctx_->project.base_ref + " moved (" + moved->base.substr(0, 10) +
               "): brought into " + ctx_->project.integration_branch + " by a " + moved->how +
               " (base_policy: follow); what builds on it runs again");
  }
  // Holding the branch lock, no other run is using .uet/worktrees: what a
  // killed run left there goes now.
  const auto& p = ctx_->project;
  ledger::workspaces spaces(*opts_.env, p.repo, ctx_->worktrees_dir);
  auto stale = spaces.clean_stale({"integration"});
  if (!stale)
    opts_.note("warning: stale worktrees could not be removed: " + stale.message());
  else if (*stale > 0)
    opts_.note("removed " + std::to_string(*stale) + " stale worktree(s) left by an earlier run");
  pool_ = std::make_shared<ledger::worktree_pool>(*opts_.env, p.repo, ctx_->worktrees_dir,
                                                  ctx_->run_id);
  ctx_->executor = actors::make_local_executor(*opts_.env, pool_,
                                               std::make_shared<ledger::git_dir_guard>(p.repo));
  if (ctx_->faults)
    ctx_->executor = actors::make_fault_executor(ctx_->executor, ctx_->faults, this_program());
  return {};
}

status run_session::read_inputs() {
  auto in = run::read_inputs(*opts_.env, ctx_->project, db_ ? db_->db.get() : nullptr,
                             ctx_->workstreams, ctx_->tools, force_);
  if (!in)
    return in.error();
  if (plan_.dry_run)
    in->predicted = predict_inputs(*in, ctx_->workstreams);
  ctx_->inputs = std::move(*in);
  return {};
}

} // namespace uet::run
