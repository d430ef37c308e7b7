//! A standby at another site, fed by the change log and the audit trail (issue 18; Decree
//! Art. 15 and 60(2)), and the generation that fences an old primary.
//!
//! ## What is shipped
//! A [`Batch`] is what a standby asks its primary for: the change-log rows after the standby's
//! revision and the audit records after its sequence number, **whole transactions only** (a
//! batch never ends inside the records of one revision), the primary's signed checkpoints among
//! them, and — when they changed — the credentials people sign in with (password hashes, sealed
//! TOTP seeds, backup-code tags, API-token hashes; never sessions, which stay with the server
//! that issued them). Each change row carries a SHA-256 of itself; each audit record carries
//! its commitment and chain value, which the standby recomputes ([`Tail::append_shipped`]).
//!
//! ## What proves continuity
//! A batch names the primary's chain value at the standby's last record and the checksum of
//! its last change. The standby applies a batch only when both equal its own and the
//! primary's generation is the one it follows or descends from it ([`Refusal`] names what did
//! not hold); otherwise its history and the primary's have diverged, and it stops following
//! rather than guess. The standby's tables are written by the same `write_change` as the
//! primary's, in one transaction per batch.
//!
//! ## Generations and fencing
//! Each store holds a [`ReplicationState`]: its role, its **generation** (a random name and a
//! number), the generations its history came through ([`PastGeneration`]: where each ended),
//! and a [`Fence`] once another server was promoted in its place. [`Replication::promote`]
//! starts a new generation in the same transaction that appends the standby's own access
//! records (kept aside in `standby_access` while it followed); a fenced store refuses
//! changes, across restarts, until an operator acts.
//!
//! `ship.rs` reads a batch on the primary; `apply.rs` applies one on the standby;
//! `credentials.rs` copies the credential tables.
//!
//! [`Tail::append_shipped`]: crate::audit::tail::Tail::append_shipped

mod apply;
mod credentials;
mod files;
mod ship;

/// The shipped audit record lives beside the audit trail's other records (`audit/record.rs`),
/// and the refusal beside the store's error (`error.rs`): the trail's tail appends the one and
/// raises the other, and must not import this module, which builds on it.
pub use crate::audit::ShippedAudit;
pub use crate::error::Refusal;
pub use credentials::CredentialRows;
pub use files::ShippedAttachment;
pub use ship::BATCH_EVENTS;

use crate::StoreError;
use crate::audit::NewAudit;
use crate::keys::checkpoint::Checkpoint;
use crate::sql::{Backend, Tx, Val, Writes, one, req_int, req_text, write_error};
use adam_core::{ChangeSet, Revision, Timestamp};
use serde::{Deserialize, Serialize};

/// Whether a store takes changes or follows another's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Takes changes.
    Primary,
    /// Follows a primary; refuses changes of its own.
    Standby,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Primary => "primary",
            Role::Standby => "standby",
        }
    }
}

/// A generation this store's history came through, and where it ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PastGeneration {
    /// Its name.
    pub generation: String,
    /// Its number.
    pub number: u64,
    /// The last revision it wrote that the next generation holds.
    pub until_revision: Revision,
    /// The last audit record it wrote that the next generation holds.
    pub until_seq: u64,
    /// When the next generation began (the promotion).
    pub ended_at: Timestamp,
}

/// The notice of the server that was promoted in this one's place.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Fence {
    /// The new primary's generation.
    pub generation: String,
    /// Its number.
    pub number: u64,
    /// The last revision of this store's history the new primary holds: anything this store
    /// wrote after it is not in the new primary's history.
    pub until_revision: Revision,
    /// The same for the audit trail.
    pub until_seq: u64,
    /// When the new primary was promoted.
    pub promoted_at: Timestamp,
    /// Where the notice came from (the new primary's address, or "local").
    pub from: String,
}

/// Which history a store holds and whether it follows another's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReplicationState {
    /// Primary or standby.
    pub role: Role,
    /// The generation: a random name of this unbroken history.
    pub generation: String,
    /// Its number: 1, and one more at each promotion.
    pub number: u64,
    /// The generations before this one, oldest first.
    pub lineage: Vec<PastGeneration>,
    /// The primary a standby follows.
    pub following: Option<String>,
    /// Set when another server was promoted in this one's place.
    pub fenced: Option<Fence>,
}

impl ReplicationState {
    /// Whether `generation` is this store's or one its history came through.
    pub fn descends_from(&self, generation: &str) -> bool {
        self.generation == generation || self.lineage.iter().any(|g| g.generation == generation)
    }
}

