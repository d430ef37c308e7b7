-- Attachments (issue 15): the files register records refer to, kept in the database so that
-- backups and a standby of the database carry them. Content-addressed: one row per SHA-256
-- digest of the plaintext (NULL while an upload is under way, so a crashed upload leaves a
-- row without a digest that nothing can refer to). The bytes are in `attachment_chunks`, one
-- row per chunk of at most 256 KiB, each sealed with XChaCha20-Poly1305 under
-- `attachments.key` in the key directory (never in the database). `attachment_uploaders`
-- lists everyone who uploaded a file (the same bytes uploaded again are not stored again):
-- until a record refers to it, only they may read it.
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    digest TEXT UNIQUE,
    size INTEGER NOT NULL DEFAULT 0,
    chunks INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL,
    media_type TEXT,
    encrypted INTEGER NOT NULL,
    uploaded_by INTEGER,
    created_at INTEGER NOT NULL
) STRICT;
CREATE TABLE attachment_chunks (
    attachment INTEGER NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (attachment, seq)
) STRICT;
CREATE TABLE attachment_uploaders (
    attachment INTEGER NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL,
    PRIMARY KEY (attachment, user_id)
) STRICT;
