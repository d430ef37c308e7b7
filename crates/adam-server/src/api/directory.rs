//! The directory: offices, jobs, users, job assignments, groups.
//!
//! Every account may browse; changes are authorised by the engine (a user administrator only
//! inside their office subtree, the system administrator everywhere). Updates need `If-Match`
//! so two administrators editing the same job cannot overwrite each other. Deletion is the
//! seed's two steps: deactivate the user (`DELETE /users/{id}`), then invalidate the job
//! (`DELETE /jobs/{id}`, refused while someone active holds it).
//!
//! The handlers read JSON into `service::directory`'s inputs and call it (the UI's pages call
//! the same functions); a patch is merged with the record as read under `http::update`'s
//! If-Match. Groups have no page, so their two changes are built here.

use super::guard::needs;
use super::{Api, Doc, PageQuery, page};
use crate::authn::{Caller, Scope};
use crate::body::Body;
use crate::error::ApiResult;
use crate::http::{Id, Ids, IfMatch, Params, Tagged, update};
use crate::service::directory as dir;
use crate::state::AppState;
use adam_core::*;
use axum::extract::State;
use axum::http::Method;
use axum::routing::{delete, get, patch, post, put};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

const ANY: &str = "any account with the read scope";
const ADMIN_SCOPE: &str = "the system administrator, or a user administrator within their office subtree (write scope)";

/// Deserialises a field that may be absent (keep), null (clear) or a value (set).
pub fn double<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

