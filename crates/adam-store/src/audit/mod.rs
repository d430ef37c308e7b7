//! The audit trail: its records, their commitments and hash chain, signed checkpoints, the
//! tail every record is appended through, search, retention (holds and the purge) and the
//! verifier. The keys it is committed and signed with are in `keys/`.
//!
//! ## The record and its commitment
//! Each audit record is stored as its **payload** — the canonical JSON of everything it says
//! (who, when, from where, what, before, after, outcome), keys sorted, no spaces — plus a few
//! copies of payload fields in columns so the trail can be searched. The payload is committed
//! to by a 32-byte **commitment**:
//! - a record of a change (`retention = change`: the directory, roles, grants, ACLs,
//!   workflows, tokens) is committed by `SHA-256(0x00 ‖ "adam-audit-v1" ‖ payload)`; it is kept
//!   as long as the organisation exists (it is the access-rights register of Art. 51(5));
//! - a record of an access (`retention = access`: access decisions, actions reported by
//!   applications, sign-ins — the event logs with personal data of Art. 57(6)) is committed by
//!   `HMAC-SHA-256(day key, payload)`, under the key of its day (its *period*). Purging a day
//!   deletes the payloads and destroys the key, so nothing is left from which the content could
//!   be recovered or even confirmed by guessing — a plain hash of "user 17 opened document 3 at
//!   10:02" could be confirmed by trying the few likely values.
//!
//! ## The chain
//! `chain(n) = SHA-256(0x01 ‖ chain(n-1) ‖ seq ‖ period ‖ retention ‖ commitment(n))`, with
//! `chain(0)` all zeros. The chain covers only what is never deleted, so a purge leaves it
//! verifiable; any change to a payload breaks its commitment, and any change, removal,
//! insertion or reordering of records breaks the chain from there on.
//!
//! ## Checkpoints
//! Every [`CHECKPOINT_EVERY`] records (and on demand, e.g. every minute by the server) the
//! store signs `(seq, chain(seq), at)` with the installation's Ed25519 key. Checkpoints go
//! into the database *and* are appended to `checkpoints.jsonl` in the key directory, outside
//! the database: cutting the tail of the trail in the database is then caught by the external
//! checkpoint, and re-writing the whole chain is caught by the signatures. The public key is
//! pinned in the database at the first checkpoint; a swapped key file is caught by the pin.
//!
//! ## Layout
//! - `record.rs`: the record types ([`AuditContext`], [`NewAudit`], [`AuditRecord`]);
//! - `chain.rs`: canonical JSON, commitments, the chain (pure functions);
//! - `tail.rs`: appending records (`Tail`), the only writer of the trail;
//! - `index.rs`: moving the search keys from the tail into the lookup tables behind a watermark;
//! - `checkpoint.rs`: the database side of checkpoints;
//! - `search.rs`: reading and searching ([`AuditQuery`]);
//! - `retention.rs`: holds and the purge ([`Hold`], [`PurgeReport`]);
//! - `verify/`: recomputing the trail ([`Verdict`]);
//! - here: the store's role [`AuditTrail`], written once for both backends.

pub(crate) mod chain;
pub(crate) mod checkpoint;
pub(crate) mod index;
pub(crate) mod record;
pub(crate) mod retention;
pub(crate) mod search;
pub(crate) mod tail;
pub(crate) mod verify;

pub use crate::hex::{hex, unhex};
pub use crate::keys::checkpoint::Checkpoint;
pub use crate::keys::{Keyring, TOTP_KEY_FILE, TOTP_NEXT_FILE};
pub use chain::{
    CHECKPOINT_EVERY, GENESIS, PERIOD_SECONDS, Retention, canonical_json, chain_next, commitment, period_of,
};
pub use record::{AuditContext, AuditRecord, NewAudit, ShippedAudit};
pub use retention::{HOLD_GRACE_SECONDS, Hold, HoldState, PurgeReport};
pub use search::AuditQuery;
pub use verify::verifier::{Problem, Verdict};

use crate::StoreError;
use crate::sql::Backend;
use adam_core::Timestamp;

/// The audit trail: appending records that are not world changes, reading and searching,
/// checkpoints, verification, retention holds and the purge.
pub trait AuditTrail {
    /// Appends audit records that are not world changes, in one transaction.
    fn append_audit(&self, records: &[NewAudit]) -> Result<(), StoreError>;

    /// Audit records with `seq > after`, in order, at most `limit`.
    fn audit_since(&self, after: u64, limit: usize) -> Result<Vec<AuditRecord>, StoreError>;

    /// The newest audit records about one object (`ADAM_ENTITY_JOB`, id), newest first.
    fn object_history(&self, kind: &str, id: u32, limit: usize) -> Result<Vec<AuditRecord>, StoreError>;

