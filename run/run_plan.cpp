#include "run/run_plan.h"

#include <nlohmann/json.hpp>

#include "config/phases.h"
#include "engine/fault_plan.h"
#include "run/project.h"

namespace uet::run {

namespace {

/// The options a resumed run was started with, under the request's own.
expected<run_request> merge_resumed(run_request req, const resume_record& resume) {
  req.target = run_target::parse(resume.run.phase_id);
  auto engine = parse_engine_kind(resume.run.engine);
  if (!engine)
    return fail(error_kind::bad_input, "run " + resume.run.run_id + " has engine '" +
                                           resume.run.engine + "', which this build does not know");
  req.engine = engine;
  auto opts = nlohmann::json::parse(resume.run.options_json.value_or("{}"), nullptr, false);
  if (!opts.is_object())
    return req;
  if (!req.parallel && opts.contains("parallel") && opts["parallel"].is_number_integer())
    req.parallel = opts["parallel"].get<int>();
  if (opts.value("dry_run", false))
    req.dry_run = true;
  if (!req.seed && opts.contains("seed") && opts["seed"].is_number_unsigned())
    req.seed = opts["seed"].get<std::uint64_t>();
  if (!req.inject && opts.contains("inject") && opts["inject"].is_string())
    req.inject = opts["inject"].get<std::string>();
  return req;
}

expected<std::vector<std::string>> select(const run_target& target,
                                          const config::project_bundle& b) {
  if (target.what == run_target::kind::phase)
    return config::select_phase(b, target.name); // an unknown phase: bad_input
  for (const auto& ws : b.workstreams)
    if (ws.id == target.name)
      return std::vector<std::string>{target.name};
  return fail(error_kind::bad_input,
              "no workstream '" + target.name + "' in " +
                  config::display_path(b.config.root, b.config.workstreams_dir));
}

} // namespace

expected<run_plan> resolve_run(const run_request& request, const config::project_bundle& bundle,
                               const resume_record* resume, const std::string& new_run_id,
                               std::uint64_t random_seed) {
  auto merged = resume ? merge_resumed(request, *resume) : expected<run_request>(request);
  if (!merged)
    return merged.error();
  const auto& req = *merged;
  auto ids = select(req.target, bundle);
  if (!ids)
    return ids.error();
  run_plan p;
  p.run_id = resume ? resume->run.run_id : new_run_id;
  p.resumed = resume != nullptr;
  p.target = req.target;
  p.engine = req.engine.value_or(bundle.config.engine);
  p.dry_run = req.dry_run || bundle.config.dry_run;
  p.parallel =
      p.engine == engine_kind::legacy ? 1 : req.parallel.value_or(bundle.config.max_workers);
  p.seed = req.seed.value_or(random_seed);
  if (req.inject) {
    auto faults = engine::parse_fault_spec(*req.inject, p.seed);
    if (!faults)
      return faults.error();
    p.inject = faults->spec;
  }
  p.selects_all = selects_all(bundle, *ids);
  p.ids = std::move(*ids);
  return p;
}

std::string options_json(const run_plan& plan) {
  return nlohmann::json{{"parallel", plan.parallel},
                        {"dry_run", plan.dry_run},
                        {"seed", plan.seed},
                        {"inject", plan.inject},
                        {"workstreams", plan.ids.size()}}
      .dump();
}

} // namespace uet::run
