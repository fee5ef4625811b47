#include "actors/reporter_actor.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include <caf/all.hpp>

#include "persistence/telemetry_line.h"

namespace uet::actors {

namespace {

using nlohmann::json;

std::string field(const json& p, const char* key) {
  if (p.is_object() && p.contains(key) && p[key].is_string())
    return p[key].get<std::string>();
  return "";
}

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

/// The line a person reads for this event, or "" when it is not worth one.
std::string plain_line(const persistence::event_appended& e, const json& p) {
  auto ws = e.workstream_id.value_or("");
  const auto& t = e.event_type;
  if (t == "workstream_started")
    return ws + ": started (attempt " + std::to_string(p.value("attempt", 0)) + ")";
  if (t == "workstream_committed")
    return ws + ": committed " + field(p, "commit").substr(0, 12);
  if (t == "workstream_skipped")
    return ws + ": skipped (" + field(p, "reason") + ")";
  if (t == "workstream_quarantined")
    return ws + ": QUARANTINED: " + field(p, "reason");
  if (t == "workstream_blocked")
    return ws + ": blocked: " + field(p, "reason");
  if (t == "workstream_retry")
    return ws + ": attempt " + std::to_string(p.value("attempt", 0)) + " failed (" +
           field(p, "reason") + "); retrying in " + std::to_string(p.value("delay_ms", 0)) + " ms";
  if (t.rfind("breaker_", 0) == 0 && t != "breaker_rejected")
    return "circuit breaker for tool '" + field(p, "tool") + "' is now " + t.substr(8) + ": " +
           field(p, "reason");
  if (t == "run_interrupt")
    return "interrupted: stopping running tools";
  if (t == "branch_restored")
    return "WARNING: " + field(p, "detail");
  return "";
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
      [=](const persistence::event_appended& e) {
        auto& st = self->state;
        if (st.mode == report_mode::json) {
          std::cout << persistence::telemetry_line(e) << '\n' << std::flush;
          return;
        }
        auto p =
            e.payload_json.empty() ? json::object() : json::parse(e.payload_json, nullptr, false);
        const auto& t = e.event_type;
        auto ws = e.workstream_id.value_or("");
        if (t == "workstream_started")
          st.running.insert(ws);
        else if (t == "workstream_committed" || t == "workstream_skipped")
          st.running.erase(ws), ++st.done;
        else if (t == "workstream_quarantined")
          st.running.erase(ws), ++st.done, ++st.failed;
        else if (t == "workstream_blocked")
          ++st.done, ++st.failed;
        else if (t == "workstream_retry")
          st.running.erase(ws);
        auto line = plain_line(e, p);
        bool tty = st.mode == report_mode::tty;
        // On a terminal only what needs attention gets its own line.
        bool show =
            !line.empty() && (!tty || t == "workstream_quarantined" || t == "workstream_blocked" ||
                              t == "workstream_retry" || t.rfind("breaker_", 0) == 0 ||
                              t == "run_interrupt" || t == "branch_restored");
        if (show) {
          clear_line(self);
          std::cout << line << '\n';
        }
        if (t == "run_finished") {
          if (tty)
            std::cout << "\r\033[K" << progress_text(st) << '\n';
          std::cout << std::flush;
          return;
        }
        draw(self, show);
        if (!tty)
          std::cout << std::flush;
      },
      // Answered after every event sent before it has been printed.
      [=](msg::sync_atom) { return std::string(); },
  };
}

} // namespace uet::actors
