#include "base/files.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace uet {

namespace {

std::string errno_text() {
  return std::strerror(errno);
}

status write_all(int fd, const std::string& data, const std::string& what) {
  std::size_t off = 0;
  while (off < data.size()) {
    auto n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return fail(error_kind::io, what + ": write failed: " + errno_text());
    }
    off += static_cast<std::size_t>(n);
  }
  return {};
}

} // namespace

expected<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail(error_kind::io, path.string() + ": cannot open: " + errno_text());
  std::string out;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size > 0 && static_cast<std::size_t>(st.st_size) <= max_bytes)
    out.reserve(static_cast<std::size_t>(st.st_size)); // one buffer, not doublings of it
  char buf[65536];
  for (;;) {
    auto n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      auto msg = path.string() + ": cannot read: " + errno_text();
      ::close(fd);
      return fail(error_kind::io, msg);
    }
    if (n == 0)
      break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > max_bytes) {
      ::close(fd);
      return fail(error_kind::io, path.string() + ": file is larger than " +
                                      std::to_string(max_bytes >> 20) + " MiB");
    }
  }
  ::close(fd);
  return out;
}

status write_file_atomic(const std::filesystem::path& path, const std::string& content) {
  auto tmp = path;
  tmp += ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return fail(error_kind::io, tmp.string() + ": cannot create: " + errno_text());
  auto st = write_all(fd, content, tmp.string());
  if (st && ::fsync(fd) != 0)
    st = fail(error_kind::io, tmp.string() + ": fsync failed: " + errno_text());
  ::close(fd);
  if (st && ::rename(tmp.c_str(), path.c_str()) != 0)
    st = fail(error_kind::io, path.string() + ": rename failed: " + errno_text());
  if (!st)
    ::unlink(tmp.c_str());
  return st;
}

status append_line(const std::filesystem::path& path, const std::string& line) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0)
    return fail(error_kind::io, path.string() + ": cannot open for append: " + errno_text());
  auto st = write_all(fd, line + "\n", path.string());
  ::close(fd);
  return st;
}

std::string last_lines(const std::string& text, std::size_t lines, std::size_t max_bytes) {
  std::size_t end = text.size();
  std::size_t start = end;
  std::size_t taken = 0;
  while (taken < lines && end > 0) {
    while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r'))
      --end;
    if (end == 0)
      break;
    auto nl = text.rfind('\n', end - 1);
    std::size_t begin = nl == std::string::npos ? 0 : nl + 1;
    if (text.size() - begin > max_bytes && taken > 0)
      break;
    start = begin;
    end = begin;
    ++taken;
  }
  auto out = text.substr(start);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
    out.pop_back();
  return out.size() > max_bytes ? out.substr(out.size() - max_bytes) : out;
}

std::string file_last_lines(const std::filesystem::path& path, std::size_t lines) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return "";
  in.seekg(0, std::ios::end);
  auto size = static_cast<std::streamoff>(in.tellg());
  std::streamoff from = std::max<std::streamoff>(0, size - 4096);
  in.seekg(from);
  std::string text(static_cast<std::size_t>(size - from), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return last_lines(text, lines);
}

} // namespace uet
