//! Moving the audit search keys from the tail into the lookup tables: a chunk per write
//! transaction, behind a watermark.
//!
//! Every appended record leaves its search keys in `audit_tail` (keyed by `seq`, so an append
//! writes only the table's last page). Once [`super::tail::INDEX_BATCH`] records have collected
//! they are moved into `audit_by_object` and `audit_by_actor`, in those tables' key order, so
//! each of their pages is written once per batch instead of once per record.
//!
//! Moving a batch of 65,536 keys in one transaction held the store's write lock for 0.1–0.2 s,
//! and every access check that arrived meanwhile waited for it: that stall was the whole of
//! the audit's p99 cost (BENCHMARKS.md, "Where the audit-on tail comes from"). So a large batch
//! is moved like this:
//!
//! 1. the transaction that finds the batch full only marks it (`moving_through`, migration
//!    0011) and, after its commit, asks for a **plan**: the batch's keys read and sorted
//!    **outside** the write lock (`prepare`, on a connection of its own);
//! 2. each later write transaction moves the next
//!    [`INDEX_CHUNK`](crate::key_mover::INDEX_CHUNK) keys of the plan, in key order
//!    (`INSERT … ON CONFLICT DO NOTHING`, and only keys still in the tail, so a key the
//!    retention purge removed meanwhile is not brought back), and records how far it got in
//!    the mark row — the progress commits or rolls back with the transaction;
//! 3. the transaction of the last chunk advances the **watermark** `indexed_through`: searches
//!    read the lookup tables at or below it and the tail above it, so a record is found in
//!    exactly one place at every moment, and a half-moved batch is invisible in the lookup
//!    tables;
//! 4. later transactions cut the tail below the watermark by `seq` range, a chunk at a time.
//!
//! A plan lost with its process (a restart mid-move) is prepared again and the move starts
//! over; keys already moved are skipped by `ON CONFLICT DO NOTHING`. A batch no larger than a
//! chunk (tests, and a store without a mover) is moved whole, in the transaction that filled
//! it, with the same watermark.

use crate::StoreError;
use crate::sql::{Tx, Val, Writes, one, req_int, req_text, write_error};
use std::sync::Arc;

/// The watermark row (`audit_index_mark`) as one transaction read it.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Mark {
    /// Records at or below this are found through the lookup tables; above it, the tail.
    pub(crate) indexed_through: u64,
    /// A batch being moved: its last record, the plan moving it and how far it got.
    moving: Option<Moving>,
}

#[derive(Clone, Copy, Debug)]
struct Moving {
    through: u64,
    plan: Option<i64>,
    objects_done: usize,
    actors_done: usize,
}

fn to_u64(v: i64, column: &str) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("audit_index_mark.{column} is negative")))
}

fn to_i64(v: u64) -> Result<i64, StoreError> {
    i64::try_from(v).map_err(|_| StoreError::Corrupt("audit seq does not fit".to_owned()))
}

impl Mark {
    /// Reads the watermark (a store migrated before 0011 cannot be open: migrations run first).
    pub(crate) fn read(tx: &mut dyn Tx) -> Result<Mark, StoreError> {
        one(
            tx,
            "SELECT indexed_through, moving_through, plan, objects_done, actors_done FROM audit_index_mark WHERE id = 1",
            &[],
            |row| {
                let through = row.int(1)?.map(|t| to_u64(t, "moving_through")).transpose()?;
                let done = |i: usize, column: &str| -> Result<usize, StoreError> {
                    usize::try_from(req_int(row, i, "audit_index_mark", "done")?)
                        .map_err(|_| StoreError::Corrupt(format!("audit_index_mark.{column} is negative")))
                };
                Ok(Mark {
                    indexed_through: to_u64(req_int(row, 0, "audit_index_mark", "indexed_through")?, "indexed_through")?,
                    moving: match through {
                        Some(through) => Some(Moving {
                            through,
                            plan: row.int(2)?,
                            objects_done: done(3, "objects_done")?,
                            actors_done: done(4, "actors_done")?,
                        }),
                        None => None,
                    },
                })
            },
        )?
        .ok_or_else(|| StoreError::Corrupt("audit_index_mark has no row".to_owned()))
    }
}

