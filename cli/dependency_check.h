// A phase or `run-workstream` may leave out a dependency: it must then be on
// the integration branch already (user guide), or the workstream would run
// on a base without what it depends on and be committed all the same.
#pragma once

#include <string>
#include <vector>

#include "base/expected.h"
#include "config/loader.h"

namespace uet::cli {

/// "b needs a" for each dependency of a workstream in `ids` that is not in
/// `ids` and is not done: no UET-Patch trailer of any run for it on the
/// integration branch, and no run recorded it skipped (a skipped workstream
/// changed nothing, so it has no commit). Empty when all are met.
expected<std::vector<std::string>> unmet_outside_dependencies(const config::project_bundle& bundle,
                                                              const std::vector<std::string>& ids);

} // namespace uet::cli
