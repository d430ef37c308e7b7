//! Commands: every change to the world goes through here.
//!
//! A change is made in two steps. [`World::plan`] checks the command — who acts, what it
//! names, every rule of the model — and returns a [`Plan`]: the events that make the change
//! and the before/after of every record it touches, for the audit trail. Planning only reads,
//! so a refused command leaves the world exactly as it was. The caller persists the plan (one
//! transaction: tables, change log, audit record) and then [`World::commit`]s it, which
//! applies the events and moves to the next revision. [`World::execute`] does both for
//! callers without storage (tests, tools).

use crate::acl::{AclKind, Entity};
use crate::admin::{Actor, Authority};
use crate::change::ObjectChange;
use crate::directory::{AccountKind, Gender, Group, Job, JobKind, Office, User};
use crate::error::Error;
use crate::event::{ChangeSet, Event};
use crate::ids::*;
use crate::level::{Classification, Level};
use crate::records::{Carrier, FilingClass, ObjectRef};
use crate::roles::{Application, Grant, Grantee, Role, RoleKind, SystemPower};
use crate::settings::Settings;
use crate::text::{Code, Email, JobCode, Phone, RoleCode, SigningCode, Text, Username};
use crate::time::{Timestamp, Window};
use crate::world::World;
use serde::{Deserialize, Serialize};

