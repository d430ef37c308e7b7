-- ADAM's first schema (SQLite).
--
-- The current state of the world in typed, relational tables (so an operator can query it and
-- a cold start reads rows, not a replay), the ordered change log, the audit trail and the API
-- tokens. Tables are STRICT so a column holds only its declared type. Enum-like columns hold
-- the same strings the engine's serde names use; instants are integer seconds since the epoch
-- (the engine's `Timestamp`); booleans are 0/1. Ids are the engine's dense ids.
--
-- Keep this file in step with migrations/postgres/0001_initial.sql: the two backends hold the
-- same tables and columns, only the SQL types differ.

-- One row: the organisation this store belongs to, and the high-water marks of the ids that
-- can be removed (grants and ACL entries). A revoked grant or removed entry leaves its id
-- unused for ever; the engine hands out `len` of its id space as the next id, so a world
-- rebuilt from the tables must know how far the id space reached.
CREATE TABLE meta (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    organisation TEXT NOT NULL,
    next_grant INTEGER NOT NULL DEFAULT 0,
    next_entry INTEGER NOT NULL DEFAULT 0,
    -- The Ed25519 key that signs the audit checkpoints, pinned at the first checkpoint.
    audit_public_key TEXT
) STRICT;

CREATE TABLE offices (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    parent INTEGER REFERENCES offices (id),
    signing_code TEXT,
    valid INTEGER NOT NULL CHECK (valid IN (0, 1)),
    rev INTEGER NOT NULL
) STRICT;

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    signing_code TEXT,
    name TEXT NOT NULL,
    office INTEGER NOT NULL REFERENCES offices (id),
    kind TEXT NOT NULL CHECK (kind IN ('head', 'secretariat', 'regular')),
    valid INTEGER NOT NULL CHECK (valid IN (0, 1)),
    rev INTEGER NOT NULL
) STRICT;
CREATE INDEX jobs_office ON jobs (office);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('admin', 'system_user', 'user')),
    active INTEGER NOT NULL CHECK (active IN (0, 1)),
    title TEXT,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    gender TEXT NOT NULL CHECK (gender IN ('female', 'male', 'other', 'unspecified')),
    email TEXT NOT NULL,
    phone TEXT,
    rev INTEGER NOT NULL
) STRICT;
CREATE INDEX users_email ON users (email COLLATE NOCASE);

-- The jobs a user holds, in the order they were assigned.
CREATE TABLE user_jobs (
    user_id INTEGER NOT NULL REFERENCES users (id),
    position INTEGER NOT NULL,
    job_id INTEGER NOT NULL REFERENCES jobs (id),
    PRIMARY KEY (user_id, position),
    UNIQUE (user_id, job_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX user_jobs_job ON user_jobs (job_id);

CREATE TABLE groups (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    rev INTEGER NOT NULL
) STRICT;

CREATE TABLE group_users (
    group_id INTEGER NOT NULL REFERENCES groups (id),
    position INTEGER NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (group_id, position)
) STRICT, WITHOUT ROWID;

CREATE TABLE group_jobs (
    group_id INTEGER NOT NULL REFERENCES groups (id),
    position INTEGER NOT NULL,
    job_id INTEGER NOT NULL REFERENCES jobs (id),
    PRIMARY KEY (group_id, position)
) STRICT, WITHOUT ROWID;

CREATE TABLE applications (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    writer_role INTEGER REFERENCES roles (id),
    rev INTEGER NOT NULL
) STRICT;

CREATE TABLE roles (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('application', 'user', 'system')),
    app INTEGER REFERENCES applications (id),
    description TEXT NOT NULL,
    object_level INTEGER CHECK (object_level IN (0, 11, 12, 13, 14, 21, 22)),
    power TEXT CHECK (power IN ('user_admin', 'security_lead')),
    rev INTEGER NOT NULL
) STRICT;

-- The roles a user role contains, in the engine's order.
CREATE TABLE role_members (
    role_id INTEGER NOT NULL REFERENCES roles (id),
    position INTEGER NOT NULL,
    member_id INTEGER NOT NULL REFERENCES roles (id),
    PRIMARY KEY (role_id, position)
) STRICT, WITHOUT ROWID;
CREATE INDEX role_members_member ON role_members (member_id);

-- One row once the organisation's settings were first set.
CREATE TABLE settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    organisation TEXT NOT NULL,
    dist_main_role INTEGER REFERENCES roles (id),
    reopen_role INTEGER REFERENCES roles (id),
    clearance_z1 INTEGER REFERENCES roles (id),
    clearance_z2 INTEGER REFERENCES roles (id),
    clearance_z3 INTEGER REFERENCES roles (id),
    default_view_z0 INTEGER NOT NULL,
    default_view_z1 INTEGER NOT NULL,
    default_view_z2 INTEGER NOT NULL,
    default_view_z3 INTEGER NOT NULL
) STRICT;

