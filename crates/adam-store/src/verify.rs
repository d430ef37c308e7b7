//! Recomputing the audit trail: `adam audit verify`, `GET /api/v1/audit/verify`.
//!
//! [`verify`] reads every record of the trail and checks it with [`Verifier`]: its
//! commitment against its payload, its chain value against the one before, its searchable
//! columns against its payload, and the checkpoints against the recomputed chain. Reading is
//! two range scans per batch of records (chain rows, then their payloads, merged), so a
//! payload row without a chain row is found on the way. One thread reads while another
//! checks; on more cores the trail is cut into stretches checked side by side, each on a
//! connection of its own, and joined in order.

use crate::StoreError;
use crate::audit::{self, ChainRow, Keyring, Retention, Verdict, Verifier};
use crate::scan;
use crate::sql::{Tx, Val, one, req_int};
use crate::trail::{corrupt, db_checkpoints, pinned, seq_of, seq_val};
use adam_core::Timestamp;

/// Records read per batch by [`verify`]: two range scans (chain rows, then their payloads)
/// instead of a join that seeks into `audit` once per record.
const VERIFY_BATCH: i64 = 8192;

/// A span of [`Batch::text`].
type Span = (usize, usize);

/// The searchable columns of one `audit` row, to compare with its payload.
#[derive(Default)]
struct Columns {
    revision: Option<i64>,
    at: Option<i64>,
    actor_user: Option<i64>,
    actor_job: Option<i64>,
    action: Option<Span>,
    object_kind: Option<Span>,
    object_id: Option<i64>,
    outcome: Option<Span>,
}

/// One record as read, its text kept in the batch's buffer.
struct Read {
    seq: u64,
    period: i64,
    retention: Retention,
    commitment: Span,
    chain: Span,
    payload: Option<(Span, Columns)>,
}

/// Records read together: handed from the reading thread to the checking one, or read and
/// then checked by a stretch's worker. The text of all of them lives in one buffer, reused
/// from batch to batch.
#[derive(Default)]
struct Batch {
    rows: Vec<Read>,
    text: Vec<u8>,
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

    fn get(&self, span: Span) -> &[u8] {
        self.text.get(span.0..span.1).unwrap_or_default()
    }
}

/// Compares a record's searchable columns with its payload without parsing the payload into
/// values (see `scan.rs`): in place when it has the layout ADAM writes, else by a general walk.
fn columns_match(wanted: &Wanted<'_>, payload: &[u8]) -> bool {
    columns_in_place(wanted, payload).is_some() || columns_by_walk(wanted, payload)
}

/// The searchable columns of a record, as `columns_match` compares them.
struct Wanted<'a> {
    revision: Option<i64>,
    /// The time in its payload's text form.
    at: Option<&'a [u8]>,
    actor_user: Option<i64>,
    actor_job: Option<i64>,
    action: Option<&'a [u8]>,
    object_kind: Option<&'a [u8]>,
    object_id: Option<i64>,
    outcome: Option<&'a [u8]>,
}

