-- Attempt limits shared by every server (issue 5): the state of each account
-- (`account:<username>`) and source address (`address:<ip or /64>`) with recent failed
-- sign-ins. Servers read a key before deciding and write it after a failure.
CREATE TABLE auth_attempts (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL CHECK (failures >= 0),
    delay_until INTEGER NOT NULL,
    locked_until INTEGER,
    last_failure INTEGER NOT NULL
) STRICT;