/// A change someone asks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// Creates the built-in system roles (`adam.user_admin`, `adam.security_lead`).
    Initialise,
    /// Replaces the organisation's settings.
    SetSettings {
        /// The new settings.
        settings: Settings,
    },
    /// Creates an office with its head job `LEADER.<code>` and secretariat `TAJNISTVO.<code>`.
    CreateOffice {
        /// Code.
        code: Code,
        /// Name.
        name: Text,
        /// Parent office (`None`: directly under `Company.main`).
        parent: Option<OfficeId>,
        /// Signing code.
        signing_code: Option<SigningCode>,
    },
    /// Changes an office's name, parent or signing code.
    UpdateOffice {
        /// Office.
        office: OfficeId,
        /// Name.
        name: Text,
        /// Parent.
        parent: Option<OfficeId>,
        /// Signing code.
        signing_code: Option<SigningCode>,
    },
    /// Invalidates or revalidates an office.
    SetOfficeValid {
        /// Office.
        office: OfficeId,
        /// Valid or not.
        valid: bool,
    },
    /// Creates a job in an office.
    CreateJob {
        /// Job id (`JOB.0276`).
        code: JobCode,
        /// Signing code.
        signing_code: Option<SigningCode>,
        /// Name.
        name: Text,
        /// Office.
        office: OfficeId,
    },
    /// Changes a job's signing code, name or office.
    UpdateJob {
        /// Job.
        job: JobId,
        /// Signing code.
        signing_code: Option<SigningCode>,
        /// Name.
        name: Text,
        /// Office.
        office: OfficeId,
    },
    /// Invalidates (the second step of deletion) or revalidates a job.
    SetJobValid {
        /// Job.
        job: JobId,
        /// Valid or not.
        valid: bool,
    },
    /// Creates an account.
    CreateUser {
        /// Username.
        username: Username,
        /// Account kind.
        kind: AccountKind,
        /// Title.
        title: Option<Text>,
        /// First name.
        first_name: Text,
        /// Last name.
        last_name: Text,
        /// Gender.
        gender: Gender,
        /// E-mail address (mandatory).
        email: Email,
        /// Phone.
        phone: Option<Phone>,
        /// Jobs to hold from the start.
        jobs: Vec<JobId>,
    },
    /// Changes a user's personal data.
    UpdateUser {
        /// User.
        user: UserId,
        /// Title.
        title: Option<Text>,
        /// First name.
        first_name: Text,
        /// Last name.
        last_name: Text,
        /// Gender.
        gender: Gender,
        /// E-mail address.
        email: Email,
        /// Phone.
        phone: Option<Phone>,
    },
    /// Deactivates (the first step of deletion) or reactivates an account.
    SetUserActive {
        /// User.
        user: UserId,
        /// Active or not.
        active: bool,
    },
    /// Gives a user a job.
    AssignJob {
        /// User.
        user: UserId,
        /// Job.
        job: JobId,
    },
    /// Takes a job from a user.
    UnassignJob {
        /// User.
        user: UserId,
        /// Job.
        job: JobId,
    },
    /// Creates a user group.
    CreateGroup {
        /// Code.
        code: Code,
        /// Name.
        name: Text,
        /// Users.
        users: Vec<UserId>,
        /// Jobs.
        jobs: Vec<JobId>,
    },
    /// Replaces a group's name and members.
    UpdateGroup {
        /// Group.
        group: GroupId,
        /// Name.
        name: Text,
        /// Users.
        users: Vec<UserId>,
        /// Jobs.
        jobs: Vec<JobId>,
    },
    /// Registers an application.
    CreateApplication {
        /// Code.
        code: Code,
        /// Name.
        name: Text,
    },
    /// Changes an application's name and writing role.
    UpdateApplication {
        /// Application.
        app: AppId,
        /// Name.
        name: Text,
        /// Writing role.
        writer_role: Option<RoleId>,
    },
    /// Creates an application or user role.
    CreateRole {
        /// Code.
        code: RoleCode,
        /// Application or user role (system roles are built in).
        kind: RoleKind,
        /// Application.
        app: Option<AppId>,
        /// Description.
        description: Text,
        /// Application-wide level (application roles only).
        object_level: Option<Level>,
        /// Contained roles (user roles only).
        members: Vec<RoleId>,
    },
    /// Changes a role's description, application-wide level or contents.
    UpdateRole {
        /// Role.
        role: RoleId,
        /// Description.
        description: Text,
        /// Application-wide level.
        object_level: Option<Level>,
        /// Contained roles.
        members: Vec<RoleId>,
    },
    /// Grants a role.
    Grant {
        /// Role.
        role: RoleId,
        /// To whom.
        grantee: Grantee,
        /// Validity window.
        window: Window,
        /// Office subtree (user-administrator grants only).
        scope: Option<OfficeId>,
        /// Request reference.
        reference: Option<Text>,
    },
    /// Changes a grant's window or reference.
    UpdateGrant {
        /// Grant.
        grant: GrantId,
        /// Validity window.
        window: Window,
        /// Request reference.
        reference: Option<Text>,
    },
    /// Revokes a grant.
    Revoke {
        /// Grant.
        grant: GrantId,
    },
    /// Adds a class to the filing plan.
    CreateClass {
        /// Code.
        code: Code,
        /// Name.
        name: Text,
        /// Parent class.
        parent: Option<ClassId>,
    },
    /// Renames or moves a filing class.
    UpdateClass {
        /// Class.
        class: ClassId,
        /// Name.
        name: Text,
        /// Parent class.
        parent: Option<ClassId>,
    },
    /// Opens a new folder (Diagram 1 "Nova mapa").
    NewFolder {
        /// Application.
        app: AppId,
        /// Filing class.
        class: ClassId,
        /// Title.
        title: Text,
        /// Classification.
        classification: Classification,
    },
    /// Adds a document to a folder (Diagram 1 "Nov dokument").
    NewDocument {
        /// Folder.
        folder: FolderId,
        /// Title.
        title: Text,
        /// Classification.
        classification: Classification,
    },
    /// Notifies jobs or users of an arriving document: they get 14 on the folder.
    Notify {
        /// The folder or document.
        object: ObjectRef,
        /// Jobs to notify.
        jobs: Vec<JobId>,
        /// Users to notify.
        users: Vec<UserId>,
    },
    /// Hands the object over to another job (Diagram 1 "Predaja").
    HandOver {
        /// The folder or document.
        object: ObjectRef,
        /// The recipient job.
        to: JobId,
    },
    /// The recipient accepts (Diagram 1 "Sprejem").
    Accept {
        /// The folder or document.
        object: ObjectRef,
    },
    /// The recipient rejects.
    Reject {
        /// The folder or document.
        object: ObjectRef,
    },
    /// The responsible closes the object (Diagram 1 "Zaključitev").
    Close {
        /// The folder or document.
        object: ObjectRef,
    },
    /// The main office reopens a closed object.
    Reopen {
        /// The folder or document.
        object: ObjectRef,
    },
    /// Changes an object's classification, with a reason.
    Reclassify {
        /// The folder or document.
        object: ObjectRef,
        /// New classification.
        classification: Classification,
        /// Why.
        reason: Text,
    },
    /// Adds an ACL entry.
    AddEntry {
        /// Where.
        carrier: Carrier,
        /// `allowed` or `maxAllowed`.
        kind: AclKind,
        /// About whom.
        entity: Entity,
        /// Value.
        value: Level,
        /// Group value: for `Company.main` and offices it is the value; for an `allowed` entry it
        /// defaults to 0; a `maxAllowed` entry on another entity must give it.
        group_value: Option<Level>,
        /// Validity window.
        window: Window,
    },
    /// Removes an ACL entry.
    RemoveEntry {
        /// The entry.
        entry: EntryId,
    },
    /// Several commands as one change: one plan, one transaction, one revision — all of them
    /// or none (an import). Each is planned against the state the ones before it leave, and
    /// authorised for the same actor.
    Batch {
        /// The commands, in order.
        commands: Vec<Command>,
    },
}

impl Command {
    /// The action name recorded in the audit trail (`office.create`, `workflow.accept`).
    pub fn action(&self) -> &'static str {
        match self {
            Command::Initialise => "system.initialise",
            Command::SetSettings { .. } => "settings.update",
            Command::CreateOffice { .. } => "office.create",
            Command::UpdateOffice { .. } => "office.update",
            Command::SetOfficeValid { valid: true, .. } => "office.validate",
            Command::SetOfficeValid { valid: false, .. } => "office.invalidate",
            Command::CreateJob { .. } => "job.create",
            Command::UpdateJob { .. } => "job.update",
            Command::SetJobValid { valid: true, .. } => "job.validate",
            Command::SetJobValid { valid: false, .. } => "job.invalidate",
            Command::CreateUser { .. } => "user.create",
            Command::UpdateUser { .. } => "user.update",
            Command::SetUserActive { active: true, .. } => "user.activate",
            Command::SetUserActive { active: false, .. } => "user.deactivate",
            Command::AssignJob { .. } => "user.assign_job",
            Command::UnassignJob { .. } => "user.unassign_job",
            Command::CreateGroup { .. } => "group.create",
            Command::UpdateGroup { .. } => "group.update",
            Command::CreateApplication { .. } => "application.create",
            Command::UpdateApplication { .. } => "application.update",
            Command::CreateRole { .. } => "role.create",
            Command::UpdateRole { .. } => "role.update",
            Command::Grant { .. } => "grant.create",
            Command::UpdateGrant { .. } => "grant.update",
            Command::Revoke { .. } => "grant.revoke",
            Command::CreateClass { .. } => "class.create",
            Command::UpdateClass { .. } => "class.update",
            Command::NewFolder { .. } => "workflow.new_folder",
            Command::NewDocument { .. } => "workflow.new_document",
            Command::Notify { .. } => "workflow.notify",
            Command::HandOver { .. } => "workflow.hand_over",
            Command::Accept { .. } => "workflow.accept",
            Command::Reject { .. } => "workflow.reject",
            Command::Close { .. } => "workflow.close",
            Command::Reopen { .. } => "workflow.reopen",
            Command::Reclassify { .. } => "workflow.reclassify",
            Command::AddEntry { .. } => "acl.add",
            Command::RemoveEntry { .. } => "acl.remove",
            Command::Batch { .. } => "batch",
        }
    }
}

