//! The workflow's rewrites of an object's ACL, replayed by the generator ([`AclSim`]) so that
//! only the entries in force after an object's walk are emitted, as the engine would leave them.

use adam_core::*;

/// An ACL entry before it gets its id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Draft {
    /// `allowed` or `maxAllowed`.
    pub kind: AclKind,
    /// Entity.
    pub entity: Entity,
    /// Value.
    pub value: Level,
    /// Group value.
    pub group: Level,
}

/// The permanent entries of one object, rewritten by the workflow transitions exactly as the
/// engine's workflow rewrites them (SPEC §3.6).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AclSim {
    /// The entries, in the order the engine would keep them.
    pub entries: Vec<Draft>,
}

impl AclSim {
    pub(super) fn add(&mut self, kind: AclKind, entity: Entity, value: Level, group: Level) {
        self.entries.push(Draft {
            kind,
            entity,
            value,
            group,
        });
    }

    /// Makes the `(kind, entity)` entry say `value/group`: the first is updated, further ones
    /// removed, or one is added.
    pub(super) fn ensure(&mut self, kind: AclKind, entity: Entity, value: Level, group: Level) {
        let mut found = false;
        self.entries.retain_mut(|e| {
            if e.kind != kind || e.entity != entity {
                return true;
            }
            if found {
                return false;
            }
            found = true;
            e.value = value;
            e.group = group;
            true
        });
        if !found {
            self.add(kind, entity, value, group);
        }
    }

    /// New folder: `[dist.main] 22/14`, `Company.main view/view`, `[creator] 22/14`.
    pub fn new_folder(view: Level) -> AclSim {
        let mut acl = AclSim::default();
        acl.add(AclKind::Allowed, Entity::DistMain, Level::Edit22, Level::View14);
        acl.add(AclKind::Allowed, Entity::Company, view, view);
        acl.add(AclKind::Allowed, Entity::Creator, Level::Edit22, Level::View14);
        acl
    }

    /// New document: `[creator] 22/14`; registered by the main office, also the ceilings
    /// `maxAllowed Company.main 14/14` and `maxAllowed [dist.main] 22/14`.
    pub fn new_document(registered: bool) -> AclSim {
        let mut acl = AclSim::default();
        acl.add(AclKind::Allowed, Entity::Creator, Level::Edit22, Level::View14);
        if registered {
            acl.add(AclKind::MaxAllowed, Entity::Company, Level::View14, Level::View14);
            acl.add(AclKind::MaxAllowed, Entity::DistMain, Level::Edit22, Level::View14);
        }
        acl
    }

    /// Notify: `allowed <entity> 14/14` unless already there.
    pub fn notify(&mut self, entity: Entity) {
        let already = self
            .entries
            .iter()
            .any(|e| e.kind == AclKind::Allowed && e.entity == entity && e.value >= Level::View14);
        if !already {
            self.add(AclKind::Allowed, entity, Level::View14, Level::View14);
        }
    }

    /// Hand over: `allowed [recipient] 21/14`.
    pub fn hand_over(&mut self) {
        self.ensure(AclKind::Allowed, Entity::Recipient, Level::Edit21, Level::View14);
    }

    /// Accept: every edit-level entry of another entity goes; `[responsible]` becomes the one
    /// editor; `[sender]` keeps 14.
    pub fn accept(&mut self, document: bool) {
        let edit = if document { Level::Edit22 } else { Level::Edit21 };
        self.entries
            .retain(|e| !((e.value.is_edit() || e.group.is_edit()) && e.entity != Entity::Responsible));
        self.ensure(AclKind::Allowed, Entity::Responsible, edit, Level::View14);
        self.ensure(AclKind::MaxAllowed, Entity::Company, Level::View14, Level::View14);
        self.ensure(AclKind::MaxAllowed, Entity::Responsible, Level::Edit22, Level::View14);
        self.ensure(AclKind::Allowed, Entity::Sender, Level::View14, Level::View14);
    }

    /// Close: `[responsible]` down to 21/14, its ceiling removed, everyone capped at 14.
    pub fn close(&mut self) {
        self.ensure(AclKind::Allowed, Entity::Responsible, Level::Edit21, Level::View14);
        self.entries
            .retain(|e| !(e.kind == AclKind::MaxAllowed && e.entity == Entity::Responsible));
        self.ensure(AclKind::MaxAllowed, Entity::Company, Level::View14, Level::View14);
    }

    /// Reopen: `[responsible]` may edit again, with its own ceiling.
    pub fn reopen(&mut self, document: bool) {
        let edit = if document { Level::Edit22 } else { Level::Edit21 };
        self.ensure(AclKind::Allowed, Entity::Responsible, edit, Level::View14);
        self.ensure(AclKind::MaxAllowed, Entity::Responsible, Level::Edit22, Level::View14);
    }
}

/// A workflow walk: the attributes and the entries an object ends with.
pub(super) struct Walk {
    pub(super) workflow: Workflow,
    pub(super) acl: AclSim,
}

impl Walk {
    pub(super) fn hand_over(&mut self, to: JobId) {
        self.workflow.state = ObjectState::HandedOver;
        self.workflow.recipient = Some(to);
        self.acl.hand_over();
    }

    pub(super) fn accept(&mut self, document: bool) {
        self.workflow = Workflow {
            state: ObjectState::Open,
            sender: self.workflow.responsible,
            responsible: self.workflow.recipient,
            recipient: None,
            ..self.workflow
        };
        self.acl.accept(document);
    }

    pub(super) fn close(&mut self) {
        self.workflow.state = ObjectState::Closed;
        self.acl.close();
    }

    pub(super) fn reopen(&mut self, document: bool) {
        self.workflow.state = ObjectState::Open;
        self.acl.reopen(document);
    }
}
