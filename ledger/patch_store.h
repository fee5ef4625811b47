// The ledger's files (SPEC §4): every patch as LEDGER_DIR/patches/<id>.diff,
// and each quarantined one as LEDGER_DIR/quarantine/<id>.diff plus <id>.json
// saying why. Written atomically, so a crash never leaves half a record.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/expected.h"

namespace uet::ledger {

struct quarantine_record {
  std::string patch_id;
  std::string run_id;
  std::string workstream_id;
  int attempt = 0;
  std::string reason;               ///< one line a user can act on
  std::vector<std::string> details; ///< offending paths, conflicting hunks, ...
  std::string at;                   ///< ISO-8601 UTC
};

class patch_store {
public:
  explicit patch_store(std::filesystem::path ledger_dir) : dir_(std::move(ledger_dir)) {}

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path patch_path(const std::string& patch_id) const;
  std::filesystem::path quarantine_diff_path(const std::string& patch_id) const;
  std::filesystem::path quarantine_json_path(const std::string& patch_id) const;

  status save_patch(const std::string& patch_id, const std::string& diff) const;
  /// The same for a diff already in a file: moved or copied there (nothing
  /// to do when it is there already).
  status save_patch_file(const std::string& patch_id, const std::filesystem::path& file) const;
  /// diff "": the saved patch file is copied (a queued patch's text is not
  /// kept in memory).
  status quarantine(const quarantine_record& rec, const std::string& diff) const;

private:
  std::filesystem::path dir_;
};

/// A patch id usable as a file name and a trailer value: <run>.<ws>.<attempt>.
std::string make_patch_id(const std::string& run_id, const std::string& workstream_id, int attempt);

struct patch_id_parts {
  std::string workstream_id;
  int attempt = 0;
};

/// The inverse of make_patch_id for one run's patches: nullopt unless the id
/// is exactly <run_id>.<ws>.<digits>. Workstream ids may hold dots, so the
/// attempt is what follows the last one ("r.a.2.1" is ws "a.2", attempt 1).
std::optional<patch_id_parts> parse_patch_id(const std::string& patch_id,
                                             const std::string& run_id);

/// The same for a patch of any run: run ids hold no dot (new_run_id), so the
/// run is what comes before the first one.
std::optional<patch_id_parts> parse_patch_id(const std::string& patch_id);

} // namespace uet::ledger
