//! Applications, roles and grants.
//!
//! Application and user roles are visible to every account (the role tree); system roles only
//! to the system administrator. Only the system administrator registers applications and
//! changes what a role contains; user administrators switch roles on and off by creating and
//! revoking grants, within their offices. A grant is shown with its status at the time of the
//! request (WAITING, ACTIVE or EXPIRED).

use super::directory::if_unchanged;
use super::{Api, Doc, PageQuery, page};
use crate::auth::{Caller, Scope};
use crate::body::Body;
use crate::error::{ApiResult, WebError};
use crate::http::{Id, Params, created, if_match, tagged};
use crate::state::AppState;
use adam_core::*;
use axum::extract::State;
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use axum::routing::{delete, get, patch, post};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

const ANY: &str = "any account with the read scope";
const SYSADMIN: &str = "the system administrator";

pub(crate) fn routes(api: Api) -> Api {
    let t = "roles";
    api.route(
        Method::GET,
        "/api/v1/applications",
        Doc::new(t, "List applications", ANY)
            .query::<PageQuery>()
            .response::<Page<Application>>(),
        get(list_apps),
    )
    .route(
        Method::POST,
        "/api/v1/applications",
        Doc::new(t, "Register an application", SYSADMIN)
            .body::<NewApplication>()
            .response::<Application>()
            .created(),
        post(create_app),
    )
    .route(
        Method::GET,
        "/api/v1/applications/{id}",
        Doc::new(t, "An application", ANY).response::<Application>().etag(),
        get(get_app),
    )
    .route(
        Method::PATCH,
        "/api/v1/applications/{id}",
        Doc::new(t, "Change an application's name or writing role", SYSADMIN)
            .body::<ApplicationPatch>()
            .response::<Application>()
            .etag(),
        patch(update_app),
    )
    .route(
        Method::GET,
        "/api/v1/roles",
        Doc::new(t, "List roles (system roles only for the system administrator)", ANY)
            .query::<PageQuery>()
            .response::<Page<Role>>(),
        get(list_roles),
    )
    .route(
        Method::POST,
        "/api/v1/roles",
        Doc::new(t, "Create an application or user role", SYSADMIN)
            .body::<NewRole>()
            .response::<Role>()
            .created(),
        post(create_role),
    )
    .route(
        Method::GET,
        "/api/v1/roles/{id}",
        Doc::new(t, "A role with every role inside it", ANY)
            .response::<RoleView>()
            .etag(),
        get(get_role),
    )
    .route(
        Method::PATCH,
        "/api/v1/roles/{id}",
        Doc::new(
            t,
            "Change a role's description, application-wide level or contents",
            SYSADMIN,
        )
        .body::<RolePatch>()
        .response::<Role>()
        .etag(),
        patch(update_role),
    )
    .route(
        Method::GET,
        "/api/v1/grants",
        Doc::new(
            t,
            "List grants with their status now",
            "administrators and service accounts; other users for themselves and their jobs",
        )
        .query::<GrantQuery>()
        .response::<Page<GrantView>>(),
        get(list_grants),
    )
    .route(
        Method::POST,
        "/api/v1/grants",
        Doc::new(
            t,
            "Grant a role, optionally valid from/to a date",
            "the system administrator; a user administrator for application and user roles within their offices",
        )
        .body::<NewGrant>()
        .response::<GrantView>()
        .created(),
        post(create_grant),
    )
    .route(
        Method::GET,
        "/api/v1/grants/{id}",
        Doc::new(t, "A grant with its status now", "as for the list")
            .response::<GrantView>()
            .etag(),
        get(get_grant),
    )
    .route(
        Method::PATCH,
        "/api/v1/grants/{id}",
        Doc::new(t, "Change a grant's validity window or reference", "as for granting")
            .body::<GrantPatch>()
            .response::<GrantView>()
            .etag(),
        patch(update_grant),
    )
    .route(
        Method::DELETE,
        "/api/v1/grants/{id}",
        Doc::new(t, "Revoke a grant", "as for granting").response::<RevokedGrant>(),
        delete(revoke_grant),
    )
    .route(
        Method::GET,
        "/api/v1/users/{id}/roles",
        Doc::new(
            t,
            "Every role a user holds at an instant, each with a grant that gives it",
            "the user themself, administrators and service accounts",
        )
        .query::<AtQuery>()
        .response::<Vec<HeldRole>>(),
        get(user_roles),
    )
}

/// Whether the caller administers something (system or user administrator) or is a service.
pub(crate) fn is_administrator(s: &AppState, caller: &Caller) -> bool {
    if caller.kind != AccountKind::User {
        return true;
    }
    let w = s.world();
    matches!(
        w.authority(&caller.actor(None), s.now()),
        Ok(Authority::Full | Authority::UserAdmin(_))
    )
}

