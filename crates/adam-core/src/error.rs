//! Every way the engine refuses something.
//!
//! Each refusal is its own variant with the facts needed to explain it, a stable
//! [`Error::code`] (the API's problem `type`) and a [`Category`] (how a caller should react).
//! A refused command changes nothing: planning only reads the world.

use crate::ids::{
    AppId, ClassId, DocumentId, EntryId, FolderId, GrantId, GroupId, JobId, OfficeId, Revision, RoleId, UserId,
};
use crate::level::{Level, SecurityClass};
use crate::time::Timestamp;

/// How a caller should react to an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    /// The input itself is malformed or breaks a rule of the model.
    Invalid,
    /// Something the input names does not exist.
    NotFound,
    /// The input is well-formed but conflicts with the current state.
    Conflict,
    /// The actor may not do this.
    Forbidden,
    /// The engine's own state is inconsistent (a bug or a corrupted change log).
    Internal,
}

/// An engine error.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // ---- malformed values -------------------------------------------------------------
    /// A level outside `{0, 11, 12, 13, 14, 21, 22}`.
    #[error("{0} is not an access level; the levels are 0, 11, 12, 13, 14, 21 and 22")]
    InvalidLevel(u32),
    /// A security class outside 0–3.
    #[error("{0} is not a security class; classes are 0 (unclassified), 1, 2 and 3")]
    InvalidSecurityClass(u32),
    /// A field that breaks its format rule.
    #[error("{field} {problem}")]
    InvalidValue {
        /// The field.
        field: &'static str,
        /// What is wrong with it.
        problem: String,
    },
    /// A date or instant that cannot be read.
    #[error("{0:?} is not a date (YYYY-MM-DD) or an RFC 3339 instant (YYYY-MM-DDTHH:MM:SSZ)")]
    InvalidTimestamp(String),
    /// `valid_to` not after `valid_from`.
    #[error("valid-to ({to}) must be after valid-from ({from})")]
    EmptyWindow {
        /// Start.
        from: Timestamp,
        /// End.
        to: Timestamp,
    },

    // ---- unknown references -----------------------------------------------------------
    /// No such office.
    #[error("there is no office {0}")]
    UnknownOffice(OfficeId),
    /// No such job.
    #[error("there is no job {0}")]
    UnknownJob(JobId),
    /// No such user.
    #[error("there is no user {0}")]
    UnknownUser(UserId),
    /// No such application.
    #[error("there is no application {0}")]
    UnknownApplication(AppId),
    /// No such role.
    #[error("there is no role {0}")]
    UnknownRole(RoleId),
    /// No such grant.
    #[error("there is no grant {0}")]
    UnknownGrant(GrantId),
    /// No such group.
    #[error("there is no group {0}")]
    UnknownGroup(GroupId),
    /// No such filing class.
    #[error("there is no filing class {0}")]
    UnknownClass(ClassId),
    /// No such folder.
    #[error("there is no folder {0}")]
    UnknownFolder(FolderId),
    /// No such document.
    #[error("there is no document {0}")]
    UnknownDocument(DocumentId),
    /// No such ACL entry.
    #[error("there is no ACL entry {0}")]
    UnknownEntry(EntryId),
    /// A code, username or job id that names nothing.
    #[error("there is no {kind} with the code {code:?}")]
    UnknownCode {
        /// What was looked up.
        kind: &'static str,
        /// The code given.
        code: String,
    },

    // ---- model rules ------------------------------------------------------------------
    /// A code that is already taken.
    #[error("the {kind} code {code:?} is already in use")]
    DuplicateCode {
        /// What kind of record.
        kind: &'static str,
        /// The code.
        code: String,
    },
    /// Moving an office under itself or one of its sub-offices.
    #[error("office {office} cannot be placed under {parent}: that is inside its own subtree")]
    OfficeCycle {
        /// The office moved.
        office: OfficeId,
        /// The proposed parent.
        parent: OfficeId,
    },
    /// Moving a filing class under itself or one of its sub-classes.
    #[error("filing class {class} cannot be placed under {parent}: that is inside its own subtree")]
    ClassCycle {
        /// The class moved.
        class: ClassId,
        /// The proposed parent.
        parent: ClassId,
    },
    /// Nesting a role inside itself, directly or through other roles.
    #[error("adding this role would make a cycle: {}", path.join(" → "))]
    RoleCycle {
        /// The cycle, as role codes, starting and ending at the same role.
        path: Vec<String>,
    },
    /// Adding members to a role that is not a user role.
    #[error("role {0} is not a user role; only user roles contain other roles")]
    NotAContainer(RoleId),
    /// Putting a system role inside a user role.
    #[error("system role {0} cannot be placed inside another role; grant it directly")]
    SystemRoleNotNestable(RoleId),
    /// A role definition that does not fit its kind.
    #[error("{0}")]
    RoleShape(&'static str),
    /// A scope on a grant of a role that has no scope.
    #[error("only a user-administrator grant can be limited to an office subtree")]
    ScopeNotApplicable,
    /// A group value on an entity whose group value is its value.
    #[error("the group value of {entity} must equal its value (for Company.main and offices they are the same)")]
    GroupValueNotApplicable {
        /// The entity.
        entity: String,
    },
    /// A `maxAllowed` on an entity with colleagues, without a group value.
    #[error(
        "a maxAllowed entry for {entity} needs a group value: the ceiling for the office colleagues of {entity} (22 leaves them uncapped)"
    )]
    GroupValueRequired {
        /// The entity.
        entity: String,
    },
    /// A group value above the value.
    #[error(
        "the group value ({group_value}) must not be above the value ({value}): colleagues never get more than the entity"
    )]
    GroupValueAboveValue {
        /// Value.
        value: Level,
        /// Group value.
        group_value: Level,
    },
    /// A `[creator]`-like entity on a filing class, which has no workflow attributes.
    #[error(
        "{entity} cannot be used on a filing class: it is resolved against the object carrying the entry, and a class has no {entity}"
    )]
    DynamicEntityOnClass {
        /// The entity.
        entity: String,
    },
    /// A default-view level that is not a view level.
    #[error("the default view for Z{class} must be a view level (11–14), not {level}")]
    DefaultViewNotAView {
        /// Class index.
        class: u8,
        /// Level given.
        level: Level,
    },
    /// Invalidating a job someone still actively holds.
    #[error("job {job} is still held by {} active user(s); deactivate or reassign them first (deletion is in two steps)", users.len())]
    JobOccupied {
        /// The job.
        job: JobId,
        /// The active occupants.
        users: Vec<UserId>,
    },
    /// Invalidating an office that still has valid jobs or sub-offices.
    #[error("office {office} still has {jobs} valid job(s) and {offices} valid sub-office(s); invalidate them first")]
    OfficeNotEmpty {
        /// The office.
        office: OfficeId,
        /// Valid jobs left.
        jobs: usize,
        /// Valid sub-offices left.
        offices: usize,
    },
    /// Using an invalid job.
    #[error("job {0} is not valid")]
    JobInvalid(JobId),
    /// Using an invalid office.
    #[error("office {0} is not valid")]
    OfficeInvalid(OfficeId),
    /// Assigning a user to a job twice.
    #[error("user {user} already holds job {job}")]
    AlreadyAssigned {
        /// User.
        user: UserId,
        /// Job.
        job: JobId,
    },
    /// Removing a job the user does not hold.
    #[error("user {user} does not hold job {job}")]
    NotAssigned {
        /// User.
        user: UserId,
        /// Job.
        job: JobId,
    },
    /// A change that would change nothing.
    #[error("nothing to change: {0}")]
    NoChange(&'static str),
    /// A listing at level 0, which would be everything.
    #[error("a listing needs a level of at least 11")]
    LookupLevelZero,
    /// A page size of zero or above the maximum.
    #[error("a page holds 1 to {max} items, not {requested}")]
    PageSize {
        /// Asked for.
        requested: usize,
        /// The maximum.
        max: usize,
    },

    // ---- workflow ---------------------------------------------------------------------
    /// The actor does not hold the object's responsible job.
    #[error("only the responsible job ({}) may do this", fmt_job(*responsible))]
    NotResponsible {
        /// The responsible job.
        responsible: Option<JobId>,
    },
    /// The actor does not hold the recipient job.
    #[error("only the recipient ({}) may accept or reject", fmt_job(*recipient))]
    NotRecipient {
        /// The recipient job.
        recipient: Option<JobId>,
    },
    /// Accept or reject without a pending hand-over.
    #[error("the object has not been handed over to anyone")]
    NothingHandedOver,
    /// A transition on a closed object.
    #[error("the object is closed; it must be reopened first")]
    ObjectClosed,
    /// Reopening an object that is not closed.
    #[error("the object is not closed")]
    ObjectNotClosed,
    /// Closing while a hand-over is pending.
    #[error("the object is handed over to {0} and waits for acceptance; it cannot be closed now")]
    HandOverPending(JobId),
    /// Handing over to the job that is already responsible.
    #[error("the object is already the responsibility of job {0}")]
    HandOverToSelf(JobId),
    /// Reopening by someone who is neither `[dist.main]` nor holds the reopen role.
    #[error("only the main office ([dist.main]) or holders of the reopen role may reopen")]
    NotDistMain,
    /// Handing a classified object to a job nobody cleared for it holds.
    #[error("nobody active in job {job} is cleared for Z{}, so it cannot take over this object", required.value())]
    RecipientNotCleared {
        /// The job.
        job: JobId,
        /// The object's confidentiality.
        required: SecurityClass,
    },
    /// Notifying nobody.
    #[error("name at least one job or user to notify")]
    NothingToNotify,

    // ---- authorisation ----------------------------------------------------------------
    /// The actor's account is inactive.
    #[error("the account is inactive")]
    ActorInactive,
    /// An admin account acting on folders or documents.
    #[error("an admin account has no access to folders or documents")]
    AdminNoDocuments,
    /// The actor does not occupy the job they act in.
    #[error("you do not hold job {0}")]
    NotOccupant(JobId),
    /// The actor holds several jobs and did not say which one they act in.
    #[error("you hold several jobs; say which one you act in")]
    AmbiguousJob,
    /// The actor holds no valid job.
    #[error("you hold no valid job to act in")]
    NoJob,
    /// The application has no writing role.
    #[error("application {0} has no writing role, so nobody may create records in it")]
    ApplicationNotWritable(AppId),
    /// The actor lacks the application's writing role.
    #[error("creating records here needs the writing role {0}")]
    MissingWriterRole(RoleId),
    /// The actor's level on the object is too low.
    #[error("this needs level {required} on {object}; you have {held}")]
    InsufficientLevel {
        /// The object.
        object: String,
        /// Level needed.
        required: Level,
        /// Level held.
        held: Level,
    },
    /// A Z3/C3 object and a session without a second factor (Art. 53).
    #[error("the object is classified Z3 or C3: confirm with your second factor first")]
    MfaRequired,
    /// Classifying above one's own clearance.
    #[error("you may not classify above your own clearance (Z{}): asked for Z{}", held.value(), requested.value())]
    ClassifyAboveClearance {
        /// Class asked for.
        requested: SecurityClass,
        /// Clearance held.
        held: SecurityClass,
    },
    /// The actor is not a system or user administrator.
    #[error("this needs a system administrator or a user administrator")]
    NotAnAdministrator,
    /// Only the system administrator may do this.
    #[error("only the system administrator may {0}")]
    SystemAdministratorOnly(&'static str),
    /// A user administrator acting outside their office subtree.
    #[error("{0} is outside the offices you administer")]
    OutsideScope(String),
    /// A user administrator changing their own rights.
    #[error(
        "you may not change your own rights, those of a job you hold or of an office you work in; ask another administrator"
    )]
    SelfGrant,
    /// A user administrator administering their own account, job or office placement.
    #[error("you may not {0}; ask another administrator")]
    SelfAdministration(&'static str),
    /// Managing an account (or filling a job) that holds administrative power the actor lacks.
    #[error("{0} holds administrative powers you do not hold; ask an administrator who holds them")]
    BeyondOwnPower(String),
    /// The operator's system administrator setting the credentials of a person with rights.
    #[error(
        "the system administrator may not set the password or e-mail address of {0}, a person with rights: their user administrator does, or they reset it by e-mail"
    )]
    NotAsAnotherPerson(String),

    /// One command of a batch was refused; nothing of the batch is applied.
    #[error("command {} of the batch was refused: {error}", index + 1)]
    BatchItem {
        /// Its position, from 0.
        index: usize,
        /// Why.
        error: Box<Error>,
    },

    // ---- engine state -----------------------------------------------------------------
    /// A plan made against an older revision.
    #[error("the plan was made at {planned} but the state is now at {current}; plan again")]
    StalePlan {
        /// Revision planned against.
        planned: Revision,
        /// Current revision.
        current: Revision,
    },
    /// An event that does not fit the state it is applied to.
    #[error("change log inconsistent with the state: {0}")]
    Corrupt(String),
}

