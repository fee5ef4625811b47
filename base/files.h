// Whole-file reads and crash-safe writes.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "base/expected.h"

namespace uet {

/// Reads a whole file. Fails (naming the path) if it cannot be opened or is
/// larger than max_bytes.
expected<std::string> read_file(const std::filesystem::path& path,
                                std::size_t max_bytes = 64u << 20);

/// Writes content to path through a temporary file and rename(2), so a crash
/// leaves either the old file or the new one, never half of one.
status write_file_atomic(const std::filesystem::path& path, const std::string& content);

/// Appends one line (a '\n' is added) with O_APPEND, so concurrent writers
/// interleave whole lines.
status append_line(const std::filesystem::path& path, const std::string& line);

/// The last `lines` non-empty lines of text, at most max_bytes of them:
/// what a failure's signature and a console line quote of its output.
std::string last_lines(const std::string& text, std::size_t lines = 5,
                       std::size_t max_bytes = 1024);

/// last_lines of a file's last 4 KiB ("" if it cannot be read).
std::string file_last_lines(const std::filesystem::path& path, std::size_t lines = 5);

} // namespace uet
