-- The Decree's registers (issue 15): every register record kind in one table, the record's
-- JSON under its kind and id (`adam_core::register::RegisterRow`). A removed record keeps its
-- row with a NULL body (a tombstone), so its id is never given out again. A new register kind
-- needs no new table.
CREATE TABLE register_records (
    kind TEXT NOT NULL,
    id INTEGER NOT NULL,
    body TEXT,
    PRIMARY KEY (kind, id)
) STRICT;
