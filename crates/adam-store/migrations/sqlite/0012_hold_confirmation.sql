-- Art. 57(6): access records are kept past the retention period only on a written risk
-- analysis and a justification confirmed by the head of the body. A hold names the risk
-- assessment it rests on (a record of the risk register, checked by the server), is proposed
-- by a security lead and keeps its days unconfirmed only until `grace_until` (the proposal plus
-- seven days); the head's confirmation (`confirmed_by`, `confirmed_at`) keeps them until the
-- hold is released. Keep in step with migrations/postgres/0012_hold_confirmation.sql.
ALTER TABLE audit_holds ADD COLUMN risk_assessment INTEGER;
ALTER TABLE audit_holds ADD COLUMN grace_until INTEGER;
ALTER TABLE audit_holds ADD COLUMN confirmed_by INTEGER REFERENCES users (id);
ALTER TABLE audit_holds ADD COLUMN confirmed_at INTEGER;

-- The holds placed before were decided by a security lead under the rule then in force: they
-- read as confirmed by their approver when they were recorded, and keep their days as before.
UPDATE audit_holds SET confirmed_by = approved_by, confirmed_at = at;
