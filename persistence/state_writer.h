// The one writer of the state database (invariant 3): the persistence actor
// owns a state_writer over the only read-write connection and hands it
// batches. Not thread-safe; one per connection.
#pragma once

#include <memory>
#include <vector>

#include "base/expected.h"
#include "persistence/database.h"
#include "persistence/write_commands.h"

namespace uet::persistence {

class state_writer {
public:
  /// db must be migrated to the latest version and outlive the writer.
  explicit state_writer(database& db);
  ~state_writer();
  state_writer(const state_writer&) = delete;
  state_writer& operator=(const state_writer&) = delete;

  /// Writes the whole batch in one IMMEDIATE transaction, or nothing: on the
  /// first failing command the transaction is rolled back and the failure
  /// names the command (position, kind, key) and SQLite's message. Updates
  /// of a row that does not exist (unknown run, step attempt or patch) fail
  /// too. Statements are prepared once and reused.
  status write(const std::vector<write_command>& batch);

private:
  struct statements;
  void abandon_transaction() noexcept;

  database& db_;
  std::unique_ptr<statements> st_;
};

} // namespace uet::persistence
