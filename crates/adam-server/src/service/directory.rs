//! The directory's changes: offices, jobs and users created, changed, switched valid or active,
//! jobs given to and taken from people, and groups created and changed.
//!
//! The API (`api/directory.rs`) and the UI (`ui/office.rs`, `ui/job.rs`, `ui/user.rs`) each
//! read their own input — JSON bodies and patches, HTML forms — into the plain, already-parsed
//! values below, and call these functions, so what a directory change *is* (which `Command`,
//! with which fields) is written once. Who may make it is the engine's question, asked by
//! `AppState::execute`; these functions check no scope, as each adapter already has (the API
//! where the route is declared, the UI before it reads the form), and the order in which a
//! request is refused stays the adapter's.
//!
//! A change to a record someone may have changed meanwhile takes a `guard`, checked under the
//! writer lock right before planning: the API passes its If-Match check (through
//! `http::update`, which reads the record the patch is merged into), a page the revision it
//! showed. Each keeps its own refusal (`stale-revision`, `stale`) and words.

use crate::authn::Caller;
use crate::error::ApiResult;
use crate::state::AppState;
use adam_core::*;

/// No precondition: the change is planned against whatever is current.
pub fn no_guard(_: &World) -> ApiResult<()> {
    Ok(())
}

// ---- offices ---------------------------------------------------------------------------

/// A new office; the engine gives it its head (`LEADER.<code>`) and secretariat jobs.
#[derive(Debug, Clone)]
pub struct NewOffice {
    /// Code from the signing plan (`GLPI`).
    pub code: Code,
    /// Name.
    pub name: Text,
    /// Parent office; `None` for the top, under `Company.main`.
    pub parent: Option<OfficeId>,
    /// Signing code.
    pub signing_code: Option<SigningCode>,
}

/// An office as it is to be: every field, as a patch merged with what is stored or a form
/// gives it.
#[derive(Debug, Clone)]
pub struct OfficeChange {
    /// Name.
    pub name: Text,
    /// Parent office (`None`: the top).
    pub parent: Option<OfficeId>,
    /// Signing code (`None`: none).
    pub signing_code: Option<SigningCode>,
}

impl OfficeChange {
    /// The command that makes `office` so (the API's `http::update` runs it under If-Match).
    pub fn command(self, office: OfficeId) -> Command {
        Command::UpdateOffice {
            office,
            name: self.name,
            parent: self.parent,
            signing_code: self.signing_code,
        }
    }
}

/// Creates an office; its id.
pub async fn create_office(s: &AppState, caller: &Caller, input: NewOffice) -> ApiResult<OfficeId> {
    let command = Command::CreateOffice {
        code: input.code,
        name: input.name,
        parent: input.parent,
        signing_code: input.signing_code,
    };
    let plan = s.execute(caller, None, command).await?;
    crate::service::created(&plan)
}

/// Changes an office's name, parent and signing code, provided `guard` holds.
pub async fn update_office(
    s: &AppState,
    caller: &Caller,
    office: OfficeId,
    input: OfficeChange,
    guard: impl Fn(&World) -> ApiResult<()> + Send + 'static,
) -> ApiResult<Plan> {
    s.execute_guarded(caller, None, input.command(office), guard).await
}

/// The command that makes an office valid again or invalidates it: a page asks first before
/// invalidating (`ui/confirm.rs` plans it without running it).
pub fn office_validity(office: OfficeId, valid: bool) -> Command {
    Command::SetOfficeValid { office, valid }
}

/// Makes an office valid again, or invalidates it (refused while a job or sub-office in it is
/// valid).
pub async fn set_office_valid(s: &AppState, caller: &Caller, office: OfficeId, valid: bool) -> ApiResult<Plan> {
    s.execute(caller, None, office_validity(office, valid)).await
}

// ---- jobs ------------------------------------------------------------------------------

/// A new job in an office.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// Job id (`JOB.0276`).
    pub code: JobCode,
    /// Signing code.
    pub signing_code: Option<SigningCode>,
    /// Name.
    pub name: Text,
    /// Office.
    pub office: OfficeId,
}

/// A job as it is to be (a page keeps the office; the API may move it).
#[derive(Debug, Clone)]
pub struct JobChange {
    /// Signing code (`None`: none).
    pub signing_code: Option<SigningCode>,
    /// Name.
    pub name: Text,
    /// Office.
    pub office: OfficeId,
}

impl JobChange {
    /// The command that makes `job` so (the API's `http::update` runs it under If-Match).
    pub fn command(self, job: JobId) -> Command {
        Command::UpdateJob {
            job,
            signing_code: self.signing_code,
            name: self.name,
            office: self.office,
        }
    }
}

/// Creates a job; its id.
pub async fn create_job(s: &AppState, caller: &Caller, input: NewJob) -> ApiResult<JobId> {
    let command = Command::CreateJob {
        code: input.code,
        signing_code: input.signing_code,
        name: input.name,
        office: input.office,
    };
    let plan = s.execute(caller, None, command).await?;
    crate::service::created(&plan)
}

