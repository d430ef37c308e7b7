//! The audit record: what a caller appends ([`NewAudit`]), its context ([`AuditContext`]), a
//! stored record as read back ([`AuditRecord`]) and as shipped to a standby ([`ShippedAudit`]);
//! plus the checked conversions of `seq` shared by everything that reads the trail's columns.

use super::chain::Retention;
use crate::StoreError;
use crate::sql::Val;
use adam_core::{Actor, AuditObject, JobId, Revision, Timestamp};
use serde::{Deserialize, Serialize};

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

/// A sequence number as a column value.
pub(crate) fn seq_val(seq: u64) -> Result<Val<'static>, StoreError> {
    i64::try_from(seq)
        .map(Val::int)
        .map_err(|_| StoreError::Corrupt(format!("audit seq {seq} does not fit")))
}

/// A sequence number read from a column.
pub(crate) fn seq_of(v: i64) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("audit seq holds {v}")))
}

/// A trail that cannot be read as written.
pub(crate) fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// One audit record as the primary stored it, as a standby receives it (`replication/`) and
/// its tail appends it (`tail.rs`, `Tail::append_shipped`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippedAudit {
    /// Its sequence number.
    pub seq: u64,
    /// Its day.
    pub period: i64,
    /// How long it is kept.
    pub retention: Retention,
    /// The commitment to its payload, hex.
    pub commitment: String,
    /// The chain value after it, hex.
    pub chain: String,
    /// The revision of the change it records.
    pub revision: Option<i64>,
    /// When.
    pub at: i64,
    /// The acting user.
    pub actor_user: Option<i64>,
    /// The acting job.
    pub actor_job: Option<i64>,
    /// The action.
    pub action: String,
    /// The object's kind.
    pub object_kind: String,
    /// The object's id.
    pub object_id: i64,
    /// The outcome.
    pub outcome: String,
    /// The payload; `None` once the primary purged it (Art. 57(6)).
    pub payload: Option<String>,
}
