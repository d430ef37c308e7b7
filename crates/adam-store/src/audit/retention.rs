//! Retention of access records (Art. 57(6)): holds that keep days past the retention period,
//! and [`purge`], the one function that deletes from the trail (the database's triggers let it
//! delete nothing else).
//!
//! A hold is *proposed* by a security lead, naming the written risk analysis (a record of the
//! risk register) and the justification, and *confirmed* by the head of the body (Art. 57(6):
//! "longer only on a written risk analysis and a justification confirmed by the head"). Until
//! it is confirmed it keeps its days from the purge for [`HOLD_GRACE_SECONDS`] after it was
//! proposed, so that no evidence is lost while the head decides; then it lapses. Who may
//! propose and confirm is the service's to decide; the store records it and keeps the states
//! consistent (a released or lapsed hold is not confirmed, nor one confirmed twice).

use super::chain::{Retention, period_of};
use super::record::{AuditContext, corrupt, seq_val};
use super::tail::{Ending, Entry, Tail, acting_job, end_once, epoch_size, record_change};
use crate::StoreError;
use crate::keys::Keyring;
use crate::sql::{Tx, Val, Writes, one, req_id, req_int, req_text, write_error};
use adam_core::{AuditObject, RiskId, Timestamp, UserId};
use serde::{Deserialize, Serialize};

/// How long a proposed hold keeps its days from the purge while it awaits the head's
/// confirmation: 7 days from the proposal.
pub const HOLD_GRACE_SECONDS: i64 = 7 * 86_400;

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
    /// The security lead who proposed it (under the rule before the head's confirmation: who
    /// approved it).
    pub approved_by: UserId,
    /// When it was recorded.
    pub at: Timestamp,
    /// When it was released.
    pub released: Option<Timestamp>,
    /// The written risk analysis it rests on: a record of the risk register (none on a hold
    /// placed before the head's confirmation was required).
    #[serde(default)]
    pub risk_assessment: Option<RiskId>,
    /// Until when it keeps its days from the purge unconfirmed (set by the store: the proposal
    /// plus [`HOLD_GRACE_SECONDS`]; none on a hold placed before).
    #[serde(default)]
    pub grace_until: Option<Timestamp>,
    /// The head of the body who confirmed it (a hold placed before the head's confirmation was
    /// required reads as confirmed by its approver).
    #[serde(default)]
    pub confirmed_by: Option<UserId>,
    /// When it was confirmed.
    #[serde(default)]
    pub confirmed_at: Option<Timestamp>,
}

/// Where a hold stands at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum HoldState {
    /// Awaiting the head's confirmation; its days are kept until `grace_until`.
    Proposed,
    /// Confirmed by the head: its days are kept until it is released.
    Confirmed,
    /// Not confirmed within the grace: it keeps nothing, the purge takes its days.
    Lapsed,
    /// Released: it keeps nothing.
    Released,
}

impl Hold {
    /// Where the hold stands at `at`.
    pub fn state(&self, at: Timestamp) -> HoldState {
        if self.released.is_some() {
            HoldState::Released
        } else if self.confirmed_at.is_some() {
            HoldState::Confirmed
        } else if self.grace_until.is_some_and(|g| at < g) {
            HoldState::Proposed
        } else {
            HoldState::Lapsed
        }
    }

    /// Whether it keeps its days from a purge run at `at`.
    pub fn protects_at(&self, at: Timestamp) -> bool {
        matches!(self.state(at), HoldState::Proposed | HoldState::Confirmed)
    }