/// Where a store's history ends: its latest revision and audit record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Position {
    /// The latest revision in the change log.
    pub revision: Revision,
    /// The latest audit record.
    pub seq: u64,
}

/// One change-log row as the primary stored it, with its checksum.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShippedChange {
    /// Its revision.
    pub revision: Revision,
    /// When it was committed.
    pub at: Timestamp,
    /// The action.
    pub action: String,
    /// Who (as stored).
    pub actor: serde_json::Value,
    /// The events (as stored).
    pub events: serde_json::Value,
    /// SHA-256 of the row ([`change_digest`]), hex.
    pub sha256: String,
}

/// The primary's newest change and record when it read a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    /// Its latest revision and audit record.
    pub position: Position,
    /// When its latest revision was committed.
    pub at: Timestamp,
}

/// What a standby receives: the next whole transactions after its position.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    /// The primary's generation, number and lineage.
    pub state: ReplicationState,
    /// The position this batch follows.
    pub after: Position,
    /// The primary's chain value at `after.seq` (hex; all zeros at 0).
    pub chain_at_after: String,
    /// The checksum of the primary's change `after.revision` (none at 0).
    pub change_at_after: Option<String>,
    /// Change-log rows, in order.
    pub changes: Vec<ShippedChange>,
    /// Audit records, in order.
    pub audit: Vec<ShippedAudit>,
    /// The primary's checkpoints among those records.
    pub checkpoints: Vec<Checkpoint>,
    /// The credential tables, when the standby's copy differs.
    pub credentials: Option<CredentialRows>,
    /// The digest of the primary's credential tables (hex).
    pub credentials_digest: String,
    /// The primary's newest change and record.
    pub head: Head,
    /// The organisation's name (a standby initialises an empty store with it).
    pub organisation: String,
    /// Finished attachments after the standby's mark (only in a batch that reaches the end).
    #[serde(default)]
    pub attachments: Vec<ShippedAttachment>,
    /// The standby's mark after this batch: every attachment up to it is shipped.
    #[serde(default)]
    pub attachments_through: i64,
}

impl Batch {
    /// Whether the batch carries anything to apply.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.audit.is_empty() && self.credentials.is_none() && self.attachments.is_empty()
    }

    /// Where the batch ends.
    pub fn end(&self) -> Position {
        Position {
            revision: self.changes.last().map_or(self.after.revision, |c| c.revision),
            seq: self.audit.last().map_or(self.after.seq, |a| a.seq),
        }
    }
}

/// What applying a batch did.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    /// The standby's position now.
    pub position: Position,
    /// The change sets, for the standby's world in memory.
    pub changes: Vec<ChangeSet>,
    /// Whether the credential tables were replaced.
    pub credentials: bool,
    /// The primary's retention purges replayed (their day keys are destroyed after the commit).
    pub purges: Vec<crate::audit::PurgeReport>,
}

/// SHA-256 of one change-log row: revision, instant, action, and the canonical JSON of its
/// actor and events.
pub fn change_digest(
    revision: Revision,
    at: Timestamp,
    action: &str,
    actor: &serde_json::Value,
    events: &serde_json::Value,
) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(b"adam-change-v1\n");
    h.update(revision.0.to_be_bytes());
    h.update(at.0.to_be_bytes());
    h.update(action.as_bytes());
    h.update([0]);
    h.update(crate::audit::canonical_json(actor).as_bytes());
    h.update([0]);
    h.update(crate::audit::canonical_json(events).as_bytes());
    crate::hex::hex(h.finalize().as_slice())
}

/// The store's role in replication: its state, the batches a primary ships and a standby
/// applies, promotion and the fence. Written once for both backends (on PostgreSQL the
/// standby is PostgreSQL's own replica; the state and the fence apply all the same).
pub trait Replication {
    /// This store's replication state (a primary of a new generation when never asked before).
    fn replication_state(&self) -> Result<ReplicationState, StoreError>;

    /// Where this store's history ends.
    fn position(&self) -> Result<Position, StoreError>;

    /// The next whole transactions after `after`, at most about `limit` audit records (a
    /// revision's records are never split); the credential tables when their digest differs
    /// from `credentials_digest`.
    fn ship(
        &self,
        after: Position,
        limit: usize,
        credentials_digest: Option<&str>,
        attachments_through: i64,
    ) -> Result<Batch, StoreError>;

    /// A standby's attachment mark (every attachment up to this id is here).
    fn attachments_mark(&self) -> Result<i64, StoreError>;

