//! Storage errors.
//!
//! One enum for both backends, so the server reacts to a refusal the same way whatever the
//! database. Database-specific failures are reduced to a message (with any password in a
//! connection URL removed: no secrets in logs).

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
    Replication(#[from] crate::replication::Refusal),
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
