-- Which committed revision refers to which stored file (issue 15: an attachment is written in
-- the same transaction as the record that refers to it). The bytes are uploaded first, chunk
-- by chunk (a 200 MB file cannot wait inside the one write transaction); the record's own
-- transaction then checks that each file it names is stored with its size and writes a row
-- here, so a committed record never names a missing file, and a file no row names is an
-- upload nobody used: it is swept a day after it began. Revision 0 keeps every file stored
-- before references were kept (nothing stored before this migration is ever swept).
CREATE TABLE attachment_refs (
    digest TEXT NOT NULL,
    revision BIGINT NOT NULL,
    PRIMARY KEY (digest, revision)
);
INSERT INTO attachment_refs (digest, revision) SELECT digest, 0 FROM attachments WHERE digest IS NOT NULL;
