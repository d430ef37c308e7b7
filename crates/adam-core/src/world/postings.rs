//! The inverted index behind `lookup`: for each principal, the `allowed` entries that could
//! match it.
//!
//! Each `allowed` entry is posted under the key of the principals who *are* its entity (its
//! value) and, when its group value is above 0, under the key of their office colleagues. A
//! dynamic entity is posted under the job it resolves to on its carrier, and re-posted when a
//! workflow transition changes that job. Postings ignore validity windows and ceilings: they
//! only narrow the candidates, and every candidate is then decided by the full check. So the
//! invariant that keeps `lookup` exact is one-sided: *every entry that can match a user is
//! posted under a key that user's key set contains*.

use crate::acl::{AclEntry, AclKind, Entity};
use crate::ids::{EntryId, GroupId, JobId, OfficeId, RoleId, UserId};
use crate::level::Level;
use crate::records::{Carrier, Workflow};
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

/// A principal under which entries are posted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    /// Everyone (`Company.main`).
    Everyone,
    /// Members of the office's subtree.
    Office(OfficeId),
    /// The job's occupants.
    Job(JobId),
    /// The user.
    User(UserId),
    /// The role's holders.
    Role(RoleId),
    /// The group's members.
    Group(GroupId),
    /// Holders of the distribution role.
    DistMain,
    /// Colleagues of the job (same office).
    JobMates(JobId),
    /// Colleagues of the user (an office of one of the user's jobs).
    UserMates(UserId),
    /// Colleagues of the role's holders.
    RoleMates(RoleId),
    /// Colleagues of the group's members.
    GroupMates(GroupId),
    /// Colleagues of the distribution role's holders.
    DistMainMates,
}

/// One posted entry: which carrier, which entry, and the level it gives under this key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Posting {
    pub(crate) carrier: Carrier,
    pub(crate) entry: EntryId,
    pub(crate) level: Level,
}

/// The postings of every `allowed` entry.
#[derive(Clone, Debug, Default)]
pub(crate) struct Postings {
    map: FxHashMap<Key, Vec<Posting>>,
    /// Roles with postings under `Role` or `RoleMates`, with their count.
    roles: BTreeMap<RoleId, usize>,
    /// Groups with postings under `Group` or `GroupMates`, with their count.
    groups: BTreeMap<GroupId, usize>,
}

/// The keys an entity resolves to on a carrier: (who is the entity, who is a colleague).
pub(crate) fn entity_keys(entity: Entity, workflow: Option<&Workflow>) -> (Option<Key>, Option<Key>) {
    let job = |j: Option<JobId>| match j {
        Some(j) => (Some(Key::Job(j)), Some(Key::JobMates(j))),
        None => (None, None),
    };
    match entity {
        Entity::Company => (Some(Key::Everyone), None),
        Entity::Office(o) => (Some(Key::Office(o)), None),
        Entity::Job(j) => job(Some(j)),
        Entity::User(u) => (Some(Key::User(u)), Some(Key::UserMates(u))),
        Entity::Role(r) => (Some(Key::Role(r)), Some(Key::RoleMates(r))),
        Entity::Group(g) => (Some(Key::Group(g)), Some(Key::GroupMates(g))),
        Entity::DistMain => (Some(Key::DistMain), Some(Key::DistMainMates)),
        Entity::Creator => job(workflow.map(|w| w.creator.job)),
        Entity::Responsible => job(workflow.and_then(|w| w.responsible)),
        Entity::Sender => job(workflow.and_then(|w| w.sender)),
        Entity::Recipient => job(workflow.and_then(|w| w.recipient)),
    }
}

impl Postings {
    /// The postings under a key.
    pub(crate) fn get(&self, key: Key) -> &[Posting] {
        self.map.get(&key).map_or(&[], Vec::as_slice)
    }

    /// Roles that have postings (as entity or colleagues).
    pub(crate) fn roles(&self) -> impl Iterator<Item = RoleId> + '_ {
        self.roles.keys().copied()
    }

    /// Groups that have postings.
    pub(crate) fn groups(&self) -> impl Iterator<Item = GroupId> + '_ {
        self.groups.keys().copied()
    }

    /// Posts an entry found on `carrier` whose workflow attributes are `workflow`.
    pub(crate) fn post(&mut self, entry: &AclEntry, workflow: Option<&Workflow>) {
        self.each_key(entry, workflow, |this, key, level| {
            this.count(key, 1);
            this.map.entry(key).or_default().push(Posting {
                carrier: entry.carrier,
                entry: entry.id,
                level,
            });
        });
    }

    /// Removes what [`Postings::post`] added for the same entry and attributes.
    pub(crate) fn unpost(&mut self, entry: &AclEntry, workflow: Option<&Workflow>) {
        self.each_key(entry, workflow, |this, key, _| {
            let mut emptied = false;
            if let Some(list) = this.map.get_mut(&key)
                && let Some(pos) = list.iter().position(|p| p.entry == entry.id)
            {
                list.swap_remove(pos);
                emptied = list.is_empty();
                this.count(key, -1);
            }
            if emptied {
                this.map.remove(&key);
            }
        });
    }

    fn each_key(&mut self, entry: &AclEntry, workflow: Option<&Workflow>, mut f: impl FnMut(&mut Self, Key, Level)) {
        if entry.kind != AclKind::Allowed {
            return;
        }
        let (value_key, group_key) = entity_keys(entry.entity, workflow);
        if let Some(key) = value_key
            && entry.value > Level::None
        {
            f(self, key, entry.value);
        }
        if let Some(key) = group_key
            && entry.group_value > Level::None
            && entry.entity.has_group()
        {
            f(self, key, entry.group_value);
        }
    }

    fn count(&mut self, key: Key, delta: isize) {
        let slot = match key {
            Key::Role(r) | Key::RoleMates(r) => self.roles.entry(r).or_insert(0),
            Key::Group(g) | Key::GroupMates(g) => self.groups.entry(g).or_insert(0),
            _ => return,
        };
        *slot = slot.saturating_add_signed(delta);
        if *slot == 0 {
            match key {
                Key::Role(r) | Key::RoleMates(r) => {
                    self.roles.remove(&r);
                }
                Key::Group(g) | Key::GroupMates(g) => {
                    self.groups.remove(&g);
                }
                _ => {}
            }
        }
    }
}
