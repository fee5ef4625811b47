#include "actors/node_actor.h"

#include <caf/blocking_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/adapter_actor.h"
#include "ledger/attempt_workspace.h"
#include "node/node_policy.h"

namespace uet::actors {

namespace {

msg::edit_result failed(const std::string& why) {
  msg::edit_result out;
  out.error = why;
  return out;
}

/// One request, on a thread of its own: unpack, check, then the local
/// adapter in a worktree of the node's pool; answers with its result.
void intake_actor(caf::blocking_actor* self, std::shared_ptr<node::node_work> work) {
  self->receive([&](msg::node_edit_request& r) -> msg::edit_result {
    auto workspace = std::make_shared<ledger::attempt_workspace>(*work->env, work->pool);
    auto edit = node::intake(*work, r, workspace->path());
    if (!edit)
      return failed(edit.message());
    auto adapter = spawn_local_adapter(*self, *work->env, workspace);
    workspace.reset(); // the adapter's worker gives the worktree back
    msg::edit_result out;
    self->request(adapter, caf::infinite, std::move(*edit))
        .receive([&](msg::edit_result& e) { out = std::move(e); },
                 [&](caf::error& e) { out = failed("node adapter: " + caf::to_string(e)); });
    self->send_exit(adapter, caf::exit_reason::user_shutdown);
    node::inline_diff_file(out);
    return out;
  });
}

} // namespace

msg::node_actor::behavior_type node_behavior(msg::node_actor::pointer self,
                                             std::shared_ptr<const node_identity> id) {
  return {
      [id](msg::hello_atom) {
        return msg::node_hello{id->node_id, id->slots, id->tools, id->version, id->mutual_tls};
      },
      [self, id](msg::node_edit_request& r) -> caf::result<msg::edit_result> {
        if (auto no = node::refusal(id->node_id, id->tools, r); !no.empty())
          return failed(no);
        if (!id->work)
          return failed("node " + id->node_id + " has no work directory");
        auto rp = self->make_response_promise<msg::edit_result>();
        auto intake = self->spawn<caf::detached>(intake_actor, id->work);
        self->request(intake, caf::infinite, std::move(r))
            .then([rp](msg::edit_result& e) mutable { rp.deliver(std::move(e)); },
                  [rp](caf::error& e) mutable {
                    rp.deliver(failed("node intake: " + caf::to_string(e)));
                  });
        return rp;
      },
  };
}

} // namespace uet::actors
