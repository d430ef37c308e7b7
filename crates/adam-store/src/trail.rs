//! Writing, reading and purging the audit trail, shared by both backends (recomputing it is
//! `verify.rs`).
//!
//! Every audit record in ADAM is appended by [`Tail::append`], inside the transaction of the
//! change it records; the chain, the commitment and the checkpoint rules are in `audit.rs`.
//! [`purge`] is the one function that deletes from the trail, and the database's triggers let
//! it delete nothing else. (`index_tail` empties `audit_tail`, the search keys not yet moved
//! into the lookup tables: a search aid, not part of the trail.)

use crate::audit::{self, Checkpoint, Keyring, Retention, Verdict};
use crate::sql::{Row, Tx, Val, Writes, one, req_id, req_int, req_text, write_error};
use crate::{AuditContext, AuditQuery, AuditRecord, Hold, NewAudit, PurgeReport, StoreError};
use adam_core::{Actor, AuditObject, JobId, Revision, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a payload says: everything the record states, committed to byte for byte.
#[derive(Serialize, Deserialize)]
pub(crate) struct Payload {
    pub(crate) seq: u64,
    pub(crate) period: i64,
    pub(crate) retention: Retention,
    pub(crate) revision: Option<Revision>,
    pub(crate) at: Timestamp,
    pub(crate) actor: Actor,
    pub(crate) actor_job: Option<JobId>,
    pub(crate) source_ip: Option<String>,
    pub(crate) application: Option<String>,
    pub(crate) action: String,
    pub(crate) object: AuditObject,
    pub(crate) before: Option<Value>,
    pub(crate) after: Option<Value>,
    pub(crate) outcome: String,
}

/// One record to append.
pub(crate) struct Entry<'a> {
    pub(crate) retention: Retention,
    pub(crate) revision: Option<Revision>,
    pub(crate) context: &'a AuditContext,
    /// The job the actor acted in.
    pub(crate) job: Option<JobId>,
    pub(crate) action: &'a str,
    pub(crate) object: &'a AuditObject,
    pub(crate) before: Option<Value>,
    pub(crate) after: Option<Value>,
    pub(crate) outcome: &'a str,
}

/// The end of the trail within one write transaction: the last sequence number, its chain
/// value and the last checkpoint. Read once per transaction, under the store's write lock (so
/// no two transactions get the same sequence number and a rolled-back one leaves no gap).
pub(crate) struct Tail<'k> {
    keys: &'k Keyring,
    seq: u64,
    chain: [u8; 32],
    last_checkpoint: u64,
    /// The oldest record whose search keys are still in `audit_tail` (not yet indexed).
    unindexed_from: Option<u64>,
    /// Records appended but not yet written: [`Tail::flush`] writes them with a few multi-row
    /// statements (one round trip per table and chunk instead of three per record, which on
    /// PostgreSQL was the append's whole cost). [`Tail::finish`] flushes first.
    pending: Vec<Pending>,
}

impl Drop for Tail<'_> {
    fn drop(&mut self) {
        // Every path that appends ends with `finish` (or `flush`) in the same transaction; a
        // record left here would be lost with the transaction still committing.
        debug_assert!(
            self.pending.is_empty() || std::thread::panicking(),
            "audit records appended but never written"
        );
    }
}

/// One record's rows, as they will be written.
struct Pending {
    seq: i64,
    period: i64,
    retention: Retention,
    commitment: String,
    chain: String,
    revision: Option<i64>,
    at: i64,
    actor_user: Option<i64>,
    actor_job: Option<i64>,
    action: String,
    object_kind: String,
    object_id: i64,
    outcome: String,
    payload: String,
}

/// The tables a record is written to, with their columns in the order [`Tail::flush`] binds.
const PENDING_TABLES: [(&str, &str, usize); 3] = [
    ("audit_chain", "seq, period, retention, commitment, chain", 5),
    (
        "audit",
        "seq, revision, at, actor_user, actor_job, action, object_kind, object_id, outcome, payload",
        10,
    ),
    ("audit_tail", "seq, actor_user, object_kind, object_id", 4),
];

/// Rows per multi-row statement: a flush writes its records in chunks of these sizes, largest
/// first, so each table has seven statements to prepare, not one per count of records.
const CHUNKS: [usize; 7] = [64, 32, 16, 8, 4, 2, 1];

