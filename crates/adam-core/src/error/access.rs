//! The refusals of the access-control core: the directory (offices, jobs, users, groups),
//! applications, roles and grants, the filing plan and records with their workflow, ACL
//! entries, the actor's authority, and the engine's own state.

use crate::ids::{
    AppId, ClassId, DocumentId, EntryId, FolderId, GrantId, GroupId, JobId, OfficeId, Revision, RoleId, UserId,
};
use crate::level::{Level, SecurityClass};

area_error! {
    /// The directory refuses: offices, jobs, users, groups, codes and the organisation's settings.
    pub enum DirectoryError {
        /// No such office.
        #[error("there is no office {0}")]
        UnknownOffice(OfficeId) => ("unknown-office", NotFound),
        /// No such job.
        #[error("there is no job {0}")]
        UnknownJob(JobId) => ("unknown-job", NotFound),
        /// No such user.
        #[error("there is no user {0}")]
        UnknownUser(UserId) => ("unknown-user", NotFound),
        /// No such group.
        #[error("there is no group {0}")]
        UnknownGroup(GroupId) => ("unknown-group", NotFound),
        /// A code, username or job id that names nothing.
        #[error("there is no {kind} with the code {code:?}")]
        UnknownCode {
            /// What was looked up.
            kind: &'static str,
            /// The code given.
            code: String,
        } => ("unknown-code", NotFound),
        /// A code that is already taken.
        #[error("the {kind} code {code:?} is already in use")]
        DuplicateCode {
            /// What kind of record.
            kind: &'static str,
            /// The code.
            code: String,
        } => ("duplicate-code", Conflict),
        /// Moving an office under itself or one of its sub-offices.
        #[error("office {office} cannot be placed under {parent}: that is inside its own subtree")]
        OfficeCycle {
            /// The office moved.
            office: OfficeId,
            /// The proposed parent.
            parent: OfficeId,
        } => ("office-cycle", Conflict),
        /// A default-view level that is not a view level.
        #[error("the default view for Z{class} must be a view level (11–14), not {level}")]
        DefaultViewNotAView {
            /// Class index.
            class: u8,
            /// Level given.
            level: Level,
        } => ("default-view-not-a-view", Invalid),
        /// Invalidating a job someone still actively holds.
        #[error("job {job} is still held by {} active user(s); deactivate or reassign them first (deletion is in two steps)", users.len())]
        JobOccupied {
            /// The job.
            job: JobId,
            /// The active occupants.
            users: Vec<UserId>,
        } => ("job-occupied", Conflict),
        /// Invalidating an office that still has valid jobs or sub-offices.
        #[error("office {office} still has {jobs} valid job(s) and {offices} valid sub-office(s); invalidate them first")]
        OfficeNotEmpty {
            /// The office.
            office: OfficeId,
            /// Valid jobs left.
            jobs: usize,
            /// Valid sub-offices left.
            offices: usize,
        } => ("office-not-empty", Conflict),
        /// Using an invalid job.
        #[error("job {0} is not valid")]
        JobInvalid(JobId) => ("job-invalid", Conflict),
        /// Using an invalid office.
        #[error("office {0} is not valid")]
        OfficeInvalid(OfficeId) => ("office-invalid", Conflict),
        /// Assigning a user to a job twice.
        #[error("user {user} already holds job {job}")]
        AlreadyAssigned {
            /// User.
            user: UserId,
            /// Job.
            job: JobId,
        } => ("already-assigned", Conflict),
        /// Removing a job the user does not hold.
        #[error("user {user} does not hold job {job}")]
        NotAssigned {
            /// User.
            user: UserId,
            /// Job.
            job: JobId,
        } => ("not-assigned", Conflict),
        /// A signing code another office or job already carries: a document's signature names
        /// one office or job, so a signing code is unique across both.
        #[error("the signing code {code:?} is already used by {kind} {holder}")]
        DuplicateSigningCode {
            /// The code.
            code: String,
            /// The kind of record that carries it (`office`, `job`).
            kind: &'static str,
            /// The code of the office or job that carries it (`GLPI`, `LEADER.GLPI`).
            holder: String,
        } => ("duplicate-signing-code", Conflict),
        /// A change that would leave no active account able to administer users (SPEC §3:
        /// nobody can lock the organisation out).
        #[error(
            "this would leave the organisation without any active user able to administer users ({0}); first give the user administrator's role to someone else"
        )]
        LastUserAdministrator(String) => ("last-user-administrator", Conflict),
    }
}

