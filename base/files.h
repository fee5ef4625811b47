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

} // namespace uet
