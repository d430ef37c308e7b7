//! Every way the engine refuses something, by area.
//!
//! Each refusal is its own variant with the facts needed to explain it, a stable code (the
//! API's problem `type`) and a [`Category`] (how a caller should react). The variants live in
//! one enum per area — values, directory, roles, filing and records, ACL, authority, engine
//! state — each declared with `area_error!`, which keeps a variant's message, code and
//! category in one place; [`Error`] composes them (transparently: the message and code are
//! the area's). A refused command changes nothing: planning only reads the world.

use crate::ids::{
    AppId, ClassId, DocumentId, EntryId, FolderId, FollowUpId, GrantId, GroupId, HolderId, ItemId, JobId, LinkId,
    OfficeId, ReviewId, Revision, RiskId, RoleId, SchemeId, UserId,
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

/// Declares an area's error enum: each variant with its message (`#[error]`), and after `=>`
/// its stable code and its [`Category`]; `code()` and `category()` are generated from them.
macro_rules! area_error {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident $(( $($tuple:ty),* ))? $({ $($(#[$fmeta:meta])* $field:ident : $fty:ty),* $(,)? })?
                => ($code:literal, $category:ident),
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
        #[non_exhaustive]
        pub enum $name {
            $(
                $(#[$vmeta])*
                $variant $(( $($tuple),* ))? $({ $($(#[$fmeta])* $field: $fty),* })?,
            )*
        }

        impl $name {
            /// A stable, kebab-case code naming the error (the API's problem `type` suffix).
            pub fn code(&self) -> &'static str {
                match self {
                    $($name::$variant { .. } => $code,)*
                }
            }

            /// How a caller should react.
            pub fn category(&self) -> Category {
                match self {
                    $($name::$variant { .. } => Category::$category,)*
                }
            }
        }
    };
}

/// What is wrong with a field's value (the rule it breaks), so that it can be said in either
/// language; `Display` is the English.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueProblem {
    /// Nothing given.
    #[error("must not be empty")]
    Empty,
    /// Shorter than allowed.
    #[error("must be at least {0} characters long")]
    TooShort(usize),
    /// Longer than allowed.
    #[error("must be at most {max} characters long (got {got})")]
    TooLong {
        /// The longest allowed.
        max: usize,
        /// The length given.
        got: usize,
    },
    /// A control character (a line break, a tab…).
    #[error("must not contain control characters")]
    ControlCharacter,
    /// Two spaces in a row (role codes).
    #[error("must not contain two spaces in a row")]
    DoubleSpace,
    /// A first character that is not a letter or a digit.
    #[error("must start with a letter or a digit")]
    MustStartAlphanumeric,
    /// A character a code does not allow.
    #[error("contains {bad:?}; only letters, digits and {} are allowed", list_en(allowed))]
    CodeCharacter {
        /// The character.
        bad: char,
        /// The characters allowed besides letters and digits.
        allowed: &'static [char],
    },
    /// A character a username does not allow.
    #[error("contains {0:?}; only letters a–z, digits, '.', '_' and '-' are allowed")]
    UsernameCharacter(char),
    /// An e-mail address without `@`.
    #[error("must contain '@', as in name@example.si")]
    EmailNoAt,
    /// An e-mail address with too short or too long a part before `@`.
    #[error("the part before '@' must have 1–64 characters")]
    EmailLocalLength,
    /// An e-mail address with a misplaced dot before `@`.
    #[error("the part before '@' must not start or end with '.' or contain '..'")]
    EmailLocalDots,
    /// A character an e-mail address does not allow before `@`.
    #[error("contains {0:?} before '@'")]
    EmailLocalCharacter(char),
    /// A part after `@` that is not a domain.
    #[error("the part after '@' must be a domain such as example.si")]
    EmailDomain,
    /// A character a phone number does not allow.
    #[error("contains {0:?}; only digits, spaces and + - / ( ) are allowed")]
    PhoneCharacter(char),
    /// A phone number with fewer than three digits.
    #[error("must contain at least three digits")]
    PhoneDigits,
    /// Not a SHA-256 digest (64 lowercase hexadecimal digits).
    #[error("must be a SHA-256 digest: 64 hexadecimal digits 0-9, a-f")]
    NotADigest,
    /// An account kind that is none of the kinds.
    #[error("{0:?} is not an account kind; the kinds are admin, system_user and user")]
    NotAnAccountKind(String),
    /// A gender that is none of the genders.
    #[error("{0:?} is not a gender; use female, male, other or unspecified")]
    NotAGender(String),
}

/// The characters a code allows besides letters and digits, in English (`'_', '-', space`).
pub(crate) fn list_en(allowed: &[char]) -> String {
    allowed
        .iter()
        .map(|c| {
            if *c == ' ' {
                "space".to_owned()
            } else {
                format!("'{c}'")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

area_error! {
    /// Malformed values: a level, class, field, instant or window that cannot be read, a listing
    /// that asks for nothing or too much.
    pub enum ValueError {
        /// A level outside `{0, 11, 12, 13, 14, 21, 22}`.
        #[error("{0} is not an access level; the levels are 0, 11, 12, 13, 14, 21 and 22")]
        InvalidLevel(u32) => ("invalid-level", Invalid),
        /// A security class outside 0–3.
        #[error("{0} is not a security class; classes are 0 (unclassified), 1, 2 and 3")]
        InvalidSecurityClass(u32) => ("invalid-security-class", Invalid),
        /// A field that breaks its format rule.
        #[error("{field} {problem}")]
        InvalidValue {
            /// The field.
            field: &'static str,
            /// What is wrong with it.
            problem: ValueProblem,
        } => ("invalid-value", Invalid),
        /// A date or instant that cannot be read.
        #[error("{0:?} is not a date (YYYY-MM-DD) or an RFC 3339 instant (YYYY-MM-DDTHH:MM:SSZ)")]
        InvalidTimestamp(String) => ("invalid-timestamp", Invalid),
        /// A date a person typed that is not a day of the calendar.
        #[error("{field}: {text:?} is not a date; write it as YYYY-MM-DD or DD.MM.YYYY (e.g. 2027-01-31)")]
        InvalidDate {
            /// The field.
            field: &'static str,
            /// What was typed.
            text: String,
        } => ("invalid-date", Invalid),
        /// A last day (inclusive) before the first, as typed.
        #[error("valid to ({to}) is before valid from ({from})")]
        DatesReversed {
            /// The first day, as typed.
            from: String,
            /// The last day, as typed.
            to: String,
        } => ("dates-reversed", Invalid),
        /// `valid_to` not after `valid_from`.
        #[error("valid-to ({to}) must be after valid-from ({from})")]
        EmptyWindow {
            /// Start.
            from: Timestamp,
            /// End.
            to: Timestamp,
        } => ("empty-window", Invalid),
        /// A listing at level 0, which would be everything.
        #[error("a listing needs a level of at least 11")]
        LookupLevelZero => ("lookup-level-zero", Invalid),
        /// A page size of zero or above the maximum.
        #[error("a page holds 1 to {max} items, not {requested}")]
        PageSize {
            /// Asked for.
            requested: usize,
            /// The maximum.
            max: usize,
        } => ("page-size", Invalid),
    }
}

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
area_error! {
    /// The Decree's registers refuse: the inventory, its classes and links, the Decree's roles.
    pub enum RegisterError {
        /// No such inventory item.
        #[error("there is no inventory item {0}")]
        UnknownItem(ItemId) => ("unknown-item", NotFound),
        /// No inventory item with this code.
        #[error("there is no inventory item with the code {0:?}")]
        UnknownItemCode(String) => ("unknown-item-code", NotFound),
        /// No such link.
        #[error("there is no link {0}")]
        UnknownLink(LinkId) => ("unknown-link", NotFound),
        /// No such appointment.
        #[error("there is no appointment {0}")]
        UnknownHolder(HolderId) => ("unknown-holder", NotFound),
        /// No such scheme.
        #[error("there is no classification scheme {0}")]
        UnknownScheme(SchemeId) => ("unknown-scheme", NotFound),
        /// The code is taken.
        #[error("the inventory code {0:?} is already in use")]
        DuplicateItemCode(String) => ("duplicate-item-code", Conflict),
        /// The custodian is not an active person.
        #[error("the custodian must be an active person (Art. 10(3): every asset and system has a custodian); {0} is not")]
        CustodianInactive(UserId) => ("custodian-inactive", Invalid),
        /// Someone other than the custodian classifies.
        #[error("only the custodian of {item} ({custodian}) classifies it (Art. 7)")]
        NotCustodian {
            /// The item.
            item: ItemId,
            /// Its custodian.
            custodian: UserId,
        } => ("not-custodian", Forbidden),
        /// Someone without the power to keep the inventory changes it.
        #[error("only the information-security lead or the system administrator may {0}")]
        NotRegisterKeeper(&'static str) => ("not-register-keeper", Forbidden),
        /// Neither the keeper nor the item's custodian edits an item.
        #[error("only the custodian of {item} ({custodian}), the information-security lead or the system administrator may change it")]
        NotItemKeeper {
            /// The item.
            item: ItemId,
            /// Its custodian.
            custodian: UserId,
        } => ("not-item-keeper", Forbidden),
        /// A system classified below one of its assets.
        #[error("{system} cannot be classified {dimension}{}: its asset {asset} is {dimension}{}, and a system is classified at least as high as the assets it handles (Art. 11(2))", class.value(), floor.value())]
        BelowFloor {
            /// The system.
            system: ItemId,
            /// The dimension (`Z`).
            dimension: char,
            /// The class asked for there.
            class: SecurityClass,
            /// The floor there.
            floor: SecurityClass,
            /// The asset forcing it.
            asset: ItemId,
        } => ("below-floor", Conflict),
        /// A class above Z1/C1/R1 in a public cloud.
        #[error("Art. 41(1): {item} would be {class}, but only unclassified or Z1, C1 and R1 may be handled in a public cloud")]
        PublicCloudClass {
            /// The item (a system, or an asset held by a public-cloud system).
            item: ItemId,
            /// Its class (`Z2 C1 R1`).
            class: String,
        } => ("public-cloud-class", Conflict),
        /// A public-cloud system without the ministry's approval.
        #[error("Art. 41(2): a system in a public cloud needs the reference of the ministry's written approval")]
        PublicCloudApprovalMissing => ("public-cloud-approval-missing", Invalid),
        /// An item of the wrong kind.
        #[error("{0} is not an information system")]
        NotASystem(ItemId) => ("not-a-system", Invalid),
        /// An item of the wrong kind.
        #[error("{0} is not an information asset")]
        NotAnAsset(ItemId) => ("not-an-asset", Invalid),
        /// A system's field given for an asset.
        #[error("{0} is a field of information systems only")]
        SystemOnlyField(&'static str) => ("system-only-field", Invalid),
        /// An application already linked to another system.
        #[error("{app} already belongs to the information system {system}")]
        ApplicationInAnotherSystem {
            /// The application.
            app: AppId,
            /// Its system.
            system: ItemId,
        } => ("application-in-another-system", Conflict),
        /// Moving an asset into another system without the source custodian's consent.
        #[error("Art. 38(1): {asset} is held by {from}; moving it into another system needs the written consent of the custodian of {from}")]
        TransferConsentRequired {
            /// The asset.
            asset: ItemId,
            /// A system already holding it.
            from: ItemId,
        } => ("transfer-consent-required", Conflict),
        /// A consent by someone who is not the source custodian.
        #[error("Art. 38(1): the consent must come from the custodian of a system holding the asset ({custodian} of {system}), not {by}")]
        ConsentNotBySourceCustodian {
            /// Who was named.
            by: UserId,
            /// A source system.
            system: ItemId,
            /// Its custodian.
            custodian: UserId,
        } => ("consent-not-by-source-custodian", Invalid),
        /// A receiving system that protects less than the asset needs.
        #[error("Art. 38(1): {system} protects {dimension} only to {dimension}{}, below {asset}'s {dimension}{}; raise its class first", system_class.value(), asset_class.value())]
        TransferBelowAsset {
            /// The asset.
            asset: ItemId,
            /// The receiving system.
            system: ItemId,
            /// The dimension (`Z` or `C`).
            dimension: char,
            /// The asset's class there.
            asset_class: SecurityClass,
            /// The system's class there.
            system_class: SecurityClass,
        } => ("transfer-below-asset", Conflict),
        /// The asset is already linked to the system.
        #[error("{system} is already linked to {asset}")]
        AlreadyLinked {
            /// The system.
            system: ItemId,
            /// The asset.
            asset: ItemId,
        } => ("already-linked", Conflict),
        /// A retired item.
        #[error("{0} is retired")]
        ItemRetired(ItemId) => ("item-retired", Conflict),
        /// An object classified above its application's system.
        #[error("Art. 11(2): an object of this application cannot be classified {object}: the application's information system {system} is classified {held}")]
        ObjectAboveSystem {
            /// The system.
            system: ItemId,
            /// The object's class asked for.
            object: String,
            /// The system's class.
            held: String,
        } => ("object-above-system", Conflict),
        /// No such access review.
        #[error("there is no access review {0}")]
        UnknownReview(ReviewId) => ("unknown-review", NotFound),
        /// No such follow-up.
        #[error("there is no rights follow-up {0}")]
        UnknownFollowUp(FollowUpId) => ("unknown-follow-up", NotFound),
        /// A review of a system that serves no application.
        #[error("{0} serves no ADAM application, so there are no rights in ADAM to review")]
        NoApplication(ItemId) => ("no-application", Conflict),
        /// Someone other than the reviewer decides.
        #[error("only the reviewer ({reviewer}) decides in this access review")]
        NotReviewer {
            /// The reviewer.
            reviewer: UserId,
        } => ("not-reviewer", Forbidden),
        /// Someone not concerned decides on a follow-up.
        #[error("only a custodian of a system this grant reaches, the information-security lead or an administrator of the grantee decides on {0}")]
        NotConcerned(GrantId) => ("not-concerned", Forbidden),
        /// A grant that is not under review there.
        #[error("{0} is not under review here")]
        NotUnderReview(GrantId) => ("not-under-review", NotFound),
        /// A grant already decided.
        #[error("{0} has already been decided")]
        AlreadyDecided(GrantId) => ("already-decided", Conflict),
        /// No such risk assessment.
        #[error("there is no risk assessment {0}")]
        UnknownRisk(RiskId) => ("unknown-risk", NotFound),
        /// No such solution.
        #[error("there is no solution {0} in the registry")]
        UnknownSolution(crate::ids::SolutionId) => ("unknown-solution", NotFound),
        /// A codename that is not one.
        #[error("{0:?} is not a codename: 2–16 capital letters, digits or hyphens, starting with a letter")]
        BadCodename(String) => ("bad-codename", Invalid),
        /// A codename another solution has.
        #[error("the codename {0} is taken by another solution")]
        CodenameTaken(String) => ("codename-taken", Conflict),
        /// A public-cloud placement of a solution whose system is above Z1/C1/R1 (Art. 41(1)).
        #[error("Art. 41(1): a solution may be placed in a public cloud only when its system is at most Z1, C1 and R1; {system} is {class}")]
        SolutionCloudClass {
            /// The system's code.
            system: String,
            /// Its class.
            class: String,
        } => ("solution-public-cloud-class", Conflict),
        /// A public-cloud placement with no inventory system to judge its classes by.
        #[error("Art. 41(1): a public-cloud placement needs the solution's inventory system, whose classes decide it")]
        CloudWithoutSystem => ("solution-cloud-without-system", Invalid),
        /// Test and production at one address (Art. 47(3)).
        #[error("Art. 47(3): the test and production environments must be separate; both are at {0}")]
        EnvironmentsNotSeparate(String) => ("environments-not-separate", Invalid),
        /// A staging environment the PZI does not foresee (000, 1.1.1.9).
        #[error("a staging environment is set up only when the PZI foresees it (000, 1.1.1.9)")]
        StagingNotInPzi => ("staging-not-in-pzi", Invalid),
        /// A board decision on a system that meets no exceptional criterion.
        #[error("the technical board decides only on an exceptional system; name the criteria it meets (000, 1.1.1.7)")]
        BoardWithoutCriteria => ("board-without-criteria", Invalid),
        /// A version opened while another is in flight.
        #[error("version {0} is still in flight; a new version enters when it is in production or withdrawn")]
        VersionInFlight(String) => ("version-in-flight", Conflict),
        /// A version label used before.
        #[error("version {0} was opened before; give the new one another label")]
        VersionExists(String) => ("version-exists", Conflict),
        /// A version opened for a solution without its inventory system (Art. 7 needs its custodian).
        #[error("Art. 7: link the solution to its information system in the inventory first; its custodian approves the transfer into production")]
        SolutionWithoutSystem => ("solution-without-system", Invalid),
        /// The transfer into production without the custodian's approval (Art. 7).
        #[error("Art. 7: the system custodian has not approved the transfer into production")]
        NoCustodianApproval => ("no-custodian-approval", Conflict),
        /// Operating or backup instructions missing before production (Art. 14(3), 29(5)).
        #[error("Art. {article}: the {what} must exist before the transfer into production")]
        InstructionsMissing {
            /// The article.
            article: &'static str,
            /// Which instructions.
            what: &'static str,
        } => ("instructions-missing", Conflict),
        /// The first transfer into production without an independent security assessment (Art. 23).
        #[error("Art. 23(1): an independent security assessment must be attached before the first transfer into production")]
        NoIndependentAssessment => ("no-independent-assessment", Conflict),
        /// A next assessment more than a year away.
        #[error("Art. 9(2): the next risk assessment is due at most a year after this one ({latest}), not {asked}")]
        RiskDueTooLate {
            /// The latest allowed day.
            latest: String,
            /// The day asked for.
            asked: String,
        } => ("risk-due-too-late", Invalid),
        /// An appointment that ends before it starts.
        #[error("the appointment ends ({until}) before it starts ({since})")]
        AppointmentReversed {
            /// Start.
            since: String,
            /// End.
            until: String,
        } => ("appointment-reversed", Invalid),
        /// No such integrity baseline.
        #[error("there is no integrity baseline {0}")]
        UnknownBaseline(crate::ids::BaselineId) => ("unknown-baseline", NotFound),
        /// No such comparison.
        #[error("there is no integrity comparison {0}")]
        UnknownComparison(crate::ids::ComparisonId) => ("unknown-comparison", NotFound),
        /// A baseline for a system that is neither a key nor a high-risk server.
        #[error("Art. 50(4): integrity is checked on servers whose functions are key to the body or that are high-risk; {0} is marked neither in the inventory")]
        NotIntegrityServer(ItemId) => ("not-integrity-server", Conflict),
        /// A scan submitted by someone who neither keeps the register nor runs the server.
        #[error("scans of {server} are submitted by its custodian ({custodian}), its operators, the information-security lead or the system administrator")]
        NotScanSubmitter {
            /// The server.
            server: ItemId,
            /// Its custodian.
            custodian: UserId,
        } => ("not-scan-submitter", Forbidden),
        /// An approval without the reference of the approved change.
        #[error("Art. 50(4): a baseline is approved after an approved change; give the change's reference")]
        ChangeReferenceMissing => ("change-reference-missing", Invalid),
        /// A baseline approved twice.
        #[error("the integrity baseline {0} is already approved")]
        BaselineAlreadyApproved(crate::ids::BaselineId) => ("baseline-already-approved", Conflict),
        /// A comparison for a server without an approved baseline.
        #[error("Art. 50(5): {0} has no approved integrity baseline to compare with; submit one and have it approved first")]
        NoApprovedBaseline(ItemId) => ("no-approved-baseline", Conflict),
        /// A scan that lists no file.
        #[error("the scan lists no file")]
        EmptyManifest => ("empty-manifest", Invalid),
    }
}

/// The problems of a definition that cannot work, every one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problems(pub Vec<crate::process::Problem>);

impl std::fmt::Display for Problems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let all: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&all.join("; "))
    }
}

/// The guards of an outcome that do not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unmets(pub Vec<crate::process::Unmet>);

impl std::fmt::Display for Unmets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let all: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&all.join("; "))
    }
}

area_error! {
    /// The process engine refuses: definitions, cases, decisions and consents.
    pub enum ProcessError {
        /// No process with this key.
        #[error("there is no process {0:?}")]
        UnknownProcess(String) => ("unknown-process", NotFound),
        /// No such definition version.
        #[error("there is no process definition {0}")]
        UnknownDefinition(crate::ids::DefinitionId) => ("unknown-definition", NotFound),
        /// No such case.
        #[error("there is no case {0}")]
        UnknownCase(crate::ids::CaseId) => ("unknown-case", NotFound),
        /// A definition file that cannot be read.
        #[error("the definition cannot be read: {0}")]
        MalformedDefinition(String) => ("malformed-definition", Invalid),
        /// A definition that cannot work.
        #[error("the definition cannot work: {0}")]
        InvalidDefinition(Problems) => ("invalid-definition", Invalid),
        /// A version kept already.
        #[error("version {version} of process {key:?} is kept already; give the new one a higher version")]
        DefinitionExists {
            /// The process.
            key: String,
            /// The version.
            version: u32,
        } => ("definition-exists", Conflict),
        /// Someone who may not start this process.
        #[error("only the roles the definition names may start a case of {0:?}")]
        NotStarter(String) => ("not-starter", Forbidden),
        /// A closed case.
        #[error("{0} is closed and archived; it cannot change")]
        CaseClosed(crate::ids::CaseId) => ("case-closed", Conflict),
        /// A decision for a step the case is not at.
        #[error("the case is at step {current:?}, not {asked:?}")]
        NotAtStep {
            /// Where it is.
            current: String,
            /// The step named.
            asked: String,
        } => ("not-at-step", Conflict),
        /// Someone not bound to the role performing the step.
        #[error("step {step:?} is performed by the {role}; you are not bound to that role on this case")]
        NotPerformer {
            /// The step.
            step: String,
            /// The performing role.
            role: String,
        } => ("not-performer", Forbidden),
        /// An outcome the step does not have.
        #[error("step {step:?} has no outcome {outcome:?}")]
        UnknownOutcome {
            /// The step.
            step: String,
            /// The outcome named.
            outcome: String,
        } => ("unknown-outcome", Invalid),
        /// A field the definition does not declare.
        #[error("the process has no field {0:?}")]
        UnknownField(String) => ("unknown-case-field", Invalid),
        /// A field set when the case started that no step may change (who holds a role).
        #[error("field {0:?} was set when the case started and cannot be changed on it")]
        FixedField(String) => ("fixed-case-field", Conflict),
        /// A value that does not fit its field.
        #[error("field {field:?} takes {expected}")]
        BadFieldValue {
            /// The field.
            field: String,
            /// What it takes (the field kind).
            expected: &'static str,
        } => ("bad-field-value", Invalid),
        /// An end earlier than its start (a field declared `not_before` another: the end of
        /// an outage before its start).
        #[error("field {field:?} cannot be earlier than field {start:?}: an end cannot come before its start")]
        EndBeforeStart {
            /// The field holding the end.
            field: String,
            /// The field holding the start.
            start: String,
        } => ("end-before-start", Invalid),
        /// Guards that do not hold.
        #[error("outcome {outcome:?} of step {step:?} cannot be taken yet: {unmet}")]
        GuardsUnmet {
            /// The step.
            step: String,
            /// The outcome.
            outcome: String,
            /// What is missing.
            unmet: Unmets,
        } => ("guards-unmet", Conflict),
        /// A consent the current step does not ask for.
        #[error("step {step:?} asks for no consent of role {role:?}")]
        ConsentNotAsked {
            /// The step.
            step: String,
            /// The role.
            role: String,
        } => ("consent-not-asked", Conflict),
        /// A consent by someone not bound to the role.
        #[error("you are not the {0} of this case, so you cannot consent as such")]
        NotRoleHolder(String) => ("not-role-holder", Forbidden),
        /// A role that has consented already at this step.
        #[error("the {role} has already consented ({by})")]
        AlreadyConsented {
            /// The role.
            role: String,
            /// Who.
            by: UserId,
        } => ("already-consented", Conflict),
        /// One person consenting for a second role.
        #[error("{user} has already consented as {given}; the consents must come from two different people")]
        SamePersonConsents {
            /// The person.
            user: UserId,
            /// The role they consented as.
            given: String,
        } => ("same-person-consents", Conflict),
        /// A step whose performing role nobody holds.
        #[error("nobody is bound to the {role} who performs step {step:?}; appoint someone first")]
        NobodyToPerform {
            /// The step.
            step: String,
            /// The role.
            role: String,
        } => ("nobody-to-perform", Conflict),
        /// An overdue reminder asked for by a person.
        #[error("only ADAM itself records that an overdue reminder has gone out")]
        OnlyAdamReminds => ("only-adam-reminds", Forbidden),
        /// A reminder for a step that is not overdue.
        #[error("the current step of {0} is not overdue")]
        NotOverdue(crate::ids::CaseId) => ("not-overdue", Conflict),
        /// A reminder sent already for this visit of the step.
        #[error("the overdue reminder of {0}'s current step has gone out already")]
        AlreadyReminded(crate::ids::CaseId) => ("already-reminded", Conflict),
        /// A governed change without a change request.
        #[error("ADAM governs its own changes: a change to {0} names an approved change request")]
        ChangeRequired(Governed) => ("change-request-required", Conflict),
        /// A change request that is not approved and being implemented.
        #[error("{0} is not an approved change request being implemented (at step \"Implementing the change\")")]
        ChangeNotApproved(crate::ids::CaseId) => ("change-not-approved", Conflict),
        /// A change request about another system.
        #[error("{case} is not about system {system}")]
        ChangeForOtherSystem {
            /// The request.
            case: crate::ids::CaseId,
            /// The system the change is to.
            system: String,
        } => ("change-for-other-system", Conflict),
        /// A change on a key or high-risk server closed before its baseline is refreshed.
        #[error("{case} cannot be closed before the integrity baseline of {system} is refreshed: an approved baseline taken after the implementation (Art. 50(4))")]
        BaselineNotRefreshed {
            /// The change request.
            case: crate::ids::CaseId,
            /// The server.
            system: String,
        } => ("baseline-not-refreshed", Conflict),
    }
}

/// What a governed change changes: the contents of a role (by code), or the settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Governed(pub Option<String>);

impl std::fmt::Display for Governed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Some(r) => write!(f, "the contents of role {r}"),
            None => f.write_str("the organisation's settings"),
        }
    }
}

/// Every finding that refuses a responsibility matrix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Findings(pub Vec<crate::raci::Finding>);

impl std::fmt::Display for Findings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let all: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&all.join("; "))
    }
}

area_error! {
    /// Responsibility (RACI) matrices refuse.
    pub enum RaciError {
        /// A solution without a matrix.
        #[error("solution {0} has no responsibility matrix")]
        NoMatrix(String) => ("no-raci-matrix", NotFound),
        /// No such matrix.
        #[error("there is no responsibility matrix {0}")]
        UnknownMatrix(crate::ids::RaciMatrixId) => ("unknown-raci-matrix", NotFound),
        /// A template ADAM does not ship.
        #[error("there is no responsibility template {0}")]
        UnknownTemplate(String) => ("unknown-raci-template", NotFound),
        /// A task the template does not have.
        #[error("the template has no task {0:?}")]
        UnknownTask(String) => ("unknown-raci-task", NotFound),
        /// A layer the template does not have.
        #[error("the template has no layer {0:?}")]
        UnknownLayer(String) => ("unknown-raci-layer", NotFound),
        /// A party the matrix does not have.
        #[error("the matrix has no party {0:?}")]
        UnknownParty(String) => ("unknown-raci-party", NotFound),
        /// A party key that breaks the rule.
        #[error("{0:?} is not a party key (1–40 lower-case letters, digits, '_' or '-', starting with a letter)")]
        BadPartyKey(String) => ("raci-bad-party-key", Invalid),
        /// A party the template does not know, without a name.
        #[error("party {0:?} is not the template's; give it a name")]
        PartyNameMissing(String) => ("raci-party-name-missing", Invalid),
        /// A second matrix for a solution.
        #[error("solution {0} already has a responsibility matrix; change it with overrides")]
        MatrixExists(String) => ("raci-matrix-exists", Conflict),
        /// Letters that are not a set of R, A, C, I.
        #[error("{0:?}: a cell holds only the letters R, A, C, I, each at most once")]
        BadLetters(String) => ("raci-bad-letters", Invalid),
        /// A matrix that breaks "exactly one A per task and layer".
        #[error("the matrix breaks \"exactly one A per task and layer\": {0}")]
        InvalidMatrix(Findings) => ("raci-matrix-invalid", Invalid),
        /// Someone who does not keep the matrices.
        #[error("responsibility matrices are created and their parties bound by the information-security lead or the system administrator")]
        NotRaciKeeper => ("not-raci-keeper", Forbidden),
        /// An override by someone not allowed to approve it.
        #[error("an override of task {task} at layer {layer} is approved by a person holding the job of the accountable party ({accountable}), the information-security lead or the system administrator")]
        OverrideNotAllowed {
            /// The task.
            task: u16,
            /// The layer.
            layer: String,
            /// The party accountable there now.
            accountable: String,
        } => ("raci-override-not-allowed", Forbidden),
        /// An override without a reason.
        #[error("an override needs its reason")]
        ReasonMissing => ("raci-reason-missing", Invalid),
    }
}

area_error! {
    /// The continuity register refuses (Art. 15, 29).
    pub enum ContinuityError {
        /// A duration that cannot be read.
        #[error("{0:?} is not a duration: write it like 30min, 4h, 2d or 1h 30min")]
        BadDuration(String) => ("bad-duration", Invalid),
        /// No such plan.
        #[error("there is no continuity plan {0}")]
        UnknownPlan(crate::ids::ContinuityPlanId) => ("unknown-continuity-plan", NotFound),
        /// No such plan review.
        #[error("there is no plan review {0}")]
        UnknownPlanReview(crate::ids::PlanReviewId) => ("unknown-plan-review", NotFound),
        /// No such BIA.
        #[error("there is no business impact analysis {0}")]
        UnknownBia(crate::ids::BiaId) => ("unknown-bia", NotFound),
        /// No such test.
        #[error("there is no continuity test {0}")]
        UnknownTest(crate::ids::ContinuityTestId) => ("unknown-continuity-test", NotFound),
        /// No such risk acceptance.
        #[error("there is no risk acceptance {0}")]
        UnknownAcceptance(crate::ids::AcceptanceId) => ("unknown-risk-acceptance", NotFound),
        /// A review while no plan is adopted.
        #[error("Art. 15(2): no continuity plan is recorded yet, so there is none to review")]
        NoPlan => ("no-continuity-plan", Conflict),
        /// A record for an inventory item that is not an information system.
        #[error("{0} is not an information system of the inventory")]
        NotASystem(ItemId) => ("continuity-not-a-system", Invalid),
        /// A recovery time objective above the maximum tolerable downtime.
        #[error("the recovery time objective ({rto}) is longer than the maximum tolerable downtime ({mtd})")]
        RtoOverMtd {
            /// The RTO.
            rto: String,
            /// The MTD.
            mtd: String,
        } => ("rto-over-mtd", Invalid),
        /// A critical or vital system without its RTO or RPO.
        #[error("a {0} system needs both its recovery time objective (RTO) and its recovery point objective (RPO)")]
        TargetsMissing(&'static str) => ("continuity-targets-missing", Invalid),
        /// A system said to depend on itself.
        #[error("a system does not depend on itself")]
        SelfDependency => ("bia-self-dependency", Invalid),
        /// A restore-test interval out of range.
        #[error("the restore-test interval is 1 to 3650 days, not {0}")]
        RestoreInterval(u16) => ("restore-interval-out-of-range", Invalid),
        /// A next review more than a year after the last.
        #[error("Art. 15(2): the plan is reviewed at least once a year; the next review is due by {latest}, not {asked}")]
        ReviewDueTooLate {
            /// The latest allowed day.
            latest: String,
            /// The day asked for.
            asked: String,
        } => ("plan-review-due-too-late", Invalid),
        /// A review naming a case that is not a change request.
        #[error("{0} is not a change request")]
        NotAChangeRequest(crate::ids::CaseId) => ("not-a-change-request", Invalid),
        /// A yearly review naming a change.
        #[error("only a review after a major change names the change request")]
        ChangeOnAnnualReview => ("change-on-annual-review", Invalid),
        /// The findings reported before the review.
        #[error("the findings are reported to the head of the body ({reported}) before the review ({date})")]
        ReportBeforeReview {
            /// The report's day.
            reported: String,
            /// The review's day.
            date: String,
        } => ("report-before-review", Invalid),
        /// A partial loss without its component.
        #[error("a partial-loss scenario names the component lost")]
        ComponentMissing => ("component-missing", Invalid),
        /// A test announced after it was held.
        #[error("the test is announced ({announced}) after it was held ({held})")]
        AnnouncedAfterHeld {
            /// The announcement's day.
            announced: String,
            /// The day it was held.
            held: String,
        } => ("announced-after-held", Invalid),
        /// A failed test without its findings.
        #[error("a failed test records its findings")]
        FindingsMissing => ("findings-missing", Invalid),
        /// Someone who does not keep the continuity register.
        #[error("the continuity plan, its reviews, risk acceptances and ADAM's own tests are recorded by the information-security lead or the system administrator")]
        NotContinuityKeeper => ("not-continuity-keeper", Forbidden),
        /// Someone who neither keeps the register nor runs the system.
        #[error("the continuity records of {system} are kept by its custodian ({custodian}), its operators, the information-security lead or the system administrator")]
        NotContinuityWriter {
            /// The system.
            system: ItemId,
            /// Its custodian.
            custodian: UserId,
        } => ("not-continuity-writer", Forbidden),
    }
}

fn fmt_job(job: Option<JobId>) -> String {
    job.map_or_else(|| "none".to_owned(), |j| j.to_string())
}

/// An engine error: a refusal of one area, or one of the few that belong to no area.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Malformed values: a level, class, field, instant or window that cannot be read, a listing
    /// that asks for nothing or too much.
    #[error(transparent)]
    Value(#[from] ValueError),
    /// The directory refuses: offices, jobs, users, groups, codes and the organisation's settings.
    #[error(transparent)]
    Directory(#[from] DirectoryError),
    /// Applications, roles and grants refuse.
    #[error(transparent)]
    Roles(#[from] RoleError),
    /// The filing plan and the records refuse: classes, folders, documents and their workflow
    /// (Diagram 1).
    #[error(transparent)]
    Filing(#[from] FilingError),
    /// ACL entries refuse.
    #[error(transparent)]
    Acl(#[from] AclError),
    /// The actor may not: who acts, in which job, with which level, session and administrative
    /// power.
    #[error(transparent)]
    Authority(#[from] AuthorityError),
    /// The engine's own state: a plan that is out of date, a change log that does not fit.
    #[error(transparent)]
    State(#[from] StateError),
    /// The Decree's registers refuse: the inventory, classes, links, Decree roles.
    #[error(transparent)]
    Register(#[from] RegisterError),
    /// The process engine refuses: definitions, cases, decisions, consents.
    #[error(transparent)]
    Process(#[from] ProcessError),
    /// Responsibility (RACI) matrices refuse.
    #[error(transparent)]
    Raci(#[from] RaciError),
    /// The continuity register refuses.
    #[error(transparent)]
    Continuity(#[from] ContinuityError),
    /// A change that would change nothing.
    #[error("nothing to change: {0}")]
    NoChange(&'static str),
    /// One command of a batch was refused; nothing of the batch is applied.
    #[error("command {} of the batch was refused: {error}", index + 1)]
    BatchItem {
        /// Its position, from 0.
        index: usize,
        /// Why.
        error: Box<Error>,
    },
}

impl Error {
    /// The category of the error.
    pub fn category(&self) -> Category {
        match self {
            Error::Value(e) => e.category(),
            Error::Directory(e) => e.category(),
            Error::Roles(e) => e.category(),
            Error::Filing(e) => e.category(),
            Error::Acl(e) => e.category(),
            Error::Authority(e) => e.category(),
            Error::State(e) => e.category(),
            Error::Register(e) => e.category(),
            Error::Process(e) => e.category(),
            Error::Raci(e) => e.category(),
            Error::Continuity(e) => e.category(),
            Error::NoChange(_) => Category::Conflict,
            Error::BatchItem { error, .. } => error.category(),
        }
    }

    /// A stable, kebab-case code naming the error (the API's problem `type` suffix).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Value(e) => e.code(),
            Error::Directory(e) => e.code(),
            Error::Roles(e) => e.code(),
            Error::Filing(e) => e.code(),
            Error::Acl(e) => e.code(),
            Error::Authority(e) => e.code(),
            Error::State(e) => e.code(),
            Error::Register(e) => e.code(),
            Error::Process(e) => e.code(),
            Error::Raci(e) => e.code(),
            Error::Continuity(e) => e.code(),
            Error::NoChange(_) => "no-change",
            Error::BatchItem { error, .. } => error.code(),
        }
    }
}
