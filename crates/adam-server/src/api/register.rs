//! The access-rights register (Decree Art. 51(5)), answered from history: the rights a user
//! holds or held, and who could reach an object at a level on a past date.

use super::{Api, Doc};
use crate::auth::{Caller, Scope};
use crate::error::{ApiResult, WebError};
use crate::http::Params;
use crate::state::{AppState, blocking};
use adam_core::*;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::routing::get;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub(crate) fn routes(api: Api) -> Api {
    let t = "register";
    api.route(
        Method::GET,
        "/api/v1/register/users/{id}",
        Doc::new(
            t,
            "Every right a user holds or held: role, through what, granted, changed and revoked when and by whom, on which request",
            "the user themselves, their user administrators, security leads and the system administrator",
        )
        .response::<UserRights>(),
        get(user_rights),
    )
    .route(
        Method::GET,
        "/api/v1/register/who",
        Doc::new(
            t,
            "Who could reach a folder or document at a level on a date, from the change log",
            "security leads (the operator's system administrator asks about roles, never about access to records)",
        )
        .query::<WhoThenQuery>()
        .response::<WhoThen>(),
        get(who_then),
    )
}

/// A right in the register, with its role's code.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RegisterEntry {
    /// The role's code (`DAPA_LEVEL_A`).
    pub role_code: Option<String>,
    /// The right.
    #[serde(flatten)]
    pub right: RightEntry,
}

/// The register of one user.
#[derive(Debug, Serialize, JsonSchema)]
pub struct UserRights {
    /// The user.
    pub user: UserId,
    /// Their username.
    pub username: String,
    /// Every right, in the order the grants were made.
    pub rights: Vec<RegisterEntry>,
}

fn is_reviewer(s: &AppState, caller: &Caller) -> bool {
    let w = s.world();
    let now = s.now();
    if matches!(w.authority(&caller.actor(None), now), Ok(Authority::Full)) {
        return true;
    }
    w.role_by_code(SystemPower::SecurityLead.code())
        .ok()
        .is_some_and(|role| matches!(w.check_role(caller.user, role, now), Ok(Some(_))))
}

async fn user_rights(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<u32>,
) -> ApiResult<axum::Json<UserRights>> {
    rights_of_user(&s, &caller, UserId(id)).await.map(axum::Json)
}

/// Whether the caller may read the register of `user`: the user, their user administrators,
/// security leads and the system administrator.
pub(crate) fn may_read_register(s: &AppState, caller: &Caller, user: UserId) -> bool {
    caller.require(Scope::Read).is_ok()
        && (caller.user == user
            || s.world().require_user(&caller.actor(None), user, s.now()).is_ok()
            || is_reviewer(s, caller))
}

/// The access-rights register of one user, from the change log (the API's and the UI's).
pub(crate) async fn rights_of_user(s: &AppState, caller: &Caller, user: UserId) -> ApiResult<UserRights> {
    caller.require(Scope::Read)?;
    let username = s.world().user(user)?.username.to_string();
    let own = caller.user == user;
    let administers = s.world().require_user(&caller.actor(None), user, s.now()).is_ok();
    if !(own || administers || is_reviewer(s, caller)) {
        return Err(WebError::forbidden(
            "register-not-visible",
            "the register of a user is for the user, their user administrators and security leads",
        ));
    }
    let store = s.store.clone();
    let log = blocking(move || {
        let mut all = Vec::new();
        let mut after = Revision(0);
        loop {
            let page = store.change_log(after, 5000)?;
            let Some(last) = page.last() else { break };
            after = last.revision;
            all.extend(page);
        }
        Ok::<_, adam_store::StoreError>(all)
    })
    .await??;
    let w = s.world();
    let parent = |o: OfficeId| w.office(o).ok().and_then(|o| o.parent);
    let rights = adam_core::register::rights_of(user, &log, &parent)
        .into_iter()
        .map(|right| RegisterEntry {
            role_code: w.role(right.role).ok().map(|r| r.code.to_string()),
            right,
        })
        .collect();
    Ok(UserRights { user, username, rights })
}

/// Which object, at what level, when.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WhoThenQuery {
    /// `folder` or `document`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its id.
    pub id: u32,
    /// The least level (default 14: may read the content).
    pub level: Option<u8>,
    /// The date or instant.
    pub at: Timestamp,
}

/// Who could reach an object on a date.
#[derive(Debug, Serialize, JsonSchema)]
pub struct WhoThen {
    /// The instant asked about.
    pub at: Timestamp,
    /// The revision the world stood at then.
    pub revision: Revision,
    /// The users, assuming each had a second factor in their session (the most they could
    /// reach).
    pub users: Vec<UserId>,
}

async fn who_then(
    State(s): State<AppState>,
    caller: Caller,
    Params(q): Params<WhoThenQuery>,
) -> ApiResult<axum::Json<WhoThen>> {
    caller.require(Scope::Read)?;
    // Who could reach a record is the business's question, as `who` is today: the security
    // lead's, not the operator's (docs/SECURITY.md).
    if !super::audit::is_security_lead(&s.world(), caller.user, s.now()) {
        return Err(WebError::forbidden(
            "not-a-reviewer",
            "the register's questions about who could reach a record are for security leads",
        ));
    }
    let object = match q.kind.as_str() {
        "folder" => ObjectRef::Folder(FolderId(q.id)),
        "document" => ObjectRef::Document(DocumentId(q.id)),
        other => {
            return Err(WebError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-query",
                format!("type must be folder or document, not {other:?}"),
            )
            .with("pointer", "/type"));
        }
    };
    let level = Level::from_value(q.level.unwrap_or(14)).map_err(|e| {
        WebError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-query",
            e.to_string(),
        )
        .with("pointer", "/level")
    })?;
    let store = s.store.clone();
    let at = q.at;
    let world = blocking(move || store.world_at(at)).await??;
    let mut users = Vec::new();
    let mut after = None;
    loop {
        let page = world.who(object, level, at, Session { mfa: true }, after, MAX_PAGE)?;
        users.extend(page.items.iter().copied());
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    Ok(axum::Json(WhoThen {
        at,
        revision: world.revision(),
        users,
    }))
}
