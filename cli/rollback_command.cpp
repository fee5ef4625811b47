// `uet-actors rollback RUN_ID [--reset] [--cascade] [--json]`: the
// integration branch back to where a run found it (ledger/rollback.h), then
// the run's patches 'rolled_back' (persistence/rollback_record.h). The
// branch first: it is the truth the next run reads, and a rollback killed
// in between is finished by running it again.
#include <csignal>
#include <cstdlib>
#include <iostream>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "actors/ledger_actor.h"
#include "base/exit_code.h"
#include "base/text.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "config/loader.h"
#include "ledger/integration.h"
#include "ledger/rollback.h"
#include "persistence/rollback_record.h"
#include "persistence/state_reader.h"

namespace uet::cli {

namespace {

int fail_with(const failure& f) {
  std::cerr << "rollback: " << f.message << '\n';
  return to_int(exit_code_for(f.kind));
}

/// The branch moved back (or found moved back already); "" when it was.
expected<std::string> move_branch(engine::environment& env, const config::project_config& p,
                                  const rollback_args& a, ledger::rollback_plan& plan) {
  if (plan.done)
    return std::string();
  if (!plan.on_top.empty() && !a.cascade)
    return fail(error_kind::bad_input,
                "later work is on top of run " + a.run_id + " on " + p.integration_branch + ": " +
                    joined(plan.on_top) +
                    "; roll those back first, or add --cascade to roll them back with it");
  if (auto where = ledger::checked_out_elsewhere(p.repo, p.integration_branch))
    return fail(error_kind::bad_input, "the integration branch " + p.integration_branch +
                                           " is checked out in " + where->string() +
                                           ": switch away first (git switch --detach)");
  return ledger::apply_rollback(env, p.repo, p.integration_branch, plan, a.reset);
}

void print(const rollback_args& a, const config::project_config& p,
           const ledger::rollback_plan& plan, const std::string& moved_to,
           const std::vector<persistence::rolled_back_patch>& patches) {
  if (a.json) {
    auto list = nlohmann::json::array();
    for (const auto& x : patches)
      list.push_back(
          {{"patch_id", x.patch_id}, {"run_id", x.run_id}, {"workstream", x.workstream_id}});
    print_json({{"run_id", a.run_id},
                {"already_done", moved_to.empty() && patches.empty()},
                {"mode", a.reset ? "reset" : "revert"},
                {"runs", plan.runs},
                {"branch", p.integration_branch},
                {"head", moved_to.empty() ? plan.head : moved_to},
                {"before", plan.before},
                {"rolled_back", list}});
    return;
  }
  if (moved_to.empty() && patches.empty()) {
    std::cout << "rollback: run " << a.run_id << " has nothing on " << p.integration_branch
              << " (rolled back already, or it committed nothing); nothing to do\n";
    return;
  }
  if (!moved_to.empty())
    std::cout << "rollback: " << p.integration_branch << " is back where run " << a.run_id
              << " found it (" << plan.before.substr(0, 10) << "), "
              << (a.reset ? "moved there (--reset)" : "by a new commit " + moved_to.substr(0, 10))
              << (plan.runs.size() > 1
                      ? "; also rolled back: " +
                            joined(std::vector<std::string>(plan.runs.begin() + 1, plan.runs.end()))
                      : std::string())
              << '\n';
  std::cout << "rollback: " << patches.size() << (patches.size() == 1 ? " patch" : " patches")
            << " now rolled_back:";
  for (const auto& x : patches)
    std::cout << ' ' << x.workstream_id;
  std::cout << "\n(their workstreams run again on the next run)\n";
}

} // namespace

int rollback_command(const rollback_args& a) {
  config::problem_list problems;
  auto p = config::load_project_config(std::filesystem::current_path(), config::read_environment(),
                                       problems);
  if (config::count_errors(problems) > 0) {
    print_problems(std::cerr, problems);
    std::cerr << "rollback: fix the project configuration first\n";
    return to_int(exit_code::bad_input);
  }
  auto& env = engine::environment::real();
  // No run may move the branch meanwhile.
  auto lock = actors::lock_branch(env, p, "uet-actors rollback " + a.run_id);
  if (!lock)
    return fail_with(lock.error());
  auto db = persistence::database::open_and_migrate(p.state_db);
  if (!db)
    return fail_with(db.error());
  auto run = persistence::state_reader(*db).run(a.run_id);
  if (!run)
    return fail_with(run.error());
  if (!*run)
    return fail_with(failure{error_kind::bad_input, "no run '" + a.run_id +
                                                        "' in the state database (uet-actors "
                                                        "status lists the latest)"});
  auto plan = ledger::plan_rollback(env, p.repo, p.integration_branch, a.run_id, a.cascade);
  if (!plan)
    return fail_with(plan.error());
  auto moved = move_branch(env, p, a, *plan);
  if (!moved)
    return fail_with(moved.error());
  // Tests kill it here, between the branch and the database, to show that
  // running it again finishes it.
  if (const char* at = std::getenv("UET_TEST_KILL_AT"); at && std::string(at) == "rollback")
    ::kill(::getpid(), SIGKILL);
  auto live = ledger::live_patches(env, p.repo, p.integration_branch);
  if (!live)
    return fail_with(live.error());
  nlohmann::json detail{{"mode", a.reset ? "reset" : "revert"},
                        {"runs", plan->runs},
                        {"before", plan->before},
                        {"head", *moved}};
  auto patches = persistence::record_rollback(*db, a.run_id, *live, detail.dump());
  if (!patches)
    return fail_with(patches.error());
  print(a, p, *plan, *moved, *patches);
  return to_int(exit_code::ok);
}

} // namespace uet::cli
