//! Storage errors.
//!
//! One enum for both backends, so the server reacts to a refusal the same way whatever the
//! database. Database-specific failures are reduced to a message (with any password in a
//! connection URL removed: no secrets in logs).
//!
//! A standby's [`Refusal`] of what its primary sent is here too, beside the error that carries
//! it: both the audit trail's tail (which proves each shipped record) and `replication/` raise
//! it, and the tail must not import `replication/`, which builds on the trail.

use adam_core::Revision;

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store holds no organisation yet.
    #[error("the store is empty: run `adam init` first")]
    NotInitialised,
    /// Another writer committed this revision first; catch up and plan again.
    #[error("revision {0} was committed by another writer")]
    RevisionTaken(Revision),
    /// A plan that does not follow the latest stored revision.
    #[error("the plan follows revision {planned} but the store is at {stored}")]
    OutOfOrder {
        /// The plan's base revision.
        planned: Revision,
        /// The store's latest revision.
        stored: Revision,
    },
    /// No such record.
    #[error("not found: {0}")]
    NotFound(String),
    /// A one-time secret (a reset link, a TOTP step) that was used meanwhile.
    #[error("already used: {0}")]
    Spent(String),
    /// Stored data that cannot be read back into the model.
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    /// The engine refused to rebuild the world from the stored records.
    #[error("stored records do not form a valid world: {0}")]
    Model(#[from] adam_core::Error),
    /// A failure injected by a test.
    #[error("injected failure: {0}")]
    Injected(&'static str),
    /// A standby refused what its primary sent (`replication/`).
    #[error("replication: {0}")]
    Replication(#[from] Refusal),
    /// The database failed.
    #[error("database error: {0}")]
    Database(String),
    /// A store location that names neither backend.
    #[error("{0:?} is not a store location: use sqlite:<path> (or a plain path) or postgres://user@host/database")]
    BadLocation(String),
    /// The database could not be opened or reached.
    #[error("cannot open the store at {location}: {reason}")]
    Open {
        /// Where (a path, or a URL without its password).
        location: String,
        /// Why.
        reason: String,
    },
    /// The location holds something that is not an ADAM store.
    #[error("{location} is not an ADAM store: {reason}")]
    NotAStore {
        /// Where.
        location: String,
        /// What was found instead.
        reason: String,
    },
    /// A record names a file that is not stored with the size it gives (never uploaded, or
    /// swept as unused before the record was written).
    #[error("attachment {0} is not stored with the size the record gives")]
    UnknownAttachment(String),
    /// The audit trail refused a record or a purge (a destroyed day key, a hold…).
    #[error("audit trail: {0}")]
    Audit(String),
    /// The audit key directory cannot be read or written.
    #[error("audit keys: {0}")]
    Keys(String),
    /// The database was migrated by a newer ADAM than this one.
    #[error("the store's schema is at version {found} but this ADAM knows versions up to {known}: upgrade ADAM")]
    SchemaTooNew {
        /// The newest migration recorded in the store.
        found: i64,
        /// The newest migration this build carries.
        known: i64,
    },
}

/// Why a standby refused what its primary sent: the histories diverged, or the batch is not
/// what the primary stored.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The primary's generation is neither the one followed nor one it descends from.
    #[error(
        "the primary is at generation {primary} (number {number}), which does not continue generation {followed} that this standby follows"
    )]
    Generation {
        /// The primary's.
        primary: String,
        /// Its number.
        number: u64,
        /// The one followed.
        followed: String,
    },
    /// The primary's chain value at the standby's last record differs from the standby's.
    #[error(
        "the histories diverge at audit record {seq}: the primary's chain there is not this standby's (a new standby must be seeded)"
    )]
    Diverged {
        /// The record.
        seq: u64,
    },
    /// The primary's change at the standby's revision differs from the standby's.
    #[error("the histories diverge at revision {revision}: the primary's change there is not this standby's")]
    DivergedChange {
        /// The revision.
        revision: u64,
    },
    /// The standby holds more than the primary: the primary lost part of its history.
    #[error(
        "this standby holds revision {standby_revision} and audit record {standby_seq}, beyond the primary's {primary_revision} and {primary_seq}: the primary lost history"
    )]
    Ahead {
        /// The standby's revision.
        standby_revision: u64,
        /// The standby's record.
        standby_seq: u64,
        /// The primary's revision.
        primary_revision: u64,
        /// The primary's record.
        primary_seq: u64,
    },
    /// A record or change that is not the next one.
    #[error("expected {what} {expected}, received {got}")]
    Gap {
        /// A change or an audit record.
        what: &'static str,
        /// The next one.
        expected: u64,
        /// What arrived.
        got: u64,
    },
    /// A change whose checksum does not match its content.
    #[error("change {revision} does not match its checksum")]
    Checksum {
        /// The revision.
        revision: u64,
    },
    /// An audit record whose payload does not match its commitment.
    #[error("audit record {seq} does not match its commitment")]
    Commitment {
        /// The record.
        seq: u64,
    },
    /// An audit record whose chain value does not follow.
    #[error("audit record {seq} breaks the chain")]
    Chain {
        /// The record.
        seq: u64,
    },
    /// A checkpoint not signed by the installation's key or not matching the chain.
    #[error("the checkpoint at audit record {seq} is not the installation's or does not match the chain")]
    Checkpoint {
        /// Its record.
        seq: u64,
    },
    /// An access record of a day whose key the standby's key directory no longer has.
    #[error(
        "the key of day {period} is missing from this standby's key directory (copy the primary's key directory once, at set-up)"
    )]
    DayKeyMissing {
        /// The day.
        period: i64,
    },
    /// A record whose fields cannot be read.
    #[error("audit record {seq} is malformed: {what}")]
    Malformed {
        /// The record.
        seq: u64,
        /// What is wrong.
        what: &'static str,
    },
    /// The store is not a standby (a primary never applies another's batches).
    #[error("this store is a primary: it takes no batches from another server")]
    NotStandby,
}

impl Refusal {
    /// A stable name of the refusal, for problem types and metrics.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Generation { .. } => "generation",
            Refusal::Diverged { .. } | Refusal::DivergedChange { .. } => "diverged",
            Refusal::Ahead { .. } => "standby-ahead",
            Refusal::Gap { .. } => "gap",
            Refusal::Checksum { .. } => "checksum",
            Refusal::Commitment { .. } => "commitment",
            Refusal::Chain { .. } => "chain",
            Refusal::Checkpoint { .. } => "checkpoint",
            Refusal::DayKeyMissing { .. } => "day-key-missing",
            Refusal::Malformed { .. } => "malformed",
            Refusal::NotStandby => "not-standby",
        }
    }
}