/// `INSERT INTO <table> (<columns>) VALUES (...), (...)` for each table and chunk size.
static INSERTS: std::sync::LazyLock<Vec<Vec<String>>> = std::sync::LazyLock::new(|| {
    PENDING_TABLES
        .iter()
        .map(|(table, columns, width)| {
            CHUNKS
                .iter()
                .map(|rows| {
                    let values: Vec<String> = (0..*rows)
                        .map(|r| {
                            let params: Vec<String> = (1..=*width).map(|c| format!("${}", r * width + c)).collect();
                            format!("({})", params.join(", "))
                        })
                        .collect();
                    format!("INSERT INTO {table} ({columns}) VALUES {}", values.join(", "))
                })
                .collect()
        })
        .collect()
});

fn insert_sql(table: usize, chunk: usize) -> &'static str {
    INSERTS.get(table).and_then(|t| t.get(chunk)).map_or("", String::as_str)
}

impl Pending {
    /// The values of this record's row in table `table` of [`PENDING_TABLES`].
    fn values<'a>(&'a self, table: usize, out: &mut Vec<Val<'a>>) {
        let user = Val::opt_int(self.actor_user);
        match table {
            0 => out.extend([
                Val::int(self.seq),
                Val::int(self.period),
                Val::text(self.retention.as_str()),
                Val::text(&self.commitment),
                Val::text(&self.chain),
            ]),
            1 => out.extend([
                Val::int(self.seq),
                Val::opt_int(self.revision),
                Val::int(self.at),
                user,
                Val::opt_int(self.actor_job),
                Val::text(&self.action),
                Val::text(&self.object_kind),
                Val::int(self.object_id),
                Val::text(&self.outcome),
                Val::text(&self.payload),
            ]),
            _ => out.extend([
                Val::int(self.seq),
                user,
                Val::text(&self.object_kind),
                Val::int(self.object_id),
            ]),
        }
    }
}

/// Records a [`Tail`] holds before it writes them: a transaction of many records (the
/// server's access-record writer takes up to 10,000) does not keep them all in memory.
const FLUSH_AT: usize = 1024;

/// Records whose search keys collect in `audit_tail` before they are moved, sorted, into
/// `audit_by_object` and `audit_by_actor` (migration 0003). Larger batches write each index
/// page fewer times per record; smaller ones keep the unindexed tail that a search scans
/// short. At 65,536 the tail is ~3 MB of keys, scanned in milliseconds, and moving it into the
/// indexes of a 1M-record trail writes ~0.2 index pages per record instead of ~2.
pub(crate) const INDEX_BATCH: u64 = 65_536;

/// The lookup tables are keyed by `epoch = seq / EPOCH` first: a batch move then writes only
/// into the pages of the newest epoch or two, so its cost does not grow with the trail; a
/// search probes the epochs newest first. (Migration 0003 indexes the records it finds with
/// the same value; tests use small epochs to cross their boundaries.)
pub(crate) const EPOCH: u64 = 262_144;

fn epoch_size(writes: &Writes) -> i64 {
    i64::try_from(writes.epoch.max(1)).unwrap_or(i64::MAX)
}

pub(crate) fn seq_val(seq: u64) -> Result<Val<'static>, StoreError> {
    i64::try_from(seq)
        .map(Val::int)
        .map_err(|_| StoreError::Corrupt(format!("audit seq {seq} does not fit")))
}

pub(crate) fn seq_of(v: i64) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("audit seq holds {v}")))
}

pub(crate) fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

