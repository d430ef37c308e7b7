//! Appending to the audit trail, shared by both backends.
//!
//! Every audit record in ADAM is appended by [`Tail::append`], inside the transaction of the
//! change it records; the chain and the commitment are in `chain.rs`, and the tail signs a
//! checkpoint every [`CHECKPOINT_EVERY`] records. Deleting is `retention.rs`'s, reading
//! `search.rs`'s, recomputing `verify/`'s. (`index.rs` moves the search keys of `audit_tail` into the
//! lookup tables: a search aid, not part of the trail.)

use super::chain::{self, CHECKPOINT_EVERY, Retention};
use super::record::{AuditContext, NewAudit, PayloadRef, corrupt, seq_of, seq_val};
use crate::StoreError;
use crate::keys::Keyring;
use crate::keys::checkpoint::Checkpoint;
use crate::sql::{Tx, Val, Writes, one, req_int, req_text, write_error};
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
    pub(crate) before: Option<&'a Value>,
    pub(crate) after: Option<&'a Value>,
    pub(crate) outcome: &'a str,
}

/// The end of the trail within one write transaction: the last sequence number, its chain
/// value and the last checkpoint. Read once per transaction, under the store's write lock (so
/// no two transactions get the same sequence number and a rolled-back one leaves no gap).
pub(crate) struct Tail<'k> {
    keys: &'k Keyring,
    seq: u64,
    chain: [u8; 32],
    /// The last sequence number when the tail was read: a transaction that appended moves the
    /// head kept outside the database.
    read_seq: u64,
    last_checkpoint: u64,
    /// The oldest record whose search keys are still in `audit_tail`.
    unindexed_from: Option<u64>,
    /// The search keys' watermark and move (`index.rs`).
    mark: super::index::Mark,
    /// Records appended but not yet written: [`Tail::flush`] writes them with a few multi-row
    /// statements (one round trip per table and chunk instead of three per record, which on
    /// PostgreSQL was the append's whole cost). [`Tail::finish`] flushes first.
    pending: Vec<Pending>,
    /// A standby's: its trail is its primary's, record for record, so what it records itself
    /// (sign-ins, reads, token uses) is kept aside in `standby_access` and appended to its trail
    /// when it is promoted (`replication/`).
    aside: bool,
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

