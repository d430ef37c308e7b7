//! Applications, roles and grants.
//!
//! Application and user roles are visible to every account (the role tree); system roles only
//! to the system administrator. Only the system administrator registers applications and
//! changes what a role contains; user administrators switch roles on and off by creating and
//! revoking grants, within their offices. A grant is shown with its status at the time of the
//! request (WAITING, ACTIVE or EXPIRED).

use super::guard::needs;
use super::{Api, Doc, PageQuery, page};
use crate::authn::{Caller, Scope};
use crate::body::Body;
use crate::error::{ApiResult, WebError};
use crate::http::{Id, IfMatch, Params, Tagged, update};
use crate::service::grants;
use crate::service::roles::*;
use crate::state::AppState;
use adam_core::*;
use axum::extract::State;
use axum::http::Method;
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
        get(needs(Scope::Read, list_apps)),
    )
    .route(
        Method::POST,
        "/api/v1/applications",
        Doc::new(t, "Register an application", SYSADMIN)
            .body::<NewApplication>()
            .response::<Application>()
            .created(),
        post(needs(Scope::Write, create_app)),
    )
    .route(
        Method::GET,
        "/api/v1/applications/{id}",
        Doc::new(t, "An application", ANY).response::<Application>().etag(),
        get(needs(Scope::Read, get_app)),
    )
    .route(
        Method::PATCH,
        "/api/v1/applications/{id}",
        Doc::new(t, "Change an application's name or writing role", SYSADMIN)
            .body::<ApplicationPatch>()
            .response::<Application>()
            .etag(),
        patch(needs(Scope::Write, update_app)),
    )
    .route(
        Method::GET,
        "/api/v1/roles",
        Doc::new(t, "List roles (system roles only for the system administrator)", ANY)
            .query::<PageQuery>()
            .response::<Page<Role>>(),
        get(needs(Scope::Read, list_roles)),
    )
    .route(
        Method::POST,
        "/api/v1/roles",
        Doc::new(t, "Create an application or user role", SYSADMIN)
            .body::<NewRole>()
            .response::<Role>()
            .created(),
        post(needs(Scope::Write, create_role)),
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
        patch(needs(Scope::Write, update_role)),
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
        get(needs(Scope::Read, list_grants)),
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
        post(needs(Scope::Write, create_grant)),
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
        patch(needs(Scope::Write, update_grant)),
    )
    .route(
        Method::DELETE,
        "/api/v1/grants/{id}",
        Doc::new(t, "Revoke a grant", "as for granting").response::<RevokedGrant>(),
        delete(needs(Scope::Write, revoke_grant)),
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
        get(needs(Scope::Read, user_roles)),
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
    _caller: Caller,
    Params(q): Params<PageQuery>,
) -> ApiResult<axum::Json<Page<Application>>> {
    let w = s.world();
    Ok(axum::Json(page(w.applications().iter().cloned(), |a| a.id.0, q)?))
}

async fn create_app(
    State(s): State<AppState>,
    caller: Caller,
    Body(b): Body<NewApplication>,
) -> ApiResult<Tagged<Application>> {
    let id = crate::service::setup::create_application(&s, &caller, b.code, b.name).await?;
    let app = s.world().application(id)?.clone();
    Ok(Tagged::created_record(app))
}

async fn get_app(State(s): State<AppState>, _caller: Caller, Id(id): Id) -> ApiResult<Tagged<Application>> {
    let app = s.world().application(AppId(id))?.clone();
    Ok(Tagged::record(app))
}

