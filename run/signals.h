// How a run takes Ctrl-C: SIGINT, SIGTERM and SIGHUP (the terminal went
// away) are blocked in every thread and taken by one sigwait thread, which
// turns each into a call (the run sends its scheduler stop_atom). Nothing
// else happens in a signal's context.
#pragma once

#include <functional>
#include <thread>

namespace uet::run {

/// Blocks the stop signals in this thread and every thread it starts from
/// now on; call it before the actor system starts its threads.
void block_stop_signals();

/// While it lives, a thread waits for the stop signals and calls on_stop
/// for each.
class stop_on_signals {
public:
  explicit stop_on_signals(std::function<void()> on_stop);
  ~stop_on_signals();
  stop_on_signals(const stop_on_signals&) = delete;
  stop_on_signals& operator=(const stop_on_signals&) = delete;

private:
  std::thread thread_;
};

} // namespace uet::run
