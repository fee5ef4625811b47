#include "ledger/workstream_inputs.h"

#include <nlohmann/json.hpp>

#include "ledger/object_store.h"

namespace uet::ledger {

namespace {

using nlohmann::json;

std::string hash_of(const json& j) {
  return blob_id_of(j.dump());
}

/// The parts in the order a reason names the first that changed.
const char* const part_names[] = {"prompt", "tool", "scope", "acceptance", "settings"};

std::string part_reason(const std::string& part) {
  if (part == "acceptance")
    return "acceptance commands changed";
  if (part == "tool")
    return "tool changed (tool_id or its tools.yaml entry)";
  return part + " changed";
}

std::string short_sha(const std::string& sha) {
  return sha.empty() ? "none" : sha.substr(0, 10);
}

} // namespace

std::string workstream_inputs::fingerprint() const {
  return hash_of(json{{"parts", parts}, {"base", base}, {"deps", deps}});
}

std::map<std::string, std::string> spec_parts(const config::workstream_spec& ws,
                                              const config::tool_spec* tool) {
  json tool_def = json{{"id", ws.tool_id}};
  if (tool)
    tool_def.update({{"adapter", tool->adapter}, {"argv", tool->argv}, {"env", tool->env}});
  json settings = {{"allow_submodules", ws.allow_submodules},
                   {"verify", ws.verify ? to_string(*ws.verify) : ""}};
  if (ws.timeout_s)
    settings["timeout_s"] = *ws.timeout_s;
  return {{"prompt", hash_of(ws.prompt)},
          {"tool", hash_of(tool_def)},
          {"scope", hash_of(json{{"files", ws.files}, {"allowed_paths", ws.allowed_paths}})},
          {"acceptance", hash_of(json{{"static", ws.static_checks}, {"commands", ws.commands}})},
          {"settings", hash_of(settings)}};
}

std::string why_run(const workstream_inputs& now, const input_record* record,
                    const std::function<bool(const std::string&)>& commit_on_branch) {
  if (!record)
    return "never run";
  if (!record->commit.empty() && !commit_on_branch(record->commit))
    return "its commit " + short_sha(record->commit) + " is no longer on the integration branch";
  if (record->fingerprint == now.fingerprint())
    return "";
  if (!record->inputs)
    return "inputs changed";
  const auto& was = *record->inputs;
  for (const char* part : part_names) {
    auto a = was.parts.find(part);
    auto b = now.parts.find(part);
    if (a == was.parts.end() || b == now.parts.end() || a->second != b->second)
      return part_reason(part);
  }
  for (const auto& [dep, commit] : now.deps) {
    auto before = was.deps.find(dep);
    if (before == was.deps.end())
      return "new dependency " + dep;
    if (before->second != commit)
      return "dependency " + dep + " re-committed (" + short_sha(before->second) + " -> " +
             short_sha(commit) + ")";
  }
  if (was.deps.size() != now.deps.size())
    return "dependencies changed";
  if (was.base != now.base)
    return "base moved (" + short_sha(was.base) + " -> " + short_sha(now.base) + ")";
  return "inputs changed";
}

std::string describe(const input_prediction& p) {
  switch (p.verdict) {
  case input_verdict::unchanged:
    return "unchanged";
  case input_verdict::runs:
    return "runs (" + p.reason + ")";
  case input_verdict::may_run:
    return "runs " + p.reason;
  }
  return p.reason;
}

std::string inputs_json(const workstream_inputs& in) {
  return json{{"parts", in.parts}, {"base", in.base}, {"deps", in.deps}}.dump();
}

std::optional<workstream_inputs> parse_inputs_json(const std::string& text) {
  auto j = json::parse(text, nullptr, false);
  if (!j.is_object())
    return std::nullopt;
  try {
    workstream_inputs in;
    in.parts = j.at("parts").get<std::map<std::string, std::string>>();
    in.base = j.at("base").get<std::string>();
    in.deps = j.at("deps").get<std::map<std::string, std::string>>();
    return in;
  } catch (const json::exception&) {
    return std::nullopt; // written by another version: treated as no record of parts
  }
}

} // namespace uet::ledger
