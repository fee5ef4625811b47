// An exclusive advisory lock on a file (flock), held for the lifetime of the
// object. It is how "one writer" is enforced across threads and processes:
// the persistence actor holds the database's writer lock and the patch-ledger
// actor the integration branch's, so a second run (or a bug that opens a
// second writer) fails at once instead of interleaving writes.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "base/expected.h"

namespace uet {

class file_lock {
public:
  /// Takes the lock without waiting; fails naming the path and, when the
  /// holder wrote it there, who holds it. what is written into the file.
  static expected<std::shared_ptr<file_lock>> acquire(const std::filesystem::path& path,
                                                      const std::string& what);
  ~file_lock();
  file_lock(const file_lock&) = delete;
  file_lock& operator=(const file_lock&) = delete;
  const std::filesystem::path& path() const { return path_; }

private:
  file_lock(std::filesystem::path p, int fd) : path_(std::move(p)), fd_(fd) {}
  std::filesystem::path path_;
  int fd_ = -1;
};

} // namespace uet