/// The fast path of the columns check: `Some` when the payload has exactly the layout ADAM
/// writes ([`crate::trail::Payload`] as canonical JSON: its fourteen members in key order, the actor's and
/// the object's members in key order) and every column equals its member. Anything else,
/// including a payload with more, fewer or repeated members, is `None` and goes to
/// [`columns_by_walk`], which decides. Walking in place skips the key lookups of the general
/// walk and reads the nested actor and object once; it halves the check's share of `verify`.
fn columns_in_place(c: &Wanted<'_>, payload: &[u8]) -> Option<()> {
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
fn columns_by_walk(c: &Wanted<'_>, payload: &[u8]) -> bool {
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
fn read_batch(
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

/// What a check of the trail, or of a stretch of it, found.
struct Found<'k> {
    verifier: Verifier<'k>,
    /// Records whose searchable columns differ from their payloads.
    mismatched: Vec<u64>,
    /// Payload rows without a chain row (records someone inserted around the chain).
    orphans: Vec<i64>,
}

/// Checks one batch: each payload's searchable columns, then the record in the chain.
/// `at_text` caches the text form of the last `at` seen (records come in bursts within one
/// second).
fn check_batch(verifier: &mut Verifier<'_>, batch: &Batch, mismatched: &mut Vec<u64>, at_text: &mut (i64, String)) {
    for r in &batch.rows {
        let payload = r.payload.as_ref().map(|(span, c)| {
            let p = batch.get(*span);
            if let Some(at) = c.at
                && (at_text.0 != at || at_text.1.is_empty())
            {
                *at_text = (at, Timestamp(at).to_string());
            }
            let text = |span: Option<Span>| span.map(|s| batch.get(s));
            let wanted = Wanted {
                revision: c.revision,
                at: c.at.map(|_| at_text.1.as_bytes()),
                actor_user: c.actor_user,
                actor_job: c.actor_job,
                action: text(c.action),
                object_kind: text(c.object_kind),
                object_id: c.object_id,
                outcome: text(c.outcome),
            };
            if !columns_match(&wanted, p) {
                mismatched.push(r.seq);
            }
            p
        });
        verifier.row(ChainRow {
            seq: r.seq,
            period: r.period,
            retention: r.retention,
            commitment: batch.get(r.commitment),
            chain: batch.get(r.chain),
            payload,
        });
    }
}

/// Notes the payload rows in `(after, until]` that have no chain row: after the last chain
/// row a stretch read, the merge of [`read_batch`] sees none of them. (Records appended
/// since the trail's length was read have their chain row, so they are not taken for such.)
fn orphans_after(tx: &mut dyn Tx, after: i64, until: i64, orphans: &mut Vec<i64>) -> Result<(), StoreError> {
    tx.each(
        "SELECT a.seq FROM audit a WHERE a.seq > $1 AND a.seq <= $2 \
         AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.seq = a.seq) ORDER BY a.seq LIMIT 10",
        &[Val::int(after), Val::int(until)],
        &mut |row| {
            if orphans.len() < MAX_ORPHANS {
                orphans.push(req_int(row, 0, "audit", "seq")?);
            }
            Ok(())
        },
    )
}

/// Payload rows outside the chain that `verify` names (one is enough to raise the alarm).
const MAX_ORPHANS: usize = 10;

/// Runs a closure in a read transaction of a connection of its own that sees the trail as
/// `verify`'s own transaction does (PostgreSQL: the same exported snapshot; SQLite: a later
/// snapshot, which holds the same records up to the trail's length unless a retention purge
/// ran in between, and a worker checks that none did). One per worker thread.
pub(crate) type Beside<'a> =
    dyn Fn(&mut dyn FnMut(&mut dyn Tx) -> Result<(), StoreError>) -> Result<(), StoreError> + Sync + 'a;

/// Records each worker takes at least when `verify` chooses the number of workers: below
/// that, starting a connection and a thread costs more than it saves.
const STRETCH_MIN: i64 = 65_536;

/// Workers `verify` starts at most.
const MAX_WORKERS: usize = 16;

/// What `verify` reads before the records, in its own transaction.
struct Start {
    pinned_key: Option<String>,
    purged_through: Option<i64>,
    /// Retention purges recorded: a worker that counts another number saw the trail after a
    /// purge this transaction does not see.
    purges: i64,
    /// The highest sequence number in the chain.
    last: i64,
    checkpoints: Vec<audit::Checkpoint>,
    external: Vec<audit::Checkpoint>,
    /// The sequence numbers the checkpoints name.
    wanted: Vec<u64>,
}

fn purges(tx: &mut dyn Tx) -> Result<i64, StoreError> {
    Ok(one(tx, "SELECT count(*) FROM audit_purges", &[], |row| row.int(0))?
        .flatten()
        .unwrap_or(0))
}

/// Recomputes the whole trail (see [`Verifier`]) with `workers` stretches (0: one per core for
/// a long trail, one for a short one).
///
/// With one, reading and checking overlap ([`pipelined`]). With more, the trail is cut into
/// as many stretches of sequence numbers: this thread reads and checks the first in the
/// caller's transaction, and every other is read and checked by a thread on a connection of
/// its own ([`Beside`]). The stretches are joined in order: each starts from the chain value
/// stored before it, on which the stretch before ends. Either way the checkpoints'
/// signatures are checked alongside, on a thread of their own.
pub(crate) fn verify(
    tx: &mut dyn Tx,
    keys: &Keyring,
    workers: usize,
    beside: &Beside<'_>,
) -> Result<Verdict, StoreError> {
    let (pinned_key, purged_through) = pinned(tx)?;
    let checkpoints = db_checkpoints(tx)?;
    let external = keys.external_checkpoints()?;
    let wanted = checkpoints.iter().chain(&external).map(|c| c.seq).collect();
    let start = Start {
        pinned_key,
        purged_through,
        purges: purges(tx)?,
        last: one(tx, "SELECT max(seq) FROM audit_chain", &[], |row| row.int(0))?
            .flatten()
            .unwrap_or(0),
        checkpoints,
        external,
        wanted,
    };
    let workers = match workers {
        // On two cores, two stretches measure ~8% faster than one read by one thread and
        // checked by another (BENCHMARKS.md); beyond, the pipeline cannot use the cores.
        0 => {
            let cores = std::thread::available_parallelism().map_or(1, usize::from);
            usize::try_from(start.last / STRETCH_MIN)
                .unwrap_or(usize::MAX)
                .min(cores)
        }
        n => n,
    }
    .min(usize::try_from(start.last).unwrap_or(usize::MAX))
    .clamp(1, MAX_WORKERS);
    let (found, signed) = std::thread::scope(|scope| {
        let signer = scope.spawn(|| audit::validly_signed(&start.checkpoints, &start.external));
        let found = match workers {
            1 => pipelined(tx, keys, &start).map(Some),
            n => in_stretches(tx, keys, &start, n, beside),
        };
        (found, signer.join())
    });
    let found = match found? {
        Some(found) => found,
        // A retention purge ran while the workers started: one transaction sees it all.
        None => pipelined(tx, keys, &start)?,
    };
    let signed = signed.map_err(|_| StoreError::Audit("the thread checking signatures failed".to_owned()))?;
    let Found {
        verifier,
        mismatched,
        mut orphans,
    } = found;
    let mut verdict = verifier.finish(
        start.pinned_key.as_deref(),
        &start.checkpoints,
        &start.external,
        &signed,
    );
    for seq in mismatched {
        verdict.problems.push(audit::Problem {
            seq,
            what: "its searchable columns differ from its payload".to_owned(),
        });
    }
    orphans.sort_unstable();
    orphans.truncate(MAX_ORPHANS);
    for seq in orphans {
        verdict.problems.push(match u64::try_from(seq) {
            Ok(seq) => audit::Problem {
                seq,
                what: "a payload row exists outside the chain".to_owned(),
            },
            Err(_) => audit::Problem {
                seq: 0,
                what: format!("a payload row numbered {seq} exists outside the chain"),
            },
        });
    }
    verdict.problems.sort_by_key(|p| p.seq);
    Ok(verdict)
}

/// The whole trail in `tx`, with one reading thread (this one) and one checking thread.
/// Batches go back and forth through two bounded channels, so at most three are alive and
/// their buffers are reused.
fn pipelined<'k>(tx: &mut dyn Tx, keys: &'k Keyring, start: &Start) -> Result<Found<'k>, StoreError> {
    let verifier = Verifier::new(keys, start.purged_through, &start.wanted);
    let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Batch>(2);
    let (empty_tx, empty_rx) = std::sync::mpsc::sync_channel::<Batch>(3);
    for _ in 0..3 {
        let _ = empty_tx.send(Batch::default());
    }
    let (read, checked) = std::thread::scope(|scope| {
        let checker = scope.spawn(move || {
            let mut verifier = verifier;
            let mut mismatched = Vec::new();
            let mut at_text = (0i64, String::new());
            for batch in full_rx {
                check_batch(&mut verifier, &batch, &mut mismatched, &mut at_text);
                // The reader may have stopped; then the buffer is simply dropped.
                let _ = empty_tx.send(batch);
            }
            (verifier, mismatched)
        });
        let read = (|| -> Result<Vec<i64>, StoreError> {
            let mut after = i64::MIN;
            let mut orphans = Vec::new();
            loop {
                let mut batch = empty_rx.recv().unwrap_or_default();
                read_batch(tx, after, start.last, &mut batch, &mut orphans)?;
                let Some(last) = batch.rows.last() else {
                    orphans_after(tx, after, i64::MAX, &mut orphans)?;
                    return Ok(orphans);
                };
                after = i64::try_from(last.seq).map_err(corrupt)?;
                if full_tx.send(batch).is_err() {
                    return Err(StoreError::Audit("the verifying thread stopped".to_owned()));
                }
            }
        })();
        drop(full_tx);
        (read, checker.join())
    });
    let orphans = read?;
    let (verifier, mismatched) = checked.map_err(|_| StoreError::Audit("the verifying thread failed".to_owned()))?;
    Ok(Found {
        verifier,
        mismatched,
        orphans,
    })
}

