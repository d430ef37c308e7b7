-- Audit search keys off the append path (issue #4: durable appends at ≥ 50k records/s).
--
-- The two random-key indexes on `audit` (by object, by actor) made every appended record
-- dirty a random leaf page of each. They are replaced by a two-level lookup (the SQLite
-- migration of the same number explains it at length):
--
-- * `audit_tail`: the search keys of the newest records, keyed by `seq` (appends at the end);
-- * `audit_by_object`, `audit_by_actor`: the keys of everything older, filled from the tail in
--   one sorted insert per batch (`trail::INDEX_BATCH` records), after which the tail is emptied.
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
    object_kind TEXT NOT NULL,
    object_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (object_kind, object_id, seq)
);

CREATE TABLE audit_by_actor (
    actor_user BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (actor_user, seq)
);

INSERT INTO audit_by_object (object_kind, object_id, seq)
    SELECT object_kind, object_id, seq FROM audit ORDER BY object_kind, object_id, seq;
INSERT INTO audit_by_actor (actor_user, seq)
    SELECT actor_user, seq FROM audit WHERE actor_user IS NOT NULL ORDER BY actor_user, seq;

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