fn fmt_job(job: Option<JobId>) -> String {
    job.map_or_else(|| "none".to_owned(), |j| j.to_string())
}

impl Error {
    /// The category of the error.
    pub fn category(&self) -> Category {
        use Error::*;
        match self {
            InvalidLevel(_)
            | InvalidSecurityClass(_)
            | InvalidValue { .. }
            | InvalidTimestamp(_)
            | EmptyWindow { .. }
            | RoleShape(_)
            | ScopeNotApplicable
            | GroupValueNotApplicable { .. }
            | GroupValueRequired { .. }
            | GroupValueAboveValue { .. }
            | DynamicEntityOnClass { .. }
            | DefaultViewNotAView { .. }
            | LookupLevelZero
            | PageSize { .. }
            | NothingToNotify
            | NotAContainer(_)
            | SystemRoleNotNestable(_) => Category::Invalid,
            UnknownOffice(_)
            | UnknownJob(_)
            | UnknownUser(_)
            | UnknownApplication(_)
            | UnknownRole(_)
            | UnknownGrant(_)
            | UnknownGroup(_)
            | UnknownClass(_)
            | UnknownFolder(_)
            | UnknownDocument(_)
            | UnknownEntry(_)
            | UnknownCode { .. } => Category::NotFound,
            DuplicateCode { .. }
            | OfficeCycle { .. }
            | ClassCycle { .. }
            | RoleCycle { .. }
            | JobOccupied { .. }
            | OfficeNotEmpty { .. }
            | JobInvalid(_)
            | OfficeInvalid(_)
            | AlreadyAssigned { .. }
            | NotAssigned { .. }
            | NoChange(_)
            | NothingHandedOver
            | ObjectClosed
            | ObjectNotClosed
            | HandOverPending(_)
            | HandOverToSelf(_)
            | RecipientNotCleared { .. }
            | StalePlan { .. }
            | AmbiguousJob => Category::Conflict,
            NotResponsible { .. }
            | NotRecipient { .. }
            | NotDistMain
            | ActorInactive
            | AdminNoDocuments
            | NotOccupant(_)
            | NoJob
            | ApplicationNotWritable(_)
            | MissingWriterRole(_)
            | InsufficientLevel { .. }
            | MfaRequired
            | ClassifyAboveClearance { .. }
            | NotAnAdministrator
            | SystemAdministratorOnly(_)
            | OutsideScope(_)
            | SelfGrant
            | SelfAdministration(_)
            | BeyondOwnPower(_)
            | NotAsAnotherPerson(_) => Category::Forbidden,
            Corrupt(_) => Category::Internal,
            BatchItem { error, .. } => error.category(),
        }
    }

