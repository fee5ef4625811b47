-- Rollback of 0004: drops the two columns (SQLite 3.35+); every row stays.
ALTER TABLE patch_ledger DROP COLUMN verified_tree;
ALTER TABLE patch_ledger DROP COLUMN verified_by;

DELETE FROM schema_migrations WHERE version = 4;
