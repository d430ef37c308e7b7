-- A standby at another site (issue 18): the generation of this store's history (see the SQLite
-- migration for the whole story). On PostgreSQL the standby is PostgreSQL's own streaming
-- replica; the table keeps the generation and the fence all the same.
CREATE TABLE replication (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    role TEXT NOT NULL CHECK (role IN ('primary', 'standby')),
    generation TEXT NOT NULL,
    number BIGINT NOT NULL,
    lineage TEXT NOT NULL,
    following TEXT,
    fenced TEXT,
    -- A standby's: every attachment with an id up to this one is here (those after it come
    -- in the next batches; an upload still under way on the primary holds the mark back).
    attachments_through BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE standby_access (
    id BIGSERIAL PRIMARY KEY,
    record TEXT NOT NULL
);
