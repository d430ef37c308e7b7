//! Retention of access records (Art. 57(6)): holds that keep days past the retention period,
//! and [`purge`], the one function that deletes from the trail (the database's triggers let it
//! delete nothing else).

use super::chain::{Retention, period_of};
use super::record::{AuditContext, corrupt, seq_val};
use super::tail::{Ending, Entry, Tail, acting_job, end_once, epoch_size, record_change};
use crate::StoreError;
use crate::keys::Keyring;
use crate::sql::{Tx, Val, Writes, one, req_id, req_int, req_text, write_error};
use adam_core::{AuditObject, Timestamp, UserId};
use serde::{Deserialize, Serialize};

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

/// Records a retention hold.
pub(crate) fn add_hold(
    tx: &mut dyn Tx,
    keys: &Keyring,
    hold: &Hold,
    context: &AuditContext,
    writes: &mut Writes,
) -> Result<Hold, StoreError> {
    if hold.through_period < hold.from_period {
        return Err(StoreError::Audit(
            "a hold must end on or after the day it starts".to_owned(),
        ));
    }
    if hold.justification.trim().is_empty() {
        return Err(StoreError::Audit("a hold needs a justification".to_owned()));
    }
    if let Some(p) = (hold.from_period..=hold.through_period).find(|p| keys.day_key(*p).is_none()) {
        return Err(StoreError::Audit(format!(
            "day {p} is already purged; a hold cannot bring it back"
        )));
    }
    let id = one(tx, "SELECT coalesce(max(id), 0) + 1 FROM audit_holds", &[], |row| {
        req_int(row, 0, "audit_holds", "id")
    })?
    .unwrap_or(1);
    writes
        .exec(
            tx,
            "INSERT INTO audit_holds (id, from_period, through_period, justification, approved_by, at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                Val::int(id),
                Val::int(hold.from_period),
                Val::int(hold.through_period),
                Val::text(&hold.justification),
                Val::int(hold.approved_by.0),
                Val::int(context.at.0),
            ],
        )
        .map_err(write_error)?;
    let stored = Hold {
        id,
        at: context.at,
        released: None,
        ..hold.clone()
    };
    record_change(
        tx,
        keys,
        writes,
        context,
        "audit.hold",
        &hold_object(&stored)?,
        (None, serde_json::to_value(&stored).ok()),
    )?;
    Ok(stored)
}

fn hold_object(h: &Hold) -> Result<AuditObject, StoreError> {
    Ok(AuditObject {
        kind: adam_core::EntityKind::AuditHold,
        id: u32::try_from(h.id).map_err(corrupt)?,
        label: format!("hold of days {}–{}", h.from_period, h.through_period),
    })
}

/// Releases a hold (the next purge may then delete those days).
pub(crate) fn release_hold(
    tx: &mut dyn Tx,
    keys: &Keyring,
    id: i64,
    context: &AuditContext,
    writes: &mut Writes,
) -> Result<(), StoreError> {
    let before = holds(tx)?
        .into_iter()
        .find(|h| h.id == id)
        .ok_or_else(|| StoreError::NotFound(format!("retention hold {id}")))?;
    let how = Ending {
        update: "UPDATE audit_holds SET released = $2 WHERE id = $1 AND released IS NULL",
        action: "audit.hold.release",
        end: |h: &mut Hold| &mut h.released,
        object: hold_object,
        json: |h: &Hold| serde_json::to_value(h).ok(),
    };
    end_once(tx, keys, writes, context, (id, before), &how)
}

/// Every retention hold, oldest first.
pub(crate) fn holds(tx: &mut dyn Tx) -> Result<Vec<Hold>, StoreError> {
    let mut out = Vec::new();
    tx.each(
        "SELECT id, from_period, through_period, justification, approved_by, at, released FROM audit_holds ORDER BY id",
        &[],
        &mut |row| {
            out.push(Hold {
                id: req_int(row, 0, "audit_holds", "id")?,
                from_period: req_int(row, 1, "audit_holds", "from_period")?,
                through_period: req_int(row, 2, "audit_holds", "through_period")?,
                justification: req_text(row, 3, "audit_holds", "justification")?.to_owned(),
                approved_by: adam_core::UserId(req_id(row, 4, "audit_holds", "approved_by")?),
                at: Timestamp(req_int(row, 5, "audit_holds", "at")?),
                released: row.int(6)?.map(Timestamp),
            });
            Ok(())
        },
    )?;
    Ok(out)
}

