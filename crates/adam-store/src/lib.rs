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

pub mod audit;
mod authn;
mod codec;
mod error;
mod limits;
mod load;
mod migrate;
mod pg;
mod pool;
mod scan;
mod seal;
mod sql;
mod sqlite;
mod trail;
mod verify;
mod write;

pub use audit::{Checkpoint, Keyring, Retention, Verdict};
pub use authn::{
    AuthSession, PasswordChange, PasswordCredential, PasswordReset, SessionState, SignIn, StoredBackupCodes,
    TotpEnrolment,
};
pub use error::StoreError;
pub use limits::AttemptState;
pub use pg::PgStore;
pub use sqlite::SqliteStore;

use adam_core::{Actor, AuditObject, ChangeSet, JobId, Plan, Revision, Text, Timestamp, UserId, World};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Who made a change or a request, from where, through which application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// How long it is kept: `access` records (decisions, reported accesses, sign-ins) are
    /// purged after the retention period.
    pub retention: Retention,
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuditRecord {
    /// Position in the trail, from 1, without gaps.
    pub seq: u64,
    /// The revision of the world change it belongs to, if it is one.
    pub revision: Option<Revision>,
    /// Context (who, when, from where, through what).
    pub context: AuditContext,
    /// The job the actor acted in.
    pub actor_job: Option<JobId>,
    /// How long it is kept.
    pub retention: Retention,
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

/// A search of the audit trail (every filter optional; newest first).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// Records by this user.
    pub actor: Option<UserId>,
    /// About objects of this type (`ADAM_ENTITY_JOB`).
    pub object_kind: Option<String>,
    /// About the object with this id (with `object_kind`).
    pub object_id: Option<u32>,
    /// This action or its sub-actions (`workflow` matches `workflow.accept`).
    pub action: Option<String>,
    /// At or after.
    pub from: Option<Timestamp>,
    /// Before.
    pub to: Option<Timestamp>,
    /// Only changes to the world (records with a revision).
    pub changes_only: bool,
    /// The cursor: records with `seq` below this.
    pub before: Option<u64>,
    /// Page size.
    pub limit: usize,
}

/// A retention hold: access records of these days are kept past the retention period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Hold {
    /// Id (assigned by the store).
    pub id: i64,
    /// The first day held (days since 1970-01-01, UTC).
    pub from_period: i64,
    /// The last day held.
    pub through_period: i64,
    /// Why (Art. 57(6): longer retention only with a recorded justification).
    pub justification: String,
    /// Who approved it.
    pub approved_by: UserId,
    /// When it was recorded.
    pub at: Timestamp,
    /// When it was released.
    pub released: Option<Timestamp>,
}

