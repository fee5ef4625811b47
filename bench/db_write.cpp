// Benchmark: small run_events rows per second through persistence::state_writer
// at batch sizes 1, 100 and 1000, against the plain sqlite3 C API (one
// prepared INSERT, BEGIN/COMMIT around each batch) on the same schema, the
// same PRAGMAs and the same rows, in the same process. A third column, the C
// API into a bare table (rowid key without AUTOINCREMENT, no foreign key, no
// index: the table of the machine's baseline figures) shows what the
// schema itself costs. Prints each round on stderr and the medians as a markdown
// table on stdout. Usage: uet-bench-db-write [DIR] [ROUNDS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <sqlite3.h>
#include <string>
#include <vector>

#include "persistence/database.h"
#include "persistence/state_writer.h"

namespace fs = std::filesystem;
using namespace uet::persistence;
using clock_type = std::chrono::steady_clock;

namespace {

const char* const ts = "2026-11-22T10:15:30.123Z";
const char* const payload = R"({"attempt":1,"step":"edit","ms":12})";

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "uet-bench-db-write: %s\n", msg.c_str());
  std::exit(1);
}

// A fresh, migrated database with one run, closed again: every writer starts
// from the same file.
fs::path fresh_db(const fs::path& dir, const std::string& name) {
  auto path = dir / (name + ".db");
  for (const char* suffix : {"", "-wal", "-shm"})
    fs::remove(path.string() + suffix);
  auto db = database::open_and_migrate(path);
  if (!db)
    die(db.message());
  state_writer w(*db);
  if (auto s = w.write({run_started{"run-1", "bench", "phase-all", "uet", 4, ts, "{}"}}); !s)
    die(s.message());
  return path;
}

double uet_writer(const fs::path& dir, long rows, int batch) {
  auto db = database::open_read_write(fresh_db(dir, "uet"));
  if (!db)
    die(db.message());
  state_writer w(*db);
  std::vector<write_command> cmds(batch,
                                  event_appended{"run-1", "ws-1", "step_finished", ts, payload});
  auto start = clock_type::now();
  for (long done = 0; done < rows; done += batch)
    if (auto s = w.write(cmds); !s)
      die(s.message());
  return rows / std::chrono::duration<double>(clock_type::now() - start).count();
}

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    die(std::string(what) + ": " + sqlite3_errmsg(db));
}

sqlite3_stmt* prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* s = nullptr;
  check(sqlite3_prepare_v2(db, sql, -1, &s, nullptr), db, sql);
  return s;
}

void step(sqlite3* db, sqlite3_stmt* s) {
  check(sqlite3_step(s), db, sqlite3_sql(s));
  sqlite3_reset(s);
}

// The peer: what a hand-written C writer does, with the same PRAGMAs as
// database::open_read_write().
double c_api(const fs::path& dir, long rows, int batch, bool bare) {
  auto path = fresh_db(dir, bare ? "bare" : "capi");
  sqlite3* db = nullptr;
  check(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), db, "open");
  check(sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;"
                     " PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON",
                     nullptr, nullptr, nullptr),
        db, "pragmas");
  const char* table = "run_events";
  if (bare) {
    check(sqlite3_exec(db,
                       "CREATE TABLE bare_events (id INTEGER PRIMARY KEY, run_id TEXT"
                       " NOT NULL, workstream_id TEXT, event_type TEXT NOT NULL, timestamp TEXT"
                       " NOT NULL, payload TEXT)",
                       nullptr, nullptr, nullptr),
          db, "create");
    table = "bare_events";
  }
  auto* begin = prepare(db, "BEGIN IMMEDIATE");
  auto* commit = prepare(db, "COMMIT");
  std::string sql = std::string("INSERT INTO ") + table +
                    " (run_id, workstream_id, event_type, timestamp, payload)"
                    " VALUES (?1, ?2, ?3, ?4, ?5)";
  auto* insert = prepare(db, sql.c_str());
  auto start = clock_type::now();
  for (long done = 0; done < rows; done += batch) {
    step(db, begin);
    for (int i = 0; i < batch; ++i) {
      sqlite3_bind_text(insert, 1, "run-1", -1, SQLITE_STATIC);
      sqlite3_bind_text(insert, 2, "ws-1", -1, SQLITE_STATIC);
      sqlite3_bind_text(insert, 3, "step_finished", -1, SQLITE_STATIC);
      sqlite3_bind_text(insert, 4, ts, -1, SQLITE_STATIC);
      sqlite3_bind_text(insert, 5, payload, -1, SQLITE_STATIC);
      step(db, insert);
    }
    step(db, commit);
  }
  double rate = rows / std::chrono::duration<double>(clock_type::now() - start).count();
  for (auto* s : {begin, commit, insert})
    sqlite3_finalize(s);
  sqlite3_close(db);
  return rate;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

} // namespace

int main(int argc, char** argv) {
  fs::path dir = argc > 1 ? argv[1] : "bench/out/db-write";
  int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  fs::create_directories(dir);
  struct config {
    int batch;
    long rows;
  };
  // Sized so each measurement takes ~0.3-1 s here.
  const config configs[] = {{1, 20000}, {100, 200000}, {1000, 500000}};
  std::vector<std::string> summary;
  for (const auto& c : configs) {
    std::vector<double> uet, peer, bare;
    // Interleaved, so drift on a noisy machine hits every writer alike.
    for (int r = 1; r <= rounds; ++r) {
      uet.push_back(uet_writer(dir, c.rows, c.batch));
      peer.push_back(c_api(dir, c.rows, c.batch, false));
      bare.push_back(c_api(dir, c.rows, c.batch, true));
      std::fprintf(stderr, "batch %d round %d: state_writer %.0f, C API %.0f, bare %.0f rows/s\n",
                   c.batch, r, uet.back(), peer.back(), bare.back());
    }
    char line[200];
    double u = median(uet), p = median(peer), b = median(bare);
    std::snprintf(line, sizeof line, "| %d | %.0f | %.0f | %.2fx | %.0f |", c.batch, u, p, u / p,
                  b);
    summary.push_back(line);
  }
  std::printf("median of %d rounds, rows/s\n", rounds);
  std::printf("| batch | state_writer rows/s | C API rows/s (same schema) | ratio | C API, bare "
              "table |\n|---|---|---|---|---|\n");
  for (const auto& l : summary)
    std::printf("%s\n", l.c_str());
  fs::remove_all(dir);
  return 0;
}
