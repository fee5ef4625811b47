#include "cli/dependency_check.h"

#include <set>

#include "ledger/integration.h"
#include "ledger/patch_store.h"
#include "persistence/database.h"
#include "persistence/state_reader.h"

namespace uet::cli {

expected<std::vector<std::string>> unmet_outside_dependencies(const config::project_bundle& bundle,
                                                              const std::vector<std::string>& ids) {
  const std::set<std::string> chosen(ids.begin(), ids.end());
  std::vector<std::pair<std::string, std::string>> outside; // (workstream, dependency)
  for (const auto& ws : bundle.workstreams)
    if (chosen.count(ws.id))
      for (const auto& dep : ws.dependencies)
        if (!chosen.count(dep))
          outside.emplace_back(ws.id, dep);
  if (outside.empty())
    return std::vector<std::string>{};

  std::set<std::string> done;
  // A branch that does not exist yet holds nothing.
  if (auto trailers =
          ledger::read_patch_trailers(bundle.config.repo, bundle.config.integration_branch))
    for (const auto& [patch_id, commits] : *trailers)
      if (auto id = ledger::parse_patch_id(patch_id))
        done.insert(id->workstream_id);
  std::error_code ec;
  if (std::filesystem::exists(bundle.config.state_db, ec)) {
    auto db = persistence::database::open_read_only(bundle.config.state_db);
    if (!db)
      return db.error();
    persistence::state_reader reader(*db);
    auto skipped = reader.workstreams_ever("skipped");
    if (!skipped)
      return skipped.error();
    done.insert(skipped->begin(), skipped->end());
  }
  std::vector<std::string> unmet;
  for (const auto& [ws, dep] : outside)
    if (!done.count(dep))
      unmet.push_back(ws + " needs " + dep);
  return unmet;
}

} // namespace uet::cli
