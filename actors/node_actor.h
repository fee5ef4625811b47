// The worker node's published actor (msg::node_actor): answers hello with
// what the node offers, refuses requests for tools it does not have, and
// runs the others' edits in its own repository: a detached intake per
// request (the bundle, the commit check: git, blocking) hands the edit to
// the same local adapter a run uses. Work stops when the coordinator's
// requesting actor goes (the connection dropped or timed out: BASP kills
// its proxies), and when a newer session of the same run starts (the
// coordinator was killed and `resume`d).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "messages/interfaces.h"
#include "node/node_work.h"

namespace uet::actors {

struct node_identity {
  std::string node_id;
  int slots = 1;
  std::vector<std::string> tools; ///< sorted
  std::string version;
  bool mutual_tls = false;
  std::shared_ptr<node::node_work> work;
};

/// One request being served: whose, and how to stop it.
struct node_job {
  std::string run_id;
  std::string session;
  std::string key; ///< workstream/attempt, for the log
  std::shared_ptr<std::atomic<bool>> stop;
};

struct node_state {
  /// By the requesting actor (a coordinator's remote adapter): when it goes
  /// (its attempt ended, or its coordinator died or went silent), its work
  /// stops.
  std::multimap<caf::actor_addr, node_job> jobs;
  static inline const char* name = "node";
};

msg::node_actor::behavior_type node_behavior(msg::node_actor::stateful_pointer<node_state> self,
                                             std::shared_ptr<const node_identity> id);

} // namespace uet::actors
