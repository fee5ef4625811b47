#include "actors/persistence_actor.h"

#include <fstream>
#include <spdlog/spdlog.h>
#include <thread>

#include <caf/all.hpp>
#include <sqlite3.h>

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
  std::string error;             ///< the first command the database refused; sticky
  std::string outage;            ///< why pending rows are not written yet (busy, full...)
  bool unwritable = false;       ///< retries spent: the run was told to stop
  caf::strong_actor_ptr watcher; ///< told when the database stays unwritable
  static inline const char* name = "persistence";
};

using persistence_ptr = msg::persistence_actor::stateful_pointer<persistence_state>;

/// The longest wait between two tries of a refused batch: 50 ms doubled up
/// to this is ~12 s of tries in all.
constexpr std::chrono::milliseconds retry_limit{6400};

/// The SQLite code `--inject persistence:KIND` fails this commit with, or 0.
int injected_sqlite_code(engine::fault_injector& faults) {
  auto kind = faults.decide({engine::fault_site::persistence, "", "", 0, 0},
                            "a batch commit of the state database failed");
  if (!kind)
    return 0;
  switch (*kind) {
  case engine::fault_kind::busy:
    return SQLITE_BUSY;
  case engine::fault_kind::full:
    return SQLITE_FULL;
  default:
    return SQLITE_IOERR;
  }
}

void keep_error(persistence_state& st, const std::string& message) {
  spdlog::error("state db: {}", message);
  if (st.error.empty())
    st.error = message;
}

bool transient(const status& s) {
  return !s.ok() && (s.kind() == error_kind::busy || s.kind() == error_kind::io);
}

/// Writes a batch the database refused for a moment (busy, I/O error, disk
/// full) again, waiting 50 ms, 100 ms, ... (this actor has its own thread:
/// the wait blocks nobody else), for at most ~12 s in all. Nothing is
/// dropped: a batch given up stays pending, and later drains try it again.
status write_with_retries(persistence_state& st, const std::vector<persistence::write_command>& b,
                          status first) {
  auto delay = std::chrono::milliseconds(50);
  auto last = std::move(first);
  for (int tries = 1; transient(last) && delay <= retry_limit; ++tries, delay *= 2) {
    // Injected faults make the first tries routine: only a long outage warns.
    spdlog::log(tries < 3 ? spdlog::level::debug : spdlog::level::warn,
                "state db: {} (try {}; again in {} ms)", last.message(), tries, delay.count());
    std::this_thread::sleep_for(delay);
    last = st.writer->write(b);
  }
  return last;
}

/// Retries spent: the rows stay pending (each later drain tries them once)
/// and the run is told to stop, once.
void give_up(persistence_ptr self, const status& why) {
  auto& st = self->state;
  st.outage = "the state database could not be written for ~12 s (" + why.message() +
              "); the run stops, and `uet-actors resume " + st.setup.run_id +
              "` finishes it once the database can be written again";
  if (st.unwritable)
    return;
  st.unwritable = true;
  spdlog::error("{}", st.outage);
  if (st.watcher)
    self->send(caf::actor_cast<msg::scheduler_actor>(st.watcher), msg::stop_atom_v, st.outage);
}

void write_batch(persistence_ptr self) {
  auto& st = self->state;
  auto batch = std::move(st.pending);
  st.pending.clear();
  auto ok = st.writer->write(batch);
  if (!ok && transient(ok) && !st.unwritable)
    ok = write_with_retries(st, batch, std::move(ok));
  if (ok) {
    st.outage.clear(); // everything up to here is written
    return;
  }
  if (transient(ok)) {
    st.pending = std::move(batch); // nothing came meanwhile: this actor was busy here
    return give_up(self, ok);
  }
  // One bad command must not cost the others: write them one by one.
  spdlog::warn("state db batch of {} failed ({}); writing one by one", batch.size(), ok.message());
  for (auto& c : batch)
    if (auto one = st.writer->write({c}); !one)
      keep_error(st, one.message());
}

void write_pending(persistence_ptr self) {
  auto& st = self->state;
  st.drain_queued = false;
  if (!st.pending.empty())
    write_batch(self);
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
  if (auto faults = st.setup.faults; faults && faults->targets(engine::fault_site::persistence))
    st.writer->set_commit_gate([faults] { return injected_sqlite_code(*faults); });
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
      [=](msg::watch_atom) {
        auto& st = self->state;
        st.watcher = self->current_sender();
        if (st.unwritable) // given up before anyone watched
          self->send(caf::actor_cast<msg::scheduler_actor>(st.watcher), msg::stop_atom_v,
                     st.outage);
      },
      [=](msg::sync_atom) -> std::string {
        write_pending(self);
        const auto& st = self->state;
        return !st.error.empty() ? st.error : st.pending.empty() ? std::string() : st.outage;
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