impl<'k> Tail<'k> {
    pub(crate) fn read(tx: &mut dyn Tx, keys: &'k Keyring) -> Result<Tail<'k>, StoreError> {
        let last = one(
            tx,
            "SELECT seq, chain FROM audit_chain ORDER BY seq DESC LIMIT 1",
            &[],
            |row| {
                Ok((
                    req_int(row, 0, "audit_chain", "seq")?,
                    req_text(row, 1, "audit_chain", "chain")?.to_owned(),
                ))
            },
        )?;
        let (seq, chain) = match last {
            Some((seq, chain)) => (
                seq_of(seq)?,
                audit::unhex::<32>(&chain)
                    .ok_or_else(|| StoreError::Corrupt(format!("audit_chain.chain of record {seq} is not hex")))?,
            ),
            None => (0, audit::GENESIS),
        };
        let last_checkpoint = one(tx, "SELECT max(seq) FROM audit_checkpoints", &[], |row| row.int(0))?
            .flatten()
            .map(seq_of)
            .transpose()?
            .unwrap_or(0);
        let unindexed_from = one(tx, "SELECT min(seq) FROM audit_tail", &[], |row| row.int(0))?
            .flatten()
            .map(seq_of)
            .transpose()?;
        Ok(Tail {
            keys,
            seq,
            chain,
            last_checkpoint,
            unindexed_from,
            pending: Vec::new(),
        })
    }

    /// Writes the records appended since the last flush. Whoever needs a record's rows in the
    /// database before [`Tail::finish`] (a foreign key to its `seq`) flushes first.
    pub(crate) fn flush(&mut self, tx: &mut dyn Tx, writes: &mut Writes) -> Result<(), StoreError> {
        let pending = std::mem::take(&mut self.pending);
        let mut values = Vec::new();
        for (table, (_, _, width)) in PENDING_TABLES.iter().enumerate() {
            let mut rest = pending.as_slice();
            for (chunk, rows) in CHUNKS.iter().enumerate() {
                while rest.len() >= *rows {
                    let (now, later) = rest.split_at(*rows);
                    values.clear();
                    values.reserve(rows * width);
                    for p in now {
                        p.values(table, &mut values);
                    }
                    writes
                        .exec(tx, insert_sql(table, chunk), &values)
                        .map_err(write_error)?;
                    rest = later;
                }
            }
        }
        Ok(())
    }

    /// Appends one record: its payload, commitment and chain value.
    pub(crate) fn append(&mut self, tx: &mut dyn Tx, writes: &mut Writes, e: Entry<'_>) -> Result<u64, StoreError> {
        let seq = self.seq + 1;
        let period = audit::period_of(e.context.at.0);
        let payload = Payload {
            seq,
            period,
            retention: e.retention,
            revision: e.revision,
            at: e.context.at,
            actor: e.context.actor,
            actor_job: e.job,
            source_ip: e.context.source_ip.clone(),
            application: e.context.application.clone(),
            action: e.action.to_owned(),
            object: e.object.clone(),
            before: e.before,
            after: e.after,
            outcome: e.outcome.to_owned(),
        };
        let text = audit::canonical_json(&serde_json::to_value(&payload).map_err(corrupt)?);
        let key = match e.retention {
            Retention::Access => Some(self.keys.day_key(period).ok_or_else(|| {
                StoreError::Audit(format!(
                    "cannot record an access of day {period}: that day was purged (is the clock right?)"
                ))
            })?),
            Retention::Change => None,
        };
        let commitment = audit::commitment(e.retention, key.as_ref(), text.as_bytes())?;
        let chain = audit::chain_next(&self.chain, seq, period, e.retention, &commitment);
        self.pending.push(Pending {
            seq: i64::try_from(seq).map_err(|_| corrupt("audit seq does not fit"))?,
            period,
            retention: e.retention,
            commitment: audit::hex(&commitment),
            chain: audit::hex(&chain),
            revision: e
                .revision
                .map(|r| i64::try_from(r.0).map_err(|_| corrupt("revision does not fit")))
                .transpose()?,
            at: e.context.at.0,
            actor_user: e.context.actor.user_id().map(|u| i64::from(u.0)),
            actor_job: e.job.map(|j| i64::from(j.0)),
            action: e.action.to_owned(),
            object_kind: e.object.kind.clone(),
            object_id: i64::from(e.object.id),
            outcome: e.outcome.to_owned(),
            payload: text,
        });
        if self.pending.len() >= FLUSH_AT {
            self.flush(tx, writes)?;
        }
        self.unindexed_from.get_or_insert(seq);
        self.seq = seq;
        self.chain = chain;
        Ok(seq)
    }

    /// Ends the transaction's appends: signs a checkpoint when [`audit::CHECKPOINT_EVERY`]
    /// records have passed since the last one (or always, with `force`, if anything is new).
    /// The checkpoint goes into the database now and into the external file after commit.
    pub(crate) fn finish(
        mut self,
        tx: &mut dyn Tx,
        writes: &mut Writes,
        at: Timestamp,
        force: bool,
    ) -> Result<Option<Checkpoint>, StoreError> {
        self.flush(tx, writes)?;
        if self
            .unindexed_from
            .is_some_and(|first| self.seq + 1 - first >= writes.index_batch.max(1))
        {
            index_tail(tx, writes)?;
            self.unindexed_from = None;
        }
        let due = self.seq >= self.last_checkpoint + audit::CHECKPOINT_EVERY;
        if self.seq == self.last_checkpoint || !(due || force) {
            return Ok(None);
        }
        let checkpoint = self.keys.sign(self.seq, &self.chain, at.0);
        writes
            .exec(
                tx,
                "INSERT INTO audit_checkpoints (seq, chain, at, key, signature) VALUES ($1, $2, $3, $4, $5)",
                &[
                    seq_val(checkpoint.seq)?,
                    Val::text(&checkpoint.chain),
                    Val::int(checkpoint.at),
                    Val::text(&checkpoint.key),
                    Val::text(&checkpoint.signature),
                ],
            )
            .map_err(write_error)?;
        // Pin the key at the first checkpoint; afterwards a different key is a finding.
        writes
            .exec(
                tx,
                "UPDATE meta SET audit_public_key = $1 WHERE id = 1 AND audit_public_key IS NULL",
                &[Val::text(&checkpoint.key)],
            )
            .map_err(write_error)?;
        writes.checkpoints.push(checkpoint.clone());
        Ok(Some(checkpoint))
    }
}

/// Moves the search keys collected in `audit_tail` into the clustered lookup tables, each in
/// key order (so each of their pages is written once for the whole batch), and empties the
/// tail. Runs inside the write transaction that filled the batch.
fn index_tail(tx: &mut dyn Tx, writes: &mut Writes) -> Result<(), StoreError> {
    writes
        .exec(
            tx,
            "INSERT INTO audit_by_object (epoch, object_kind, object_id, seq) \
             SELECT seq / CAST($1 AS BIGINT), object_kind, object_id, seq FROM audit_tail \
             ORDER BY seq / CAST($1 AS BIGINT), object_kind, object_id, seq",
            &[Val::int(epoch_size(writes))],
        )
        .map_err(write_error)?;
    writes
        .exec(
            tx,
            "INSERT INTO audit_by_actor (epoch, actor_user, seq) \
             SELECT seq / CAST($1 AS BIGINT), actor_user, seq FROM audit_tail WHERE actor_user IS NOT NULL \
             ORDER BY seq / CAST($1 AS BIGINT), actor_user, seq",
            &[Val::int(epoch_size(writes))],
        )
        .map_err(write_error)?;
    writes.exec(tx, "DELETE FROM audit_tail", &[]).map_err(write_error)?;
    Ok(())
}

/// The job the actor named, if any.
pub(crate) fn acting_job(context: &AuditContext) -> Option<JobId> {
    match context.actor {
        Actor::User { job, .. } => job,
        Actor::System => None,
    }
}

/// Appends audit records that are not world changes.
pub(crate) fn append_audit(
    tx: &mut dyn Tx,
    keys: &Keyring,
    records: &[NewAudit],
    writes: &mut Writes,
) -> Result<(), StoreError> {
    let mut tail = Tail::read(tx, keys)?;
    let mut at = None;
    for r in records {
        tail.append(
            tx,
            writes,
            Entry {
                retention: r.retention,
                revision: None,
                context: &r.context,
                job: acting_job(&r.context),
                action: &r.action,
                object: &r.object,
                before: r.before.clone(),
                after: r.after.clone(),
                outcome: &r.outcome,
            },
        )?;
        at = Some(r.context.at);
    }
    if let Some(at) = at {
        tail.finish(tx, writes, at, false)?;
    }
    Ok(())
}

/// Signs the end of the trail now, if anything was appended since the last checkpoint.
pub(crate) fn checkpoint(
    tx: &mut dyn Tx,
    keys: &Keyring,
    at: Timestamp,
    writes: &mut Writes,
) -> Result<Option<Checkpoint>, StoreError> {
    Tail::read(tx, keys)?.finish(tx, writes, at, true)
}

// ---- reading ------------------------------------------------------------------------------

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
/// A search by object or by actor reads the unindexed tail first (its records are the newest)
/// and then the clustered lookup table (migration 0003), epoch by epoch from the newest, until
/// the page is full; any other search walks `audit` by `seq`. Each statement is static, so
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
         AND (CAST($2 AS BIGINT) IS NULL OR t.actor_user = CAST($2 AS BIGINT)) \
         AND (CAST($3 AS TEXT) IS NULL OR t.object_kind = CAST($3 AS TEXT)) \
         AND (CAST($4 AS BIGINT) IS NULL OR t.object_id = CAST($4 AS BIGINT)) AND ",
        search_filters!(),
        " ORDER BY t.seq DESC LIMIT $9"
    );
    const BY_OBJECT: &str = concat!(
        "SELECT a.payload FROM audit_by_object x JOIN audit a ON a.seq = x.seq WHERE \
         x.epoch = CAST($10 AS BIGINT) AND x.object_kind = CAST($3 AS TEXT) AND x.object_id = CAST($4 AS BIGINT) \
         AND x.seq < coalesce(CAST($1 AS BIGINT), 9223372036854775807) AND ",
        search_filters!(),
        " ORDER BY x.seq DESC LIMIT $9"
    );
    const BY_ACTOR: &str = concat!(
        "SELECT a.payload FROM audit_by_actor x JOIN audit a ON a.seq = x.seq WHERE \
         x.epoch = CAST($10 AS BIGINT) AND x.actor_user = CAST($2 AS BIGINT) \
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

// ---- retention ------------------------------------------------------------------------------

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
    let mut tail = Tail::read(tx, keys)?;
    tail.append(
        tx,
        writes,
        Entry {
            retention: Retention::Change,
            revision: None,
            context,
            job: acting_job(context),
            action: "audit.hold",
            object: &hold_object(&stored)?,
            before: None,
            after: serde_json::to_value(&stored).ok(),
            outcome: "ok",
        },
    )?;
    tail.finish(tx, writes, context.at, false)?;
    Ok(stored)
}

