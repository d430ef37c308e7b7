//! Reading the trail for `verify`, a batch at a time: chain rows then their payloads, merged,
//! into one reused buffer; and the check that a record's searchable columns copy its payload,
//! without parsing the payload (`scan.rs`).

use super::scan;
use crate::StoreError;
use crate::audit::chain::Retention;
use crate::audit::record::{seq_of, seq_val};
use crate::sql::{Tx, Val, req_int};

/// Records read per batch by [`verify`]: two range scans (chain rows, then their payloads)
/// instead of a join that seeks into `audit` once per record.
pub(super) const VERIFY_BATCH: i64 = 8192;

/// A span of [`Batch::text`].
pub(super) type Span = (usize, usize);

/// The searchable columns of one `audit` row, to compare with its payload.
#[derive(Default)]
pub(super) struct Columns {
    pub(super) revision: Option<i64>,
    pub(super) at: Option<i64>,
    pub(super) actor_user: Option<i64>,
    pub(super) actor_job: Option<i64>,
    pub(super) action: Option<Span>,
    pub(super) object_kind: Option<Span>,
    pub(super) object_id: Option<i64>,
    pub(super) outcome: Option<Span>,
}

/// One record as read, its text kept in the batch's buffer.
pub(super) struct Read {
    pub(super) seq: u64,
    pub(super) period: i64,
    pub(super) retention: Retention,
    pub(super) commitment: Span,
    pub(super) chain: Span,
    pub(super) payload: Option<(Span, Columns)>,
}

/// Records read together: handed from the reading thread to the checking one, or read and
/// then checked by a stretch's worker. The text of all of them lives in one buffer, reused
/// from batch to batch.
#[derive(Default)]
pub(super) struct Batch {
    pub(super) rows: Vec<Read>,
    pub(super) text: Vec<u8>,
}

impl Batch {
    fn push_text(&mut self, s: &[u8]) -> Span {
        let start = self.text.len();
        self.text.extend_from_slice(s);
        (start, self.text.len())
    }

    fn opt_text(&mut self, s: Option<&[u8]>) -> Option<Span> {
        s.map(|s| self.push_text(s))
    }

    pub(super) fn get(&self, span: Span) -> &[u8] {
        self.text.get(span.0..span.1).unwrap_or_default()
    }
}

/// Compares a record's searchable columns with its payload without parsing the payload into
/// values (see `scan.rs`): in place when it has the layout ADAM writes, else by a general walk.
pub(super) fn columns_match(wanted: &Wanted<'_>, payload: &[u8]) -> bool {
    columns_in_place(wanted, payload).is_some() || columns_by_walk(wanted, payload)
}

/// The searchable columns of a record, as `columns_match` compares them.
pub(super) struct Wanted<'a> {
    pub(super) revision: Option<i64>,
    /// The time in its payload's text form.
    pub(super) at: Option<&'a [u8]>,
    pub(super) actor_user: Option<i64>,
    pub(super) actor_job: Option<i64>,
    pub(super) action: Option<&'a [u8]>,
    pub(super) object_kind: Option<&'a [u8]>,
    pub(super) object_id: Option<i64>,
    pub(super) outcome: Option<&'a [u8]>,
}

