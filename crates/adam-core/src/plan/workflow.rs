//! Workflow transitions and ACL management on folders and documents (SPEC §3.6, Diagram 1).
//!
//! Every transition checks its actor, computes the object's new workflow attributes and the
//! rewrite of the entries the object itself carries, and returns them as events. Rewrites use
//! [`AclEdit`], which works on a copy of the object's entries and turns the difference into
//! events, so a refused transition has produced nothing.
//!
//! Choices where the seed is silent, as a records officer would expect:
//! - `[creator]` and the other dynamic entities resolve to *jobs*: the right follows the desk.
//! - Workflow rewrites manage the permanent entries (no validity window); time-limited entries
//!   someone added by hand are left alone, except where the rule removes "every edit-level
//!   entry of any other entity" (accept), which removes them too.
//! - A second hand-over while one is pending redirects it to the new recipient.
//! - Notifying someone already notified (an `allowed` ≥ 14 entry of theirs) adds nothing.
//! - Any transition on a Z3/C3 object needs a multi-factor session (Art. 53), and nobody may
//!   classify above their own clearance.

use super::Draft;
use crate::acl::{AclEntry, AclKind, Entity};
use crate::admin::Actor;
use crate::command::Created;
use crate::decision::Session;
use crate::directory::AccountKind;
use crate::error::{AuthorityError, DirectoryError, Error, FilingError};
use crate::event::Event;
use crate::ids::*;
use crate::level::{Classification, Level, SecurityClass};
use crate::membership::Principal;
use crate::records::{Carrier, Creator, Document, Folder, ObjectRef, ObjectState, Workflow};
use crate::text::Text;
use crate::time::{Timestamp, Window};
use crate::world::World;

/// A person acting on records: an active, non-admin account, with the job they named.
pub(crate) struct Person<'w> {
    pub(crate) p: Principal<'w>,
    pub(crate) session: Session,
    pub(crate) job: Option<JobId>,
}

/// A working copy of one carrier's entries; [`AclEdit::events`] turns the difference into
/// events.
pub(crate) struct AclEdit {
    carrier: Carrier,
    original: Vec<AclEntry>,
    entries: Vec<AclEntry>,
    next_id: u32,
    rev: Revision,
}

impl AclEdit {
    pub(crate) fn new(carrier: Carrier, original: &[AclEntry], next_id: u32, rev: Revision) -> AclEdit {
        AclEdit {
            carrier,
            original: original.to_vec(),
            entries: original.to_vec(),
            next_id,
            rev,
        }
    }

    pub(crate) fn add(&mut self, kind: AclKind, entity: Entity, value: Level, group_value: Level) {
        self.entries.push(AclEntry {
            id: EntryId(self.next_id),
            carrier: self.carrier,
            kind,
            entity,
            value,
            group_value,
            window: Window::ALWAYS,
            rev: self.rev,
        });
        self.next_id += 1;
    }

    /// Makes the permanent `(kind, entity)` entry say `value/group_value`: the first such
    /// entry is updated, further ones removed, or a new one is added.
    pub(crate) fn ensure(&mut self, kind: AclKind, entity: Entity, value: Level, group_value: Level) {
        let same = |e: &AclEntry| e.kind == kind && e.entity == entity && e.window.is_always();
        let mut found = false;
        self.entries.retain_mut(|e| {
            if !same(e) {
                return true;
            }
            if found {
                return false;
            }
            found = true;
            e.value = value;
            e.group_value = group_value;
            true
        });
        if !found {
            self.add(kind, entity, value, group_value);
        }
    }

    pub(crate) fn remove_where(&mut self, f: impl Fn(&AclEntry) -> bool) {
        self.entries.retain(|e| !f(e));
    }

    pub(crate) fn events(self) -> Vec<Event> {
        let mut events = Vec::new();
        for old in &self.original {
            match self.entries.iter().find(|e| e.id == old.id) {
                None => events.push(Event::EntryRemoved(old.id)),
                Some(new) if new != old => events.push(Event::Entry(AclEntry { rev: self.rev, ..*new })),
                Some(_) => {}
            }
        }
        for new in &self.entries {
            if !self.original.iter().any(|o| o.id == new.id) {
                events.push(Event::Entry(*new));
            }
        }
        events
    }
}

