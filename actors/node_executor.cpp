#include "actors/node_executor.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/adapter_actor.h"
#include "actors/records.h"
#include "base/files.h"
#include "ledger/attempt_workspace.h"
#include "node/node_policy.h"
#include "node/outgoing_bundle.h"

namespace uet::actors {

namespace {

/// Commits a node is known to hold, newest last; bundles leave out their
/// history. A few suffice: each base descends from the ones before.
constexpr std::size_t known_commits = 16;

struct node_entry {
  remote_node node;
  int busy = 0;
  bool lost = false;
  std::vector<std::string> has;
};

/// Who holds which slot; shared by the executor and its remote adapters.
struct slot_table {
  std::mutex m;
  int local_slots = 1;
  int local_busy = 0;
  std::vector<node_entry> nodes;
  msg::persistence_actor db; ///< the run's, once it is up (record_to)
  std::string run_id;

  /// Records an event of the run, when there is a database to record it.
  void record(std::optional<std::string> workstream, ev::body body) {
    msg::persistence_actor to;
    std::string run;
    {
      std::lock_guard<std::mutex> lock(m);
      to = db;
      run = run_id;
    }
    if (to)
      caf::anon_send(to, make_event(run, std::move(workstream), std::move(body)));
  }

  /// A free local slot, else the least busy node that is up with a free
  /// slot (its index), else local anyway (-1): a lost node's share.
  int take() {
    std::lock_guard<std::mutex> lock(m);
    if (local_busy < local_slots) {
      ++local_busy;
      return -1;
    }
    int best = -1;
    for (int i = 0; i < int(nodes.size()); ++i) {
      const auto& n = nodes[i];
      if (!n.lost && n.busy < n.node.hello.slots && (best < 0 || n.busy < nodes[best].busy))
        best = i;
    }
    if (best < 0)
      ++local_busy;
    else
      ++nodes[best].busy;
    return best;
  }
  void give_back(int index) {
    std::lock_guard<std::mutex> lock(m);
    if (index < 0)
      --local_busy;
    else
      --nodes[index].busy;
  }
};

/// One attempt's slot, given back once: when its outcome is known, or when
/// its last holder goes (an attempt actor that died without one).
class slot_lease {
public:
  slot_lease(std::shared_ptr<slot_table> t, int index) : table_(std::move(t)), index_(index) {}
  ~slot_lease() { release(); }
  void release() {
    if (!released_.exchange(true))
      table_->give_back(index_);
  }

private:
  std::shared_ptr<slot_table> table_;
  int index_;
  std::atomic<bool> released_{false};
};

struct remote_state {
  std::shared_ptr<slot_table> table;
  int index = 0;
  remote_node node; ///< as reached (fixed for the run; busy, lost and has are the table's)
  std::shared_ptr<slot_lease> lease;
  std::shared_ptr<ledger::attempt_workspace> workspace; ///< for the checks, until they start
  msg::adapter_actor checker;                           ///< runs them, once they do
  engine::environment* env = nullptr;
  std::filesystem::path repo;
  std::string session;
  std::optional<caf::typed_response_promise<msg::edit_result>> pending;
  msg::edit_request asked;
  bool resent = false;
  static inline const char* name = "remote-adapter";
};

using remote_ptr = msg::adapter_actor::stateful_pointer<remote_state>;

std::string node_name(const remote_node& n) {
  return "worker node " + n.hello.node_id + " (" + n.address + ")";
}

void answer(remote_ptr self, msg::edit_result e) {
  auto& st = self->state;
  if (!st.pending) { // lost or cancelled first: recorded, never used
    const auto& n = st.node;
    spdlog::warn("{}: a late result for {} attempt {} ignored ({})", node_name(n),
                 st.asked.workstream_id, st.asked.attempt, e.description);
    st.table->record(st.asked.workstream_id,
                     ev::late_result{n.hello.node_id, st.asked.attempt,
                                     e.description.empty() ? e.error : e.description});
    return;
  }
  st.pending->deliver(std::move(e));
  st.pending.reset();
}

void lost(remote_ptr self, const std::string& why) {
  auto& st = self->state;
  const auto& n = st.node;
  bool first = false;
  {
    std::lock_guard<std::mutex> lock(st.table->m);
    first = !std::exchange(st.table->nodes[st.index].lost, true);
  }
  if (first)
    st.table->record(std::nullopt, ev::node_lost{n.hello.node_id, n.address, why});
  if (!st.pending)
    return;
  msg::edit_result e;
  e.error = node_name(n) + " lost: " + why + "; the attempt runs again elsewhere";
  e.lost_node = n.hello.node_id;
  spdlog::warn("{} attempt {}: {}", st.asked.workstream_id, st.asked.attempt, e.error);
  answer(self, std::move(e));
}

/// The edit step's log here: where it ran, and what its tool said last.
void write_log(const remote_state& st, const msg::edit_result& e) {
  if (st.asked.log_path.empty())
    return;
  std::string text = "ran on " + node_name(st.node) + ": " +
                     (e.description.empty() ? e.error : e.description) + "\n" + e.tail;
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(st.asked.log_path).parent_path(), ec);
  (void)write_file_atomic(st.asked.log_path, text);
}

void send_edit(remote_ptr self);

bool lacks_base(const msg::edit_result& e) {
  return !e.worktree_ok && node::is_lacks_commit(e.error);
}

void on_reply(remote_ptr self, msg::edit_result& e) {
  auto& st = self->state;
  e.result_tree.clear(); // an object of the node's repository, not of this one
  if (!st.pending)
    return answer(self, std::move(e));
  if (lacks_base(e) && !st.resent) {
    // The node lost what it held (a new work directory): all of it again.
    st.resent = true;
    {
      std::lock_guard<std::mutex> lock(st.table->m);
      st.table->nodes[st.index].has.clear();
    }
    return send_edit(self);
  }
  if (e.worktree_ok) {
    std::lock_guard<std::mutex> lock(st.table->m);
    auto& has = st.table->nodes[st.index].has;
    if (std::find(has.begin(), has.end(), st.asked.base_commit) == has.end())
      has.push_back(st.asked.base_commit);
    if (has.size() > known_commits)
      has.erase(has.begin());
  }
  write_log(st, e);
  answer(self, std::move(e));
}

/// The node's request for the edit asked, with the bundle it needs.
void send_edit(remote_ptr self) {
  auto& st = self->state;
  const auto& n = st.node;
  std::vector<std::string> has;
  {
    std::lock_guard<std::mutex> lock(st.table->m);
    has = st.table->nodes[st.index].has;
  }
  const auto& r = st.asked;
  auto tag = r.run_id + "-" + r.workstream_id + "-" + std::to_string(r.attempt);
  auto bundle = node::outgoing_bundle(*st.env, st.repo, r.base_commit, has, tag);
  if (!bundle) {
    msg::edit_result e;
    e.error = "cannot send " + node_name(n) + " its base: " + bundle.message();
    return answer(self, std::move(e));
  }
  msg::node_edit_request nr{st.session,   r.run_id,           r.workstream_id, r.attempt,
                            r.tool_id,    r.prompt,           r.base_commit,   r.scope,
                            r.timeout_ms, std::move(*bundle), r.admit_limits,  r.allow_submodules};
  // The node's own timeout ends the tool; past it and a margin, the node
  // itself is in trouble (the connection timeout usually says so first).
  caf::duration limit = r.timeout_ms > 0
                            ? caf::duration{std::chrono::milliseconds(r.timeout_ms + 60000)}
                            : caf::duration{caf::infinite};
  self->request(n.actor, limit, std::move(nr))
      .then([=](msg::edit_result& e) { on_reply(self, e); },
            [=](caf::error& err) { lost(self, "no answer (" + caf::to_string(err) + ")"); });
}

msg::adapter_actor::behavior_type remote_adapter(remote_ptr self, std::shared_ptr<slot_table> table,
                                                 int index, std::shared_ptr<slot_lease> lease,
                                                 std::shared_ptr<ledger::attempt_workspace> ws,
                                                 engine::environment* env,
                                                 std::filesystem::path repo, std::string session) {
  auto& st = self->state;
  st.table = std::move(table);
  st.index = index;
  st.lease = std::move(lease);
  st.workspace = std::move(ws);
  st.env = env;
  st.repo = std::move(repo);
  st.session = std::move(session);
  {
    std::lock_guard<std::mutex> lock(st.table->m);
    st.node = st.table->nodes[index].node;
  }
  self->monitor(st.node.actor);
  self->set_down_handler([=](caf::down_msg& dm) {
    if (dm.source == self->state.node.actor.address())
      lost(self, "its connection went (" + caf::to_string(dm.reason) + ")");
  });
  return {
      [=](msg::edit_request& r) -> caf::result<msg::edit_result> {
        auto rp = self->make_response_promise<msg::edit_result>();
        self->state.pending = rp;
        self->state.asked = std::move(r);
        send_edit(self);
        return rp;
      },
      [=](msg::check_request& r) {
        auto& s = self->state;
        if (!s.checker)
          s.checker = spawn_local_adapter(*self, *s.env, std::move(s.workspace));
        // The tool's change is on the node, not in this worktree.
        if (!r.commit.empty())
          r.check_out = true;
        return self->delegate(s.checker, std::move(r));
      },
      [=](msg::cancel_atom) {
        auto& s = self->state;
        if (s.pending) { // the node stops the tool when this actor goes
          msg::edit_result e;
          e.cancelled = true;
          e.description = "stopped";
          answer(self, std::move(e));
        }
        if (s.checker)
          self->send(s.checker, msg::cancel_atom_v);
      },
  };
}

class node_executor final : public executor {
public:
  explicit node_executor(node_executor_args a)
      : local_(std::move(a.local)), env_(a.env), repo_(std::move(a.repo)), pool_(std::move(a.pool)),
        session_(std::move(a.session)), table_(std::make_shared<slot_table>()) {
    table_->local_slots = a.local_slots;
    for (auto& n : a.nodes)
      table_->nodes.push_back(node_entry{std::move(n), 0, false, {}});
  }

