//! The database side of checkpoints: signing the end of the trail on demand, the public key
//! pinned at the first checkpoint, and the checkpoints stored in `audit_checkpoints`. (Signing
//! and the external file are in `keys/checkpoint.rs`; the tail signs every
//! [`CHECKPOINT_EVERY`](super::CHECKPOINT_EVERY) records as it appends.)

use super::record::seq_of;
use super::tail::Tail;
use crate::StoreError;
use crate::keys::Keyring;
use crate::keys::checkpoint::Checkpoint;
use crate::sql::{Tx, Val, Writes, one, req_int, req_text};
use adam_core::Timestamp;

/// Signs the end of the trail now, if anything was appended since the last checkpoint.
pub(crate) fn checkpoint(
    tx: &mut dyn Tx,
    keys: &Keyring,
    at: Timestamp,
    writes: &mut Writes,
) -> Result<Option<Checkpoint>, StoreError> {
    Tail::read(tx, keys)?.finish(tx, writes, at, true)
}

/// The pinned public key and the purge horizon.
pub(crate) fn pinned(tx: &mut dyn Tx) -> Result<(Option<String>, Option<i64>), StoreError> {
    let key = one(tx, "SELECT audit_public_key FROM meta WHERE id = 1", &[], |row| {
        Ok(row.text(0)?.map(str::to_owned))
    })?
    .flatten();
    let purged = one(tx, "SELECT max(through_period) FROM audit_purges", &[], |row| {
        row.int(0)
    })?
    .flatten();
    Ok((key, purged))
}

pub(crate) fn db_checkpoints(tx: &mut dyn Tx) -> Result<Vec<Checkpoint>, StoreError> {
    checkpoints_after(tx, 0)
}

/// Database checkpoints newer than `after` (the external file's newest), to append to it.
///
/// Asked at every checkpoint: the `seq > $1` is read through the primary key, so the cost
/// is the few new ones, not every checkpoint the trail ever had (which grows without end).
pub(crate) fn checkpoints_after(tx: &mut dyn Tx, after: u64) -> Result<Vec<Checkpoint>, StoreError> {
    let after =
        i64::try_from(after).map_err(|_| StoreError::Corrupt(format!("checkpoint seq {after} out of range")))?;
    let mut out = Vec::new();
    tx.each(
        "SELECT seq, chain, at, key, signature FROM audit_checkpoints WHERE seq > $1 ORDER BY seq",
        &[Val::int(after)],
        &mut |row| {
            out.push(Checkpoint {
                seq: seq_of(req_int(row, 0, "audit_checkpoints", "seq")?)?,
                chain: req_text(row, 1, "audit_checkpoints", "chain")?.to_owned(),
                at: req_int(row, 2, "audit_checkpoints", "at")?,
                key: req_text(row, 3, "audit_checkpoints", "key")?.to_owned(),
                signature: req_text(row, 4, "audit_checkpoints", "signature")?.to_owned(),
            });
            Ok(())
        },
    )?;
    Ok(out)
}
