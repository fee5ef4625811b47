// uet-actors: the command line (SPEC §2). Parses arguments, applies -C, and
// hands each subcommand to its function in cli/*_command.cpp.
#include <CLI/CLI.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "base/exit_code.h"
#include "cli/commands.h"

namespace {

void setup_logging() {
  auto logger = spdlog::stderr_color_mt("uet");
  logger->set_pattern("%^%l%$: %v");
  const char* debug = std::getenv("UET_DEBUG");
  logger->set_level(debug && std::string(debug) == "1" ? spdlog::level::debug
                                                       : spdlog::level::info);
  spdlog::set_default_logger(logger);
}

} // namespace

int main(int argc, char** argv) {
  using namespace uet;
  using namespace uet::cli;
  // A closed stdout (`run ... | head`) must not kill a run midway and leave
  // its tools orphaned: writes then fail with EPIPE and the run goes on.
  ::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"uet-actors: run a DAG of AI-development workstreams onto an integration branch"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "uet-actors 0.1.0");
  std::string dir;
  app.add_option("-C", dir, "Run as if started in DIR (like git -C)")->type_name("DIR");

  bool validate_json = false;
  auto* validate =
      app.add_subcommand("validate", "Parse and validate everything; list every problem");
  validate->add_flag("--json", validate_json, "Print one JSON document");

  convert_args conv;
  auto* convert = app.add_subcommand("convert", "Convert legacy JSON workstreams to UET YAML");
  convert->add_option("IN", conv.in, "Directory of legacy *.json files (or one file)")->required();
  convert->add_option("OUT_DIR", conv.out, "Directory for the UET *.yaml files")->required();
  convert->add_flag("--check", conv.check,
                    "Prove the round trip: convert each output back and compare");
  convert->add_flag("--force", conv.force, "Overwrite existing output files");
  convert->add_flag("--json", conv.json, "Print the conversion report as JSON");

  plan_args plan;
  int plan_workers = 0;
  auto* plan_cmd = app.add_subcommand("plan", "Show waves, critical path and makespan bound");
  plan_cmd->add_option("PHASE", plan.phase, "phase-all or a phase named in uet.yaml")->required();
  auto* pj = plan_cmd->add_flag("--json", plan.json, "Print JSON");
  auto* pd = plan_cmd->add_flag("--dot", plan.dot, "Print a Graphviz digraph");
  pj->excludes(pd);
  plan_cmd
      ->add_option("--workers", plan_workers,
                   "Workers for the makespan bound (default max_workers)")
      ->check(CLI::Range(1, 256));

  std::string init_dir = ".";
  bool init_force = false;
  auto* init = app.add_subcommand("init", "Scaffold uet.yaml, tools.yaml and a workstream");
  init->add_option("DIR", init_dir, "Where to create the project (default: .)");
  init->add_flag("--force", init_force, "Overwrite existing files");

  bool health_json = false;
  auto* health = app.add_subcommand("health-check", "Check config, tools on PATH, git, state dir");
  health->add_flag("--json", health_json, "Print JSON");

  db_args db;
  auto* db_cmd =
      app.add_subcommand("db", "State database: schema migrations, integrity and ledger");
  db_cmd->add_option("ACTION", db.action, "migrate, rollback (one version) or check")
      ->required()
      ->check(CLI::IsMember({"migrate", "rollback", "check"}));
  db_cmd->add_flag("--json", db.json, "Print JSON");

  ledger_args ledger;
  std::string ledger_state, ledger_run;
  auto* ledger_cmd = app.add_subcommand("ledger", "Patches and their states (reads the database)");
  auto* ls = ledger_cmd->add_option("--state", ledger_state, "Only patches in this state");
  auto* lr = ledger_cmd->add_option("--run", ledger_run, "Only patches of this run");
  ledger_cmd->add_flag("--json", ledger.json, "Print a JSON array");

  run_args run;
  int run_parallel = 0;
  std::string run_engine;
  std::uint64_t run_seed = 0;
  auto add_run_options = [&](CLI::App* cmd) {
    cmd->add_option("--parallel", run_parallel, "Worker slots (default max_workers)")
        ->check(CLI::Validator(
            [](std::string& v) -> std::string {
              // CLI::Range alone calls "abc" a value out of range.
              int n = 0;
              std::size_t used = 0;
              try {
                n = std::stoi(v, &used);
              } catch (const std::exception&) {
                used = 0;
              }
              if (used == 0 || used != v.size())
                return "'" + v + "' is not a number of worker slots (a whole number, 1 to 256)";
              if (n < 1 || n > 256)
                return v + " worker slots: must be 1 to 256";
              return {};
            },
            "1..256"));
    cmd->add_flag("--dry-run", run.dry_run,
                  "Plan, actors and database rows, but no tools and no acceptance commands");
    cmd->add_option("--engine", run_engine, "uet (default) or legacy (sequential baseline)")
        ->check(CLI::IsMember({"uet", "legacy"}));
    cmd->add_option("--seed", run_seed, "Seed for retry jitter (same seed, same delays)");
    cmd->add_flag("--json", run.json, "One JSON object per event, then a summary object");
  };
  auto* run_cmd = app.add_subcommand("run", "Run a phase: every workstream onto the branch");
  run_cmd->add_option("PHASE", run.phase, "phase-all or a phase named in uet.yaml")->required();
  add_run_options(run_cmd);
  auto* run_ws = app.add_subcommand("run-workstream", "Run one workstream (and nothing else)");
  run_ws->add_option("ID", run.phase, "The workstream id")->required();
  add_run_options(run_ws);

  std::string resume_run;
  bool resume_json = false;
  auto* resume = app.add_subcommand("resume", "Finish an interrupted run (default: the latest)");
  resume->add_option("RUN_ID", resume_run, "The run to continue");
  resume->add_flag("--json", resume_json, "One JSON object per event, then a summary object");

  std::string status_run;
  bool status_json = false;
  auto* status = app.add_subcommand("status", "Runs, workstream states and progress");
  status->add_option("RUN_ID", status_run, "Default: the latest run");
  status->add_flag("--json", status_json, "Print JSON");

  std::string events_run;
  bool events_json = false;
  auto* events = app.add_subcommand("events", "The event log of a run");
  events->add_option("RUN_ID", events_run, "Default: the latest run");
  events->add_flag("--json", events_json, "One JSON object per line");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "uet-actors: " << e.what() << "\nRun 'uet-actors --help' for usage.\n";
    return to_int(exit_code::bad_input);
  }
  if (!dir.empty() && ::chdir(dir.c_str()) != 0) {
    std::cerr << "uet-actors: -C " << dir << ": " << std::strerror(errno) << '\n';
    return to_int(exit_code::bad_input);
  }
  setup_logging();
  if (plan_workers > 0)
    plan.workers = plan_workers;
  if (run_parallel > 0)
    run.parallel = run_parallel;
  if (!run_engine.empty())
    run.engine = run_engine;
  if (run_seed > 0)
    run.seed = run_seed;
  try {
    if (*validate)
      return validate_command(validate_json);
    if (*convert)
      return convert_command(conv);
    if (*plan_cmd)
      return plan_command(plan);
    if (*init)
      return init_command(init_dir, init_force);
    if (*health)
      return health_command(health_json);
    if (*db_cmd)
      return db_command(db);
    if (*ledger_cmd) {
      if (*ls)
        ledger.state = ledger_state;
      if (*lr)
        ledger.run = ledger_run;
      return ledger_command(ledger);
    }
    if (*run_cmd)
      return run_command(run);
    if (*run_ws) {
      run.single_workstream = true;
      return run_command(run);
    }
    if (*resume) {
      run_args r;
      r.resume = resume_run;
      r.json = resume_json;
      return run_command(r);
    }
    if (*status)
      return status_command(status_run, status_json);
    if (*events)
      return events_command(events_run, events_json);
  } catch (const std::exception& e) {
    std::cerr << "uet-actors: internal error: " << e.what() << '\n';
    return to_int(exit_code::internal);
  }
  return to_int(exit_code::internal);
}
