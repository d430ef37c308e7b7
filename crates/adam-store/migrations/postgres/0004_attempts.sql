-- Attempt limits shared by every server (issue 5): the state of each account
-- (`account:<username>`) and source address (`address:<ip or /64>`) with recent failed
-- sign-ins. Servers read a key before deciding and write it after a failure.
CREATE TABLE auth_attempts (
    key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL CHECK (failures >= 0),
    delay_until BIGINT NOT NULL,
    locked_until BIGINT,
    last_failure BIGINT NOT NULL
);
