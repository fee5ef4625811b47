#include "base/expected.h"

namespace uet {

const char* to_string(error_kind k) {
  switch (k) {
  case error_kind::internal:
    return "internal";
  case error_kind::bad_input:
    return "bad input";
  case error_kind::busy:
    return "busy";
  case error_kind::io:
    return "io";
  case error_kind::git:
    return "git";
  case error_kind::conflict:
    return "conflict";
  }
  return "internal";
}

} // namespace uet