/// The record a command created first, so the caller can answer with its id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Created {
    /// An office.
    Office(OfficeId),
    /// A job.
    Job(JobId),
    /// A user.
    User(UserId),
    /// A group.
    Group(GroupId),
    /// An application.
    Application(AppId),
    /// A role.
    Role(RoleId),
    /// A grant.
    Grant(GrantId),
    /// A filing class.
    Class(ClassId),
    /// A folder.
    Folder(FolderId),
    /// A document.
    Document(DocumentId),
    /// An ACL entry.
    Entry(EntryId),
}

/// A checked change, ready to persist and commit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// The revision it was planned against.
    pub base: Revision,
    /// When it was planned.
    pub at: Timestamp,
    /// Who acts.
    pub actor: Actor,
    /// The job the actor acted in, for workflow acts.
    pub acting_job: Option<JobId>,
    /// The action name (`job.update`).
    pub action: &'static str,
    /// The command as given.
    pub command: Command,
    /// The events that make the change.
    pub events: Vec<Event>,
    /// Before and after of every record touched.
    pub changes: Vec<ObjectChange>,
    /// The main record created, if any.
    pub created: Option<Created>,
}

impl Plan {
    /// The revision the plan produces.
    pub fn revision(&self) -> Revision {
        self.base.next()
    }

    /// The change-log entry of this plan.
    pub fn change_set(&self) -> ChangeSet {
        ChangeSet {
            revision: self.revision(),
            events: self.events.clone(),
        }
    }
}

/// What a planning step produces.
pub(crate) struct Draft {
    pub(crate) events: Vec<Event>,
    pub(crate) created: Option<Created>,
    pub(crate) acting_job: Option<JobId>,
    /// Descriptions of the changes, when the events alone cannot give them (a batch).
    pub(crate) changes: Option<Vec<ObjectChange>>,
}

impl Draft {
    pub(crate) fn new(events: Vec<Event>) -> Draft {
        Draft {
            events,
            created: None,
            acting_job: None,
            changes: None,
        }
    }
    pub(crate) fn created(mut self, c: Created) -> Draft {
        self.created = Some(c);
        self
    }
}

impl World {
    /// Checks a command and returns what it would change. Nothing changes yet.
    pub fn plan(&self, actor: &Actor, command: Command, at: Timestamp) -> Result<Plan, Error> {
        let rev = self.revision.next();
        let draft = self.draft(actor, &command, at, rev)?;
        if draft.events.is_empty() {
            return Err(Error::NoChange("the command changes nothing"));
        }
        let changes = match draft.changes {
            Some(changes) => changes,
            None => draft.events.iter().map(|e| self.describe(e)).collect(),
        };
        Ok(Plan {
            base: self.revision,
            at,
            actor: *actor,
            acting_job: draft.acting_job,
            action: command.action(),
            command,
            events: draft.events,
            changes,
            created: draft.created,
        })
    }

    /// Applies a plan made against the current revision and moves to the next revision.
    ///
    /// The plan's events were checked when it was made, so applying them cannot fail unless
    /// the plan is stale (refused before anything changes) or there is a bug; in the latter
    /// case the caller must reload the world from its store.
    pub fn commit(&mut self, plan: Plan) -> Result<Revision, Error> {
        if plan.base != self.revision {
            return Err(Error::StalePlan {
                planned: plan.base,
                current: self.revision,
            });
        }
        for event in plan.events {
            self.apply(event)?;
        }
        self.revision = self.revision.next();
        Ok(self.revision)
    }

    /// Plans and commits in one step; returns the committed plan.
    pub fn execute(&mut self, actor: &Actor, command: Command, at: Timestamp) -> Result<Plan, Error> {
        let plan = self.plan(actor, command, at)?;
        let kept = plan.clone();
        self.commit(plan)?;
        Ok(kept)
    }

