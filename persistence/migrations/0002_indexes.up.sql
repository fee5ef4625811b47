-- 0002 indexes: the reads the CLI and resume make, and the child side of
-- every foreign key to uet_runs (so a parent lookup never scans a table).

CREATE INDEX run_events_by_run ON run_events (run_id, id);
CREATE INDEX patch_ledger_by_status ON patch_ledger (status);
CREATE INDEX patch_ledger_by_workstream ON patch_ledger (run_id, workstream_id);
CREATE INDEX step_attempts_by_workstream ON step_attempts (run_id, workstream_id);

INSERT INTO schema_migrations (version, applied_at)
VALUES (2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
