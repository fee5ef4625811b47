-- 0001 initial: the state database of SPEC §3.
-- Runs inside one transaction (the migration runner, or BEGIN/COMMIT around
-- `.read` in the sqlite3 shell) and records itself in schema_migrations, so
-- the shell and the binary leave the same database.
-- Timestamps are ISO-8601 UTC text with milliseconds (2026-11-22T10:15:30.123Z).

CREATE TABLE schema_migrations (
  version    INTEGER PRIMARY KEY,
  applied_at TEXT NOT NULL
);

CREATE TABLE uet_runs (
  run_id      TEXT PRIMARY KEY,
  project_id  TEXT NOT NULL,
  phase_id    TEXT NOT NULL,
  state       TEXT NOT NULL DEFAULT 'pending'
              CHECK (state IN ('pending', 'running', 'succeeded', 'failed', 'interrupted')),
  engine      TEXT NOT NULL,
  max_workers INTEGER NOT NULL,
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  options     TEXT -- JSON: the run's options (flags, seed, injected faults)
);

-- One row per workstream of a run, updated in place as its state changes.
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

-- Append-only; AUTOINCREMENT so an id is never reused, even after rows are
-- deleted: readers page with "id > last seen".
CREATE TABLE run_events (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id        TEXT NOT NULL REFERENCES uet_runs (run_id),
  workstream_id TEXT,
  event_type    TEXT NOT NULL,
  timestamp     TEXT NOT NULL,
  payload       TEXT -- JSON
);

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

INSERT INTO schema_migrations (version, applied_at)
VALUES (1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
