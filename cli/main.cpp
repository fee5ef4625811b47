// uet-actors: the command line (SPEC §2). Parses arguments, applies -C, and
// hands each subcommand to its function in cli/*_command.cpp.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "base/exit_code.h"
#include "cli/commands.h"
#include "engine/fault_plan.h"

namespace {

using namespace uet::cli;

void setup_logging() {
  auto logger = spdlog::stderr_color_mt("uet");
  logger->set_pattern("%^%l%$: %v");
  const char* debug = std::getenv("UET_DEBUG");
  logger->set_level(debug && std::string(debug) == "1" ? spdlog::level::debug
                                                       : spdlog::level::info);
  spdlog::set_default_logger(logger);
}

/// Everything the command line can say, and which subcommand said it.
struct parsed {
  std::string dir;
  CLI::App* validate = nullptr;
  bool validate_json = false;
  CLI::App* convert = nullptr;
  convert_args conv;
  CLI::App* plan_cmd = nullptr;
  plan_args plan;
  int plan_workers = 0;
  CLI::App* init = nullptr;
  std::string init_dir = ".";
  bool init_force = false;
  CLI::App* health = nullptr;
  bool health_json = false;
  CLI::App* db_cmd = nullptr;
  db_args db;
  CLI::App* ledger_cmd = nullptr;
  CLI::Option* ledger_state_opt = nullptr;
  CLI::Option* ledger_run_opt = nullptr;
  ledger_args ledger;
  std::string ledger_state, ledger_run;
  CLI::App* run_cmd = nullptr;
  CLI::App* run_ws = nullptr;
  run_args run;
  int run_parallel = 0;
  std::string run_engine;
  std::uint64_t run_seed = 0;
  std::string run_inject;
  std::vector<CLI::Option*> run_force_opts;
  CLI::App* resume = nullptr;
  std::string resume_run;
  bool resume_json = false;
  CLI::Option* resume_inject_opt = nullptr;
  std::string resume_inject;
  run_args resume_args; ///< its --nodes and TLS files
  std::uint64_t resume_seed = 0;
  CLI::App* node = nullptr;
  CLI::App* gen_certs = nullptr;
  node_args nd;
  CLI::App* report = nullptr;
  report_args rep;
  CLI::App* rollback = nullptr;
  rollback_args rb;
  CLI::App* status = nullptr;
  std::string status_run;
  bool status_json = false;
  bool status_all = false;
  bool status_watch = false;
  double status_interval = 1.0;
  CLI::App* events = nullptr;
  std::string events_run;
  bool events_json = false;
};

// CLI::Range alone calls "abc" a value out of range.
std::string check_slots(std::string& v) {
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
}

void add_project_commands(CLI::App& app, parsed& p) {
  p.validate = app.add_subcommand("validate", "Parse and validate everything; list every problem");
  p.validate->add_flag("--json", p.validate_json, "Print one JSON document");
  p.convert = app.add_subcommand("convert", "Convert legacy JSON workstreams to UET YAML");
  p.convert->add_option("IN", p.conv.in, "Directory of legacy *.json files (or one file)")
      ->required();
  p.convert->add_option("OUT_DIR", p.conv.out, "Directory for the UET *.yaml files")->required();
  p.convert->add_flag("--check", p.conv.check,
                      "Prove the round trip: convert each output back and compare");
  p.convert->add_flag("--force", p.conv.force, "Overwrite existing output files");
  p.convert->add_flag("--json", p.conv.json, "Print the conversion report as JSON");
  p.plan_cmd = app.add_subcommand("plan", "Show waves, critical path and makespan bound");
  p.plan_cmd->add_option("PHASE", p.plan.phase, "phase-all or a phase named in uet.yaml")
      ->required();
  auto* pj = p.plan_cmd->add_flag("--json", p.plan.json, "Print JSON");
  auto* pd = p.plan_cmd->add_flag("--dot", p.plan.dot, "Print a Graphviz digraph");
  pj->excludes(pd);
  p.plan_cmd
      ->add_option("--workers", p.plan_workers,
                   "Workers for the makespan bound (default max_workers)")
      ->check(CLI::Range(1, 256));
  p.init = app.add_subcommand("init", "Scaffold uet.yaml, tools.yaml and a workstream");
  p.init->add_option("DIR", p.init_dir, "Where to create the project (default: .)");
  p.init->add_flag("--force", p.init_force, "Overwrite existing files");
  p.health = app.add_subcommand("health-check", "Check config, tools on PATH, git, state dir");
  p.health->add_flag("--json", p.health_json, "Print JSON");
}

void add_state_commands(CLI::App& app, parsed& p) {
  p.db_cmd = app.add_subcommand("db", "State database: schema migrations, integrity and ledger");
  p.db_cmd->add_option("ACTION", p.db.action, "migrate, rollback (one version) or check")
      ->required()
      ->check(CLI::IsMember({"migrate", "rollback", "check"}));
  p.db_cmd->add_flag("--json", p.db.json, "Print JSON");
  p.ledger_cmd = app.add_subcommand("ledger", "Patches and their states (reads the database)");
  p.ledger_state_opt =
      p.ledger_cmd->add_option("--state", p.ledger_state, "Only patches in this state");
  p.ledger_run_opt = p.ledger_cmd->add_option("--run", p.ledger_run, "Only patches of this run");
  p.ledger_cmd->add_flag("--json", p.ledger.json, "Print a JSON array");
  p.report = app.add_subcommand(
      "report", "A run's report page, timeline trace or monitoring numbers (reads the database)");
  p.report->add_option("RUN_ID", p.rep.run_id, "Default: the latest run");
  p.report->add_flag("--metrics", p.rep.metrics,
                     "Completion, time per workstream, error rate, parallel efficiency");
  auto* rj = p.report->add_flag("--json", p.rep.json, "Print JSON");
  auto* rp =
      p.report->add_flag("--prometheus", p.rep.prometheus, "Prometheus text exposition format");
  rj->excludes(rp);
  p.report->add_option("--html", p.rep.html,
                       "Write one self-contained HTML page: timeline, DAG, patch flow, failures");
  p.report->add_option("--trace", p.rep.trace,
                       "Write Chrome trace-event JSON (Perfetto, chrome://tracing)");
  p.node = app.add_subcommand(
      "node", "A worker node: runs a coordinator's workstreams with its own tools (CAF, mTLS)");
  p.node->add_option("--listen", p.nd.listen, "HOST:PORT (default 127.0.0.1:0: a free port)");
  p.node->add_option("--slots", p.nd.slots, "Workstreams it runs at once")
      ->check(CLI::PositiveNumber);
  p.node->add_option("--tools", p.nd.tools, "Its own tool registry (tools.yaml)");
  p.node->add_option("--work-dir", p.nd.work_dir, "Where it keeps its clone and worktrees");
  p.node->add_option("--id", p.nd.id, "Its name in the coordinator's records (HOSTNAME/PID)");
  p.node->add_option("--tls-cert", p.nd.tls_cert, "Its certificate (PEM)");
  p.node->add_option("--tls-key", p.nd.tls_key, "Its private key (PEM)");
  p.node->add_option("--tls-ca", p.nd.tls_ca, "The CA whose certificates it accepts (PEM)");
  p.gen_certs = p.node->add_subcommand(
      "gen-certs", "Make a CA and certificates for mutual TLS between nodes and coordinators");
  p.gen_certs->add_option("DIR", p.nd.certs_dir, "Where to write them")->required();
  p.gen_certs
      ->add_option("--names", p.nd.cert_names,
                   "One certificate per name (default: node,coordinator)")
      ->delimiter(',');
  p.rollback = app.add_subcommand(
      "rollback", "Put the integration branch back where a run found it; its patches rolled_back");
  p.rollback->add_option("RUN_ID", p.rb.run_id, "The run to roll back")->required();
  p.rollback->add_flag("--reset", p.rb.reset,
                       "Move the branch back instead of adding a revert commit (rewrites history)");
  p.rollback->add_flag("--cascade", p.rb.cascade, "Also roll back the later runs on top of it");
  p.rollback->add_flag("--json", p.rb.json, "Print JSON");
  p.status = app.add_subcommand("status", "Runs, workstream states and progress");
  p.status->add_option("RUN_ID", p.status_run, "Default: the latest run");
  p.status->add_flag("--json", p.status_json, "Print JSON");
  auto* all = p.status->add_flag("--all", p.status_all,
                                 "Every run, newest first: state, counts, wall time");
  auto* watch = p.status->add_flag(
      "--watch", p.status_watch,
      "Follow the run until it ends: redrawn in place on a terminal, a line per change if not");
  p.status->add_option("--interval", p.status_interval, "Seconds between refreshes of --watch")
      ->check(CLI::PositiveNumber)
      ->needs(watch);
  watch->excludes(all);
  p.events = app.add_subcommand("events", "The event log of a run");
  p.events->add_option("RUN_ID", p.events_run, "Default: the latest run");
  p.events->add_flag("--json", p.events_json, "One JSON object per line");
}

/// Where attempts may run besides this machine (run, run-workstream, resume).
void add_node_options(CLI::App* cmd, run_args& into) {
  cmd->add_option("--nodes", into.nodes,
                  "Worker nodes (HOST:PORT, comma-separated) whose slots add to --parallel "
                  "(docs/operator-guide.md)")
      ->delimiter(',');
  cmd->add_option("--tls-cert", into.tls_cert, "This coordinator's certificate (PEM)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--tls-key", into.tls_key, "Its private key (PEM)")->check(CLI::ExistingFile);
  cmd->add_option("--tls-ca", into.tls_ca, "The CA the nodes' certificates must come from")
      ->check(CLI::ExistingFile);
}

void add_run_options(CLI::App* cmd, parsed& p) {
  cmd->add_option("--parallel", p.run_parallel, "Worker slots (default max_workers)")
      ->check(CLI::Validator(check_slots, "1..256"));
  cmd->add_flag("--dry-run", p.run.dry_run,
                "Plan, actors and database rows, but no tools and no acceptance commands");
  cmd->add_option("--engine", p.run_engine, "uet (default) or legacy (sequential baseline)")
      ->check(CLI::IsMember({"uet", "legacy"}));
  cmd->add_option("--seed", p.run_seed,
                  "Seed for retry jitter and injected faults (same seed, same delays and faults)");
  cmd->add_option("--inject", p.run_inject,
                  "Inject faults: site:kind[:p=P][:after=N][:times=N][:tool=ID][:ws=ID];... "
                  "(docs/reliability.md)");
  cmd->add_flag("--json", p.run.json, "One JSON object per event, then a summary object");
  p.run_force_opts.push_back(
      cmd->add_option("--force", p.run.force_ids,
                      "Run these workstreams (comma-separated; none named: all) even when "
                      "nothing they are built from changed")
          ->expected(0, -1)
          ->delimiter(','));
  add_node_options(cmd, p.run);
}

void add_run_commands(CLI::App& app, parsed& p) {
  p.run_cmd = app.add_subcommand("run", "Run a phase: every workstream onto the branch");
  p.run_cmd->add_option("PHASE", p.run.phase, "phase-all or a phase named in uet.yaml")->required();
  add_run_options(p.run_cmd, p);
  p.run_ws = app.add_subcommand("run-workstream", "Run one workstream (and nothing else)");
  p.run_ws->add_option("ID", p.run.phase, "The workstream id")->required();
  add_run_options(p.run_ws, p);
  p.resume = app.add_subcommand("resume", "Finish an interrupted run (default: the latest)");
  p.resume->add_option("RUN_ID", p.resume_run, "The run to continue");
  p.resume->add_flag("--json", p.resume_json, "One JSON object per event, then a summary object");
  p.resume_inject_opt = p.resume->add_option(
      "--inject", p.resume_inject, "Faults to inject instead of the run's own ('none': no faults)");
  p.resume->add_option("--seed", p.resume_seed, "Seed instead of the run's own");
  add_node_options(p.resume, p.resume_args);
}

/// The options given only when set (0 and "" mean "not given").
void settle_optionals(parsed& p) {
  if (p.plan_workers > 0)
    p.plan.workers = p.plan_workers;
  if (p.run_parallel > 0)
    p.run.parallel = p.run_parallel;
  if (!p.run_engine.empty())
    p.run.engine = p.run_engine;
  if (p.run_seed > 0)
    p.run.seed = p.run_seed;
  if (!p.run_inject.empty())
    p.run.inject = p.run_inject;
  if (*p.ledger_state_opt)
    p.ledger.state = p.ledger_state;
  if (*p.ledger_run_opt)
    p.ledger.run = p.ledger_run;
  if (*p.run_ws)
    p.run.single_workstream = true;
  for (auto* o : p.run_force_opts)
    if (*o)
      p.run.force = true;
  auto& ids = p.run.force_ids; // a bare --force gives CLI11 one empty value
  ids.erase(std::remove(ids.begin(), ids.end(), std::string()), ids.end());
}

int dispatch(const parsed& p) {
  if (*p.validate)
    return validate_command(p.validate_json);
  if (*p.convert)
    return convert_command(p.conv);
  if (*p.plan_cmd)
    return plan_command(p.plan);
  if (*p.init)
    return init_command(p.init_dir, p.init_force);
  if (*p.health)
    return health_command(p.health_json);
  if (*p.db_cmd)
    return db_command(p.db);
  if (*p.ledger_cmd)
    return ledger_command(p.ledger);
  if (*p.rollback)
    return rollback_command(p.rb);
  if (*p.report)
    return report_command(p.rep);
  if (*p.node)
    return node_command(p.nd);
  if (*p.run_cmd || *p.run_ws)
    return run_command(p.run);
  if (*p.resume) {
    run_args r = p.resume_args;
    r.resume = p.resume_run;
    r.json = p.resume_json;
    if (*p.resume_inject_opt)
      r.inject = p.resume_inject;
    if (p.resume_seed > 0)
      r.seed = p.resume_seed;
    return run_command(r);
  }
  if (*p.status && p.status_watch)
    return status_watch(p.status_run, p.status_interval);
  if (*p.status)
    return status_command(p.status_run, p.status_json, p.status_all);
  if (*p.events)
    return events_command(p.events_run, p.events_json);
  return to_int(uet::exit_code::internal);
}

} // namespace