// The mover's state (`Mover`, `Plan`, `INDEX_CHUNK`) is `key_mover.rs`'s, below `sql.rs`, so
// that `sql::Writes` can carry it without naming this module; what a transaction does with it
// is here.
pub(crate) use crate::key_mover::{Mover, Plan};

impl Mover {
    /// Reads and sorts the keys of the batch `(from, through]` — on a snapshot of its own,
    /// outside the write lock.
    /// `epoch` is the store's epoch size (`Writes::epoch`).
    pub(crate) fn prepare(&self, tx: &mut dyn Tx, from: u64, through: u64, epoch: u64) -> Result<Plan, StoreError> {
        let mut objects = Vec::new();
        let mut actors = Vec::new();
        let epoch = i64::try_from(epoch.max(1)).unwrap_or(i64::MAX);
        tx.each(
            "SELECT seq, actor_user, object_kind, object_id FROM audit_tail WHERE seq > $1 AND seq <= $2 ORDER BY seq",
            &[Val::int(to_i64(from)?), Val::int(to_i64(through)?)],
            &mut |row| {
                let seq = req_int(row, 0, "audit_tail", "seq")?;
                let e = seq / epoch;
                if let Some(actor) = row.int(1)? {
                    actors.push((e, actor, seq));
                }
                objects.push((
                    e,
                    req_text(row, 2, "audit_tail", "object_kind")?.to_owned(),
                    req_int(row, 3, "audit_tail", "object_id")?,
                    seq,
                ));
                Ok(())
            },
        )?;
        objects.sort_unstable();
        actors.sort_unstable();
        Ok(Plan {
            id: self.next_plan_id(),
            through,
            objects,
            actors,
        })
    }
}

/// How a backend reads a batch's plan on its connection: `(from, through, epoch)`.
pub(crate) type ReadPlan<C> = fn(&mut C, &Mover, (u64, u64, u64)) -> Result<Plan, StoreError>;

/// Prepares the plan a committed transaction asked for (`Writes::plan_wanted`), outside the
/// write lock: on a connection of its own (`open`) on a thread of its own, or — for tests —
/// on `conn`, whose transaction has just committed. `read` runs the preparation in a read
/// transaction of the backend's connection.
pub(crate) fn plan_after_commit<C: Send + 'static>(
    mover: &Arc<Mover>,
    (from, through): (u64, u64),
    epoch: u64,
    conn: &mut C,
    open: impl FnOnce() -> Result<C, StoreError>,
    read: ReadPlan<C>,
) {
    if !mover.claim(through) {
        return;
    }
    if !mover.beside() {
        mover.install(through, read(conn, mover, (from, through, epoch)));
        return;
    }
    match open() {
        Ok(mut own) => {
            let mover = Arc::clone(mover);
            // Detached: it ends with its read (and the plan is dropped if the store is).
            let _ = std::thread::Builder::new()
                .name("adam-audit-index".to_owned())
                .spawn(move || {
                    let plan = read(&mut own, &mover, (from, through, epoch));
                    mover.install(through, plan);
                });
        }
        Err(e) => mover.install(through, Err(e)),
    }
}

