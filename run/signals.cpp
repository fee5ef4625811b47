#include "run/signals.h"

#include <csignal>
#include <pthread.h>

namespace uet::run {

namespace {

// SIGUSR1 wakes the waiting thread when the run is over.
sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGUSR1);
  return set;
}

} // namespace

void block_stop_signals() {
  auto set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

stop_on_signals::stop_on_signals(std::function<void()> on_stop)
    : thread_([on_stop = std::move(on_stop)] {
        auto set = stop_signals();
        int sig = 0;
        while (sigwait(&set, &sig) == 0 && sig != SIGUSR1)
          on_stop();
      }) {}

stop_on_signals::~stop_on_signals() {
  pthread_kill(thread_.native_handle(), SIGUSR1);
  thread_.join();
}

} // namespace uet::run
