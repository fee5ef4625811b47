#include "actors/persistence_actor.h"

#include <fstream>
#include <spdlog/spdlog.h>

#include <caf/all.hpp>

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
  std::string last_error; ///< reported to the next sync
  static inline const char* name = "persistence";
};

using persistence_ptr = msg::persistence_actor::stateful_pointer<persistence_state>;

void write_pending(persistence_ptr self) {
  auto& st = self->state;
  st.drain_queued = false;
  if (!st.pending.empty()) {
    auto batch = std::move(st.pending);
    st.pending.clear();
    if (auto ok = st.writer->write(batch); !ok) {
      // One bad command must not cost the others: write them one by one and
      // keep the failures for the next sync.
      spdlog::warn("state db batch of {} failed ({}); writing one by one", batch.size(),
                   ok.message());
      for (auto& c : batch)
        if (auto one = st.writer->write({c}); !one) {
          spdlog::error("state db: {}", one.message());
          st.last_error = one.message();
        }
    }
  }
  if (!st.telemetry.empty() && !st.setup.telemetry_file.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(st.setup.telemetry_file.parent_path(), ec);
    std::ofstream out(st.setup.telemetry_file, std::ios::app | std::ios::binary);
    out << st.telemetry;
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

template <class Command>
void enqueue(persistence_ptr self, Command&& c) {
  self->state.pending.emplace_back(std::forward<Command>(c));
  queue_drain(self);
}

msg::persistence_actor::behavior_type persistence_behavior(persistence_ptr self,
                                                           persistence_setup setup) {
  self->state.setup = std::move(setup);
  self->state.writer = std::make_unique<persistence::state_writer>(*self->state.setup.db);
  // No write on exit: the state may already be gone then. Whoever stops
  // the run sends sync_atom first and waits for the reply.
  return {
      [=](persistence::run_started& c) { enqueue(self, std::move(c)); },
      [=](persistence::run_state_changed& c) { enqueue(self, std::move(c)); },
      [=](persistence::workstream_state_changed& c) { enqueue(self, std::move(c)); },
      [=](msg::workstream_states& b) {
        auto& pending = self->state.pending;
        pending.reserve(pending.size() + b.changes.size());
        for (auto& c : b.changes)
          pending.emplace_back(std::move(c));
        queue_drain(self);
      },
      [=](persistence::step_started& c) { enqueue(self, std::move(c)); },
      [=](persistence::step_finished& c) { enqueue(self, std::move(c)); },
      [=](persistence::event_appended& c) {
        self->state.telemetry += persistence::telemetry_line(c);
        self->state.telemetry += '\n';
        if (self->state.setup.observer)
          self->send(self->state.setup.observer, c);
        enqueue(self, std::move(c));
      },
      [=](persistence::patch_recorded& c) { enqueue(self, std::move(c)); },
      [=](persistence::patch_status_changed& c) { enqueue(self, std::move(c)); },
      [=](msg::drain_atom) { write_pending(self); },
      [=](msg::sync_atom) -> std::string {
        write_pending(self);
        return std::exchange(self->state.last_error, std::string());
      },
  };
}

} // namespace

expected<persistence_setup> prepare_persistence(const std::filesystem::path& db_path,
                                                const std::string& holder) {
  auto lock = file_lock::acquire(db_path.string() + ".writer.lock", holder);
  if (!lock)
    return fail("the state database has another writer: " + lock.message());
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
