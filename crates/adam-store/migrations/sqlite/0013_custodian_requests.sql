-- Rights on the custodian's request (Decree Art. 51(1), issue #15): when on, a grant of a role
-- whose application lives in a system of the inventory is made by its custodian or names her request.
ALTER TABLE settings ADD COLUMN custodian_requests INTEGER NOT NULL DEFAULT 0 CHECK (custodian_requests IN (0, 1));
