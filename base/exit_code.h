// Process exit codes: the contract of SPEC §2.
#pragma once

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

} // namespace uet
