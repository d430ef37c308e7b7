//! The world: the whole state the engine decides on, with the indexes that make decisions
//! fast.
//!
//! The world changes only through [`World::apply`] (one [`Event`] at a time) or
//! [`World::commit`] (one planned change, i.e. one revision). Both take `&mut self`, so Rust's
//! aliasing rules guarantee that no decision runs on a half-applied change; a server shares
//! the world behind a read–write lock and commits a whole plan under one write guard. Every
//! event updates the indexes incrementally: a write touches the records and postings it
//! changes, never the whole world.
//!
//! The records the world stores are defined below it (`directory`, `roles`, `records`, `acl`,
//! `settings`, `register`, `process`, `raci`); the tables, indexes and reads of the Decree's
//! registers are here, one file per family, so no record module names the world:
//! `registers.rs` (inventory, floors, decree roles, reviews, risks, solutions), `integrity.rs`,
//! `continuity.rs`, `processes.rs` (definitions, cases, who is bound to a role, the work lists),
//! `duties.rs` (a change request's knock-on duties) and `matrices.rs` (RACI matrices, "who
//! answers for a task", the jobs a RACI-bound role resolves to).

mod apply;
mod continuity;
mod duties;
mod integrity;
mod matrices;
mod postings;
mod processes;
mod record;
mod registers;

pub(crate) use postings::{Key, Postings};
pub use record::Record;
pub(crate) use record::{Table, unchanged_refused};

use crate::acl::AclEntry;
use crate::directory::{Group, Job, Office, User};
use crate::error::{AclError, DirectoryError, Error, FilingError, StateError};
use crate::event::{ChangeSet, Event};
use crate::ids::*;
use crate::level::Level;
use crate::records::{Carrier, Document, FilingClass, Folder};
use crate::roles::{Application, Grant, Role};
use crate::settings::Settings;
use crate::text::Text;
use registers::Registers;
use rustc_hash::FxHashMap;

/// A record with the ACL entries it carries.
#[derive(Clone, Debug)]
pub(crate) struct Node<T> {
    pub(crate) rec: T,
    pub(crate) acl: Vec<AclEntry>,
}

/// Look-up tables and reverse links kept in step with the records.
#[derive(Clone, Debug, Default)]
pub(crate) struct Indexes {
    pub(crate) office_code: FxHashMap<String, OfficeId>,
    pub(crate) job_code: FxHashMap<String, JobId>,
    pub(crate) username: FxHashMap<String, UserId>,
    pub(crate) email: FxHashMap<String, Vec<UserId>>,
    pub(crate) app_code: FxHashMap<String, AppId>,
    pub(crate) role_code: FxHashMap<String, RoleId>,
    pub(crate) class_code: FxHashMap<String, ClassId>,
    pub(crate) group_code: FxHashMap<String, GroupId>,

    pub(crate) top_offices: Vec<OfficeId>,
    pub(crate) office_children: Vec<Vec<OfficeId>>,
    pub(crate) office_jobs: Vec<Vec<JobId>>,
    pub(crate) job_occupants: Vec<Vec<UserId>>,

    /// Parents of each role (the user roles containing it).
    pub(crate) role_parents: Vec<Vec<RoleId>>,
    /// Each role and every role inside it, transitively; sorted.
    pub(crate) role_down: Vec<Vec<RoleId>>,
    /// Each role and every role containing it, transitively; sorted.
    pub(crate) role_up: Vec<Vec<RoleId>>,

    pub(crate) grants_of_user: Vec<Vec<GrantId>>,
    pub(crate) grants_of_job: Vec<Vec<GrantId>>,
    pub(crate) grants_of_office: Vec<Vec<GrantId>>,
    pub(crate) grants_of_everyone: Vec<GrantId>,
    pub(crate) grants_of_role: Vec<Vec<GrantId>>,

    pub(crate) groups_of_user: FxHashMap<UserId, Vec<GroupId>>,
    pub(crate) groups_of_job: FxHashMap<JobId, Vec<GroupId>>,

    /// Per application: the application roles that give a level on all of its objects.
    pub(crate) app_wide: Vec<Vec<(RoleId, Level)>>,

    pub(crate) top_classes: Vec<ClassId>,
    pub(crate) class_children: Vec<Vec<ClassId>>,
    pub(crate) class_folders: Vec<Vec<FolderId>>,
    pub(crate) app_folders: Vec<Vec<FolderId>>,
    pub(crate) folder_docs: Vec<Vec<DocumentId>>,

    pub(crate) postings: Postings,
}

