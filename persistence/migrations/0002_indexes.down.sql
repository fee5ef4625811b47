-- Rollback of 0002: drops the indexes only; every row stays.
DROP INDEX run_events_by_run;
DROP INDEX patch_ledger_by_status;
DROP INDEX patch_ledger_by_workstream;
DROP INDEX step_attempts_by_workstream;

DELETE FROM schema_migrations WHERE version = 2;