    fn draft(&self, actor: &Actor, command: &Command, at: Timestamp, rev: Revision) -> Result<Draft, Error> {
        match command.clone() {
            Command::Initialise => {
                self.require_full(actor, at, "initialise the system")?;
                let mut events = Vec::new();
                let mut next = self.roles.len() as u32;
                for power in SystemPower::ALL {
                    if self.role_by_code(power.code()).is_ok() {
                        continue;
                    }
                    let description = match power {
                        SystemPower::UserAdmin => {
                            "User administrator: edits offices, jobs and users and switches roles on and off within an office subtree"
                        }
                        SystemPower::SecurityLead => "Security lead: reviews the audit trail and the registers",
                    };
                    events.push(Event::Role(Role {
                        id: RoleId(next),
                        code: RoleCode::parse("code", power.code())?,
                        kind: RoleKind::System,
                        app: None,
                        description: Text::parse("description", description)?,
                        object_level: None,
                        power: Some(power),
                        members: Vec::new(),
                        rev,
                    }));
                    next += 1;
                }
                if events.is_empty() {
                    return Err(Error::NoChange("the system is already initialised"));
                }
                Ok(Draft::new(events))
            }
            Command::SetSettings { settings } => {
                self.require_full(actor, at, "change the organisation's settings")?;
                for role in settings
                    .clearance_roles
                    .iter()
                    .chain([&settings.dist_main_role, &settings.reopen_role])
                    .flatten()
                {
                    if self.role(*role)?.kind == RoleKind::System {
                        return Err(Error::RoleShape(
                            "the distribution, reopen and clearance roles must be application or user roles",
                        ));
                    }
                }
                for (class, level) in settings.default_view.iter().enumerate() {
                    if !(Level::View11..=Level::View14).contains(level) {
                        return Err(Error::DefaultViewNotAView {
                            class: class as u8,
                            level: *level,
                        });
                    }
                }
                if settings == self.settings {
                    return Err(Error::NoChange("the settings are already so"));
                }
                Ok(Draft::new(vec![Event::Settings(settings)]))
            }
            Command::CreateOffice {
                code,
                name,
                parent,
                signing_code,
            } => {
                self.require_office(actor, parent, at)?;
                if let Some(p) = parent
                    && !self.office(p)?.valid
                {
                    return Err(Error::OfficeInvalid(p));
                }
                self.code_free(&self.idx.office_code, code.as_str(), "office")?;
                let head = JobCode::parse("code", &format!("LEADER.{code}"))?;
                let secretariat = JobCode::parse("code", &format!("TAJNISTVO.{code}"))?;
                self.code_free(&self.idx.job_code, head.as_str(), "job")?;
                self.code_free(&self.idx.job_code, secretariat.as_str(), "job")?;
                let id = OfficeId(self.offices.len() as u32);
                let first_job = self.jobs.len() as u32;
                let secretariat_name: String = format!("Tajništvo – {name}").chars().take(Text::MAX).collect();
                let events = vec![
                    Event::Office(Office {
                        id,
                        code,
                        name,
                        parent,
                        signing_code,
                        valid: true,
                        rev,
                    }),
                    Event::Job(Job {
                        id: JobId(first_job),
                        name: Text::parse("name", head.as_str())?,
                        code: head,
                        signing_code: None,
                        office: id,
                        kind: JobKind::Head,
                        valid: true,
                        rev,
                    }),
                    Event::Job(Job {
                        id: JobId(first_job + 1),
                        code: secretariat,
                        signing_code: None,
                        name: Text::parse("name", &secretariat_name)?,
                        office: id,
                        kind: JobKind::Secretariat,
                        valid: true,
                        rev,
                    }),
                ];
                Ok(Draft::new(events).created(Created::Office(id)))
            }
            Command::UpdateOffice {
                office,
                name,
                parent,
                signing_code,
            } => {
                let old = self.office(office)?;
                self.require_office(actor, Some(office), at)?;
                if parent != old.parent {
                    if self.acts_from(actor, |j| {
                        self.job(j).is_ok_and(|j| self.office_within(j.office, office))
                    }) {
                        // The grants of the offices above reach everyone below: moving one's own
                        // office moves one's rights.
                        return Err(Error::SelfAdministration("move the office you work in"));
                    }
                    self.require_office(actor, parent, at)?;
                    if let Some(p) = parent {
                        if self.office_within(p, office) {
                            return Err(Error::OfficeCycle { office, parent: p });
                        }
                        if !self.office(p)?.valid {
                            return Err(Error::OfficeInvalid(p));
                        }
                    }
                }
                let new = Office {
                    name,
                    parent,
                    signing_code,
                    rev,
                    ..old.clone()
                };
                if (Office {
                    rev: old.rev,
                    ..new.clone()
                }) == *old
                {
                    return Err(Error::NoChange("the office already has these data"));
                }
                Ok(Draft::new(vec![Event::Office(new)]))
            }
            Command::SetOfficeValid { office, valid } => {
                let old = self.office(office)?;
                self.require_office(actor, Some(office), at)?;
                if old.valid == valid {
                    return Err(Error::NoChange(if valid {
                        "the office is already valid"
                    } else {
                        "the office is already invalid"
                    }));
                }
                if valid {
                    if let Some(p) = old.parent
                        && !self.office(p)?.valid
                    {
                        return Err(Error::OfficeInvalid(p));
                    }
                } else {
                    let jobs = self
                        .office_jobs(office)
                        .iter()
                        .filter(|j| self.jobs[j.index()].valid)
                        .count();
                    let offices = self
                        .office_children(office)
                        .iter()
                        .filter(|o| self.offices[o.index()].valid)
                        .count();
                    if jobs + offices > 0 {
                        return Err(Error::OfficeNotEmpty { office, jobs, offices });
                    }
                }
                Ok(Draft::new(vec![Event::Office(Office {
                    valid,
                    rev,
                    ..old.clone()
                })]))
            }
            Command::CreateJob {
                code,
                signing_code,
                name,
                office,
            } => {
                self.require_office(actor, Some(office), at)?;
                if !self.office(office)?.valid {
                    return Err(Error::OfficeInvalid(office));
                }
                self.code_free(&self.idx.job_code, code.as_str(), "job")?;
                let id = JobId(self.jobs.len() as u32);
                Ok(Draft::new(vec![Event::Job(Job {
                    id,
                    code,
                    signing_code,
                    name,
                    office,
                    kind: JobKind::Regular,
                    valid: true,
                    rev,
                })])
                .created(Created::Job(id)))
            }
            Command::UpdateJob {
                job,
                signing_code,
                name,
                office,
            } => {
                let old = self.job(job)?;
                self.require_job(actor, job, at)?;
                if office != old.office {
                    if self.acts_from(actor, |j| j == job) {
                        // Office grants reach whoever holds the job: moving it moves one's rights.
                        return Err(Error::SelfAdministration("move a job you hold to another office"));
                    }
                    self.require_office(actor, Some(office), at)?;
                    if !self.office(office)?.valid {
                        return Err(Error::OfficeInvalid(office));
                    }
                }
                let new = Job {
                    signing_code,
                    name,
                    office,
                    rev,
                    ..old.clone()
                };
                if (Job {
                    rev: old.rev,
                    ..new.clone()
                }) == *old
                {
                    return Err(Error::NoChange("the job already has these data"));
                }
                Ok(Draft::new(vec![Event::Job(new)]))
            }
            Command::SetJobValid { job, valid } => {
                let old = self.job(job)?;
                self.require_job(actor, job, at)?;
                if old.valid == valid {
                    return Err(Error::NoChange(if valid {
                        "the job is already valid"
                    } else {
                        "the job is already invalid"
                    }));
                }
                if valid {
                    if !self.office(old.office)?.valid {
                        return Err(Error::OfficeInvalid(old.office));
                    }
                } else {
                    let users: Vec<UserId> = self
                        .job_occupants(job)
                        .iter()
                        .copied()
                        .filter(|u| self.users[u.index()].active)
                        .collect();
                    if !users.is_empty() {
                        return Err(Error::JobOccupied { job, users });
                    }
                }
                Ok(Draft::new(vec![Event::Job(Job {
                    valid,
                    rev,
                    ..old.clone()
                })]))
            }
            Command::CreateUser {
                username,
                kind,
                title,
                first_name,
                last_name,
                gender,
                email,
                phone,
                jobs,
            } => {
                match self.authority(actor, at)? {
                    Authority::Full => {}
                    Authority::Browse => return Err(Error::NotAnAdministrator),
                    Authority::UserAdmin(_) if kind != AccountKind::User => {
                        return Err(Error::SystemAdministratorOnly("create admin and service accounts"));
                    }
                    Authority::UserAdmin(_) => {
                        for j in &jobs {
                            self.require_job_to_fill(actor, *j, at)?;
                        }
                    }
                }
                self.code_free(&self.idx.username, username.as_str(), "username")?;
                let id = UserId(self.users.len() as u32);
                let jobs = self.checked_jobs(id, jobs)?;
                Ok(Draft::new(vec![Event::User(User {
                    id,
                    username,
                    kind,
                    active: true,
                    title,
                    first_name,
                    last_name,
                    gender,
                    email,
                    phone,
                    jobs,
                    rev,
                })])
                .created(Created::User(id)))
            }
            Command::UpdateUser {
                user,
                title,
                first_name,
                last_name,
                gender,
                email,
                phone,
            } => {
                let old = self.user(user)?;
                self.require_user(actor, user, at)?;
                if email != old.email {
                    // Password resets go to this address: changing it is setting a credential.
                    self.require_credentials(actor, user, at)?;
                }
                let new = User {
                    title,
                    first_name,
                    last_name,
                    gender,
                    email,
                    phone,
                    rev,
                    ..old.clone()
                };
                if (User {
                    rev: old.rev,
                    ..new.clone()
                }) == *old
                {
                    return Err(Error::NoChange("the user already has these data"));
                }
                Ok(Draft::new(vec![Event::User(new)]))
            }
            Command::SetUserActive { user, active } => {
                let old = self.user(user)?;
                self.require_user(actor, user, at)?;
                if old.active == active {
                    return Err(Error::NoChange(if active {
                        "the user is already active"
                    } else {
                        "the user is already inactive"
                    }));
                }
                Ok(Draft::new(vec![Event::User(User {
                    active,
                    rev,
                    ..old.clone()
                })]))
            }
            Command::AssignJob { user, job } => {
                let old = self.user(user)?;
                self.require_user(actor, user, at)?;
                self.require_job_to_fill(actor, job, at)?;
                let mut jobs = old.jobs.clone();
                jobs.push(job);
                let jobs = self.checked_jobs(user, jobs)?;
                Ok(Draft::new(vec![Event::User(User {
                    jobs,
                    rev,
                    ..old.clone()
                })]))
            }
            Command::UnassignJob { user, job } => {
                let old = self.user(user)?;
                self.job(job)?;
                self.require_user(actor, user, at)?;
                self.require_job(actor, job, at)?;
                if !old.jobs.contains(&job) {
                    return Err(Error::NotAssigned { user, job });
                }
                Ok(Draft::new(vec![Event::User(User {
                    jobs: old.jobs.iter().copied().filter(|j| *j != job).collect(),
                    rev,
                    ..old.clone()
                })]))
            }
            Command::CreateGroup {
                code,
                name,
                users,
                jobs,
            } => {
                self.require_full(actor, at, "define user groups")?;
                self.code_free(&self.idx.group_code, code.as_str(), "group")?;
                let id = GroupId(self.groups.len() as u32);
                let (users, jobs) = self.checked_members(users, jobs)?;
                Ok(Draft::new(vec![Event::Group(Group {
                    id,
                    code,
                    name,
                    users,
                    jobs,
                    rev,
                })])
                .created(Created::Group(id)))
            }
            Command::UpdateGroup {
                group,
                name,
                users,
                jobs,
            } => {
                let old = self.group(group)?;
                self.require_full(actor, at, "define user groups")?;
                let (users, jobs) = self.checked_members(users, jobs)?;
                let new = Group {
                    name,
                    users,
                    jobs,
                    rev,
                    ..old.clone()
                };
                if (Group {
                    rev: old.rev,
                    ..new.clone()
                }) == *old
                {
                    return Err(Error::NoChange("the group already has these members"));
                }
                Ok(Draft::new(vec![Event::Group(new)]))
            }
            Command::CreateApplication { code, name } => {
                self.require_full(actor, at, "register applications")?;
                self.code_free(&self.idx.app_code, code.as_str(), "application")?;
                let id = AppId(self.apps.len() as u32);
                Ok(Draft::new(vec![Event::Application(Application {
                    id,
                    code,
                    name,
                    writer_role: None,
                    rev,
                })])
                .created(Created::Application(id)))
            }
            Command::UpdateApplication { app, name, writer_role } => {
                let old = self.application(app)?;
                self.require_full(actor, at, "change applications")?;
                if let Some(r) = writer_role
                    && self.role(r)?.kind == RoleKind::System
                {
                    return Err(Error::RoleShape(
                        "a system role cannot be an application's writing role",
                    ));
                }
                let new = Application {
                    name,
                    writer_role,
                    rev,
                    ..old.clone()
                };
                if (Application {
                    rev: old.rev,
                    ..new.clone()
                }) == *old
                {
                    return Err(Error::NoChange("the application already has these data"));
                }
                Ok(Draft::new(vec![Event::Application(new)]))
            }
            Command::CreateRole {
                code,
                kind,
                app,
                description,
                object_level,
                members,
            } => {
                self.require_full(actor, at, "define roles and what they contain")?;
                self.code_free(&self.idx.role_code, code.as_str(), "role")?;
                let id = RoleId(self.roles.len() as u32);
                let members = self.checked_role_shape(id, &code, kind, app, object_level, members, &[])?;
                Ok(Draft::new(vec![Event::Role(Role {
                    id,
                    code,
                    kind,
                    app,
                    description,
                    object_level,
                    power: None,
                    members,
                    rev,
                })])
                .created(Created::Role(id)))
            }
            Command::UpdateRole {
                role,
                description,
                object_level,
                members,
            } => {
                let old = self.role(role)?;
                self.require_full(actor, at, "define roles and what they contain")?;
                if old.kind == RoleKind::System && (!members.is_empty() || object_level.is_some()) {
                    return Err(Error::RoleShape(
                        "a system role carries a power, not levels or other roles",
                    ));
                }
                let members =
                    self.checked_role_shape(role, &old.code, old.kind, old.app, object_level, members, &old.members)?;
                let new = Role {
                    description,
                    object_level,
                    members,
                    rev,
                    ..old.clone()
                };
                if (Role {
                    rev: old.rev,
                    ..new.clone()
                }) == *old
                {
                    return Err(Error::NoChange("the role already has these data"));
                }
                Ok(Draft::new(vec![Event::Role(new)]))
            }
            Command::Grant {
                role,
                grantee,
                window,
                scope,
                reference,
            } => {
                self.require_grant_authority(actor, role, grantee, at)?;
                self.check_grantee(grantee)?;
                if self.role(role)?.kind == RoleKind::System
                    && matches!(grantee, Grantee::Office(_) | Grantee::Everyone)
                {
                    return Err(Error::RoleShape(
                        "a system role is granted to a user or a job, never to an office or to everyone",
                    ));
                }
                if let Some(o) = scope {
                    self.office(o)?;
                    if self.role(role)?.power != Some(SystemPower::UserAdmin) {
                        return Err(Error::ScopeNotApplicable);
                    }
                }
                let duplicate = self
                    .grants_of_role(role)
                    .iter()
                    .filter_map(|g| self.grant(*g).ok())
                    .any(|g| g.grantee == grantee && g.window == window && g.scope == scope);
                if duplicate {
                    return Err(Error::NoChange("an identical grant already exists"));
                }
                let id = GrantId(self.grants.len() as u32);
                Ok(Draft::new(vec![Event::Grant(Grant {
                    id,
                    role,
                    grantee,
                    window,
                    scope,
                    reference,
                    rev,
                })])
                .created(Created::Grant(id)))
            }
            Command::UpdateGrant {
                grant,
                window,
                reference,
            } => {
                let old = self.grant(grant)?;
                self.require_grant_authority(actor, old.role, old.grantee, at)?;
                let new = Grant {
                    window,
                    reference,
                    rev,
                    ..old.clone()
                };
                if (Grant {
                    rev: old.rev,
                    ..new.clone()
                }) == *old
                {
                    return Err(Error::NoChange("the grant already has this window"));
                }
                Ok(Draft::new(vec![Event::Grant(new)]))
            }
            Command::Revoke { grant } => {
                let old = self.grant(grant)?;
                self.require_grant_authority(actor, old.role, old.grantee, at)?;
                Ok(Draft::new(vec![Event::GrantRemoved(grant)]))
            }
            Command::CreateClass { code, name, parent } => {
                self.require_full(actor, at, "edit the filing plan")?;
                self.code_free(&self.idx.class_code, code.as_str(), "filing class")?;
                if let Some(p) = parent {
                    self.class(p)?;
                }
                let id = ClassId(self.classes.len() as u32);
                Ok(Draft::new(vec![Event::Class(FilingClass {
                    id,
                    code,
                    name,
                    parent,
                    rev,
                })])
                .created(Created::Class(id)))
            }
            Command::UpdateClass { class, name, parent } => {
                let old = self.class(class)?;
                self.require_full(actor, at, "edit the filing plan")?;
                if let Some(p) = parent {
                    self.class(p)?;
                    if self.class_within(p, class) {
                        return Err(Error::ClassCycle { class, parent: p });
                    }
                }
                let new = FilingClass {
                    name,
                    parent,
                    rev,
                    ..old.clone()
                };
                if (FilingClass {
                    rev: old.rev,
                    ..new.clone()
                }) == *old
                {
                    return Err(Error::NoChange("the class already has these data"));
                }
                Ok(Draft::new(vec![Event::Class(new)]))
            }
            Command::NewFolder {
                app,
                class,
                title,
                classification,
            } => self.plan_new_folder(actor, app, class, title, classification, at, rev),
            Command::NewDocument {
                folder,
                title,
                classification,
            } => self.plan_new_document(actor, folder, title, classification, at, rev),
            Command::Notify { object, jobs, users } => self.plan_notify(actor, object, jobs, users, at, rev),
            Command::HandOver { object, to } => self.plan_hand_over(actor, object, to, at, rev),
            Command::Accept { object } => self.plan_accept(actor, object, at, rev),
            Command::Reject { object } => self.plan_reject(actor, object, at, rev),
            Command::Close { object } => self.plan_close(actor, object, at, rev),
            Command::Reopen { object } => self.plan_reopen(actor, object, at, rev),
            Command::Reclassify {
                object,
                classification,
                reason,
            } => self.plan_reclassify(actor, object, classification, reason, at, rev),
            Command::AddEntry {
                carrier,
                kind,
                entity,
                value,
                group_value,
                window,
            } => self.plan_add_entry(actor, carrier, kind, entity, value, group_value, window, at, rev),
            Command::RemoveEntry { entry } => self.plan_remove_entry(actor, entry, at),
            Command::Batch { commands } => self.plan_batch(actor, commands, at),
        }
    }

