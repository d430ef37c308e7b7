//! The standby's side: proves a batch continues this store's history, then writes it — the
//! change-log rows through the same `write_change` the primary used, the audit records through
//! the tail (each commitment and chain value recomputed), the primary's checkpoints, and the
//! credential tables — in one transaction.

use super::{Applied, Batch, Position, Refusal, Role, credentials, save, ship, state_or_new};
use crate::StoreError;
use crate::audit::retention;
use crate::audit::tail::{Payload, Tail};
use crate::keys::Keyring;
use crate::sql::{Tx, Writes};
use crate::write::{LogRow, write_change};
use adam_core::{ChangeSet, Revision, Text, Timestamp};

/// The actions of the primary's records that change the retention of the trail itself.
const RETENTION_ACTIONS: [&str; 4] = ["audit.hold", "audit.hold.confirm", "audit.hold.release", "audit.purge"];

pub(super) fn apply(
    tx: &mut dyn Tx,
    keys: &Keyring,
    writes: &mut Writes,
    batch: &Batch,
) -> Result<Applied, StoreError> {
    let mut state = state_or_new(tx, writes)?;
    if state.role != Role::Standby {
        return Err(Refusal::NotStandby.into());
    }
    let here = super::position(tx)?;
    // A standby that holds nothing yet adopts the primary's history; afterwards the primary's
    // generation must be the one followed or descend from it.
    if here != Position::default() && !batch.state.descends_from(&state.generation) {
        return Err(Refusal::Generation {
            primary: batch.state.generation.clone(),
            number: batch.state.number,
            followed: state.generation.clone(),
        }
        .into());
    }
    if batch.after != here {
        return Err(Refusal::Gap {
            what: "batch after audit record",
            expected: here.seq,
            got: batch.after.seq,
        }
        .into());
    }
    if crate::write::meta(tx).is_err() {
        let organisation = Text::parse("organisation", &batch.organisation)
            .map_err(|e| StoreError::Corrupt(format!("the primary's organisation: {e}")))?;
        crate::write::initialise(tx, &organisation)?;
    }
    let mut tail = Tail::read(tx, keys)?;
    let (seq, chain) = tail.end();
    if crate::hex::hex(&chain) != batch.chain_at_after {
        return Err(Refusal::Diverged { seq }.into());
    }
    if ship::change_digest_at(tx, here.revision)? != batch.change_at_after {
        return Err(Refusal::DivergedChange {
            revision: here.revision.0,
        }
        .into());
    }
    // The changes first: audit records name their revisions.
    let mut previous = here.revision;
    let mut changes = Vec::with_capacity(batch.changes.len());
    for change in &batch.changes {
        if change.revision.0 != previous.0 + 1 {
            return Err(Refusal::Gap {
                what: "revision",
                expected: previous.0 + 1,
                got: change.revision.0,
            }
            .into());
        }
        let digest = super::change_digest(
            change.revision,
            change.at,
            &change.action,
            &change.actor,
            &change.events,
        );
        if digest != change.sha256 {
            return Err(Refusal::Checksum {
                revision: change.revision.0,
            }
            .into());
        }
        let events = adam_core::decode_events(change.events.clone())
            .map_err(|e| StoreError::Corrupt(format!("the events of revision {}: {e}", change.revision)))?;
        write_change(
            tx,
            writes,
            &LogRow {
                revision: change.revision,
                at: change.at,
                action: &change.action,
                actor: change.actor.clone(),
                events: change.events.clone(),
            },
            previous,
            &events,
            false,
        )?;
        changes.push(ChangeSet {
            revision: change.revision,
            events,
        });
        previous = change.revision;
    }
    let mut purges = Vec::new();
    for record in &batch.audit {
        if let Err(e) = tail.append_shipped(tx, writes, record) {
            // The transaction rolls back: the records held for writing go with it.
            tail.discard();
            return Err(e);
        }
        // A hold or a purge of the primary's is done here too, in the order it was done there.
        if let (Some(payload), true) = (&record.payload, RETENTION_ACTIONS.contains(&record.action.as_str())) {
            // Its own row and the access records before it are written first: the purge's
            // row refers to the one, its deletions reach the others.
            if let Err(e) = tail.flush(tx, writes) {
                tail.discard();
                return Err(e);
            }
            let p: Payload = serde_json::from_str(payload)
                .map_err(|e| StoreError::Corrupt(format!("the primary's audit record {}: {e}", record.seq)))?;
            if let Some(report) = retention::replay(
                tx,
                writes,
                record.seq,
                Timestamp(record.at),
                &record.action,
                p.after.as_ref(),
            )? {
                purges.push(report);
            }
        }
    }
    tail.finish_shipped(tx, writes, &batch.checkpoints, batch.head.at)?;
    let replaced = match &batch.credentials {
        Some(rows) => {
            credentials::replace(tx, writes, rows)?;
            true
        }
        None => false,
    };
    if !batch.attachments.is_empty() || batch.attachments_through > 0 {
        super::files::apply(tx, writes, &batch.attachments, batch.attachments_through)?;
    }
    // The standby now holds the primary's generation and lineage.
    if state.generation != batch.state.generation || state.lineage != batch.state.lineage {
        state.generation = batch.state.generation.clone();
        state.number = batch.state.number;
        state.lineage = batch.state.lineage.clone();
        save(tx, writes, &state)?;
    }
    Ok(Applied {
        position: Position {
            revision: previous.max(Revision(here.revision.0)),
            seq: batch.audit.last().map_or(seq, |a| a.seq),
        },
        changes,
        credentials: replaced,
        purges,
    })
}