    /// A hold recorded without a grace and unconfirmed was placed before the head's
    /// confirmation was required (its record predates migration 0012): it reads as confirmed by
    /// its approver when it was recorded, as the migration does with the rows.
    fn under_the_old_rule(mut self) -> Hold {
        if self.grace_until.is_none() && self.confirmed_at.is_none() {
            self.confirmed_by = Some(self.approved_by);
            self.confirmed_at = Some(self.at);
        }
        self
    }
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
    let grace_until = context.at.plus_seconds(HOLD_GRACE_SECONDS);
    writes
        .exec(
            tx,
            "INSERT INTO audit_holds (id, from_period, through_period, justification, approved_by, at, \
             risk_assessment, grace_until) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                Val::int(id),
                Val::int(hold.from_period),
                Val::int(hold.through_period),
                Val::text(&hold.justification),
                Val::int(hold.approved_by.0),
                Val::int(context.at.0),
                Val::opt_int(hold.risk_assessment.map(|r| r.0)),
                Val::int(grace_until.0),
            ],
        )
        .map_err(write_error)?;
    let stored = Hold {
        id,
        at: context.at,
        released: None,
        grace_until: Some(grace_until),
        confirmed_by: None,
        confirmed_at: None,
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

/// Records the head's confirmation of a proposed hold (`context.at` is when, `by` who): from
/// then on it keeps its days until released. A released, lapsed or already confirmed hold is
/// refused ([`StoreError::Audit`]), and nothing is recorded.
pub(crate) fn confirm_hold(
    tx: &mut dyn Tx,
    keys: &Keyring,
    id: i64,
    by: UserId,
    context: &AuditContext,
    writes: &mut Writes,
) -> Result<Hold, StoreError> {
    let before = holds(tx)?
        .into_iter()
        .find(|h| h.id == id)
        .ok_or_else(|| StoreError::NotFound(format!("retention hold {id}")))?;
    match before.state(context.at) {
        HoldState::Proposed => {}
        HoldState::Confirmed => return Err(StoreError::Audit(format!("retention hold {id} is already confirmed"))),
        HoldState::Released => return Err(StoreError::Audit(format!("retention hold {id} was released"))),
        HoldState::Lapsed => {
            return Err(StoreError::Audit(format!(
                "retention hold {id} lapsed unconfirmed; propose it again"
            )));
        }
    }
    let changed = writes
        .exec(
            tx,
            "UPDATE audit_holds SET confirmed_by = $2, confirmed_at = $3 \
             WHERE id = $1 AND released IS NULL AND confirmed_at IS NULL",
            &[Val::int(id), Val::int(by.0), Val::int(context.at.0)],
        )
        .map_err(write_error)?;
    if changed != 1 {
        return Err(StoreError::Audit(format!("retention hold {id} cannot be confirmed")));
    }
    let after = Hold {
        confirmed_by: Some(by),
        confirmed_at: Some(context.at),
        ..before.clone()
    };
    record_change(
        tx,
        keys,
        writes,
        context,
        "audit.hold.confirm",
        &hold_object(&after)?,
        (serde_json::to_value(&before).ok(), serde_json::to_value(&after).ok()),
    )?;
    Ok(after)
}

/// Every retention hold, oldest first.
pub(crate) fn holds(tx: &mut dyn Tx) -> Result<Vec<Hold>, StoreError> {
    let mut out = Vec::new();
    tx.each(
        "SELECT id, from_period, through_period, justification, approved_by, at, released, \
         risk_assessment, grace_until, confirmed_by, confirmed_at FROM audit_holds ORDER BY id",
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
                risk_assessment: row
                    .int(7)?
                    .map(|r| u32::try_from(r).map(RiskId).map_err(corrupt))
                    .transpose()?,
                grace_until: row.int(8)?.map(Timestamp),
                confirmed_by: row
                    .int(9)?
                    .map(|u| u32::try_from(u).map(UserId).map_err(corrupt))
                    .transpose()?,
                confirmed_at: row.int(10)?.map(Timestamp),
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
    // A hold keeps its days while it is confirmed or, proposed, within its grace.
    let mut held: Vec<i64> = holds(tx)?
        .into_iter()
        .filter(|h| h.protects_at(context.at))
        .flat_map(|h| h.from_period..=h.through_period)
        .filter(|p| *p <= through)
        .collect();
    held.sort_unstable();
    held.dedup();
    let records = one(
        tx,
        "SELECT count(*) FROM audit a JOIN audit_chain c ON c.seq = a.seq WHERE a.at < $3 AND c.retention = 'access' \
         AND c.period <= $1 AND NOT EXISTS (SELECT 1 FROM audit_holds h WHERE h.released IS NULL \
         AND (h.confirmed_at IS NOT NULL OR h.grace_until > $2) \
         AND c.period BETWEEN h.from_period AND h.through_period)",
        &[
            Val::int(through),
            Val::int(context.at.0),
            Val::int(purge_before(through)),
        ],
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
    let after = serde_json::to_value(&report).ok();
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
            after: after.as_ref(),
            outcome: "ok",
        },
    )?;
    // `audit_purges.audit_seq` refers to the record just appended.
    tail.flush(tx, writes)?;
    record_purge(tx, writes, context.at, &report, seq)?;
    delete_purged(tx, writes, through, context.at)?;
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
/// looked at what is personal data too), while `audit` still says which keys they are. `at` is
/// the purge's instant: a proposed hold keeps its days only while its grace runs then.
/// The first instant after the days up to `through`: a record's day is `at / PERIOD_SECONDS`
/// (`chain::period_of`), so "its day is at most `through`" is "`at` is before this".
///
/// Every purge statement also says `a.at < purge_before(through)`, which the same rows meet,
/// so that the database reads them through the index on `audit (at)`. Without it each purge
/// (at start and once a day) read every record kept — 0.23 s for the count alone on a trail of
/// three million, minutes on a trail of a year — with the write lock held, while every
/// recorded answer waits for its commit.
fn purge_before(through: i64) -> i64 {
    through.saturating_add(1).saturating_mul(super::chain::PERIOD_SECONDS)
}

fn delete_purged(tx: &mut dyn Tx, writes: &mut Writes, through: i64, at: Timestamp) -> Result<(), StoreError> {
    if tx.purges_through_function() {
        // PostgreSQL: the same deletions, run with the table owner's rights (migrations 0003,
        // 0012), so that the server's own role needs no DELETE on the trail.
        writes.checkpoint()?;
        one(
            tx,
            "SELECT adam_audit_purge($1, $2, $3)",
            &[Val::int(through), Val::int(epoch_size(writes)), Val::int(at.0)],
            |row| row.int(0),
        )?;
    } else {
        // The search keys of the purged records go first (who looked at what is personal data
        // too), while `audit` still says which keys they are. A day is kept by a hold not
        // released that is confirmed or still within its grace.
        writes
            .exec(
                tx,
                "DELETE FROM audit_by_object WHERE (epoch, object_kind, object_id, seq) IN (SELECT a.seq / CAST($2 AS BIGINT), a.object_kind, a.object_id, a.seq \
                 FROM audit a JOIN audit_chain c ON c.seq = a.seq WHERE a.at < $4 AND c.retention = 'access' \
                 AND c.period <= $1 AND NOT EXISTS (SELECT 1 FROM audit_holds h WHERE h.released IS NULL \
                 AND (h.confirmed_at IS NOT NULL OR h.grace_until > $3) \
                 AND c.period BETWEEN h.from_period AND h.through_period))",
                &[Val::int(through), Val::int(epoch_size(writes)), Val::int(at.0), Val::int(purge_before(through))],
            )
            .map_err(write_error)?;
        writes
            .exec(
                tx,
                "DELETE FROM audit_by_actor WHERE (epoch, actor_user, seq) IN (SELECT a.seq / CAST($2 AS BIGINT), a.actor_user, a.seq \
                 FROM audit a JOIN audit_chain c ON c.seq = a.seq WHERE a.at < $4 AND a.actor_user IS NOT NULL AND c.retention = 'access' \
                 AND c.period <= $1 AND NOT EXISTS (SELECT 1 FROM audit_holds h WHERE h.released IS NULL \
                 AND (h.confirmed_at IS NOT NULL OR h.grace_until > $3) \
                 AND c.period BETWEEN h.from_period AND h.through_period))",
                &[Val::int(through), Val::int(epoch_size(writes)), Val::int(at.0), Val::int(purge_before(through))],
            )
            .map_err(write_error)?;
        writes
            .exec(
                tx,
                "DELETE FROM audit_tail WHERE seq IN (SELECT a.seq FROM audit a JOIN audit_chain c ON c.seq = a.seq \
                 WHERE a.at < $3 AND c.retention = 'access' \
                 AND c.period <= $1 AND NOT EXISTS (SELECT 1 FROM audit_holds h WHERE h.released IS NULL \
                 AND (h.confirmed_at IS NOT NULL OR h.grace_until > $2) \
                 AND c.period BETWEEN h.from_period AND h.through_period))",
                &[Val::int(through), Val::int(at.0), Val::int(purge_before(through))],
            )
            .map_err(write_error)?;
        writes
            .exec(
                tx,
                "DELETE FROM audit WHERE seq IN (SELECT a.seq FROM audit a JOIN audit_chain c ON c.seq = a.seq \
                 WHERE a.at < $3 AND c.retention = 'access' \
                 AND c.period <= $1 AND NOT EXISTS (SELECT 1 FROM audit_holds h WHERE h.released IS NULL \
                 AND (h.confirmed_at IS NOT NULL OR h.grace_until > $2) \
                 AND c.period BETWEEN h.from_period AND h.through_period))",
                &[Val::int(through), Val::int(at.0), Val::int(purge_before(through))],
            )
            .map_err(write_error)?;
    }
    Ok(())
}

/// Replays on a standby what a retention record of its primary did (Art. 57(6): a copy keeps
/// personal data no longer than the original): a hold recorded, confirmed or released, or a purge — its
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
                .and_then(|v| serde_json::from_value::<Hold>(v.clone()).ok())
                .ok_or_else(|| unreadable("hold"))?
                .under_the_old_rule();
            writes
                .exec(
                    tx,
                    "INSERT INTO audit_holds (id, from_period, through_period, justification, approved_by, at, \
                     risk_assessment, grace_until, confirmed_by, confirmed_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    &[
                        Val::int(h.id),
                        Val::int(h.from_period),
                        Val::int(h.through_period),
                        Val::text(&h.justification),
                        Val::int(h.approved_by.0),
                        Val::int(h.at.0),
                        Val::opt_int(h.risk_assessment.map(|r| r.0)),
                        Val::opt_int(h.grace_until.map(|t| t.0)),
                        Val::opt_int(h.confirmed_by.map(|u| u.0)),
                        Val::opt_int(h.confirmed_at.map(|t| t.0)),
                    ],
                )
                .map_err(write_error)?;
            Ok(None)
        }
        "audit.hold.confirm" => {
            let h: Hold = after
                .and_then(|v| serde_json::from_value(v.clone()).ok())
                .ok_or_else(|| unreadable("hold confirmation"))?;
            let (Some(by), Some(when)) = (h.confirmed_by, h.confirmed_at) else {
                return Err(unreadable("hold confirmation"));
            };
            writes
                .exec(
                    tx,
                    "UPDATE audit_holds SET confirmed_by = $2, confirmed_at = $3 WHERE id = $1 AND confirmed_at IS NULL",
                    &[Val::int(h.id), Val::int(by.0), Val::int(when.0)],
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
            delete_purged(tx, writes, report.through_period, at)?;
            Ok(Some(report))
        }
        _ => Ok(None),
    }
}