/// Deletes the payloads of access records older than `retention_days` (except days under a
/// hold) and records the purge in the trail. The caller destroys the day keys after commit
/// ([`PurgeReport::through_period`], [`PurgeReport::held`]).
pub(crate) fn purge(
    tx: &mut dyn Tx,
    keys: &Keyring,
    context: &AuditContext,
    retention_days: u32,
    writes: &mut Writes,
) -> Result<PurgeReport, StoreError> {
    let through = period_of(context.at.0) - i64::from(retention_days);
    let held: Vec<i64> = holds(tx)?
        .into_iter()
        .filter(|h| h.released.is_none())
        .flat_map(|h| h.from_period..=h.through_period)
        .filter(|p| *p <= through)
        .collect();
    let records = one(
        tx,
        "SELECT count(*) FROM audit a JOIN audit_chain c ON c.seq = a.seq WHERE c.retention = 'access' \
         AND c.period <= $1 AND NOT EXISTS (SELECT 1 FROM audit_holds h WHERE h.released IS NULL \
         AND c.period BETWEEN h.from_period AND h.through_period)",
        &[Val::int(through)],
        |row| req_int(row, 0, "audit", "count"),
    )?
    .unwrap_or(0);
    let report = PurgeReport {
        through_period: through,
        records: u64::try_from(records).unwrap_or(0),
        held: held.clone(),
        retention_days,
    };
    let mut tail = Tail::read(tx, keys)?;
    let object = AuditObject {
        kind: adam_core::EntityKind::Audit,
        id: 0,
        label: format!("access records of days up to {through}"),
    };
    let seq = tail.append(
        tx,
        writes,
        Entry {
            retention: Retention::Change,
            revision: None,
            context,
            job: acting_job(context),
            action: "audit.purge",
            object: &object,
            before: None,
            after: serde_json::to_value(&report).ok(),
            outcome: "ok",
        },
    )?;
    // `audit_purges.audit_seq` refers to the record just appended.
    tail.flush(tx, writes)?;
    record_purge(tx, writes, context.at, &report, seq)?;
    delete_purged(tx, writes, through)?;
    tail.finish(tx, writes, context.at, true)?;
    Ok(report)
}

/// Writes the purge's row (the database's triggers let the deletions that follow through only
/// for days a recorded purge covers). `seq` is the purge's own audit record.
fn record_purge(
    tx: &mut dyn Tx,
    writes: &mut Writes,
    at: Timestamp,
    report: &PurgeReport,
    seq: u64,
) -> Result<(), StoreError> {
    let id = one(tx, "SELECT coalesce(max(id), 0) + 1 FROM audit_purges", &[], |row| {
        req_int(row, 0, "audit_purges", "id")
    })?
    .unwrap_or(1);
    writes
        .exec(
            tx,
            "INSERT INTO audit_purges (id, at, through_period, records, audit_seq) VALUES ($1, $2, $3, $4, $5)",
            &[
                Val::int(id),
                Val::int(at.0),
                Val::int(report.through_period),
                Val::int(i64::try_from(report.records).unwrap_or(i64::MAX)),
                seq_val(seq)?,
            ],
        )
        .map_err(write_error)?;
    Ok(())
}