    /// Plans each command on a scratch copy of the world, in order, and gathers their events.
    /// The copy costs one clone of the world: batches are for imports, not hot paths.
    fn plan_batch(&self, actor: &Actor, commands: Vec<Command>, at: Timestamp) -> Result<Draft, Error> {
        if commands.is_empty() {
            return Err(Error::NoChange("the batch is empty"));
        }
        let mut scratch = self.clone();
        let mut events = Vec::new();
        let mut changes = Vec::new();
        for (index, command) in commands.into_iter().enumerate() {
            if matches!(command, Command::Batch { .. }) {
                return Err(Error::BatchItem {
                    index,
                    error: Box::new(Error::RoleShape("a batch cannot contain another batch")),
                });
            }
            let plan = scratch.plan(actor, command, at).map_err(|error| Error::BatchItem {
                index,
                error: Box::new(error),
            })?;
            events.extend(plan.events.iter().cloned());
            changes.extend(plan.changes.iter().cloned());
            scratch.commit(plan).map_err(|error| Error::BatchItem {
                index,
                error: Box::new(error),
            })?;
        }
        // Every record of the batch carries the batch's revision.
        let rev = self.revision.next();
        for event in &mut events {
            set_rev(event, rev);
        }
        let mut draft = Draft::new(events);
        // Each step is described against the state the steps before it left, so a record
        // touched twice shows both changes.
        draft.changes = Some(changes);
        Ok(draft)
    }

