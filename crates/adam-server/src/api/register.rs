//! The access-rights register (Decree Art. 51(5)), answered from history: the rights a user
//! holds or held, and who could reach an object at a level on a past date.

use super::guard::needs;
use super::{Api, Doc};
use crate::authn::{Caller, Scope};
use crate::error::{ApiResult, WebError};
use crate::http::Params;
use crate::service::register::*;
use crate::state::{AppState, blocking};
use adam_core::*;
use axum::extract::State;
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
        get(needs(Scope::Read, user_rights)),
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
        get(needs(Scope::Read, who_then)),
    )
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
    // Who could reach a record is the business's question, as `who` is today: the security
    // lead's, not the operator's (docs/SECURITY.md).
    if !crate::service::audit::is_security_lead(&s.world(), caller.user, s.now()) {
        return Err(WebError::forbidden(
            "not-a-reviewer",
            "the register's questions about who could reach a record are for security leads",
        )
        .sl("vprašanja evidence o tem, kdo je lahko dosegel zapis, so za varnostne vodje"));
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
            .sl(format!("type mora biti folder ali document, ne {other:?}"))
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