/// Deletes the access records of unheld days up to `through`, their search keys first (who
/// looked at what is personal data too), while `audit` still says which keys they are.
fn delete_purged(tx: &mut dyn Tx, writes: &mut Writes, through: i64) -> Result<(), StoreError> {
    if tx.purges_through_function() {
        // PostgreSQL: the same deletions, run with the table owner's rights (migration 0003),
        // so that the server's own role needs no DELETE on the trail.
        writes.checkpoint()?;
        one(
            tx,
            "SELECT adam_audit_purge($1, $2)",
            &[Val::int(through), Val::int(epoch_size(writes))],
            |row| row.int(0),
        )?;
    } else {
        // The search keys of the purged records go first (who looked at what is personal data
        // too), while `audit` still says which keys they are.
        writes
            .exec(
                tx,
                "DELETE FROM audit_by_object WHERE (epoch, object_kind, object_id, seq) IN (SELECT a.seq / CAST($2 AS BIGINT), a.object_kind, a.object_id, a.seq \
                 FROM audit a JOIN audit_chain c ON c.seq = a.seq WHERE c.retention = 'access' \
                 AND c.period <= $1 AND NOT EXISTS (SELECT 1 FROM audit_holds h WHERE h.released IS NULL \
                 AND c.period BETWEEN h.from_period AND h.through_period))",
                &[Val::int(through), Val::int(epoch_size(writes))],
            )
            .map_err(write_error)?;
        writes
            .exec(
                tx,
                "DELETE FROM audit_by_actor WHERE (epoch, actor_user, seq) IN (SELECT a.seq / CAST($2 AS BIGINT), a.actor_user, a.seq \
                 FROM audit a JOIN audit_chain c ON c.seq = a.seq WHERE a.actor_user IS NOT NULL AND c.retention = 'access' \
                 AND c.period <= $1 AND NOT EXISTS (SELECT 1 FROM audit_holds h WHERE h.released IS NULL \
                 AND c.period BETWEEN h.from_period AND h.through_period))",
                &[Val::int(through), Val::int(epoch_size(writes))],
            )
            .map_err(write_error)?;
        writes
            .exec(
                tx,
                "DELETE FROM audit_tail WHERE seq IN (SELECT c.seq FROM audit_chain c WHERE c.retention = 'access' \
                 AND c.period <= $1 AND NOT EXISTS (SELECT 1 FROM audit_holds h WHERE h.released IS NULL \
                 AND c.period BETWEEN h.from_period AND h.through_period))",
                &[Val::int(through)],
            )
            .map_err(write_error)?;
        writes
            .exec(
                tx,
                "DELETE FROM audit WHERE seq IN (SELECT c.seq FROM audit_chain c WHERE c.retention = 'access' \
                 AND c.period <= $1 AND NOT EXISTS (SELECT 1 FROM audit_holds h WHERE h.released IS NULL \
                 AND c.period BETWEEN h.from_period AND h.through_period))",
                &[Val::int(through)],
            )
            .map_err(write_error)?;
    }
    Ok(())
}

/// Replays on a standby what a retention record of its primary did (Art. 57(6): a copy keeps
/// personal data no longer than the original): a hold recorded or released, or a purge — its
/// row and the same deletions, under the holds as they stood when it ran (the records arrive in
/// order). Returns the purge's report, so that the day keys are destroyed after the commit.
/// Any other record changes nothing here.
pub(crate) fn replay(
    tx: &mut dyn Tx,
    writes: &mut Writes,
    seq: u64,
    at: Timestamp,
    action: &str,
    after: Option<&serde_json::Value>,
) -> Result<Option<PurgeReport>, StoreError> {
    let unreadable = |what: &str| StoreError::Corrupt(format!("the primary's {what} record {seq} cannot be read"));
    match action {
        "audit.hold" => {
            let h: Hold = after
                .and_then(|v| serde_json::from_value(v.clone()).ok())
                .ok_or_else(|| unreadable("hold"))?;
            writes
                .exec(
                    tx,
                    "INSERT INTO audit_holds (id, from_period, through_period, justification, approved_by, at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                    &[
                        Val::int(h.id),
                        Val::int(h.from_period),
                        Val::int(h.through_period),
                        Val::text(&h.justification),
                        Val::int(h.approved_by.0),
                        Val::int(h.at.0),
                    ],
                )
                .map_err(write_error)?;
            Ok(None)
        }
        "audit.hold.release" => {
            let h: Hold = after
                .and_then(|v| serde_json::from_value(v.clone()).ok())
                .ok_or_else(|| unreadable("hold release"))?;
            let released = h.released.ok_or_else(|| unreadable("hold release"))?;
            writes
                .exec(
                    tx,
                    "UPDATE audit_holds SET released = $2 WHERE id = $1 AND released IS NULL",
                    &[Val::int(h.id), Val::int(released.0)],
                )
                .map_err(write_error)?;
            Ok(None)
        }
        "audit.purge" => {
            let report: PurgeReport = after
                .and_then(|v| serde_json::from_value(v.clone()).ok())
                .ok_or_else(|| unreadable("purge"))?;
            record_purge(tx, writes, at, &report, seq)?;
            delete_purged(tx, writes, report.through_period)?;
            Ok(Some(report))
        }
        _ => Ok(None),
    }
}
