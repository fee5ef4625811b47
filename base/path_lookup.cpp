#include "base/path_lookup.h"

#include <cstdlib>
#include <unistd.h>

namespace uet {

std::optional<std::string> find_on_path(const std::string& name, bool relative_ok,
                                        const char* fallback_path) {
  auto executable = [](const std::string& p) { return ::access(p.c_str(), X_OK) == 0; };
  if (name.find('/') != std::string::npos)
    return executable(name) ? std::optional<std::string>(name) : std::nullopt;
  const char* env = std::getenv("PATH");
  std::string dirs = env ? env : fallback_path;
  std::size_t start = 0;
  while (start < dirs.size()) {
    auto colon = dirs.find(':', start);
    auto dir = dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (!dir.empty() && (relative_ok || dir.front() == '/') && executable(dir + "/" + name))
      return dir + "/" + name;
    if (colon == std::string::npos)
      break;
    start = colon + 1;
  }
  return std::nullopt;
}

} // namespace uet
