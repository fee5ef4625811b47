#include "config/phases.h"

#include <set>
#include <unordered_set>

namespace uet::config {

expected<std::vector<std::string>> select_phase(const project_bundle& b, const std::string& phase) {
  std::vector<std::string> out;
  if (phase == "phase-all") {
    for (const auto& ws : b.workstreams)
      out.push_back(ws.id);
    return out;
  }
  std::unordered_set<std::string> wanted;
  bool known = false;
  if (auto it = b.config.phases.find(phase); it != b.config.phases.end()) {
    known = true;
    wanted.insert(it->second.begin(), it->second.end());
  }
  for (const auto& ws : b.workstreams) {
    if (ws.phase == phase) {
      known = true;
      wanted.insert(ws.id);
    }
  }
  if (!known) {
    std::set<std::string> names{"phase-all"};
    for (const auto& kv : b.config.phases)
      names.insert(kv.first);
    for (const auto& ws : b.workstreams)
      if (!ws.phase.empty())
        names.insert(ws.phase);
    std::string list;
    for (const auto& n : names)
      list += (list.empty() ? "" : ", ") + n;
    return fail(error_kind::bad_input, "unknown phase '" + phase + "' (known: " + list + ")");
  }
  for (const auto& ws : b.workstreams)
    if (wanted.count(ws.id))
      out.push_back(ws.id);
  return out;
}

} // namespace uet::config