    fn code_free<T>(
        &self,
        map: &rustc_hash::FxHashMap<String, T>,
        code: &str,
        kind: &'static str,
    ) -> Result<(), Error> {
        if map.contains_key(code) {
            return Err(Error::DuplicateCode {
                kind,
                code: code.to_owned(),
            });
        }
        Ok(())
    }

    /// Jobs for a user: each exists, is valid and appears once.
    fn checked_jobs(&self, user: UserId, jobs: Vec<JobId>) -> Result<Vec<JobId>, Error> {
        let mut out: Vec<JobId> = Vec::with_capacity(jobs.len());
        for j in jobs {
            if !self.job(j)?.valid {
                return Err(Error::JobInvalid(j));
            }
            if out.contains(&j) {
                return Err(Error::AlreadyAssigned { user, job: j });
            }
            out.push(j);
        }
        Ok(out)
    }

    fn checked_members(
        &self,
        mut users: Vec<UserId>,
        mut jobs: Vec<JobId>,
    ) -> Result<(Vec<UserId>, Vec<JobId>), Error> {
        for u in &users {
            self.user(*u)?;
        }
        for j in &jobs {
            self.job(*j)?;
        }
        users.sort_unstable();
        users.dedup();
        jobs.sort_unstable();
        jobs.dedup();
        Ok((users, jobs))
    }

