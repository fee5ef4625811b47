#include "run/dependencies.h"

#include "ledger/patch_store.h"

namespace uet::run {

std::vector<std::pair<std::string, std::string>>
outside_dependencies(const config::project_bundle& bundle, const std::vector<std::string>& ids) {
  const std::set<std::string> chosen(ids.begin(), ids.end());
  std::vector<std::pair<std::string, std::string>> outside;
  for (const auto& ws : bundle.workstreams)
    if (chosen.count(ws.id))
      for (const auto& dep : ws.dependencies)
        if (!chosen.count(dep))
          outside.emplace_back(ws.id, dep);
  return outside;
}

std::vector<std::string>
unmet_dependencies(const std::vector<std::pair<std::string, std::string>>& outside,
                   const ledger::trailer_index& branch, const std::set<std::string>& skipped_ever) {
  std::set<std::string> done(skipped_ever);
  for (const auto& [patch_id, commits] : branch)
    if (auto id = ledger::parse_patch_id(patch_id))
      done.insert(id->workstream_id);
  std::vector<std::string> unmet;
  for (const auto& [ws, dep] : outside)
    if (!done.count(dep))
      unmet.push_back(ws + " needs " + dep);
  return unmet;
}

} // namespace uet::run
