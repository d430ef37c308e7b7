-- Escalating locks (issue 12): how many locks of a key (an account from one source, or a
-- source address) are still remembered; each makes the next one longer. Keys are now of fixed
-- size (`account:<sha-256>`, `pair:<sha-256>:<ip>`, `address:<ip>`); rows under the old keys
-- (`account:<username>`) are dropped, the limits start afresh.
DELETE FROM auth_attempts;
ALTER TABLE auth_attempts ADD COLUMN locks BIGINT NOT NULL DEFAULT 0 CHECK (locks >= 0);
