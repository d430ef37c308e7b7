//! The audit record: what a caller appends ([`NewAudit`]), its context ([`AuditContext`]), a
//! stored record as read back ([`AuditRecord`]) and as shipped to a standby ([`ShippedAudit`]);
//! plus the checked conversions of `seq` shared by everything that reads the trail's columns,
//! and the writer of a new record's payload ([`PayloadRef`]).

use super::chain::Retention;
use crate::StoreError;
use crate::sql::Val;
use adam_core::{Actor, AuditObject, JobId, Revision, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::Value;

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

/// A new record's payload, borrowed from what the caller holds: the members of
/// `tail::Payload`, written as canonical JSON without building a `serde_json::Value` of it.
/// That detour — a map of fourteen members, its keys sorted, every string copied twice — was
/// the larger part of appending an access record (`BENCHMARKS.md`, #14). The bytes are the
/// same as `canonical_json(&to_value(&Payload))` (the tests compare them); `verify` reads
/// payloads in exactly this layout (`verify/batch.rs`, `columns_in_place`).
pub(crate) struct PayloadRef<'a> {
    pub(crate) seq: u64,
    pub(crate) period: i64,
    pub(crate) retention: Retention,
    pub(crate) revision: Option<Revision>,
    pub(crate) at: Timestamp,
    pub(crate) actor: Actor,
    pub(crate) actor_job: Option<JobId>,
    pub(crate) source_ip: Option<&'a str>,
    pub(crate) application: Option<&'a str>,
    pub(crate) action: &'a str,
    pub(crate) object: &'a AuditObject,
    pub(crate) before: Option<&'a Value>,
    pub(crate) after: Option<&'a Value>,
    pub(crate) outcome: &'a str,
}

impl PayloadRef<'_> {
    /// The canonical JSON: the members in key order, the actor's and the object's too.
    pub(crate) fn canonical(&self) -> Result<String, StoreError> {
        use super::chain::{write_scalar as scalar, write_str};
        let nested = |v: Option<&Value>, out: &mut Vec<u8>| match v {
            Some(v) => super::chain::write_canonical(v, out),
            None => out.extend_from_slice(b"null"),
        };
        let mut out = Vec::with_capacity(384);
        out.extend_from_slice(br#"{"action":"#);
        write_str(self.action, &mut out);
        out.extend_from_slice(br#","actor":"#);
        match self.actor {
            Actor::System => out.extend_from_slice(br#"{"type":"system"}"#),
            Actor::User { user, job, session } => {
                out.push(b'{');
                if let Some(job) = job {
                    out.extend_from_slice(br#""job":"#);
                    scalar(&job, &mut out)?;
                    out.push(b',');
                }
                out.extend_from_slice(br#""session":{"mfa":"#);
                scalar(&session.mfa, &mut out)?;
                out.extend_from_slice(br#"},"type":"user","user":"#);
                scalar(&user, &mut out)?;
                out.push(b'}');
            }
        }
        out.extend_from_slice(br#","actor_job":"#);
        scalar(&self.actor_job, &mut out)?;
        out.extend_from_slice(br#","after":"#);
        nested(self.after, &mut out);
        out.extend_from_slice(br#","application":"#);
        scalar(&self.application, &mut out)?;
        out.extend_from_slice(br#","at":"#);
        scalar(&self.at, &mut out)?;
        out.extend_from_slice(br#","before":"#);
        nested(self.before, &mut out);
        out.extend_from_slice(br#","object":{"id":"#);
        scalar(&self.object.id, &mut out)?;
        out.extend_from_slice(br#","kind":"#);
        scalar(&self.object.kind, &mut out)?;
        out.extend_from_slice(br#","label":"#);
        write_str(&self.object.label, &mut out);
        out.extend_from_slice(br#"},"outcome":"#);
        write_str(self.outcome, &mut out);
        out.extend_from_slice(br#","period":"#);
        scalar(&self.period, &mut out)?;
        out.extend_from_slice(br#","retention":"#);
        scalar(&self.retention, &mut out)?;
        out.extend_from_slice(br#","revision":"#);
        scalar(&self.revision, &mut out)?;
        out.extend_from_slice(br#","seq":"#);
        scalar(&self.seq, &mut out)?;
        out.extend_from_slice(br#","source_ip":"#);
        scalar(&self.source_ip, &mut out)?;
        out.push(b'}');
        Ok(super::chain::utf8(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::chain::canonical_json;
    use crate::audit::tail::Payload;
    use adam_core::{EntityKind, Session, UserId};

    /// Payloads as `Tail::append` wrote them before `PayloadRef`: through a `Value`.
    fn through_value(p: &Payload) -> String {
        canonical_json(&serde_json::to_value(p).unwrap())
    }

    fn borrowed(p: &Payload) -> PayloadRef<'_> {
        PayloadRef {
            seq: p.seq,
            period: p.period,
            retention: p.retention,
            revision: p.revision,
            at: p.at,
            actor: p.actor,
            actor_job: p.actor_job,
            source_ip: p.source_ip.as_deref(),
            application: p.application.as_deref(),
            action: &p.action,
            object: &p.object,
            before: p.before.as_ref(),
            after: p.after.as_ref(),
            outcome: &p.outcome,
        }
    }

    #[test]
    fn the_payload_writer_writes_what_the_value_detour_wrote() {
        let actors = [
            Actor::System,
            Actor::user(UserId(17)),
            Actor::User {
                user: UserId(4_000_000_000),
                job: Some(JobId(12)),
                session: Session { mfa: false },
            },
            Actor::User {
                user: UserId(0),
                job: None,
                session: Session { mfa: true },
            },
        ];
        let values = [
            None,
            Some(serde_json::json!({ "level": 14, "asked": null })),
            Some(serde_json::json!({ "z": [1, {"b": "x\u{1}\"\\/č", "a": 1.5}], "a": {"y": true, "x": -3} })),
            Some(serde_json::json!("text")),
            Some(serde_json::json!([])),
        ];
        let mut n = 0;
        for (i, actor) in actors.iter().enumerate() {
            for (j, value) in values.iter().enumerate() {
                let p = Payload {
                    seq: 1 + (i * 7 + j) as u64 * 1_000_003,
                    period: 20_000 - j as i64,
                    retention: if j % 2 == 0 {
                        Retention::Access
                    } else {
                        Retention::Change
                    },
                    revision: (i % 2 == 1).then_some(Revision(3 + j as u64)),
                    at: Timestamp(1_764_505_680 + (i * 13 + j) as i64 * 86_399),
                    actor: *actor,
                    actor_job: (j % 3 == 0).then_some(JobId(9)),
                    source_ip: (i != 2).then(|| "127.0.0.1".to_owned()),
                    application: (j != 1).then(|| format!("svc-\"dms\"\t{i}")),
                    action: "access.check".to_owned(),
                    object: AuditObject {
                        kind: if j % 2 == 0 {
                            EntityKind::Document
                        } else {
                            EntityKind::Folder
                        },
                        id: u32::try_from(i * 1000 + j).unwrap(),
                        label: format!("document {j} – ž\n\u{7f}\u{1f}"),
                    },
                    before: values[(j + 1) % values.len()].clone(),
                    after: value.clone(),
                    outcome: if j == 2 { "refused".to_owned() } else { "ok".to_owned() },
                };
                assert_eq!(
                    borrowed(&p).canonical().unwrap(),
                    through_value(&p),
                    "actor {i}, value {j}"
                );
                n += 1;
            }
        }
        assert_eq!(n, 20);
    }
}