-- Grants in force or waiting; a revoked grant's row is deleted (the audit trail keeps it).
CREATE TABLE grants (
    id INTEGER PRIMARY KEY,
    role INTEGER NOT NULL REFERENCES roles (id),
    grantee_type TEXT NOT NULL CHECK (grantee_type IN ('user', 'job', 'office', 'everyone')),
    grantee_id INTEGER,
    valid_from INTEGER,
    valid_to INTEGER,
    scope INTEGER REFERENCES offices (id),
    reference TEXT,
    rev INTEGER NOT NULL,
    CHECK ((grantee_type = 'everyone') = (grantee_id IS NULL))
) STRICT;
CREATE INDEX grants_role ON grants (role);
CREATE INDEX grants_grantee ON grants (grantee_type, grantee_id);

CREATE TABLE classes (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    parent INTEGER REFERENCES classes (id),
    rev INTEGER NOT NULL
) STRICT;

CREATE TABLE folders (
    id INTEGER PRIMARY KEY,
    app INTEGER NOT NULL REFERENCES applications (id),
    class INTEGER NOT NULL REFERENCES classes (id),
    title TEXT NOT NULL,
    z INTEGER NOT NULL CHECK (z BETWEEN 0 AND 3),
    c INTEGER NOT NULL CHECK (c BETWEEN 0 AND 3),
    r INTEGER NOT NULL CHECK (r BETWEEN 0 AND 3),
    state TEXT NOT NULL CHECK (state IN ('open', 'handed_over', 'closed')),
    creator_user INTEGER NOT NULL REFERENCES users (id),
    creator_job INTEGER NOT NULL REFERENCES jobs (id),
    responsible INTEGER REFERENCES jobs (id),
    sender INTEGER REFERENCES jobs (id),
    recipient INTEGER REFERENCES jobs (id),
    rev INTEGER NOT NULL
) STRICT;
CREATE INDEX folders_class ON folders (class);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    folder INTEGER NOT NULL REFERENCES folders (id),
    title TEXT NOT NULL,
    z INTEGER NOT NULL CHECK (z BETWEEN 0 AND 3),
    c INTEGER NOT NULL CHECK (c BETWEEN 0 AND 3),
    r INTEGER NOT NULL CHECK (r BETWEEN 0 AND 3),
    state TEXT NOT NULL CHECK (state IN ('open', 'handed_over', 'closed')),
    creator_user INTEGER NOT NULL REFERENCES users (id),
    creator_job INTEGER NOT NULL REFERENCES jobs (id),
    responsible INTEGER REFERENCES jobs (id),
    sender INTEGER REFERENCES jobs (id),
    recipient INTEGER REFERENCES jobs (id),
    rev INTEGER NOT NULL
) STRICT;
CREATE INDEX documents_folder ON documents (folder);

-- ACL entries in force; a removed entry's row is deleted (the audit trail keeps it). The
-- carrier and the entity are tagged the way the engine serialises them.
CREATE TABLE acl_entries (
    id INTEGER PRIMARY KEY,
    carrier_type TEXT NOT NULL CHECK (carrier_type IN ('class', 'folder', 'document')),
    carrier_id INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('allowed', 'maxAllowed')),
    entity_type TEXT NOT NULL CHECK (entity_type IN (
        'company', 'office', 'job', 'user', 'role', 'group',
        'creator', 'responsible', 'sender', 'recipient', 'dist_main')),
    entity_id INTEGER,
    value INTEGER NOT NULL CHECK (value IN (0, 11, 12, 13, 14, 21, 22)),
    group_value INTEGER NOT NULL CHECK (group_value IN (0, 11, 12, 13, 14, 21, 22)),
    valid_from INTEGER,
    valid_to INTEGER,
    rev INTEGER NOT NULL
) STRICT;
CREATE INDEX acl_entries_carrier ON acl_entries (carrier_type, carrier_id);

-- The change log: one row per revision, the engine's events as JSON. A follower replays it.
CREATE TABLE changes (
    revision INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    events TEXT NOT NULL
) STRICT;

