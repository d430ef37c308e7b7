//! Reading the audit trail: records after a sequence number, one object's history, and the
//! search with its filters ([`AuditQuery`]).

use super::record::{AuditContext, AuditRecord};
use super::tail::Payload;
use crate::StoreError;
use crate::sql::{Row, Tx, Val, one, req_text};
use adam_core::{Timestamp, UserId};
use serde::{Deserialize, Serialize};

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

fn record_of(row: &dyn Row) -> Result<AuditRecord, StoreError> {
    let text = req_text(row, 0, "audit", "payload")?;
    let p: Payload = serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("audit.payload: {e}")))?;
    Ok(AuditRecord {
        seq: p.seq,
        revision: p.revision,
        context: AuditContext {
            at: p.at,
            actor: p.actor,
            source_ip: p.source_ip,
            application: p.application,
        },
        actor_job: p.actor_job,
        retention: p.retention,
        action: p.action,
        object: p.object,
        before: p.before,
        after: p.after,
        outcome: p.outcome,
    })
}

fn limit_val(limit: usize) -> Val<'static> {
    Val::int(i64::try_from(limit).unwrap_or(i64::MAX))
}

/// Audit records after `after`, in order.
pub(crate) fn audit_since(tx: &mut dyn Tx, after: u64, limit: usize) -> Result<Vec<AuditRecord>, StoreError> {
    let after = i64::try_from(after).unwrap_or(i64::MAX);
    let mut out = Vec::new();
    tx.each(
        "SELECT payload FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2",
        &[Val::int(after), limit_val(limit)],
        &mut |row| {
            out.push(record_of(row)?);
            Ok(())
        },
    )?;
    Ok(out)
}

/// The filters of [`search`] on the `audit` row `a`, shared by its statements so that they
/// all take the same nine parameters. `$1` is the cursor, written as a range (`coalesce`) so
/// that an index on `seq` can start at it.
macro_rules! search_filters {
    () => {
        "a.seq < coalesce(CAST($1 AS BIGINT), 9223372036854775807) \
         AND (CAST($2 AS BIGINT) IS NULL OR a.actor_user = CAST($2 AS BIGINT)) \
         AND (CAST($3 AS TEXT) IS NULL OR a.object_kind = CAST($3 AS TEXT)) \
         AND (CAST($4 AS BIGINT) IS NULL OR a.object_id = CAST($4 AS BIGINT)) \
         AND (CAST($5 AS TEXT) IS NULL OR a.action = CAST($5 AS TEXT) OR a.action LIKE CAST($5 AS TEXT) || '.%') \
         AND (CAST($6 AS BIGINT) IS NULL OR a.at >= CAST($6 AS BIGINT)) \
         AND (CAST($7 AS BIGINT) IS NULL OR a.at < CAST($7 AS BIGINT)) \
         AND (CAST($8 AS BIGINT) IS NULL OR a.revision IS NOT NULL)"
    };
}

