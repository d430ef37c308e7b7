//! The Decree's registers (SPEC §7): records the Decree on information security requires the
//! body to keep, held in the world like offices and grants are.
//!
//! Every register record is a [`Record`](crate::world::Record): it changes only through a
//! planned command (plan → one transaction with its change log and audit record → commit), it
//! has a revision, a "last change" and a history, "as of" replays it, and a standby applying
//! the change log gets it too. What this module adds over the directory's seam is **one
//! storage shape for every register kind**: a register event is stored as a row
//! `(kind, id, rev, body)` whose body is the record's JSON ([`RegisterRow`]), so a new register
//! kind needs no table, no column list and no load code in the store — only its
//! [`RegisterRow`] arm here.
//!
//! - `inventory.rs` — assets and systems, their links, classes and floors (Art. 10–11, 38, 41);
//! - `decree_roles.rs` — the head, the security lead and the coordinator (Art. 5);
//! - `scheme.rs` — the classification scheme as versioned data (Art. 11(3));
//! - `obligations.rs` — what the classes oblige (table 1.2.3), each obligation naming its
//!   regulation and article; `rules/` holds one rule set per regulation and the list in force;
//! - `review.rs` — access reviews and the follow-ups of job changes (Art. 51(4));
//! - `risk.rs` — risk assessments (Art. 9);
//! - `integrity.rs` — integrity baselines of key servers and their comparisons (Art. 50(4)–(5));
//!   `integrity_world.rs` keeps them in the world;
//! - `continuity.rs` — the continuity plan, its reviews, each system's BIA and backup plan,
//!   continuity tests and risk acceptances (Art. 15, 29); `continuity_world.rs` keeps them in
//!   the world and derives "review overdue" and "restore overdue";
//! - `solution.rs` — the registry of information solutions hosted on DRO (seed 000);
//! - `world.rs` — the register tables of the world, their indexes (the floors) and reads.

pub mod continuity;
mod continuity_world;
pub mod decree_roles;
pub mod integrity;
mod integrity_world;
pub mod inventory;
pub mod obligations;
pub mod review;
pub mod risk;
pub mod rules;
pub mod scheme;
pub mod solution;
mod world;

pub use continuity_world::{PlanStatus, RestoreStatus};
pub(crate) use world::put_bare;
pub use world::{BelowFloor, Registers};

use crate::event::Event;
use crate::ids::LinkId;
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

/// The register kinds in the order a cold start loads them (a link names two items, an item
/// names users and applications, which the directory loads first).
pub const LOAD_ORDER: [EntityKind; 18] = [
    EntityKind::ClassScheme,
    EntityKind::DecreeRole,
    EntityKind::InventoryItem,
    EntityKind::InventoryLink,
    EntityKind::AccessReview,
    EntityKind::RightsFollowUp,
    EntityKind::RiskAssessment,
    EntityKind::IntegrityBaseline,
    EntityKind::IntegrityComparison,
    EntityKind::ProcessDefinition,
    EntityKind::ProcessCase,
    EntityKind::RaciMatrix,
    EntityKind::Solution,
    EntityKind::ContinuityPlan,
    EntityKind::PlanReview,
    EntityKind::Bia,
    EntityKind::ContinuityTest,
    EntityKind::RiskAcceptance,
];

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

fn body<T: serde::Serialize>(t: &T) -> Option<Value> {
    serde_json::to_value(t).ok()
}

impl Event {
    /// The row under which the store keeps this event, if it is a register event.
    pub fn register_row(&self) -> Option<RegisterRow> {
        let (kind, id, body) = match self {
            Event::Scheme(s) => (EntityKind::ClassScheme, s.id.0, body(s)),
            Event::RoleHolder(h) => (EntityKind::DecreeRole, h.id.0, body(h)),
            Event::Item(i) => (EntityKind::InventoryItem, i.id.0, body(i)),
            Event::Link(l) => (EntityKind::InventoryLink, l.id.0, body(l)),
            Event::LinkRemoved(id) => (EntityKind::InventoryLink, id.0, None),
            Event::Review(r) => (EntityKind::AccessReview, r.id.0, body(r)),
            Event::FollowUp(f) => (EntityKind::RightsFollowUp, f.id.0, body(f)),
            Event::Risk(r) => (EntityKind::RiskAssessment, r.id.0, body(r)),
            Event::Baseline(b) => (EntityKind::IntegrityBaseline, b.id.0, body(b)),
            Event::Comparison(c) => (EntityKind::IntegrityComparison, c.id.0, body(c)),
            Event::Definition(d) => (EntityKind::ProcessDefinition, d.id.0, body(d)),
            Event::Case(c) => (EntityKind::ProcessCase, c.id.0, body(c)),
            Event::RaciMatrix(m) => (EntityKind::RaciMatrix, m.id.0, body(m)),
            Event::Solution(s) => (EntityKind::Solution, s.id.0, body(s)),
            Event::ContinuityPlan(p) => (EntityKind::ContinuityPlan, p.id.0, body(p)),
            Event::PlanReview(r) => (EntityKind::PlanReview, r.id.0, body(r)),
            Event::Bia(b) => (EntityKind::Bia, b.id.0, body(b)),
            Event::ContinuityTest(t) => (EntityKind::ContinuityTest, t.id.0, body(t)),
            Event::RiskAcceptance(a) => (EntityKind::RiskAcceptance, a.id.0, body(a)),
            _ => return None,
        };
        Some(RegisterRow { kind, id, body })
    }