    /// Applies a batch from the primary this standby follows, in one transaction, after
    /// proving it continues this store's history ([`StoreError::Replication`] says why not).
    fn apply_batch(&self, batch: &Batch) -> Result<Applied, StoreError>;

    /// Makes this store a standby of `primary` (from the next start on, it refuses changes).
    fn follow(&self, primary: &str) -> Result<ReplicationState, StoreError>;

    /// Turns a standby into the primary of a new generation: the old generation goes into the
    /// lineage with where it ended, and the access records the standby kept aside are appended
    /// to the trail, in one transaction.
    fn promote(&self, at: Timestamp) -> Result<ReplicationState, StoreError>;

    /// Records that another server was promoted in this one's place (kept across restarts).
    fn fence(&self, fence: &Fence) -> Result<ReplicationState, StoreError>;

    /// Lifts the fence (an operator's decision, after the histories were reconciled).
    fn unfence(&self) -> Result<ReplicationState, StoreError>;

    /// Keeps access records a standby produced aside, for its trail after promotion.
    fn keep_aside(&self, records: &[NewAudit]) -> Result<(), StoreError>;

    /// The digest of the credential tables (hex).
    fn credentials_digest(&self) -> Result<String, StoreError>;
}

impl<B: Backend> Replication for B {
    fn replication_state(&self) -> Result<ReplicationState, StoreError> {
        if let Some(state) = self.read(read_state)? {
            return Ok(state);
        }
        self.write(|tx, writes| state_or_new(tx, writes))
    }

    fn position(&self) -> Result<Position, StoreError> {
        self.read(position)
    }

    fn ship(
        &self,
        after: Position,
        limit: usize,
        credentials_digest: Option<&str>,
        attachments_through: i64,
    ) -> Result<Batch, StoreError> {
        let state = self.replication_state()?;
        self.read(|tx| ship::ship(tx, state, after, limit, credentials_digest, attachments_through))
    }

    fn attachments_mark(&self) -> Result<i64, StoreError> {
        self.read(files::mark)
    }

    fn apply_batch(&self, batch: &Batch) -> Result<Applied, StoreError> {
        let applied = self.write(|tx, writes| apply::apply(tx, self.keyring(), writes, batch))?;
        // As after the primary's own purge: the purged days' keys go, and no old WAL frame
        // keeps the deleted payloads.
        for report in &applied.purges {
            self.keyring().destroy_through(report.through_period, &report.held)?;
        }
        if !applied.purges.is_empty() {
            self.after_purge()?;
        }
        Ok(applied)
    }

    fn follow(&self, primary: &str) -> Result<ReplicationState, StoreError> {
        self.write(|tx, writes| {
            let mut state = state_or_new(tx, writes)?;
            state.role = Role::Standby;
            state.following = Some(primary.to_owned());
            // Following a new primary is how a fenced old primary rejoins (if its history
            // still continues the new one's; `apply` proves it).
            state.fenced = None;
            save(tx, writes, &state)?;
            Ok(state)
        })
    }

    fn promote(&self, at: Timestamp) -> Result<ReplicationState, StoreError> {
        let keys = self.keyring();
        self.write(|tx, writes| {
            let mut state = state_or_new(tx, writes)?;
            let here = position(tx)?;
            state.lineage.push(PastGeneration {
                generation: state.generation.clone(),
                number: state.number,
                until_revision: here.revision,
                until_seq: here.seq,
                ended_at: at,
            });
            state.generation = new_generation()?;
            state.number += 1;
            state.role = Role::Primary;
            state.following = None;
            state.fenced = None;
            save(tx, writes, &state)?;
            // The access records served while following, in the order they happened.
            let mut kept = Vec::new();
            tx.each("SELECT record FROM standby_access ORDER BY id", &[], &mut |row| {
                let text = req_text(row, 0, "standby_access", "record")?;
                kept.push(
                    serde_json::from_str::<NewAudit>(text)
                        .map_err(|e| StoreError::Corrupt(format!("standby_access.record: {e}")))?,
                );
                Ok(())
            })?;
            if !kept.is_empty() {
                crate::audit::tail::append_audit(tx, keys, &kept, writes)?;
                writes
                    .exec(tx, "DELETE FROM standby_access", &[])
                    .map_err(write_error)?;
            }
            Ok(state)
        })
    }

    fn fence(&self, fence: &Fence) -> Result<ReplicationState, StoreError> {
        self.write(|tx, writes| {
            let mut state = state_or_new(tx, writes)?;
            state.fenced = Some(fence.clone());
            save(tx, writes, &state)?;
            Ok(state)
        })
    }

