-- 0004 verified: how each patch was verified (invariant 1). verified_by is
-- the step attempt whose acceptance commands passed ('the ledger' when the
-- ledger ran them itself), verified_tree the git tree they passed on. The
-- ledger lands exactly the commit it had tested, so a committed patch's
-- commit has verified_tree as its tree.

ALTER TABLE patch_ledger ADD COLUMN verified_by TEXT;
ALTER TABLE patch_ledger ADD COLUMN verified_tree TEXT;

INSERT INTO schema_migrations (version, applied_at)
VALUES (4, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
