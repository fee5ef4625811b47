#include "actors/persistence_actor.h"

#include <fstream>
#include <spdlog/spdlog.h>

#include <caf/all.hpp>

#include "actors/record_rows.h"
#include "persistence/state_writer.h"
#include "persistence/telemetry_line.h"

namespace uet::actors {

namespace {

struct persistence_state {
  persistence_setup setup;
  std::unique_ptr<persistence::state_writer> writer;
  std::vector<persistence::write_command> pending;
  std::string telemetry; ///< lines not yet appended
  bool drain_queued = false;
  std::string error; ///< the first write the database refused; sticky
  static inline const char* name = "persistence";
};

using persistence_ptr = msg::persistence_actor::stateful_pointer<persistence_state>;

void keep_error(persistence_state& st, const std::string& message) {
  spdlog::error("state db: {}", message);
  if (st.error.empty())
    st.error = message;
}

void write_pending(persistence_ptr self) {
  auto& st = self->state;
  st.drain_queued = false;
  if (!st.pending.empty()) {
    auto batch = std::move(st.pending);
    st.pending.clear();
    if (auto ok = st.writer->write(batch); !ok) {
      // One bad command must not cost the others: write them one by one.
      spdlog::warn("state db batch of {} failed ({}); writing one by one", batch.size(),
                   ok.message());
      for (auto& c : batch)
        if (auto one = st.writer->write({c}); !one)
          keep_error(st, one.message());
    }
  }
  if (!st.telemetry.empty() && !st.setup.telemetry_file.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(st.setup.telemetry_file.parent_path(), ec);
    std::ofstream out(st.setup.telemetry_file, std::ios::app | std::ios::binary);
    out << st.telemetry;
    if (!out)
      keep_error(st, "cannot append to " + st.setup.telemetry_file.string());
    st.telemetry.clear();
  }
}

void queue_drain(persistence_ptr self) {
  if (!self->state.drain_queued) {
    // The drain message queues behind everything already in the mailbox, so
    // one transaction takes all of it.
    self->state.drain_queued = true;
    self->send(self, msg::drain_atom_v);
  }
}

template <class Row>
void enqueue(persistence_ptr self, Row&& row) {
  self->state.pending.emplace_back(std::forward<Row>(row));
  queue_drain(self);
}

void on_event(persistence_ptr self, msg::event& e) {
  auto row = to_row(e);
  auto line = persistence::telemetry_line(row);
  self->state.telemetry += line;
  self->state.telemetry += '\n';
  if (self->state.setup.observer)
    self->send(self->state.setup.observer, std::move(e), std::move(line));
  enqueue(self, std::move(row));
}

msg::persistence_actor::behavior_type persistence_behavior(persistence_ptr self,
                                                           persistence_setup setup) {
  auto& st = self->state;
  st.setup = std::move(setup);
  st.writer = std::make_unique<persistence::state_writer>(*st.setup.db);
  st.pending = std::move(st.setup.first_batch);
  if (!st.pending.empty())
    queue_drain(self);
  // No write on exit: the state may already be gone then. Whoever stops
  // the run sends sync_atom first and waits for the reply.
  return {
      [=](msg::run_opened& m) { enqueue(self, to_row(m)); },
      [=](msg::run_state_set& m) { enqueue(self, to_row(m)); },
      [=](msg::ws_state_set& m) { enqueue(self, to_row(std::move(m))); },
      [=](msg::ws_states_set& b) {
        auto& pending = self->state.pending;
        pending.reserve(pending.size() + b.changes.size());
        for (auto& c : b.changes)
          pending.emplace_back(to_row(std::move(c)));
        queue_drain(self);
      },
      [=](msg::step_begun& m) { enqueue(self, to_row(m)); },
      [=](msg::step_ended& m) { enqueue(self, to_row(m)); },
      [=](msg::event& e) { on_event(self, e); },
      [=](msg::patch_created& m) { enqueue(self, to_row(std::move(m))); },
      [=](msg::patch_state_set& m) { enqueue(self, to_row(std::move(m))); },
      [=](msg::drain_atom) { write_pending(self); },
      [=](msg::sync_atom) -> std::string {
        write_pending(self);
        return self->state.error;
      },
  };
}

} // namespace

expected<persistence_setup> prepare_persistence(engine::environment& env,
                                                const std::filesystem::path& db_path,
                                                const std::string& holder) {
  auto lock = env.lock_file(db_path.string() + ".writer.lock", holder);
  if (!lock)
    return lock.error().context("the state database has another writer: ");
  auto db = persistence::database::open_and_migrate(db_path);
  if (!db)
    return db.error();
  persistence_setup s;
  s.db = std::make_shared<persistence::database>(std::move(*db));
  s.writer_lock = std::move(*lock);
  return s;
}

msg::persistence_actor spawn_persistence(caf::actor_system& sys, persistence_setup setup) {
  return sys.spawn<caf::detached>(persistence_behavior, std::move(setup));
}

} // namespace uet::actors
