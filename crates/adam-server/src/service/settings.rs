//! The organisation's settings as a page shows and saves them, and as the API sets them
//! (`PUT /api/v1/settings`, [`set`]): who may change them (the system administrator, as the
//! planner decides) and a page's save refused when someone else changed them after the page
//! was shown ([`save`]). Settings have no revision of their own, so the page carries a seal
//! of what it showed.

use crate::authn::{Caller, Scope};
use crate::error::{ApiResult, WebError};
use crate::state::AppState;
use adam_core::{Authority, CaseId, Command, Plan, Settings};
use axum::http::StatusCode;
use sha2::{Digest, Sha256};

/// Whether the caller may change the settings: the write scope and full authority (the
/// planner refuses everyone else; the page then shows the settings read-only).
pub fn may_edit(s: &AppState, caller: &Caller) -> bool {
    caller.has(Scope::Write) && matches!(s.world().authority(&caller.actor(None), s.now()), Ok(Authority::Full))
}

/// A seal of the settings a page showed: the SHA-256 of their JSON, in hex.
pub fn seal(settings: &Settings) -> String {
    let json = serde_json::to_vec(settings).unwrap_or_default();
    Sha256::digest(&json).iter().map(|b| format!("{b:02x}")).collect()
}

/// Saves new settings through the one write path, refused with `stale` when the settings are
/// no longer those sealed in `seen`.
pub async fn save(
    s: &AppState,
    caller: &Caller,
    seen: String,
    settings: Settings,
    change: Option<CaseId>,
) -> ApiResult<Plan> {
    let guard = move |w: &adam_core::World| {
        if seal(w.settings()) == seen {
            Ok(())
        } else {
            Err(WebError::new(
                StatusCode::PRECONDITION_FAILED,
                "stale",
                "someone else changed the settings after you opened the page; reload it and make your change again",
            )
            .sl("nastavitve je medtem spremenil nekdo drug; znova naložite stran in ponovite spremembo"))
        }
    };
    s.execute_guarded(caller, None, Command::SetSettings { settings, change }, guard)
        .await
}

/// Sets the settings as they are to be, whatever they are now (the API's `PUT`, which
/// carries no revision: settings have none).
pub async fn set(s: &AppState, caller: &Caller, settings: Settings, change: Option<CaseId>) -> ApiResult<Plan> {
    s.execute(caller, None, Command::SetSettings { settings, change }).await
}
