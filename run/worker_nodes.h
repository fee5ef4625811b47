// The worker nodes of `run --nodes HOST:PORT,...`: reached through the
// run's own actor system (its middleman, caf::openssl with the TLS files)
// before any actor starts, each asked its hello and checked against what
// the run needs, so a run does not start on a node that would refuse its
// work. Blocking: called from the run's thread, never a scheduler thread.
#pragma once

#include <set>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/node_executor.h"
#include "base/expected.h"
#include "node/node_policy.h"

namespace uet::run {

/// Refuses, before anything connects: an address that is not HOST:PORT, the
/// same address twice, half a TLS triple, and a non-loopback address
/// without TLS (BASP authenticates nobody).
expected<void> check_node_addresses(const std::vector<std::string>& addresses,
                                    const node::tls_files& tls);

/// Connects to each and asks its hello; fails naming the node that cannot
/// be reached or lacks one of `tools` (the ones the run's workstreams use).
expected<std::vector<actors::remote_node>> reach_nodes(caf::actor_system& sys,
                                                       const std::vector<std::string>& addresses,
                                                       const node::tls_files& tls,
                                                       const std::set<std::string>& tools);

} // namespace uet::run