/// Searches the trail, newest first. The filters are ANDed; `before` is the cursor (the
/// smallest `seq` of the previous page).
///
/// A search by object or by actor reads the tail above the watermark first (its records are
/// the newest) and then the clustered lookup table (migration 0003) at or below it, epoch by
/// epoch from the newest, until the page is full (`index.rs`: during a move a key may sit in
/// both, and the watermark shows it once); any other search walks `audit` by `seq`. Each statement is static, so
/// each is prepared once.
pub(crate) fn search(tx: &mut dyn Tx, q: &AuditQuery) -> Result<Vec<AuditRecord>, StoreError> {
    const PLAIN: &str = concat!(
        "SELECT a.payload FROM audit a WHERE ",
        search_filters!(),
        " ORDER BY a.seq DESC LIMIT $9"
    );
    // The tail's own key columns are tested first, before each row is joined to its payload.
    const TAIL: &str = concat!(
        "SELECT a.payload FROM audit_tail t JOIN audit a ON a.seq = t.seq WHERE \
         t.seq < coalesce(CAST($1 AS BIGINT), 9223372036854775807) \
         AND t.seq > (SELECT m.indexed_through FROM audit_index_mark m WHERE m.id = 1) \
         AND (CAST($2 AS BIGINT) IS NULL OR t.actor_user = CAST($2 AS BIGINT)) \
         AND (CAST($3 AS TEXT) IS NULL OR t.object_kind = CAST($3 AS TEXT)) \
         AND (CAST($4 AS BIGINT) IS NULL OR t.object_id = CAST($4 AS BIGINT)) AND ",
        search_filters!(),
        " ORDER BY t.seq DESC LIMIT $9"
    );
    const BY_OBJECT: &str = concat!(
        "SELECT a.payload FROM audit_by_object x JOIN audit a ON a.seq = x.seq WHERE \
         x.epoch = CAST($10 AS BIGINT) AND x.object_kind = CAST($3 AS TEXT) AND x.object_id = CAST($4 AS BIGINT) \
         AND x.seq <= (SELECT m.indexed_through FROM audit_index_mark m WHERE m.id = 1) \
         AND x.seq < coalesce(CAST($1 AS BIGINT), 9223372036854775807) AND ",
        search_filters!(),
        " ORDER BY x.seq DESC LIMIT $9"
    );
    const BY_ACTOR: &str = concat!(
        "SELECT a.payload FROM audit_by_actor x JOIN audit a ON a.seq = x.seq WHERE \
         x.epoch = CAST($10 AS BIGINT) AND x.actor_user = CAST($2 AS BIGINT) \
         AND x.seq <= (SELECT m.indexed_through FROM audit_index_mark m WHERE m.id = 1) \
         AND x.seq < coalesce(CAST($1 AS BIGINT), 9223372036854775807) AND ",
        search_filters!(),
        " ORDER BY x.seq DESC LIMIT $9"
    );
    let before = q.before.map(|b| i64::try_from(b).unwrap_or(i64::MAX));
    let filters = |limit: usize| {
        [
            Val::Int(before),
            Val::opt_int(q.actor.map(|u| u.0)),
            Val::opt_text(q.object_kind.as_deref()),
            Val::opt_int(q.object_id),
            Val::opt_text(q.action.as_deref()),
            Val::Int(q.from.map(|t| t.0)),
            Val::Int(q.to.map(|t| t.0)),
            Val::Int(q.changes_only.then_some(1)),
            limit_val(limit),
        ]
    };
    let (indexed, newest_epoch) = if q.object_kind.is_some() && q.object_id.is_some() {
        (BY_OBJECT, "SELECT max(epoch) FROM audit_by_object")
    } else if q.actor.is_some() {
        (BY_ACTOR, "SELECT max(epoch) FROM audit_by_actor")
    } else {
        let mut out = Vec::new();
        tx.each(PLAIN, &filters(q.limit), &mut |row| {
            out.push(record_of(row)?);
            Ok(())
        })?;
        return Ok(out);
    };
    let mut out = Vec::new();
    tx.each(TAIL, &filters(q.limit), &mut |row| {
        out.push(record_of(row)?);
        Ok(())
    })?;
    // The indexed records are all older than the tail's; epochs newest first, each in seq
    // order, until the page is full.
    let newest = one(tx, newest_epoch, &[], |row| row.int(0))?.flatten();
    // (Epochs newer than the cursor are probed too, and find nothing: a read does not know
    // the epoch size the writes used.)
    let Some(mut epoch) = newest else {
        return Ok(out);
    };
    while epoch >= 0 && out.len() < q.limit {
        let [b, actor, kind, id, action, from, to, changes, _] = filters(0);
        let params = [
            b,
            actor,
            kind,
            id,
            action,
            from,
            to,
            changes,
            limit_val(q.limit - out.len()),
            Val::int(epoch),
        ];
        tx.each(indexed, &params, &mut |row| {
            out.push(record_of(row)?);
            Ok(())
        })?;
        epoch -= 1;
    }
    out.truncate(q.limit);
    Ok(out)
}

/// The newest audit records about one object, newest first.
pub(crate) fn object_history(
    tx: &mut dyn Tx,
    kind: &str,
    id: u32,
    limit: usize,
) -> Result<Vec<AuditRecord>, StoreError> {
    search(
        tx,
        &AuditQuery {
            object_kind: Some(kind.to_owned()),
            object_id: Some(id),
            limit,
            ..AuditQuery::default()
        },
    )
}
