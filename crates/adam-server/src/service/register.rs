//! The register of a person's rights: who may read it, and what it holds at an instant.

use crate::authn::{Caller, Scope};
use crate::error::{ApiResult, WebError};
use crate::state::{AppState, blocking};
use adam_core::*;
use axum::extract::{Path, State};
use schemars::JsonSchema;
use serde::Serialize;

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

pub(crate) fn is_reviewer(s: &AppState, caller: &Caller) -> bool {
    let w = s.world();
    let now = s.now();
    if matches!(w.authority(&caller.actor(None), now), Ok(Authority::Full)) {
        return true;
    }
    w.role_by_code(SystemPower::SecurityLead.code())
        .ok()
        .is_some_and(|role| matches!(w.check_role(caller.user, role, now), Ok(Some(_))))
}

pub(crate) async fn user_rights(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<u32>,
) -> ApiResult<axum::Json<UserRights>> {
    rights_of_user(&s, &caller, UserId(id)).await.map(axum::Json)
}

/// Whether the caller may read the register of `user`: the user, their user administrators,
/// security leads and the system administrator.
pub(crate) fn may_read_register(s: &AppState, caller: &Caller, user: UserId) -> bool {
    caller.has(Scope::Read)
        && (caller.user == user
            || s.world().require_user(&caller.actor(None), user, s.now()).is_ok()
            || is_reviewer(s, caller))
}

/// The access-rights register of one user, from the change log (the API's and the UI's; the
/// read scope is their routes', `needs(Scope::Read, …)`).
pub(crate) async fn rights_of_user(s: &AppState, caller: &Caller, user: UserId) -> ApiResult<UserRights> {
    let username = s.world().user(user)?.username.to_string();
    let own = caller.user == user;
    let administers = s.world().require_user(&caller.actor(None), user, s.now()).is_ok();
    if !(own || administers || is_reviewer(s, caller)) {
        return Err(WebError::forbidden(
            "register-not-visible",
            "the register of a user is for the user, their user administrators and security leads",
        )
        .sl("evidenca pravic uporabnika je za uporabnika, njegove skrbnike uporabnikov in varnostne vodje"));
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
    let rights = adam_core::rights::rights_of(user, &log, &parent)
        .into_iter()
        .map(|right| RegisterEntry {
            role_code: w.role(right.role).ok().map(|r| r.code.to_string()),
            right,
        })
        .collect();
    Ok(UserRights { user, username, rights })
}
