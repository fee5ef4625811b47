// The persistence actor: the only read-write connection to the state
// database (invariant 3). It runs detached (SQLite blocks), appends every
// write command it receives to a batch and commits the batch when its mailbox
// has been drained, so a burst of N commands costs one transaction, not N.
// Events are also appended to .uet/telemetry.jsonl and copied to an
// observer (the command line's progress printer).
#pragma once

#include <filesystem>
#include <memory>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "base/file_lock.h"
#include "messages/interfaces.h"
#include "persistence/database.h"

namespace uet::actors {

struct persistence_setup {
  std::shared_ptr<persistence::database> db; ///< migrated, read-write
  std::shared_ptr<file_lock> writer_lock;    ///< held while the actor lives
  std::filesystem::path telemetry_file;      ///< empty: none
  msg::reporter_actor observer;              ///< receives each event_appended; may be null
};

/// Takes <db>.writer.lock (so a second writer, in this process or another,
/// fails at once) and the database; then spawns the actor.
expected<persistence_setup> prepare_persistence(const std::filesystem::path& db_path,
                                                const std::string& holder);

msg::persistence_actor spawn_persistence(caf::actor_system& sys, persistence_setup setup);

} // namespace uet::actors