pub(crate) fn routes(api: Api) -> Api {
    let t = "directory";
    api.route(
        Method::GET,
        "/api/v1/offices",
        Doc::new(t, "List offices (the organisation tree under Company.main)", ANY)
            .query::<PageQuery>()
            .response::<Page<Office>>(),
        get(needs(Scope::Read, list_offices)),
    )
    .route(
        Method::POST,
        "/api/v1/offices",
        Doc::new(
            t,
            "Create an office with its head (LEADER.<code>) and secretariat jobs",
            ADMIN_SCOPE,
        )
        .body::<NewOffice>()
        .response::<Office>()
        .created(),
        post(needs(Scope::Write, create_office)),
    )
    .route(
        Method::GET,
        "/api/v1/offices/{id}",
        Doc::new(t, "An office with its jobs and sub-offices", ANY)
            .response::<OfficeView>()
            .etag(),
        get(needs(Scope::Read, get_office)),
    )
    .route(
        Method::PATCH,
        "/api/v1/offices/{id}",
        Doc::new(t, "Change an office's name, parent or signing code", ADMIN_SCOPE)
            .body::<OfficePatch>()
            .response::<Office>()
            .etag(),
        patch(needs(Scope::Write, update_office)),
    )
    .route(
        Method::POST,
        "/api/v1/offices/{id}/invalidate",
        Doc::new(
            t,
            "Invalidate an office (all its jobs and sub-offices must be invalid)",
            ADMIN_SCOPE,
        )
        .response::<Office>(),
        post(needs(Scope::Write, invalidate_office)),
    )
    .route(
        Method::POST,
        "/api/v1/offices/{id}/validate",
        Doc::new(t, "Make an invalidated office valid again", ADMIN_SCOPE).response::<Office>(),
        post(needs(Scope::Write, validate_office)),
    )
    .route(
        Method::GET,
        "/api/v1/jobs",
        Doc::new(t, "List jobs, optionally of one office", ANY)
            .query::<JobQuery>()
            .response::<Page<Job>>(),
        get(needs(Scope::Read, list_jobs)),
    )
    .route(
        Method::POST,
        "/api/v1/jobs",
        Doc::new(t, "Create a job in an office", ADMIN_SCOPE)
            .body::<NewJob>()
            .response::<Job>()
            .created(),
        post(needs(Scope::Write, create_job)),
    )
    .route(
        Method::GET,
        "/api/v1/jobs/{id}",
        Doc::new(t, "A job with its occupants", ANY)
            .response::<JobView>()
            .etag(),
        get(needs(Scope::Read, get_job)),
    )
    .route(
        Method::PATCH,
        "/api/v1/jobs/{id}",
        Doc::new(t, "Change a job's signing code, name or office", ADMIN_SCOPE)
            .body::<JobPatch>()
            .response::<Job>()
            .etag(),
        patch(needs(Scope::Write, update_job)),
    )
    .route(
        Method::DELETE,
        "/api/v1/jobs/{id}",
        Doc::new(
            t,
            "Invalidate a job: the second step of deletion, refused while an active user holds it",
            ADMIN_SCOPE,
        )
        .response::<Job>(),
        delete(needs(Scope::Write, invalidate_job)),
    )
    .route(
        Method::POST,
        "/api/v1/jobs/{id}/validate",
        Doc::new(t, "Make an invalidated job valid again", ADMIN_SCOPE).response::<Job>(),
        post(needs(Scope::Write, validate_job)),
    )
    .route(
        Method::GET,
        "/api/v1/users",
        Doc::new(
            t,
            "List or search users (by name, username or signing code of their jobs)",
            ANY,
        )
        .query::<UserQuery>()
        .response::<Page<User>>(),
        get(needs(Scope::Read, list_users)),
    )
    .route(
        Method::POST,
        "/api/v1/users",
        Doc::new(t, "Create an account", ADMIN_SCOPE)
            .body::<NewUser>()
            .response::<User>()
            .created(),
        post(needs(Scope::Write, create_user)),
    )
    .route(
        Method::GET,
        "/api/v1/users/{id}",
        Doc::new(t, "A user", ANY).response::<User>().etag(),
        get(needs(Scope::Read, get_user)),
    )
    .route(
        Method::PATCH,
        "/api/v1/users/{id}",
        Doc::new(t, "Change a user's personal data", ADMIN_SCOPE)
            .body::<UserPatch>()
            .response::<User>()
            .etag(),
        patch(needs(Scope::Write, update_user)),
    )
    .route(
        Method::DELETE,
        "/api/v1/users/{id}",
        Doc::new(
            t,
            "Deactivate a user: the first step of deletion (nothing is erased)",
            ADMIN_SCOPE,
        )
        .response::<User>(),
        delete(needs(Scope::Write, deactivate_user)),
    )
    .route(
        Method::POST,
        "/api/v1/users/{id}/activate",
        Doc::new(t, "Reactivate a deactivated user", ADMIN_SCOPE).response::<User>(),
        post(needs(Scope::Write, activate_user)),
    )
    .route(
        Method::POST,
        "/api/v1/users/{id}/jobs",
        Doc::new(t, "Give a user a job", ADMIN_SCOPE)
            .body::<Assignment>()
            .response::<User>(),
        post(needs(Scope::Write, assign_job)),
    )
    .route(
        Method::DELETE,
        "/api/v1/users/{id}/jobs/{job}",
        Doc::new(t, "Take a job from a user", ADMIN_SCOPE).response::<User>(),
        delete(needs(Scope::Write, unassign_job)),
    )
    .route(
        Method::GET,
        "/api/v1/groups",
        Doc::new(t, "List user groups", ANY)
            .query::<PageQuery>()
            .response::<Page<Group>>(),
        get(needs(Scope::Read, list_groups)),
    )
    .route(
        Method::POST,
        "/api/v1/groups",
        Doc::new(t, "Create a user group", "the system administrator")
            .body::<NewGroup>()
            .response::<Group>()
            .created(),
        post(needs(Scope::Write, create_group)),
    )
    .route(
        Method::GET,
        "/api/v1/groups/{id}",
        Doc::new(t, "A user group", ANY).response::<Group>().etag(),
        get(needs(Scope::Read, get_group)),
    )
    .route(
        Method::PUT,
        "/api/v1/groups/{id}",
        Doc::new(t, "Replace a group's name and members", "the system administrator")
            .body::<GroupUpdate>()
            .response::<Group>()
            .etag(),
        put(needs(Scope::Write, update_group)),
    )
}

// ---- offices ---------------------------------------------------------------------------

/// A new office.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOffice {
    /// Code from the signing plan (`GLPI`).
    pub code: Code,
    /// Name.
    pub name: Text,
    /// Parent office; absent for a top-level office.
    #[serde(default)]
    pub parent: Option<OfficeId>,
    /// Signing code.
    #[serde(default)]
    pub signing_code: Option<SigningCode>,
}

/// Changes to an office; absent fields stay, `null` clears.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficePatch {
    /// Name.
    #[serde(default)]
    pub name: Option<Text>,
    /// Parent office (`null`: top level).
    #[serde(default, deserialize_with = "double")]
    pub parent: Option<Option<OfficeId>>,
    /// Signing code (`null`: none).
    #[serde(default, deserialize_with = "double")]
    pub signing_code: Option<Option<SigningCode>>,
}

/// An office with its jobs and sub-offices.
#[derive(Debug, Serialize, JsonSchema)]
pub struct OfficeView {
    /// The office.
    #[serde(flatten)]
    pub office: Office,
    /// Its jobs.
    pub jobs: Vec<JobId>,
    /// Its direct sub-offices.
    pub children: Vec<OfficeId>,
}

