#include <iomanip>
#include <iostream>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "base/exit_code.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "config/phases.h"
#include "engine/plan.h"
#include "persistence/database.h"
#include "persistence/state_reader.h"
#include "run/dependencies.h"
#include "run/input_plan.h"
#include "run/project.h"

namespace uet::cli {

namespace {

std::string dot_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string num(double d) {
  std::ostringstream o;
  o << std::setprecision(6) << d;
  return o.str();
}

void print_dot(const engine::dag& g, const engine::plan_summary& p,
               const std::unordered_map<std::string, std::string>& titles) {
  std::unordered_set<std::uint32_t> on_path(p.critical_path.begin(), p.critical_path.end());
  std::unordered_set<std::uint64_t> path_edges;
  for (std::size_t i = 1; i < p.critical_path.size(); ++i)
    path_edges.insert((std::uint64_t(p.critical_path[i - 1]) << 32) | p.critical_path[i]);
  auto& out = std::cout;
  out << "digraph uet_plan {\n  rankdir=LR;\n  node [shape=box, style=rounded, "
         "fontname=\"Helvetica\"];\n";
  for (std::size_t w = 0; w < p.waves.size(); ++w) {
    out << "  subgraph wave_" << w + 1 << " {\n    rank=same;\n";
    for (auto v : p.waves[w]) {
      out << "    " << dot_quote(g.id(v)) << " [";
      auto t = titles.find(g.id(v));
      if (t != titles.end() && !t->second.empty())
        out << "tooltip=" << dot_quote(t->second) << ", ";
      out << "label=" << dot_quote(g.id(v) + "\nwave " + std::to_string(w + 1));
      if (on_path.count(v))
        out << ", color=red, penwidth=2";
      out << "];\n";
    }
    out << "  }\n";
  }
  for (std::size_t v = 0; v < g.size(); ++v)
    for (auto d : g.dependencies(v)) {
      out << "  " << dot_quote(g.id(d)) << " -> " << dot_quote(g.id(v));
      if (path_edges.count((std::uint64_t(d) << 32) | v))
        out << " [color=red, penwidth=2]";
      out << ";\n";
    }
  out << "}\n";
}

/// The plan of one phase, with what printing it needs.
struct phase_plan {
  engine::dag g{{}};
  bool timed = false; ///< weighed by earlier runs' durations (seconds), not 1 per workstream
  engine::plan_summary plan;
  std::unordered_map<std::string, std::string> titles;
  std::vector<std::string> external; ///< dependencies outside the phase, first seen first
  /// Per node of g: would a run start it, and why (run/input_plan.h);
  /// empty when that cannot be read (the reason is in inputs_error).
  std::vector<run::input_prediction> inputs;
  std::string inputs_error;
};

/// What a run would start now: the branch's and the database's records of
/// each workstream's last result against its inputs now.
void predict(const config::project_bundle& b, phase_plan& p) {
  std::unordered_map<std::string, const config::workstream_spec*> by_id;
  for (const auto& ws : b.workstreams)
    by_id[ws.id] = &ws;
  std::vector<config::workstream_spec> specs;
  for (std::size_t i = 0; i < p.g.size(); ++i)
    specs.push_back(*by_id.at(p.g.id(i)));
  std::optional<persistence::database> db;
  std::error_code ec;
  if (std::filesystem::exists(b.config.state_db, ec))
    if (auto opened = persistence::database::open_read_only(b.config.state_db))
      db.emplace(std::move(*opened));
  auto in = run::read_inputs(engine::environment::real(), b.config, db ? &*db : nullptr, specs,
                             b.tools, {});
  if (!in) {
    p.inputs_error = in.message();
    return;
  }
  p.inputs = run::predict_inputs(*in, specs);
}

/// What earlier runs took per workstream (the state database, read only),
/// as `run` weighs them; empty without a database or history.
std::map<std::string, double> history_of(const config::project_config& cfg) {
  std::error_code ec;
  if (!std::filesystem::exists(cfg.state_db, ec))
    return {};
  auto db = persistence::database::open_read_only(cfg.state_db);
  if (!db)
    return {};
  auto history = persistence::state_reader(*db).step_durations();
  return history ? *history : std::map<std::string, double>{};
}

phase_plan make_phase_plan(const config::project_bundle& b, const std::vector<std::string>& ids,
                           int workers) {
  phase_plan p;
  p.g = run::subgraph(b, ids);
  if (auto history = history_of(b.config); !history.empty()) {
    auto estimate = engine::duration_estimates(ids, history);
    for (std::size_t i = 0; i < p.g.size(); ++i)
      p.g.set_weight(i, estimate.at(p.g.id(i)) / 1000.0); // the database keeps ms
    p.timed = true;
  }
  p.plan = engine::make_plan(p.g, workers);
  std::unordered_set<std::string> chosen(ids.begin(), ids.end());
  for (const auto& ws : b.workstreams)
    if (chosen.count(ws.id))
      p.titles[ws.id] = ws.title;
  std::unordered_set<std::string> ext_seen;
  for (const auto& [ws, d] : run::outside_dependencies(b, ids))
    if (ext_seen.insert(d).second)
      p.external.push_back(d);
  predict(b, p);
  return p;
}

void print_plan_json(const std::string& phase, const phase_plan& p) {
  const auto& g = p.g;
  json waves = json::array();
  for (const auto& w : p.plan.waves) {
    json ids_json = json::array();
    for (auto v : w)
      ids_json.push_back(g.id(v));
    waves.push_back(ids_json);
  }
  json path = json::array();
  for (auto v : p.plan.critical_path)
    path.push_back(g.id(v));
  json runs = json::array();
  for (std::size_t i = 0; i < p.inputs.size(); ++i) {
    const auto& in = p.inputs[i];
    const char* verdict = in.verdict == run::input_verdict::unchanged ? "unchanged"
                          : in.verdict == run::input_verdict::runs    ? "runs"
                                                                      : "may_run";
    runs.push_back({{"workstream", g.id(i)}, {"verdict", verdict}, {"reason", in.reason}});
  }
  print_json(
      json{{"phase", phase},
           {"workstreams", g.size()},
           {"dependencies", g.edge_count()},
           {"external_dependencies", p.external},
           {"waves", waves},
           {"critical_path", json{{"length", p.plan.critical_length}, {"workstreams", path}}},
           {"total_work", p.plan.total_work},
           {"workers", p.plan.workers},
           {"makespan_lower_bound", p.plan.makespan_lower_bound},
           {"duration_unit",
            p.timed ? "seconds (earlier runs' durations)" : "estimate (1 per workstream)"},
           {"would_run", runs}});
}

void print_would_run(const phase_plan& p) {
  auto& out = std::cout;
  if (!p.inputs_error.empty()) {
    out << "what a run would start cannot be told: " << p.inputs_error << '\n';
    return;
  }
  std::size_t same = 0, shown = 0;
  for (const auto& in : p.inputs)
    same += in.verdict == run::input_verdict::unchanged;
  if (same == p.inputs.size()) {
    out << "a run now would start none: all " << same
        << " are unchanged since their last result (run --force runs them anyway)\n";
    return;
  }
  out << "a run now would start " << p.inputs.size() - same << " of " << p.inputs.size()
      << (same ? " (the rest are unchanged since their last result)" : "") << ":\n";
  for (std::size_t i = 0; i < p.inputs.size(); ++i) {
    if (p.inputs[i].verdict == run::input_verdict::unchanged)
      continue;
    if (++shown > 20) {
      out << "  ... (--json lists all)\n";
      break;
    }
    out << "  " << p.g.id(i) << ": " << describe(p.inputs[i]) << '\n';
  }
}

void print_plan_text(const std::string& phase, const phase_plan& p) {
  const auto& g = p.g;
  const auto& plan = p.plan;
  auto& out = std::cout;
  out << phase << ": " << plural(g.size(), "workstream") << ", " << g.edge_count()
      << (g.edge_count() == 1 ? " dependency, " : " dependencies, ")
      << plural(plan.waves.size(), "wave") << '\n';
  const std::size_t shown = 20;
  for (std::size_t w = 0; w < plan.waves.size(); ++w) {
    out << "  wave " << w + 1 << " (" << plan.waves[w].size() << "):";
    for (std::size_t i = 0; i < plan.waves[w].size() && i < shown; ++i)
      out << ' ' << g.id(plan.waves[w][i]);
    if (plan.waves[w].size() > shown)
      out << " ... (+" << plan.waves[w].size() - shown << " more; --json lists all)";
    out << '\n';
  }
  const std::string unit = p.timed ? " s" : " units";
  out << "critical path (" << num(plan.critical_length) << unit << "):";
  for (std::size_t i = 0; i < plan.critical_path.size(); ++i)
    out << (i ? " -> " : " ") << g.id(plan.critical_path[i]);
  out << '\n';
  if (!p.external.empty()) {
    out << "outside this phase (must already be committed):";
    for (const auto& e : p.external)
      out << ' ' << e;
    out << '\n';
  }
  out << "makespan lower bound with " << plural(plan.workers, "worker") << ": max(critical path "
      << num(plan.critical_length) << ", work " << num(plan.total_work) << " / " << plan.workers
      << ") = " << num(plan.makespan_lower_bound) << unit
      << (p.timed ? " (from earlier runs' durations)\n"
                  : " (1 unit per workstream: no runs yet)\n");
  print_would_run(p);
}

} // namespace

int plan_command(const plan_args& a) {
  auto root = std::filesystem::current_path();
  auto p = run::load_checked_project(root);
  const auto& b = p.bundle;
  if (p.errors) {
    print_problems(std::cerr, b.problems);
    std::cerr << "plan: the project is invalid (" << count_words(p.errors, p.warnings)
              << "); fix it first ('uet-actors validate')\n";
    return to_int(exit_code::bad_input);
  }
  auto ids = config::select_phase(b, a.phase);
  if (!ids) {
    std::cerr << "plan: " << ids.message() << '\n';
    return to_int(exit_code::bad_input);
  }
  auto plan = make_phase_plan(b, *ids, a.workers.value_or(b.config.max_workers));
  if (a.dot)
    print_dot(plan.g, plan.plan, plan.titles);
  else if (a.json)
    print_plan_json(a.phase, plan);
  else
    print_plan_text(a.phase, plan);
  return 0;
}

} // namespace uet::cli
