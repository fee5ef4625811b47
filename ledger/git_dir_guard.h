// What no tool may change in the repository's git directory: `config`,
// `hooks/` and `info/` (attributes, exclude), which every later git command
// of the user's would obey (a planted pre-commit hook runs on their next
// commit). The run takes a baseline when it starts; each tool registers
// while it runs, and when one ends the guard compares, puts back what
// changed and names it. Who did it: every tool that was running when the
// file changed (its modification time) is a suspect, and each suspect's
// attempt is quarantined when it ends, the one that found it at once. A
// change no tool was running for (the user's own) is accepted as the new
// baseline. The sandbox of tools is what will prevent the write itself.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace uet::ledger {

class git_dir_guard {
public:
  /// The common git directory of repo (repo/.git, or where its gitdir file
  /// points), and its guarded files as they are now.
  explicit git_dir_guard(const std::filesystem::path& repo);

  /// A tool starts; pass the id to end().
  std::uint64_t begin();
  /// The tool has ended: "hooks/pre-commit (added)", one per change it may
  /// have made (found now, or earlier by another tool that ran beside it);
  /// what changed is put back before this returns. Empty: not a suspect.
  std::vector<std::string> end(std::uint64_t id);

  const std::filesystem::path& dir() const { return dir_; }

private:
  struct entry {
    std::string content;
    std::filesystem::file_time_type mtime;
  };
  using files = std::map<std::string, entry>; ///< relative path -> what it was
  struct change {
    std::string path;
    const char* how;                      ///< " (added)", " (changed)", " (removed)"
    std::filesystem::file_time_type when; ///< unknown (a removal): the epoch
  };
  files read_now() const;
  std::vector<change> changes(const files& now) const;
  /// The file as the baseline has it (gone, if it was not there).
  void put_back(const std::string& rel);

  std::filesystem::path dir_;
  std::mutex mu_;
  files baseline_;
  std::uint64_t next_id_ = 0;
  std::map<std::uint64_t, std::filesystem::file_time_type> running_; ///< id -> start
  std::map<std::uint64_t, std::vector<std::string>> suspected_;      ///< id -> changes
};

} // namespace uet::ledger
