-- Rollback of 0005: drops the two columns (SQLite 3.35+). A patch kept as a
-- file keeps its file; its row's content stays empty.
ALTER TABLE patch_ledger DROP COLUMN content_hash;
ALTER TABLE patch_ledger DROP COLUMN content_file;

DELETE FROM schema_migrations WHERE version = 5;