    fn unfence(&self) -> Result<ReplicationState, StoreError> {
        self.write(|tx, writes| {
            let mut state = state_or_new(tx, writes)?;
            state.fenced = None;
            save(tx, writes, &state)?;
            Ok(state)
        })
    }

    fn keep_aside(&self, records: &[NewAudit]) -> Result<(), StoreError> {
        self.write(|tx, writes| {
            for r in records {
                let text = serde_json::to_string(r).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                writes
                    .exec(
                        tx,
                        "INSERT INTO standby_access (record) VALUES ($1)",
                        &[Val::text(&text)],
                    )
                    .map_err(write_error)?;
            }
            Ok(())
        })
    }

    fn credentials_digest(&self) -> Result<String, StoreError> {
        self.read(|tx| Ok(credentials::read(tx)?.digest()))
    }
}

/// A new generation's name: 128 random bits, hex.
fn new_generation() -> Result<String, StoreError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Keys(format!("no randomness: {e}")))?;
    Ok(crate::hex::hex(&bytes))
}

fn read_state(tx: &mut dyn Tx) -> Result<Option<ReplicationState>, StoreError> {
    one(
        tx,
        "SELECT role, generation, number, lineage, following, fenced FROM replication WHERE id = 1",
        &[],
        |row| {
            let role = match req_text(row, 0, "replication", "role")? {
                "primary" => Role::Primary,
                "standby" => Role::Standby,
                other => return Err(StoreError::Corrupt(format!("replication.role holds {other:?}"))),
            };
            let json = |i: usize, column: &'static str| -> Result<Option<String>, StoreError> {
                Ok(row.text(i)?.map(str::to_owned))
                    .map_err(|e: StoreError| StoreError::Corrupt(format!("{column}: {e}")))
            };
            let lineage = serde_json::from_str(req_text(row, 3, "replication", "lineage")?)
                .map_err(|e| StoreError::Corrupt(format!("replication.lineage: {e}")))?;
            let fenced = json(5, "replication.fenced")?
                .map(|t| serde_json::from_str(&t))
                .transpose()
                .map_err(|e| StoreError::Corrupt(format!("replication.fenced: {e}")))?;
            Ok(ReplicationState {
                role,
                generation: req_text(row, 1, "replication", "generation")?.to_owned(),
                number: u64::try_from(req_int(row, 2, "replication", "number")?)
                    .map_err(|_| StoreError::Corrupt("replication.number is negative".to_owned()))?,
                lineage,
                following: json(4, "replication.following")?,
                fenced,
            })
        },
    )
}

pub(super) fn state_or_new(tx: &mut dyn Tx, writes: &mut Writes) -> Result<ReplicationState, StoreError> {
    if let Some(state) = read_state(tx)? {
        return Ok(state);
    }
    let state = ReplicationState {
        role: Role::Primary,
        generation: new_generation()?,
        number: 1,
        lineage: Vec::new(),
        following: None,
        fenced: None,
    };
    save(tx, writes, &state)?;
    Ok(state)
}

pub(super) fn save(tx: &mut dyn Tx, writes: &mut Writes, state: &ReplicationState) -> Result<(), StoreError> {
    let lineage = serde_json::to_string(&state.lineage).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let fenced = state
        .fenced
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    writes
        .exec(
            tx,
            "INSERT INTO replication (id, role, generation, number, lineage, following, fenced) \
             VALUES (1, $1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO UPDATE SET role = excluded.role, \
             generation = excluded.generation, number = excluded.number, lineage = excluded.lineage, \
             following = excluded.following, fenced = excluded.fenced",
            &[
                Val::text(state.role.as_str()),
                Val::text(&state.generation),
                Val::int(i64::try_from(state.number).unwrap_or(i64::MAX)),
                Val::text(&lineage),
                Val::opt_text(state.following.as_deref()),
                Val::opt_text(fenced.as_deref()),
            ],
        )
        .map_err(write_error)?;
    Ok(())
}

/// The latest revision and audit record.
pub(crate) fn position(tx: &mut dyn Tx) -> Result<Position, StoreError> {
    let revision = crate::write::latest_revision(tx)?;
    let seq = one(tx, "SELECT max(seq) FROM audit_chain", &[], |row| row.int(0))?
        .flatten()
        .map(crate::audit::record::seq_of)
        .transpose()?
        .unwrap_or(0);
    Ok(Position { revision, seq })
}
