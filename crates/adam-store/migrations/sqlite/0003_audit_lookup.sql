-- Audit search keys off the append path (issue #4: durable appends at ≥ 50k records/s).
--
-- The two random-key indexes on `audit` (by object, by actor) made every appended record
-- dirty a random leaf page of each: ~2 pages of WAL per record, written at commit and again at
-- the WAL checkpoint, and more page reads as the trail outgrew the page cache (14k records/s
-- on an empty trail, 5.5k/s at 1M records). They are replaced by a two-level lookup:
--
-- * `audit_tail`: the search keys of the newest records, keyed by `seq`, so appending a record
--   writes at the end of the table like `audit` and `audit_chain` do.
-- * `audit_by_object`, `audit_by_actor`: the search keys of everything older, clustered by
--   key (WITHOUT ROWID: the key is the row, no second B-tree). When the tail reaches a batch
--   (65,536 records by default, `trail::INDEX_BATCH`), the writer moves it here in one sorted
--   insert and empties it: each leaf page is then written once per batch instead of once per
--   record. Both are keyed by `epoch = seq / 262144` first (262,144 records): a batch lands in
--   the newest epoch or two, so moving it writes the pages of at most those, however long the
--   trail grows; a search probes the epochs newest first (`trail::search`).
--
-- A search by object or actor reads the tail (at most one batch, a few MB of keys) and the
-- clustered tables, both newest first; tail records are always newer than indexed ones.
-- These tables are search aids derived from `audit`'s columns, not evidence: `verify` does not
-- need them. They are still append-only outside the purge (which must remove an access
-- record's keys with its payload: who looked at what is personal data).
DROP INDEX audit_object;
DROP INDEX audit_actor;

CREATE TABLE audit_tail (
    seq INTEGER PRIMARY KEY,
    actor_user INTEGER,
    object_kind TEXT NOT NULL,
    object_id INTEGER NOT NULL
) STRICT;

CREATE TABLE audit_by_object (
    epoch INTEGER NOT NULL,
    object_kind TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (epoch, object_kind, object_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE audit_by_actor (
    epoch INTEGER NOT NULL,
    actor_user INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (epoch, actor_user, seq)
) STRICT, WITHOUT ROWID;

-- Every existing record is indexed at once; the tail starts empty.
INSERT INTO audit_by_object (epoch, object_kind, object_id, seq)
    SELECT seq / 262144, object_kind, object_id, seq FROM audit ORDER BY seq / 262144, object_kind, object_id, seq;
INSERT INTO audit_by_actor (epoch, actor_user, seq)
    SELECT seq / 262144, actor_user, seq FROM audit WHERE actor_user IS NOT NULL ORDER BY seq / 262144, actor_user, seq;

CREATE TRIGGER audit_by_object_no_update BEFORE UPDATE ON audit_by_object
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
CREATE TRIGGER audit_by_actor_no_update BEFORE UPDATE ON audit_by_actor
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
CREATE TRIGGER audit_tail_no_update BEFORE UPDATE ON audit_tail
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
-- The indexed keys go only with their purged payload.
CREATE TRIGGER audit_by_object_delete_only_by_purge BEFORE DELETE ON audit_by_object
WHEN NOT EXISTS (
    SELECT 1 FROM audit_chain c
    WHERE c.seq = OLD.seq AND c.retention = 'access'
      AND c.period <= (SELECT max(through_period) FROM audit_purges)
)
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: only the retention purge deletes, and only access records of purged days');
END;
CREATE TRIGGER audit_by_actor_delete_only_by_purge BEFORE DELETE ON audit_by_actor
WHEN NOT EXISTS (
    SELECT 1 FROM audit_chain c
    WHERE c.seq = OLD.seq AND c.retention = 'access'
      AND c.period <= (SELECT max(through_period) FROM audit_purges)
)
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: only the retention purge deletes, and only access records of purged days');
END;
-- `audit_tail` has no DELETE trigger: the writer empties it after each batch is indexed, and a
-- per-row check that each key reached `audit_by_object` cost as much as the move itself.
-- Deleting a tail row by hand hides that record from searches by object and actor, not from
-- `verify`, from a search without those filters, or from `audit_since`.
