-- ADAM's first schema (PostgreSQL).
--
-- The current state of the world in typed, relational tables (so an operator can query it and
-- a cold start reads rows, not a replay), the ordered change log, the audit trail and the API
-- tokens. Enum-like columns hold the same strings the engine's serde names use; instants are
-- integer seconds since the epoch (the engine's `Timestamp`). Every integer is BIGINT because
-- the store binds every integer as a 64-bit value. Ids are the engine's dense ids.
--
-- Keep this file in step with migrations/sqlite/0001_initial.sql: the two backends hold the
-- same tables and columns, only the SQL types differ.

-- One row: the organisation this store belongs to, and the high-water marks of the ids that
-- can be removed (grants and ACL entries). A revoked grant or removed entry leaves its id
-- unused for ever; the engine hands out `len` of its id space as the next id, so a world
-- rebuilt from the tables must know how far the id space reached.
CREATE TABLE meta (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    organisation TEXT NOT NULL,
    next_grant BIGINT NOT NULL DEFAULT 0,
    next_entry BIGINT NOT NULL DEFAULT 0,
    -- The Ed25519 key that signs the audit checkpoints, pinned at the first checkpoint.
    audit_public_key TEXT
);

CREATE TABLE offices (
    id BIGINT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    parent BIGINT REFERENCES offices (id),
    signing_code TEXT,
    valid BOOLEAN NOT NULL,
    rev BIGINT NOT NULL
);

CREATE TABLE jobs (
    id BIGINT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    signing_code TEXT,
    name TEXT NOT NULL,
    office BIGINT NOT NULL REFERENCES offices (id),
    kind TEXT NOT NULL CHECK (kind IN ('head', 'secretariat', 'regular')),
    valid BOOLEAN NOT NULL,
    rev BIGINT NOT NULL
);
CREATE INDEX jobs_office ON jobs (office);

CREATE TABLE users (
    id BIGINT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('admin', 'system_user', 'user')),
    active BOOLEAN NOT NULL,
    title TEXT,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    gender TEXT NOT NULL CHECK (gender IN ('female', 'male', 'other', 'unspecified')),
    email TEXT NOT NULL,
    phone TEXT,
    rev BIGINT NOT NULL
);
CREATE INDEX users_email ON users (lower(email));

-- The jobs a user holds, in the order they were assigned.
CREATE TABLE user_jobs (
    user_id BIGINT NOT NULL REFERENCES users (id),
    position BIGINT NOT NULL,
    job_id BIGINT NOT NULL REFERENCES jobs (id),
    PRIMARY KEY (user_id, position),
    UNIQUE (user_id, job_id)
);
CREATE INDEX user_jobs_job ON user_jobs (job_id);

CREATE TABLE groups (
    id BIGINT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    rev BIGINT NOT NULL
);

CREATE TABLE group_users (
    group_id BIGINT NOT NULL REFERENCES groups (id),
    position BIGINT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (group_id, position)
);

CREATE TABLE group_jobs (
    group_id BIGINT NOT NULL REFERENCES groups (id),
    position BIGINT NOT NULL,
    job_id BIGINT NOT NULL REFERENCES jobs (id),
    PRIMARY KEY (group_id, position)
);

CREATE TABLE applications (
    id BIGINT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    writer_role BIGINT,
    rev BIGINT NOT NULL
);

CREATE TABLE roles (
    id BIGINT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('application', 'user', 'system')),
    app BIGINT REFERENCES applications (id),
    description TEXT NOT NULL,
    object_level BIGINT CHECK (object_level IN (0, 11, 12, 13, 14, 21, 22)),
    power TEXT CHECK (power IN ('user_admin', 'security_lead')),
    rev BIGINT NOT NULL
);

ALTER TABLE applications ADD FOREIGN KEY (writer_role) REFERENCES roles (id);

-- The roles a user role contains, in the engine's order.
CREATE TABLE role_members (
    role_id BIGINT NOT NULL REFERENCES roles (id),
    position BIGINT NOT NULL,
    member_id BIGINT NOT NULL REFERENCES roles (id),
    PRIMARY KEY (role_id, position)
);
CREATE INDEX role_members_member ON role_members (member_id);

-- One row once the organisation's settings were first set.
CREATE TABLE settings (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    organisation TEXT NOT NULL,
    dist_main_role BIGINT REFERENCES roles (id),
    reopen_role BIGINT REFERENCES roles (id),
    clearance_z1 BIGINT REFERENCES roles (id),
    clearance_z2 BIGINT REFERENCES roles (id),
    clearance_z3 BIGINT REFERENCES roles (id),
    default_view_z0 BIGINT NOT NULL,
    default_view_z1 BIGINT NOT NULL,
    default_view_z2 BIGINT NOT NULL,
    default_view_z3 BIGINT NOT NULL
);

