#include "config/references.h"

#include <unordered_map>
#include <unordered_set>

#include "base/path_lookup.h"
#include "config/field_reader.h"

namespace uet::config {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> keys_of(const std::map<std::string, tool_spec>& m) {
  std::vector<std::string> out;
  for (const auto& kv : m)
    out.push_back(kv.first);
  return out;
}

} // namespace

void check_references(project_bundle& b) {
  auto& out = b.problems;
  std::unordered_map<std::string, std::string> first_file; // id -> file
  std::vector<workstream_spec> unique;
  unique.reserve(b.workstreams.size());
  for (auto& ws : b.workstreams) {
    auto [it, inserted] = first_file.emplace(ws.id, ws.file);
    if (!inserted) {
      out.push_back(problem{severity::error, ws.file, "workstream_id",
                            "duplicate id '" + ws.id + "': also defined in " + it->second});
      continue;
    }
    unique.push_back(std::move(ws));
  }
  b.workstreams = std::move(unique);

  auto tool_ids = keys_of(b.tools.tools);
  std::vector<std::string> all_ids;
  all_ids.reserve(first_file.size());
  for (const auto& kv : first_file)
    all_ids.push_back(kv.first);

  // Files that failed to load, by stem: a dependency on one of them is a
  // consequence of that file's error, and said so.
  std::unordered_map<std::string, std::string> broken; // stem -> file
  auto ws_dir = fs::path(display_path(b.config.root, b.config.workstreams_dir)).lexically_normal();
  for (const auto& p : out) {
    fs::path file(p.file);
    if (p.level == severity::error && file.extension() == ".yaml" &&
        file.parent_path().lexically_normal() == ws_dir && !first_file.count(file.stem().string()))
      broken.emplace(file.stem().string(), p.file);
  }

  for (const auto& ws : b.workstreams) {
    if (!ws.tool_id.empty() && !b.tools.find(ws.tool_id)) {
      std::string msg = "unknown tool '" + ws.tool_id + "' (not in tools.yaml";
      if (auto near = closest_match(ws.tool_id, tool_ids))
        msg += "; did you mean '" + *near + "'?";
      out.push_back(problem{severity::error, ws.file, "execution_request.tool_id", msg + ")"});
    }
    if (!ws.has_acceptance())
      out.push_back(problem{
          b.config.require_acceptance ? severity::error : severity::warning, ws.file,
          "acceptance_criteria",
          std::string("no acceptance command: its change would be committed on the tool's exit "
                      "code alone") +
              (b.config.require_acceptance ? " (uet.yaml: require_acceptance: true)"
                                           : "; add static or commands checks (require_acceptance: "
                                             "true in uet.yaml makes this an error)")});
    std::unordered_set<std::string> seen;
    for (std::size_t i = 0; i < ws.dependencies.size(); ++i) {
      const auto& dep = ws.dependencies[i];
      auto field = "dependencies[" + std::to_string(i) + "]";
      if (!seen.insert(dep).second) {
        out.push_back(problem{severity::warning, ws.file, field,
                              "'" + dep + "' is listed more than once (kept as written)"});
        continue;
      }
      if (dep == ws.id) {
        out.push_back(problem{severity::error, ws.file, field, "workstream depends on itself"});
      } else if (!first_file.count(dep) && broken.count(dep)) {
        out.push_back(problem{severity::error, ws.file, field,
                              "depends on '" + dep + "', whose file " + broken.at(dep) +
                                  " did not load (its own error says why)"});
      } else if (!first_file.count(dep)) {
        std::string msg = "depends on '" + dep + "', which is not a workstream in this project";
        // Suggesting among 10,000 ids costs O(n) per miss; only do it for small sets.
        if (all_ids.size() <= 2000)
          if (auto near = closest_match(dep, all_ids))
            msg += " (did you mean '" + *near + "'?)";
        out.push_back(problem{severity::error, ws.file, field, msg});
      }
    }
  }

  // A program that is not there would fail every attempt, after retries.
  std::unordered_set<std::string> used;
  for (const auto& ws : b.workstreams)
    used.insert(ws.tool_id);
  auto tools_file = b.config.tools_file.lexically_relative(b.config.root).generic_string();
  for (const auto& [id, tool] : b.tools.tools) {
    if (!used.count(id) || tool.argv.empty() || tool.argv[0].find('{') != std::string::npos ||
        tool.env.count("PATH")) // its own PATH is the one that counts: health-check looks
      continue;
    if (!find_on_path(tool.argv[0]))
      out.push_back(
          problem{severity::warning, tools_file, "tools." + id + ".argv[0]",
                  "'" + tool.argv[0] + "' is " +
                      (tool.argv[0].find('/') == std::string::npos ? "not found on PATH"
                                                                   : "not an executable file") +
                      "; every run of this tool would fail"});
  }

  for (const auto& [name, ids] : b.config.phases)
    for (std::size_t i = 0; i < ids.size(); ++i)
      if (!first_file.count(ids[i]))
        out.push_back(problem{severity::error, "uet.yaml",
                              "phases." + name + "[" + std::to_string(i) + "]",
                              "'" + ids[i] + "' is not a workstream in this project"});
}

} // namespace uet::config
