#include "ledger/patch_store.h"

#include <nlohmann/json.hpp>

#include "base/files.h"

namespace uet::ledger {

namespace fs = std::filesystem;

namespace {

status write_in_dir(const fs::path& path, const std::string& content) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec)
    return fail(path.parent_path().string() + ": cannot create directory: " + ec.message());
  return write_file_atomic(path, content);
}

/// Copies a file into the ledger (a saved patch into quarantine, a captured
/// one into patches/), on disk: a big patch is never read into memory.
status copy_in_dir(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec)
    return fail(error_kind::io,
                "cannot copy " + from.string() + " to " + to.string() + ": " + ec.message());
  return {};
}

} // namespace

fs::path patch_store::patch_path(const std::string& id) const {
  return dir_ / "patches" / (id + ".diff");
}
fs::path patch_store::quarantine_diff_path(const std::string& id) const {
  return dir_ / "quarantine" / (id + ".diff");
}
fs::path patch_store::quarantine_json_path(const std::string& id) const {
  return dir_ / "quarantine" / (id + ".json");
}

status patch_store::save_patch(const std::string& patch_id, const std::string& diff) const {
  return write_in_dir(patch_path(patch_id), diff);
}

status patch_store::save_patch_file(const std::string& patch_id,
                                    const std::filesystem::path& file) const {
  std::error_code ec;
  if (fs::equivalent(file, patch_path(patch_id), ec))
    return {}; // the capture left it where the ledger keeps it
  return copy_in_dir(file, patch_path(patch_id));
}

status patch_store::quarantine(const quarantine_record& rec, const std::string& diff) const {
  std::error_code ec;
  auto saved = diff.empty() && fs::exists(patch_path(rec.patch_id), ec);
  if (auto st = saved ? copy_in_dir(patch_path(rec.patch_id), quarantine_diff_path(rec.patch_id))
                      : write_in_dir(quarantine_diff_path(rec.patch_id), diff);
      !st)
    return st;
  nlohmann::json j{
      {"patch_id", rec.patch_id}, {"run_id", rec.run_id}, {"workstream_id", rec.workstream_id},
      {"attempt", rec.attempt},   {"reason", rec.reason}, {"details", rec.details},
      {"quarantined_at", rec.at}};
  // error_handler::replace: a tool's output may hold invalid UTF-8.
  return write_in_dir(quarantine_json_path(rec.patch_id),
                      j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

std::string make_patch_id(const std::string& run_id, const std::string& workstream_id,
                          int attempt) {
  return run_id + "." + workstream_id + "." + std::to_string(attempt);
}

namespace {

/// "<ws>.<attempt>" starting at `start` in patch_id.
std::optional<patch_id_parts> parse_after_run(const std::string& patch_id, std::size_t start) {
  auto dot = patch_id.rfind('.');
  if (dot == std::string::npos || dot < start + 1) // no workstream id before the attempt
    return std::nullopt;
  auto digits = patch_id.substr(dot + 1);
  if (digits.empty() || digits.size() > 9 || digits[0] == '0' ||
      digits.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return patch_id_parts{patch_id.substr(start, dot - start), std::stoi(digits)};
}

} // namespace

std::optional<patch_id_parts> parse_patch_id(const std::string& patch_id,
                                             const std::string& run_id) {
  auto prefix = run_id + ".";
  if (patch_id.size() <= prefix.size() || patch_id.compare(0, prefix.size(), prefix) != 0)
    return std::nullopt;
  return parse_after_run(patch_id, prefix.size());
}

std::optional<patch_id_parts> parse_patch_id(const std::string& patch_id) {
  auto first = patch_id.find('.');
  if (first == std::string::npos || first == 0)
    return std::nullopt;
  return parse_after_run(patch_id, first + 1);
}

} // namespace uet::ledger
