-- Art. 57(6): access records are kept past the retention period only on a written risk
-- analysis and a justification confirmed by the head of the body. A hold names the risk
-- assessment it rests on (a record of the risk register, checked by the server), is proposed
-- by a security lead and keeps its days unconfirmed only until `grace_until` (the proposal plus
-- seven days); the head's confirmation (`confirmed_by`, `confirmed_at`) keeps them until the
-- hold is released. Keep in step with migrations/sqlite/0012_hold_confirmation.sql.
ALTER TABLE audit_holds
    ADD COLUMN risk_assessment BIGINT,
    ADD COLUMN grace_until BIGINT,
    ADD COLUMN confirmed_by BIGINT REFERENCES users (id),
    ADD COLUMN confirmed_at BIGINT;

-- The holds placed before were decided by a security lead under the rule then in force: they
-- read as confirmed by their approver when they were recorded, and keep their days as before.
UPDATE audit_holds SET confirmed_by = approved_by, confirmed_at = at;

-- The purge (migration 0003's function, with the purge's instant): a day is kept by a hold not
-- released that is confirmed or still within its grace at `at_instant`.
DROP FUNCTION adam_audit_purge(BIGINT, BIGINT);
CREATE FUNCTION adam_audit_purge(through BIGINT, per_epoch BIGINT, at_instant BIGINT) RETURNS BIGINT
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    n BIGINT;
BEGIN
    -- The search keys first, while `audit` still says which they are.
    DELETE FROM audit_by_object o USING audit a, audit_chain c
        WHERE o.epoch = a.seq / per_epoch AND o.object_kind = a.object_kind AND o.object_id = a.object_id AND o.seq = a.seq AND c.seq = a.seq AND c.retention = 'access' AND c.period <= through
          AND NOT EXISTS (SELECT 1 FROM audit_holds h WHERE h.released IS NULL
                          AND (h.confirmed_at IS NOT NULL OR h.grace_until > at_instant)
                          AND c.period BETWEEN h.from_period AND h.through_period);
    DELETE FROM audit_by_actor x USING audit a, audit_chain c
        WHERE x.epoch = a.seq / per_epoch AND x.actor_user = a.actor_user AND x.seq = a.seq AND c.seq = a.seq AND c.retention = 'access' AND c.period <= through
          AND NOT EXISTS (SELECT 1 FROM audit_holds h WHERE h.released IS NULL
                          AND (h.confirmed_at IS NOT NULL OR h.grace_until > at_instant)
                          AND c.period BETWEEN h.from_period AND h.through_period);
    DELETE FROM audit_tail t USING audit_chain c
        WHERE t.seq = c.seq AND c.retention = 'access' AND c.period <= through
          AND NOT EXISTS (SELECT 1 FROM audit_holds h WHERE h.released IS NULL
                          AND (h.confirmed_at IS NOT NULL OR h.grace_until > at_instant)
                          AND c.period BETWEEN h.from_period AND h.through_period);
    DELETE FROM audit a USING audit_chain c
        WHERE c.seq = a.seq AND c.retention = 'access' AND c.period <= through
          AND NOT EXISTS (SELECT 1 FROM audit_holds h WHERE h.released IS NULL
                          AND (h.confirmed_at IS NOT NULL OR h.grace_until > at_instant)
                          AND c.period BETWEEN h.from_period AND h.through_period);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END;
$$;
REVOKE ALL ON FUNCTION adam_audit_purge(BIGINT, BIGINT, BIGINT) FROM PUBLIC;

-- The runtime role (migration 0003's function): also records a hold's confirmation, and runs
-- the purge above.
CREATE OR REPLACE FUNCTION adam_grant_runtime(runtime NAME) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t TEXT;
    trail TEXT[] := ARRAY['changes', 'audit', 'audit_chain', 'audit_checkpoints', 'audit_purges',
                          'audit_holds', 'audit_by_object', 'audit_by_actor', 'schema_migrations'];
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), runtime);
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
        EXECUTE format('REVOKE ALL ON %I FROM %I', t, runtime);
        IF t = ANY (trail) THEN
            EXECUTE format('GRANT SELECT, INSERT ON %I TO %I', t, runtime);
        ELSE
            EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO %I', t, runtime);
        END IF;
    END LOOP;
    -- The server records a hold's confirmation and release, and the schema's version is the
    -- owner's to move.
    EXECUTE format('GRANT UPDATE (released, confirmed_by, confirmed_at) ON audit_holds TO %I', runtime);
    EXECUTE format('REVOKE INSERT ON schema_migrations FROM %I', runtime);
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', current_schema(), runtime);
    EXECUTE format('GRANT EXECUTE ON FUNCTION adam_audit_purge(BIGINT, BIGINT, BIGINT) TO %I', runtime);
END;
$$;
