// The UET workstream (SPEC §1, workstreams/*.yaml) as typed structs, and its
// parser. Parsing records every problem it finds and still returns what it
// could read, so cross-file checks (duplicates, dependencies) can run too.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/patch_limits.h"
#include "config/problem.h"
#include "config/value.h"
#include "messages/vocabulary.h"

namespace uet::config {

struct backoff_spec {
  int initial_ms = 500;
  double multiplier = 2.0;
  int max_ms = 30000;
  double jitter = 0.2;
};

/// Each field absent means "use the tool's default, then the built-in one".
struct resilience_spec {
  std::optional<int> max_retries;
  std::optional<backoff_spec> backoff;
  /// The same failure this many attempts in a row ends the retries early.
  std::optional<int> max_error_repeats;
  /// This many attempts whose patch repeats an earlier attempt's end them.
  std::optional<double> oscillation_threshold;
};

struct workstream_spec {
  std::string id;
  std::string title;
  std::string phase;
  int priority = 0;
  std::string tool_id;
  std::string prompt;
  std::vector<std::string> files;
  std::vector<std::string> allowed_paths; ///< globs; empty means nothing may change
  std::optional<int> timeout_s;
  patch_limits_override patch_limits;     ///< constraints.patch_limits, over uet.yaml's
  bool allow_submodules = false;          ///< constraints.allow_submodules
  std::vector<std::string> static_checks; ///< acceptance_criteria.static
  std::vector<std::string> commands;      ///< acceptance_criteria.commands
  std::vector<std::string> dependencies;  ///< as written (duplicates kept)
  resilience_spec resilience;
  std::optional<verify_mode> verify; ///< none: uet.yaml's
  value extensions = value::object();
  std::string file; ///< where it was read from, for messages

  /// Whether any acceptance command (static or runtime) checks its change.
  bool has_acceptance() const { return !static_checks.empty() || !commands.empty(); }
};

/// Parses one workstream document. Returns nullopt only when there is no
/// usable workstream_id (the document cannot take part in the DAG).
std::optional<workstream_spec> parse_workstream(const value& doc, const std::string& file,
                                                problem_list& out);

/// Parses a resilience_policy mapping at path (shared with tools.yaml).
resilience_spec parse_resilience(const value& v, const std::string& file, const std::string& path,
                                 problem_list& out);

} // namespace uet::config
