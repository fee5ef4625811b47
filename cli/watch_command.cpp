// `uet-actors status --watch [RUN_ID] [--interval S]`: a running run, redrawn
// in place on a terminal (report/live_view.h) until it ends; when stdout is
// not a terminal, one line each time the progress changes.
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "base/clock.h"
#include "base/exit_code.h"
#include "cli/commands.h"
#include "cli/run_lookup.h"
#include "report/live_view.h"

namespace uet::cli {

namespace {

int terminal_width() {
  winsize w{};
  return ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 0 ? w.ws_col : 80;
}

double now_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

/// Home, each line cleared to its end, the rest of the screen cleared: the
/// screen is rewritten where it stands, nothing scrolls into history.
void redraw(const std::vector<std::string>& lines, bool first) {
  std::string out = first ? "\x1b[2J\x1b[H" : "\x1b[H";
  for (const auto& line : lines)
    out += line + "\x1b[K\n";
  out += "\x1b[J";
  std::cout << out << std::flush;
}

} // namespace

int status_watch(const std::string& run_id, double interval_s) {
  auto o = open_run("status", run_id);
  if (o.code)
    return o.code;
  const bool tty = ::isatty(STDOUT_FILENO) == 1;
  const auto pause = std::chrono::duration<double>(std::max(0.05, interval_s));
  std::string last;
  for (bool first = true;; first = false) {
    auto s = report::read_live(*o.db, o.run.run_id, now_s());
    if (!s) {
      std::cerr << "status: " << s.message() << '\n';
      return to_int(exit_code::internal);
    }
    s->state = shown_state(o.cfg, s->run);
    const bool over = s->run.state != "running" || s->state == "crashed";
    if (tty) {
      redraw(report::live_screen(*s, terminal_width()), first);
    } else {
      // Printed when anything but the clock moved.
      auto key = report::live_line(*s, false);
      if (key != last || over)
        std::cout << iso8601_now().substr(11, 8) << ' ' << report::live_line(*s) << std::endl;
      last = key;
    }
    if (over) {
      if (s->state == "crashed")
        std::cout << "the run's process is gone; 'uet-actors resume " << s->run.run_id
                  << "' finishes it\n";
      return 0;
    }
    std::this_thread::sleep_for(pause);
  }
}

} // namespace uet::cli
