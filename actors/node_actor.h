// The worker node's published actor (msg::node_actor): answers hello with
// what the node offers, refuses requests for tools it does not have, and
// runs the others' edits in its own repository: a detached intake per
// request (the bundle, the commit check: git, blocking) hands the edit to
// the same local adapter a run uses.
#pragma once

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

msg::node_actor::behavior_type node_behavior(msg::node_actor::pointer self,
                                             std::shared_ptr<const node_identity> id);

} // namespace uet::actors
