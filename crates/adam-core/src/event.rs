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

/// Every register kind, once — the registers' seam. Each line is one kind: the [`Event`]
/// variant that carries it (its doc, its name in the change log, the payload — boxed when
/// large), the record type, and its object type ([`EntityKind`]). The order is the order a
/// cold start loads them in: a kind after every kind it refers to (a link names two items, an
/// item names users and applications, which the directory loads first).
///
/// From this list come the register variants of [`Event`], [`Event::register_row`] and
/// [`Event::from_register_row`] (how the store keeps them, in one generic table),
/// [`REGISTER_KINDS`] (the load order), and — through a callback macro in each of those
/// modules — how the world applies them (`world/apply.rs`) and how a change to one is
/// described for the audit trail (`change.rs`). **A new register kind adds one line here.**
/// A line is `/// doc`, `Variant(path::to::Record) = Kind,` (`box path` for a boxed payload);
/// the callback receives `$( #[doc] Variant(Payload): Record = Kind, )*`, paths under `$crate`.
macro_rules! register_kinds {
    ($then:ident) => { $crate::event::register_kinds! {@list $then []
        /// The classification scheme, new version (Art. 11(3)).
        Scheme(register::scheme::ClassScheme) = ClassScheme,
        /// An appointment to a Decree role, new or changed (Art. 5).
        RoleHolder(register::decree_roles::RoleHolder) = DecreeRole,
        /// An inventory item, new or changed (Art. 10).
        Item(register::inventory::InventoryItem) = InventoryItem,
        /// A link between a system and an asset, new or changed (Art. 11(2)).
        Link(register::inventory::ItemLink) = InventoryLink,
        /// An access-review campaign, new or changed (Art. 51(4)).
        Review(register::review::AccessReview) = AccessReview,
        /// A follow-up of a person's rights, new or changed (Art. 51(4)).
        FollowUp(register::review::FollowUp) = RightsFollowUp,
        /// A risk assessment, new or changed (Art. 9).
        Risk(register::risk::RiskAssessment) = RiskAssessment,
        /// An integrity baseline, submitted or approved (Art. 50(4)).
        Baseline(register::integrity::Baseline) = IntegrityBaseline,
        /// A scan compared with a baseline (Art. 50(5)).
        Comparison(register::integrity::Comparison) = IntegrityComparison,
        /// A process definition version, kept.
        Definition(process::ProcessDefinition) = ProcessDefinition,
        /// A process case, new or changed.
        Case(process::Case) = ProcessCase,
        /// A solution's responsibility matrix, new or changed.
        RaciMatrix(raci::RaciMatrix) = RaciMatrix,
        /// A solution of the hosting registry, new or changed.
        Solution(box register::solution::Solution) = Solution,
        /// The continuity plan, new or changed (Art. 15(1)).
        ContinuityPlan(box register::continuity::ContinuityPlan) = ContinuityPlan,
        /// A review of the continuity plan (Art. 15(2)).
        PlanReview(register::continuity::PlanReview) = PlanReview,
        /// A system's BIA and backup plan, new or changed (Art. 29(2)).
        Bia(box register::continuity::Bia) = Bia,
        /// A continuity test, new or changed (Art. 15(3), 29(3)).
        ContinuityTest(box register::continuity::ContinuityTest) = ContinuityTest,
        /// A continuity target knowingly not met.
        RiskAcceptance(register::continuity::RiskAcceptance) = RiskAcceptance,
    } };
    // What the callback receives: each path under `$crate`, a `box` payload as `Box<…>`.
    (@list $then:ident [$($done:tt)*]) => { $then! { $($done)* } };
    (@list $then:ident [$($done:tt)*] $(#[$doc:meta])* $var:ident(box $($p:ident)::+) = $kind:ident, $($rest:tt)*) => {
        $crate::event::register_kinds! {@list $then [$($done)* $(#[$doc])* $var(Box<$crate::$($p)::+>): $crate::$($p)::+ = $kind,] $($rest)*}
    };
    (@list $then:ident [$($done:tt)*] $(#[$doc:meta])* $var:ident($($p:ident)::+) = $kind:ident, $($rest:tt)*) => {
        $crate::event::register_kinds! {@list $then [$($done)* $(#[$doc])* $var($crate::$($p)::+): $crate::$($p)::+ = $kind,] $($rest)*}
    };
}
pub(crate) use register_kinds;

/// A register record as an event carries it: bare, or boxed when large (the register list
/// says which). The generated code reads and takes the record through this, whichever it is.
pub(crate) trait Payload<R> {
    /// The record.
    fn record(&self) -> &R;
    /// The record, owned.
    fn into_record(self) -> R;
}

impl<R> Payload<R> for R {
    fn record(&self) -> &R {
        self
    }
    fn into_record(self) -> R {
        self
    }
}

impl<R> Payload<R> for Box<R> {
    fn record(&self) -> &R {
        self
    }
    fn into_record(self) -> R {
        *self
    }
}

/// [`Event`] with the register kinds of [`register_kinds!`] after the directory's kinds.
macro_rules! event_enum {
    ($( $(#[$doc:meta])* $var:ident($payload:ty): $rec:ty = $kind:ident, )*) => {
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
            /// An inventory link removed (the one register kind that is ever removed: its row
            /// stays as a tombstone).
            LinkRemoved(LinkId),
            $( $(#[$doc])* $var($payload), )*
        }

        /// The register kinds in the order a cold start loads them (see [`register_kinds!`]).
        pub const REGISTER_KINDS: &[EntityKind] = &[$(EntityKind::$kind),*];

        impl Event {
            /// The row under which the store keeps this event, if it is a register event.
            pub fn register_row(&self) -> Option<RegisterRow> {
                let (kind, id, body) = match self {
                    $( Event::$var(r) => {
                        let r: &$rec = Payload::record(r);
                        (EntityKind::$kind, r.id.0, body(r))
                    } )*
                    Event::LinkRemoved(id) => (EntityKind::InventoryLink, id.0, None),
                    _ => return None,
                };
                Some(RegisterRow { kind, id, body })
            }

            /// The event a stored register row's body decodes to.
            fn decode_register(kind: EntityKind, v: Value) -> Option<Result<Event, serde_json::Error>> {
                Some(match kind {
                    $( EntityKind::$kind => serde_json::from_value::<$payload>(v).map(Event::$var), )*
                    _ => return None,
                })
            }
        }
    };
}
register_kinds!(event_enum);

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
    /// The event that recreates a stored register row.
    pub fn from_register_row(kind: &str, id: u32, body: Option<Value>) -> Result<Event, BadRow> {
        let bad = |problem: String| BadRow {
            kind: kind.to_owned(),
            id,
            problem,
        };
        let kind_ = kind.parse::<EntityKind>().map_err(|e| bad(e.to_string()))?;
        let decode = |v: Value| -> Result<Event, BadRow> {
            match Event::decode_register(kind_, v) {
                Some(event) => event.map_err(|e| bad(e.to_string())),
                None => Err(bad("not a register kind".to_owned())),
            }
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