    /// The event that recreates a stored register row.
    pub fn from_register_row(kind: &str, id: u32, body: Option<Value>) -> Result<Event, BadRow> {
        let bad = |problem: String| BadRow {
            kind: kind.to_owned(),
            id,
            problem,
        };
        let kind_ = kind.parse::<EntityKind>().map_err(|e| bad(e.to_string()))?;
        let decode = |v: Value| -> Result<Event, BadRow> {
            let event = match kind_ {
                EntityKind::ClassScheme => serde_json::from_value(v).map(Event::Scheme),
                EntityKind::DecreeRole => serde_json::from_value(v).map(Event::RoleHolder),
                EntityKind::InventoryItem => serde_json::from_value(v).map(Event::Item),
                EntityKind::InventoryLink => serde_json::from_value(v).map(Event::Link),
                EntityKind::AccessReview => serde_json::from_value(v).map(Event::Review),
                EntityKind::RightsFollowUp => serde_json::from_value(v).map(Event::FollowUp),
                EntityKind::RiskAssessment => serde_json::from_value(v).map(Event::Risk),
                EntityKind::IntegrityBaseline => serde_json::from_value(v).map(Event::Baseline),
                EntityKind::IntegrityComparison => serde_json::from_value(v).map(Event::Comparison),
                EntityKind::ProcessDefinition => serde_json::from_value(v).map(Event::Definition),
                EntityKind::ProcessCase => serde_json::from_value(v).map(Event::Case),
                EntityKind::RaciMatrix => serde_json::from_value(v).map(Event::RaciMatrix),
                EntityKind::Solution => serde_json::from_value(v).map(Event::Solution),
                EntityKind::ContinuityPlan => serde_json::from_value(v).map(Event::ContinuityPlan),
                EntityKind::PlanReview => serde_json::from_value(v).map(Event::PlanReview),
                EntityKind::Bia => serde_json::from_value(v).map(Event::Bia),
                EntityKind::ContinuityTest => serde_json::from_value(v).map(Event::ContinuityTest),
                EntityKind::RiskAcceptance => serde_json::from_value(v).map(Event::RiskAcceptance),
                _ => return Err(bad("not a register kind".to_owned())),
            };
            event.map_err(|e| bad(e.to_string()))
        };
        let event = match (kind_, body) {
            (_, Some(v)) => decode(v)?,
            (EntityKind::InventoryLink, None) => Event::LinkRemoved(LinkId(id)),
            (_, None) => return Err(bad("a removal of a kind that is never removed".to_owned())),
        };
        let back = event.register_row().map(|r| r.id);
        if back != Some(id) {
            return Err(bad(format!("the body is record {back:?}")));
        }
        Ok(event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::scheme::ClassScheme;

    #[test]
    fn a_register_row_round_trips_and_a_foreign_body_is_refused() {
        let e = Event::Scheme(ClassScheme::decree_2018());
        let row = e.register_row().unwrap();
        assert_eq!(row.kind, EntityKind::ClassScheme);
        let back = Event::from_register_row(row.kind.as_str(), row.id, row.body.clone()).unwrap();
        assert_eq!(back, e);
        assert!(Event::from_register_row(row.kind.as_str(), 5, row.body).is_err());
        let gone = Event::LinkRemoved(LinkId(3)).register_row().unwrap();
        assert_eq!(gone.body, None);
        assert_eq!(
            Event::from_register_row(gone.kind.as_str(), 3, None).unwrap(),
            Event::LinkRemoved(LinkId(3))
        );
        assert!(Event::from_register_row("ADAM_ENTITY_OFFICE", 0, None).is_err());
    }
}
