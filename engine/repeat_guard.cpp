#include "engine/repeat_guard.h"

#include <cctype>

namespace uet::engine {

namespace {

bool hex(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}
bool digit(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

} // namespace

std::string error_signature(const std::string& reason, const std::string& tail) {
  std::string text = reason + "\n" + tail;
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t j = i;
    while (j < text.size() && hex(text[j]))
      ++j;
    if (j - i >= 7) { // a commit id, a temporary name
      out += '#';
      i = j;
      continue;
    }
    if (digit(text[i])) {
      while (i < text.size() && digit(text[i]))
        ++i;
      out += '#';
      continue;
    }
    out += text[i++];
  }
  return out;
}

std::optional<early_stop> observe_failure(attempt_history& h, const std::string& signature,
                                          const std::string& patch, int max_error_repeats,
                                          double oscillation_threshold) {
  if (signature == h.last_signature) {
    ++h.repeats;
  } else {
    h.last_signature = signature;
    h.repeats = 1;
  }
  if (!patch.empty() && !h.patches.insert(patch).second)
    ++h.oscillations;
  if (max_error_repeats > 0 && h.repeats >= max_error_repeats)
    return early_stop{"repeating_error", h.repeats,
                      "repeating error: the same failure " + std::to_string(h.repeats) +
                          " times in a row (resilience_policy.max_error_repeats: " +
                          std::to_string(max_error_repeats) + ")"};
  if (oscillation_threshold > 0 && h.oscillations > 0 && h.oscillations >= oscillation_threshold)
    return early_stop{"oscillation", h.oscillations,
                      "oscillating between " + std::to_string(h.patches.size()) + " patch" +
                          (h.patches.size() == 1 ? "" : "es") + ": " +
                          std::to_string(h.oscillations) +
                          " attempt(s) made a patch an earlier attempt had made "
                          "(resilience_policy.oscillation_threshold)"};
  return std::nullopt;
}

} // namespace uet::engine
