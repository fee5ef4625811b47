// Small text helpers shared by messages to the user.
#pragma once

#include <string>

namespace uet {

/// The items in order, separated by sep: "a, b, c"; "" for none.
template <class Items>
std::string joined(const Items& items, const char* sep = ", ") {
  std::string out;
  for (const auto& s : items)
    out += (out.empty() ? "" : sep) + std::string(s);
  return out;
}

} // namespace uet