/// What a retention purge did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PurgeReport {
    /// Access records of days up to this one were purged (days since 1970-01-01, UTC).
    pub through_period: i64,
    /// Payloads deleted.
    pub records: u64,
    /// Days kept because of a hold.
    pub held: Vec<i64>,
    /// The retention period applied, in days.
    pub retention_days: u32,
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

    /// The change log with each revision's instant and actor (for the access-rights register).
    fn change_log(&self, after: Revision, limit: usize) -> Result<Vec<adam_core::LoggedChange>, StoreError>;

    /// The world as it stood at an instant, rebuilt from the change log.
    fn world_at(&self, at: Timestamp) -> Result<World, StoreError>;

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

    /// [`Store::audit_verify`] with `workers` stretches checked side by side, each on a
    /// connection of its own (0: one per core for a long trail, one for a short one; one
    /// stretch is read by one thread and checked by another). The verdict is the same whatever the
    /// number, except that a chain broken in several stretches is reported once per stretch.
    fn audit_verify_in(&self, workers: usize) -> Result<Verdict, StoreError>;

    /// Replaces the key TOTP seeds are sealed with (`totp.key`) by a new one and re-seals every
    /// seed under it, recording `auth.totp_key.rotate`; returns how many seeds. The new key is
    /// written beside the old first and takes its place once the transaction has committed; a
    /// store that opens after an interruption finishes or undoes the rotation. Servers that
    /// share the key directory read the new key when a seed does not open with theirs;
    /// servers with a copy of the directory need the new `totp.key` copied.
    fn rotate_totp_key(&self, context: &AuditContext) -> Result<usize, StoreError>;

    /// The check at start: the newest external checkpoint against the database.
    fn audit_quick_check(&self) -> Result<Verdict, StoreError>;

    /// Purges access records older than `retention_days` (except held days): deletes their
    /// payloads, records the purge, and destroys the day keys.
    fn audit_purge(&self, context: &AuditContext, retention_days: u32) -> Result<PurgeReport, StoreError>;

    /// Records a retention hold.
    fn audit_hold(&self, hold: &Hold, context: &AuditContext) -> Result<Hold, StoreError>;

    /// Releases a retention hold.
    fn audit_release_hold(&self, id: i64, context: &AuditContext) -> Result<(), StoreError>;

    /// Every retention hold.
    fn audit_holds(&self) -> Result<Vec<Hold>, StoreError>;

    /// The audit keys.
    fn keys(&self) -> &Keyring;

    // ---- authentication (authn.rs); each write appends `audit` in its transaction ----

    /// The shared attempt-limit states of `keys` (those that have one).
    fn attempts(&self, keys: &[String]) -> Result<Vec<AttemptState>, StoreError>;

    /// Stores attempt-limit states, forgets keys, drops rows stale before `stale_before`, and
    /// appends `audit`, in one transaction.
    fn record_attempts(
        &self,
        states: &[AttemptState],
        forget: &[String],
        stale_before: Timestamp,
        audit: &[NewAudit],
    ) -> Result<(), StoreError>;

    /// The password of an account.
    fn password(&self, user: UserId) -> Result<Option<PasswordCredential>, StoreError>;

    /// Stores a password, ends other sessions and uses up a reset link as `change` says.
    fn set_password(&self, change: &PasswordChange, audit: &[NewAudit]) -> Result<(), StoreError>;

    /// The TOTP enrolment of an account.
    fn totp(&self, user: UserId) -> Result<Option<TotpEnrolment>, StoreError>;

    /// The backup codes of an account.
    fn backup_codes(&self, user: UserId) -> Result<Option<StoredBackupCodes>, StoreError>;

    /// Stores a TOTP enrolment and, if given, a new set of backup codes.
    fn save_totp(
        &self,
        enrolment: &TotpEnrolment,
        codes: Option<&serde_json::Value>,
        audit: &[NewAudit],
    ) -> Result<(), StoreError>;

    /// Removes the TOTP enrolment and backup codes of an account and ends its sessions that
    /// were signed in with a second factor.
    fn remove_totp(&self, user: UserId, at: Timestamp, audit: &[NewAudit]) -> Result<(), StoreError>;

    /// Stores a session and what its sign-in step used up; returns its id.
    fn create_session(&self, session: &AuthSession, sign_in: &SignIn, audit: &[NewAudit]) -> Result<i64, StoreError>;

    /// The session with this hash.
    fn session_by_hash(&self, hash: &str) -> Result<Option<AuthSession>, StoreError>;

    /// The sessions of an account that have not been ended, newest first.
    fn sessions_of(&self, user: UserId) -> Result<Vec<AuthSession>, StoreError>;

    /// Moves a session's last-seen time forward.
    fn touch_session(&self, id: i64, at: Timestamp) -> Result<(), StoreError>;

    /// Ends a session; `false` when it had already ended.
    fn revoke_session(&self, id: i64, at: Timestamp, audit: &[NewAudit]) -> Result<bool, StoreError>;

    /// Stores a password-reset link; returns its id.
    fn create_reset(&self, reset: &PasswordReset, audit: &[NewAudit]) -> Result<i64, StoreError>;

    /// The reset link with this hash.
    fn reset_by_hash(&self, hash: &str) -> Result<Option<PasswordReset>, StoreError>;
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
                self.write(|tx, writes| write::commit(tx, &self.keys, plan, context, writes))
            }

            fn latest_revision(&self) -> Result<Revision, StoreError> {
                self.read(write::latest_revision)
            }

            fn changes_since(&self, after: Revision, limit: usize) -> Result<Vec<ChangeSet>, StoreError> {
                self.read(|tx| write::changes_since(tx, after, limit))
            }

            fn change_log(&self, after: Revision, limit: usize) -> Result<Vec<adam_core::LoggedChange>, StoreError> {
                self.read(|tx| write::change_log(tx, after, limit))
            }

            fn world_at(&self, at: Timestamp) -> Result<World, StoreError> {
                self.read(|tx| write::world_at(tx, at))
            }

            fn append_audit(&self, records: &[NewAudit]) -> Result<(), StoreError> {
                self.write(|tx, writes| trail::append_audit(tx, &self.keys, records, writes))
            }

            fn audit_since(&self, after: u64, limit: usize) -> Result<Vec<AuditRecord>, StoreError> {
                self.read(|tx| trail::audit_since(tx, after, limit))
            }

            fn object_history(&self, kind: &str, id: u32, limit: usize) -> Result<Vec<AuditRecord>, StoreError> {
                self.read(|tx| trail::object_history(tx, kind, id, limit))
            }

            fn create_token(&self, token: &ApiToken, context: &AuditContext) -> Result<i64, StoreError> {
                self.write(|tx, writes| write::create_token(tx, &self.keys, token, context, writes))
            }

            fn token_by_hash(&self, hash: &str) -> Result<Option<ApiToken>, StoreError> {
                self.read(|tx| write::token_by_hash(tx, hash))
            }

            fn revoke_token(&self, id: i64, context: &AuditContext) -> Result<(), StoreError> {
                self.write(|tx, writes| write::revoke_token(tx, &self.keys, id, context, writes))
            }

            fn tokens_of(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError> {
                self.read(|tx| write::tokens_of(tx, user))
            }

            fn audit_search(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>, StoreError> {
                self.read(|tx| trail::search(tx, query))
            }

            fn audit_checkpoint(&self, at: Timestamp) -> Result<Option<Checkpoint>, StoreError> {
                let made = self.write(|tx, writes| trail::checkpoint(tx, &self.keys, at, writes))?;
                let have = self
                    .keys
                    .external_checkpoints()?
                    .iter()
                    .map(|c| c.seq)
                    .max()
                    .unwrap_or(0);
                let missing = self.read(|tx| trail::checkpoints_after(tx, have))?;
                self.keys.append_checkpoints(&missing)?;
                Ok(made)
            }

            fn audit_verify_in(&self, workers: usize) -> Result<Verdict, StoreError> {
                self.read(|tx| {
                    let snapshot = tx.export_snapshot()?;
                    verify::verify(tx, &self.keys, workers, &|f| {
                        self.read_beside(snapshot.as_deref(), f)
                    })
                })
            }

            fn rotate_totp_key(&self, context: &AuditContext) -> Result<usize, StoreError> {
                let next = self.keys.stage_totp_key()?;
                match self.write(|tx, writes| authn::reseal_totp(tx, &self.keys, &next, context, writes)) {
                    Ok(seeds) => {
                        self.keys.commit_totp_key(&next)?;
                        Ok(seeds)
                    }
                    Err(e) => {
                        // Nothing was re-sealed: the staged key goes, the old one stays.
                        let _ = self.keys.discard_staged_totp_key();
                        Err(e)
                    }
                }
            }

            fn audit_quick_check(&self) -> Result<Verdict, StoreError> {
                self.read(|tx| trail::quick_check(tx, &self.keys))
            }

            fn audit_purge(&self, context: &AuditContext, retention_days: u32) -> Result<PurgeReport, StoreError> {
                let report = self.write(|tx, writes| trail::purge(tx, &self.keys, context, retention_days, writes))?;
                self.keys.destroy_through(report.through_period, &report.held)?;
                self.after_purge()?;
                Ok(report)
            }

            fn audit_hold(&self, hold: &Hold, context: &AuditContext) -> Result<Hold, StoreError> {
                self.write(|tx, writes| trail::add_hold(tx, &self.keys, hold, context, writes))
            }

            fn audit_release_hold(&self, id: i64, context: &AuditContext) -> Result<(), StoreError> {
                self.write(|tx, writes| trail::release_hold(tx, &self.keys, id, context, writes))
            }

            fn audit_holds(&self) -> Result<Vec<Hold>, StoreError> {
                self.read(trail::holds)
            }

            fn keys(&self) -> &Keyring {
                &self.keys
            }

            fn attempts(&self, keys: &[String]) -> Result<Vec<AttemptState>, StoreError> {
                self.read(|tx| limits::attempts(tx, keys))
            }

            fn record_attempts(
                &self,
                states: &[AttemptState],
                forget: &[String],
                stale_before: Timestamp,
                audit: &[NewAudit],
            ) -> Result<(), StoreError> {
                self.write(|tx, writes| {
                    limits::record_attempts(tx, &self.keys, states, forget, stale_before, audit, writes)
                })
            }

            fn password(&self, user: UserId) -> Result<Option<PasswordCredential>, StoreError> {
                self.read(|tx| authn::password(tx, user))
            }

            fn set_password(&self, change: &PasswordChange, audit: &[NewAudit]) -> Result<(), StoreError> {
                self.write(|tx, writes| authn::set_password(tx, &self.keys, change, audit, writes))
            }

            fn totp(&self, user: UserId) -> Result<Option<TotpEnrolment>, StoreError> {
                self.read(|tx| authn::totp(tx, &self.keys, user))
            }

            fn backup_codes(&self, user: UserId) -> Result<Option<StoredBackupCodes>, StoreError> {
                self.read(|tx| authn::backup_codes(tx, user))
            }

            fn save_totp(
                &self,
                enrolment: &TotpEnrolment,
                codes: Option<&serde_json::Value>,
                audit: &[NewAudit],
            ) -> Result<(), StoreError> {
                self.write(|tx, writes| authn::save_totp(tx, &self.keys, enrolment, codes, audit, writes))
            }

            fn remove_totp(&self, user: UserId, at: Timestamp, audit: &[NewAudit]) -> Result<(), StoreError> {
                self.write(|tx, writes| authn::remove_totp(tx, &self.keys, user, at, audit, writes))
            }

            fn create_session(
                &self,
                session: &AuthSession,
                sign_in: &SignIn,
                audit: &[NewAudit],
            ) -> Result<i64, StoreError> {
                self.write(|tx, writes| authn::create_session(tx, &self.keys, session, sign_in, audit, writes))
            }

            fn session_by_hash(&self, hash: &str) -> Result<Option<AuthSession>, StoreError> {
                self.read(|tx| authn::session_by_hash(tx, hash))
            }

            fn sessions_of(&self, user: UserId) -> Result<Vec<AuthSession>, StoreError> {
                self.read(|tx| authn::sessions_of(tx, user))
            }

            fn touch_session(&self, id: i64, at: Timestamp) -> Result<(), StoreError> {
                self.write(|tx, writes| authn::touch_session(tx, id, at, writes))
            }

            fn revoke_session(&self, id: i64, at: Timestamp, audit: &[NewAudit]) -> Result<bool, StoreError> {
                self.write(|tx, writes| authn::revoke_session(tx, &self.keys, id, at, audit, writes))
            }

            fn create_reset(&self, reset: &PasswordReset, audit: &[NewAudit]) -> Result<i64, StoreError> {
                self.write(|tx, writes| authn::create_reset(tx, &self.keys, reset, audit, writes))
            }

            fn reset_by_hash(&self, hash: &str) -> Result<Option<PasswordReset>, StoreError> {
                self.read(|tx| authn::reset_by_hash(tx, hash))
            }
        }
    };
}

store_impl!(SqliteStore, "sqlite");
store_impl!(PgStore, "postgres");
