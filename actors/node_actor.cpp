#include "actors/node_actor.h"

#include <caf/typed_event_based_actor.hpp>

#include "node/node_policy.h"

namespace uet::actors {

msg::node_actor::behavior_type node_behavior(msg::node_actor::pointer,
                                             std::shared_ptr<const node_identity> id) {
  return {
      [id](msg::hello_atom) {
        return msg::node_hello{id->node_id, id->slots, id->tools, id->version, id->mutual_tls};
      },
      [id](const msg::node_edit_request& r) {
        msg::edit_result out;
        out.error = node::refusal(id->node_id, id->tools, r);
        if (out.error.empty())
          // Running the edit (its base commit brought over as a git bundle,
          // the tool in a worktree of the node's clone) comes with the
          // coordinator's side, `run --nodes`.
          out.error = "node " + id->node_id +
                      " takes no edits yet: this build has no `run "
                      "--nodes` to send them";
        return out;
      },
  };
}

} // namespace uet::actors
