//! # adam-store
//!
//! Where ADAM keeps its state: the current records (offices, jobs, users, roles, grants, the
//! filing plan, folders, documents, ACL entries), the ordered change log, the audit trail and
//! the API tokens. Two backends implement one [`Store`] trait: SQLite (the embedded default,
//! one file in the data directory, WAL mode) and PostgreSQL (a connection URL; several ADAM
//! servers may share one database). Each backend has its own migrations, applied at open.
//!
//! ## The write path
//! Every change to the world is one call to [`Store::commit`] with a planned change
//! ([`adam_core::Plan`]): in **one transaction** it claims the plan's revision in the change log
//! (refusing with [`StoreError::RevisionTaken`] when another server got there first), updates
//! the tables from the plan's events, appends the change set to the log and writes one audit
//! record per record touched. Either all of it is written or none of it.
//!
//! The trait is synchronous: the server calls it from `spawn_blocking`, behind a single writer.
//!
//! ## The cold start
//! [`Store::load`] rebuilds the world from the tables (one event per record, in an order the
//! engine accepts), not by replaying the change log; see `load.rs`. The change log is for
//! followers: [`Store::changes_since`] gives a second server what it needs to catch up.
//!
//! ## Layout
//! `sql.rs` is the small interface both backends implement (execute, stream rows); `write.rs`
//! (the write path, audit, tokens) and `load.rs` (the cold start) are written once against it;
//! `sqlite.rs` and `pg.rs` are the backends; `migrate.rs` applies `migrations/<backend>/*.sql`.

mod codec;
mod error;
mod load;
mod migrate;
mod pg;
mod pool;
mod sql;
mod sqlite;
mod write;

pub use error::StoreError;
pub use pg::PgStore;
pub use sqlite::SqliteStore;

use adam_core::{Actor, AuditObject, ChangeSet, Plan, Revision, Text, Timestamp, UserId, World};
use serde::{Deserialize, Serialize};

/// Who made a change or a request, from where, through which application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditContext {
    /// When (the server's clock).
    pub at: Timestamp,
    /// Who.
    pub actor: Actor,
    /// The client's IP address, when known.
    pub source_ip: Option<String>,
    /// The application the request came through (`adam-api`, `adam-cli`, `VOPI`…).
    pub application: Option<String>,
}

/// An audit record to append that is not a change to the world (a token issued, a refused
/// request, an access decision reported by an application…).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAudit {
    /// Context.
    pub context: AuditContext,
    /// What happened (`token.issue`, `document.open`, `access.denied`…).
    pub action: String,
    /// The record it is about.
    pub object: AuditObject,
    /// Before, if it is a change.
    pub before: Option<serde_json::Value>,
    /// After, if it is a change.
    pub after: Option<serde_json::Value>,
    /// `ok`, or `refused: <reason code>`.
    pub outcome: String,
}

/// A stored audit record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// Position in the trail, from 1, without gaps.
    pub seq: u64,
    /// The revision of the world change it belongs to, if it is one.
    pub revision: Option<Revision>,
    /// Context (who, when, from where, through what).
    pub context: AuditContext,
    /// Action.
    pub action: String,
    /// The record it is about.
    pub object: AuditObject,
    /// Before.
    pub before: Option<serde_json::Value>,
    /// After.
    pub after: Option<serde_json::Value>,
    /// Outcome.
    pub outcome: String,
}

/// An API token. Only a hash of the secret is stored; the secret is shown once, at issue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ApiToken {
    /// Id (assigned by the store; 0 before insertion).
    pub id: i64,
    /// The account it acts as.
    pub user: UserId,
    /// A name to recognise it by ("nightly import").
    pub name: String,
    /// The first characters of the secret, to tell tokens apart in lists.
    pub prefix: String,
    /// Hex SHA-256 of the secret.
    pub hash: String,
    /// What it may be used for (`read`, `write`, `check`…).
    pub scopes: Vec<String>,
    /// When issued.
    pub created: Timestamp,
    /// When it stops working.
    pub expires: Option<Timestamp>,
    /// When revoked.
    pub revoked: Option<Timestamp>,
}

