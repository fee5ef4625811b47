// Process exit codes: the contract of SPEC §2, and the one place an error's
// kind becomes one.
#pragma once

#include "base/expected.h"

namespace uet {

enum class exit_code : int {
  ok = 0,           ///< every workstream committed / the command did what was asked
  partial = 1,      ///< the run finished but some workstreams were quarantined or blocked
  bad_input = 2,    ///< bad input or usage; the message names file, field, problem
  internal = 3,     ///< a bug or an environment failure we did not expect
  interrupted = 130 ///< SIGINT/SIGTERM: children killed, run marked interrupted
};

inline int to_int(exit_code c) {
  return static_cast<int>(c);
}

/// bad input -> 2; everything else a command could not do (another writer,
/// git, I/O, a bug) -> 3. A conflict is a patch's verdict, never a command's
/// failure; should one reach here, it is unexpected (3).
inline exit_code exit_code_for(error_kind k) {
  switch (k) {
  case error_kind::bad_input:
    return exit_code::bad_input;
  case error_kind::internal:
  case error_kind::busy:
  case error_kind::io:
  case error_kind::git:
  case error_kind::conflict:
  case error_kind::refused:
    return exit_code::internal;
  }
  return exit_code::internal;
}

} // namespace uet
