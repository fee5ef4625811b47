-- 0003 check lists: the CHECK constraints of workstreams, step_attempts and
-- patch_ledger as `x = 'a' OR x = 'b' ...` instead of `x IN ('a', 'b', ...)`.
-- Same constraint (x is NOT NULL TEXT with BINARY collation, so both forms
-- accept exactly the same values), but SQLite 3.40 compiles an IN list of
-- three or more constants into an ephemeral b-tree that it builds and frees
-- on every execution of every INSERT/UPDATE of the table; an OR chain is a
-- few comparisons. The workstreams upsert runs three times per workstream.
--
-- SQLite cannot alter a CHECK, so each table is rebuilt: its rows copied to a
-- temporary table, the table dropped (its 0002 indexes with it) and created
-- again under its name, the rows copied back, the indexes created again.
-- (Not ALTER TABLE ... RENAME: that re-parses and reloads the whole schema,
-- ~2 ms of the 3 a fresh database's migrations take, at every run start.)
-- None of these tables is a foreign-key parent, so the rebuild is safe with
-- foreign_keys=ON inside the migration's transaction (the copy back
-- re-checks each row's uet_runs reference). uet_runs keeps its IN
-- list: rebuilding a parent needs foreign_keys=OFF, which cannot change inside
-- a transaction, and its row is written twice per run, not per workstream.

CREATE TEMP TABLE workstreams_0002 AS SELECT * FROM workstreams;
DROP TABLE workstreams;
CREATE TABLE workstreams (
  run_id        TEXT NOT NULL REFERENCES uet_runs (run_id),
  workstream_id TEXT NOT NULL,
  state         TEXT NOT NULL
                CHECK (state = 'pending' OR state = 'ready' OR state = 'running'
                       OR state = 'committed' OR state = 'quarantined' OR state = 'blocked'
                       OR state = 'skipped'),
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
FROM workstreams_0002;
DROP TABLE temp.workstreams_0002;

CREATE TEMP TABLE step_attempts_0002 AS SELECT * FROM step_attempts;
DROP TABLE step_attempts;
CREATE TABLE step_attempts (
  step_attempt_id TEXT PRIMARY KEY,
  run_id          TEXT NOT NULL REFERENCES uet_runs (run_id),
  workstream_id   TEXT NOT NULL,
  step            TEXT NOT NULL CHECK (step = 'edit' OR step = 'static' OR step = 'runtime'),
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
FROM step_attempts_0002;
DROP TABLE temp.step_attempts_0002;

CREATE TEMP TABLE patch_ledger_0002 AS SELECT * FROM patch_ledger;
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
INSERT INTO patch_ledger (patch_id, run_id, workstream_id, attempt, content, status, created_at,
                          applied_at, verified_at, committed_at, commit_sha, error_message)
SELECT patch_id, run_id, workstream_id, attempt, content, status, created_at, applied_at,
       verified_at, committed_at, commit_sha, error_message
FROM patch_ledger_0002;
DROP TABLE temp.patch_ledger_0002;

-- The 0002 indexes went with the old tables.
CREATE INDEX patch_ledger_by_status ON patch_ledger (status);
CREATE INDEX patch_ledger_by_workstream ON patch_ledger (run_id, workstream_id);
CREATE INDEX step_attempts_by_workstream ON step_attempts (run_id, workstream_id);

INSERT INTO schema_migrations (version, applied_at)
VALUES (3, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