area_error! {
    /// Applications, roles and grants refuse.
    pub enum RoleError {
        /// No such application.
        #[error("there is no application {0}")]
        UnknownApplication(AppId) => ("unknown-application", NotFound),
        /// No such role.
        #[error("there is no role {0}")]
        UnknownRole(RoleId) => ("unknown-role", NotFound),
        /// No such grant.
        #[error("there is no grant {0}")]
        UnknownGrant(GrantId) => ("unknown-grant", NotFound),
        /// Nesting a role inside itself, directly or through other roles.
        #[error("adding this role would make a cycle: {}", path.join(" → "))]
        RoleCycle {
            /// The cycle, as role codes, starting and ending at the same role.
            path: Vec<String>,
        } => ("role-cycle", Conflict),
        /// Adding members to a role that is not a user role.
        #[error("role {0} is not a user role; only user roles contain other roles")]
        NotAContainer(RoleId) => ("not-a-container", Invalid),
        /// Putting a system role inside a user role.
        #[error("system role {0} cannot be placed inside another role; grant it directly")]
        SystemRoleNotNestable(RoleId) => ("system-role-not-nestable", Invalid),
        /// A role definition that does not fit its kind.
        #[error("{0}")]
        RoleShape(&'static str) => ("role-shape", Invalid),
        /// A scope on a grant of a role that has no scope.
        #[error("only a user-administrator grant can be limited to an office subtree")]
        ScopeNotApplicable => ("scope-not-applicable", Invalid),
        /// A grant of a role of a system's application without its custodian's request
        /// (Art. 51(1), while the organisation requires it).
        #[error("rights to {0} are granted by its custodian or on her written request (Art. 51(1)): give the request's reference")]
        CustodianRequestMissing(String) => ("custodian-request-missing", Invalid),
    }
}

area_error! {
    /// The filing plan and the records refuse: classes, folders, documents and their workflow
    /// (Diagram 1).
    pub enum FilingError {
        /// No such filing class.
        #[error("there is no filing class {0}")]
        UnknownClass(ClassId) => ("unknown-class", NotFound),
        /// No such folder.
        #[error("there is no folder {0}")]
        UnknownFolder(FolderId) => ("unknown-folder", NotFound),
        /// No such document.
        #[error("there is no document {0}")]
        UnknownDocument(DocumentId) => ("unknown-document", NotFound),
        /// Moving a filing class under itself or one of its sub-classes.
        #[error("filing class {class} cannot be placed under {parent}: that is inside its own subtree")]
        ClassCycle {
            /// The class moved.
            class: ClassId,
            /// The proposed parent.
            parent: ClassId,
        } => ("class-cycle", Conflict),
        /// The actor does not hold the object's responsible job.
        #[error("only the responsible job ({}) may do this", fmt_job(*responsible))]
        NotResponsible {
            /// The responsible job.
            responsible: Option<JobId>,
        } => ("not-responsible", Forbidden),
        /// The actor does not hold the recipient job.
        #[error("only the recipient ({}) may accept or reject", fmt_job(*recipient))]
        NotRecipient {
            /// The recipient job.
            recipient: Option<JobId>,
        } => ("not-recipient", Forbidden),
        /// Accept or reject without a pending hand-over.
        #[error("the object has not been handed over to anyone")]
        NothingHandedOver => ("nothing-handed-over", Conflict),
        /// A transition on a closed object.
        #[error("the object is closed; it must be reopened first")]
        ObjectClosed => ("object-closed", Conflict),
        /// Reopening an object that is not closed.
        #[error("the object is not closed")]
        ObjectNotClosed => ("object-not-closed", Conflict),
        /// Closing while a hand-over is pending.
        #[error("the object is handed over to {0} and waits for acceptance; it cannot be closed now")]
        HandOverPending(JobId) => ("hand-over-pending", Conflict),
        /// Handing over to the job that is already responsible.
        #[error("the object is already the responsibility of job {0}")]
        HandOverToSelf(JobId) => ("hand-over-to-self", Conflict),
        /// Reopening by someone who is neither `[dist.main]` nor holds the reopen role.
        #[error("only the main office ([dist.main]) or holders of the reopen role may reopen")]
        NotDistMain => ("not-dist-main", Forbidden),
        /// Handing a classified object to a job nobody cleared for it holds.
        #[error("nobody active in job {job} is cleared for Z{}, so it cannot take over this object", required.value())]
        RecipientNotCleared {
            /// The job.
            job: JobId,
            /// The object's confidentiality.
            required: SecurityClass,
        } => ("recipient-not-cleared", Conflict),
        /// Notifying nobody.
        #[error("name at least one job or user to notify")]
        NothingToNotify => ("nothing-to-notify", Invalid),
    }
}

area_error! {
    /// ACL entries refuse.
    pub enum AclError {
        /// No such ACL entry.
        #[error("there is no ACL entry {0}")]
        UnknownEntry(EntryId) => ("unknown-entry", NotFound),
        /// A group value on an entity whose group value is its value.
        #[error("the group value of {entity} must equal its value (for Company.main and offices they are the same)")]
        GroupValueNotApplicable {
            /// The entity.
            entity: String,
        } => ("group-value-not-applicable", Invalid),
        /// A `maxAllowed` on an entity with colleagues, without a group value.
        #[error(
            "a maxAllowed entry for {entity} needs a group value: the ceiling for the office colleagues of {entity} (22 leaves them uncapped)"
        )]
        GroupValueRequired {
            /// The entity.
            entity: String,
        } => ("group-value-required", Invalid),
        /// A group value above the value.
        #[error(
            "the group value ({group_value}) must not be above the value ({value}): colleagues never get more than the entity"
        )]
        GroupValueAboveValue {
            /// Value.
            value: Level,
            /// Group value.
            group_value: Level,
        } => ("group-value-above-value", Invalid),
        /// A `[creator]`-like entity on a filing class, which has no workflow attributes.
        #[error(
            "{entity} cannot be used on a filing class: it is resolved against the object carrying the entry, and a class has no {entity}"
        )]
        DynamicEntityOnClass {
            /// The entity.
            entity: String,
        } => ("dynamic-entity-on-class", Invalid),
    }
}

