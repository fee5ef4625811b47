// How a process is started under resource_limits, and how a death by one of
// them is told apart from any other.
//
// The limits are set by prlimit(1) (util-linux, Essential in Debian) in its
// own process, which then execs the program: they hold from the program's
// first instruction, so nothing it forks can start without them. prlimit(2)
// on the pid after posix_spawn would race with a fast child (a parent thread
// descheduled for a millisecond is enough); a fork+setrlimit+exec of our own
// is what posix_spawn exists to avoid (engine/subprocess.h). Measured cost:
// ~2.5 ms more per tool start, against tool steps of seconds.
#pragma once

#include <string>
#include <vector>

#include "base/expected.h"
#include "base/resource_limits.h"

namespace uet::engine {

/// The argv that runs `argv` under `limits`, its argv[0] found at `program`
/// (a path). A limit above what this process may grant (its hard limit,
/// unless it is privileged) is lowered to that hard limit. Fails when
/// prlimit is not installed.
expected<std::vector<std::string>> limited_argv(const resource_limits& limits,
                                                const std::string& program,
                                                const std::vector<std::string>& argv);

/// "its CPU time limit (limits.cpu_s: 2)" when a process that ended with
/// `signal` after `cpu_ms` of CPU time was ended by one of `limits`; "" else.
std::string limit_reached(const resource_limits& limits, int signal, long long cpu_ms);

} // namespace uet::engine
