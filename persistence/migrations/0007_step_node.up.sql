-- 0007 step_node: which worker node ran a step attempt (`run --nodes`):
-- the node's id as it answered hello; NULL for a step run on the
-- coordinator's own machine (every step before 0007).

ALTER TABLE step_attempts ADD COLUMN node TEXT;

INSERT INTO schema_migrations (version, applied_at)
VALUES (7, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
