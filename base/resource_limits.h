// Resource limits for one tool process (tools.yaml `limits`): plain numbers,
// so config, the engine and the messages a remote node receives share them.
#pragma once

#include <cstdint>

namespace uet {

struct resource_limits {
  std::int64_t cpu_s = 0;            ///< CPU seconds (RLIMIT_CPU); 0: none
  std::int64_t address_space_mb = 0; ///< virtual memory (RLIMIT_AS); 0: none
  std::int64_t file_size_mb = 0;     ///< largest file it may write (RLIMIT_FSIZE); 0: none
  std::int64_t open_files = 0;       ///< file descriptors (RLIMIT_NOFILE); 0: none

  bool any() const { return cpu_s || address_space_mb || file_size_mb || open_files; }
  bool operator==(const resource_limits& o) const {
    return cpu_s == o.cpu_s && address_space_mb == o.address_space_mb &&
           file_size_mb == o.file_size_mb && open_files == o.open_files;
  }
};

} // namespace uet
