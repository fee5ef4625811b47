// Schema migrations: persistence/migrations/NNNN_name.{up,down}.sql, embedded
// in the binary at build time (embed.cmake). Each file records itself in
// schema_migrations, so running it in the sqlite3 shell leaves the same
// database as the binary does; the runner wraps each file in one IMMEDIATE
// transaction, so a failed migration leaves the previous version intact.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "base/expected.h"
#include "persistence/database.h"

namespace uet::persistence {

struct migration {
  int version = 0;
  std::string name; ///< "initial": the file is NNNN_name.up.sql
  std::string up;   ///< SQL, including its schema_migrations insert
  std::string down; ///< SQL, including its schema_migrations delete

  /// "0002_indexes"
  std::string file_stem() const;
};

/// Every migration this binary knows, versions 1..N in order.
const std::vector<migration>& known_migrations();
int latest_version();

/// MAX(version) in schema_migrations; 0 for a database without that table.
expected<int> current_version(database& db);

struct version_change {
  int from = 0;
  int to = 0;
};

/// Applies the migrations after the current version up to target (default:
/// the latest), one transaction each. Fails, changing nothing further, when
/// the database is newer than this binary or target is behind it.
expected<version_change> migrate(database& db, std::optional<int> target = std::nullopt);

/// Undoes the newest applied migration (one step); at version 0 does nothing.
expected<version_change> rollback(database& db);

namespace detail {
struct embedded_migration {
  int version;
  const char* name;
  const char* up;
  const char* down;
};
extern const embedded_migration embedded_migrations[];
extern const std::size_t embedded_migration_count;
} // namespace detail

} // namespace uet::persistence
