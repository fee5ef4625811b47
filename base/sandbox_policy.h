// How a tool's processes are sandboxed (tools.yaml and uet.yaml `sandbox`):
// plain values, so config, the actors and the messages a remote node
// receives share them. What the sandbox is: engine/sandbox.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace uet {

enum class sandbox_mode : std::uint8_t {
  best_effort, ///< sandboxed where the kernel offers Landlock; else a warning
  required,    ///< sandboxed, or the run refuses to start (exit 2)
  off,         ///< unconfined, with a warning
};

inline const char* to_string(sandbox_mode m) {
  switch (m) {
  case sandbox_mode::required:
    return "required";
  case sandbox_mode::off:
    return "off";
  default:
    return "best-effort";
  }
}

inline std::optional<sandbox_mode> parse_sandbox_mode(std::string_view s) {
  if (s == "required")
    return sandbox_mode::required;
  if (s == "best-effort")
    return sandbox_mode::best_effort;
  if (s == "off")
    return sandbox_mode::off;
  return std::nullopt;
}

struct sandbox_policy {
  sandbox_mode mode = sandbox_mode::best_effort;
  /// More paths the tool may write beneath ("~/.cache/aider"); a leading
  /// "~/" is the user's home.
  std::vector<std::string> write;

  bool operator==(const sandbox_policy& o) const { return mode == o.mode && write == o.write; }
};

} // namespace uet
