-- 0006 rolled_back: `uet-actors rollback RUN_ID` takes a run's commits off
-- the integration branch; its committed patches move to 'rolled_back' (on
-- the branch no more, or undone by a later rollback commit), and their
-- workstreams may run again. SQLite cannot alter a CHECK: patch_ledger is
-- rebuilt as 0003 did (no table references it; its rows are copied out and
-- back inside this migration's transaction), with 0004's and 0005's
-- columns, and its indexes made again.

CREATE TEMP TABLE patch_ledger_0005 AS SELECT * FROM patch_ledger;
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
                       OR status = 'quarantined' OR status = 'rolled_back'),
  created_at    TEXT NOT NULL,
  applied_at    TEXT,
  verified_at   TEXT,
  committed_at  TEXT,
  commit_sha    TEXT,
  error_message TEXT,
  verified_by   TEXT,
  verified_tree TEXT,
  content_file  TEXT,
  content_hash  TEXT
);
INSERT INTO patch_ledger (patch_id, run_id, workstream_id, attempt, content, status, created_at,
                          applied_at, verified_at, committed_at, commit_sha, error_message,
                          verified_by, verified_tree, content_file, content_hash)
SELECT patch_id, run_id, workstream_id, attempt, content, status, created_at, applied_at,
       verified_at, committed_at, commit_sha, error_message, verified_by, verified_tree,
       content_file, content_hash
FROM patch_ledger_0005;
DROP TABLE temp.patch_ledger_0005;

CREATE INDEX patch_ledger_by_status ON patch_ledger (status);
CREATE INDEX patch_ledger_by_workstream ON patch_ledger (run_id, workstream_id);

INSERT INTO schema_migrations (version, applied_at)
VALUES (6, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