// ---- applications ------------------------------------------------------------------------

/// A new application.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApplication {
    /// Code (`VOPI`).
    pub code: Code,
    /// Name.
    pub name: Text,
}

/// Changes to an application.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationPatch {
    /// Name.
    #[serde(default)]
    pub name: Option<Text>,
    /// Writing role (`null`: none, so nobody may create records).
    #[serde(default, deserialize_with = "super::directory::double")]
    pub writer_role: Option<Option<RoleId>>,
}

async fn list_apps(
    State(s): State<AppState>,
    caller: Caller,
    Params(q): Params<PageQuery>,
) -> ApiResult<axum::Json<Page<Application>>> {
    caller.require(Scope::Read)?;
    let w = s.world();
    Ok(axum::Json(page(w.applications().iter().cloned(), |a| a.id.0, q)?))
}

async fn create_app(State(s): State<AppState>, caller: Caller, Body(b): Body<NewApplication>) -> ApiResult<Response> {
    caller.require(Scope::Write)?;
    let plan = s
        .execute(
            &caller,
            None,
            Command::CreateApplication {
                code: b.code,
                name: b.name,
            },
        )
        .await?;
    let Some(Created::Application(id)) = plan.created else {
        return Err(WebError::internal(&"application not created"));
    };
    let app = s.world().application(id)?.clone();
    Ok(created(app.rev, &app))
}

async fn get_app(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<Response> {
    caller.require(Scope::Read)?;
    let app = s.world().application(AppId(id))?.clone();
    Ok(tagged(app.rev, &app))
}

async fn update_app(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
    Body(p): Body<ApplicationPatch>,
) -> ApiResult<Response> {
    caller.require(Scope::Write)?;
    let app = AppId(id);
    let current = s.world().application(app)?.clone();
    if_match(&headers, current.rev)?;
    let command = Command::UpdateApplication {
        app,
        name: p.name.unwrap_or(current.name),
        writer_role: p.writer_role.unwrap_or(current.writer_role),
    };
    let rev = current.rev;
    s.execute_guarded(&caller, None, command, move |w| {
        if_unchanged(w.application(app)?.rev, rev)
    })
    .await?;
    let app = s.world().application(app)?.clone();
    Ok(tagged(app.rev, &app))
}

// ---- roles -------------------------------------------------------------------------------

/// A new role.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRole {
    /// Code (`DAPA_run`, `VOPI/Glavna pisarna`).
    pub code: RoleCode,
    /// `application` or `user`.
    pub kind: RoleKind,
    /// The application (required for application roles).
    #[serde(default)]
    pub app: Option<AppId>,
    /// Description shown beside the checkbox.
    pub description: Text,
    /// For application roles: the level holders get on every object of the application.
    #[serde(default)]
    pub object_level: Option<Level>,
    /// For user roles: the roles inside it.
    #[serde(default)]
    pub members: Vec<RoleId>,
}

/// Changes to a role.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RolePatch {
    /// Description.
    #[serde(default)]
    pub description: Option<Text>,
    /// Application-wide level (`null`: none).
    #[serde(default, deserialize_with = "super::directory::double")]
    pub object_level: Option<Option<Level>>,
    /// The roles inside it (replaces the list).
    #[serde(default)]
    pub members: Option<Vec<RoleId>>,
}

/// A role and everything inside it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RoleView {
    /// The role.
    #[serde(flatten)]
    pub role: Role,
    /// The role and every role inside it, transitively.
    pub closure: Vec<RoleId>,
}

fn sees_system_roles(caller: &Caller) -> bool {
    caller.kind == AccountKind::Admin
}

async fn list_roles(
    State(s): State<AppState>,
    caller: Caller,
    Params(q): Params<PageQuery>,
) -> ApiResult<axum::Json<Page<Role>>> {
    caller.require(Scope::Read)?;
    let w = s.world();
    let all = sees_system_roles(&caller);
    let roles = w.roles().iter().filter(|r| all || r.kind != RoleKind::System).cloned();
    Ok(axum::Json(page(roles, |r| r.id.0, q)?))
}

async fn create_role(State(s): State<AppState>, caller: Caller, Body(b): Body<NewRole>) -> ApiResult<Response> {
    caller.require(Scope::Write)?;
    let command = Command::CreateRole {
        code: b.code,
        kind: b.kind,
        app: b.app,
        description: b.description,
        object_level: b.object_level,
        members: b.members,
    };
    let plan = s.execute(&caller, None, command).await?;
    let Some(Created::Role(id)) = plan.created else {
        return Err(WebError::internal(&"role not created"));
    };
    let role = s.world().role(id)?.clone();
    Ok(created(role.rev, &role))
}

