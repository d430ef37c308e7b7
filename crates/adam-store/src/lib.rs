//! # adam-store
//!
//! Where ADAM keeps its state: the current records (offices, jobs, users, roles, grants, the
//! filing plan, folders, documents, ACL entries), the ordered change log, the audit trail and
//! the API tokens. Two backends implement one [`Store`] trait — the sum of the roles
//! [`WorldStore`], [`AuditTrail`], [`Credentials`] and [`Maintenance`], as lldap splits its
//! backend handler: SQLite (the embedded default, one file in the data directory, WAL mode)
//! and PostgreSQL (a connection URL; several ADAM servers may share one database). Each backend
//! has its own migrations, applied at open.
//!
//! ## The write path
//! Every change to the world is one call to [`WorldStore::commit`] with a planned change
//! ([`adam_core::Plan`]): in **one transaction** it claims the plan's revision in the change log
//! (refusing with [`StoreError::RevisionTaken`] when another server got there first), updates
//! the tables from the plan's events, appends the change set to the log and writes one audit
//! record per record touched. Either all of it is written or none of it.
//!
//! The traits are synchronous: the server calls it from `spawn_blocking`, behind a single writer.
//!
//! ## The cold start
//! [`WorldStore::load`] rebuilds the world from the tables (one event per record, in an order the
//! engine accepts), not by replaying the change log; see `load.rs`. The change log is for
//! followers: [`WorldStore::changes_since`] gives a second server what it needs to catch up.
//!
//! ## Layout
//! `sql.rs` is the small interface both backends implement (execute, stream rows; `Backend`:
//! read and write transactions); everything else is written once against it:
//! - the roles, each beside its area: `world.rs` ([`WorldStore`]: `write.rs`, the write path
//!   and the change log's reads; `load.rs`, the cold start), `audit/` ([`AuditTrail`]: the
//!   trail's records, chain, tail, checkpoints, search, retention and verification),
//!   `credentials.rs` ([`Credentials`]: `tokens.rs`, `limits.rs`, `authn.rs`),
//!   `maintenance.rs` ([`Maintenance`]) and `attachments.rs` ([`Attachments`]: files kept in
//!   the database, chunked and sealed);
//! - `keys/`: the key directory (day keys, the signing key and external checkpoints, the TOTP
//!   sealing key and `seal.rs`); `hex.rs`, `codec.rs`: encodings;
//! - `sqlite.rs` and `pg.rs` are the backends (with `pool.rs`); `migrate.rs` applies
//!   `migrations/<backend>/*.sql`.

mod activity;
pub mod attachments;
pub mod audit;
mod authn;
pub mod backup;
mod codec;
mod credentials;
mod error;
pub mod failover;
mod hex;
mod key_mover;
mod keys;
mod limits;
mod load;
mod maintenance;
mod migrate;
mod pg;
mod pool;
pub mod replication;
mod sql;
mod sqlite;
mod tokens;
mod wal;
mod world;
mod write;

pub use activity::AccountActivity;
pub use attachments::{Attachments, NewUpload, StoredAttachment, UploadId};
pub use audit::{
    AuditContext, AuditQuery, AuditRecord, AuditTrail, Checkpoint, HOLD_GRACE_SECONDS, Hold, HoldState, Keyring,
    NewAudit, PurgeReport, Retention, Verdict,
};
pub use authn::{
    AuthSession, PasswordChange, PasswordCredential, PasswordReset, SessionState, SignIn, StoredBackupCodes,
    TotpEnrolment,
};
pub use credentials::Credentials;
pub use error::StoreError;
pub use limits::AttemptState;
pub use maintenance::Maintenance;
pub use pg::PgStore;
pub use replication::Replication;
pub use sqlite::SqliteStore;
pub use tokens::ApiToken;
pub use world::WorldStore;

use std::sync::Arc;

/// The storage of one ADAM installation: every role the server and the command line use. A
/// store is any type with all the roles; the two backends get them from the shared logic
/// (`sql::Backend`). Callers hold an `Arc<dyn Store>` or a generic `S: Store` and call the
/// roles' methods without naming the roles.
pub trait Store:
    WorldStore + AuditTrail + Credentials + Maintenance + Attachments + Replication + Send + Sync + 'static
{
}

impl<T: WorldStore + AuditTrail + Credentials + Maintenance + Attachments + Replication + Send + Sync + 'static> Store
    for T
{
}

/// Opens a PostgreSQL store in the two-role setup: migrations and grants as `owner`, the
/// store itself as the role of `location` (see [`PgStore::connect_with_owner`]).
pub fn open_with_owner(location: &str, owner: &str, keys: Arc<Keyring>) -> Result<Box<dyn Store>, StoreError> {
    let location = location.trim();
    if !(location.starts_with("postgres://") || location.starts_with("postgresql://")) {
        return Err(StoreError::Open {
            location: pg::redact(location),
            reason: "a table owner's URL applies to PostgreSQL only".to_owned(),
        });
    }
    Ok(Box::new(PgStore::connect_with_owner(location, owner.trim(), keys)?))
}

/// Opens the store at `location`: `postgres://…` or `postgresql://…` for PostgreSQL;
/// `sqlite:<path>`, `sqlite://<path>` or a plain path for SQLite (the file is created if
/// missing). Pending migrations are applied. `keys` is the audit key directory.
pub fn open(location: &str, keys: Arc<Keyring>) -> Result<Box<dyn Store>, StoreError> {
    let location = location.trim();
    if location.starts_with("postgres://") || location.starts_with("postgresql://") {
        return Ok(Box::new(PgStore::connect(location, keys)?));
    }
    let path = location
        .strip_prefix("sqlite://")
        .or_else(|| location.strip_prefix("sqlite:"))
        .unwrap_or(location);
    if path.is_empty() || path.contains("://") {
        return Err(StoreError::BadLocation(pg::redact(location)));
    }
    Ok(Box::new(SqliteStore::open(path, keys)?))
}
