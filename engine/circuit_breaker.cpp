#include "engine/circuit_breaker.h"

#include <algorithm>
#include <cmath>

namespace uet::engine {

namespace {

std::string percent(double share) {
  return std::to_string(static_cast<long>(std::lround(share * 100.0))) + "%";
}

} // namespace

circuit_breaker::circuit_breaker(const config::breaker_spec& spec) : spec_(spec) {
  spec_.window = std::max(1, spec_.window);
  spec_.minimum_calls = std::max(1, spec_.minimum_calls);
  spec_.half_open_calls = std::max(1, spec_.half_open_calls);
  spec_.open_ms = std::max(0, spec_.open_ms);
}

breaker_transition circuit_breaker::move_to(breaker_state to, std::string reason, time_point now) {
  breaker_transition t{state_, to, std::move(reason)};
  state_ = to;
  // A new epoch makes every permit handed out before this change stale.
  ++epoch_;
  // The window is cleared both ways: after open, old failures must not
  // re-open a freshly closed breaker; the trial calls decided that.
  window_.clear();
  failures_ = 0;
  trials_in_flight_ = 0;
  trial_successes_ = 0;
  if (to == breaker_state::open)
    opened_at_ = now;
  return t;
}

breaker_decision circuit_breaker::try_acquire(time_point now) {
  breaker_decision d;
  if (state_ == breaker_state::open) {
    auto until = opened_at_ + std::chrono::milliseconds(spec_.open_ms);
    if (now < until) {
      // Round up so a caller sleeping retry_after is never woken early.
      d.retry_after = std::chrono::ceil<std::chrono::milliseconds>(until - now);
      return d;
    }
    d.transition = move_to(breaker_state::half_open,
                           "open for " + std::to_string(spec_.open_ms) + " ms; letting " +
                               std::to_string(spec_.half_open_calls) + " trial call(s) through",
                           now);
  }
  if (state_ == breaker_state::half_open) {
    if (trials_in_flight_ >= spec_.half_open_calls) {
      d.trials_busy = true;
      return d;
    }
    ++trials_in_flight_;
    d.permit.trial = true;
  }
  d.allowed = true;
  d.permit.epoch = epoch_;
  return d;
}

std::optional<breaker_transition> circuit_breaker::record(const breaker_permit& permit,
                                                          bool success, time_point now) {
  // A call admitted before the last state change reports on the tool as it
  // was then. Counting it would let a slow failure from before the breaker
  // opened re-open it during half-open, or pass for a trial call's verdict.
  if (permit.epoch != epoch_)
    return std::nullopt;
  if (state_ == breaker_state::half_open) {
    if (!permit.trial)
      return std::nullopt;
    --trials_in_flight_;
    if (!success)
      return move_to(breaker_state::open, "a half-open trial call failed", now);
    if (++trial_successes_ < spec_.half_open_calls)
      return std::nullopt;
    return move_to(breaker_state::closed,
                   std::to_string(trial_successes_) + " trial call(s) succeeded", now);
  }
  if (state_ != breaker_state::closed)
    return std::nullopt; // open admits nothing, so no current permit exists
  window_.push_back(!success);
  failures_ += success ? 0 : 1;
  if (static_cast<int>(window_.size()) > spec_.window) {
    failures_ -= window_.front() ? 1 : 0;
    window_.pop_front();
  }
  int calls = static_cast<int>(window_.size());
  if (calls < spec_.minimum_calls || failures_ == 0)
    return std::nullopt; // no failure at all never opens, whatever the threshold
  double share = static_cast<double>(failures_) / calls;
  if (share < spec_.failure_rate_threshold)
    return std::nullopt;
  return move_to(breaker_state::open,
                 std::to_string(failures_) + " of " + std::to_string(calls) +
                     " recent calls failed (" + percent(share) +
                     " >= " + percent(spec_.failure_rate_threshold) + ")",
                 now);
}

void circuit_breaker::cancel(const breaker_permit& permit) {
  if (permit.epoch == epoch_ && permit.trial && state_ == breaker_state::half_open &&
      trials_in_flight_ > 0)
    --trials_in_flight_;
}

} // namespace uet::engine
