#include "actors/record_rows.h"

#include "base/patch_limits.h"
#include "ledger/object_store.h"
#include "messages/event_json.h"

namespace uet::actors {

std::string step_attempt_id(const std::string& run_id, const std::string& workstream_id,
                            step_kind step, int attempt, std::uint64_t test) {
  auto id = run_id + "." + workstream_id + "." + to_string(step) + "." + std::to_string(attempt);
  return test > 1 ? id + ".t" + std::to_string(test) : id;
}

persistence::run_started to_row(const msg::run_opened& m) {
  return {m.run_id,      m.project_id, m.target.to_phase_id(), to_string(m.engine),
          m.max_workers, m.at,         m.options_json};
}

persistence::run_state_changed to_row(const msg::run_state_set& m) {
  return {m.run_id, to_string(m.state), m.at, m.finished};
}

persistence::workstream_state_changed to_row(msg::ws_state_set m) {
  return {std::move(m.run_id), std::move(m.workstream_id), to_string(m.state), m.attempts,
          std::move(m.at),     std::move(m.reason)};
}

persistence::step_started to_row(const msg::step_begun& m) {
  return {step_attempt_id(m.run_id, m.workstream_id, m.step, m.attempt, m.test),
          m.run_id,
          m.workstream_id,
          to_string(m.step),
          m.attempt,
          m.at,
          m.log_path,
          m.node.empty() ? std::nullopt : std::optional<std::string>(m.node)};
}

persistence::step_finished to_row(const msg::step_ended& m) {
  persistence::step_finished row{
      step_attempt_id(m.run_id, m.workstream_id, m.step, m.attempt, m.test), to_string(m.state),
      m.exit_code, m.at, std::nullopt};
  if (!m.error.empty())
    row.error = m.error;
  return row;
}

msg::patch_created created_row(std::string patch_id, std::string run_id, std::string workstream_id,
                               int attempt, const std::string& diff,
                               const std::filesystem::path& file, const std::string& file_hash,
                               std::string at) {
  msg::patch_created m{std::move(patch_id),
                       std::move(run_id),
                       std::move(workstream_id),
                       attempt,
                       {},
                       std::move(at),
                       {},
                       {}};
  if (!file_hash.empty()) {
    m.diff_file = file.string();
    m.diff_hash = file_hash;
  } else if (diff.size() <= static_cast<std::size_t>(inline_diff_max)) {
    m.diff = diff;
  } else {
    m.diff_file = file.string();
    m.diff_hash = ledger::blob_id_of(diff);
  }
  return m;
}

persistence::patch_recorded to_row(msg::patch_created m) {
  return {std::move(m.patch_id),
          std::move(m.run_id),
          std::move(m.workstream_id),
          m.attempt,
          std::move(m.diff),
          "created",
          std::move(m.at),
          std::move(m.diff_file),
          std::move(m.diff_hash)};
}

persistence::patch_status_changed to_row(msg::patch_state_set m) {
  return {std::move(m.patch_id),     to_string(m.state), std::move(m.at),
          std::move(m.commit_sha),   std::move(m.error), std::move(m.verified_by),
          std::move(m.verified_tree)};
}

persistence::event_appended to_row(const msg::event& m) {
  auto text = msg::render_event(m.body);
  return {m.run_id, m.workstream_id, std::move(text.type), m.at, std::move(text.payload)};
}

} // namespace uet::actors
