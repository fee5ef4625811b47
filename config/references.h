// The validation checks that need every file at once.
#pragma once

#include "config/loader.h"

namespace uet::config {

/// Duplicate ids (both files named; the later one is dropped from the
/// bundle), unknown tools, self, unknown and repeated dependencies, phases
/// naming unknown workstreams. Cycles are found by engine/dag.
void check_references(project_bundle& bundle);

} // namespace uet::config
