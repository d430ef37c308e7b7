//! The primary's side: reads the next whole transactions after a standby's position, in one
//! read transaction (one consistent snapshot of the log, the trail and the credentials).

use super::{
    Batch, Head, Position, Refusal, ReplicationState, ShippedAudit, ShippedChange, change_digest, credentials,
};
use crate::StoreError;
use crate::audit::record::{seq_of, seq_val};
use crate::audit::{GENESIS, Retention};
use crate::keys::checkpoint::Checkpoint;
use crate::sql::{Row, Tx, Val, limit_val, one, req_int, req_text, rev_val, revision_of};
use adam_core::{Revision, Timestamp};

/// About how many events one batch carries: changes are added until this many are reached
/// (so at least one whole change, however large).
pub const BATCH_EVENTS: usize = 20_000;

pub(super) fn ship(
    tx: &mut dyn Tx,
    state: ReplicationState,
    after: Position,
    limit: usize,
    credentials_digest: Option<&str>,
    attachments_through: i64,
) -> Result<Batch, StoreError> {
    let meta = crate::write::meta(tx)?;
    let here = super::position(tx)?;
    if after.revision > here.revision || after.seq > here.seq {
        return Err(Refusal::Ahead {
            standby_revision: after.revision.0,
            standby_seq: after.seq,
            primary_revision: here.revision.0,
            primary_seq: here.seq,
        }
        .into());
    }
    let chain_at_after = if after.seq == 0 {
        crate::hex::hex(&GENESIS)
    } else {
        one(
            tx,
            "SELECT chain FROM audit_chain WHERE seq = $1",
            &[seq_val(after.seq)?],
            |row| Ok(req_text(row, 0, "audit_chain", "chain")?.to_owned()),
        )?
        .ok_or_else(|| StoreError::Corrupt(format!("audit record {} is missing", after.seq)))?
    };
    let change_at_after = change_digest_at(tx, after.revision)?;

    // The audit records: up to `limit`, then the rest of the last one's revision (a batch never
    // ends inside a transaction's records).
    let mut end = after
        .seq
        .saturating_add(u64::try_from(limit.max(1)).unwrap_or(u64::MAX))
        .min(here.seq);
    let last_revision = one(
        tx,
        "SELECT revision FROM audit WHERE seq = $1",
        &[seq_val(end)?],
        |row| row.int(0),
    )?
    .flatten();
    if let Some(r) = last_revision {
        let through = one(
            tx,
            "SELECT max(seq) FROM audit WHERE revision = $1",
            &[Val::int(r)],
            |row| row.int(0),
        )?
        .flatten()
        .map(seq_of)
        .transpose()?;
        end = end.max(through.unwrap_or(end));
    }
    let mut audit = Vec::new();
    if end > after.seq {
        tx.each(
            "SELECT c.seq, c.period, c.retention, c.commitment, c.chain, a.revision, a.at, a.actor_user, \
             a.actor_job, a.action, a.object_kind, a.object_id, a.outcome, a.payload \
             FROM audit_chain c LEFT JOIN audit a ON a.seq = c.seq WHERE c.seq > $1 AND c.seq <= $2 ORDER BY c.seq",
            &[seq_val(after.seq)?, seq_val(end)?],
            &mut |row| {
                audit.push(audit_of(row)?);
                Ok(())
            },
        )?;
    }
    // The changes up to the last revision those records hold — all of them when the batch
    // reaches the end of the trail (a revision with no record of its own comes along too).
    let through = if end == here.seq {
        here.revision
    } else {
        let max = audit.iter().filter_map(|a| a.revision).max();
        match max {
            Some(r) => revision_of(r)?.max(after.revision),
            None => after.revision,
        }
    };
    // The changes, in growing chunks until about `BATCH_EVENTS` events: a change log written
    // in few large commits (an import of a whole administration) would otherwise ship in one
    // answer of hundreds of megabytes, too slow to send before the standby gives up.
    let mut changes: Vec<ShippedChange> = Vec::new();
    let mut events = 0usize;
    let mut chunk = 1usize;
    while changes.last().map_or(after.revision, |c| c.revision) < through && events < BATCH_EVENTS {
        let from = changes.last().map_or(after.revision, |c| c.revision);
        let before = changes.len();
        tx.each(
            "SELECT revision, at, action, actor, events FROM changes WHERE revision > $1 AND revision <= $2 \
             ORDER BY revision LIMIT $3",
            &[rev_val(from)?, rev_val(through)?, limit_val(chunk)],
            &mut |row| {
                if events >= BATCH_EVENTS {
                    // Enough: the rest of the chunk comes in the next batch (unparsed here).
                    return Ok(());
                }
                let change = change_of(row)?;
                events = events.saturating_add(change.events.as_array().map_or(1, Vec::len));
                changes.push(change);
                Ok(())
            },
        )?;
        if changes.len() == before {
            break;
        }
        chunk = chunk.saturating_mul(2);
    }
    let shipped_through = changes.last().map_or(after.revision, |c| c.revision);
    if shipped_through < through {
        // Fewer changes than the records named: the records end before the first one of a
        // later revision, so the batch still holds whole transactions.
        let cut = audit.iter().position(|a| {
            a.revision
                .is_some_and(|r| r > i64::try_from(shipped_through.0).unwrap_or(i64::MAX))
        });
        if let Some(i) = cut {
            audit.truncate(i);
        }
        end = audit.last().map_or(after.seq, |a| a.seq);
    }
    let mut checkpoints = Vec::new();
    if end > after.seq {
        tx.each(
            "SELECT seq, chain, at, key, signature FROM audit_checkpoints WHERE seq > $1 AND seq <= $2 ORDER BY seq",
            &[seq_val(after.seq)?, seq_val(end)?],
            &mut |row| {
                checkpoints.push(Checkpoint {
                    seq: seq_of(req_int(row, 0, "audit_checkpoints", "seq")?)?,
                    chain: req_text(row, 1, "audit_checkpoints", "chain")?.to_owned(),
                    at: req_int(row, 2, "audit_checkpoints", "at")?,
                    key: req_text(row, 3, "audit_checkpoints", "key")?.to_owned(),
                    signature: req_text(row, 4, "audit_checkpoints", "signature")?.to_owned(),
                });
                Ok(())
            },
        )?;
    }
    let rows = credentials::read(tx)?;
    let digest = rows.digest();
    // Only with a batch that reaches the end: the rows name accounts the standby must hold.
    // A batch reaches the end when it holds the last record and the last change: a change log
    // of large commits may end a batch before the last change with every record shipped.
    let complete = end == here.seq && shipped_through == here.revision;
    let credentials = (complete && credentials_digest != Some(digest.as_str())).then_some(rows);
    let (attachments, attachments_through) = if complete {
        super::files::ship(tx, attachments_through)?
    } else {
        (Vec::new(), attachments_through)
    };
    let head_at = one(
        tx,
        "SELECT at FROM changes WHERE revision = $1",
        &[rev_val(here.revision)?],
        |row| row.int(0),
    )?
    .flatten()
    .unwrap_or(0);
    Ok(Batch {
        state,
        after,
        chain_at_after,
        change_at_after,
        changes,
        audit,
        checkpoints,
        credentials,
        credentials_digest: digest,
        head: Head {
            position: here,
            at: Timestamp(head_at),
        },
        organisation: meta.organisation.as_str().to_owned(),
        attachments,
        attachments_through,
    })
}