async fn update_app(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    if_match: IfMatch,
    Body(p): Body<ApplicationPatch>,
) -> ApiResult<Tagged<Application>> {
    let app = AppId(id);
    let app = update(&s, &caller, &if_match, app, |current: Application| {
        let change = ApplicationChange {
            name: p.name.unwrap_or(current.name),
            writer_role: p.writer_role.unwrap_or(current.writer_role),
        };
        Ok(change.command(app))
    })
    .await?;
    Ok(Tagged::record(app))
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
    /// The approved change request this change implements: required while ADAM governs its
    /// own changes and the role's application lives in a Z3 or C3 system (Art. 22).
    #[serde(default)]
    pub change: Option<CaseId>,
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

async fn list_roles(
    State(s): State<AppState>,
    caller: Caller,
    Params(q): Params<PageQuery>,
) -> ApiResult<axum::Json<Page<Role>>> {
    let w = s.world();
    let all = sees_system_roles(&caller);
    let roles = w.roles().iter().filter(|r| all || r.kind != RoleKind::System).cloned();
    Ok(axum::Json(page(roles, |r| r.id.0, q)?))
}

async fn create_role(State(s): State<AppState>, caller: Caller, Body(b): Body<NewRole>) -> ApiResult<Tagged<Role>> {
    let spec = crate::service::setup::RoleSpec {
        code: b.code,
        kind: b.kind,
        app: b.app,
        description: b.description,
        object_level: b.object_level,
        members: b.members,
    };
    let id = crate::service::setup::create_role(&s, &caller, spec).await?;
    let role = s.world().role(id)?.clone();
    Ok(Tagged::created_record(role))
}

async fn get_role(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<Tagged<RoleView>> {
    may_read_role(&s, &caller, RoleId(id))?;
    let w = s.world();
    let role = w.role(RoleId(id))?.clone();
    let view = RoleView {
        closure: w.role_closure(role.id).to_vec(),
        role,
    };
    Ok(Tagged::new(view.role.rev, view))
}

async fn update_role(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    if_match: IfMatch,
    Body(p): Body<RolePatch>,
) -> ApiResult<Tagged<Role>> {
    let role = RoleId(id);
    let role = update(&s, &caller, &if_match, role, |current: Role| {
        let change = RoleChange {
            description: p.description.unwrap_or(current.description),
            object_level: p.object_level.unwrap_or(current.object_level),
            members: p.members.unwrap_or(current.members),
            change: p.change,
        };
        Ok(change.command(role))
    })
    .await?;
    Ok(Tagged::record(role))
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

async fn list_grants(
    State(s): State<AppState>,
    caller: Caller,
    Params(q): Params<GrantQuery>,
) -> ApiResult<axum::Json<Page<GrantView>>> {
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
            ).sl("izpišete lahko svoje dodelitve (user=<vaša številka>) ali dodelitve svojih delovnih mest (job=<številka>); skrbniki vidijo vse"));
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

async fn create_grant(
    State(s): State<AppState>,
    caller: Caller,
    Body(b): Body<NewGrant>,
) -> ApiResult<Tagged<GrantView>> {
    let window = Window::new(b.valid_from, b.valid_to)?;
    let new = grants::NewGrant {
        role: b.role,
        grantee: b.grantee,
        window,
        scope: b.scope,
        reference: b.reference,
    };
    let id = grants::grant_role(&s, &caller, new).await?;
    let grant = view(s.world().grant(id)?, s.now());
    Ok(Tagged::created(grant.grant.rev, grant))
}

async fn get_grant(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<Tagged<GrantView>> {
    may_read_grant(&s, &caller, GrantId(id))?;
    let now = s.now();
    let w = s.world();
    let v = view(w.grant(GrantId(id))?, now);
    Ok(Tagged::new(v.grant.rev, v))
}

async fn update_grant(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    if_match: IfMatch,
    Body(p): Body<GrantPatch>,
) -> ApiResult<Tagged<GrantView>> {
    let grant = GrantId(id);
    let grant = update(&s, &caller, &if_match, grant, |current: Grant| {
        let window = Window::new(
            p.valid_from.unwrap_or(current.window.from),
            p.valid_to.unwrap_or(current.window.to),
        )?;
        let change = grants::GrantChange {
            window,
            reference: p.reference.unwrap_or(current.reference),
        };
        Ok(change.command(grant))
    })
    .await?;
    let v = view(&grant, s.now());
    Ok(Tagged::new(v.grant.rev, v))
}

async fn revoke_grant(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<axum::Json<RevokedGrant>> {
    let grant = GrantId(id);
    let old = s.world().grant(grant)?.clone();
    let plan = grants::revoke(&s, &caller, grant).await?;
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
    if caller.user.0 != id && !is_administrator(&s, &caller) {
        return Err(WebError::forbidden(
            "not-yourself",
            "you may see your own roles; administrators see anyone's",
        )
        .sl("vidite svoje vloge; skrbniki vidijo vloge vseh"));
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
