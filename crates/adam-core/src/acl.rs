//! ACL entries (SPEC §3.3).
//!
//! An entry is `(kind, entity, value, group value, window)` on a carrier. `allowed` grants,
//! `maxAllowed` caps. A user who *is* the entity gets `value`; a user who is not, but works in
//! the same office as the entity's job(s), gets `group_value` — for `maxAllowed` that is the
//! colleagues' ceiling (0 caps them at nothing, 22 leaves them uncapped), for `allowed` a group
//! value of 0 grants them nothing. Dynamic entities (`[creator]`,
//! `[responsible]`, `[sender]`, `[recipient]`) resolve against the object that carries the
//! entry at the moment of each decision; `[dist.main]` is whoever holds the main-office
//! distribution role named in the settings.

use crate::ids::{EntryId, GroupId, JobId, OfficeId, Revision, RoleId, UserId};
use crate::level::Level;
use crate::records::Carrier;
use crate::time::Window;
use serde::{Deserialize, Serialize};
use std::fmt;

/// `allowed` or `maxAllowed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum AclKind {
    /// Grants the level.
    #[serde(rename = "allowed")]
    Allowed,
    /// Caps the level: "if allowed > maxAllowed then maxAllowed".
    #[serde(rename = "maxAllowed")]
    MaxAllowed,
}

impl fmt::Display for AclKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AclKind::Allowed => "allowed",
            AclKind::MaxAllowed => "maxAllowed",
        })
    }
}

/// Who an ACL entry is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Entity {
    /// `Company.main`: everyone in the organisation.
    Company,
    /// Everyone holding a job in the office or one of its sub-offices.
    Office(OfficeId),
    /// Whoever occupies the job.
    Job(JobId),
    /// One user.
    User(UserId),
    /// Everyone holding the role (directly, through a job, an office or a containing role).
    Role(RoleId),
    /// The members of a user group.
    Group(GroupId),
    /// `[creator]`: the job the carrier was created in.
    Creator,
    /// `[responsible]`: the carrier's current holder of the edit right.
    Responsible,
    /// `[sender]`: the carrier's previous responsible.
    Sender,
    /// `[recipient]`: the carrier's next responsible.
    Recipient,
    /// `[dist.main]`: the holders of the main-office distribution role.
    DistMain,
}

impl Entity {
    /// Whether the entity is resolved against the object carrying the entry.
    pub fn is_object_relative(self) -> bool {
        matches!(
            self,
            Entity::Creator | Entity::Responsible | Entity::Sender | Entity::Recipient
        )
    }

    /// Whether the entity has a distinct group value. For `Company.main` and offices the
    /// value and the group value are the same (SPEC §3.3).
    pub fn has_group(self) -> bool {
        !matches!(self, Entity::Company | Entity::Office(_))
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Entity::Company => f.write_str("Company.main"),
            Entity::Office(id) => id.fmt(f),
            Entity::Job(id) => id.fmt(f),
            Entity::User(id) => id.fmt(f),
            Entity::Role(id) => id.fmt(f),
            Entity::Group(id) => id.fmt(f),
            Entity::Creator => f.write_str("[creator]"),
            Entity::Responsible => f.write_str("[responsible]"),
            Entity::Sender => f.write_str("[sender]"),
            Entity::Recipient => f.write_str("[recipient]"),
            Entity::DistMain => f.write_str("[dist.main]"),
        }
    }
}

/// An ACL entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AclEntry {
    /// Id.
    pub id: EntryId,
    /// What carries it.
    pub carrier: Carrier,
    /// `allowed` or `maxAllowed`.
    pub kind: AclKind,
    /// About whom.
    pub entity: Entity,
    /// The level for those who are the entity.
    pub value: Level,
    /// The level for those in the same office as the entity's job(s); never above `value`.
    pub group_value: Level,
    /// When the entry counts.
    pub window: Window,
    /// The revision that last changed this entry.
    pub rev: Revision,
}

impl AclEntry {
    /// Whether this is an edit-level entry (the seed's `2X`): value or group value ≥ 21.
    pub fn is_edit_level(&self) -> bool {
        self.value.is_edit() || self.group_value.is_edit()
    }
}

impl fmt::Display for AclEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {} {}", self.kind, self.entity, self.value, self.group_value)
    }
}