/// A change-log row with its checksum.
pub(super) fn change_of(row: &dyn Row) -> Result<ShippedChange, StoreError> {
    let revision = revision_of(req_int(row, 0, "changes", "revision")?)?;
    let at = Timestamp(req_int(row, 1, "changes", "at")?);
    let action = req_text(row, 2, "changes", "action")?.to_owned();
    let actor = row
        .json(3)?
        .ok_or_else(|| StoreError::Corrupt(format!("changes.actor of {revision} is NULL")))?;
    let events = row
        .json(4)?
        .ok_or_else(|| StoreError::Corrupt(format!("changes.events of {revision} is NULL")))?;
    let sha256 = change_digest(revision, at, &action, &actor, &events);
    Ok(ShippedChange {
        revision,
        at,
        action,
        actor,
        events,
        sha256,
    })
}

fn audit_of(row: &dyn Row) -> Result<ShippedAudit, StoreError> {
    let seq = seq_of(req_int(row, 0, "audit_chain", "seq")?)?;
    let retention = match req_text(row, 2, "audit_chain", "retention")? {
        "change" => Retention::Change,
        "access" => Retention::Access,
        other => return Err(StoreError::Corrupt(format!("audit_chain.retention holds {other:?}"))),
    };
    let text = |i: usize| -> Result<String, StoreError> { Ok(row.text(i)?.unwrap_or_default().to_owned()) };
    Ok(ShippedAudit {
        seq,
        period: req_int(row, 1, "audit_chain", "period")?,
        retention,
        commitment: req_text(row, 3, "audit_chain", "commitment")?.to_owned(),
        chain: req_text(row, 4, "audit_chain", "chain")?.to_owned(),
        revision: row.int(5)?,
        at: row.int(6)?.unwrap_or(0),
        actor_user: row.int(7)?,
        actor_job: row.int(8)?,
        action: text(9)?,
        object_kind: text(10)?,
        object_id: row.int(11)?.unwrap_or(0),
        outcome: text(12)?,
        payload: row.text(13)?.map(str::to_owned),
    })
}

/// The checksum of the change at `revision` (none at 0).
pub(super) fn change_digest_at(tx: &mut dyn Tx, revision: Revision) -> Result<Option<String>, StoreError> {
    if revision.0 == 0 {
        return Ok(None);
    }
    let mut found = None;
    tx.each(
        "SELECT revision, at, action, actor, events FROM changes WHERE revision = $1",
        &[rev_val(revision)?],
        &mut |row| {
            found = Some(change_of(row)?.sha256);
            Ok(())
        },
    )?;
    Ok(found)
}