fn hold_object(h: &Hold) -> Result<AuditObject, StoreError> {
    Ok(AuditObject {
        kind: "ADAM_ENTITY_AUDIT_HOLD".to_owned(),
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
    if before.released.is_some() {
        return Ok(());
    }
    writes
        .exec(
            tx,
            "UPDATE audit_holds SET released = $2 WHERE id = $1 AND released IS NULL",
            &[Val::int(id), Val::int(context.at.0)],
        )
        .map_err(write_error)?;
    let after = Hold {
        released: Some(context.at),
        ..before.clone()
    };
    let mut tail = Tail::read(tx, keys)?;
    tail.append(
        tx,
        writes,
        Entry {
            retention: Retention::Change,
            revision: None,
            context,
            job: acting_job(context),
            action: "audit.hold.release",
            object: &hold_object(&after)?,
            before: serde_json::to_value(&before).ok(),
            after: serde_json::to_value(&after).ok(),
            outcome: "ok",
        },
    )?;
    tail.finish(tx, writes, context.at, false)?;
    Ok(())
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
    let through = audit::period_of(context.at.0) - i64::from(retention_days);
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
        kind: "ADAM_ENTITY_AUDIT".to_owned(),
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
                Val::int(context.at.0),
                Val::int(through),
                Val::int(records),
                seq_val(seq)?,
            ],
        )
        .map_err(write_error)?;
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
    tail.finish(tx, writes, context.at, true)?;
    Ok(report)
}

// ---- verification -------------------------------------------------------------------------

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
    let mut out = Vec::new();
    tx.each(
        "SELECT seq, chain, at, key, signature FROM audit_checkpoints ORDER BY seq",
        &[],
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

/// The quick check at start: the newest external checkpoint against the database (its chain
/// value, its signature, the pinned key) and the database's checkpoints after it.
pub(crate) fn quick_check(tx: &mut dyn Tx, keys: &Keyring) -> Result<Verdict, StoreError> {
    let (pinned_key, _) = pinned(tx)?;
    let external = keys.external_checkpoints()?;
    let mut verdict = Verdict {
        external_checkpoints: external.len() as u64,
        last_external_seq: external.iter().map(|c| c.seq).max(),
        ..Verdict::default()
    };
    let mut problem = |seq: u64, what: String| verdict.problems.push(audit::Problem { seq, what });
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
    Ok(verdict)
}

/// Database checkpoints newer than the external file's newest, to append to it.
pub(crate) fn checkpoints_after(tx: &mut dyn Tx, after: u64) -> Result<Vec<Checkpoint>, StoreError> {
    Ok(db_checkpoints(tx)?.into_iter().filter(|c| c.seq > after).collect())
}
