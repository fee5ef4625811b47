// run_session's last steps: the actors' start, the wait for the run's end,
// and their shutdown; then execute(), every step in order.
#include <unistd.h>

#include <caf/all.hpp>

#include "actors/ledger_actor.h"
#include "actors/record_rows.h"
#include "actors/records.h"
#include "actors/scheduler_actor.h"
#include "base/clock.h"
#include "ledger/patch_store.h"
#include "node/node_server.h"
#include "run/run_session.h"
#include "run/signals.h"
#include "run/worker_nodes.h"

namespace uet::run {

namespace {

/// A patch row the database never got, rebuilt from the patch store.
std::optional<persistence::patch_recorded>
recreate_row(engine::environment& env, const ledger::patch_store& store, const std::string& run_id,
             const std::string& patch_id, const std::string& at) {
  auto id = ledger::parse_patch_id(patch_id, run_id);
  if (!id)
    return std::nullopt;
  auto saved = env.read_file(store.patch_path(patch_id), std::size_t(1) << 30);
  std::string diff = saved ? std::move(*saved) : std::string();
  return actors::to_row(actors::created_row(patch_id, run_id, id->workstream_id, id->attempt, diff,
                                            store.patch_path(patch_id), "", at));
}

/// The run's events, read back once it is over (they are all durable then,
/// unless the database refused them).
std::optional<run::fault_report> read_fault_report(const std::filesystem::path& db_path,
                                                   const std::string& run_id) {
  auto db = persistence::database::open_read_only(db_path);
  if (!db)
    return std::nullopt;
  persistence::state_reader reader(*db);
  std::vector<persistence::event_row> all;
  for (std::int64_t after = 0;;) {
    auto page = reader.events(run_id, after, 5000);
    if (!page || page->empty())
      break;
    after = page->back().id;
    all.insert(all.end(), page->begin(), page->end());
  }
  return tally_faults(all);
}

} // namespace

bool run_session::uses_nodes() const {
  return !opts_.nodes.empty() && !plan_.dry_run && ctx_->engine != engine_kind::legacy;
}

status run_session::check_nodes() {
  // uet.yaml's nodes and node_tls, unless the command line names its own.
  const auto& p = ctx_->project;
  if (opts_.nodes.empty())
    opts_.nodes = p.nodes;
  if (!opts_.node_tls.any())
    opts_.node_tls = {p.node_tls_cert, p.node_tls_key, p.node_tls_ca};
  if (opts_.nodes.empty())
    return {};
  if (plan_.dry_run || ctx_->engine == engine_kind::legacy) {
    opts_.note(std::string("--nodes ignored: ") + (plan_.dry_run
                                                       ? "a dry run starts no tool"
                                                       : "the legacy engine runs one at a time"));
    return {};
  }
  return check_node_addresses(opts_.nodes, opts_.node_tls);
}

status run_session::join_nodes() {
  if (!uses_nodes())
    return {};
  std::set<std::string> tools;
  for (const auto& ws : ctx_->workstreams)
    tools.insert(ws.tool_id);
  auto nodes = reach_nodes(*system_, opts_.nodes, opts_.node_tls, tools);
  if (!nodes)
    return nodes.error();
  int slots = 0;
  for (const auto& n : *nodes) {
    slots += n.hello.slots;
    opts_.note("worker node " + n.hello.node_id + " (" + n.address +
               "): " + std::to_string(n.hello.slots) + " slot(s)" +
               (n.hello.mutual_tls ? ", mutual TLS" : ", loopback, no TLS"));
  }
  actors::node_executor_args a;
  a.local = ctx_->executor;
  a.local_slots = ctx_->parallel;
  a.nodes = std::move(*nodes);
  a.env = opts_.env;
  a.repo = ctx_->project.repo;
  a.pool = pool_;
  // A node stops what an older session of this run left running there.
  a.session = ctx_->run_id + "/" + std::to_string(::getpid()) + "/" + iso8601_now();
  ctx_->executor = actors::make_node_executor(std::move(a));
  ctx_->parallel += slots; // the scheduler starts as many attempts as there are slots
  return {};
}

/// The run's first rows, written before any actor's: its uet_runs row (or,
/// resumed, its state back to running), and what resume found the branch
/// holds that the database missed.
std::vector<persistence::write_command> run_session::start_rows() {
  std::vector<persistence::write_command> rows;
  const auto now = iso8601_now();
  const auto& run_id = ctx_->run_id;
  if (!resume_) {
    rows.emplace_back(
        actors::to_row(msg::run_opened{run_id, ctx_->project.project, ctx_->target, ctx_->engine,
                                       ctx_->parallel, now, options_json(plan_)}));
    return rows;
  }
  rows.emplace_back(actors::to_row(msg::run_state_set{run_id, run_state::running, now, false}));
  // A run killed between `git commit` and the database update left patch
  // rows behind the branch: the branch is the truth.
  ledger::patch_store store(ctx_->project.ledger_dir);
  for (auto& c : persistence::repair_committed(
           run_id, resume_->patches, trailers_, now,
           [&](const std::string& id) { return recreate_row(*opts_.env, store, run_id, id, now); }))
    rows.push_back(std::move(c));
  for (auto i : found_on_branch_)
    rows.emplace_back(actors::to_row(
        msg::ws_state_set{run_id, ctx_->spec(i).id, ws_state::committed, ctx_->prior(i), now,
                          std::string("found on the integration branch on resume")}));
  return rows;
}

status run_session::start() {
  block_stop_signals(); // before the actor system starts its threads
  caf_config_ = std::make_unique<caf::actor_system_config>();
  caf_config_->add_message_types<caf::id_block::uet_actors>();
  // The actors here exchange a few messages per workstream and block nowhere
  // (subprocesses, git and SQLite run on detached threads). CAF's default
  // work-stealing workers poll while idle and took ~0.7 of this machine's two
  // cores during real runs; the sharing policy sleeps on a condition variable.
  caf_config_->set("scheduler.policy", caf::atom("sharing"));
  const node::node_options node_defaults;
  if (uses_nodes())
    node::enable_networking(*caf_config_, opts_.node_tls, node_defaults.heartbeat,
                            node_defaults.connection_timeout);
  system_ = std::make_unique<caf::actor_system>(*caf_config_);
  if (auto joined = join_nodes(); !joined)
    return joined;
  auto total = static_cast<std::uint32_t>(ctx_->workstreams.size());
  reporter_ = system_->spawn(actors::reporter_behavior, opts_.report, total);
  db_->telemetry_file = ctx_->telemetry_file;
  db_->observer = reporter_;
  db_->first_batch = start_rows();
  persistence_ = actors::spawn_persistence(*system_, std::move(*db_));
  db_.reset();
  if (ctx_->executor)
    ctx_->executor->record_to(persistence_, ctx_->run_id);
  if (ctx_->faults)
    ctx_->faults->set_sink(
        [db = persistence_, run_id = ctx_->run_id](const engine::fault_notice& n) {
          std::optional<std::string> ws;
          if (!n.workstream.empty())
            ws = n.workstream;
          caf::anon_send(db, actors::make_event(run_id, ws,
                                                ev::fault_injected{engine::to_string(n.site),
                                                                   engine::to_string(n.kind),
                                                                   n.attempt, n.detail}));
        });
  if (ledger_)
    ledger_actor_ = actors::spawn_ledger(*system_, std::move(*ledger_), persistence_, ctx_->run_id);
  ledger_.reset();
  scheduler_ =
      system_->spawn(actors::scheduler_behavior, std::shared_ptr<const actors::run_context>(ctx_),
                     persistence_, ledger_actor_);
  if (opts_.on_start)
    opts_.on_start(*ctx_, plan_);
  return {};
}

expected<msg::run_summary> run_session::wait() {
  msg::run_summary summary;
  std::string failure;
  {
    stop_on_signals watcher([sched = scheduler_] { caf::anon_send(sched, msg::stop_atom_v); });
    caf::scoped_actor self{*system_};
    self->request(scheduler_, caf::infinite, msg::run_atom_v)
        .receive([&](const msg::run_summary& s) { summary = s; },
                 [&](const caf::error& e) { failure = system_->render(e); });
    // Let the reporter print the last events before the summary.
    self->request(reporter_, caf::infinite, msg::sync_atom_v)
        .receive([](const std::string&) {}, [](const caf::error&) {});
  }
  if (!failure.empty())
    return fail("the run's actors failed: " + failure);
  return summary;
}

status run_session::shut_down() {
  if (ctx_ && ctx_->faults) // the sink holds the persistence actor, which goes now
    ctx_->faults->set_sink({});
  // The executor lets go of the persistence actor: a detached actor's thread
  // lives until the last reference to it goes, and the actor system's end
  // waits for that thread.
  if (ctx_ && ctx_->executor)
    ctx_->executor->record_to({}, {});
  // The persistence actor was synced by the scheduler before it replied.
  if (persistence_)
    caf::anon_send_exit(persistence_, caf::exit_reason::user_shutdown);
  if (ledger_actor_)
    caf::anon_send_exit(ledger_actor_, caf::exit_reason::user_shutdown);
  if (reporter_)
    caf::anon_send_exit(reporter_, caf::exit_reason::user_shutdown);
  // Every workstream has reported, so no adapter uses a worktree any more.
  if (pool_)
    return pool_->remove_all();
  return {};
}

expected<run_result> execute(const run_request& req, checked_project project, run_options opts) {
  run_session s(std::move(opts), std::move(project));
  if (req.resume) {
    if (auto st = s.read_resume(*req.resume); !st)
      return st.error();
    if (s.already_succeeded()) {
      run_result r;
      r.nothing_to_do = "run " + s.resumed()->run.run_id + " already succeeded; nothing to do";
      return r;
    }
  }
  using step = status (run_session::*)();
  if (auto st = s.resolve(req); !st)
    return st.error();
  for (step next :
       {&run_session::check_nodes, &run_session::check_sandbox, &run_session::open_database,
        &run_session::weigh_by_history, &run_session::take_branch, &run_session::check_dependencies,
        &run_session::reconcile_resume, &run_session::open_ledger, &run_session::read_inputs,
        &run_session::start})
    if (auto st = (s.*next)(); !st)
      return st.error();
  auto summary = s.wait();
  auto cleanup = s.shut_down();
  if (!summary)
    return summary.error();
  run_result r;
  r.summary = std::move(*summary);
  r.plan = s.plan();
  r.context = s.context();
  if (!cleanup)
    r.warning = cleanup.message();
  if (r.context->faults)
    r.faults = read_fault_report(r.context->project.state_db, r.plan.run_id);
  return r;
}

} // namespace uet::run