    /// Checks that a role definition fits its kind and that its members make no cycle.
    #[allow(clippy::too_many_arguments)]
    fn checked_role_shape(
        &self,
        id: RoleId,
        code: &RoleCode,
        kind: RoleKind,
        app: Option<AppId>,
        object_level: Option<Level>,
        mut members: Vec<RoleId>,
        old_members: &[RoleId],
    ) -> Result<Vec<RoleId>, Error> {
        if let Some(a) = app {
            self.application(a)?;
        }
        match kind {
            RoleKind::System => {
                return Err(Error::RoleShape("system roles are built in and cannot be created"));
            }
            RoleKind::Application => {
                if app.is_none() {
                    return Err(Error::RoleShape("an application role must name its application"));
                }
                if !members.is_empty() {
                    return Err(Error::NotAContainer(id));
                }
            }
            RoleKind::User => {
                if object_level.is_some() {
                    return Err(Error::RoleShape(
                        "only application roles give a level on every object of their application",
                    ));
                }
            }
        }
        if object_level == Some(Level::None) {
            return Err(Error::RoleShape("an application-wide level must be above 0"));
        }
        members.sort_unstable();
        members.dedup();
        for m in &members {
            let member = self.role(*m)?;
            if member.kind == RoleKind::System {
                return Err(Error::SystemRoleNotNestable(*m));
            }
            if *m == id {
                return Err(Error::RoleCycle {
                    path: vec![code.to_string(), code.to_string()],
                });
            }
            if !old_members.contains(m)
                && id.index() < self.roles.len()
                && let Some(path) = self.role_path(*m, id)
            {
                let mut names = vec![code.to_string()];
                names.extend(path.iter().map(|r| self.roles[r.index()].code.to_string()));
                return Err(Error::RoleCycle { path: names });
            }
        }
        Ok(members)
    }

