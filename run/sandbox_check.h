// Whether a run's tools can have the sandbox they ask for (tools.yaml and
// uet.yaml `sandbox`), decided once before anything runs: `required`
// without Landlock refuses the run (exit 2); `best-effort` without it, and
// `off`, run unconfined with one warning each, recorded as an event.
#pragma once

#include <string>
#include <vector>

#include "base/sandbox_policy.h"
#include "config/tools.h"
#include "config/workstream.h"

namespace uet::run {

struct sandbox_verdict {
  std::string refusal;               ///< non-empty: the run must not start
  std::vector<std::string> warnings; ///< tools that will run unconfined, and why
};

/// For the tools the selected workstreams use, on a kernel offering
/// Landlock ABI `abi` (0: none).
sandbox_verdict check_sandbox(const config::tool_registry& tools,
                              const std::vector<config::workstream_spec>& workstreams,
                              const sandbox_policy& project, int abi);

} // namespace uet::run