-- Grants in force or waiting; a revoked grant's row is deleted (the audit trail keeps it).
CREATE TABLE grants (
    id BIGINT PRIMARY KEY,
    role BIGINT NOT NULL REFERENCES roles (id),
    grantee_type TEXT NOT NULL CHECK (grantee_type IN ('user', 'job', 'office', 'everyone')),
    grantee_id BIGINT,
    valid_from BIGINT,
    valid_to BIGINT,
    scope BIGINT REFERENCES offices (id),
    reference TEXT,
    rev BIGINT NOT NULL,
    CHECK ((grantee_type = 'everyone') = (grantee_id IS NULL))
);
CREATE INDEX grants_role ON grants (role);
CREATE INDEX grants_grantee ON grants (grantee_type, grantee_id);

CREATE TABLE classes (
    id BIGINT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    parent BIGINT REFERENCES classes (id),
    rev BIGINT NOT NULL
);

CREATE TABLE folders (
    id BIGINT PRIMARY KEY,
    app BIGINT NOT NULL REFERENCES applications (id),
    class BIGINT NOT NULL REFERENCES classes (id),
    title TEXT NOT NULL,
    z BIGINT NOT NULL CHECK (z BETWEEN 0 AND 3),
    c BIGINT NOT NULL CHECK (c BETWEEN 0 AND 3),
    r BIGINT NOT NULL CHECK (r BETWEEN 0 AND 3),
    state TEXT NOT NULL CHECK (state IN ('open', 'handed_over', 'closed')),
    creator_user BIGINT NOT NULL REFERENCES users (id),
    creator_job BIGINT NOT NULL REFERENCES jobs (id),
    responsible BIGINT REFERENCES jobs (id),
    sender BIGINT REFERENCES jobs (id),
    recipient BIGINT REFERENCES jobs (id),
    rev BIGINT NOT NULL
);
CREATE INDEX folders_class ON folders (class);

CREATE TABLE documents (
    id BIGINT PRIMARY KEY,
    folder BIGINT NOT NULL REFERENCES folders (id),
    title TEXT NOT NULL,
    z BIGINT NOT NULL CHECK (z BETWEEN 0 AND 3),
    c BIGINT NOT NULL CHECK (c BETWEEN 0 AND 3),
    r BIGINT NOT NULL CHECK (r BETWEEN 0 AND 3),
    state TEXT NOT NULL CHECK (state IN ('open', 'handed_over', 'closed')),
    creator_user BIGINT NOT NULL REFERENCES users (id),
    creator_job BIGINT NOT NULL REFERENCES jobs (id),
    responsible BIGINT REFERENCES jobs (id),
    sender BIGINT REFERENCES jobs (id),
    recipient BIGINT REFERENCES jobs (id),
    rev BIGINT NOT NULL
);
CREATE INDEX documents_folder ON documents (folder);

-- ACL entries in force; a removed entry's row is deleted (the audit trail keeps it). The
-- carrier and the entity are tagged the way the engine serialises them.
CREATE TABLE acl_entries (
    id BIGINT PRIMARY KEY,
    carrier_type TEXT NOT NULL CHECK (carrier_type IN ('class', 'folder', 'document')),
    carrier_id BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('allowed', 'maxAllowed')),
    entity_type TEXT NOT NULL CHECK (entity_type IN (
        'company', 'office', 'job', 'user', 'role', 'group',
        'creator', 'responsible', 'sender', 'recipient', 'dist_main')),
    entity_id BIGINT,
    value BIGINT NOT NULL CHECK (value IN (0, 11, 12, 13, 14, 21, 22)),
    group_value BIGINT NOT NULL CHECK (group_value IN (0, 11, 12, 13, 14, 21, 22)),
    valid_from BIGINT,
    valid_to BIGINT,
    rev BIGINT NOT NULL
);
CREATE INDEX acl_entries_carrier ON acl_entries (carrier_type, carrier_id);

-- The change log: one row per revision, the engine's events as JSON (kept verbatim: `json`,
-- not `jsonb`). A follower replays it.
CREATE TABLE changes (
    revision BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    action TEXT NOT NULL,
    actor JSONB NOT NULL,
    events JSON NOT NULL
);

