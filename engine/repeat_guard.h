// Ending retries that cannot help (the legacy pipeline's circuit_breaker
// max_error_repeats and oscillation_threshold, resilience_policy here): a
// tool failing the same way attempt after attempt, or going back and forth
// between the same patches, is stopped before its retries run out. Pure.
#pragma once

#include <optional>
#include <set>
#include <string>

namespace uet::engine {

/// An error's signature: the failure (which step, which command, how) and
/// its output's last lines, with what changes from attempt to attempt
/// without changing the error (numbers: times, pids, attempt numbers; long
/// hex runs: commit ids, temporary names) blanked out.
std::string error_signature(const std::string& reason, const std::string& tail);

/// What one workstream's failed attempts have shown so far.
struct attempt_history {
  std::string last_signature;
  int repeats = 0;               ///< last_signature, this many times in a row
  std::set<std::string> patches; ///< the distinct patches its attempts made
  int oscillations = 0;          ///< attempts whose patch an earlier attempt made too
};

struct early_stop {
  std::string kind; ///< "repeating_error" or "oscillation"
  int count = 0;    ///< the repeats, or the oscillations
  std::string reason;
};

/// Records a failed attempt (its signature, and its patch's id or "" for
/// none) and says whether the retries end now. A limit of 0 is off.
std::optional<early_stop> observe_failure(attempt_history& h, const std::string& signature,
                                          const std::string& patch, int max_error_repeats,
                                          double oscillation_threshold);

} // namespace uet::engine
