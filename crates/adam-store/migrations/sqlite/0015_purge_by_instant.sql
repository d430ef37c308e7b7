-- On SQLite the retention purge's statements are in `src/audit/retention.rs`
-- (`delete_purged`): they now say `a.at < <the day after>` beside the day, which the same rows
-- meet, so that the records are found through the index on audit (at) instead of reading
-- every record kept (migration 0015 on PostgreSQL redefines its purge function the same way).
-- The index has existed since migration 0001; it is named here because the purge relies on it.
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
