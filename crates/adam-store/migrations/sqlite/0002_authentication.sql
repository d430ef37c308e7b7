-- Authentication (issue 5): passwords, second factors, password resets and sessions.
-- Nothing here is reversible to a secret: passwords are Argon2id PHC strings, reset links and
-- session ids are SHA-256 of 256-bit random secrets, backup codes are HMAC-SHA-256 tags under a
-- key kept outside the database. The one exception is the TOTP seed, which the server must be
-- able to read to compute codes; it lives alone in auth_totp so that a backup or an export of
-- the other tables never carries it, and the table is the one to encrypt at the storage layer.

CREATE TABLE auth_passwords (
    user_id INTEGER PRIMARY KEY REFERENCES users (id),
    phc TEXT NOT NULL,
    must_change INTEGER NOT NULL CHECK (must_change IN (0, 1)),
    set_at INTEGER NOT NULL
) STRICT;

CREATE TABLE auth_totp (
    user_id INTEGER PRIMARY KEY REFERENCES users (id),
    secret TEXT NOT NULL,
    confirmed INTEGER NOT NULL CHECK (confirmed IN (0, 1)),
    created INTEGER NOT NULL,
    last_step INTEGER
) STRICT;

-- One row per account: the set of ten backup codes as adam-auth stores it (tags and used flags).
CREATE TABLE auth_backup_codes (
    user_id INTEGER PRIMARY KEY REFERENCES users (id),
    codes TEXT NOT NULL,
    created INTEGER NOT NULL,
    used_at INTEGER
) STRICT;

CREATE TABLE auth_resets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    hash TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    users TEXT NOT NULL,
    created INTEGER NOT NULL,
    expires INTEGER NOT NULL,
    used_at INTEGER,
    source_ip TEXT
) STRICT;

-- A session is 'active', or a half-finished sign-in: 'mfa' (password right, second factor
-- outstanding; its secret is the login challenge, never a cookie), 'mfa_enrolment' (a second
-- factor is required and none is enrolled: only enrolment is allowed) or 'password_change' (a
-- temporary password that must be changed first: only the change is allowed).
CREATE TABLE auth_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    hash TEXT NOT NULL UNIQUE,
    csrf_hash TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id),
    state TEXT NOT NULL CHECK (state IN ('active', 'mfa', 'mfa_enrolment', 'password_change')),
    mfa INTEGER NOT NULL CHECK (mfa IN (0, 1)),
    created INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    expires INTEGER NOT NULL,
    revoked_at INTEGER,
    source_ip TEXT,
    user_agent TEXT
) STRICT;
CREATE INDEX auth_sessions_user ON auth_sessions (user_id);
