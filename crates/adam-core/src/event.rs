//! The change log: what a committed change does to the state.
//!
//! An event carries the whole new record (or the id of a removed grant or entry), so applying
//! it needs no history and a follower can rebuild the same state from the log alone. The
//! engine's index is updated from the difference between the old and the new record.
//!
//! ## The change log is a format
//!
//! The store keeps every committed [`ChangeSet`] (its revision and the JSON of its events) and
//! `world_at` and a standby replay them for as long as the data lives, so the encoding is a
//! versioned format, [`CHANGE_LOG_FORMAT`]. The stored rows carry no version field — adding
//! one would change the bytes and the schema — so a row without one is version 1, the
//! encoding of today's `serde` derives below. Any change to that encoding (a renamed or
//! removed variant or field, a changed representation) must bump the version and keep
//! decoding version 1 in [`decode_events`]; adding an optional field that version-1 rows
//! decode without is not a change. The golden file `tests/golden/change-log-v1.jsonl`,
//! written by version 1, is decoded, replayed and re-encoded byte for byte by the test
//! `change_log`, which fails if this is broken.

use crate::acl::AclEntry;
use crate::directory::{Group, Job, Office, User};
use crate::ids::{EntryId, GrantId, LinkId, Revision};
use crate::kind::EntityKind;
use crate::records::{Document, FilingClass, Folder};
use crate::register::decree_roles::RoleHolder;
use crate::register::integrity::{Baseline, Comparison};
use crate::register::inventory::{InventoryItem, ItemLink};
use crate::register::review::{AccessReview, FollowUp};
use crate::register::risk::RiskAssessment;
use crate::register::scheme::ClassScheme;
use crate::register::{BadRow, RegisterRow};
use crate::roles::{Application, Grant, Role};
use crate::settings::Settings;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The version of the change-log encoding written today (see the module header).
pub const CHANGE_LOG_FORMAT: u32 = 1;

/// Decodes the events of a stored change set. Rows carry no version, so they are version 1
/// (the only version so far); a later version decodes version 1 here as well.
pub fn decode_events(events: serde_json::Value) -> Result<Vec<Event>, serde_json::Error> {
    serde_json::from_value(events)
}

/// One change to one record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "event", content = "record", rename_all = "snake_case")]
pub enum Event {
    /// The organisation's settings.
    Settings(Settings),
    /// An office, new or changed.
    Office(Office),
    /// A job, new or changed.
    Job(Job),
    /// A user, new or changed.
    User(User),
    /// A group, new or changed.
    Group(Group),
    /// An application, new or changed.
    Application(Application),
    /// A role, new or changed.
    Role(Role),
    /// A grant, new or changed.
    Grant(Grant),
    /// A grant revoked.
    GrantRemoved(GrantId),
    /// A filing class, new or changed.
    Class(FilingClass),
    /// A folder, new or changed.
    Folder(Folder),
    /// A document, new or changed.
    Document(Document),
    /// An ACL entry, new or changed.
    Entry(AclEntry),
    /// An ACL entry removed.
    EntryRemoved(EntryId),
    /// The classification scheme, new version (Art. 11(3)).
    Scheme(ClassScheme),
    /// An appointment to a Decree role, new or changed (Art. 5).
    RoleHolder(RoleHolder),
    /// An inventory item, new or changed (Art. 10).
    Item(InventoryItem),
    /// A link between a system and an asset, new or changed (Art. 11(2)).
    Link(ItemLink),
    /// A link removed.
    LinkRemoved(LinkId),
    /// An access-review campaign, new or changed (Art. 51(4)).
    Review(AccessReview),
    /// A follow-up of a person's rights, new or changed (Art. 51(4)).
    FollowUp(FollowUp),
    /// A risk assessment, new or changed (Art. 9).
    Risk(RiskAssessment),
    /// An integrity baseline, submitted or approved (Art. 50(4)).
    Baseline(Baseline),
    /// A scan compared with a baseline (Art. 50(5)).
    Comparison(Comparison),
    /// A process definition version, kept.
    Definition(crate::process::ProcessDefinition),
    /// A process case, new or changed.
    Case(crate::process::Case),
    /// A solution's responsibility matrix, new or changed.
    RaciMatrix(crate::raci::RaciMatrix),
    /// A solution of the hosting registry, new or changed.
    Solution(Box<crate::register::solution::Solution>),
    /// The continuity plan, new or changed (Art. 15(1)).
    ContinuityPlan(Box<crate::register::continuity::ContinuityPlan>),
    /// A review of the continuity plan (Art. 15(2)).
    PlanReview(crate::register::continuity::PlanReview),
    /// A system's BIA and backup plan, new or changed (Art. 29(2)).
    Bia(Box<crate::register::continuity::Bia>),
    /// A continuity test, new or changed (Art. 15(3), 29(3)).
    ContinuityTest(Box<crate::register::continuity::ContinuityTest>),
    /// A continuity target knowingly not met.
    RiskAcceptance(crate::register::continuity::RiskAcceptance),
}

/// The events of one committed change: one transaction, one revision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChangeSet {
    /// The revision this change produces.
    pub revision: Revision,
    /// What it does, in order.
    pub events: Vec<Event>,
}

impl Event {
    /// The files the record this event carries refers to. The store writes a reference for
    /// each in the event's own transaction (so no committed record names a file the store
    /// does not hold, and a file no record names is swept). **Every record kind that carries
    /// attachments has its arm here**; a kind that gains attachments adds one.
    pub fn attachments(&self) -> Vec<&crate::attachment::AttachmentRef> {
        match self {
            Event::Item(item) => item.fields.attachments.iter().collect(),
            Event::Risk(r) => r.attachments.iter().collect(),
            Event::Review(r) => r.attachments.iter().collect(),
            Event::Baseline(b) => b.attachments.iter().collect(),
            Event::Case(case) => case
                .attachments
                .iter()
                .chain(case.history.iter().flat_map(|t| t.attachments.iter()))
                .collect(),
            _ => Vec::new(),
        }
    }
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