/// The storage of one ADAM installation.
pub trait Store: Send + Sync + 'static {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;

    /// Records the organisation's name in an empty store; returns `false` (and changes
    /// nothing) when the store is already initialised.
    fn initialise(&self, organisation: &Text) -> Result<bool, StoreError>;

    /// Loads the whole world at the latest revision ([`StoreError::NotInitialised`] when empty).
    fn load(&self) -> Result<World, StoreError>;

    /// Persists a planned change in one transaction: the revision, the tables, the change log
    /// and one audit record per [`adam_core::ObjectChange`].
    fn commit(&self, plan: &Plan, context: &AuditContext) -> Result<(), StoreError>;

    /// The latest committed revision (0 when nothing has been committed).
    fn latest_revision(&self) -> Result<Revision, StoreError>;

    /// Change sets after `after`, in order, at most `limit` of them.
    fn changes_since(&self, after: Revision, limit: usize) -> Result<Vec<ChangeSet>, StoreError>;

    /// Appends audit records that are not world changes, in one transaction.
    fn append_audit(&self, records: &[NewAudit]) -> Result<(), StoreError>;

    /// Audit records with `seq > after`, in order, at most `limit`.
    fn audit_since(&self, after: u64, limit: usize) -> Result<Vec<AuditRecord>, StoreError>;

    /// The newest audit records about one object (`ADAM_ENTITY_JOB`, id), newest first.
    fn object_history(&self, kind: &str, id: u32, limit: usize) -> Result<Vec<AuditRecord>, StoreError>;

    /// Stores a new token (and its audit record) and returns its id.
    fn create_token(&self, token: &ApiToken, context: &AuditContext) -> Result<i64, StoreError>;

    /// The token with this hash, revoked or not.
    fn token_by_hash(&self, hash: &str) -> Result<Option<ApiToken>, StoreError>;

    /// Revokes a token (and records it).
    fn revoke_token(&self, id: i64, context: &AuditContext) -> Result<(), StoreError>;

    /// The tokens of an account, newest first.
    fn tokens_of(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError>;
}

/// Opens the store at `location`: `postgres://…` or `postgresql://…` for PostgreSQL;
/// `sqlite:<path>`, `sqlite://<path>` or a plain path for SQLite (the file is created if
/// missing). Pending migrations are applied.
pub fn open(location: &str) -> Result<Box<dyn Store>, StoreError> {
    let location = location.trim();
    if location.starts_with("postgres://") || location.starts_with("postgresql://") {
        return Ok(Box::new(PgStore::connect(location)?));
    }
    let path = location
        .strip_prefix("sqlite://")
        .or_else(|| location.strip_prefix("sqlite:"))
        .unwrap_or(location);
    if path.is_empty() || path.contains("://") {
        return Err(StoreError::BadLocation(pg::redact(location)));
    }
    Ok(Box::new(SqliteStore::open(path)?))
}

/// The [`Store`] methods are the same for both backends: each runs the shared logic in the
/// backend's read snapshot or locked write transaction.
macro_rules! store_impl {
    ($ty:ty, $name:literal) => {
        impl Store for $ty {
            fn backend(&self) -> &'static str {
                $name
            }

            fn initialise(&self, organisation: &Text) -> Result<bool, StoreError> {
                self.write(|tx, _| write::initialise(tx, organisation))
            }

            fn load(&self) -> Result<World, StoreError> {
                self.read(load::load)
            }

            fn commit(&self, plan: &Plan, context: &AuditContext) -> Result<(), StoreError> {
                self.write(|tx, writes| write::commit(tx, plan, context, writes))
            }

            fn latest_revision(&self) -> Result<Revision, StoreError> {
                self.read(write::latest_revision)
            }

            fn changes_since(&self, after: Revision, limit: usize) -> Result<Vec<ChangeSet>, StoreError> {
                self.read(|tx| write::changes_since(tx, after, limit))
            }

            fn append_audit(&self, records: &[NewAudit]) -> Result<(), StoreError> {
                self.write(|tx, writes| write::append_audit(tx, records, writes))
            }

            fn audit_since(&self, after: u64, limit: usize) -> Result<Vec<AuditRecord>, StoreError> {
                self.read(|tx| write::audit_since(tx, after, limit))
            }

            fn object_history(&self, kind: &str, id: u32, limit: usize) -> Result<Vec<AuditRecord>, StoreError> {
                self.read(|tx| write::object_history(tx, kind, id, limit))
            }

            fn create_token(&self, token: &ApiToken, context: &AuditContext) -> Result<i64, StoreError> {
                self.write(|tx, writes| write::create_token(tx, token, context, writes))
            }

            fn token_by_hash(&self, hash: &str) -> Result<Option<ApiToken>, StoreError> {
                self.read(|tx| write::token_by_hash(tx, hash))
            }

            fn revoke_token(&self, id: i64, context: &AuditContext) -> Result<(), StoreError> {
                self.write(|tx, writes| write::revoke_token(tx, id, context, writes))
            }

            fn tokens_of(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError> {
                self.read(|tx| write::tokens_of(tx, user))
            }
        }
    };
}

store_impl!(SqliteStore, "sqlite");
store_impl!(PgStore, "postgres");
