#include "run/sandbox_check.h"

#include <set>

#include "base/text.h"

namespace uet::run {

sandbox_verdict check_sandbox(const config::tool_registry& tools,
                              const std::vector<config::workstream_spec>& workstreams,
                              const sandbox_policy& project, int abi) {
  std::set<std::string> required, best_effort, off;
  for (const auto& ws : workstreams) {
    const auto* tool = tools.find(ws.tool_id);
    auto mode = config::sandbox_of(tool ? *tool : config::tool_spec{}, project).mode;
    (mode == sandbox_mode::required ? required
     : mode == sandbox_mode::off    ? off
                                    : best_effort)
        .insert(ws.tool_id);
  }
  sandbox_verdict v;
  const std::string no_landlock =
      "this kernel offers no Landlock (Linux 5.13 or later with landlock among its LSMs; "
      "`uet-actors health-check` shows what it found)";
  if (abi <= 0 && !required.empty())
    v.refusal = "tool(s) " + joined(required) + " need sandbox: required, but " + no_landlock +
                "; run on a kernel that has it, or set their sandbox to best-effort to run "
                "them unconfined";
  if (abi <= 0 && !best_effort.empty())
    v.warnings.push_back("tool(s) " + joined(best_effort) +
                         " run unconfined (sandbox: best-effort): " + no_landlock);
  if (!off.empty())
    v.warnings.push_back("tool(s) " + joined(off) +
                         " run unconfined (sandbox: off): they may write anywhere you can, "
                         "your repository's hooks and config included");
  return v;
}

} // namespace uet::run