    /// A stable, kebab-case code naming the error (the API's problem `type` suffix).
    pub fn code(&self) -> &'static str {
        use Error::*;
        match self {
            InvalidLevel(_) => "invalid-level",
            InvalidSecurityClass(_) => "invalid-security-class",
            InvalidValue { .. } => "invalid-value",
            InvalidTimestamp(_) => "invalid-timestamp",
            EmptyWindow { .. } => "empty-window",
            UnknownOffice(_) => "unknown-office",
            UnknownJob(_) => "unknown-job",
            UnknownUser(_) => "unknown-user",
            UnknownApplication(_) => "unknown-application",
            UnknownRole(_) => "unknown-role",
            UnknownGrant(_) => "unknown-grant",
            UnknownGroup(_) => "unknown-group",
            UnknownClass(_) => "unknown-class",
            UnknownFolder(_) => "unknown-folder",
            UnknownDocument(_) => "unknown-document",
            UnknownEntry(_) => "unknown-entry",
            UnknownCode { .. } => "unknown-code",
            DuplicateCode { .. } => "duplicate-code",
            OfficeCycle { .. } => "office-cycle",
            ClassCycle { .. } => "class-cycle",
            RoleCycle { .. } => "role-cycle",
            NotAContainer(_) => "not-a-container",
            SystemRoleNotNestable(_) => "system-role-not-nestable",
            RoleShape(_) => "role-shape",
            ScopeNotApplicable => "scope-not-applicable",
            GroupValueNotApplicable { .. } => "group-value-not-applicable",
            GroupValueRequired { .. } => "group-value-required",
            GroupValueAboveValue { .. } => "group-value-above-value",
            DynamicEntityOnClass { .. } => "dynamic-entity-on-class",
            DefaultViewNotAView { .. } => "default-view-not-a-view",
            JobOccupied { .. } => "job-occupied",
            OfficeNotEmpty { .. } => "office-not-empty",
            JobInvalid(_) => "job-invalid",
            OfficeInvalid(_) => "office-invalid",
            AlreadyAssigned { .. } => "already-assigned",
            NotAssigned { .. } => "not-assigned",
            NoChange(_) => "no-change",
            LookupLevelZero => "lookup-level-zero",
            PageSize { .. } => "page-size",
            NotResponsible { .. } => "not-responsible",
            NotRecipient { .. } => "not-recipient",
            NothingHandedOver => "nothing-handed-over",
            ObjectClosed => "object-closed",
            ObjectNotClosed => "object-not-closed",
            HandOverPending(_) => "hand-over-pending",
            HandOverToSelf(_) => "hand-over-to-self",
            RecipientNotCleared { .. } => "recipient-not-cleared",
            NotDistMain => "not-dist-main",
            NothingToNotify => "nothing-to-notify",
            ActorInactive => "actor-inactive",
            AdminNoDocuments => "admin-no-documents",
            NotOccupant(_) => "not-occupant",
            AmbiguousJob => "ambiguous-job",
            NoJob => "no-job",
            ApplicationNotWritable(_) => "application-not-writable",
            MissingWriterRole(_) => "missing-writer-role",
            InsufficientLevel { .. } => "insufficient-level",
            MfaRequired => "mfa-required",
            ClassifyAboveClearance { .. } => "classify-above-clearance",
            NotAnAdministrator => "not-an-administrator",
            SystemAdministratorOnly(_) => "system-administrator-only",
            OutsideScope(_) => "outside-scope",
            SelfGrant => "self-grant",
            SelfAdministration(_) => "self-administration",
            BeyondOwnPower(_) => "beyond-own-power",
            NotAsAnotherPerson(_) => "not-as-another-person",
            StalePlan { .. } => "stale-plan",
            Corrupt(_) => "corrupt",
            BatchItem { error, .. } => error.code(),
        }
    }
}