/// One stretch of the trail as a worker found it.
struct Stretch<'k> {
    found: Found<'k>,
    /// The first sequence number of the stretch.
    first: u64,
    /// The chain value stored before it, that it started from.
    chain_before: [u8; 32],
}

/// `workers` stretches, the first read and checked in `tx` by this thread, the others each on
/// a thread and a connection of its own. `None` when a worker saw a retention purge that
/// `tx` does not see.
fn in_stretches<'k>(
    tx: &mut dyn Tx,
    keys: &'k Keyring,
    start: &Start,
    workers: usize,
    beside: &Beside<'_>,
) -> Result<Option<Found<'k>>, StoreError> {
    let count = i64::try_from(workers).map_err(corrupt)?;
    // Stretch i holds the chain rows in (bound(i), bound(i + 1)]; the first also any payload
    // row numbered below 1, the last any after the trail's length.
    let bound = |i: i64| match i {
        0 => i64::MIN,
        i if i >= count => i64::MAX,
        i => i64::try_from(i128::from(start.last) * i128::from(i) / i128::from(count)).unwrap_or(i64::MAX),
    };
    let stretch = |tx: &mut dyn Tx, i: i64| -> Result<Option<Stretch<'k>>, StoreError> {
        let until = if i + 1 >= count { start.last } else { bound(i + 1) };
        one_stretch(tx, keys, start, bound(i), until, bound(i + 1))
    };
    let results = std::thread::scope(|scope| {
        let others: Vec<_> = (1..count)
            .map(|i| {
                let stretch = &stretch;
                scope.spawn(move || {
                    let mut out = None;
                    beside(&mut |tx| {
                        out = Some(stretch(tx, i)?);
                        Ok(())
                    })?;
                    out.ok_or_else(|| StoreError::Audit("a verifying worker read nothing".to_owned()))
                })
            })
            .collect();
        let mut results = vec![stretch(tx, 0)];
        for worker in others {
            results.push(
                worker
                    .join()
                    .unwrap_or_else(|_| Err(StoreError::Audit("a verifying worker failed".to_owned()))),
            );
        }
        results
    });
    let mut stretches = Vec::with_capacity(results.len());
    for result in results {
        match result? {
            Some(stretch) => stretches.push(stretch),
            None => return Ok(None),
        }
    }
    let mut stretches = stretches.into_iter();
    let Some(first) = stretches.next() else {
        return Err(StoreError::Audit("no stretch of the trail was verified".to_owned()));
    };
    let mut whole = first.found;
    for next in stretches {
        whole.verifier.join(next.found.verifier, next.first, next.chain_before);
        whole.mismatched.extend(next.found.mismatched);
        whole.orphans.extend(next.found.orphans);
    }
    Ok(Some(whole))
}

