//! The change log: what a committed change does to the state.
//!
//! An event carries the whole new record (or the id of a removed grant or entry), so applying
//! it needs no history and a follower can rebuild the same state from the log alone. The
//! engine's index is updated from the difference between the old and the new record.

use crate::acl::AclEntry;
use crate::directory::{Group, Job, Office, User};
use crate::ids::{EntryId, GrantId, Revision};
use crate::records::{Document, FilingClass, Folder};
use crate::roles::{Application, Grant, Role};
use crate::settings::Settings;
use serde::{Deserialize, Serialize};

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
