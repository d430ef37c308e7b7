-- Audit search keys off the append path (issue #4: durable appends at ≥ 50k records/s).
--
-- The two random-key indexes on `audit` (by object, by actor) made every appended record
-- dirty a random leaf page of each. They are replaced by a two-level lookup (the SQLite
-- migration of the same number explains it at length):
--
-- * `audit_tail`: the search keys of the newest records, keyed by `seq` (appends at the end);
-- * `audit_by_object`, `audit_by_actor`: the keys of everything older, filled from the tail in
--   one sorted insert per batch (`trail::INDEX_BATCH` records), after which the tail is emptied;
--   keyed by `epoch = seq / 262144` first, so a move writes only the newest epoch's pages.
--
-- These tables are search aids derived from `audit`'s columns, not evidence: `verify` does not
-- need them. They are still append-only outside the purge.
DROP INDEX audit_object;
DROP INDEX audit_actor;

CREATE TABLE audit_tail (
    seq BIGINT PRIMARY KEY,
    actor_user BIGINT,
    object_kind TEXT NOT NULL,
    object_id BIGINT NOT NULL
);

CREATE TABLE audit_by_object (
    epoch BIGINT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (epoch, object_kind, object_id, seq)
);

CREATE TABLE audit_by_actor (
    epoch BIGINT NOT NULL,
    actor_user BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (epoch, actor_user, seq)
);

INSERT INTO audit_by_object (epoch, object_kind, object_id, seq)
    SELECT seq / 262144, object_kind, object_id, seq FROM audit ORDER BY seq / 262144, object_kind, object_id, seq;
INSERT INTO audit_by_actor (epoch, actor_user, seq)
    SELECT seq / 262144, actor_user, seq FROM audit WHERE actor_user IS NOT NULL ORDER BY seq / 262144, actor_user, seq;

-- The indexed keys go only with their purged payload (the same rule as `audit`).
CREATE TRIGGER audit_by_object_delete_only_by_purge BEFORE DELETE ON audit_by_object
    FOR EACH ROW EXECUTE FUNCTION adam_audit_delete();
CREATE TRIGGER audit_by_actor_delete_only_by_purge BEFORE DELETE ON audit_by_actor
    FOR EACH ROW EXECUTE FUNCTION adam_audit_delete();

-- `audit_tail` has no DELETE trigger: the writer empties it after each batch is indexed (see
-- the SQLite migration). Its UPDATE and TRUNCATE are refused.
CREATE TRIGGER audit_by_object_no_update BEFORE UPDATE ON audit_by_object
    FOR EACH ROW EXECUTE FUNCTION adam_append_only();
CREATE TRIGGER audit_by_actor_no_update BEFORE UPDATE ON audit_by_actor
    FOR EACH ROW EXECUTE FUNCTION adam_append_only();
CREATE TRIGGER audit_tail_no_update BEFORE UPDATE ON audit_tail
    FOR EACH ROW EXECUTE FUNCTION adam_append_only();
CREATE TRIGGER audit_by_object_no_truncate BEFORE TRUNCATE ON audit_by_object
    FOR EACH STATEMENT EXECUTE FUNCTION adam_append_only();
CREATE TRIGGER audit_by_actor_no_truncate BEFORE TRUNCATE ON audit_by_actor
    FOR EACH STATEMENT EXECUTE FUNCTION adam_append_only();
CREATE TRIGGER audit_tail_no_truncate BEFORE TRUNCATE ON audit_tail
    FOR EACH STATEMENT EXECUTE FUNCTION adam_append_only();

REVOKE UPDATE, DELETE, TRUNCATE ON audit_tail, audit_by_object, audit_by_actor FROM PUBLIC;

-- Two roles (ARCHITECTURE.md, "PostgreSQL roles"). The role that runs the migrations owns the
-- tables; a server may connect as another role that can read and append to the trail but not
-- change, delete or truncate it, nor drop or disable its triggers (only an owner can). The
-- retention purge, the one sanctioned deletion, runs through this function, which runs with
-- its owner's rights and deletes nothing but access records of unheld days up to `through`
-- that a recorded purge covers (the triggers still check each row).
CREATE FUNCTION adam_audit_purge(through BIGINT, per_epoch BIGINT) RETURNS BIGINT
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    n BIGINT;
BEGIN
    -- The search keys first, while `audit` still says which they are.
    DELETE FROM audit_by_object o USING audit a, audit_chain c
        WHERE o.epoch = a.seq / per_epoch AND o.object_kind = a.object_kind AND o.object_id = a.object_id AND o.seq = a.seq AND c.seq = a.seq AND c.retention = 'access' AND c.period <= through
          AND NOT EXISTS (SELECT 1 FROM audit_holds h WHERE h.released IS NULL
                          AND c.period BETWEEN h.from_period AND h.through_period);
    DELETE FROM audit_by_actor x USING audit a, audit_chain c
        WHERE x.epoch = a.seq / per_epoch AND x.actor_user = a.actor_user AND x.seq = a.seq AND c.seq = a.seq AND c.retention = 'access' AND c.period <= through
          AND NOT EXISTS (SELECT 1 FROM audit_holds h WHERE h.released IS NULL
                          AND c.period BETWEEN h.from_period AND h.through_period);
    DELETE FROM audit_tail t USING audit_chain c
        WHERE t.seq = c.seq AND c.retention = 'access' AND c.period <= through
          AND NOT EXISTS (SELECT 1 FROM audit_holds h WHERE h.released IS NULL
                          AND c.period BETWEEN h.from_period AND h.through_period);
    DELETE FROM audit a USING audit_chain c
        WHERE c.seq = a.seq AND c.retention = 'access' AND c.period <= through
          AND NOT EXISTS (SELECT 1 FROM audit_holds h WHERE h.released IS NULL
                          AND c.period BETWEEN h.from_period AND h.through_period);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END;
$$;
REVOKE ALL ON FUNCTION adam_audit_purge(BIGINT, BIGINT) FROM PUBLIC;

-- Run by the owner (at every start of a two-role server, so tables added by later migrations
-- are covered): gives `runtime` what the server needs and nothing more on the trail.
CREATE FUNCTION adam_grant_runtime(runtime NAME) RETURNS void LANGUAGE plpgsql AS $$
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
    -- The server records a hold's release, and the schema's version is the owner's to move.
    EXECUTE format('GRANT UPDATE (released) ON audit_holds TO %I', runtime);
    EXECUTE format('REVOKE INSERT ON schema_migrations FROM %I', runtime);
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', current_schema(), runtime);
    EXECUTE format('GRANT EXECUTE ON FUNCTION adam_audit_purge(BIGINT, BIGINT) TO %I', runtime);
END;
$$;
REVOKE ALL ON FUNCTION adam_grant_runtime(NAME) FROM PUBLIC;
