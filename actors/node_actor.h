// The worker node's published actor (msg::node_actor): answers hello with
// what the node offers and refuses requests for tools it does not have.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "messages/interfaces.h"

namespace uet::actors {

struct node_identity {
  std::string node_id;
  int slots = 1;
  std::vector<std::string> tools; ///< sorted
  std::string version;
  bool mutual_tls = false;
};

msg::node_actor::behavior_type node_behavior(msg::node_actor::pointer self,
                                             std::shared_ptr<const node_identity> id);

} // namespace uet::actors