-- The audit trail (see adam-store/src/audit.rs). `audit_chain` is the verifiable skeleton and
-- is never changed or deleted; `audit` holds each record's payload (the canonical JSON that
-- the commitment covers, as TEXT so its bytes are kept exactly) and copies of its fields for
-- searching. seq runs from 1 without gaps: it is computed as max(seq) + 1 under the store's
-- advisory lock, not drawn from a sequence (a rolled-back sequence value is a gap).
CREATE TABLE audit_chain (
    seq BIGINT PRIMARY KEY,
    period BIGINT NOT NULL,
    retention TEXT NOT NULL CHECK (retention IN ('change', 'access')),
    commitment TEXT NOT NULL,
    chain TEXT NOT NULL
);
CREATE TABLE audit (
    seq BIGINT PRIMARY KEY REFERENCES audit_chain (seq),
    revision BIGINT REFERENCES changes (revision),
    at BIGINT NOT NULL,
    actor_user BIGINT,
    actor_job BIGINT,
    action TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX audit_object ON audit (object_kind, object_id, seq);
CREATE INDEX audit_actor ON audit (actor_user, seq);
CREATE INDEX audit_revision ON audit (revision);
CREATE INDEX audit_at ON audit (at);

-- Signed checkpoints (also appended to a file outside the database).
CREATE TABLE audit_checkpoints (
    seq BIGINT PRIMARY KEY,
    chain TEXT NOT NULL,
    at BIGINT NOT NULL,
    key TEXT NOT NULL,
    signature TEXT NOT NULL
);

-- Retention purges (Art. 57(6)): each deletes the payloads of access records of the days up to
-- through_period and destroys those days' keys. Each purge is itself an audit record.
CREATE TABLE audit_purges (
    id BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    through_period BIGINT NOT NULL,
    records BIGINT NOT NULL,
    audit_seq BIGINT NOT NULL REFERENCES audit_chain (seq)
);

-- Retention holds: access records of these days are kept past the retention period, with the
-- recorded justification and approver the Decree asks for.
CREATE TABLE audit_holds (
    id BIGINT PRIMARY KEY,
    from_period BIGINT NOT NULL,
    through_period BIGINT NOT NULL CHECK (through_period >= from_period),
    justification TEXT NOT NULL,
    approved_by BIGINT NOT NULL REFERENCES users (id),
    at BIGINT NOT NULL,
    released BIGINT
);

-- The change log and the audit trail are append-only (SPEC §5: the trail cannot be reset).
-- The one sanctioned deletion is the retention purge: a payload of an access record of a day
-- that a recorded purge covers.
CREATE FUNCTION adam_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the % table is append-only', TG_TABLE_NAME;
END;
$$;
CREATE FUNCTION adam_audit_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM audit_chain c
        WHERE c.seq = OLD.seq AND c.retention = 'access'
          AND c.period <= (SELECT max(through_period) FROM audit_purges)
    ) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: only the retention purge deletes, and only access records of purged days';
END;
$$;
CREATE TRIGGER changes_append_only BEFORE UPDATE OR DELETE ON changes
    FOR EACH ROW EXECUTE FUNCTION adam_append_only();
CREATE TRIGGER audit_chain_append_only BEFORE UPDATE OR DELETE ON audit_chain
    FOR EACH ROW EXECUTE FUNCTION adam_append_only();
CREATE TRIGGER audit_append_only BEFORE UPDATE ON audit
    FOR EACH ROW EXECUTE FUNCTION adam_append_only();
CREATE TRIGGER audit_delete_only_by_purge BEFORE DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION adam_audit_delete();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION adam_append_only();
CREATE TRIGGER audit_purges_append_only BEFORE UPDATE OR DELETE ON audit_purges
    FOR EACH ROW EXECUTE FUNCTION adam_append_only();
CREATE TRIGGER audit_holds_no_delete BEFORE DELETE ON audit_holds
    FOR EACH ROW EXECUTE FUNCTION adam_append_only();
CREATE TRIGGER changes_no_truncate BEFORE TRUNCATE ON changes
    FOR EACH STATEMENT EXECUTE FUNCTION adam_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION adam_append_only();
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
    FOR EACH STATEMENT EXECUTE FUNCTION adam_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION adam_append_only();

-- Least privilege: nobody but the owner may touch the trail, and the owner is held by the
-- triggers above. (Run ADAM as a role that does not own the tables to take TRUNCATE and
-- trigger changes away from it too; see ARCHITECTURE.md.)
REVOKE UPDATE, DELETE, TRUNCATE ON audit, audit_chain, audit_checkpoints, audit_purges, changes FROM PUBLIC;

-- API tokens: only the SHA-256 of the secret is kept. Ids are never reused.
CREATE TABLE api_tokens (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    scopes JSONB NOT NULL,
    created BIGINT NOT NULL,
    expires BIGINT,
    revoked BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