async fn list_offices(
    State(s): State<AppState>,
    _caller: Caller,
    Params(q): Params<PageQuery>,
) -> ApiResult<axum::Json<Page<Office>>> {
    let w = s.world();
    Ok(axum::Json(page(w.offices().iter().cloned(), |o| o.id.0, q)?))
}

async fn create_office(
    State(s): State<AppState>,
    caller: Caller,
    Body(b): Body<NewOffice>,
) -> ApiResult<Tagged<Office>> {
    let input = dir::NewOffice {
        code: b.code,
        name: b.name,
        parent: b.parent,
        signing_code: b.signing_code,
    };
    let id = dir::create_office(&s, &caller, input).await?;
    let office = s.world().office(id)?.clone();
    Ok(Tagged::created_record(office))
}

async fn get_office(State(s): State<AppState>, _caller: Caller, Id(id): Id) -> ApiResult<Tagged<OfficeView>> {
    let w = s.world();
    let office = w.office(OfficeId(id))?.clone();
    let view = OfficeView {
        jobs: w.office_jobs(office.id).to_vec(),
        children: w.office_children(office.id).to_vec(),
        office,
    };
    Ok(Tagged::new(view.office.rev, view))
}

async fn update_office(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    if_match: IfMatch,
    Body(p): Body<OfficePatch>,
) -> ApiResult<Tagged<Office>> {
    let office = OfficeId(id);
    let office = update(&s, &caller, &if_match, office, |current: Office| {
        let change = dir::OfficeChange {
            name: p.name.unwrap_or(current.name),
            parent: p.parent.unwrap_or(current.parent),
            signing_code: p.signing_code.unwrap_or(current.signing_code),
        };
        Ok(change.command(office))
    })
    .await?;
    Ok(Tagged::record(office))
}

async fn set_office_valid(s: AppState, caller: Caller, id: u32, valid: bool) -> ApiResult<Tagged<Office>> {
    let office = OfficeId(id);
    dir::set_office_valid(&s, &caller, office, valid).await?;
    let office = s.world().office(office)?.clone();
    Ok(Tagged::record(office))
}

async fn invalidate_office(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<Tagged<Office>> {
    set_office_valid(s, caller, id, false).await
}

async fn validate_office(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<Tagged<Office>> {
    set_office_valid(s, caller, id, true).await
}

// ---- jobs ------------------------------------------------------------------------------

/// Filters for the job list.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JobQuery {
    /// Only jobs of this office.
    pub office: Option<u32>,
    /// Return items after this id.
    pub after: Option<u32>,
    /// Page size, 1–1000 (default 100).
    pub limit: Option<usize>,
}

/// A new job.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewJob {
    /// Job id (`JOB.0276`).
    pub code: JobCode,
    /// Signing code.
    #[serde(default)]
    pub signing_code: Option<SigningCode>,
    /// Name.
    pub name: Text,
    /// Office.
    pub office: OfficeId,
}

/// Changes to a job; absent fields stay, `null` clears.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JobPatch {
    /// Signing code (`null`: none).
    #[serde(default, deserialize_with = "double")]
    pub signing_code: Option<Option<SigningCode>>,
    /// Name.
    #[serde(default)]
    pub name: Option<Text>,
    /// Office.
    #[serde(default)]
    pub office: Option<OfficeId>,
}

/// A job with whoever holds it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct JobView {
    /// The job.
    #[serde(flatten)]
    pub job: Job,
    /// Users holding it (active or not).
    pub occupants: Vec<UserId>,
}

async fn list_jobs(
    State(s): State<AppState>,
    _caller: Caller,
    Params(q): Params<JobQuery>,
) -> ApiResult<axum::Json<Page<Job>>> {
    let w = s.world();
    let paging = PageQuery {
        after: q.after,
        limit: q.limit,
    };
    let result = match q.office {
        Some(o) => {
            w.office(OfficeId(o))?;
            let mut ids = w.office_jobs(OfficeId(o)).to_vec();
            ids.sort_unstable();
            page(
                ids.into_iter().filter_map(|j| w.job(j).ok().cloned()),
                |j| j.id.0,
                paging,
            )?
        }
        None => page(w.jobs().iter().cloned(), |j| j.id.0, paging)?,
    };
    Ok(axum::Json(result))
}

async fn create_job(State(s): State<AppState>, caller: Caller, Body(b): Body<NewJob>) -> ApiResult<Tagged<Job>> {
    let input = dir::NewJob {
        code: b.code,
        signing_code: b.signing_code,
        name: b.name,
        office: b.office,
    };
    let id = dir::create_job(&s, &caller, input).await?;
    let job = s.world().job(id)?.clone();
    Ok(Tagged::created_record(job))
}

