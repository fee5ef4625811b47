// The state database (SPEC §3): one SQLite file in WAL mode. A database
// object is one connection; it is not thread-safe, so each thread or actor
// opens its own. Only the persistence actor opens one read-write
// (invariant 3); everything else reads through open_read_only(), which the
// connection itself enforces.
#pragma once

#include <SQLiteCpp/Database.h>
#include <exception>
#include <filesystem>
#include <string>

#include "base/expected.h"

namespace uet::persistence {

class database {
public:
  /// Opens or creates path (and its parent directory) with journal_mode=WAL,
  /// busy_timeout=5000, foreign_keys=ON, synchronous=NORMAL. Does not migrate.
  static expected<database> open_read_write(const std::filesystem::path& path);

  /// Opens an existing database for reading only: SQLITE_OPEN_READONLY plus
  /// PRAGMA query_only=1, so any write fails. Never creates a file; a missing
  /// file is a failure that says so.
  static expected<database> open_read_only(const std::filesystem::path& path);

  /// open_read_write() and migrate() to the latest version.
  static expected<database> open_and_migrate(const std::filesystem::path& path);

  SQLite::Database& sql() { return db_; }
  const std::filesystem::path& path() const { return path_; }
  bool read_only() const { return read_only_; }

  /// "state db <path>: <what>: <e.what()>" — how a SQLite exception becomes
  /// a value at this layer's edge.
  failure error(const std::string& what, const std::exception& e) const;

private:
  database(SQLite::Database db, std::filesystem::path path, bool read_only)
      : db_(std::move(db)), path_(std::move(path)), read_only_(read_only) {}

  SQLite::Database db_;
  std::filesystem::path path_;
  bool read_only_ = false;
};

} // namespace uet::persistence
