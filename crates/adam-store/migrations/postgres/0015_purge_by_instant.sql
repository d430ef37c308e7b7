-- The retention purge finds the records it deletes through the index on audit (at)
-- (migration 0012's function with one more condition, met by the same rows): each purge, at
-- start and once a day, read every record kept to find the old ones, holding the trail's
-- write lock while every recorded answer waited. Keep in step with the SQLite statements in
-- `src/audit/retention.rs` (`delete_purged`). The index has existed since migration 0001; it is
-- named here because the purge relies on it.
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
CREATE OR REPLACE FUNCTION adam_audit_purge(through BIGINT, per_epoch BIGINT, at_instant BIGINT) RETURNS BIGINT
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    n BIGINT;
    -- A record's day is at / 86400, so "its day is at most `through`" is "at < cutoff": said
    -- beside the day so that the rows are found through the index on audit (at).
    cutoff BIGINT := (through + 1) * 86400;
BEGIN
    -- The search keys first, while `audit` still says which they are.
    DELETE FROM audit_by_object o USING audit a, audit_chain c
        WHERE o.epoch = a.seq / per_epoch AND o.object_kind = a.object_kind AND o.object_id = a.object_id AND o.seq = a.seq AND c.seq = a.seq AND a.at < cutoff AND c.retention = 'access' AND c.period <= through
          AND NOT EXISTS (SELECT 1 FROM audit_holds h WHERE h.released IS NULL
                          AND (h.confirmed_at IS NOT NULL OR h.grace_until > at_instant)
                          AND c.period BETWEEN h.from_period AND h.through_period);
    DELETE FROM audit_by_actor x USING audit a, audit_chain c
        WHERE x.epoch = a.seq / per_epoch AND x.actor_user = a.actor_user AND x.seq = a.seq AND c.seq = a.seq AND a.at < cutoff AND c.retention = 'access' AND c.period <= through
          AND NOT EXISTS (SELECT 1 FROM audit_holds h WHERE h.released IS NULL
                          AND (h.confirmed_at IS NOT NULL OR h.grace_until > at_instant)
                          AND c.period BETWEEN h.from_period AND h.through_period);
    DELETE FROM audit_tail t USING audit a, audit_chain c
        WHERE t.seq = a.seq AND c.seq = a.seq AND a.at < cutoff AND c.retention = 'access' AND c.period <= through
          AND NOT EXISTS (SELECT 1 FROM audit_holds h WHERE h.released IS NULL
                          AND (h.confirmed_at IS NOT NULL OR h.grace_until > at_instant)
                          AND c.period BETWEEN h.from_period AND h.through_period);
    DELETE FROM audit a USING audit_chain c
        WHERE c.seq = a.seq AND a.at < cutoff AND c.retention = 'access' AND c.period <= through
          AND NOT EXISTS (SELECT 1 FROM audit_holds h WHERE h.released IS NULL
                          AND (h.confirmed_at IS NOT NULL OR h.grace_until > at_instant)
                          AND c.period BETWEEN h.from_period AND h.through_period);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END;
$$;
REVOKE ALL ON FUNCTION adam_audit_purge(BIGINT, BIGINT, BIGINT) FROM PUBLIC;
