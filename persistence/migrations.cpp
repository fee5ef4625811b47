#include "persistence/migrations.h"

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Transaction.h>
#include <cstdio>

namespace uet::persistence {

namespace {

int read_version(SQLite::Database& db) {
  if (!db.tableExists("schema_migrations"))
    return 0;
  return db.execAndGet("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").getInt();
}

// Runs one migration file in one IMMEDIATE transaction. The version is read
// again under the write lock: another process may have moved it since, and
// then this step is already done (or no longer applies).
status run_file(database& db, const migration& m, bool up) {
  std::string file = m.file_stem() + (up ? ".up.sql" : ".down.sql");
  int before = up ? m.version - 1 : m.version;
  int after = up ? m.version : m.version - 1;
  try {
    SQLite::Transaction t(db.sql(), SQLite::TransactionBehavior::IMMEDIATE);
    int now = read_version(db.sql());
    if (now == after)
      return {};
    if (now != before)
      return fail(error_kind::io, "state db " + db.path().string() + ": " + file +
                                      ": expected schema version " + std::to_string(before) +
                                      ", found " + std::to_string(now));
    db.sql().exec(up ? m.up : m.down);
    if (int v = read_version(db.sql()); v != after)
      return fail(error_kind::io,
                  "state db " + db.path().string() + ": " + file + " left schema version " +
                      std::to_string(v) + " instead of " + std::to_string(after) +
                      " (each file must insert/delete its own schema_migrations row)");
    t.commit();
    return {};
  } catch (const SQLite::Exception& e) {
    return db.error(file, e);
  }
}

} // namespace

std::string migration::file_stem() const {
  char num[16];
  std::snprintf(num, sizeof num, "%04d", version);
  return std::string(num) + "_" + name;
}

const std::vector<migration>& known_migrations() {
  static const std::vector<migration> all = [] {
    std::vector<migration> v;
    for (std::size_t i = 0; i < detail::embedded_migration_count; ++i) {
      const auto& e = detail::embedded_migrations[i];
      v.push_back(migration{e.version, e.name, e.up, e.down});
    }
    return v;
  }();
  return all;
}

int latest_version() {
  return known_migrations().empty() ? 0 : known_migrations().back().version;
}

expected<int> current_version(database& db) {
  try {
    return read_version(db.sql());
  } catch (const SQLite::Exception& e) {
    return db.error("reading schema_migrations", e);
  }
}

expected<version_change> migrate(database& db, std::optional<int> target) {
  const int latest = latest_version();
  const int to = target.value_or(latest);
  auto from = current_version(db);
  if (!from)
    return from.error();
  const std::string where = "state db " + db.path().string() + ": ";
  if (*from > latest)
    return fail(where + "schema version " + std::to_string(*from) +
                " is newer than this uet-actors knows (" + std::to_string(latest) +
                "); use a newer uet-actors");
  if (to < 0 || to > latest)
    return fail(where + "no schema version " + std::to_string(to) + " (known: 0.." +
                std::to_string(latest) + ")");
  if (to < *from)
    return fail(where + "schema version " + std::to_string(*from) + " is past " +
                std::to_string(to) + "; 'db rollback' goes back one version at a time");
  for (const auto& m : known_migrations()) {
    if (m.version <= *from || m.version > to)
      continue;
    if (auto s = run_file(db, m, true); !s)
      return s.error();
  }
  return version_change{*from, to};
}

expected<version_change> rollback(database& db) {
  auto from = current_version(db);
  if (!from)
    return from.error();
  if (*from == 0)
    return version_change{0, 0};
  if (*from > latest_version())
    return fail(error_kind::io,
                "state db " + db.path().string() + ": schema version " + std::to_string(*from) +
                    " is newer than this uet-actors knows (" + std::to_string(latest_version()) +
                    "); roll it back with the uet-actors that created it");
  if (auto s = run_file(db, known_migrations()[*from - 1], false); !s)
    return s.error();
  return version_change{*from, *from - 1};
}

} // namespace uet::persistence
