#include "actors/reporter_actor.h"

#include <iostream>

#include <caf/all.hpp>

namespace uet::actors {

namespace {

void clear_line(reporter_ptr self) {
  if (self->state.mode == report_mode::tty)
    std::cout << "\r\033[K";
}

void draw(reporter_ptr self, bool force) {
  auto& st = self->state;
  if (st.mode != report_mode::tty)
    return;
  auto now = std::chrono::steady_clock::now();
  if (!force && now - st.last_draw < std::chrono::milliseconds(100))
    return;
  st.last_draw = now;
  std::cout << "\r\033[K" << progress_text(st) << std::flush;
}

/// What one event means for a person watching: the line to print ("" for
/// none), whether a terminal shows it too (it needs attention), and what it
/// does to the progress counts.
struct reading {
  std::string line;
  bool attention = false;
};

struct reader {
  reporter_state& st;
  const std::string& ws;

  reading operator()(const ev::ws_started& e) {
    st.running.insert(ws);
    return {ws + ": started (attempt " + std::to_string(e.attempt) + ")"};
  }
  reading operator()(const ev::ws_finished& e) {
    st.running.erase(ws);
    ++st.done;
    switch (e.end) {
    case ws_end::committed:
      return {ws + ": committed " + e.commit.substr(0, 12)};
    case ws_end::skipped:
      return {ws + ": skipped (" + e.reason + ")"};
    case ws_end::quarantined:
      ++st.failed;
      return {ws + ": QUARANTINED: " + e.reason, true};
    case ws_end::interrupted:
      return {};
    }
    return {};
  }
  reading operator()(const ev::ws_stopped_early& e) { return {ws + ": " + e.reason, true}; }
  reading operator()(const ev::ws_unchanged& e) {
    ++st.done;
    return {ws + ": unchanged" + (e.since_run.empty() ? std::string() : " since " + e.since_run) +
            ", not run"};
  }
  reading operator()(const ev::ws_blocked& e) {
    ++st.done, ++st.failed;
    return {ws + ": blocked: " + e.reason, true};
  }
  reading operator()(const ev::ws_taken_back& e) {
    st.running.erase(ws);
    return {ws + ": attempt " + std::to_string(e.attempt) + " taken back (" + e.reason +
            "); it waits for its dependencies again"};
  }
  reading operator()(const ev::ws_retry& e) {
    st.running.erase(ws);
    return {ws + ": attempt " + std::to_string(e.attempt) + " failed (" + e.reason +
                "); retrying in " + std::to_string(e.delay_ms) + " ms",
            true};
  }
  reading operator()(const ev::breaker_moved& e) {
    return {"circuit breaker for tool '" + e.tool + "' is now " + to_string(e.to) + ": " + e.reason,
            true};
  }
  reading operator()(const ev::run_interrupted&) {
    return {"interrupted: stopping running tools", true};
  }
  reading operator()(const ev::branch_restored& e) { return {"WARNING: " + e.detail, true}; }
  // Said once on stderr before the run starts.
  reading operator()(const ev::sandbox_unconfined&) { return {}; }
  reading operator()(const ev::fault_injected& e) {
    return {(ws.empty() ? std::string() : ws + ": ") + "injected fault " + e.site + ":" + e.kind +
            (e.attempt > 0 ? " (attempt " + std::to_string(e.attempt) + ")" : "") + ": " +
            e.detail};
  }
  template <class Other>
  reading operator()(const Other&) {
    return {};
  }
};

void show(reporter_ptr self, const msg::event& e, const std::string& line) {
  auto& st = self->state;
  if (st.mode == report_mode::json) {
    std::cout << line << '\n' << std::flush;
    return;
  }
  const auto ws = e.workstream_id.value_or("");
  auto r = std::visit(reader{st, ws}, e.body);
  bool tty = st.mode == report_mode::tty;
  // On a terminal only what needs attention gets its own line.
  bool shown = !r.line.empty() && (!tty || r.attention);
  if (shown) {
    clear_line(self);
    std::cout << r.line << '\n';
  }
  if (std::holds_alternative<ev::run_finished>(e.body)) {
    if (tty)
      std::cout << "\r\033[K" << progress_text(st) << '\n';
    std::cout << std::flush;
    return;
  }
  draw(self, shown);
  if (!tty)
    std::cout << std::flush;
}

} // namespace

std::string progress_text(const reporter_state& st) {
  auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - st.t0).count();
  std::string s = std::to_string(st.done) + "/" + std::to_string(st.total) + " done, " +
                  std::to_string(st.running.size()) + " running, " + std::to_string(st.failed) +
                  " failed, " + std::to_string(static_cast<long>(elapsed)) + "s";
  if (st.done > 0 && st.done < st.total) {
    auto eta = elapsed / st.done * (st.total - st.done);
    s += ", ETA " + std::to_string(static_cast<long>(eta + 0.5)) + "s";
  }
  return s;
}

msg::reporter_actor::behavior_type reporter_behavior(reporter_ptr self, report_mode mode,
                                                     std::uint32_t total) {
  self->state.mode = mode;
  self->state.total = total;
  return {
      [=](const msg::event& e, const std::string& line) { show(self, e, line); },
      // Answered after every event sent before it has been printed.
      [=](msg::sync_atom) { return std::string(); },
  };
}

} // namespace uet::actors