/// The engine's whole state.
#[derive(Clone, Debug)]
pub struct World {
    pub(crate) revision: Revision,
    pub(crate) settings: Settings,
    pub(crate) offices: Table<Office>,
    pub(crate) jobs: Table<Job>,
    pub(crate) users: Table<User>,
    pub(crate) groups: Table<Group>,
    pub(crate) apps: Table<Application>,
    pub(crate) roles: Table<Role>,
    pub(crate) grants: Table<Option<Grant>>,
    pub(crate) classes: Table<Node<FilingClass>>,
    pub(crate) folders: Table<Node<Folder>>,
    pub(crate) documents: Table<Node<Document>>,
    pub(crate) entry_carrier: Vec<Option<Carrier>>,
    pub(crate) idx: Indexes,
    /// The Decree's registers (inventory, Decree roles, the classification scheme).
    pub(crate) reg: Registers,
}

impl World {
    /// An empty world at revision 0 for the named organisation. Nothing exists and nothing is
    /// granted; the built-in system roles are created by the `Initialise` command.
    pub fn new(organisation: Text) -> World {
        World {
            revision: Revision(0),
            settings: Settings::new(organisation),
            offices: Table::default(),
            jobs: Table::default(),
            users: Table::default(),
            groups: Table::default(),
            apps: Table::default(),
            roles: Table::default(),
            grants: Table::default(),
            classes: Table::default(),
            folders: Table::default(),
            documents: Table::default(),
            entry_carrier: Vec::new(),
            idx: Indexes::default(),
            reg: Registers::default(),
        }
    }

    /// Rebuilds a world from stored records: applies `events` in order without revision
    /// bookkeeping and sets the revision. This is the cold start of a server.
    pub fn restore(
        organisation: Text,
        revision: Revision,
        events: impl IntoIterator<Item = Event>,
    ) -> Result<World, Error> {
        let mut world = World::new(organisation);
        for event in events {
            world.apply(event)?;
        }
        world.revision = revision;
        Ok(world)
    }

    /// Applies a committed change set from the change log (a follower catching up).
    pub fn apply_change_set(&mut self, change: ChangeSet) -> Result<(), Error> {
        if change.revision != self.revision.next() {
            return Err(Error::State(StateError::StalePlan {
                planned: change.revision,
                current: self.revision,
            }));
        }
        for event in change.events {
            self.apply(event)?;
        }
        self.revision = change.revision;
        Ok(())
    }

    /// The current revision.
    pub fn revision(&self) -> Revision {
        self.revision
    }

    /// The organisation's settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    // ---- records by id ----------------------------------------------------------------

    /// The record of kind `R` with this id, or the refusal naming the unknown id.
    pub fn record<R: Record>(&self, id: R::Id) -> Result<&R, Error> {
        R::find(self, id)
    }

    /// An office.
    pub fn office(&self, id: OfficeId) -> Result<&Office, Error> {
        self.offices.find(id)
    }
    /// A job.
    pub fn job(&self, id: JobId) -> Result<&Job, Error> {
        self.jobs.find(id)
    }
    /// A user.
    pub fn user(&self, id: UserId) -> Result<&User, Error> {
        self.users.find(id)
    }
    /// A group.
    pub fn group(&self, id: GroupId) -> Result<&Group, Error> {
        self.groups.find(id)
    }
    /// An application.
    pub fn application(&self, id: AppId) -> Result<&Application, Error> {
        self.apps.find(id)
    }
    /// A role.
    pub fn role(&self, id: RoleId) -> Result<&Role, Error> {
        self.roles.find(id)
    }
    /// A grant that has not been revoked.
    pub fn grant(&self, id: GrantId) -> Result<&Grant, Error> {
        self.grants.find(id)
    }
    /// A filing class.
    pub fn class(&self, id: ClassId) -> Result<&FilingClass, Error> {
        self.classes.find(id)
    }
    /// A folder.
    pub fn folder(&self, id: FolderId) -> Result<&Folder, Error> {
        self.folders.find(id)
    }
    /// A document.
    pub fn document(&self, id: DocumentId) -> Result<&Document, Error> {
        self.documents.find(id)
    }
    /// An ACL entry that has not been removed.
    pub fn entry(&self, id: EntryId) -> Result<&AclEntry, Error> {
        let carrier = self
            .entry_carrier
            .get(id.index())
            .copied()
            .flatten()
            .ok_or(Error::Acl(AclError::UnknownEntry(id)))?;
        self.acl(carrier)?
            .iter()
            .find(|e| e.id == id)
            .ok_or(Error::Acl(AclError::UnknownEntry(id)))
    }
    /// The ACL entries a class, folder or document carries.
    pub fn acl(&self, carrier: Carrier) -> Result<&[AclEntry], Error> {
        match carrier {
            Carrier::Class(id) => self
                .classes
                .get(id.index())
                .map(|n| n.acl.as_slice())
                .ok_or(Error::Filing(FilingError::UnknownClass(id))),
            Carrier::Folder(id) => self
                .folders
                .get(id.index())
                .map(|n| n.acl.as_slice())
                .ok_or(Error::Filing(FilingError::UnknownFolder(id))),
            Carrier::Document(id) => self
                .documents
                .get(id.index())
                .map(|n| n.acl.as_slice())
                .ok_or(Error::Filing(FilingError::UnknownDocument(id))),
        }
    }

