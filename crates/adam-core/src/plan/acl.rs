//! Planning ACL entries added and removed by hand. (The entries the workflow rewrites are
//! planned with its transitions, in `workflow.rs`.)

use super::Draft;
use crate::acl::{AclEntry, AclKind, Entity};
use crate::admin::Actor;
use crate::command::Created;
use crate::error::{AclError, Error, StateError};
use crate::event::Event;
use crate::ids::*;
use crate::level::Level;
use crate::records::{Carrier, ObjectRef};
use crate::time::{Timestamp, Window};
use crate::world::World;

impl World {
    /// Who may add or remove entries on a carrier: the system administrator on the filing
    /// plan; on a folder or document, whoever has level 22 there.
    fn require_acl_authority(&self, actor: &Actor, carrier: Carrier, at: Timestamp) -> Result<Option<JobId>, Error> {
        match carrier {
            Carrier::Class(c) => {
                self.class(c)?;
                self.require_full(actor, at, "set ACL entries on the filing plan")?;
                Ok(None)
            }
            Carrier::Folder(_) | Carrier::Document(_) => {
                let object = match carrier {
                    Carrier::Folder(f) => ObjectRef::Folder(f),
                    Carrier::Document(d) => ObjectRef::Document(d),
                    Carrier::Class(_) => {
                        return Err(Error::State(StateError::Corrupt("unreachable carrier".to_owned())));
                    }
                };
                let person = self.person(actor)?;
                let s = self.subject(object)?;
                self.require_mfa(&person, s.app, s.held_to)?;
                self.require_level(&person, object, Level::Edit22, at)?;
                Ok(person.job.or_else(|| person.p.jobs.first().copied()))
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn plan_add_entry(
        &self,
        actor: &Actor,
        carrier: Carrier,
        kind: AclKind,
        entity: Entity,
        value: Level,
        group_value: Option<Level>,
        window: Window,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        self.acl(carrier)?;
        match entity {
            Entity::Office(o) => self.office(o).map(drop)?,
            Entity::Job(j) => self.job(j).map(drop)?,
            Entity::User(u) => self.user(u).map(drop)?,
            Entity::Role(r) => self.role(r).map(drop)?,
            Entity::Group(g) => self.group(g).map(drop)?,
            _ => {}
        }
        if entity.is_object_relative() && matches!(carrier, Carrier::Class(_)) {
            return Err(Error::Acl(AclError::DynamicEntityOnClass {
                entity: entity.to_string(),
            }));
        }
        let group_value = if entity.has_group() {
            let g = match (kind, group_value) {
                (_, Some(g)) => g,
                (AclKind::Allowed, None) => Level::None,
                (AclKind::MaxAllowed, None) => {
                    return Err(Error::Acl(AclError::GroupValueRequired {
                        entity: entity.to_string(),
                    }));
                }
            };
            if g > value {
                return Err(Error::Acl(AclError::GroupValueAboveValue { value, group_value: g }));
            }
            g
        } else {
            match group_value {
                Some(g) if g != value => {
                    return Err(Error::Acl(AclError::GroupValueNotApplicable {
                        entity: entity.to_string(),
                    }));
                }
                _ => value,
            }
        };
        let acting_job = self.require_acl_authority(actor, carrier, at)?;
        let existing = self.acl(carrier)?;
        if existing.iter().any(|e| {
            e.kind == kind
                && e.entity == entity
                && e.value == value
                && e.group_value == group_value
                && e.window == window
        }) {
            return Err(Error::NoChange("an identical entry already exists"));
        }
        let id = EntryId(self.next_entry());
        let mut draft = Draft::new(vec![Event::Entry(AclEntry {
            id,
            carrier,
            kind,
            entity,
            value,
            group_value,
            window,
            rev,
        })])
        .created(Created::Entry(id));
        draft.acting_job = acting_job;
        Ok(draft)
    }

    pub(super) fn plan_remove_entry(&self, actor: &Actor, entry: EntryId, at: Timestamp) -> Result<Draft, Error> {
        let carrier = self.entry(entry)?.carrier;
        let acting_job = self.require_acl_authority(actor, carrier, at)?;
        let mut draft = Draft::new(vec![Event::EntryRemoved(entry)]);
        draft.acting_job = acting_job;
        Ok(draft)
    }
}
