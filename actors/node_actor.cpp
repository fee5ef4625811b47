#include "actors/node_actor.h"

#include <caf/blocking_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

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
void intake_actor(caf::blocking_actor* self, std::shared_ptr<node::node_work> work,
                  std::shared_ptr<std::atomic<bool>> stop) {
  self->receive([&](msg::node_edit_request& r) -> msg::edit_result {
    auto workspace = std::make_shared<ledger::attempt_workspace>(*work->env, work->pool);
    auto edit = node::intake(*work, r, workspace->path());
    if (!edit)
      return failed(edit.message());
    auto adapter = spawn_local_adapter(*self, *work->env, workspace, {}, stop);
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

using node_ptr = msg::node_actor::stateful_pointer<node_state>;

/// Stops the jobs matching `which`, saying why on the node's log.
template <class Pred>
void stop_jobs(node_ptr self, Pred which, const std::string& why) {
  for (auto& [addr, job] : self->state.jobs)
    if (which(addr, job) && !job.stop->exchange(true))
      spdlog::info("stopped {} of run {}: {}", job.key, job.run_id, why);
}

/// Registers the request's job; a newer session of its run stops the older
/// one's work (a coordinator killed and resumed).
std::shared_ptr<std::atomic<bool>> admit(node_ptr self, const msg::node_edit_request& r) {
  stop_jobs(
      self,
      [&](const caf::actor_addr&, const node_job& j) {
        return j.run_id == r.run_id && j.session != r.session;
      },
      "a newer session of the run started");
  auto stop = std::make_shared<std::atomic<bool>>(false);
  auto key = r.workstream_id + " attempt " + std::to_string(r.attempt);
  auto sender = self->current_sender();
  auto addr = sender ? sender->address() : caf::actor_addr{};
  self->state.jobs.emplace(addr, node_job{r.run_id, r.session, key, stop});
  if (sender)
    self->monitor(sender);
  return stop;
}

void forget(node_ptr self, const std::shared_ptr<std::atomic<bool>>& stop) {
  auto& jobs = self->state.jobs;
  for (auto it = jobs.begin(); it != jobs.end(); ++it)
    if (it->second.stop == stop)
      return (void)jobs.erase(it);
}

} // namespace

msg::node_actor::behavior_type node_behavior(node_ptr self,
                                             std::shared_ptr<const node_identity> id) {
  self->set_down_handler([=](caf::down_msg& dm) {
    stop_jobs(
        self, [&](const caf::actor_addr& a, const node_job&) { return a == dm.source; },
        "its coordinator's attempt went (" + caf::to_string(dm.reason) + ")");
  });
  return {
      [id](msg::hello_atom) {
        return msg::node_hello{id->node_id, id->slots, id->tools, id->version, id->mutual_tls};
      },
      [self, id](msg::node_edit_request& r) -> caf::result<msg::edit_result> {
        if (auto no = node::refusal(id->node_id, id->tools, r); !no.empty())
          return failed(no);
        if (!id->work)
          return failed("node " + id->node_id + " has no work directory");
        auto stop = admit(self, r);
        auto rp = self->make_response_promise<msg::edit_result>();
        auto intake = self->spawn<caf::detached>(intake_actor, id->work, stop);
        self->request(intake, caf::infinite, std::move(r))
            .then(
                [=](msg::edit_result& e) mutable {
                  forget(self, stop);
                  rp.deliver(std::move(e));
                },
                [=](caf::error& e) mutable {
                  forget(self, stop);
                  rp.deliver(failed("node intake: " + caf::to_string(e)));
                });
        return rp;
      },
  };
}

} // namespace uet::actors