/// Reads and checks the chain rows in `(after, until]` and the payload rows in
/// `(after, orphans_until]`. `None` when the transaction sees another number of retention
/// purges than `verify`'s own.
fn one_stretch<'k>(
    tx: &mut dyn Tx,
    keys: &'k Keyring,
    start: &Start,
    after: i64,
    until: i64,
    orphans_until: i64,
) -> Result<Option<Stretch<'k>>, StoreError> {
    if purges(tx)? != start.purges {
        return Ok(None);
    }
    let first = seq_of(after.max(0) + 1)?;
    let chain_before = if after >= 1 {
        one(
            tx,
            "SELECT chain FROM audit_chain WHERE seq <= $1 ORDER BY seq DESC LIMIT 1",
            &[Val::int(after)],
            |row| Ok(row.bytes(0)?.and_then(audit::unhex_bytes::<32>)),
        )?
        .flatten()
        .unwrap_or(audit::GENESIS)
    } else {
        audit::GENESIS
    };
    let mut verifier = Verifier::new(keys, start.purged_through, &start.wanted);
    verifier.start_at(first, chain_before);
    let mut found = Found {
        verifier,
        mismatched: Vec::new(),
        orphans: Vec::new(),
    };
    let mut at_text = (0, String::new());
    let mut batch = Batch::default();
    let mut cursor = after;
    loop {
        read_batch(tx, cursor, until, &mut batch, &mut found.orphans)?;
        let Some(last) = batch.rows.last() else {
            break;
        };
        cursor = i64::try_from(last.seq).map_err(corrupt)?;
        check_batch(&mut found.verifier, &batch, &mut found.mismatched, &mut at_text);
    }
    orphans_after(tx, cursor, orphans_until, &mut found.orphans)?;
    Ok(Some(Stretch {
        found,
        first,
        chain_before,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trail::Payload;
    use adam_core::{Actor, AuditObject, JobId, Revision, Session, UserId};
    use serde_json::Value;

    /// A record's searchable columns, owned.
    #[derive(Clone, Debug)]
    struct Cols {
        revision: Option<i64>,
        at: String,
        actor_user: Option<i64>,
        actor_job: Option<i64>,
        action: String,
        object_kind: String,
        object_id: Option<i64>,
        outcome: String,
    }

    impl Cols {
        fn wanted(&self) -> Wanted<'_> {
            Wanted {
                revision: self.revision,
                at: Some(self.at.as_bytes()),
                actor_user: self.actor_user,
                actor_job: self.actor_job,
                action: Some(self.action.as_bytes()),
                object_kind: Some(self.object_kind.as_bytes()),
                object_id: self.object_id,
                outcome: Some(self.outcome.as_bytes()),
            }
        }
    }

    /// A payload exactly as [`crate::trail::Tail::append`] writes it, and the columns it
    /// copies into.
    fn record(actor: Actor, job: Option<JobId>, label: &str, after: Option<Value>) -> (Vec<u8>, Cols) {
        let at = Timestamp(1_764_505_680);
        let payload = Payload {
            seq: 7,
            period: 20_000,
            retention: Retention::Access,
            revision: Some(Revision(3)),
            at,
            actor,
            actor_job: job,
            source_ip: Some("127.0.0.1".to_owned()),
            application: Some("svc-dms".to_owned()),
            action: "document.open".to_owned(),
            object: AuditObject {
                kind: "ADAM_ENTITY_DOCUMENT".to_owned(),
                id: 4711,
                label: label.to_owned(),
            },
            before: None,
            after,
            outcome: "ok".to_owned(),
        };
        let text = audit::canonical_json(&serde_json::to_value(&payload).unwrap());
        let cols = Cols {
            revision: Some(3),
            at: at.to_string(),
            actor_user: match actor {
                Actor::User { user, .. } => Some(i64::from(user.0)),
                Actor::System => None,
            },
            actor_job: job.map(|j| i64::from(j.0)),
            action: "document.open".to_owned(),
            object_kind: "ADAM_ENTITY_DOCUMENT".to_owned(),
            object_id: Some(4711),
            outcome: "ok".to_owned(),
        };
        (text.into_bytes(), cols)
    }

    fn actors() -> Vec<(Actor, Option<JobId>)> {
        vec![
            (Actor::System, None),
            (
                Actor::User {
                    user: UserId(12),
                    job: None,
                    session: Session::MFA,
                },
                None,
            ),
            (
                Actor::User {
                    user: UserId(12),
                    job: Some(JobId(5)),
                    session: Session::PASSWORD,
                },
                Some(JobId(5)),
            ),
        ]
    }

    /// What ADAM writes is checked in place, whoever the actor; the general walk agrees.
    #[test]
    fn the_columns_of_written_payloads_are_checked_in_place() {
        for (actor, job) in actors() {
            for after in [
                None,
                Some(serde_json::json!({ "level": 14, "note": "a \"quoted\" {word}" })),
            ] {
                let (payload, cols) = record(actor, job, "document 4711", after);
                let w = cols.wanted();
                assert_eq!(
                    columns_in_place(&w, &payload),
                    Some(()),
                    "{}",
                    String::from_utf8_lossy(&payload)
                );
                assert!(columns_by_walk(&w, &payload));
                assert!(columns_match(&w, &payload));
            }
        }
    }

    /// A label JSON must escape is skipped, not compared; an escape the writer never makes
    /// leaves the fast path, and the walk decides.
    #[test]
    fn escaped_text_is_left_to_the_walk() {
        let (actor, job) = actors()[1];
        let (payload, cols) = record(actor, job, "\"Odlo\u{10d}ba\" \\ 5", None);
        assert_eq!(columns_in_place(&cols.wanted(), &payload), Some(()));
        let payload = String::from_utf8(payload)
            .unwrap()
            .replace(r#""action":"document.open""#, r#""action":"document\u002eopen""#);
        assert_eq!(columns_in_place(&cols.wanted(), payload.as_bytes()), None);
        assert!(columns_by_walk(&cols.wanted(), payload.as_bytes()), "the same text");
        assert!(columns_match(&cols.wanted(), payload.as_bytes()));
    }

    /// A worker whose snapshot counts a retention purge that `verify`'s own transaction does
    /// not see gives up its stretch, and the whole trail is checked again in that one
    /// transaction (SQLite's workers read later snapshots than their caller's).
    #[test]
    fn a_purge_while_the_workers_start_leaves_the_check_to_one_transaction() {
        use crate::{AuditContext, NewAudit, SqliteStore, Store};
        use std::sync::atomic::{AtomicUsize, Ordering};
        let dir = tempfile::tempdir().unwrap();
        let keys = std::sync::Arc::new(Keyring::open(dir.path().join("keys")).unwrap());
        let path = dir.path().join("adam.db");
        let store = SqliteStore::open(&path, keys.clone()).unwrap();
        store
            .initialise(&adam_core::Text::parse("organisation", "Občina").unwrap())
            .unwrap();
        let record = |i: u32| NewAudit {
            retention: Retention::Access,
            context: AuditContext {
                at: Timestamp(1_764_505_680),
                actor: Actor::System,
                source_ip: None,
                application: None,
            },
            action: "document.open".to_owned(),
            object: AuditObject {
                kind: "ADAM_ENTITY_DOCUMENT".to_owned(),
                id: i,
                label: format!("document {i}"),
            },
            before: None,
            after: None,
            outcome: "ok".to_owned(),
        };
        store.append_audit(&(0..300).map(record).collect::<Vec<_>>()).unwrap();
        let opened = AtomicUsize::new(0);
        let verdict = store
            .read(|tx| {
                verify(tx, &keys, 3, &|f| {
                    if opened.fetch_add(1, Ordering::SeqCst) == 0 {
                        // A purge commits: its record, then a payload of a day it covers
                        // deleted (the triggers let exactly this through).
                        let other = rusqlite::Connection::open(&path).unwrap();
                        other
                            .execute_batch(
                                "INSERT INTO audit_purges (at, through_period, records, audit_seq) VALUES (0, 99999, 1, 1); \
                                 DELETE FROM audit WHERE seq = 250;",
                            )
                            .unwrap();
                    }
                    store.read_beside(None, f)
                })
            })
            .unwrap();
        assert_eq!(opened.load(Ordering::SeqCst), 2, "two workers beside this thread");
        // Mixing the snapshots would find record 250's payload gone with no purge to cover it.
        assert!(verdict.intact(), "{}", verdict.summary());
        assert_eq!((verdict.records, verdict.purged), (300, 0), "the caller's snapshot");
        let now = store.audit_verify_in(3).unwrap();
        assert!(now.intact(), "{}", now.summary());
        assert_eq!((now.records, now.purged), (300, 1));
    }

    /// Every column that differs from its payload fails both checks, whoever the actor.
    #[test]
    fn a_column_that_differs_fails_both_checks() {
        for (actor, job) in actors() {
            let (payload, c) = record(actor, job, "document 4711", None);
            let changed = [
                (
                    "revision",
                    Cols {
                        revision: None,
                        ..c.clone()
                    },
                ),
                (
                    "at",
                    Cols {
                        at: Timestamp(1_764_505_681).to_string(),
                        ..c.clone()
                    },
                ),
                (
                    "actor_user",
                    Cols {
                        actor_user: Some(c.actor_user.map_or(1, |u| u + 1)),
                        ..c.clone()
                    },
                ),
                (
                    "actor_job",
                    Cols {
                        actor_job: Some(99),
                        ..c.clone()
                    },
                ),
                (
                    "action",
                    Cols {
                        action: "document.close".to_owned(),
                        ..c.clone()
                    },
                ),
                (
                    "object_kind",
                    Cols {
                        object_kind: "ADAM_ENTITY_JOB".to_owned(),
                        ..c.clone()
                    },
                ),
                (
                    "object_id",
                    Cols {
                        object_id: Some(4712),
                        ..c.clone()
                    },
                ),
                (
                    "object_id null",
                    Cols {
                        object_id: None,
                        ..c.clone()
                    },
                ),
                (
                    "outcome",
                    Cols {
                        outcome: "refused".to_owned(),
                        ..c.clone()
                    },
                ),
            ];
            for (what, c) in changed {
                assert_eq!(columns_in_place(&c.wanted(), &payload), None, "{what} of {actor:?}");
                assert!(!columns_by_walk(&c.wanted(), &payload), "{what} of {actor:?}");
            }
        }
        // A repeated member (the writer never makes one) is left to the walk, which refuses it.
        let (actor, job) = actors()[0];
        let (payload, c) = record(actor, job, "document 4711", None);
        let mut doubled = payload.clone();
        doubled.pop();
        doubled.extend_from_slice(br#","outcome":"refused"}"#);
        assert_eq!(columns_in_place(&c.wanted(), &doubled), None);
        assert!(!columns_match(&c.wanted(), &doubled));
    }
}