async fn get_role(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<Response> {
    may_read_role(&s, &caller, RoleId(id))?;
    let w = s.world();
    let role = w.role(RoleId(id))?.clone();
    let view = RoleView {
        closure: w.role_closure(role.id).to_vec(),
        role,
    };
    Ok(tagged(view.role.rev, &view))
}

async fn update_role(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
    Body(p): Body<RolePatch>,
) -> ApiResult<Response> {
    caller.require(Scope::Write)?;
    let role = RoleId(id);
    let current = s.world().role(role)?.clone();
    if_match(&headers, current.rev)?;
    let command = Command::UpdateRole {
        role,
        description: p.description.unwrap_or(current.description),
        object_level: p.object_level.unwrap_or(current.object_level),
        members: p.members.unwrap_or(current.members),
    };
    let rev = current.rev;
    s.execute_guarded(&caller, None, command, move |w| if_unchanged(w.role(role)?.rev, rev))
        .await?;
    let role = s.world().role(role)?.clone();
    Ok(tagged(role.rev, &role))
}

// ---- grants ------------------------------------------------------------------------------

/// A grant and its status at the time of the request.
#[derive(Debug, Serialize, JsonSchema)]
pub struct GrantView {
    /// The grant.
    #[serde(flatten)]
    pub grant: Grant,
    /// WAITING, ACTIVE or EXPIRED now.
    pub status: WindowStatus,
}

/// The grant that was revoked.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RevokedGrant {
    /// The grant as it was.
    pub revoked: Grant,
    /// The revision that revoked it.
    pub revision: Revision,
}

/// Filters for the grant list.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantQuery {
    /// Grants given directly to this user.
    pub user: Option<u32>,
    /// Grants given to this job.
    pub job: Option<u32>,
    /// Grants given to this office.
    pub office: Option<u32>,
    /// Grants of this role.
    pub role: Option<u32>,
    /// Return items after this id.
    pub after: Option<u32>,
    /// Page size, 1–1000 (default 100).
    pub limit: Option<usize>,
}

/// A new grant.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGrant {
    /// The role.
    pub role: RoleId,
    /// To whom: `{"type":"user","id":5}`, `job`, `office` or `{"type":"everyone"}`.
    pub grantee: Grantee,
    /// Valid from (inclusive).
    #[serde(default)]
    pub valid_from: Option<Timestamp>,
    /// Valid until (exclusive).
    #[serde(default)]
    pub valid_to: Option<Timestamp>,
    /// For a user-administrator grant: the office subtree it covers.
    #[serde(default)]
    pub scope: Option<OfficeId>,
    /// The request reference it was made on.
    #[serde(default)]
    pub reference: Option<Text>,
}

/// Changes to a grant.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantPatch {
    /// Valid from (`null`: open).
    #[serde(default, deserialize_with = "super::directory::double")]
    pub valid_from: Option<Option<Timestamp>>,
    /// Valid until (`null`: open).
    #[serde(default, deserialize_with = "super::directory::double")]
    pub valid_to: Option<Option<Timestamp>>,
    /// Reference (`null`: none).
    #[serde(default, deserialize_with = "super::directory::double")]
    pub reference: Option<Option<Text>>,
}

/// When to evaluate.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AtQuery {
    /// The instant (default: now).
    pub at: Option<Timestamp>,
}

/// A role held, with one grant that gives it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct HeldRole {
    /// The role.
    pub role: RoleId,
    /// Its code.
    pub code: RoleCode,
    /// The grant (possibly of a role containing it).
    pub grant: GrantId,
}

fn view(g: &Grant, at: Timestamp) -> GrantView {
    GrantView {
        status: g.window.status(at),
        grant: g.clone(),
    }
}

/// Whether a non-administrator may see this grant: it is theirs or their job's.
fn own_grant(w: &World, caller: &Caller, g: &Grant) -> bool {
    match g.grantee {
        Grantee::User(u) => u == caller.user,
        Grantee::Job(j) => w.user(caller.user).is_ok_and(|me| me.jobs.contains(&j)),
        _ => false,
    }
}

async fn list_grants(
    State(s): State<AppState>,
    caller: Caller,
    Params(q): Params<GrantQuery>,
) -> ApiResult<axum::Json<Page<GrantView>>> {
    caller.require(Scope::Read)?;
    let admin = is_administrator(&s, &caller);
    let now = s.now();
    let w = s.world();
    if !admin {
        let asks_for_self = q.user == Some(caller.user.0)
            || q.job
                .is_some_and(|j| w.user(caller.user).is_ok_and(|me| me.jobs.contains(&JobId(j))));
        if !asks_for_self {
            return Err(WebError::forbidden(
                "not-your-grants",
                "you may list your own grants (user=<your id>) or your jobs' (job=<id>); administrators see all",
            ));
        }
    }
    let grants = w.grants().filter(|g| {
        q.user.is_none_or(|u| g.grantee == Grantee::User(UserId(u)))
            && q.job.is_none_or(|j| g.grantee == Grantee::Job(JobId(j)))
            && q.office.is_none_or(|o| g.grantee == Grantee::Office(OfficeId(o)))
            && q.role.is_none_or(|r| g.role == RoleId(r))
            && (admin || own_grant(&w, &caller, g))
    });
    let paging = PageQuery {
        after: q.after,
        limit: q.limit,
    };
    Ok(axum::Json(page(
        grants.map(|g| view(g, now)),
        |v| v.grant.id.0,
        paging,
    )?))
}

