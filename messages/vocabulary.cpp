#include "messages/vocabulary.h"

#include <iterator>

namespace uet {

namespace {

const char* const engine_names[] = {"uet", "legacy"};
const char* const run_names[] = {"pending", "running", "succeeded", "failed", "interrupted"};
const char* const ws_names[] = {"pending",     "ready",   "running", "committed",
                                "quarantined", "blocked", "skipped"};
const char* const step_names[] = {"edit", "static", "runtime"};
const char* const step_state_names[] = {"running", "succeeded", "failed", "timed_out", "cancelled"};
const char* const attempt_names[] = {"committed", "skipped", "failed", "quarantined",
                                     "interrupted"};
const char* const end_names[] = {"committed", "skipped", "quarantined", "interrupted"};
const char* const patch_names[] = {"created",  "validated", "queued",      "applied",
                                   "verified", "committed", "quarantined", "rolled_back"};
const char* const breaker_names[] = {"closed", "open", "half_open"};
const char* const verify_names[] = {"identity", "always"};
const char* const news_names[] = {"empty",  "test",     "committed",   "refused",
                                  "failed", "conflict", "interrupted", "orphaned"};

template <class E, std::size_t N>
const char* name_of(E v, const char* const (&names)[N]) {
  auto i = static_cast<std::size_t>(v);
  return i < N ? names[i] : "?";
}

template <class E, std::size_t N>
std::optional<E> parse_name(std::string_view s, const char* const (&names)[N]) {
  for (std::size_t i = 0; i < N; ++i)
    if (s == names[i])
      return static_cast<E>(i);
  return std::nullopt;
}

constexpr std::string_view workstream_prefix = "workstream:";

} // namespace

const char* to_string(engine_kind v) {
  return name_of(v, engine_names);
}
const char* to_string(run_state v) {
  return name_of(v, run_names);
}
const char* to_string(ws_state v) {
  return name_of(v, ws_names);
}
const char* to_string(step_kind v) {
  return name_of(v, step_names);
}
const char* to_string(step_state v) {
  return name_of(v, step_state_names);
}
const char* to_string(attempt_result v) {
  return name_of(v, attempt_names);
}
const char* to_string(ws_end v) {
  return name_of(v, end_names);
}
const char* to_string(patch_state v) {
  return name_of(v, patch_names);
}
const char* to_string(breaker_state v) {
  return name_of(v, breaker_names);
}
const char* to_string(verify_mode v) {
  return name_of(v, verify_names);
}
const char* to_string(gate_news_kind v) {
  return name_of(v, news_names);
}

std::optional<engine_kind> parse_engine_kind(std::string_view s) {
  return parse_name<engine_kind>(s, engine_names);
}
std::optional<run_state> parse_run_state(std::string_view s) {
  return parse_name<run_state>(s, run_names);
}
std::optional<ws_state> parse_ws_state(std::string_view s) {
  return parse_name<ws_state>(s, ws_names);
}
std::optional<step_kind> parse_step_kind(std::string_view s) {
  return parse_name<step_kind>(s, step_names);
}
std::optional<step_state> parse_step_state(std::string_view s) {
  return parse_name<step_state>(s, step_state_names);
}
std::optional<patch_state> parse_patch_state(std::string_view s) {
  return parse_name<patch_state>(s, patch_names);
}
std::optional<verify_mode> parse_verify_mode(std::string_view s) {
  return parse_name<verify_mode>(s, verify_names);
}

ws_state state_of(ws_end e) {
  switch (e) {
  case ws_end::committed:
    return ws_state::committed;
  case ws_end::skipped:
    return ws_state::skipped;
  case ws_end::quarantined:
    return ws_state::quarantined;
  case ws_end::interrupted:
    return ws_state::pending;
  }
  return ws_state::pending;
}

std::string run_target::to_phase_id() const {
  return what == kind::workstream ? std::string(workstream_prefix) + name : name;
}

run_target run_target::parse(std::string_view phase_id) {
  if (phase_id.substr(0, workstream_prefix.size()) == workstream_prefix)
    return {kind::workstream, std::string(phase_id.substr(workstream_prefix.size()))};
  return {kind::phase, std::string(phase_id)};
}

} // namespace uet