    // ---- records by code --------------------------------------------------------------

    /// The office with this code.
    pub fn office_by_code(&self, code: &str) -> Result<OfficeId, Error> {
        lookup(&self.idx.office_code, code, "office")
    }
    /// The job with this job id (`LEADER.GLPI`).
    pub fn job_by_code(&self, code: &str) -> Result<JobId, Error> {
        lookup(&self.idx.job_code, code, "job")
    }
    /// The user with this username (case-insensitive).
    pub fn user_by_username(&self, username: &str) -> Result<UserId, Error> {
        self.idx
            .username
            .get(&username.trim().to_lowercase())
            .copied()
            .ok_or_else(|| {
                Error::Directory(DirectoryError::UnknownCode {
                    kind: "user",
                    code: username.to_owned(),
                })
            })
    }
    /// Every account carrying this e-mail address (case-insensitive), in creation order.
    pub fn users_by_email(&self, email: &str) -> &[UserId] {
        self.idx
            .email
            .get(&email.trim().to_lowercase())
            .map_or(&[], Vec::as_slice)
    }
    /// The application with this code.
    pub fn application_by_code(&self, code: &str) -> Result<AppId, Error> {
        lookup(&self.idx.app_code, code, "application")
    }
    /// The role with this code.
    pub fn role_by_code(&self, code: &str) -> Result<RoleId, Error> {
        lookup(&self.idx.role_code, code, "role")
    }
    /// The filing class with this code.
    pub fn class_by_code(&self, code: &str) -> Result<ClassId, Error> {
        lookup(&self.idx.class_code, code, "filing class")
    }
    /// The group with this code.
    pub fn group_by_code(&self, code: &str) -> Result<GroupId, Error> {
        lookup(&self.idx.group_code, code, "group")
    }

    // ---- collections ------------------------------------------------------------------

    /// Every office, in id order.
    pub fn offices(&self) -> &[Office] {
        &self.offices
    }
    /// Every job, in id order.
    pub fn jobs(&self) -> &[Job] {
        &self.jobs
    }
    /// Every user, in id order.
    pub fn users(&self) -> &[User] {
        &self.users
    }
    /// Every group, in id order.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }
    /// Every application, in id order.
    pub fn applications(&self) -> &[Application] {
        &self.apps
    }
    /// Every role, in id order.
    pub fn roles(&self) -> &[Role] {
        &self.roles
    }
    /// Every grant in force or waiting (revoked grants are gone), in id order.
    pub fn grants(&self) -> impl Iterator<Item = &Grant> {
        self.grants.iter().flatten()
    }
    /// Every filing class, in id order.
    pub fn classes(&self) -> impl ExactSizeIterator<Item = &FilingClass> {
        self.classes.iter().map(|n| &n.rec)
    }
    /// Number of folders.
    pub fn folder_count(&self) -> usize {
        self.folders.len()
    }
    /// Number of documents.
    pub fn document_count(&self) -> usize {
        self.documents.len()
    }
    /// Every folder, in id order.
    pub fn folders(&self) -> impl ExactSizeIterator<Item = &Folder> {
        self.folders.iter().map(|n| &n.rec)
    }
    /// Every document, in id order.
    pub fn documents(&self) -> impl ExactSizeIterator<Item = &Document> {
        self.documents.iter().map(|n| &n.rec)
    }
    /// Every ACL entry, grouped by carrier: classes, then folders, then documents.
    pub fn entries(&self) -> impl Iterator<Item = &AclEntry> {
        let c = self.classes.iter().flat_map(|n| n.acl.iter());
        let f = self.folders.iter().flat_map(|n| n.acl.iter());
        let d = self.documents.iter().flat_map(|n| n.acl.iter());
        c.chain(f).chain(d)
    }
    /// Number of ACL entries.
    pub fn entry_count(&self) -> usize {
        self.entry_carrier.iter().filter(|c| c.is_some()).count()
    }

