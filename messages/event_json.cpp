#include "messages/event_json.h"

#include <nlohmann/json.hpp>

namespace uet::msg {

namespace {

using nlohmann::json;

// One overload per event: its name and its payload side by side.
struct text_of {
  std::string type;
  json payload = json::object();

  void operator()(const ev::run_started& e) {
    type = "run_started";
    payload = {{"phase", e.phase},
               {"workstreams", e.workstreams},
               {"parallel", e.parallel},
               {"engine", to_string(e.engine)},
               {"dry_run", e.dry_run}};
  }
  void operator()(const ev::run_finished& e) {
    type = "run_finished";
    payload = {{"state", to_string(e.state)},  {"committed", e.committed},
               {"quarantined", e.quarantined}, {"blocked", e.blocked},
               {"skipped", e.skipped},         {"total", e.total},
               {"elapsed_ms", e.elapsed_ms}};
  }
  void operator()(const ev::run_interrupted&) { type = "run_interrupt"; }
  void operator()(const ev::ws_started& e) {
    type = "workstream_started";
    payload = {{"attempt", e.attempt}, {"tool", e.tool}};
  }
  void operator()(const ev::ws_finished& e) {
    type = std::string("workstream_") + to_string(e.end);
    payload = {{"attempts", e.attempts}, {"reason", e.reason}};
    if (e.end != ws_end::quarantined)
      payload["commit"] = e.commit;
  }
  void operator()(const ev::ws_blocked& e) {
    type = "workstream_blocked";
    payload = {{"reason", e.reason}};
  }
  void operator()(const ev::ws_retry& e) {
    type = "workstream_retry";
    payload = {{"attempt", e.attempt},
               {"next_attempt", e.next_attempt},
               {"delay_ms", e.delay_ms},
               {"reason", e.reason}};
  }
  void operator()(const ev::step_finished& e) {
    type = "step_finished";
    payload = {{"step", to_string(e.step)},
               {"attempt", e.attempt},
               {"state", to_string(e.state)},
               {"error", e.error}};
  }
  void operator()(const ev::empty_change&) { type = "empty_change"; }
  void operator()(const ev::breaker_moved& e) {
    type = std::string("breaker_") + to_string(e.to);
    payload = {{"tool", e.tool}, {"from", to_string(e.from)}, {"reason", e.reason}};
  }
  void operator()(const ev::breaker_rejected& e) {
    type = "breaker_rejected";
    payload = {{"tool", e.tool}, {"attempt", e.attempt}};
  }
  void operator()(const ev::patch_moved& e) {
    type = std::string("patch_") + to_string(e.state);
    payload = {{"patch_id", e.patch_id}, {"attempt", e.attempt}};
    if (!e.detail.empty())
      payload["detail"] = e.detail;
  }
  void operator()(const ev::branch_restored& e) {
    type = "branch_restored";
    payload = {{"detail", e.detail}};
  }
  void operator()(const ev::fault_injected& e) {
    type = "fault_injected";
    payload = {{"site", e.site}, {"kind", e.kind}, {"attempt", e.attempt}, {"detail", e.detail}};
  }
  void operator()(const ev::sandbox_unconfined& e) {
    type = "sandbox_unconfined";
    payload = {{"detail", e.detail}};
  }
  void operator()(const ev::ws_inputs& e) {
    type = "workstream_inputs";
    payload = {{"fingerprint", e.fingerprint},
               {"commit", e.commit},
               {"inputs", json::parse(e.inputs, nullptr, false)},
               {"reason", e.reason}};
  }
  void operator()(const ev::ws_stopped_early& e) {
    type = "workstream_stopped_early";
    payload = {{"kind", e.kind}, {"count", e.count}, {"reason", e.reason}};
  }
  void operator()(const ev::base_followed& e) {
    type = "base_followed";
    payload = {{"how", e.how}, {"from", e.from}, {"to", e.to}, {"base", e.base}};
  }
  void operator()(const ev::node_lost& e) {
    type = "node_lost";
    payload = {{"node", e.node}, {"address", e.address}, {"reason", e.reason}};
  }
  void operator()(const ev::late_result& e) {
    type = "late_result_ignored";
    payload = {{"node", e.node}, {"attempt", e.attempt}, {"result", e.result}};
  }
  void operator()(const ev::ws_unchanged& e) {
    type = "workstream_unchanged";
    payload = {{"since_run", e.since_run}, {"commit", e.commit}};
  }
  void operator()(const ev::ws_taken_back& e) {
    type = "workstream_taken_back";
    payload = {{"attempt", e.attempt}, {"reason", e.reason}};
  }
};

text_of render(const ev::body& b) {
  text_of t;
  std::visit(t, b);
  return t;
}

} // namespace

event_text render_event(const ev::body& b) {
  auto t = render(b);
  return {std::move(t.type), t.payload.dump(-1, ' ', false, json::error_handler_t::replace)};
}

} // namespace uet::msg