/// What a write transaction does to the search keys at its end, under the write lock: cut the
/// tail below the watermark, and either start a move, move the next chunk, or (for a batch
/// that fits in one chunk) move it whole. `last` is the transaction's last record and
/// `tail_from` the oldest key in the tail.
pub(crate) fn advance(
    tx: &mut dyn Tx,
    writes: &mut Writes,
    mark: &Mark,
    last: u64,
    tail_from: Option<u64>,
) -> Result<(), StoreError> {
    let mover = writes.mover.clone();
    let chunk = mover.as_ref().map_or(u64::MAX, |m| m.chunk());
    let w = mark.indexed_through;
    if let Some(from) = tail_from.filter(|from| *from <= w) {
        // Keys at or below the watermark are found in the lookup tables already.
        let upto = w.min(from.saturating_add(chunk.saturating_sub(1)));
        writes
            .exec(tx, "DELETE FROM audit_tail WHERE seq <= $1", &[Val::int(to_i64(upto)?)])
            .map_err(write_error)?;
    }
    match mark.moving {
        None => {
            if last.saturating_sub(w) < writes.index_batch.max(1) {
                if let Some(mover) = &mover {
                    mover.forget();
                }
                return Ok(());
            }
            match &mover {
                Some(_) if writes.index_batch > chunk => {
                    writes
                        .exec(
                            tx,
                            "UPDATE audit_index_mark SET moving_through = $1, plan = NULL, objects_done = 0, actors_done = 0 WHERE id = 1",
                            &[Val::int(to_i64(last)?)],
                        )
                        .map_err(write_error)?;
                    writes.plan_wanted = Some((w, last));
                }
                _ => move_whole(tx, writes, w, last)?,
            }
        }
        Some(moving) => match mover.as_ref().and_then(|m| m.plan_for(moving.through)) {
            Some(plan) => step(tx, writes, &plan, moving, chunk)?,
            // Being prepared, or lost with an earlier process: asked for (again) after commit.
            None => writes.plan_wanted = Some((w, moving.through)),
        },
    }
    Ok(())
}

/// Moves the next chunk of `plan`; the last chunk advances the watermark.
fn step(tx: &mut dyn Tx, writes: &mut Writes, plan: &Plan, moving: Moving, chunk: u64) -> Result<(), StoreError> {
    let (mut objects, mut actors) = if moving.plan == Some(plan.id) {
        (moving.objects_done, moving.actors_done)
    } else {
        (0, 0)
    };
    let mut budget = usize::try_from(chunk).unwrap_or(usize::MAX);
    if let Some(rest) = plan.objects.get(objects..).filter(|r| !r.is_empty()) {
        let now = &rest[..budget.min(rest.len())];
        insert_keys(tx, writes, &INSERTS[0], now, |(e, kind, id, seq), out| {
            out.extend([Val::int(*e), Val::text(kind), Val::int(*id), Val::int(*seq)]);
        })?;
        objects += now.len();
        budget -= now.len();
    }
    if let Some(rest) = plan.actors.get(actors..).filter(|r| !r.is_empty() && budget > 0) {
        let now = &rest[..budget.min(rest.len())];
        insert_keys(tx, writes, &INSERTS[1], now, |(e, actor, seq), out| {
            out.extend([Val::int(*e), Val::int(*actor), Val::int(*seq)]);
        })?;
        actors += now.len();
    }
    if objects >= plan.objects.len() && actors >= plan.actors.len() {
        writes
            .exec(
                tx,
                "UPDATE audit_index_mark SET indexed_through = $1, moving_through = NULL, plan = NULL, \
                 objects_done = 0, actors_done = 0 WHERE id = 1",
                &[Val::int(to_i64(plan.through)?)],
            )
            .map_err(write_error)?;
    } else {
        writes
            .exec(
                tx,
                "UPDATE audit_index_mark SET plan = $1, objects_done = $2, actors_done = $3 WHERE id = 1",
                &[
                    Val::int(plan.id),
                    Val::int(i64::try_from(objects).unwrap_or(i64::MAX)),
                    Val::int(i64::try_from(actors).unwrap_or(i64::MAX)),
                ],
            )
            .map_err(write_error)?;
    }
    Ok(())
}