area_error! {
    /// The actor may not: who acts, in which job, with which level, session and administrative
    /// power.
    pub enum AuthorityError {
        /// The actor's account is inactive.
        #[error("the account is inactive")]
        ActorInactive => ("actor-inactive", Forbidden),
        /// An admin account acting on folders or documents.
        #[error("an admin account has no access to folders or documents")]
        AdminNoDocuments => ("admin-no-documents", Forbidden),
        /// The actor does not occupy the job they act in.
        #[error("you do not hold job {0}")]
        NotOccupant(JobId) => ("not-occupant", Forbidden),
        /// The actor holds several jobs and did not say which one they act in.
        #[error("you hold several jobs; say which one you act in")]
        AmbiguousJob => ("ambiguous-job", Conflict),
        /// The actor holds no valid job.
        #[error("you hold no valid job to act in")]
        NoJob => ("no-job", Forbidden),
        /// The application has no writing role.
        #[error("application {0} has no writing role, so nobody may create records in it")]
        ApplicationNotWritable(AppId) => ("application-not-writable", Forbidden),
        /// The actor lacks the application's writing role.
        #[error("creating records here needs the writing role {0}")]
        MissingWriterRole(RoleId) => ("missing-writer-role", Forbidden),
        /// The actor's level on the object is too low.
        #[error("this needs level {required} on {object}; you have {held}")]
        InsufficientLevel {
            /// The object.
            object: String,
            /// Level needed.
            required: Level,
            /// Level held.
            held: Level,
        } => ("insufficient-level", Forbidden),
        /// A Z3/C3 object and a session without a second factor (Art. 53).
        #[error("the object is classified Z3 or C3: confirm with your second factor first")]
        MfaRequired => ("mfa-required", Forbidden),
        /// Classifying above one's own clearance.
        #[error("you may not classify above your own clearance (Z{}): asked for Z{}", held.value(), requested.value())]
        ClassifyAboveClearance {
            /// Class asked for.
            requested: SecurityClass,
            /// Clearance held.
            held: SecurityClass,
        } => ("classify-above-clearance", Forbidden),
        /// The actor is not a system or user administrator.
        #[error("this needs a system administrator or a user administrator")]
        NotAnAdministrator => ("not-an-administrator", Forbidden),
        /// Only the system administrator may do this.
        #[error("only the system administrator may {0}")]
        SystemAdministratorOnly(&'static str) => ("system-administrator-only", Forbidden),
        /// A user administrator acting outside their office subtree.
        #[error("{0} is outside the offices you administer")]
        OutsideScope(String) => ("outside-scope", Forbidden),
        /// A user administrator changing their own rights.
        #[error(
            "you may not change your own rights, those of a job you hold or of an office you work in; ask another administrator"
        )]
        SelfGrant => ("self-grant", Forbidden),
        /// A user administrator administering their own account, job or office placement.
        #[error("you may not {0}; ask another administrator")]
        SelfAdministration(&'static str) => ("self-administration", Forbidden),
        /// Managing an account (or filling a job) that holds administrative power the actor lacks.
        #[error("{0} holds administrative powers you do not hold; ask an administrator who holds them")]
        BeyondOwnPower(String) => ("beyond-own-power", Forbidden),
        /// The operator's system administrator setting the credentials of a person with rights.
        #[error(
            "the system administrator may not set the password or e-mail address of {0}, a person with rights: their user administrator does, or they reset it by e-mail"
        )]
        NotAsAnotherPerson(String) => ("not-as-another-person", Forbidden),
    }
}

area_error! {
    /// The engine's own state: a plan that is out of date, a change log that does not fit.
    pub enum StateError {
        /// A plan made against an older revision.
        #[error("the plan was made at {planned} but the state is now at {current}; plan again")]
        StalePlan {
            /// Revision planned against.
            planned: Revision,
            /// Current revision.
            current: Revision,
        } => ("stale-plan", Conflict),
        /// An event that does not fit the state it is applied to.
        #[error("change log inconsistent with the state: {0}")]
        Corrupt(String) => ("corrupt", Internal),
    }
}

fn fmt_job(job: Option<JobId>) -> String {
    job.map_or_else(|| "none".to_owned(), |j| j.to_string())
}