-- The audit trail (see adam-store/src/audit.rs). `audit_chain` is the verifiable skeleton and
-- is never changed or deleted; `audit` holds each record's payload (the canonical JSON that
-- the commitment covers) and copies of its fields for searching. seq runs from 1 without gaps.
CREATE TABLE audit_chain (
    seq INTEGER PRIMARY KEY,
    period INTEGER NOT NULL,
    retention TEXT NOT NULL CHECK (retention IN ('change', 'access')),
    commitment TEXT NOT NULL,
    chain TEXT NOT NULL
) STRICT;
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY REFERENCES audit_chain (seq),
    revision INTEGER REFERENCES changes (revision),
    at INTEGER NOT NULL,
    actor_user INTEGER,
    actor_job INTEGER,
    action TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    payload TEXT NOT NULL
) STRICT;
CREATE INDEX audit_object ON audit (object_kind, object_id, seq);
CREATE INDEX audit_actor ON audit (actor_user, seq);
CREATE INDEX audit_revision ON audit (revision);
CREATE INDEX audit_at ON audit (at);

-- Signed checkpoints (also appended to a file outside the database).
CREATE TABLE audit_checkpoints (
    seq INTEGER PRIMARY KEY,
    chain TEXT NOT NULL,
    at INTEGER NOT NULL,
    key TEXT NOT NULL,
    signature TEXT NOT NULL
) STRICT;

-- Retention purges (Art. 57(6)): each deletes the payloads of access records of the days up to
-- through_period and destroys those days' keys. Each purge is itself an audit record.
CREATE TABLE audit_purges (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    through_period INTEGER NOT NULL,
    records INTEGER NOT NULL,
    audit_seq INTEGER NOT NULL REFERENCES audit_chain (seq)
) STRICT;

-- Retention holds: access records of these days are kept past the retention period, with the
-- recorded justification and approver the Decree asks for.
CREATE TABLE audit_holds (
    id INTEGER PRIMARY KEY,
    from_period INTEGER NOT NULL,
    through_period INTEGER NOT NULL CHECK (through_period >= from_period),
    justification TEXT NOT NULL,
    approved_by INTEGER NOT NULL REFERENCES users (id),
    at INTEGER NOT NULL,
    released INTEGER
) STRICT;

-- The change log and the audit trail are append-only (SPEC §5: the trail cannot be reset).
-- The one sanctioned deletion is the retention purge: a payload of an access record of a day
-- that a recorded purge covers.
CREATE TRIGGER changes_append_only_update BEFORE UPDATE ON changes
BEGIN
    SELECT RAISE(ABORT, 'the change log is append-only');
END;
CREATE TRIGGER changes_append_only_delete BEFORE DELETE ON changes
BEGIN
    SELECT RAISE(ABORT, 'the change log is append-only');
END;
CREATE TRIGGER audit_chain_append_only_update BEFORE UPDATE ON audit_chain
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
CREATE TRIGGER audit_chain_append_only_delete BEFORE DELETE ON audit_chain
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
CREATE TRIGGER audit_delete_only_by_purge BEFORE DELETE ON audit
WHEN NOT EXISTS (
    SELECT 1 FROM audit_chain c
    WHERE c.seq = OLD.seq AND c.retention = 'access'
      AND c.period <= (SELECT max(through_period) FROM audit_purges)
)
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: only the retention purge deletes, and only access records of purged days');
END;
CREATE TRIGGER audit_checkpoints_append_only_update BEFORE UPDATE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'audit checkpoints are append-only');
END;
CREATE TRIGGER audit_checkpoints_append_only_delete BEFORE DELETE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'audit checkpoints are append-only');
END;
CREATE TRIGGER audit_purges_append_only_update BEFORE UPDATE ON audit_purges
BEGIN
    SELECT RAISE(ABORT, 'the purge record is append-only');
END;
CREATE TRIGGER audit_purges_append_only_delete BEFORE DELETE ON audit_purges
BEGIN
    SELECT RAISE(ABORT, 'the purge record is append-only');
END;
CREATE TRIGGER audit_holds_no_delete BEFORE DELETE ON audit_holds
BEGIN
    SELECT RAISE(ABORT, 'a retention hold is released, never deleted');
END;

-- API tokens: only the SHA-256 of the secret is kept. Ids are never reused.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created INTEGER NOT NULL,
    expires INTEGER,
    revoked INTEGER
) STRICT;
CREATE INDEX api_tokens_user ON api_tokens (user_id);
