// What no tool may change in the repository's git directory: `config`,
// `hooks/` and `info/` (attributes, exclude), which every later git command
// of the user's would obey (a planted pre-commit hook runs on their next
// commit). The run takes a baseline when it starts; after each tool, the
// guard compares, puts back what changed (removes what was added, rewrites
// what was changed or removed) and names it, and the attempt that found it
// is quarantined. Tools that ran at the same time cannot be told apart
// here; the sandbox of tools (Landlock) is what prevents the write itself.
// Thread-safe.
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace uet::ledger {

class git_dir_guard {
public:
  /// The common git directory of repo (repo/.git, or where its gitdir file
  /// points), and its guarded files as they are now.
  explicit git_dir_guard(const std::filesystem::path& repo);

  /// "hooks/pre-commit (added)", one per file that differs from the
  /// baseline; each is put back before this returns. Empty: untouched.
  std::vector<std::string> check_and_restore();

  const std::filesystem::path& dir() const { return dir_; }

private:
  using files = std::map<std::string, std::string>; ///< relative path -> content
  files read_now() const;

  std::filesystem::path dir_;
  std::mutex mu_;
  files baseline_;
};

} // namespace uet::ledger