    /// Searches the audit trail, newest first.
    fn audit_search(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>, StoreError>;

    /// Signs the end of the audit trail now (if anything is new since the last checkpoint) and
    /// copies every checkpoint the external file lacks to it.
    fn audit_checkpoint(&self, at: Timestamp) -> Result<Option<Checkpoint>, StoreError>;

    /// Recomputes the whole audit trail: every commitment, the chain, every checkpoint. A long
    /// trail is cut into stretches checked side by side, one per core.
    fn audit_verify(&self) -> Result<Verdict, StoreError> {
        self.audit_verify_in(0)
    }

    /// [`AuditTrail::audit_verify`] with `workers` stretches checked side by side, each on a
    /// connection of its own (0: one per core for a long trail, one for a short one; one
    /// stretch is read by one thread and checked by another). The verdict is the same whatever the
    /// number, except that a chain broken in several stretches is reported once per stretch.
    fn audit_verify_in(&self, workers: usize) -> Result<Verdict, StoreError>;

    /// The check at start: the newest external checkpoint against the database.
    fn audit_quick_check(&self) -> Result<Verdict, StoreError>;

    /// Purges access records older than `retention_days` (except held days): deletes their
    /// payloads, records the purge, and destroys the day keys.
    fn audit_purge(&self, context: &AuditContext, retention_days: u32) -> Result<PurgeReport, StoreError>;

    /// Records a retention hold, proposed: it keeps its days for [`HOLD_GRACE_SECONDS`] unless
    /// confirmed.
    fn audit_hold(&self, hold: &Hold, context: &AuditContext) -> Result<Hold, StoreError>;

    /// Records the confirmation of a proposed hold by `by` (the head of the body), with its
    /// audit record, in one transaction.
    fn audit_confirm_hold(&self, id: i64, by: adam_core::UserId, context: &AuditContext) -> Result<Hold, StoreError>;

    /// Releases a retention hold.
    fn audit_release_hold(&self, id: i64, context: &AuditContext) -> Result<(), StoreError>;

    /// Every retention hold.
    fn audit_holds(&self) -> Result<Vec<Hold>, StoreError>;
}

impl<B: Backend> AuditTrail for B {
    fn append_audit(&self, records: &[NewAudit]) -> Result<(), StoreError> {
        self.write(|tx, writes| tail::append_audit(tx, self.keyring(), records, writes))
    }

    fn audit_since(&self, after: u64, limit: usize) -> Result<Vec<AuditRecord>, StoreError> {
        self.read(|tx| search::audit_since(tx, after, limit))
    }

    fn object_history(&self, kind: &str, id: u32, limit: usize) -> Result<Vec<AuditRecord>, StoreError> {
        self.read(|tx| search::object_history(tx, kind, id, limit))
    }

    fn audit_search(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>, StoreError> {
        self.read(|tx| search::search(tx, query))
    }

    fn audit_checkpoint(&self, at: Timestamp) -> Result<Option<Checkpoint>, StoreError> {
        let made = self.write(|tx, writes| checkpoint::checkpoint(tx, self.keyring(), at, writes))?;
        let have = self.keyring().newest_external_seq()?;
        let missing = self.read(|tx| checkpoint::checkpoints_after(tx, have))?;
        self.keyring().append_checkpoints(&missing)?;
        Ok(made)
    }

    fn audit_verify_in(&self, workers: usize) -> Result<Verdict, StoreError> {
        // The head outside the database first: every record it names was committed before the
        // transaction below takes its snapshot.
        let head = verify::head::read_head(self.keyring());
        self.read(|tx| {
            let snapshot = tx.export_snapshot()?;
            verify::verify(tx, self.keyring(), &head, workers, &|f| {
                self.read_beside(snapshot.as_deref(), f)
            })
        })
    }

    fn audit_quick_check(&self) -> Result<Verdict, StoreError> {
        let head = verify::head::read_head(self.keyring());
        self.read(|tx| verify::quick_check(tx, self.keyring(), &head))
    }

    fn audit_purge(&self, context: &AuditContext, retention_days: u32) -> Result<PurgeReport, StoreError> {
        let report = self.write(|tx, writes| retention::purge(tx, self.keyring(), context, retention_days, writes))?;
        self.keyring().destroy_through(report.through_period, &report.held)?;
        self.after_purge()?;
        Ok(report)
    }

    fn audit_hold(&self, hold: &Hold, context: &AuditContext) -> Result<Hold, StoreError> {
        self.write(|tx, writes| retention::add_hold(tx, self.keyring(), hold, context, writes))
    }

    fn audit_confirm_hold(&self, id: i64, by: adam_core::UserId, context: &AuditContext) -> Result<Hold, StoreError> {
        self.write(|tx, writes| retention::confirm_hold(tx, self.keyring(), id, by, context, writes))
    }

    fn audit_release_hold(&self, id: i64, context: &AuditContext) -> Result<(), StoreError> {
        self.write(|tx, writes| retention::release_hold(tx, self.keyring(), id, context, writes))
    }

    fn audit_holds(&self) -> Result<Vec<Hold>, StoreError> {
        self.read(retention::holds)
    }
}
