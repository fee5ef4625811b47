-- Rollback of 0001: drops every table (children before their parent, so the
-- foreign keys never see an orphan). The data goes with them.
DELETE FROM schema_migrations WHERE version = 1;

DROP TABLE patch_ledger;
DROP TABLE run_events;
DROP TABLE step_attempts;
DROP TABLE workstreams;
DROP TABLE uet_runs;
DROP TABLE schema_migrations;
