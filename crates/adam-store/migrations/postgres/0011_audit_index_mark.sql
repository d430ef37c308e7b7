-- The watermark of the audit search keys (audit/index.rs): every record at or below
-- `indexed_through` is found through `audit_by_object` / `audit_by_actor`, every record above it
-- through `audit_tail`. Keys are moved from the tail into the lookup tables a chunk per write
-- transaction; while a move is under way (`moving_through`, the last record of the batch) the
-- moved keys sit in both places and the watermark keeps each record visible in exactly one.
CREATE TABLE audit_index_mark (
    id SMALLINT PRIMARY KEY CHECK (id = 1),
    indexed_through BIGINT NOT NULL,
    moving_through BIGINT,
    plan BIGINT,
    objects_done BIGINT NOT NULL DEFAULT 0,
    actors_done BIGINT NOT NULL DEFAULT 0
);

-- Everything older than the oldest key still in the tail is indexed (the tail was emptied whole
-- by every earlier move).
INSERT INTO audit_index_mark (id, indexed_through)
    SELECT 1, coalesce((SELECT min(seq) - 1 FROM audit_tail), (SELECT max(seq) FROM audit_chain), 0);
