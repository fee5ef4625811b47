// How big a workstream's change may be (uet.yaml `patch_limits`, overridden
// per workstream under `constraints.patch_limits`): checked before the diff
// is read into memory, so a tool that writes a gigabyte costs disk, not RAM.
#pragma once

#include <cstdint>

namespace uet {

/// Past this size a diff travels as its file (the ledger's
/// patches/<id>.diff) rather than as text in messages and database rows.
constexpr std::int64_t inline_diff_max = 1 << 20;

struct patch_limits {
  std::int64_t max_bytes = 20 << 20;      ///< the unified diff's size
  std::int64_t max_files = 50000;         ///< files the change touches
  std::int64_t max_file_bytes = 10 << 20; ///< the largest file it writes

  bool operator==(const patch_limits& o) const {
    return max_bytes == o.max_bytes && max_files == o.max_files &&
           max_file_bytes == o.max_file_bytes;
  }
};

} // namespace uet
