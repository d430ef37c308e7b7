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
use crate::records::{Document, FilingClass, Folder};
use crate::register::decree_roles::RoleHolder;
use crate::register::integrity::{Baseline, Comparison};
use crate::register::inventory::{InventoryItem, ItemLink};
use crate::register::review::{AccessReview, FollowUp};
use crate::register::risk::RiskAssessment;
use crate::register::scheme::ClassScheme;
use crate::roles::{Application, Grant, Role};
use crate::settings::Settings;
use serde::{Deserialize, Serialize};

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