  std::optional<std::string> runs_nothing() const override { return local_->runs_nothing(); }

  void record_to(msg::persistence_actor db, const std::string& run_id) override {
    local_->record_to(db, run_id);
    std::lock_guard<std::mutex> lock(table_->m);
    table_->db = std::move(db);
    table_->run_id = run_id;
  }

  expected<attempt_handle> start(caf::local_actor& parent, const attempt_ticket& t) override {
    int index = table_->take();
    auto lease = std::make_shared<slot_lease>(table_, index);
    if (index < 0) {
      auto h = local_->start(parent, t);
      if (!h)
        return h;
      h->release = [lease, inner = std::move(h->release)] {
        if (inner)
          inner();
        lease->release();
      };
      return h;
    }
    auto ws = std::make_shared<ledger::attempt_workspace>(*env_, pool_);
    attempt_handle h;
    {
      std::lock_guard<std::mutex> lock(table_->m);
      h.node = table_->nodes[index].node.hello.node_id;
    }
    h.release = [lease, early = ws->early_release()] {
      early();
      lease->release();
    };
    h.adapter = parent.spawn<caf::detached + caf::linked>(remote_adapter, table_, index, lease,
                                                          std::move(ws), env_, repo_, session_);
    return h;
  }

private:
  std::shared_ptr<executor> local_;
  engine::environment* env_;
  std::filesystem::path repo_;
  std::shared_ptr<ledger::worktree_pool> pool_;
  std::string session_;
  std::shared_ptr<slot_table> table_;
};

} // namespace

std::shared_ptr<executor> make_node_executor(node_executor_args args) {
  return std::make_shared<node_executor>(std::move(args));
}

} // namespace uet::actors
