#include "engine/backoff.h"

#include <algorithm>
#include <cmath>

namespace uet::engine {

resilience_policy resolve_resilience(const config::resilience_spec& workstream,
                                     const config::resilience_spec& tool) {
  resilience_policy p;
  if (workstream.max_retries)
    p.max_retries = *workstream.max_retries;
  else if (tool.max_retries)
    p.max_retries = *tool.max_retries;
  if (workstream.backoff)
    p.backoff = *workstream.backoff;
  else if (tool.backoff)
    p.backoff = *tool.backoff;
  p.max_error_repeats = workstream.max_error_repeats.value_or(tool.max_error_repeats.value_or(0));
  p.oscillation_threshold =
      workstream.oscillation_threshold.value_or(tool.oscillation_threshold.value_or(0.0));
  p.max_retries = std::max(0, p.max_retries);
  return p;
}

resilience_policy resolve_resilience(const config::workstream_spec& ws,
                                     const config::tool_spec* tool) {
  return resolve_resilience(ws.resilience, tool ? tool->resilience : config::resilience_spec{});
}

double unit_draw(std::mt19937_64& rng) {
  // std::uniform_real_distribution's output is implementation-defined; this
  // is exact and the same everywhere.
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

std::chrono::milliseconds backoff_delay(const config::backoff_spec& spec, int retry, double u) {
  double max_ms = std::max(0, spec.max_ms);
  double initial = std::max(0, spec.initial_ms);
  double multiplier = std::isfinite(spec.multiplier) ? std::max(0.0, spec.multiplier) : 1.0;
  int n = std::max(1, retry);
  // pow overflows to +inf for a huge n, which min() then caps at max_ms; a
  // zero initial delay stays zero (0 * inf would be NaN).
  double base = initial == 0 ? 0.0 : std::min(max_ms, initial * std::pow(multiplier, n - 1));
  double jitter = std::isfinite(spec.jitter) ? std::clamp(spec.jitter, 0.0, 1.0) : 0.0;
  double unit = std::isfinite(u) ? std::clamp(u, 0.0, 1.0) : 0.5;
  double delay = base + (2.0 * unit - 1.0) * jitter * base;
  delay = std::clamp(delay, 0.0, max_ms);
  return std::chrono::milliseconds(static_cast<long long>(std::llround(delay)));
}

std::chrono::milliseconds backoff_delay(const config::backoff_spec& spec, int retry,
                                        std::mt19937_64& rng) {
  return backoff_delay(spec, retry, unit_draw(rng));
}

} // namespace uet::engine
