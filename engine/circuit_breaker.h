// A per-tool circuit breaker (SPEC §1, tools.yaml circuit_breaker): when a
// tool keeps failing, stop handing it work for open_ms, then let a few trial
// calls probe it before trusting it again. Pure and single-threaded: the
// supervisor actor owns one per tool and passes the time in.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "config/tools.h"
#include "messages/vocabulary.h"

namespace uet::engine {

using uet::breaker_state; // closed, open, half_open (messages/vocabulary.h)
using uet::to_string;

/// A state change, returned so the caller can emit an event for it.
struct breaker_transition {
  breaker_state from = breaker_state::closed;
  breaker_state to = breaker_state::closed;
  std::string reason; ///< e.g. "3 of 4 recent calls failed (75% >= 50%)"
};

/// Proof that a call was admitted; hand it back to record() or cancel().
struct breaker_permit {
  std::uint64_t epoch = 0; ///< the breaker's state generation when admitted
  bool trial = false;      ///< admitted as a half-open trial call
};

struct breaker_decision {
  bool allowed = false;
  breaker_permit permit;                        ///< meaningful when allowed
  std::optional<breaker_transition> transition; ///< open -> half_open happened in this call
  /// When rejected while open: time left until trial calls are let through.
  /// Zero when rejected because every half-open trial slot is taken.
  std::chrono::milliseconds retry_after{0};
  /// Rejected while half-open because every trial slot is taken: the verdict
  /// is on its way, so a caller may wait for it rather than give up.
  bool trials_busy = false;
};

class circuit_breaker {
public:
  using time_point = std::chrono::steady_clock::time_point;

  /// Out-of-range values (config validates them) are clamped: at least one
  /// call in the window, one minimum call and one half-open trial.
  explicit circuit_breaker(const config::breaker_spec& spec);

  /// Asks to make one call at now. Open: rejected without a call until
  /// open_ms have passed, then half-open. Half-open: at most half_open_calls
  /// trial calls in flight at once.
  breaker_decision try_acquire(time_point now);

  /// The outcome of an admitted call. Results of calls admitted before the
  /// last state change are ignored (see the .cpp for why).
  std::optional<breaker_transition> record(const breaker_permit& permit, bool success,
                                           time_point now);

  /// An admitted call that was never made (cancelled, or the workstream was
  /// given up): frees its half-open trial slot without counting an outcome.
  void cancel(const breaker_permit& permit);

  breaker_state state() const { return state_; }
  int calls_in_window() const { return static_cast<int>(window_.size()); }
  int failures_in_window() const { return failures_; }
  int trials_in_flight() const { return trials_in_flight_; }
  const config::breaker_spec& spec() const { return spec_; }

private:
  breaker_transition move_to(breaker_state to, std::string reason, time_point now);

  config::breaker_spec spec_;
  breaker_state state_ = breaker_state::closed;
  std::uint64_t epoch_ = 0;
  std::deque<bool> window_; ///< last `window` outcomes, true = failure
  int failures_ = 0;
  time_point opened_at_{};
  int trials_in_flight_ = 0;
  int trial_successes_ = 0;
};

} // namespace uet::engine
