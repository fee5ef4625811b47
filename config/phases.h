// Which workstreams a PHASE argument names.
#pragma once

#include <string>
#include <vector>

#include "base/expected.h"
#include "config/loader.h"

namespace uet::config {

/// "phase-all" is every workstream. Any other name selects the union of
/// uet.yaml phases[name] and the workstreams whose `phase:` field is name,
/// in file order. An unknown name fails, listing the known ones.
expected<std::vector<std::string>> select_phase(const project_bundle& bundle,
                                                const std::string& phase);

} // namespace uet::config
