-- A standby at another site (issue 18, Decree Art. 15 and 60(2)): which history this store
-- holds, and whether it follows another server's.
--
-- `generation` names one unbroken history of the change log and the audit trail. A store gets
-- one when it is first asked; a promotion starts a new one and keeps the old in `lineage`
-- (with the revision and audit record it ended at), so a standby can tell a primary that
-- continues its history from one that does not. `fenced` holds the notice of the server that
-- was promoted in this one's place: a fenced store refuses changes, across restarts.
CREATE TABLE replication (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    role TEXT NOT NULL CHECK (role IN ('primary', 'standby')),
    generation TEXT NOT NULL,
    number INTEGER NOT NULL,
    lineage TEXT NOT NULL,
    following TEXT,
    fenced TEXT,
    -- A standby's: every attachment with an id up to this one is here (those after it come
    -- in the next batches; an upload still under way on the primary holds the mark back).
    attachments_through INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Access records a standby produced while it served reads (checks, sign-ins). They are not in
-- its trail — the trail is the primary's, record for record — and are appended to it, in order,
-- when the standby is promoted.
CREATE TABLE standby_access (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    record TEXT NOT NULL
) STRICT;
