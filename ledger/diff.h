// Parses a git unified diff (as `git diff --binary --full-index -M` writes
// it) into one entry per file, with both paths, modes, binary-ness, hunk
// headers and, for symlinks, the link target. It reads git's extended
// headers, so renames, copies, mode changes and binary patches are seen.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"

namespace uet::ledger {

struct hunk {
  int old_start = 0, old_count = 0, new_start = 0, new_count = 0;
};

enum class change_kind { modify, add, remove, rename, copy };

struct file_change {
  change_kind kind = change_kind::modify;
  std::string old_path; ///< empty for an added file
  std::string new_path; ///< empty for a removed file
  std::string old_mode, new_mode;
  /// The new side's object id from the "index OLD..NEW" line, as written
  /// (full with --full-index); empty without one (a pure rename, a mode
  /// change).
  std::string new_id;
  bool binary = false;
  bool symlink = false;       ///< the new side is a symlink (mode 120000)
  std::string symlink_target; ///< from the patch's added line, when present
  std::vector<hunk> hunks;
};

/// Parses text; an empty text is an empty list. Fails (naming the line) on a
/// patch that is not a git diff or is cut short.
expected<std::vector<file_change>> parse_diff(std::string_view text);

/// The same, read from a file a line at a time (a big patch is never whole
/// in memory).
expected<std::vector<file_change>> parse_diff_file(const std::filesystem::path& path);

/// Whether the diff adds, changes or removes a gitlink (a nested
/// repository, mode 160000): read from git's extended header lines only
/// (`new file mode`, `deleted file mode`, `old mode`, `new mode`, `index`),
/// which no content or binary-patch line can look like.
bool has_gitlink(std::string_view text);

/// Undoes git's C-style path quoting ("a\303\251b" -> "aéb"); false if
/// malformed. Unquoted input is returned as is.
bool unquote_git_path(std::string_view in, std::string& out);

const char* to_string(change_kind k);

} // namespace uet::ledger
