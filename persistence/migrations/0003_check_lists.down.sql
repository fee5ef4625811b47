-- Rollback of 0003: the same rebuild (through temporary tables) back to the
-- IN lists, with the table and index text of 0001 and 0002 (so the schema
-- equals a fresh version 2). Every row stays.
DELETE FROM schema_migrations WHERE version = 3;

CREATE TEMP TABLE workstreams_0003 AS SELECT * FROM workstreams;
DROP TABLE workstreams;
CREATE TABLE workstreams (
  run_id        TEXT NOT NULL REFERENCES uet_runs (run_id),
  workstream_id TEXT NOT NULL,
  state         TEXT NOT NULL
                CHECK (state IN ('pending', 'ready', 'running', 'committed', 'quarantined',
                                 'blocked', 'skipped')),
  attempts      INTEGER NOT NULL DEFAULT 0,
  started_at    TEXT,
  finished_at   TEXT,
  reason        TEXT, -- why it is quarantined, blocked or skipped
  updated_at    TEXT NOT NULL,
  PRIMARY KEY (run_id, workstream_id)
);
INSERT INTO workstreams (run_id, workstream_id, state, attempts, started_at, finished_at, reason,
                         updated_at)
SELECT run_id, workstream_id, state, attempts, started_at, finished_at, reason, updated_at
FROM workstreams_0003;
DROP TABLE temp.workstreams_0003;

CREATE TEMP TABLE step_attempts_0003 AS SELECT * FROM step_attempts;
DROP TABLE step_attempts;
CREATE TABLE step_attempts (
  step_attempt_id TEXT PRIMARY KEY,
  run_id          TEXT NOT NULL REFERENCES uet_runs (run_id),
  workstream_id   TEXT NOT NULL,
  step            TEXT NOT NULL CHECK (step IN ('edit', 'static', 'runtime')),
  attempt         INTEGER NOT NULL,
  state           TEXT NOT NULL,
  exit_code       INTEGER,
  started_at      TEXT NOT NULL,
  finished_at     TEXT,
  log_path        TEXT,
  error           TEXT
);
INSERT INTO step_attempts (step_attempt_id, run_id, workstream_id, step, attempt, state, exit_code,
                           started_at, finished_at, log_path, error)
SELECT step_attempt_id, run_id, workstream_id, step, attempt, state, exit_code, started_at,
       finished_at, log_path, error
FROM step_attempts_0003;
DROP TABLE temp.step_attempts_0003;

CREATE TEMP TABLE patch_ledger_0003 AS SELECT * FROM patch_ledger;
DROP TABLE patch_ledger;
CREATE TABLE patch_ledger (
  patch_id      TEXT PRIMARY KEY,
  run_id        TEXT NOT NULL REFERENCES uet_runs (run_id),
  workstream_id TEXT NOT NULL,
  attempt       INTEGER NOT NULL DEFAULT 1,
  content       TEXT NOT NULL, -- the unified diff
  status        TEXT NOT NULL
                CHECK (status IN ('created', 'validated', 'queued', 'applied', 'verified',
                                  'committed', 'quarantined')),
  created_at    TEXT NOT NULL,
  applied_at    TEXT,
  verified_at   TEXT,
  committed_at  TEXT,
  commit_sha    TEXT,
  error_message TEXT
);
INSERT INTO patch_ledger (patch_id, run_id, workstream_id, attempt, content, status, created_at,
                          applied_at, verified_at, committed_at, commit_sha, error_message)
SELECT patch_id, run_id, workstream_id, attempt, content, status, created_at, applied_at,
       verified_at, committed_at, commit_sha, error_message
FROM patch_ledger_0003;
DROP TABLE temp.patch_ledger_0003;

CREATE INDEX patch_ledger_by_status ON patch_ledger (status);
CREATE INDEX patch_ledger_by_workstream ON patch_ledger (run_id, workstream_id);
CREATE INDEX step_attempts_by_workstream ON step_attempts (run_id, workstream_id);
