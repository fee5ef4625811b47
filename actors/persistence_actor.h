// The persistence actor: the only read-write connection to the state
// database (invariant 3). It runs detached (SQLite blocks), turns every
// record it receives into rows (actors/record_rows.h), appends them to a
// batch and commits the batch when its mailbox has been drained, so a burst
// of N records costs one transaction, not N. Events are also appended to
// .uet/telemetry.jsonl and copied to an observer (the command line's
// progress printer). A write the database refuses is kept as the run's
// error (the first one; LevelDB's bg_error_): every sync answers it, so the
// run ends saying its record is incomplete.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "base/file_lock.h"
#include "engine/environment.h"
#include "engine/fault_plan.h"
#include "messages/interfaces.h"
#include "persistence/database.h"
#include "persistence/write_commands.h"

namespace uet::actors {

struct persistence_setup {
  std::shared_ptr<persistence::database> db; ///< migrated, read-write
  std::shared_ptr<file_lock> writer_lock;    ///< held while the actor lives
  std::filesystem::path telemetry_file;      ///< empty: none
  msg::reporter_actor observer;              ///< receives each event; may be null
  /// Rows written as the actor's first transaction, before any message
  /// (the start of a run: its row, repairs `resume` found).
  std::vector<persistence::write_command> first_batch;
  std::string run_id; ///< for messages ("resume <run_id>")
  /// `--inject persistence:*`: decides which batch commits fail; may be null.
  std::shared_ptr<engine::fault_injector> faults;
};

/// Takes <db>.writer.lock (so a second writer, in this process or another,
/// fails at once, kind busy) and the database, migrated.
expected<persistence_setup> prepare_persistence(engine::environment& env,
                                                const std::filesystem::path& db_path,
                                                const std::string& holder);

msg::persistence_actor spawn_persistence(caf::actor_system& sys, persistence_setup setup);

} // namespace uet::actors
