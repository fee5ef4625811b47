// Retry delays and the effective resilience policy of a workstream (SPEC §1,
// resilience_policy). Randomness is passed in, so a run with --seed retries
// at the same moments every time.
#pragma once

#include <chrono>
#include <random>

#include "config/tools.h"
#include "config/workstream.h"

namespace uet::engine {

/// Retries after the first attempt when neither the workstream nor its tool
/// says: three attempts in all, enough to ride out a flaky tool run without
/// letting a broken prompt burn the tool's budget (see docs/architecture.md).
inline constexpr int default_max_retries = 2;

struct resilience_policy {
  int max_retries = default_max_retries;
  config::backoff_spec backoff;     ///< config::backoff_spec's defaults when nobody sets one
  int max_error_repeats = 0;        ///< 0: off (retries are for failures that repeat)
  double oscillation_threshold = 0; ///< 0: off
};

/// Field by field: the workstream's value, else the tool's, else the built-in.
resilience_policy resolve_resilience(const config::resilience_spec& workstream,
                                     const config::resilience_spec& tool);
/// tool may be null (unknown tool): only the workstream and built-ins count.
resilience_policy resolve_resilience(const config::workstream_spec& ws,
                                     const config::tool_spec* tool);

/// The delay before retry n (1-based; n < 1 counts as 1):
///   base  = min(max_ms, initial_ms * multiplier^(n-1))
///   delay = base + (2u - 1) * jitter * base, clamped to [0, max_ms]
/// where u in [0, 1) is the caller's draw (0.5 means no jitter).
std::chrono::milliseconds backoff_delay(const config::backoff_spec& spec, int retry, double u);

/// Same, drawing u from rng with a fixed recipe (top 53 bits), so the delay
/// sequence for a seed is identical on every standard library.
std::chrono::milliseconds backoff_delay(const config::backoff_spec& spec, int retry,
                                        std::mt19937_64& rng);

/// A draw in [0, 1) from rng, the recipe backoff_delay uses.
double unit_draw(std::mt19937_64& rng);

} // namespace uet::engine
