//! Recomputing the audit trail: `adam audit verify`, `GET /api/v1/audit/verify`.
//!
//! [`verify`] reads every record of the trail and checks it with [`Verifier`]: its
//! commitment against its payload, its chain value against the one before, its searchable
//! columns against its payload, and the checkpoints against the recomputed chain. Reading is
//! two range scans per batch of records (chain rows, then their payloads, merged), so a
//! payload row without a chain row is found on the way. One thread reads while another
//! checks; on more cores the trail is cut into stretches checked side by side, each on a
//! connection of its own, and joined in order.
//!
//! `batch.rs` reads (and compares columns), `verifier.rs` recomputes, `scan.rs` walks JSON,
//! `head.rs` compares the tail with the chain head kept outside the database.

mod batch;
pub(crate) mod head;
mod scan;
#[cfg(test)]
mod tests;
pub(crate) mod verifier;

use self::batch::{Batch, MAX_ORPHANS, Span, Wanted, columns_match, read_batch};
use self::head::HeadRead;
use self::verifier::{ChainRow, Problem, Verdict, Verifier, validly_signed};
use crate::StoreError;
use crate::audit::chain::GENESIS;
use crate::audit::checkpoint::{db_checkpoints, pinned};
use crate::audit::record::{corrupt, seq_of, seq_val};
use crate::keys::Keyring;
use crate::keys::checkpoint::Checkpoint;
use crate::sql::{Tx, Val, one, req_int, req_text};
use adam_core::Timestamp;

/// The quick check at start: the newest external checkpoint against the database (its chain
/// value, its signature, the pinned key) and the database's checkpoints after it.
pub(crate) fn quick_check(tx: &mut dyn Tx, keys: &Keyring, head: &HeadRead) -> Result<Verdict, StoreError> {
    let (pinned_key, _) = pinned(tx)?;
    let external = keys.external_checkpoints()?;
    let mut verdict = Verdict {
        external_checkpoints: external.len() as u64,
        last_external_seq: external.iter().map(|c| c.seq).max(),
        ..Verdict::default()
    };
    let mut problem = |seq: u64, what: String| verdict.problems.push(Problem { seq, what });
    if let Some(pinned) = &pinned_key
        && *pinned != keys.public_key()
    {
        problem(
            0,
            "the key directory's signing key is not the key pinned in the database (a swapped key)".to_owned(),
        );
    }
    if let Some(last) = external.iter().max_by_key(|c| c.seq) {
        if pinned_key.as_deref() != Some(last.key.as_str()) || !last.signature_valid() {
            problem(
                last.seq,
                "the newest external checkpoint is not validly signed by the pinned key".to_owned(),
            );
        }
        let stored = one(
            tx,
            "SELECT chain FROM audit_chain WHERE seq = $1",
            &[seq_val(last.seq)?],
            |row| Ok(req_text(row, 0, "audit_chain", "chain")?.to_owned()),
        )?;
        match stored {
            Some(chain) if chain == last.chain => {}
            Some(_) => problem(
                last.seq,
                "the trail differs from the newest external checkpoint".to_owned(),
            ),
            None => problem(
                last.seq,
                "the trail ends before the newest external checkpoint (its tail was cut)".to_owned(),
            ),
        }
    }
    let records = one(tx, "SELECT max(seq) FROM audit_chain", &[], |row| row.int(0))?
        .flatten()
        .unwrap_or(0);
    verdict.records = seq_of(records)?;
    verdict.outside_head = head::check_head(tx, head, verdict.records, &mut verdict.problems)?;
    Ok(verdict)
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
    checkpoints: Vec<Checkpoint>,
    external: Vec<Checkpoint>,
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
    head: &HeadRead,
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
        let signer = scope.spawn(|| validly_signed(&start.checkpoints, &start.external));
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
        verdict.problems.push(Problem {
            seq,
            what: "its searchable columns differ from its payload".to_owned(),
        });
    }
    orphans.sort_unstable();
    orphans.truncate(MAX_ORPHANS);
    for seq in orphans {
        verdict.problems.push(match u64::try_from(seq) {
            Ok(seq) => Problem {
                seq,
                what: "a payload row exists outside the chain".to_owned(),
            },
            Err(_) => Problem {
                seq: 0,
                what: format!("a payload row numbered {seq} exists outside the chain"),
            },
        });
    }
    // The tail against the head kept outside the database, in the same transaction.
    let last = seq_of(start.last.max(0))?;
    verdict.outside_head = head::check_head(tx, head, last, &mut verdict.problems)?;
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
            |row| Ok(row.bytes(0)?.and_then(crate::hex::unhex_bytes::<32>)),
        )?
        .flatten()
        .unwrap_or(GENESIS)
    } else {
        GENESIS
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
