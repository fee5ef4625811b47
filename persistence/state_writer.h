// The one writer of the state database (invariant 3): the persistence actor
// owns a state_writer over the only read-write connection and hands it
// batches. Not thread-safe; one per connection.
#pragma once

#include <functional>
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
  ///
  /// The failure's kind says whether writing the same batch again may work:
  /// busy (SQLITE_BUSY, SQLITE_LOCKED) and io (SQLITE_IOERR, SQLITE_FULL,
  /// ...) are the database's state; internal is a command the schema
  /// refuses, which fails again.
  status write(const std::vector<write_command>& batch);

  /// Asked before each COMMIT: a SQLite result code to fail it with, as if
  /// SQLite had (the transaction is rolled back), or 0. The fault injector
  /// of `--inject persistence:*`; empty by default.
  void set_commit_gate(std::function<int()> gate) { gate_ = std::move(gate); }

private:
  struct statements;
  void abandon_transaction() noexcept;

  database& db_;
  std::unique_ptr<statements> st_;
  std::function<int()> gate_;
};

} // namespace uet::persistence