async fn get_job(State(s): State<AppState>, _caller: Caller, Id(id): Id) -> ApiResult<Tagged<JobView>> {
    let w = s.world();
    let job = w.job(JobId(id))?.clone();
    let view = JobView {
        occupants: w.job_occupants(job.id).to_vec(),
        job,
    };
    Ok(Tagged::new(view.job.rev, view))
}

async fn update_job(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    if_match: IfMatch,
    Body(p): Body<JobPatch>,
) -> ApiResult<Tagged<Job>> {
    let job = JobId(id);
    let job = update(&s, &caller, &if_match, job, |current: Job| {
        let change = dir::JobChange {
            signing_code: p.signing_code.unwrap_or(current.signing_code),
            name: p.name.unwrap_or(current.name),
            office: p.office.unwrap_or(current.office),
        };
        Ok(change.command(job))
    })
    .await?;
    Ok(Tagged::record(job))
}

async fn set_job_valid(s: AppState, caller: Caller, id: u32, valid: bool) -> ApiResult<Tagged<Job>> {
    let job = JobId(id);
    dir::set_job_valid(&s, &caller, job, valid).await?;
    let job = s.world().job(job)?.clone();
    Ok(Tagged::record(job))
}

async fn invalidate_job(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<Tagged<Job>> {
    set_job_valid(s, caller, id, false).await
}

async fn validate_job(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<Tagged<Job>> {
    set_job_valid(s, caller, id, true).await
}

// ---- users -----------------------------------------------------------------------------

/// Filters for the user list.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserQuery {
    /// Only users holding a job in this office.
    pub office: Option<u32>,
    /// Text to look for in the username, the names or the signing codes of the user's jobs
    /// (case-insensitive).
    pub q: Option<String>,
    /// Return items after this id.
    pub after: Option<u32>,
    /// Page size, 1–1000 (default 100).
    pub limit: Option<usize>,
}

/// A new account.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// Username.
    pub username: Username,
    /// Account kind (default `user`).
    #[serde(default = "default_kind")]
    pub kind: AccountKind,
    /// Title.
    #[serde(default)]
    pub title: Option<Text>,
    /// First name.
    pub first_name: Text,
    /// Last name.
    pub last_name: Text,
    /// Gender.
    #[serde(default)]
    pub gender: Gender,
    /// E-mail address (mandatory: password links go there).
    pub email: Email,
    /// Phone.
    #[serde(default)]
    pub phone: Option<Phone>,
    /// Jobs to hold.
    #[serde(default)]
    pub jobs: Vec<JobId>,
}

fn default_kind() -> AccountKind {
    AccountKind::User
}

/// Changes to a user's personal data; absent fields stay, `null` clears.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    /// Title (`null`: none).
    #[serde(default, deserialize_with = "double")]
    pub title: Option<Option<Text>>,
    /// First name.
    #[serde(default)]
    pub first_name: Option<Text>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<Text>,
    /// Gender.
    #[serde(default)]
    pub gender: Option<Gender>,
    /// E-mail address.
    #[serde(default)]
    pub email: Option<Email>,
    /// Phone (`null`: none).
    #[serde(default, deserialize_with = "double")]
    pub phone: Option<Option<Phone>>,
}

/// A job to give.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    /// The job.
    pub job: JobId,
}

fn matches_text(w: &World, u: &User, needle: &str) -> bool {
    let hay = |s: &str| s.to_lowercase().contains(needle);
    hay(u.username.as_str())
        || hay(u.first_name.as_str())
        || hay(u.last_name.as_str())
        || hay(&u.display_name())
        || u.jobs
            .iter()
            .filter_map(|j| w.job(*j).ok())
            .any(|j| hay(j.code.as_str()) || j.signing_code.as_ref().is_some_and(|s| hay(s.as_str())))
}

async fn list_users(
    State(s): State<AppState>,
    _caller: Caller,
    Params(q): Params<UserQuery>,
) -> ApiResult<axum::Json<Page<User>>> {
    let w = s.world();
    if let Some(o) = q.office {
        w.office(OfficeId(o))?;
    }
    let needle =
        q.q.as_deref()
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty());
    let users = w.users().iter().filter(|u| {
        q.office
            .is_none_or(|o| u.jobs.iter().any(|j| w.job(*j).is_ok_and(|j| j.office == OfficeId(o))))
            && needle.as_deref().is_none_or(|n| matches_text(&w, u, n))
    });
    let paging = PageQuery {
        after: q.after,
        limit: q.limit,
    };
    Ok(axum::Json(page(users.cloned(), |u| u.id.0, paging)?))
}