async fn create_grant(State(s): State<AppState>, caller: Caller, Body(b): Body<NewGrant>) -> ApiResult<Response> {
    caller.require(Scope::Write)?;
    let window = Window::new(b.valid_from, b.valid_to)?;
    let command = Command::Grant {
        role: b.role,
        grantee: b.grantee,
        window,
        scope: b.scope,
        reference: b.reference,
    };
    let plan = s.execute(&caller, None, command).await?;
    let Some(Created::Grant(id)) = plan.created else {
        return Err(WebError::internal(&"grant not created"));
    };
    let grant = view(s.world().grant(id)?, s.now());
    Ok(created(grant.grant.rev, &grant))
}

/// Whether the caller may read a grant — the rule of `GET /api/v1/grants/{id}`, also used for
/// its history: administrators and service accounts any grant, others their own and their
/// jobs'. A grant no longer in force (revoked) is read by administrators only.
pub(crate) fn may_read_grant(s: &AppState, caller: &Caller, id: GrantId) -> ApiResult<()> {
    caller.require(Scope::Read)?;
    let admin = is_administrator(s, caller);
    let w = s.world();
    let own = match w.grant(id) {
        Ok(grant) => own_grant(&w, caller, grant),
        Err(e) if !admin => return Err(e.into()),
        Err(_) => false,
    };
    if admin || own {
        Ok(())
    } else {
        Err(WebError::forbidden(
            "not-your-grants",
            "this grant is not yours or your job's",
        ))
    }
}

/// Whether the caller sees a role — the rule of `GET /api/v1/roles/{id}`, also used for its
/// history: system roles only the system administrator.
pub(crate) fn may_read_role(s: &AppState, caller: &Caller, id: RoleId) -> ApiResult<()> {
    caller.require(Scope::Read)?;
    let w = s.world();
    let role = w.role(id)?;
    if role.kind == RoleKind::System && !sees_system_roles(caller) {
        return Err(WebError::forbidden(
            "system-role",
            "system roles are shown to the system administrator only",
        ));
    }
    Ok(())
}

async fn get_grant(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<Response> {
    may_read_grant(&s, &caller, GrantId(id))?;
    let now = s.now();
    let w = s.world();
    let v = view(w.grant(GrantId(id))?, now);
    Ok(tagged(v.grant.rev, &v))
}

async fn update_grant(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
    Body(p): Body<GrantPatch>,
) -> ApiResult<Response> {
    caller.require(Scope::Write)?;
    let grant = GrantId(id);
    let current = s.world().grant(grant)?.clone();
    if_match(&headers, current.rev)?;
    let window = Window::new(
        p.valid_from.unwrap_or(current.window.from),
        p.valid_to.unwrap_or(current.window.to),
    )?;
    let command = Command::UpdateGrant {
        grant,
        window,
        reference: p.reference.unwrap_or(current.reference),
    };
    let rev = current.rev;
    s.execute_guarded(&caller, None, command, move |w| if_unchanged(w.grant(grant)?.rev, rev))
        .await?;
    let v = view(s.world().grant(grant)?, s.now());
    Ok(tagged(v.grant.rev, &v))
}

async fn revoke_grant(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<axum::Json<RevokedGrant>> {
    caller.require(Scope::Write)?;
    let grant = GrantId(id);
    let old = s.world().grant(grant)?.clone();
    let plan = s.execute(&caller, None, Command::Revoke { grant }).await?;
    Ok(axum::Json(RevokedGrant {
        revoked: old,
        revision: plan.revision(),
    }))
}

async fn user_roles(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Params(q): Params<AtQuery>,
) -> ApiResult<axum::Json<Vec<HeldRole>>> {
    caller.require(Scope::Read)?;
    if caller.user.0 != id && !is_administrator(&s, &caller) {
        return Err(WebError::forbidden(
            "not-yourself",
            "you may see your own roles; administrators see anyone's",
        ));
    }
    let at = q.at.unwrap_or_else(|| s.now());
    let w = s.world();
    let held = w.effective_roles(UserId(id), at)?;
    Ok(axum::Json(
        held.into_iter()
            .filter_map(|(role, grant)| {
                let r = w.role(role).ok()?;
                Some(HeldRole {
                    role,
                    code: r.code.clone(),
                    grant,
                })
            })
            .collect(),
    ))
}
