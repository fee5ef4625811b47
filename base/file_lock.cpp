#include "base/file_lock.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace uet {

expected<std::shared_ptr<file_lock>> file_lock::acquire(const std::filesystem::path& path,
                                                        const std::string& what) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  // O_CLOEXEC: a tool process must not inherit (and so keep) the lock.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return fail(error_kind::io, path.string() + ": cannot open lock file: " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char holder[512] = {0};
    auto n = ::pread(fd, holder, sizeof holder - 1, 0);
    ::close(fd);
    std::string who = n > 0 ? std::string(holder, static_cast<std::size_t>(n)) : "";
    while (!who.empty() && (who.back() == '\n' || who.back() == ' '))
      who.pop_back();
    return fail(error_kind::busy,
                path.string() + ": locked by " + (who.empty() ? "another process" : who));
  }
  if (::ftruncate(fd, 0) == 0) {
    auto line = what + " (pid " + std::to_string(::getpid()) + ")\n";
    (void)::pwrite(fd, line.data(), line.size(), 0);
  }
  return std::shared_ptr<file_lock>(new file_lock(path, fd));
}

file_lock::~file_lock() {
  if (fd_ >= 0)
    ::close(fd_); // releases the flock
}

} // namespace uet
