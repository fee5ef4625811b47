// The tool registry (SPEC §1, tools.yaml): how each tool is started, how long
// it may run, how many may run at once, and when its circuit breaker opens.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/resource_limits.h"
#include "base/sandbox_policy.h"
#include "config/problem.h"
#include "config/value.h"
#include "config/workstream.h"

namespace uet::config {

struct breaker_spec {
  double failure_rate_threshold = 0.5;
  int minimum_calls = 4;
  int window = 10;
  int open_ms = 60000;
  int half_open_calls = 1;
};

/// What a tool gets when tools.yaml names no `limits` (docs/user-guide.md
/// says why each is what it is; address space has none by default, since
/// runtimes that reserve much more than they use - Go, the JVM, ASan - fail
/// under any bound low enough to matter).
resource_limits default_tool_limits();

struct tool_spec {
  std::string id;
  std::string adapter = "subprocess"; ///< "subprocess" or "aider"
  std::vector<std::string> argv;      ///< with {placeholders}; see SPEC §1
  int timeout_s = 600;
  int max_concurrency = 0; ///< 0: no limit beyond the worker count
  std::map<std::string, std::string> env;
  breaker_spec breaker;
  resilience_spec resilience;
  resource_limits limits = default_tool_limits();
  int output_mb = 16; ///< the step log keeps this much of its output
  /// `sandbox`: its mode (none: the project's) and the paths it may write
  /// beyond its worktree.
  std::optional<sandbox_mode> sandbox;
  std::vector<std::string> sandbox_write;
};

/// How a tool's processes are sandboxed: its own mode, else the project's;
/// the paths both grant.
inline sandbox_policy sandbox_of(const tool_spec& t, const sandbox_policy& project) {
  sandbox_policy p{t.sandbox.value_or(project.mode), project.write};
  p.write.insert(p.write.end(), t.sandbox_write.begin(), t.sandbox_write.end());
  return p;
}

/// A `sandbox` field (tools.yaml per tool, uet.yaml for all): a mode
/// ("required") or {mode: required, write: ["~/.cache/x", "/abs/path"]}.
void parse_sandbox(const value& v, const std::string& file, const std::string& path,
                   std::optional<sandbox_mode>& mode, std::vector<std::string>& write,
                   problem_list& out);

struct tool_registry {
  std::map<std::string, tool_spec> tools;
  const tool_spec* find(const std::string& id) const {
    auto it = tools.find(id);
    return it == tools.end() ? nullptr : &it->second;
  }
};

/// The adapters this build knows.
const std::vector<std::string>& known_adapters();

/// argv used for the "aider" adapter when a tool gives none.
std::vector<std::string> default_aider_argv();

/// Parses a tools.yaml document, recording every problem.
tool_registry parse_tools(const value& doc, const std::string& file, problem_list& out);

} // namespace uet::config