/// What a transition needs to know about its object.
pub(crate) struct Subject<'w> {
    object: ObjectRef,
    workflow: Workflow,
    acl: &'w [AclEntry],
    /// The classification the object is held to (a document: the higher of its own and its
    /// folder's).
    pub(crate) held_to: Classification,
    /// Its application.
    pub(crate) app: AppId,
}

impl World {
    pub(crate) fn person<'w>(&'w self, actor: &Actor) -> Result<Person<'w>, Error> {
        let Actor::User { user, job, session } = *actor else {
            return Err(Error::Authority(AuthorityError::AdminNoDocuments));
        };
        let p = self
            .principal(user)
            .ok_or(Error::Directory(DirectoryError::UnknownUser(user)))?;
        if !p.user.active {
            return Err(Error::Authority(AuthorityError::ActorInactive));
        }
        if p.user.kind == AccountKind::Admin {
            return Err(Error::Authority(AuthorityError::AdminNoDocuments));
        }
        if let Some(j) = job {
            self.job(j)?;
            if !p.jobs.contains(&j) {
                return Err(Error::Authority(AuthorityError::NotOccupant(j)));
            }
        }
        Ok(Person { p, session, job })
    }

    /// The job a person acts in: the one they named, or their only valid job.
    fn acting_job(&self, person: &Person<'_>) -> Result<JobId, Error> {
        match (person.job, person.p.jobs.as_slice()) {
            (Some(j), _) => Ok(j),
            (None, [j]) => Ok(*j),
            (None, []) => Err(Error::Authority(AuthorityError::NoJob)),
            (None, _) => Err(Error::Authority(AuthorityError::AmbiguousJob)),
        }
    }

    /// Requires that the person holds `job` (and, if they named a job, that it is this one).
    fn require_holds(&self, person: &Person<'_>, job: Option<JobId>, refusal: Error) -> Result<JobId, Error> {
        match job {
            Some(j) if person.p.jobs.contains(&j) && person.job.is_none_or(|named| named == j) => Ok(j),
            _ => Err(refusal),
        }
    }

    pub(crate) fn subject(&self, object: ObjectRef) -> Result<Subject<'_>, Error> {
        let facts = self.facts(object)?;
        let workflow = match object {
            ObjectRef::Folder(f) => self.folder(f)?.workflow,
            ObjectRef::Document(d) => self.document(d)?.workflow,
        };
        Ok(Subject {
            object,
            workflow,
            acl: facts.own.1,
            held_to: facts.classification,
            app: facts.app,
        })
    }

    /// A second factor for a Z3/C3 object, or for any object of an application whose
    /// information system handles Z3 or C3 data (Art. 53(1)).
    pub(crate) fn require_mfa(
        &self,
        person: &Person<'_>,
        app: AppId,
        classification: Classification,
    ) -> Result<(), Error> {
        if (classification.requires_mfa() || self.mfa_system_of(app).is_some()) && !person.session.mfa {
            return Err(Error::Authority(AuthorityError::MfaRequired));
        }
        Ok(())
    }

    /// Art. 11(2): an object is not classified above its application's information system.
    pub(crate) fn require_within_system(&self, app: AppId, classification: Classification) -> Result<(), Error> {
        let Some(system) = self.system_of_application(app) else {
            return Ok(());
        };
        let Ok(item) = self.item(system) else {
            return Ok(());
        };
        let held = self.effective_class(item);
        let over = crate::register::inventory::Dimension::ALL
            .into_iter()
            .any(|d| d.of(classification) > d.of(held));
        if over {
            return Err(Error::Register(crate::error::RegisterError::ObjectAboveSystem {
                system,
                object: classification.to_string(),
                held: held.to_string(),
            }));
        }
        Ok(())
    }

    pub(crate) fn require_level(
        &self,
        person: &Person<'_>,
        object: ObjectRef,
        required: Level,
        at: Timestamp,
    ) -> Result<(), Error> {
        let held = self.check(person.p.id, object, at, person.session)?;
        if held < required {
            return Err(Error::Authority(AuthorityError::InsufficientLevel {
                object: object.to_string(),
                required,
                held,
            }));
        }
        Ok(())
    }

    fn require_clearance(&self, person: &Person<'_>, requested: SecurityClass, at: Timestamp) -> Result<(), Error> {
        let held = self.clearance(&person.p, at);
        if requested > held {
            return Err(Error::Authority(AuthorityError::ClassifyAboveClearance {
                requested,
                held,
            }));
        }
        Ok(())
    }

    /// A classified object goes only to a job someone cleared for it holds: otherwise the
    /// recipient could accept a responsibility nobody in the job may exercise.
    fn require_cleared_holder(&self, job: JobId, classification: Classification, at: Timestamp) -> Result<(), Error> {
        if classification.z == SecurityClass::NONE {
            return Ok(());
        }
        let cleared = self.job_occupants(job).iter().any(|u| {
            self.principal(*u)
                .is_some_and(|p| p.user.active && self.clearance(&p, at) >= classification.z)
        });
        if cleared {
            Ok(())
        } else {
            Err(Error::Filing(FilingError::RecipientNotCleared {
                job,
                required: classification.z,
            }))
        }
    }

    fn require_writer(&self, person: &Person<'_>, app: AppId, at: Timestamp) -> Result<(), Error> {
        let role = self
            .application(app)?
            .writer_role
            .ok_or(Error::Authority(AuthorityError::ApplicationNotWritable(app)))?;
        if self.holds_role(&person.p, role, at).is_none() {
            return Err(Error::Authority(AuthorityError::MissingWriterRole(role)));
        }
        Ok(())
    }

    fn holds_dist_main(&self, p: &Principal<'_>, at: Timestamp) -> bool {
        self.settings
            .dist_main_role
            .is_some_and(|r| self.holds_role(p, r, at).is_some())
    }

    /// The events that store an object's new workflow attributes.
    fn workflow_event(&self, object: ObjectRef, workflow: Workflow, rev: Revision) -> Result<Event, Error> {
        Ok(match object {
            ObjectRef::Folder(f) => Event::Folder(Folder {
                workflow,
                rev,
                ..self.folder(f)?.clone()
            }),
            ObjectRef::Document(d) => Event::Document(Document {
                workflow,
                rev,
                ..self.document(d)?.clone()
            }),
        })
    }

    pub(crate) fn next_entry(&self) -> u32 {
        self.entry_carrier.len() as u32
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn plan_new_folder(
        &self,
        actor: &Actor,
        app: AppId,
        class: ClassId,
        title: Text,
        classification: Classification,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let person = self.person(actor)?;
        let job = self.acting_job(&person)?;
        self.class(class)?;
        self.require_writer(&person, app, at)?;
        self.require_clearance(&person, classification.z, at)?;
        self.require_mfa(&person, app, classification)?;
        self.require_within_system(app, classification)?;
        let id = FolderId(self.folders.len() as u32);
        let workflow = Workflow {
            state: ObjectState::Open,
            creator: Creator { user: person.p.id, job },
            responsible: Some(job),
            sender: None,
            recipient: None,
        };
        let view = self.settings.default_view[usize::from(classification.z.value())];
        let mut acl = AclEdit::new(Carrier::Folder(id), &[], self.next_entry(), rev);
        acl.add(AclKind::Allowed, Entity::DistMain, Level::Edit22, Level::View14);
        acl.add(AclKind::Allowed, Entity::Company, view, view);
        acl.add(AclKind::Allowed, Entity::Creator, Level::Edit22, Level::View14);
        let mut events = vec![Event::Folder(Folder {
            id,
            app,
            class,
            title,
            classification,
            workflow,
            rev,
        })];
        events.extend(acl.events());
        let mut draft = Draft::new(events).created(Created::Folder(id));
        draft.acting_job = Some(job);
        Ok(draft)
    }

    pub(crate) fn plan_new_document(
        &self,
        actor: &Actor,
        folder: FolderId,
        title: Text,
        classification: Classification,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let person = self.person(actor)?;
        let job = self.acting_job(&person)?;
        let parent = self.folder(folder)?;
        if parent.workflow.state == ObjectState::Closed {
            return Err(Error::Filing(FilingError::ObjectClosed));
        }
        self.require_writer(&person, parent.app, at)?;
        self.require_mfa(&person, parent.app, classification.max(parent.classification))?;
        self.require_within_system(parent.app, classification)?;
        self.require_level(&person, ObjectRef::Folder(folder), Level::Edit21, at)?;
        self.require_clearance(&person, classification.z, at)?;
        let id = DocumentId(self.documents.len() as u32);
        let workflow = Workflow {
            state: ObjectState::Open,
            creator: Creator { user: person.p.id, job },
            responsible: Some(job),
            sender: None,
            recipient: None,
        };
        let mut acl = AclEdit::new(Carrier::Document(id), &[], self.next_entry(), rev);
        acl.add(AclKind::Allowed, Entity::Creator, Level::Edit22, Level::View14);
        if self.holds_dist_main(&person.p, at) {
            // A document registered by the main office: read-only for all but the main office.
            acl.add(AclKind::MaxAllowed, Entity::Company, Level::View14, Level::View14);
            acl.add(AclKind::MaxAllowed, Entity::DistMain, Level::Edit22, Level::View14);
        }
        let mut events = vec![Event::Document(Document {
            id,
            folder,
            title,
            classification,
            workflow,
            rev,
        })];
        events.extend(acl.events());
        let mut draft = Draft::new(events).created(Created::Document(id));
        draft.acting_job = Some(job);
        Ok(draft)
    }

    pub(crate) fn plan_notify(
        &self,
        actor: &Actor,
        object: ObjectRef,
        jobs: Vec<JobId>,
        users: Vec<UserId>,
        _at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let person = self.person(actor)?;
        let s = self.subject(object)?;
        self.require_mfa(&person, s.app, s.held_to)?;
        let job = self.require_holds(
            &person,
            s.workflow.responsible,
            Error::Filing(FilingError::NotResponsible {
                responsible: s.workflow.responsible,
            }),
        )?;
        if jobs.is_empty() && users.is_empty() {
            return Err(Error::Filing(FilingError::NothingToNotify));
        }
        let mut entities = Vec::new();
        for j in jobs {
            if !self.job(j)?.valid {
                return Err(Error::Directory(DirectoryError::JobInvalid(j)));
            }
            entities.push(Entity::Job(j));
        }
        for u in users {
            self.user(u)?;
            entities.push(Entity::User(u));
        }
        let folder = match object {
            ObjectRef::Folder(f) => f,
            ObjectRef::Document(d) => self.document(d)?.folder,
        };
        let carrier = Carrier::Folder(folder);
        let mut acl = AclEdit::new(carrier, self.acl(carrier)?, self.next_entry(), rev);
        for entity in entities {
            let already = acl.entries.iter().any(|e| {
                e.kind == AclKind::Allowed && e.entity == entity && e.value >= Level::View14 && e.window.is_always()
            });
            if !already {
                acl.add(AclKind::Allowed, entity, Level::View14, Level::View14);
            }
        }
        let events = acl.events();
        if events.is_empty() {
            return Err(Error::NoChange("everyone named has already been notified"));
        }
        let mut draft = Draft::new(events);
        draft.acting_job = Some(job);
        Ok(draft)
    }

    pub(crate) fn plan_hand_over(
        &self,
        actor: &Actor,
        object: ObjectRef,
        to: JobId,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let person = self.person(actor)?;
        let s = self.subject(object)?;
        self.require_mfa(&person, s.app, s.held_to)?;
        if s.workflow.state == ObjectState::Closed {
            return Err(Error::Filing(FilingError::ObjectClosed));
        }
        let job = self.require_holds(
            &person,
            s.workflow.responsible,
            Error::Filing(FilingError::NotResponsible {
                responsible: s.workflow.responsible,
            }),
        )?;
        if !self.job(to)?.valid {
            return Err(Error::Directory(DirectoryError::JobInvalid(to)));
        }
        if Some(to) == s.workflow.responsible {
            return Err(Error::Filing(FilingError::HandOverToSelf(to)));
        }
        if s.workflow.recipient == Some(to) {
            return Err(Error::NoChange("the object is already handed over to this job"));
        }
        self.require_cleared_holder(to, s.held_to, at)?;
        let workflow = Workflow {
            state: ObjectState::HandedOver,
            recipient: Some(to),
            ..s.workflow
        };
        let mut acl = AclEdit::new(s.object.into(), s.acl, self.next_entry(), rev);
        acl.ensure(AclKind::Allowed, Entity::Recipient, Level::Edit21, Level::View14);
        let mut events = vec![self.workflow_event(object, workflow, rev)?];
        events.extend(acl.events());
        let mut draft = Draft::new(events);
        draft.acting_job = Some(job);
        Ok(draft)
    }

    pub(crate) fn plan_accept(
        &self,
        actor: &Actor,
        object: ObjectRef,
        _at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let person = self.person(actor)?;
        let s = self.subject(object)?;
        self.require_mfa(&person, s.app, s.held_to)?;
        if s.workflow.state != ObjectState::HandedOver || s.workflow.recipient.is_none() {
            return Err(Error::Filing(FilingError::NothingHandedOver));
        }
        let job = self.require_holds(
            &person,
            s.workflow.recipient,
            Error::Filing(FilingError::NotRecipient {
                recipient: s.workflow.recipient,
            }),
        )?;
        let workflow = Workflow {
            state: ObjectState::Open,
            sender: s.workflow.responsible,
            responsible: s.workflow.recipient,
            recipient: None,
            ..s.workflow
        };
        let edit = match object {
            ObjectRef::Folder(_) => Level::Edit21,
            ObjectRef::Document(_) => Level::Edit22,
        };
        let mut acl = AclEdit::new(s.object.into(), s.acl, self.next_entry(), rev);
        // [any] 2X: every edit-level entry of another entity goes.
        acl.remove_where(|e| e.is_edit_level() && e.entity != Entity::Responsible);
        acl.ensure(AclKind::Allowed, Entity::Responsible, edit, Level::View14);
        acl.ensure(AclKind::MaxAllowed, Entity::Company, Level::View14, Level::View14);
        acl.ensure(AclKind::MaxAllowed, Entity::Responsible, Level::Edit22, Level::View14);
        acl.ensure(AclKind::Allowed, Entity::Sender, Level::View14, Level::View14);
        let mut events = vec![self.workflow_event(object, workflow, rev)?];
        events.extend(acl.events());
        let mut draft = Draft::new(events);
        draft.acting_job = Some(job);
        Ok(draft)
    }

    pub(crate) fn plan_reject(
        &self,
        actor: &Actor,
        object: ObjectRef,
        _at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let person = self.person(actor)?;
        let s = self.subject(object)?;
        self.require_mfa(&person, s.app, s.held_to)?;
        if s.workflow.state != ObjectState::HandedOver || s.workflow.recipient.is_none() {
            return Err(Error::Filing(FilingError::NothingHandedOver));
        }
        let job = self.require_holds(
            &person,
            s.workflow.recipient,
            Error::Filing(FilingError::NotRecipient {
                recipient: s.workflow.recipient,
            }),
        )?;
        let workflow = Workflow {
            state: ObjectState::Open,
            recipient: None,
            ..s.workflow
        };
        let mut acl = AclEdit::new(s.object.into(), s.acl, self.next_entry(), rev);
        acl.remove_where(|e| e.entity == Entity::Recipient);
        let mut events = vec![self.workflow_event(object, workflow, rev)?];
        events.extend(acl.events());
        let mut draft = Draft::new(events);
        draft.acting_job = Some(job);
        Ok(draft)
    }

    pub(crate) fn plan_close(
        &self,
        actor: &Actor,
        object: ObjectRef,
        _at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let person = self.person(actor)?;
        let s = self.subject(object)?;
        self.require_mfa(&person, s.app, s.held_to)?;
        match (s.workflow.state, s.workflow.recipient) {
            (ObjectState::Closed, _) => return Err(Error::Filing(FilingError::ObjectClosed)),
            (ObjectState::HandedOver, Some(r)) => return Err(Error::Filing(FilingError::HandOverPending(r))),
            _ => {}
        }
        let job = self.require_holds(
            &person,
            s.workflow.responsible,
            Error::Filing(FilingError::NotResponsible {
                responsible: s.workflow.responsible,
            }),
        )?;
        let workflow = Workflow {
            state: ObjectState::Closed,
            ..s.workflow
        };
        let mut acl = AclEdit::new(s.object.into(), s.acl, self.next_entry(), rev);
        acl.ensure(AclKind::Allowed, Entity::Responsible, Level::Edit21, Level::View14);
        acl.remove_where(|e| e.kind == AclKind::MaxAllowed && e.entity == Entity::Responsible);
        acl.ensure(AclKind::MaxAllowed, Entity::Company, Level::View14, Level::View14);
        let mut events = vec![self.workflow_event(object, workflow, rev)?];
        events.extend(acl.events());
        let mut draft = Draft::new(events);
        draft.acting_job = Some(job);
        Ok(draft)
    }

    pub(crate) fn plan_reopen(
        &self,
        actor: &Actor,
        object: ObjectRef,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let person = self.person(actor)?;
        let s = self.subject(object)?;
        self.require_mfa(&person, s.app, s.held_to)?;
        if s.workflow.state != ObjectState::Closed {
            return Err(Error::Filing(FilingError::ObjectNotClosed));
        }
        let may = self.holds_dist_main(&person.p, at)
            || self
                .settings
                .reopen_role
                .is_some_and(|r| self.holds_role(&person.p, r, at).is_some());
        if !may {
            return Err(Error::Filing(FilingError::NotDistMain));
        }
        let job = self.acting_job(&person)?;
        let edit = match object {
            ObjectRef::Folder(_) => Level::Edit21,
            ObjectRef::Document(_) => Level::Edit22,
        };
        let workflow = Workflow {
            state: ObjectState::Open,
            ..s.workflow
        };
        let mut acl = AclEdit::new(s.object.into(), s.acl, self.next_entry(), rev);
        acl.ensure(AclKind::Allowed, Entity::Responsible, edit, Level::View14);
        acl.ensure(AclKind::MaxAllowed, Entity::Responsible, Level::Edit22, Level::View14);
        let mut events = vec![self.workflow_event(object, workflow, rev)?];
        events.extend(acl.events());
        let mut draft = Draft::new(events);
        draft.acting_job = Some(job);
        Ok(draft)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn plan_reclassify(
        &self,
        actor: &Actor,
        object: ObjectRef,
        classification: Classification,
        _reason: Text,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let person = self.person(actor)?;
        let s = self.subject(object)?;
        self.require_mfa(&person, s.app, s.held_to.max(classification))?;
        self.require_within_system(s.app, classification)?;
        self.require_level(&person, object, Level::Edit21, at)?;
        self.require_clearance(&person, classification.z, at)?;
        let event = match object {
            ObjectRef::Folder(f) => {
                let old = self.folder(f)?;
                if old.classification == classification {
                    return Err(Error::NoChange("the object already has this classification"));
                }
                Event::Folder(Folder {
                    classification,
                    rev,
                    ..old.clone()
                })
            }
            ObjectRef::Document(d) => {
                let old = self.document(d)?;
                if old.classification == classification {
                    return Err(Error::NoChange("the object already has this classification"));
                }
                Event::Document(Document {
                    classification,
                    rev,
                    ..old.clone()
                })
            }
        };
        let mut draft = Draft::new(vec![event]);
        draft.acting_job = person.job.or_else(|| person.p.jobs.first().copied());
        Ok(draft)
    }
}
