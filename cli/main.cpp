// uet-actors: the command line (SPEC §2). Parses arguments, applies -C, and
// hands each subcommand to its function in cli/*_command.cpp.
#include <CLI/CLI.hpp>
#include <cerrno>
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
  } catch (const std::exception& e) {
    std::cerr << "uet-actors: internal error: " << e.what() << '\n';
    return to_int(exit_code::internal);
  }
  return to_int(exit_code::internal);
}
