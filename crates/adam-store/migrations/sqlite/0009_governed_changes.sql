-- "ADAM governs its own changes" (issue 16, Decree Art. 22): when on, a change to the contents
-- of a role of a Z3/C3 system's application, or to the settings, names an approved change request.
ALTER TABLE settings ADD COLUMN governed_changes INTEGER NOT NULL DEFAULT 0 CHECK (governed_changes IN (0, 1));