async fn create_user(State(s): State<AppState>, caller: Caller, Body(b): Body<NewUser>) -> ApiResult<Tagged<User>> {
    let input = dir::NewUser {
        username: b.username,
        kind: b.kind,
        title: b.title,
        first_name: b.first_name,
        last_name: b.last_name,
        gender: b.gender,
        email: b.email,
        phone: b.phone,
        jobs: b.jobs,
    };
    let id = dir::create_user(&s, &caller, input).await?;
    let user = s.world().user(id)?.clone();
    Ok(Tagged::created_record(user))
}

async fn get_user(State(s): State<AppState>, _caller: Caller, Id(id): Id) -> ApiResult<Tagged<User>> {
    let user = s.world().user(UserId(id))?.clone();
    Ok(Tagged::record(user))
}

async fn update_user(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    if_match: IfMatch,
    Body(p): Body<UserPatch>,
) -> ApiResult<Tagged<User>> {
    let user = UserId(id);
    let user = update(&s, &caller, &if_match, user, |current: User| {
        let change = dir::UserChange {
            title: p.title.unwrap_or(current.title),
            first_name: p.first_name.unwrap_or(current.first_name),
            last_name: p.last_name.unwrap_or(current.last_name),
            gender: p.gender.unwrap_or(current.gender),
            email: p.email.unwrap_or(current.email),
            phone: p.phone.unwrap_or(current.phone),
        };
        Ok(change.command(user))
    })
    .await?;
    Ok(Tagged::record(user))
}

/// The user as they are after a change made to them.
fn user_after(s: &AppState, user: UserId) -> ApiResult<Tagged<User>> {
    let user = s.world().user(user)?.clone();
    Ok(Tagged::record(user))
}

async fn deactivate_user(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<Tagged<User>> {
    let user = UserId(id);
    dir::set_user_active(&s, &caller, user, false).await?;
    user_after(&s, user)
}

async fn activate_user(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<Tagged<User>> {
    let user = UserId(id);
    dir::set_user_active(&s, &caller, user, true).await?;
    user_after(&s, user)
}

async fn assign_job(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(b): Body<Assignment>,
) -> ApiResult<Tagged<User>> {
    let user = UserId(id);
    dir::assign_job(&s, &caller, user, b.job).await?;
    user_after(&s, user)
}

async fn unassign_job(State(s): State<AppState>, caller: Caller, Ids(id, job): Ids) -> ApiResult<Tagged<User>> {
    let user = UserId(id);
    dir::unassign_job(&s, &caller, user, JobId(job)).await?;
    user_after(&s, user)
}

// ---- groups ----------------------------------------------------------------------------

/// A new group.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGroup {
    /// Code.
    pub code: Code,
    /// Name.
    pub name: Text,
    /// Users.
    #[serde(default)]
    pub users: Vec<UserId>,
    /// Jobs.
    #[serde(default)]
    pub jobs: Vec<JobId>,
}

/// A group's new name and members.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupUpdate {
    /// Name.
    pub name: Text,
    /// Users.
    pub users: Vec<UserId>,
    /// Jobs.
    pub jobs: Vec<JobId>,
}

async fn list_groups(
    State(s): State<AppState>,
    _caller: Caller,
    Params(q): Params<PageQuery>,
) -> ApiResult<axum::Json<Page<Group>>> {
    let w = s.world();
    Ok(axum::Json(page(w.groups().iter().cloned(), |g| g.id.0, q)?))
}

async fn create_group(State(s): State<AppState>, caller: Caller, Body(b): Body<NewGroup>) -> ApiResult<Tagged<Group>> {
    let members = dir::GroupMembers {
        name: b.name,
        users: b.users,
        jobs: b.jobs,
    };
    let id = dir::create_group(&s, &caller, b.code, members).await?;
    let group = s.world().group(id)?.clone();
    Ok(Tagged::created_record(group))
}

async fn get_group(State(s): State<AppState>, _caller: Caller, Id(id): Id) -> ApiResult<Tagged<Group>> {
    let group = s.world().group(GroupId(id))?.clone();
    Ok(Tagged::record(group))
}

async fn update_group(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    if_match: IfMatch,
    Body(b): Body<GroupUpdate>,
) -> ApiResult<Tagged<Group>> {
    let group = GroupId(id);
    let group = update(&s, &caller, &if_match, group, |_: Group| {
        let members = dir::GroupMembers {
            name: b.name,
            users: b.users,
            jobs: b.jobs,
        };
        Ok(members.command(group))
    })
    .await?;
    Ok(Tagged::record(group))
}
