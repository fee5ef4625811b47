#include "run/input_plan.h"

#include <functional>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "ledger/input_trailers.h"
#include "persistence/state_reader.h"

namespace uet::run {

namespace {

using ledger::input_record;

std::optional<input_record> record_of(const persistence::event_row& e) {
  auto j = nlohmann::json::parse(e.payload_json.value_or("{}"), nullptr, false);
  if (!j.is_object() || !j.contains("fingerprint") || !j["fingerprint"].is_string())
    return std::nullopt;
  input_record r;
  r.run_id = e.run_id;
  r.fingerprint = j["fingerprint"].get<std::string>();
  r.commit = j.value("commit", "");
  if (j.contains("inputs"))
    r.inputs = ledger::parse_inputs_json(j["inputs"].dump());
  return r;
}

/// The record to compare with: the database's when it names the
/// workstream's newest commit on the branch; else the branch's trailer (a
/// run killed before its record was written, or a record from before the
/// branch moved).
std::optional<input_record> current_record(std::optional<input_record> db,
                                           const ledger::branch_input* on_branch) {
  if (!on_branch)
    return db;
  if (db && db->commit == on_branch->commit)
    return db;
  if (on_branch->fingerprint.empty())
    return std::nullopt; // committed by a version that wrote no UET-Input
  return input_record{"", on_branch->fingerprint, on_branch->commit, std::nullopt};
}

expected<std::map<std::string, persistence::event_row>> recorded_events(persistence::database* db) {
  if (!db)
    return std::map<std::string, persistence::event_row>{};
  return persistence::state_reader(*db).last_input_events();
}

} // namespace

expected<actors::input_context>
read_inputs(engine::environment& env, const config::project_config& project,
            persistence::database* db, const std::vector<config::workstream_spec>& specs,
            const config::tool_registry& tools, const force_request& force) {
  std::set<std::string> named(force.ids.begin(), force.ids.end());
  for (const auto& ws : specs)
    named.erase(ws.id);
  if (!named.empty())
    return fail(
        error_kind::bad_input,
        "--force names workstream(s) not in this run: " + *named.begin() +
            (named.size() > 1 ? " (and " + std::to_string(named.size() - 1) + " more)" : ""));
  auto branch = ledger::read_input_trailers(env, project.repo, project.integration_branch);
  if (!branch)
    return branch.error();
  auto base = ledger::branch_base(env, project.repo, project.integration_branch, project.base_ref);
  if (!base)
    return base.error();
  auto events = recorded_events(db);
  if (!events)
    return events.error().context("cannot read what earlier runs recorded of their inputs: ");
  actors::input_context in;
  in.base = std::move(*base);
  for (const auto& [id, entry] : *branch)
    in.branch[id] = entry.commit;
  std::set<std::string> forced(force.ids.begin(), force.ids.end());
  for (const auto& ws : specs) {
    in.parts.push_back(ledger::spec_parts(ws, tools.find(ws.tool_id)));
    auto e = events->find(ws.id);
    auto b = branch->find(ws.id);
    in.records.push_back(current_record(e == events->end() ? std::nullopt : record_of(e->second),
                                        b == branch->end() ? nullptr : &b->second));
    in.forced.push_back(force.given && (force.ids.empty() || forced.count(ws.id) > 0));
  }
  return in;
}

std::vector<input_prediction> predict_inputs(const actors::input_context& in,
                                             const std::vector<config::workstream_spec>& specs) {
  std::unordered_map<std::string, std::size_t> node_of;
  for (std::size_t i = 0; i < specs.size(); ++i)
    node_of[specs[i].id] = i;
  std::vector<std::optional<input_prediction>> out(specs.size());
  // Depth-first over dependencies (the DAG has no cycle: validate checked).
  std::function<const input_prediction&(std::size_t)> visit =
      [&](std::size_t i) -> const input_prediction& {
    if (out[i])
      return *out[i];
    const auto& ws = specs[i];
    ledger::workstream_inputs now{in.parts[i], in.base, {}};
    for (const auto& dep : ws.dependencies) {
      auto c = in.branch.find(dep);
      now.deps[dep] = c == in.branch.end() ? std::string() : c->second;
    }
    auto on_branch = in.branch.find(ws.id);
    const auto& rec = in.records[i];
    auto why = in.forced[i]
                   ? std::string("--force")
                   : ledger::why_run(now, rec ? &*rec : nullptr, [&](const std::string& c) {
                       return on_branch != in.branch.end() && on_branch->second == c;
                     });
    input_prediction p{why.empty() ? input_verdict::unchanged : input_verdict::runs, why};
    for (const auto& dep : ws.dependencies) {
      auto d = node_of.find(dep);
      if (p.verdict != input_verdict::unchanged || d == node_of.end())
        continue;
      if (visit(d->second).verdict != input_verdict::unchanged)
        p = {input_verdict::may_run, "if " + dep + "'s patch changes"};
    }
    out[i] = std::move(p);
    return *out[i];
  };
  std::vector<input_prediction> result;
  for (std::size_t i = 0; i < specs.size(); ++i)
    result.push_back(visit(i));
  return result;
}

} // namespace uet::run
