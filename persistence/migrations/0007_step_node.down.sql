-- Rollback of 0007: drops the column (SQLite 3.35+); which node ran a step
-- is forgotten, the step rows stay.
ALTER TABLE step_attempts DROP COLUMN node;

DELETE FROM schema_migrations WHERE version = 7;
