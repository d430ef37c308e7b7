//! The Decree's registers (SPEC §7): records the Decree on information security requires the
//! body to keep, held in the world like offices and grants are.
//!
//! Every register record is a [`Record`](crate::world::Record): it changes only through a
//! planned command (plan → one transaction with its change log and audit record → commit), it
//! has a revision, a "last change" and a history, "as of" replays it, and a standby applying
//! the change log gets it too. What this module adds over the directory's seam is **one
//! storage shape for every register kind**: a register event is stored as a row
//! `(kind, id, rev, body)` whose body is the record's JSON ([`RegisterRow`]), so a new register
//! kind needs no table, no column list and no load code in the store — only its line in
//! `event::register_kinds!`.
//!
//! - `inventory.rs` — assets and systems, their links, classes and floors (Art. 10–11, 38, 41);
//! - `decree_roles.rs` — the head, the security lead and the coordinator (Art. 5);
//! - `scheme.rs` — the classification scheme as versioned data (Art. 11(3));
//! - `obligations.rs` — what the classes oblige (table 1.2.3), each obligation naming its
//!   regulation and article; `rules/` holds one rule set per regulation and the list in force;
//! - `review.rs` — access reviews and the follow-ups of job changes (Art. 51(4));
//! - `risk.rs` — risk assessments (Art. 9);
//! - `integrity.rs` — integrity baselines of key servers and their comparisons (Art. 50(4)–(5));
//!   `world/integrity.rs` keeps them in the world;
//! - `continuity.rs` — the continuity plan, its reviews, each system's BIA and backup plan,
//!   continuity tests and risk acceptances (Art. 15, 29); `world/continuity.rs` keeps them in
//!   the world and derives "review overdue" and "restore overdue";
//! - `solution.rs` — the registry of information solutions hosted on DRO (seed 000);
//!
//! The register tables of the world, their indexes (the floors) and reads are in
//! `world/registers.rs`, and the list of register kinds (`register_kinds!` in `event.rs`: each
//! kind's event, its row, its load order) in `event.rs`: the records here sit below the world
//! and its events, which store them.

pub mod continuity;
pub mod decree_roles;
pub mod integrity;
pub mod inventory;
pub mod obligations;
pub mod review;
pub mod risk;
pub mod rules;
pub mod scheme;
pub mod solution;

pub use continuity::{PlanStatus, RestoreStatus};
pub use inventory::BelowFloor;

use crate::kind::EntityKind;
use serde_json::Value;

/// How the store keeps one register event: the record's kind and id, and its JSON (`None`
/// for a removal, kept as a tombstone so an id is never reused).
#[derive(Clone, Debug, PartialEq)]
pub struct RegisterRow {
    /// The record's kind.
    pub kind: EntityKind,
    /// Its id.
    pub id: u32,
    /// The record, or `None` once removed.
    pub body: Option<Value>,
}

/// A stored row that cannot be read back.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("register row {kind} {id}: {problem}")]
pub struct BadRow {
    /// The kind.
    pub kind: String,
    /// The id.
    pub id: u32,
    /// What is wrong.
    pub problem: String,
}
