// A run from start to end, as named steps (ninja's NinjaMain): `run`,
// `run-workstream` and `resume` call execute(), which calls them in order;
// a node process or a test harness can call the ones it needs. Each step
// acquires one thing or decides one thing and fails with a kind
// (base/expected.h), which the command line turns into an exit code.
//
//   read_resume      resume: the run's rows, read-only
//   resolve          run_plan (pure: run/run_plan.h) and the run context
//   check_sandbox    the sandbox each tool asks for can be had (run/sandbox_check.h)
//   open_database    the state database's writer lock, migrated
//   weigh_by_history the DAG's weights from earlier runs' durations
//   take_branch      the integration branch's lock; a killed run's processes
//                    ended; the branch's UET-Patch trailers, read once
//   check_dependencies  workstreams left out of the selection are done
//   reconcile_resume resume: the database against the branch (run/reconcile.h)
//   open_ledger      the integration worktree, stale worktrees, the pool
//   read_inputs      what each workstream's last result was built from
//                    (run/input_plan.h): unchanged ones are not run
//   start / wait / shut_down   the actors
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "actors/persistence_actor.h"
#include "actors/reporter_actor.h"
#include "actors/run_context.h"
#include "engine/environment.h"
#include "ledger/integration.h"
#include "ledger/worktree_pool.h"
#include "messages/interfaces.h"
#include "node/node_policy.h"
#include "run/fault_report.h"
#include "run/input_plan.h"
#include "run/project.h"
#include "run/reconcile.h"
#include "run/run_plan.h"

namespace caf {
class actor_system;
class actor_system_config;
} // namespace caf

namespace uet::actors {
struct ledger_setup;
}

namespace uet::run {

struct run_options {
  engine::environment* env = &engine::environment::real();
  actors::report_mode report = actors::report_mode::plain;
  /// A line for the person who started the run (stderr).
  std::function<void(const std::string&)> note = [](const std::string&) {};
  /// The actors are about to start (the command line prints its header).
  std::function<void(const actors::run_context&, const run_plan&)> on_start;
  /// `--nodes`: worker nodes (HOST:PORT) whose slots add to --parallel, and
  /// the TLS files that reach them (run/worker_nodes.h).
  std::vector<std::string> nodes = {};
  node::tls_files node_tls = {};
};

class run_session {
public:
  run_session(run_options opts, checked_project project);
  ~run_session();

  status read_resume(const std::string& run_id);
  /// The resumed run had already succeeded: there is nothing to do.
  bool already_succeeded() const;
  status resolve(const run_request& req);
  status open_database();
  status weigh_by_history();
  status take_branch();
  status check_dependencies();
  status check_sandbox();
  status reconcile_resume();
  status open_ledger();
  status read_inputs();
  /// Checks the --nodes addresses (before anything else starts).
  status check_nodes();
  status start();
  expected<msg::run_summary> wait();
  /// Ends the actors and removes the run's worktrees; a failure to remove
  /// them is returned (the run itself is over).
  status shut_down();

  const run_plan& plan() const { return plan_; }
  std::shared_ptr<const actors::run_context> context() const { return ctx_; }
  const std::optional<resume_record>& resumed() const { return resume_; }

private:
  std::string holder() const { return "uet-actors run " + plan_.run_id; }
  void build_context();
  std::vector<persistence::write_command> start_rows();
  /// --nodes: reaches them, and puts their slots behind the executor.
  status join_nodes();
  bool uses_nodes() const;

  run_options opts_;
  checked_project project_;
  std::optional<resume_record> resume_;
  run_plan plan_;
  force_request force_;
  std::shared_ptr<actors::run_context> ctx_;
  std::optional<actors::persistence_setup> db_;
  std::shared_ptr<file_lock> branch_lock_;
  ledger::trailer_index trailers_;
  std::vector<std::uint32_t> found_on_branch_; ///< resume: committed on the branch, not in the db
  std::unique_ptr<actors::ledger_setup> ledger_;
  std::shared_ptr<ledger::worktree_pool> pool_;
  std::unique_ptr<caf::actor_system_config> caf_config_;
  std::unique_ptr<caf::actor_system> system_;
  msg::reporter_actor reporter_;
  msg::persistence_actor persistence_;
  msg::ledger_actor ledger_actor_;
  msg::scheduler_actor scheduler_;
};

/// What execute() ran into.
struct run_result {
  std::optional<msg::run_summary> summary; ///< none: nothing ran (already succeeded)
  std::string nothing_to_do;               ///< why nothing ran
  std::shared_ptr<const actors::run_context> context;
  run_plan plan;
  std::string warning; ///< the run ended, but cleaning up after it failed
  /// `--inject`: what fell and what became of it (from the run's events).
  std::optional<fault_report> faults;
};

/// Every step, in order.
expected<run_result> execute(const run_request& req, checked_project project, run_options opts);

} // namespace uet::run