pub(crate) fn epoch_size(writes: &Writes) -> i64 {
    i64::try_from(writes.epoch.max(1)).unwrap_or(i64::MAX)
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
                crate::hex::unhex::<32>(&chain)
                    .ok_or_else(|| StoreError::Corrupt(format!("audit_chain.chain of record {seq} is not hex")))?,
            ),
            None => (0, chain::GENESIS),
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
        let mark = super::index::Mark::read(tx)?;
        let aside = one(tx, "SELECT role FROM replication WHERE id = 1", &[], |row| {
            Ok(row.text(0)? == Some("standby"))
        })?
        .unwrap_or(false);
        Ok(Tail {
            keys,
            seq,
            chain,
            read_seq: seq,
            last_checkpoint,
            unindexed_from,
            mark,
            pending: Vec::new(),
            aside,
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

    /// Appends one record: its payload, commitment and chain value (on a standby: aside, for
    /// its promotion; the sequence number returned is then 0).
    pub(crate) fn append(&mut self, tx: &mut dyn Tx, writes: &mut Writes, e: Entry<'_>) -> Result<u64, StoreError> {
        if self.aside {
            let record = NewAudit {
                retention: e.retention,
                context: e.context.clone(),
                action: e.action.to_owned(),
                object: e.object.clone(),
                before: e.before.cloned(),
                after: e.after.cloned(),
                outcome: e.outcome.to_owned(),
            };
            let text = serde_json::to_string(&record).map_err(corrupt)?;
            writes
                .exec(
                    tx,
                    "INSERT INTO standby_access (record) VALUES ($1)",
                    &[Val::text(&text)],
                )
                .map_err(write_error)?;
            return Ok(0);
        }
        let seq = self.seq + 1;
        let period = chain::period_of(e.context.at.0);
        let text = PayloadRef {
            seq,
            period,
            retention: e.retention,
            revision: e.revision,
            at: e.context.at,
            actor: e.context.actor,
            actor_job: e.job,
            source_ip: e.context.source_ip.as_deref(),
            application: e.context.application.as_deref(),
            action: e.action,
            object: e.object,
            before: e.before,
            after: e.after,
            outcome: e.outcome,
        }
        .canonical()?;
        let key = match e.retention {
            Retention::Access => Some(self.keys.day_key(period).ok_or_else(|| {
                StoreError::Audit(format!(
                    "cannot record an access of day {period}: that day was purged (is the clock right?)"
                ))
            })?),
            Retention::Change => None,
        };
        let commitment = chain::commitment(e.retention, key.as_ref(), text.as_bytes())?;
        let chain = chain::chain_next(&self.chain, seq, period, e.retention, &commitment);
        self.pending.push(Pending {
            seq: i64::try_from(seq).map_err(|_| corrupt("audit seq does not fit"))?,
            period,
            retention: e.retention,
            commitment: crate::hex::hex(&commitment),
            chain: crate::hex::hex(&chain),
            revision: e
                .revision
                .map(|r| i64::try_from(r.0).map_err(|_| corrupt("revision does not fit")))
                .transpose()?,
            at: e.context.at.0,
            actor_user: e.context.actor.user_id().map(|u| i64::from(u.0)),
            actor_job: e.job.map(|j| i64::from(j.0)),
            action: e.action.to_owned(),
            object_kind: e.object.kind.as_str().to_owned(),
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

    /// Ends the transaction's appends: signs a checkpoint when [`CHECKPOINT_EVERY`]
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
        if self.aside {
            // A standby signs nothing: its checkpoints are its primary's.
            return Ok(None);
        }
        super::index::advance(tx, writes, &self.mark, self.seq, self.unindexed_from)?;
        if self.seq > self.read_seq && writes.head.is_none_or(|(seq, _, _)| seq < self.seq) {
            writes.head = Some((self.seq, self.chain, at.0));
        }
        let due = self.seq >= self.last_checkpoint + CHECKPOINT_EVERY;
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

/// The job the actor named, if any.
pub(crate) fn acting_job(context: &AuditContext) -> Option<JobId> {
    match context.actor {
        Actor::User { job, .. } => job,
        Actor::System => None,
    }
}

/// Records one change to a record kept beside the world (an API token, a retention hold): a
/// single change record in the transaction that made the change, then the tail finished.
pub(crate) fn record_change(
    tx: &mut dyn Tx,
    keys: &Keyring,
    writes: &mut Writes,
    context: &AuditContext,
    action: &str,
    object: &AuditObject,
    (before, after): (Option<Value>, Option<Value>),
) -> Result<(), StoreError> {
    let mut tail = Tail::read(tx, keys)?;
    tail.append(
        tx,
        writes,
        Entry {
            retention: Retention::Change,
            revision: None,
            context,
            job: acting_job(context),
            action,
            object,
            before: before.as_ref(),
            after: after.as_ref(),
            outcome: "ok",
        },
    )?;
    tail.finish(tx, writes, context.at, false)?;
    Ok(())
}

/// How a record kept beside the world is ended (a token revoked, a hold released): the
/// statement that sets its end (`$1` its id, `$2` the instant), the action recorded, where its
/// end is, and how the audit record names and shows it.
pub(crate) struct Ending<R> {
    pub(crate) update: &'static str,
    pub(crate) action: &'static str,
    pub(crate) end: fn(&mut R) -> &mut Option<Timestamp>,
    pub(crate) object: fn(&R) -> Result<AuditObject, StoreError>,
    pub(crate) json: fn(&R) -> Option<Value>,
}

/// Ends `before` (the record `id` as stored) at the change's instant and records it with the
/// record before and after; ending an ended record changes nothing and records nothing.
pub(crate) fn end_once<R: Clone>(
    tx: &mut dyn Tx,
    keys: &Keyring,
    writes: &mut Writes,
    context: &AuditContext,
    (id, before): (i64, R),
    how: &Ending<R>,
) -> Result<(), StoreError> {
    let mut after = before.clone();
    let end = (how.end)(&mut after);
    if end.is_some() {
        return Ok(());
    }
    *end = Some(context.at);
    writes
        .exec(tx, how.update, &[Val::int(id), Val::int(context.at.0)])
        .map_err(write_error)?;
    record_change(
        tx,
        keys,
        writes,
        context,
        how.action,
        &(how.object)(&after)?,
        ((how.json)(&before), (how.json)(&after)),
    )
}

/// Appends audit records that are not world changes.
pub(crate) fn append_audit(
    tx: &mut dyn Tx,
    keys: &Keyring,
    records: &[NewAudit],
    writes: &mut Writes,
) -> Result<(), StoreError> {
    let mut tail = Tail::read(tx, keys)?;
    // One allocation for the records' rows, not one per doubling of the vector.
    tail.pending.reserve(records.len().min(FLUSH_AT));
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
                before: r.before.as_ref(),
                after: r.after.as_ref(),
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

// ---- records a standby receives (`replication/`) -------------------------------------------

impl Tail<'_> {
    /// Forgets the records held for writing (the transaction is being rolled back).
    pub(crate) fn discard(&mut self) {
        self.pending.clear();
    }

    /// The last record's sequence number and chain value.
    pub(crate) fn end(&self) -> (u64, [u8; 32]) {
        (self.seq, self.chain)
    }

    /// Appends a record as the primary wrote it, after proving it: it must be the next record,
    /// its payload must match its commitment (a change record's by SHA-256, an access record's
    /// by the day key the standby derives from its copy of the key directory), and its chain
    /// value must follow from the last one. A payload the primary already purged arrives as
    /// `None`: its chain value is still proven.
    pub(crate) fn append_shipped(
        &mut self,
        tx: &mut dyn Tx,
        writes: &mut Writes,
        record: &super::record::ShippedAudit,
    ) -> Result<(), StoreError> {
        use crate::error::Refusal;
        let seq = self.seq + 1;
        if record.seq != seq {
            return Err(Refusal::Gap {
                what: "audit record",
                expected: seq,
                got: record.seq,
            }
            .into());
        }
        let commitment = crate::hex::unhex::<32>(&record.commitment).ok_or(Refusal::Malformed {
            seq,
            what: "its commitment is not 64 hex digits",
        })?;
        if let Some(payload) = &record.payload {
            let key = match record.retention {
                Retention::Access => Some(
                    self.keys
                        .day_key(record.period)
                        .ok_or(Refusal::DayKeyMissing { period: record.period })?,
                ),
                Retention::Change => None,
            };
            if chain::commitment(record.retention, key.as_ref(), payload.as_bytes())? != commitment {
                return Err(Refusal::Commitment { seq }.into());
            }
        }
        let next = chain::chain_next(&self.chain, seq, record.period, record.retention, &commitment);
        if crate::hex::hex(&next) != record.chain {
            return Err(Refusal::Chain { seq }.into());
        }
        let int = |v: u64| i64::try_from(v).map_err(|_| corrupt("audit seq does not fit"));
        match &record.payload {
            Some(payload) => self.pending.push(Pending {
                seq: int(seq)?,
                period: record.period,
                retention: record.retention,
                commitment: record.commitment.clone(),
                chain: record.chain.clone(),
                revision: record.revision,
                at: record.at,
                actor_user: record.actor_user,
                actor_job: record.actor_job,
                action: record.action.clone(),
                object_kind: record.object_kind.clone(),
                object_id: record.object_id,
                outcome: record.outcome.clone(),
                payload: payload.clone(),
            }),
            None => {
                // Purged on the primary: the chain row alone (written now, in order with the
                // flushed ones — the table's key is the sequence number, so order is free).
                writes
                    .exec(
                        tx,
                        "INSERT INTO audit_chain (seq, period, retention, commitment, chain) VALUES ($1, $2, $3, $4, $5)",
                        &[
                            Val::int(int(seq)?),
                            Val::int(record.period),
                            Val::text(record.retention.as_str()),
                            Val::text(&record.commitment),
                            Val::text(&record.chain),
                        ],
                    )
                    .map_err(write_error)?;
            }
        }
        if self.pending.len() >= FLUSH_AT {
            self.flush(tx, writes)?;
        }
        if record.payload.is_some() {
            self.unindexed_from.get_or_insert(seq);
        }
        self.seq = seq;
        self.chain = next;
        Ok(())
    }

    /// Ends a standby's appends: writes them, moves the search keys when a batch is full, and
    /// stores the primary's own signed checkpoints (a standby signs none: its trail is the
    /// primary's). A checkpoint must be signed by the installation's key and match the chain.
    pub(crate) fn finish_shipped(
        mut self,
        tx: &mut dyn Tx,
        writes: &mut Writes,
        checkpoints: &[Checkpoint],
        at: Timestamp,
    ) -> Result<(), StoreError> {
        use crate::error::Refusal;
        self.flush(tx, writes)?;
        super::index::advance(tx, writes, &self.mark, self.seq, self.unindexed_from)?;
        for checkpoint in checkpoints {
            if checkpoint.seq > self.seq || !checkpoint.signature_valid() || checkpoint.key != self.keys.public_key() {
                return Err(Refusal::Checkpoint { seq: checkpoint.seq }.into());
            }
            let chain = one(
                tx,
                "SELECT chain FROM audit_chain WHERE seq = $1",
                &[seq_val(checkpoint.seq)?],
                |row| Ok(req_text(row, 0, "audit_chain", "chain")?.to_owned()),
            )?;
            if chain.as_deref() != Some(checkpoint.chain.as_str()) {
                return Err(Refusal::Checkpoint { seq: checkpoint.seq }.into());
            }
            writes
                .exec(
                    tx,
                    "INSERT INTO audit_checkpoints (seq, chain, at, key, signature) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (seq) DO NOTHING",
                    &[
                        seq_val(checkpoint.seq)?,
                        Val::text(&checkpoint.chain),
                        Val::int(checkpoint.at),
                        Val::text(&checkpoint.key),
                        Val::text(&checkpoint.signature),
                    ],
                )
                .map_err(write_error)?;
            writes
                .exec(
                    tx,
                    "UPDATE meta SET audit_public_key = $1 WHERE id = 1 AND audit_public_key IS NULL",
                    &[Val::text(&checkpoint.key)],
                )
                .map_err(write_error)?;
            writes.checkpoints.push(checkpoint.clone());
        }
        if self.seq > self.read_seq && writes.head.is_none_or(|(seq, _, _)| seq < self.seq) {
            writes.head = Some((self.seq, self.chain, at.0));
        }
        Ok(())
    }
}
