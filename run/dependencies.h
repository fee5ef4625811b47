// A phase or `run-workstream` may leave out a dependency: it must then be on
// the integration branch already (user guide), or the workstream would run
// on a base without what it depends on and be committed all the same.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "config/loader.h"
#include "ledger/integration.h"

namespace uet::run {

/// (workstream, dependency) for each dependency of a workstream in `ids`
/// that `ids` leaves out.
std::vector<std::pair<std::string, std::string>>
outside_dependencies(const config::project_bundle& bundle, const std::vector<std::string>& ids);

/// "b needs a" for each of `outside` that is not done: no UET-Patch trailer
/// of any run for it on the branch (`branch`), and no run recorded it
/// skipped (`skipped_ever`: a skipped workstream changed nothing, so it has
/// no commit). Empty when all are met. Pure.
std::vector<std::string>
unmet_dependencies(const std::vector<std::pair<std::string, std::string>>& outside,
                   const ledger::trailer_index& branch, const std::set<std::string>& skipped_ever);

} // namespace uet::run
