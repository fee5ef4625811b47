#include "persistence/rollback_record.h"

#include <SQLiteCpp/SQLiteCpp.h>

namespace uet::persistence {

expected<std::vector<rolled_back_patch>> record_rollback(database& db, const std::string& run_id,
                                                         const std::set<std::string>& live,
                                                         const std::string& detail) {
  try {
    SQLite::Transaction tx(db.sql());
    SQLite::Statement q(db.sql(), "SELECT p.patch_id, p.run_id, p.workstream_id FROM patch_ledger p"
                                  " JOIN uet_runs r ON r.run_id = p.run_id"
                                  " WHERE p.status = 'committed' AND r.started_at >="
                                  " (SELECT started_at FROM uet_runs WHERE run_id = ?1)"
                                  " ORDER BY r.started_at, p.patch_id");
    q.bind(1, run_id);
    std::vector<rolled_back_patch> moved;
    while (q.executeStep()) {
      auto id = q.getColumn(0).getString();
      if (!live.count(id))
        moved.push_back({id, q.getColumn(1).getString(), q.getColumn(2).getString()});
    }
    if (moved.empty())
      return moved;
    SQLite::Statement set(db.sql(),
                          "UPDATE patch_ledger SET status = 'rolled_back' WHERE patch_id = ?1");
    for (const auto& p : moved) {
      set.bind(1, p.patch_id);
      set.exec();
      set.reset();
    }
    SQLite::Statement ev(db.sql(),
                         "INSERT INTO run_events (run_id, workstream_id, event_type, timestamp,"
                         " payload) VALUES (?1, NULL, 'run_rolled_back',"
                         " strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?2)");
    ev.bind(1, run_id);
    ev.bind(2, detail);
    ev.exec();
    tx.commit();
    return moved;
  } catch (const std::exception& e) {
    return db.error("recording the rollback of run '" + run_id + "'", e);
  }
}

} // namespace uet::persistence