int main(int argc, char** argv) {
  using uet::exit_code;
  using uet::to_int;
  // A closed stdout (`run ... | head`) must not kill a run midway and leave
  // its tools orphaned: writes then fail with EPIPE and the run goes on.
  ::signal(SIGPIPE, SIG_IGN);
  if (argc >= 2 && std::string(argv[1]) == uet::engine::fault_shim_command)
    return fault_shim(argc - 2, argv + 2); // internal: a tool run under an injected fault
  CLI::App app{"uet-actors: run a DAG of AI-development workstreams onto an integration branch"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "uet-actors 0.1.0");
  parsed p;
  app.add_option("-C", p.dir, "Run as if started in DIR (like git -C)")->type_name("DIR");
  add_project_commands(app, p);
  add_state_commands(app, p);
  add_run_commands(app, p);
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
  if (!p.dir.empty() && ::chdir(p.dir.c_str()) != 0) {
    std::cerr << "uet-actors: -C " << p.dir << ": " << std::strerror(errno) << '\n';
    return to_int(exit_code::bad_input);
  }
  setup_logging();
  settle_optionals(p);
  try {
    return dispatch(p);
  } catch (const std::exception& e) {
    std::cerr << "uet-actors: internal error: " << e.what() << '\n';
    return to_int(exit_code::internal);
  }
}
