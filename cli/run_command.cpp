// uet-actors run PHASE / run-workstream ID: loads and checks the project,
// takes the database's and the integration branch's writer locks, starts the
// actors, waits for the scheduler's summary, and turns it into an exit code.
// Ctrl-C (SIGINT) or SIGTERM: running tools are ended, the run is recorded
// as interrupted, exit 130.
#include <csignal>
#include <iostream>
#include <pthread.h>
#include <random>
#include <set>
#include <thread>
#include <unistd.h>

#include <caf/all.hpp>

#include "actors/ledger_actor.h"
#include "actors/persistence_actor.h"
#include "actors/reporter_actor.h"
#include "actors/scheduler_actor.h"
#include "base/clock.h"
#include "base/exit_code.h"
#include "base/files.h"
#include "cli/commands.h"
#include "cli/dependency_check.h"
#include "cli/output.h"
#include "cli/project_context.h"
#include "config/phases.h"
#include "engine/orphans.h"
#include "engine/plan.h"
#include "ledger/integration.h"
#include "ledger/patch_store.h"
#include "ledger/workspace.h"
#include "persistence/ledger_check.h"
#include "persistence/state_reader.h"

namespace uet::cli {

namespace {

std::string new_run_id() {
  auto now = iso8601_now(); // 2026-11-22T10:15:30.123Z
  std::string compact;
  for (char c : now.substr(0, 19))
    if (c != '-' && c != ':')
      compact += c == 'T' ? '-' : c;
  std::random_device rd;
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%04x", rd() & 0xffff);
  return "run-" + compact + "-" + suffix;
}

/// Waits for SIGINT/SIGTERM/SIGHUP (blocked in every other thread) and stops the run.
class signal_watcher {
public:
  signal_watcher(std::shared_ptr<actors::run_context> ctx, msg::scheduler_actor scheduler)
      : thread_([this, ctx, scheduler] {
          sigset_t set;
          sigemptyset(&set);
          sigaddset(&set, SIGINT);
          sigaddset(&set, SIGTERM);
          sigaddset(&set, SIGHUP);
          sigaddset(&set, SIGUSR1);
          int sig = 0;
          while (sigwait(&set, &sig) == 0 && sig != SIGUSR1) {
            ctx->cancel = true;
            caf::anon_send(scheduler, msg::stop_atom_v);
          }
        }) {}
  ~signal_watcher() {
    pthread_kill(thread_.native_handle(), SIGUSR1);
    thread_.join();
  }

private:
  std::thread thread_;
};

void block_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP); // the terminal went away: stop as on Ctrl-C
  sigaddset(&set, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int print_summary(const msg::run_summary& s, const actors::run_context& ctx, bool json_mode) {
  int code = s.state == "succeeded"     ? to_int(exit_code::ok)
             : s.state == "interrupted" ? to_int(exit_code::interrupted)
                                        : to_int(exit_code::partial);
  if (json_mode) {
    // One more JSON line after the events: the run's result.
    json j{{"event", "summary"},
           {"run_id", s.run_id},
           {"state", s.state},
           {"committed", s.committed},
           {"quarantined", s.quarantined},
           {"blocked", s.blocked},
           {"skipped", s.skipped},
           {"total", s.total},
           {"elapsed_ms", s.elapsed_ms},
           {"problems", s.problems},
           {"exit_code", code}};
    std::cout << j.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
    return code;
  }
  auto& out = std::cout;
  out << "run " << s.run_id << ": " << s.state << ": " << s.committed << " committed, " << s.skipped
      << " skipped, " << s.quarantined << " quarantined, " << s.blocked << " blocked of " << s.total
      << " in " << s.elapsed_ms / 1000.0 << " s\n";
  for (const auto& p : s.problems)
    out << "  " << p << '\n';
  if (!ctx.dry_run)
    out << "integration branch: " << ctx.project.integration_branch << " (git log --oneline "
        << ctx.project.integration_branch << ")\n";
  out << "details: uet-actors status " << s.run_id << "; logs in "
      << config::display_path(ctx.project.root, ctx.logs_dir) << '\n';
  return code;
}

/// What `resume` needs from the database about the run it continues.
struct resume_info {
  persistence::run_row run;
  std::map<std::string, persistence::workstream_row> workstreams;
  std::map<std::string, persistence::db_patch> patches; ///< every run's, by id
};

expected<resume_info> load_resume(const config::project_config& cfg, const std::string& run_id) {
  auto db = persistence::database::open_read_only(cfg.state_db);
  if (!db)
    return fail(db.message() + " (nothing to resume)");
  persistence::state_reader reader(*db);
  auto run = run_id.empty() ? reader.latest_run() : reader.run(run_id);
  if (!run)
    return run.error();
  if (!*run)
    return fail(run_id.empty() ? "no run to resume" : "no run '" + run_id + "'");
  resume_info info{**run, {}, {}};
  auto ws = reader.workstreams(info.run.run_id);
  if (!ws)
    return ws.error();
  for (auto& w : *ws)
    info.workstreams.emplace(w.workstream_id, std::move(w));
  auto patches = persistence::read_db_patches(*db);
  if (!patches)
    return patches.error();
  info.patches = std::move(*patches);
  return info;
}

/// A run killed between `git commit` and the database update left patch rows
/// behind the branch: the writes that record them committed (the branch is
/// the truth), a row the database never got rebuilt from the patch store.
std::vector<persistence::write_command> recorded_commits(const persistence::trailer_index& trailers,
                                                         const resume_info& resumed,
                                                         const config::project_config& cfg) {
  ledger::patch_store store(cfg.ledger_dir);
  auto at = iso8601_now();
  return persistence::repair_committed(
      resumed.run.run_id, resumed.patches, trailers, at,
      [&](const std::string& patch_id) -> std::optional<persistence::patch_recorded> {
        auto id = ledger::parse_patch_id(patch_id, resumed.run.run_id);
        if (!id)
          return std::nullopt;
        auto saved = read_file(store.patch_path(patch_id), std::size_t(1) << 30);
        std::string diff = saved ? std::move(*saved) : std::string();
        return persistence::patch_recorded{
            patch_id, resumed.run.run_id, id->workstream_id, id->attempt, diff, "created", at};
      });
}

/// The run's workstreams the database has not finished that the project no
/// longer has: resuming without them would report the run as succeeded.
std::string unfinished_but_gone(const resume_info& resumed, const actors::run_context& ctx) {
  std::set<std::string> present;
  for (const auto& ws : ctx.workstreams)
    present.insert(ws.id);
  std::string out;
  for (const auto& [id, row] : resumed.workstreams)
    if (!present.count(id) && row.state != "committed" && row.state != "skipped")
      out += (out.empty() ? "" : ", ") + id + " (" + row.state + ")";
  return out;
}

} // namespace

int run_command(const run_args& a_in) {
  run_args a = a_in;
  // Messages name the command the user typed.
  const std::string cmd = a.resume ? "resume" : a.single_workstream ? "run-workstream" : "run";
  auto root = std::filesystem::current_path();
  auto p = load_checked_project(root);
  auto& b = p.bundle;
  if (p.errors) {
    print_problems(std::cerr, b.problems);
    std::cerr << cmd << ": the project is invalid (" << count_words(p.errors, p.warnings)
              << "); fix it first ('uet-actors validate')\n";
    return to_int(exit_code::bad_input);
  }
  std::optional<resume_info> resumed;
  if (a.resume) {
    auto info = load_resume(b.config, *a.resume);
    if (!info) {
      std::cerr << "resume: " << info.message() << '\n';
      return to_int(exit_code::bad_input);
    }
    if (info->run.state == "succeeded") {
      std::cout << "resume: run " << info->run.run_id << " already succeeded; nothing to do\n";
      return to_int(exit_code::ok);
    }
    resumed = std::move(*info);
    const auto& phase = resumed->run.phase_id;
    a.single_workstream = phase.rfind("workstream:", 0) == 0;
    a.phase = a.single_workstream ? phase.substr(11) : phase;
    a.engine = resumed->run.engine;
    auto opts = nlohmann::json::parse(resumed->run.options_json.value_or("{}"), nullptr, false);
    if (opts.is_object()) {
      if (!a.parallel && opts.contains("parallel") && opts["parallel"].is_number_integer())
        a.parallel = opts["parallel"].get<int>();
      if (opts.value("dry_run", false))
        a.dry_run = true;
      if (!a.seed && opts.contains("seed") && opts["seed"].is_number_unsigned())
        a.seed = opts["seed"].get<std::uint64_t>();
    }
  }
  std::vector<std::string> ids;
  if (a.single_workstream) {
    bool known = false;
    for (const auto& ws : b.workstreams)
      known = known || ws.id == a.phase;
    if (!known) {
      std::cerr << "run-workstream: no workstream '" << a.phase << "' in "
                << config::display_path(root, b.config.workstreams_dir) << '\n';
      return to_int(exit_code::bad_input);
    }
    ids = {a.phase};
  } else {
    auto sel = config::select_phase(b, a.phase);
    if (!sel) {
      std::cerr << cmd << ": " << sel.message() << '\n';
      return to_int(exit_code::bad_input);
    }
    ids = std::move(*sel);
  }

  if (!(a.dry_run || b.config.dry_run) && !selects_all(b, ids)) {
    auto unmet = unmet_outside_dependencies(b, ids);
    if (!unmet) {
      std::cerr << cmd << ": " << unmet.message() << '\n';
      return to_int(exit_code::internal);
    }
    if (!unmet->empty()) {
      std::string list;
      for (const auto& u : *unmet)
        list += (list.empty() ? "" : "; ") + u;
      std::cerr << cmd << ": dependencies outside " << (a.single_workstream ? "it" : "the phase")
                << " are not on " << b.config.integration_branch << " yet: " << list
                << " (run them first, or a phase that includes them)\n";
      return to_int(exit_code::bad_input);
    }
  }

  auto ctx = std::make_shared<actors::run_context>();
  ctx->run_id = resumed ? resumed->run.run_id : new_run_id();
  ctx->resumed = resumed.has_value();
  ctx->phase = a.single_workstream ? "workstream:" + a.phase : a.phase;
  ctx->engine = a.engine.value_or(b.config.engine);
  ctx->dry_run = a.dry_run || b.config.dry_run;
  ctx->parallel = ctx->engine == "legacy" ? 1 : a.parallel.value_or(b.config.max_workers);
  ctx->seed = a.seed.value_or(std::random_device{}());
  ctx->project = b.config;
  ctx->tools = b.tools;
  if (ctx->engine != "legacy" && selects_all(b, ids)) {
    // phase-all: load_checked_project built this very graph (every
    // workstream, file order, weight 1), and the specs are in node order
    // already; b.workstreams is not used after this.
    ctx->graph = std::move(p.graph);
    ctx->workstreams = std::move(b.workstreams);
  } else {
    // The legacy baseline ignores the critical path (weight 0): file order only.
    ctx->graph = subgraph(b, ids, ctx->engine == "legacy" ? 0.0 : 1.0);
    std::unordered_map<std::string, const config::workstream_spec*> by_id;
    for (const auto& ws : b.workstreams)
      by_id[ws.id] = &ws;
    for (std::size_t i = 0; i < ctx->graph.size(); ++i) // node i is workstreams[i]
      ctx->workstreams.push_back(*by_id.at(ctx->graph.id(i)));
  }
  ctx->state_dir = root / ".uet";
  ctx->logs_dir = ctx->state_dir / "logs" / ctx->run_id;
  ctx->worktrees_dir = ctx->state_dir / "worktrees";
  ctx->telemetry_file = ctx->state_dir / "telemetry.jsonl";

  std::string holder = "uet-actors run " + ctx->run_id;
  auto db = actors::prepare_persistence(b.config.state_db, holder);
  if (!db) {
    std::cerr << cmd << ": " << db.message() << '\n';
    return to_int(exit_code::internal);
  }
  // Weigh each workstream by how long it took in earlier runs: the critical
  // path the scheduler ranks ready work by is then in time, not in counts of
  // workstreams. (Node order is file order either way.)
  if (ctx->engine != "legacy") {
    persistence::state_reader reader(*db->db);
    if (auto history = reader.step_durations(); history && !history->empty()) {
      auto estimate = engine::duration_estimates(ids, *history);
      for (std::size_t i = 0; i < ctx->graph.size(); ++i)
        ctx->graph.set_weight(i, estimate.at(ctx->graph.id(i)));
    }
  }
  std::optional<actors::ledger_setup> ledger;
  if (!ctx->dry_run) {
    // Runs this database still records as running were killed: holding the
    // branch's lock, no live run owns their tools and checks, which may
    // still write into worktrees (and the integration tree) this run reuses.
    std::vector<std::filesystem::path> killed_runs;
    if (auto runs = persistence::state_reader(*db->db).runs())
      for (const auto& r : *runs)
        if (r.state == "running")
          killed_runs.push_back(ctx->state_dir / "logs" / r.run_id);
    auto l = actors::prepare_ledger(*ctx, holder, [&] {
      if (auto n = engine::end_orphans(killed_runs))
        std::cerr << cmd << ": ended " << n << " process(es) an earlier run left running\n";
    });
    if (!l) {
      std::cerr << cmd << ": " << l.message() << '\n';
      return to_int(exit_code::bad_input);
    }
    ledger = std::move(*l);
    ctx->initial_head = ledger->pipeline->tree().opened_at();
    // Holding the branch lock, no other run is using .uet/worktrees: what a
    // killed run left there goes now.
    ledger::workspaces spaces(b.config.repo, ctx->worktrees_dir);
    if (auto n = spaces.clean_stale({"integration"}); n && *n > 0)
      std::cerr << cmd << ": removed " << *n << " stale worktree(s) left by an earlier run\n";
    ctx->worktrees =
        std::make_shared<ledger::worktree_pool>(b.config.repo, ctx->worktrees_dir, ctx->run_id);
  }

  // Resume: what the database and the integration branch say is done. The
  // branch wins: a run killed between `git commit` and the database update
  // is committed all the same (exactly once).
  std::vector<std::uint32_t> found_on_branch;
  std::vector<persistence::write_command> patch_repairs;
  if (resumed) {
    std::unordered_map<std::string, int> branch_attempt;
    if (!ctx->dry_run)
      if (auto trailers = ledger::read_patch_trailers(b.config.repo, b.config.integration_branch)) {
        for (const auto& [patch, commits] : *trailers)
          if (auto id = ledger::parse_patch_id(patch, ctx->run_id))
            branch_attempt[id->workstream_id] =
                std::max(branch_attempt[id->workstream_id], id->attempt);
        patch_repairs = recorded_commits(*trailers, *resumed, b.config);
      }
    if (auto gone = unfinished_but_gone(*resumed, *ctx); !gone.empty()) {
      std::cerr << cmd << ": run " << ctx->run_id << " has unfinished workstreams that are no "
                << "longer in phase '" << ctx->phase << "': " << gone
                << "; restore their files, or start a new run\n";
      return to_int(exit_code::bad_input);
    }
    ctx->prior_attempts.assign(ctx->workstreams.size(), 0);
    for (std::uint32_t i = 0; i < ctx->workstreams.size(); ++i) {
      const auto& id = ctx->workstreams[i].id;
      auto row = resumed->workstreams.find(id);
      std::string state = row == resumed->workstreams.end() ? "" : row->second.state;
      int attempts = row == resumed->workstreams.end() ? 0 : row->second.attempts;
      auto on_branch = branch_attempt.find(id);
      int branch_n = on_branch == branch_attempt.end() ? 0 : on_branch->second;
      ctx->prior_attempts[i] = std::max(attempts, branch_n);
      if (state == "committed" || state == "skipped") {
        ctx->already_committed.push_back(i);
        if (state == "skipped")
          ctx->already_skipped.push_back(i);
      } else if (branch_n > 0) {
        ctx->already_committed.push_back(i);
        found_on_branch.push_back(i);
      }
    }
  }

  block_signals();
  caf::actor_system_config cfg;
  cfg.add_message_types<caf::id_block::uet_actors>();
  // The actors here exchange a few messages per workstream and block nowhere
  // (subprocesses, git and SQLite run on detached threads). CAF's default
  // work-stealing workers poll while idle and took ~0.7 of this machine's two
  // cores during real runs; the sharing policy sleeps on a condition variable.
  cfg.set("scheduler.policy", caf::atom("sharing"));
  caf::actor_system sys{cfg};
  auto mode =
      a.json ? actors::report_mode::json
             : (::isatty(STDOUT_FILENO) ? actors::report_mode::tty : actors::report_mode::plain);
  auto reporter = sys.spawn(actors::reporter_behavior, mode,
                            static_cast<std::uint32_t>(ctx->workstreams.size()));
  db->telemetry_file = ctx->telemetry_file;
  db->observer = reporter;
  auto persistence = actors::spawn_persistence(sys, std::move(*db));
  msg::ledger_actor ledger_handle;
  if (ledger)
    ledger_handle = actors::spawn_ledger(sys, std::move(*ledger), persistence);

  json options{{"parallel", ctx->parallel},
               {"dry_run", ctx->dry_run},
               {"seed", ctx->seed},
               {"workstreams", ctx->workstreams.size()}};
  if (resumed) {
    caf::anon_send(persistence,
                   persistence::run_state_changed{ctx->run_id, "running", iso8601_now(), false});
    for (auto cmd : patch_repairs)
      std::visit([&](auto& c) { caf::anon_send(persistence, std::move(c)); }, cmd);
    for (auto i : found_on_branch)
      caf::anon_send(persistence,
                     persistence::workstream_state_changed{
                         ctx->run_id, ctx->workstreams[i].id, "committed", ctx->prior_attempts[i],
                         iso8601_now(), std::string("found on the integration branch on resume")});
  } else {
    caf::anon_send(persistence,
                   persistence::run_started{ctx->run_id, b.config.project, ctx->phase, ctx->engine,
                                            ctx->parallel, iso8601_now(), options.dump()});
  }
  auto scheduler =
      sys.spawn(actors::scheduler_behavior, std::shared_ptr<const actors::run_context>(ctx),
                persistence, ledger_handle);
  if (!a.json)
    std::cout << (resumed ? "resuming run " : "run ") << ctx->run_id << ": " << ctx->phase << ", "
              << plural(ctx->workstreams.size(), "workstream") << ", "
              << (ctx->engine == "legacy" ? "legacy engine (sequential)"
                                          : plural(ctx->parallel, "worker"))
              << (ctx->dry_run ? ", dry run" : "") << '\n'
              << std::flush;

  msg::run_summary summary;
  std::string failure;
  {
    signal_watcher watcher(ctx, scheduler);
    caf::scoped_actor self{sys};
    self->request(scheduler, caf::infinite, msg::run_atom_v)
        .receive([&](const msg::run_summary& s) { summary = s; },
                 [&](const caf::error& e) { failure = sys.render(e); });
    // Let the reporter print the last events before the summary.
    self->request(reporter, caf::infinite, msg::sync_atom_v)
        .receive([](const std::string&) {}, [](const caf::error&) {});
  }
  // Stop the remaining long-lived actors; the persistence actor was synced
  // by the scheduler before it replied.
  caf::anon_send_exit(persistence, caf::exit_reason::user_shutdown);
  if (ledger_handle)
    caf::anon_send_exit(ledger_handle, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(reporter, caf::exit_reason::user_shutdown);
  // Every workstream has reported, so no adapter uses a worktree any more.
  if (ctx->worktrees)
    if (auto st = ctx->worktrees->remove_all(); !st)
      std::cerr << cmd << ": warning: " << st.message() << '\n';
  if (!failure.empty()) {
    std::cerr << cmd << ": internal error: " << failure << '\n';
    return to_int(exit_code::internal);
  }
  return print_summary(summary, *ctx, a.json);
}

} // namespace uet::cli