/// Moves every key above the watermark through `last` at once, sorted by the database, and
/// empties the tail: a batch that fits in one chunk, or a store without a mover.
fn move_whole(tx: &mut dyn Tx, writes: &mut Writes, w: u64, last: u64) -> Result<(), StoreError> {
    let epoch = Val::int(super::tail::epoch_size(writes));
    let (w, last) = (to_i64(w)?, to_i64(last)?);
    writes
        .exec(
            tx,
            "INSERT INTO audit_by_object (epoch, object_kind, object_id, seq) \
             SELECT seq / CAST($1 AS BIGINT), object_kind, object_id, seq FROM audit_tail WHERE seq > $2 AND seq <= $3 \
             ORDER BY seq / CAST($1 AS BIGINT), object_kind, object_id, seq",
            &[epoch, Val::int(w), Val::int(last)],
        )
        .map_err(write_error)?;
    let epoch = Val::int(super::tail::epoch_size(writes));
    writes
        .exec(
            tx,
            "INSERT INTO audit_by_actor (epoch, actor_user, seq) \
             SELECT seq / CAST($1 AS BIGINT), actor_user, seq FROM audit_tail \
             WHERE seq > $2 AND seq <= $3 AND actor_user IS NOT NULL \
             ORDER BY seq / CAST($1 AS BIGINT), actor_user, seq",
            &[epoch, Val::int(w), Val::int(last)],
        )
        .map_err(write_error)?;
    writes
        .exec(
            tx,
            "UPDATE audit_index_mark SET indexed_through = $1 WHERE id = 1",
            &[Val::int(last)],
        )
        .map_err(write_error)?;
    writes
        .exec(tx, "DELETE FROM audit_tail WHERE seq <= $1", &[Val::int(last)])
        .map_err(write_error)?;
    Ok(())
}

/// Rows per multi-row statement, largest first (as the tail's own appends).
const ROWS: [usize; 7] = [64, 32, 16, 8, 4, 2, 1];

/// `INSERT … SELECT … FROM (VALUES …) WHERE the key is still in the tail ON CONFLICT DO NOTHING`
/// for each table and row count.
static INSERTS: std::sync::LazyLock<[Vec<String>; 2]> = std::sync::LazyLock::new(|| {
    let build = |table: &str, columns: &str, casts: &[&str]| -> Vec<String> {
        let width = casts.len();
        ROWS.iter()
            .map(|rows| {
                let values: Vec<String> = (0..*rows)
                    .map(|r| {
                        let params: Vec<String> = casts
                            .iter()
                            .enumerate()
                            .map(|(c, ty)| format!("CAST(${} AS {ty})", r * width + c + 1))
                            .collect();
                        format!("({})", params.join(", "))
                    })
                    .collect();
                let picked: Vec<String> = (1..=width).map(|c| format!("v.column{c}")).collect();
                format!(
                    "INSERT INTO {table} ({columns}) SELECT {} FROM (VALUES {}) AS v \
                     WHERE EXISTS (SELECT 1 FROM audit_tail t WHERE t.seq = v.column{width}) ON CONFLICT DO NOTHING",
                    picked.join(", "),
                    values.join(", ")
                )
            })
            .collect()
    };
    [
        build(
            "audit_by_object",
            "epoch, object_kind, object_id, seq",
            &["BIGINT", "TEXT", "BIGINT", "BIGINT"],
        ),
        build(
            "audit_by_actor",
            "epoch, actor_user, seq",
            &["BIGINT", "BIGINT", "BIGINT"],
        ),
    ]
});

/// Inserts `keys` with the multi-row `statements` of their table, `push` giving each key's values.
fn insert_keys<'a, K>(
    tx: &mut dyn Tx,
    writes: &mut Writes,
    statements: &'static [String],
    keys: &'a [K],
    push: impl Fn(&'a K, &mut Vec<Val<'a>>),
) -> Result<(), StoreError> {
    let mut rest = keys;
    let mut values = Vec::new();
    for (size, sql) in ROWS.iter().zip(statements.iter()) {
        while rest.len() >= *size {
            let (now, later) = rest.split_at(*size);
            values.clear();
            for key in now {
                push(key, &mut values);
            }
            writes.exec(tx, sql.as_str(), &values).map_err(write_error)?;
            rest = later;
        }
    }
    Ok(())
}
