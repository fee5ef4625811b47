// How a process is started under resource_limits, and how a death by one of
// them is told apart from any other.
//
// The limits are set with setrlimit(2) in the child between its fork and
// its exec (engine/confined_spawn.h): they hold from the program's first
// instruction, so nothing it forks can start without them. (prlimit(2) on
// the pid after posix_spawn would race with a fast child; prlimit(1) in
// front of the tool cost ~2.5 ms per start.)
#pragma once

#include <string>
#include <vector>

#include "base/resource_limits.h"
#include "engine/confined_spawn.h"

namespace uet::engine {

/// The setrlimit calls that put a process under `limits`. A limit above
/// what this process may grant (its hard limit, unless it is privileged)
/// is lowered to that hard limit.
std::vector<confined_plan::limit> rlimits_of(const resource_limits& limits);

/// "its CPU time limit (limits.cpu_s: 2)" when a process that ended with
/// `signal` after `cpu_ms` of CPU time was ended by one of `limits`; "" else.
std::string limit_reached(const resource_limits& limits, int signal, long long cpu_ms);

} // namespace uet::engine