    /// A path of containment from `from` down to `to`, if `to` is inside `from`.
    fn role_path(&self, from: RoleId, to: RoleId) -> Option<Vec<RoleId>> {
        if self.role_closure(from).binary_search(&to).is_err() {
            return None;
        }
        let mut previous: rustc_hash::FxHashMap<RoleId, RoleId> = rustc_hash::FxHashMap::default();
        let mut queue = std::collections::VecDeque::from([from]);
        while let Some(r) = queue.pop_front() {
            if r == to {
                let mut path = vec![to];
                let mut cursor = to;
                while let Some(p) = previous.get(&cursor) {
                    path.push(*p);
                    cursor = *p;
                }
                path.reverse();
                return Some(path);
            }
            for m in &self.roles[r.index()].members {
                if *m != from && !previous.contains_key(m) {
                    previous.insert(*m, r);
                    queue.push_back(*m);
                }
            }
        }
        None
    }

    fn require_grant_authority(
        &self,
        actor: &Actor,
        role: RoleId,
        grantee: Grantee,
        at: Timestamp,
    ) -> Result<(), Error> {
        if self.role(role)?.kind == RoleKind::System {
            return self.require_full(actor, at, "grant or revoke system roles");
        }
        self.require_grantee(actor, grantee, at)
    }

    fn check_grantee(&self, grantee: Grantee) -> Result<(), Error> {
        match grantee {
            Grantee::User(u) => self.user(u).map(drop),
            Grantee::Job(j) => {
                if self.job(j)?.valid {
                    Ok(())
                } else {
                    Err(Error::JobInvalid(j))
                }
            }
            Grantee::Office(o) => {
                if self.office(o)?.valid {
                    Ok(())
                } else {
                    Err(Error::OfficeInvalid(o))
                }
            }
            Grantee::Everyone => Ok(()),
        }
    }
}

/// Stamps a record with the revision that writes it.
fn set_rev(event: &mut Event, rev: Revision) {
    match event {
        Event::Settings(_) | Event::GrantRemoved(_) | Event::EntryRemoved(_) => {}
        Event::Office(r) => r.rev = rev,
        Event::Job(r) => r.rev = rev,
        Event::User(r) => r.rev = rev,
        Event::Group(r) => r.rev = rev,
        Event::Application(r) => r.rev = rev,
        Event::Role(r) => r.rev = rev,
        Event::Grant(r) => r.rev = rev,
        Event::Class(r) => r.rev = rev,
        Event::Folder(r) => r.rev = rev,
        Event::Document(r) => r.rev = rev,
        Event::Entry(r) => r.rev = rev,
    }
}