    /// Top-level offices (children of `Company.main`).
    pub fn top_offices(&self) -> &[OfficeId] {
        &self.idx.top_offices
    }
    /// Direct sub-offices.
    pub fn office_children(&self, id: OfficeId) -> &[OfficeId] {
        self.idx.office_children.get(id.index()).map_or(&[], Vec::as_slice)
    }
    /// Jobs of an office.
    pub fn office_jobs(&self, id: OfficeId) -> &[JobId] {
        self.idx.office_jobs.get(id.index()).map_or(&[], Vec::as_slice)
    }
    /// Users holding a job (active or not).
    pub fn job_occupants(&self, id: JobId) -> &[UserId] {
        self.idx.job_occupants.get(id.index()).map_or(&[], Vec::as_slice)
    }
    /// Grants given directly to a user.
    pub fn grants_of_user(&self, id: UserId) -> &[GrantId] {
        self.idx.grants_of_user.get(id.index()).map_or(&[], Vec::as_slice)
    }
    /// Grants given to a job.
    pub fn grants_of_job(&self, id: JobId) -> &[GrantId] {
        self.idx.grants_of_job.get(id.index()).map_or(&[], Vec::as_slice)
    }
    /// Grants given to an office.
    pub fn grants_of_office(&self, id: OfficeId) -> &[GrantId] {
        self.idx.grants_of_office.get(id.index()).map_or(&[], Vec::as_slice)
    }
    /// Grants given to everyone.
    pub fn grants_of_everyone(&self) -> &[GrantId] {
        &self.idx.grants_of_everyone
    }
    /// Grants of a role (not of the roles containing it).
    pub fn grants_of_role(&self, id: RoleId) -> &[GrantId] {
        self.idx.grants_of_role.get(id.index()).map_or(&[], Vec::as_slice)
    }
    /// The role and every role inside it, transitively, sorted by id.
    pub fn role_closure(&self, id: RoleId) -> &[RoleId] {
        self.idx.role_down.get(id.index()).map_or(&[], Vec::as_slice)
    }
    /// The role and every role containing it, transitively, sorted by id.
    pub fn role_containers(&self, id: RoleId) -> &[RoleId] {
        self.idx.role_up.get(id.index()).map_or(&[], Vec::as_slice)
    }
    /// Top-level filing classes.
    pub fn top_classes(&self) -> &[ClassId] {
        &self.idx.top_classes
    }
    /// Direct sub-classes.
    pub fn class_children(&self, id: ClassId) -> &[ClassId] {
        self.idx.class_children.get(id.index()).map_or(&[], Vec::as_slice)
    }
    /// Folders filed directly under a class.
    pub fn class_folders(&self, id: ClassId) -> &[FolderId] {
        self.idx.class_folders.get(id.index()).map_or(&[], Vec::as_slice)
    }
    /// Documents of a folder, in id order.
    pub fn folder_documents(&self, id: FolderId) -> &[DocumentId] {
        self.idx.folder_docs.get(id.index()).map_or(&[], Vec::as_slice)
    }

    /// Whether `office` is `ancestor` or lies inside its subtree.
    pub fn office_within(&self, office: OfficeId, ancestor: OfficeId) -> bool {
        let mut cursor = Some(office);
        let mut steps = 0usize;
        while let Some(o) = cursor {
            if o == ancestor {
                return true;
            }
            steps += 1;
            if steps > self.offices.len() {
                return false;
            }
            cursor = self.offices.get(o.index()).and_then(|r| r.parent);
        }
        false
    }

    /// Whether `class` is `ancestor` or lies inside its subtree.
    pub fn class_within(&self, class: ClassId, ancestor: ClassId) -> bool {
        let mut cursor = Some(class);
        let mut steps = 0usize;
        while let Some(c) = cursor {
            if c == ancestor {
                return true;
            }
            steps += 1;
            if steps > self.classes.len() {
                return false;
            }
            cursor = self.classes.get(c.index()).and_then(|n| n.rec.parent);
        }
        false
    }

    /// The office and all its sub-offices, depth first.
    pub fn office_subtree(&self, root: OfficeId) -> Vec<OfficeId> {
        let mut out = vec![root];
        let mut i = 0;
        while i < out.len() {
            out.extend_from_slice(self.office_children(out[i]));
            i += 1;
        }
        out
    }

    /// The class and all its sub-classes.
    pub fn class_subtree(&self, root: ClassId) -> Vec<ClassId> {
        let mut out = vec![root];
        let mut i = 0;
        while i < out.len() {
            out.extend_from_slice(self.class_children(out[i]));
            i += 1;
        }
        out
    }

    /// The class and its ancestors, nearest first.
    pub fn class_chain(&self, class: ClassId) -> Vec<ClassId> {
        let mut out = Vec::new();
        let mut cursor = Some(class);
        while let Some(c) = cursor {
            if out.len() > self.classes.len() {
                break;
            }
            out.push(c);
            cursor = self.classes.get(c.index()).and_then(|n| n.rec.parent);
        }
        out
    }
}

fn lookup<T: Copy>(map: &FxHashMap<String, T>, code: &str, kind: &'static str) -> Result<T, Error> {
    map.get(code.trim()).copied().ok_or_else(|| {
        Error::Directory(DirectoryError::UnknownCode {
            kind,
            code: code.to_owned(),
        })
    })
}
