#include "run/project.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "config/references.h"

namespace uet::run {

namespace {

std::vector<engine::dag_input> dag_inputs(const config::project_bundle& b) {
  std::vector<engine::dag_input> in;
  in.reserve(b.workstreams.size());
  for (const auto& ws : b.workstreams)
    in.push_back(engine::dag_input{ws.id, ws.dependencies, 1.0});
  return in;
}

} // namespace

checked_project load_checked_project(const std::filesystem::path& root) {
  auto bundle = config::load_project(root, config::read_environment());
  config::check_references(bundle);
  engine::dag graph(dag_inputs(bundle));
  auto cycles = graph.cycles();
  if (!cycles.empty()) {
    std::unordered_map<std::string, const config::workstream_spec*> by_id;
    for (const auto& ws : bundle.workstreams)
      by_id[ws.id] = &ws;
    for (const auto& c : cycles) {
      std::string path;
      for (const auto& id : c)
        path += (path.empty() ? "" : " -> ") + id;
      bundle.problems.push_back(config::problem{config::severity::error, by_id[c.front()]->file,
                                                "dependencies", "dependency cycle: " + path});
    }
  }
  std::stable_sort(
      bundle.problems.begin(), bundle.problems.end(),
      [](const config::problem& a, const config::problem& b) { return a.file < b.file; });
  checked_project p{std::move(bundle), std::move(graph), 0, 0};
  p.errors = config::count_errors(p.bundle.problems);
  p.warnings = p.bundle.problems.size() - p.errors;
  return p;
}

engine::dag subgraph(const config::project_bundle& b, const std::vector<std::string>& ids,
                     double weight) {
  std::unordered_set<std::string> keep(ids.begin(), ids.end());
  std::vector<engine::dag_input> in;
  in.reserve(ids.size());
  for (const auto& ws : b.workstreams) {
    if (!keep.count(ws.id))
      continue;
    engine::dag_input n{ws.id, {}, weight};
    for (const auto& d : ws.dependencies)
      if (keep.count(d))
        n.dependencies.push_back(d);
    in.push_back(std::move(n));
  }
  return engine::dag(in);
}

bool selects_all(const config::project_bundle& b, const std::vector<std::string>& ids) {
  if (ids.size() < b.workstreams.size())
    return false;
  std::unordered_set<std::string> selected(ids.begin(), ids.end());
  for (const auto& ws : b.workstreams)
    if (!selected.count(ws.id))
      return false;
  return true;
}

} // namespace uet::run
