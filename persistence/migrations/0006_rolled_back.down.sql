-- 0006 rolled_back, undone: patch_ledger as 0005 left it. 0005's schema has
-- no 'rolled_back'; such a patch is not on the branch, which 'quarantined'
-- says too, so it becomes that, with "rolled back" put before its error
-- message; every other row is copied as it is.

CREATE TEMP TABLE patch_ledger_0006 AS SELECT * FROM patch_ledger;
DROP TABLE patch_ledger;
CREATE TABLE patch_ledger (
  patch_id      TEXT PRIMARY KEY,
  run_id        TEXT NOT NULL REFERENCES uet_runs (run_id),
  workstream_id TEXT NOT NULL,
  attempt       INTEGER NOT NULL DEFAULT 1,
  content       TEXT NOT NULL, -- the unified diff
  status        TEXT NOT NULL
                CHECK (status = 'created' OR status = 'validated' OR status = 'queued'
                       OR status = 'applied' OR status = 'verified' OR status = 'committed'
                       OR status = 'quarantined'),
  created_at    TEXT NOT NULL,
  applied_at    TEXT,
  verified_at   TEXT,
  committed_at  TEXT,
  commit_sha    TEXT,
  error_message TEXT
);
-- As 0003 made it, then 0004 and 0005 added to it: the same statements, so
-- the schema text is the one a database that never had 0006 holds.
ALTER TABLE patch_ledger ADD COLUMN verified_by TEXT;
ALTER TABLE patch_ledger ADD COLUMN verified_tree TEXT;
ALTER TABLE patch_ledger ADD COLUMN content_file TEXT;
ALTER TABLE patch_ledger ADD COLUMN content_hash TEXT;
INSERT INTO patch_ledger (patch_id, run_id, workstream_id, attempt, content, status, created_at,
                          applied_at, verified_at, committed_at, commit_sha, error_message,
                          verified_by, verified_tree, content_file, content_hash)
SELECT patch_id, run_id, workstream_id, attempt, content,
       CASE status WHEN 'rolled_back' THEN 'quarantined' ELSE status END, created_at, applied_at,
       verified_at, committed_at, commit_sha,
       CASE status WHEN 'rolled_back' THEN 'rolled back' || coalesce(': ' || error_message, '')
                   ELSE error_message END,
       verified_by, verified_tree, content_file, content_hash
FROM patch_ledger_0006;
DROP TABLE temp.patch_ledger_0006;

CREATE INDEX patch_ledger_by_status ON patch_ledger (status);
CREATE INDEX patch_ledger_by_workstream ON patch_ledger (run_id, workstream_id);

DELETE FROM schema_migrations WHERE version = 6;
