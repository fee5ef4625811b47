// The faults of `--inject` that belong to an attempt, put in at the executor
// seam: another executor's adapter, behind a proxy that
//   - runs the tool under this binary's fault shim (adapter:*), so the
//     crash, hang, exit, litter or slowness is a real process's;
//   - dies with the attempt's step under way (actor:crash), or as its
//     acceptance check ends with its patch in the gate (check:crash), so
//     the supervisor sees the workstream actor go down, not a timeout;
//   - damages the diff on its way to the ledger (patch:corrupt).
// Nothing else in the run knows faults are being injected.
#include <caf/all.hpp>

#include "actors/executor.h"
#include "engine/fault_plan.h"

namespace uet::actors {

namespace {

struct proxy_state {
  msg::adapter_actor inner;
  attempt_ticket ticket;
  std::shared_ptr<engine::fault_injector> faults;
  std::filesystem::path shim;
  static inline const char* name = "fault-proxy";
};

using proxy_ptr = msg::adapter_actor::stateful_pointer<proxy_state>;

engine::fault_call call_of(const proxy_state& st, engine::fault_site site,
                           std::vector<engine::fault_kind> kinds = {}) {
  return {site, st.ticket.workstream_id, st.ticket.tool_id, st.ticket.attempt, 0, std::move(kinds)};
}

void tell(proxy_state& st, engine::fault_site site, engine::fault_kind kind, std::string detail) {
  st.faults->notify({site, kind, st.ticket.workstream_id, st.ticket.attempt, std::move(detail)});
}

/// The tool's argv, behind the shim when an adapter fault falls on it.
void maybe_shim(proxy_state& st, msg::edit_request& r) {
  auto kind = st.faults->peek(call_of(st, engine::fault_site::adapter));
  if (!kind)
    return;
  auto seed = st.faults->plan().seed ^
              (std::hash<std::string>{}(r.workstream_id) + static_cast<std::uint64_t>(r.attempt));
  std::vector<std::string> argv{st.shim.string(), engine::fault_shim_command,
                                engine::to_string(*kind), std::to_string(seed), "--"};
  argv.insert(argv.end(), r.argv.begin(), r.argv.end());
  r.argv = std::move(argv);
  tell(st, engine::fault_site::adapter, *kind,
       std::string("the tool runs under the fault shim (") + engine::to_string(*kind) + ")");
}

caf::result<msg::edit_result> on_edit(proxy_ptr self, msg::edit_request& r) {
  auto& st = self->state;
  maybe_shim(st, r);
  auto rp = self->make_response_promise<msg::edit_result>();
  self->request(st.inner, caf::infinite, std::move(r))
      .then(
          [=](msg::edit_result& e) mutable {
            auto& s = self->state;
            // A diff past 1 MiB travels as a file: not damaged here (that
            // would mean file I/O on a scheduler thread).
            if (!e.diff.empty() && s.faults->peek(call_of(s, engine::fault_site::patch,
                                                          {engine::fault_kind::corrupt}))) {
              e.diff = engine::damage_diff(std::move(e.diff));
              tell(s, engine::fault_site::patch, engine::fault_kind::corrupt,
                   "the diff was damaged on its way to the ledger");
            }
            rp.deliver(std::move(e));
          },
          [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
  if (st.faults->decide(call_of(st, engine::fault_site::actor),
                        "the adapter actor died during the edit step")) {
    // Mid-step: the tool has been asked to start. The exit reaches the
    // workstream actor over the link; the inner adapter, linked to it
    // too, goes with it and ends the tool.
    self->quit(caf::exit_reason::kill);
  }
  return rp;
}

caf::result<msg::check_result> on_check(proxy_ptr self, msg::check_request& r) {
  auto& st = self->state;
  if (!st.faults->decide(call_of(st, engine::fault_site::check),
                         "the adapter actor died as an acceptance check ended"))
    return self->delegate(st.inner, std::move(r));
  // After the check ran (a dependent may have started on the patch
  // meanwhile), before its verdict is known: the exit reaches the
  // workstream actor over the link, with its patch in the gate.
  auto rp = self->make_response_promise<msg::check_result>();
  self->request(st.inner, caf::infinite, std::move(r))
      .then([=](msg::check_result&) mutable { self->quit(caf::exit_reason::kill); },
            [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

msg::adapter_actor::behavior_type proxy_behavior(proxy_ptr self, proxy_state init) {
  self->state = std::move(init);
  return {
      [=](msg::edit_request& r) { return on_edit(self, r); },
      [=](msg::check_request& r) { return on_check(self, r); },
      [=](msg::cancel_atom c) { self->send(self->state.inner, c); },
  };
}

class fault_executor final : public executor {
public:
  fault_executor(std::shared_ptr<executor> inner, std::shared_ptr<engine::fault_injector> faults,
                 std::filesystem::path shim)
      : inner_(std::move(inner)), faults_(std::move(faults)), shim_(std::move(shim)) {}

  std::optional<std::string> runs_nothing() const override { return inner_->runs_nothing(); }

  expected<attempt_handle> start(caf::local_actor& parent, const attempt_ticket& t) override {
    auto h = inner_->start(parent, t);
    if (!h)
      return h;
    proxy_state st{h->adapter, t, faults_, shim_};
    h->adapter = parent.spawn<caf::linked>(proxy_behavior, std::move(st));
    return h;
  }

private:
  std::shared_ptr<executor> inner_;
  std::shared_ptr<engine::fault_injector> faults_;
  std::filesystem::path shim_;
};

} // namespace

std::shared_ptr<executor> make_fault_executor(std::shared_ptr<executor> inner,
                                              std::shared_ptr<engine::fault_injector> faults,
                                              std::filesystem::path shim) {
  return std::make_shared<fault_executor>(std::move(inner), std::move(faults), std::move(shim));
}

} // namespace uet::actors