/// The fast path of the columns check: `Some` when the payload has exactly the layout ADAM
/// writes ([`crate::trail::Payload`] as canonical JSON: its fourteen members in key order, the actor's and
/// the object's members in key order) and every column equals its member. Anything else,
/// including a payload with more, fewer or repeated members, is `None` and goes to
/// [`columns_by_walk`], which decides. Walking in place skips the key lookups of the general
/// walk and reads the nested actor and object once; it halves the check's share of `verify`.
pub(super) fn columns_in_place(c: &Wanted<'_>, payload: &[u8]) -> Option<()> {
    let mut k = scan::Cursor::new(payload);
    k.lit(br#"{"action":"#)?;
    k.string(c.action?)?;
    k.lit(br#","actor":{"#)?;
    match c.actor_user {
        Some(user) => {
            if k.lit(br#""job":"#).is_some() {
                k.value()?;
                k.lit(b",")?;
            }
            k.lit(br#""session":"#)?;
            k.value()?;
            k.lit(br#","type":"user","user":"#)?;
            k.int(Some(user))?;
            k.lit(b"}")?;
        }
        None => k.lit(br#""type":"system"}"#)?,
    }
    k.lit(br#","actor_job":"#)?;
    k.int(c.actor_job)?;
    k.lit(br#","after":"#)?;
    k.value()?;
    k.lit(br#","application":"#)?;
    k.value()?;
    k.lit(br#","at":"#)?;
    k.string(c.at?)?;
    k.lit(br#","before":"#)?;
    k.value()?;
    k.lit(br#","object":{"id":"#)?;
    // An object's id is never null; the column must hold it.
    k.int(Some(c.object_id?))?;
    k.lit(br#","kind":"#)?;
    k.string(c.object_kind?)?;
    k.lit(br#","label":"#)?;
    k.value()?;
    k.lit(br#"},"outcome":"#)?;
    k.string(c.outcome?)?;
    k.lit(br#","period":"#)?;
    k.value()?;
    k.lit(br#","retention":"#)?;
    k.value()?;
    k.lit(br#","revision":"#)?;
    k.int(c.revision)?;
    k.lit(br#","seq":"#)?;
    k.value()?;
    k.lit(br#","source_ip":"#)?;
    k.value()?;
    k.lit(b"}")?;
    k.at_end().then_some(())
}

/// The general columns check: walks the payload's members in any order (see `scan.rs`).
pub(super) fn columns_by_walk(c: &Wanted<'_>, payload: &[u8]) -> bool {
    let mut seen = 0u8;
    let mut ok = true;
    let mut once = |bit: u8| {
        let first = seen & bit == 0;
        seen |= bit;
        first
    };
    let walked = scan::members(payload, |key, raw| {
        ok &= match key {
            b"revision" => once(1) && scan::opt_int(raw) == Some(c.revision),
            b"at" => once(2) && c.at.is_some_and(|at| scan::is_string(raw, at)),
            b"actor" => {
                let mut kind = None;
                let mut user = None;
                once(4)
                    && scan::members(raw, |k, v| {
                        match k {
                            b"type" => kind = Some(v),
                            b"user" => user = scan::opt_int(v),
                            _ => {}
                        }
                        true
                    })
                    .is_some()
                    && match kind {
                        Some(k) if scan::is_string(k, b"user") => {
                            user.flatten().is_some() && user.flatten() == c.actor_user
                        }
                        Some(k) if scan::is_string(k, b"system") => c.actor_user.is_none(),
                        _ => false,
                    }
            }
            b"actor_job" => once(8) && scan::opt_int(raw) == Some(c.actor_job),
            b"action" => once(16) && c.action.is_some_and(|a| scan::is_string(raw, a)),
            b"object" => {
                let mut kind_ok = false;
                let mut id_ok = false;
                once(32)
                    && scan::members(raw, |k, v| {
                        match k {
                            b"kind" => kind_ok = c.object_kind.is_some_and(|want| scan::is_string(v, want)),
                            b"id" => id_ok = c.object_id.is_some() && scan::opt_int(v) == Some(c.object_id),
                            _ => {}
                        }
                        true
                    })
                    .is_some()
                    && kind_ok
                    && id_ok
            }
            b"outcome" => once(64) && c.outcome.is_some_and(|o| scan::is_string(raw, o)),
            _ => true,
        };
        ok
    });
    walked.is_some() && ok && seen == 127
}

/// Reads the next batch of chain rows in `(after, until]` and their payloads into `batch`,
/// and notes in `orphans` the payload rows of that stretch of sequence numbers that have no
/// chain row (records someone inserted around the chain). Copying first and checking after
/// costs less than checking each row as it is read: the database's code and the hashing
/// take turns per batch, not per row.
pub(super) fn read_batch(
    tx: &mut dyn Tx,
    after: i64,
    until: i64,
    batch: &mut Batch,
    orphans: &mut Vec<i64>,
) -> Result<(), StoreError> {
    batch.rows.clear();
    batch.text.clear();
    tx.each(
        "SELECT seq, period, retention, commitment, chain FROM audit_chain WHERE seq > $1 AND seq <= $2 \
         ORDER BY seq LIMIT $3",
        &[Val::int(after), Val::int(until), Val::int(VERIFY_BATCH)],
        &mut |row| {
            let seq = seq_of(req_int(row, 0, "audit_chain", "seq")?)?;
            let retention = match row.bytes(2)? {
                Some(b"access") => Retention::Access,
                Some(b"change") => Retention::Change,
                _ => {
                    return Err(StoreError::Corrupt(format!(
                        "audit_chain.retention of {seq} is neither 'change' nor 'access'"
                    )));
                }
            };
            let commitment = row.bytes(3)?.unwrap_or_default();
            let commitment = batch.push_text(commitment);
            let chain = row.bytes(4)?.unwrap_or_default();
            let chain = batch.push_text(chain);
            batch.rows.push(Read {
                seq,
                period: req_int(row, 1, "audit_chain", "period")?,
                retention,
                commitment,
                chain,
                payload: None,
            });
            Ok(())
        },
    )?;
    let Some(last) = batch.rows.last() else {
        return Ok(());
    };
    let last = seq_val(last.seq)?;
    // Both lists are in seq order: a merge. Every payload row after the previous batch is
    // visited once, so one without a chain row is found here.
    let mut k = 0;
    tx.each(
        "SELECT seq, payload, revision, at, actor_user, actor_job, action, object_kind, object_id, outcome \
         FROM audit WHERE seq > $1 AND seq <= $2 ORDER BY seq",
        &[Val::int(after), last],
        &mut |row| {
            let seq = req_int(row, 0, "audit", "seq")?;
            while batch.rows.get(k).is_some_and(|r| i128::from(r.seq) < i128::from(seq)) {
                k += 1;
            }
            if batch.rows.get(k).is_none_or(|r| i128::from(r.seq) != i128::from(seq)) {
                if orphans.len() < MAX_ORPHANS {
                    orphans.push(seq);
                }
                return Ok(());
            }
            let Some(payload) = row.bytes(1)? else {
                return Ok(());
            };
            let payload = batch.push_text(payload);
            let columns = Columns {
                revision: row.int(2)?,
                at: row.int(3)?,
                actor_user: row.int(4)?,
                actor_job: row.int(5)?,
                action: batch.opt_text(row.bytes(6)?),
                object_kind: batch.opt_text(row.bytes(7)?),
                object_id: row.int(8)?,
                outcome: batch.opt_text(row.bytes(9)?),
            };
            if let Some(r) = batch.rows.get_mut(k) {
                r.payload = Some((payload, columns));
            }
            Ok(())
        },
    )?;
    Ok(())
}

/// Payload rows outside the chain that `verify` names (one is enough to raise the alarm).
pub(super) const MAX_ORPHANS: usize = 10;
