-- 0005 patch_file: a patch past the inline threshold (1 MiB) is kept as its
-- ledger file (LEDGER_DIR/patches/<id>.diff) and named here by path and git
-- blob id (`git hash-object` of the file), with content left empty, so a
-- big diff is not copied into the database or through the writer's memory.

ALTER TABLE patch_ledger ADD COLUMN content_file TEXT;
ALTER TABLE patch_ledger ADD COLUMN content_hash TEXT;

INSERT INTO schema_migrations (version, applied_at)
VALUES (5, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