/// Changes a job's signing code, name and office, provided `guard` holds.
pub async fn update_job(
    s: &AppState,
    caller: &Caller,
    job: JobId,
    input: JobChange,
    guard: impl Fn(&World) -> ApiResult<()> + Send + 'static,
) -> ApiResult<Plan> {
    s.execute_guarded(caller, None, input.command(job), guard).await
}

/// The command that makes a job valid again or invalidates it (asked first, as for an office).
pub fn job_validity(job: JobId, valid: bool) -> Command {
    Command::SetJobValid { job, valid }
}

/// Makes a job valid again, or invalidates it (the second step of deletion, refused while an
/// active user holds it).
pub async fn set_job_valid(s: &AppState, caller: &Caller, job: JobId, valid: bool) -> ApiResult<Plan> {
    s.execute(caller, None, job_validity(job, valid)).await
}

// ---- users -----------------------------------------------------------------------------

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Username.
    pub username: Username,
    /// Account kind.
    pub kind: AccountKind,
    /// Title.
    pub title: Option<Text>,
    /// First name.
    pub first_name: Text,
    /// Last name.
    pub last_name: Text,
    /// Gender.
    pub gender: Gender,
    /// E-mail address.
    pub email: Email,
    /// Phone.
    pub phone: Option<Phone>,
    /// Jobs to hold.
    pub jobs: Vec<JobId>,
}

/// A person's data as it is to be.
#[derive(Debug, Clone)]
pub struct UserChange {
    /// Title (`None`: none).
    pub title: Option<Text>,
    /// First name.
    pub first_name: Text,
    /// Last name.
    pub last_name: Text,
    /// Gender.
    pub gender: Gender,
    /// E-mail address.
    pub email: Email,
    /// Phone (`None`: none).
    pub phone: Option<Phone>,
}

impl UserChange {
    /// The command that makes `user` so (the API's `http::update` runs it under If-Match).
    pub fn command(self, user: UserId) -> Command {
        Command::UpdateUser {
            user,
            title: self.title,
            first_name: self.first_name,
            last_name: self.last_name,
            gender: self.gender,
            email: self.email,
            phone: self.phone,
        }
    }
}

/// Creates an account; its id. (A page creates a person in a job, with a temporary password,
/// through `service::setup::create_person`.)
pub async fn create_user(s: &AppState, caller: &Caller, input: NewUser) -> ApiResult<UserId> {
    let command = Command::CreateUser {
        username: input.username,
        kind: input.kind,
        title: input.title,
        first_name: input.first_name,
        last_name: input.last_name,
        gender: input.gender,
        email: input.email,
        phone: input.phone,
        jobs: input.jobs,
    };
    let plan = s.execute(caller, None, command).await?;
    crate::service::created(&plan)
}

/// Changes a person's data, provided `guard` holds.
pub async fn update_user(
    s: &AppState,
    caller: &Caller,
    user: UserId,
    input: UserChange,
    guard: impl Fn(&World) -> ApiResult<()> + Send + 'static,
) -> ApiResult<Plan> {
    s.execute_guarded(caller, None, input.command(user), guard).await
}

/// The command that reactivates or deactivates a person (asked first, as for an office).
pub fn activation(user: UserId, active: bool) -> Command {
    Command::SetUserActive { user, active }
}

/// Reactivates a person, or deactivates them (the first step of deletion: nothing is erased).
pub async fn set_user_active(s: &AppState, caller: &Caller, user: UserId, active: bool) -> ApiResult<Plan> {
    s.execute(caller, None, activation(user, active)).await
}

/// Gives `user` the job `job`.
pub async fn assign_job(s: &AppState, caller: &Caller, user: UserId, job: JobId) -> ApiResult<Plan> {
    s.execute(caller, None, Command::AssignJob { user, job }).await
}

/// The command that takes `job` from `user`: a page asks first whether it would take the
/// caller's own power (`ui/confirm.rs` plans it without running it).
pub fn unassignment(user: UserId, job: JobId) -> Command {
    Command::UnassignJob { user, job }
}

/// Takes `job` from `user`.
pub async fn unassign_job(s: &AppState, caller: &Caller, user: UserId, job: JobId) -> ApiResult<Plan> {
    s.execute(caller, None, unassignment(user, job)).await
}

// ---- groups ----------------------------------------------------------------------------

/// A group's name and members, new or as they are to be.
#[derive(Debug, Clone)]
pub struct GroupMembers {
    /// Name.
    pub name: Text,
    /// Users.
    pub users: Vec<UserId>,
    /// Jobs.
    pub jobs: Vec<JobId>,
}

impl GroupMembers {
    /// The command that makes `group` so, replacing its name and members (the API's
    /// `http::update` runs it under If-Match).
    pub fn command(self, group: GroupId) -> Command {
        Command::UpdateGroup {
            group,
            name: self.name,
            users: self.users,
            jobs: self.jobs,
        }
    }
}

/// Creates a group with code `code`; its id.
pub async fn create_group(s: &AppState, caller: &Caller, code: Code, input: GroupMembers) -> ApiResult<GroupId> {
    let command = Command::CreateGroup {
        code,
        name: input.name,
        users: input.users,
        jobs: input.jobs,
    };
    let plan = s.execute(caller, None, command).await?;
    crate::service::created(&plan)
}
