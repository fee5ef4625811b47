#include "persistence/database.h"

#include <SQLiteCpp/Exception.h>
#include <system_error>

#include "persistence/migrations.h"

namespace uet::persistence {

namespace fs = std::filesystem;

namespace {

constexpr int busy_timeout_ms = 5000;

// Opening is lazy in SQLite: a file that is not a database fails only at
// the first read. Read now so open_* reports it, naming the file.
void touch_schema(SQLite::Database& db) {
  db.execAndGet("SELECT count(*) FROM sqlite_master");
}

} // namespace

failure database::error(const std::string& what, const std::exception& e) const {
  return fail(error_kind::io, "state db " + path_.string() + ": " + what + ": " + e.what());
}

expected<database> database::open_read_write(const fs::path& path) {
  std::error_code ec;
  if (path.has_parent_path())
    fs::create_directories(path.parent_path(), ec);
  if (ec)
    return fail(error_kind::io, "state db " + path.string() + ": cannot create directory " +
                                    path.parent_path().string() + ": " + ec.message());
  const char* step = "opening";
  try {
    database d(SQLite::Database(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                                busy_timeout_ms),
               path, false);
    auto& db = d.sql();
    step = "reading the schema";
    touch_schema(db);
    // WAL lets the CLI and resume read while the single writer writes;
    // NORMAL syncs at checkpoints only: a power cut may lose the last
    // transactions, never consistency (fsync costs ~150 µs here).
    step = "PRAGMA journal_mode=WAL";
    auto mode = db.execAndGet("PRAGMA journal_mode=WAL").getString();
    if (mode != "wal")
      return fail(error_kind::io, "state db " + path.string() + ": journal_mode is '" + mode +
                                      "', not 'wal' (a file system without shared memory?)");
    step = "PRAGMA synchronous/foreign_keys";
    db.exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON");
    return expected<database>(std::move(d));
  } catch (const SQLite::Exception& e) {
    return fail(error_kind::io, "state db " + path.string() + ": " + step + ": " + e.what());
  }
}

expected<database> database::open_read_only(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec))
    return fail(
        error_kind::io,
        "state db " + path.string() +
            ": no such file (nothing has run in this project yet, or state_db in uet.yaml / "
            "PIPELINE_DB_PATH names another file)");
  const char* step = "opening read-only";
  try {
    database d(SQLite::Database(path.string(), SQLite::OPEN_READONLY, busy_timeout_ms), path, true);
    // OPEN_READONLY already refuses writes to the file; query_only also
    // refuses them on temp tables and ATTACHed files, so no statement run
    // on a reader changes anything anywhere.
    step = "PRAGMA query_only";
    d.sql().exec("PRAGMA query_only=1");
    step = "reading the schema";
    touch_schema(d.sql());
    return expected<database>(std::move(d));
  } catch (const SQLite::Exception& e) {
    return fail(error_kind::io, "state db " + path.string() + ": " + step + ": " + e.what());
  }
}

expected<database> database::open_and_migrate(const fs::path& path) {
  auto d = open_read_write(path);
  if (!d)
    return d;
  if (auto m = migrate(*d); !m)
    return m.error();
  return d;
}

} // namespace uet::persistence
