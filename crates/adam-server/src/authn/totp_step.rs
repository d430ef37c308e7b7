//! A TOTP step used on one site is used on both.
//!
//! A standby's credentials are a copy of its primary's, refreshed when they change there; a
//! sign-in on the standby marks its TOTP step used only in that copy. Without more, the same
//! code could be taken once more on the primary within its step (a replay), or a code already
//! used on the primary taken on the standby before the copy arrives. So before a sign-in on a
//! standby takes a step, it asks the primary to mark the step used (`POST
//! /replication/v1/totp-step`, over the sites' mutual TLS): the primary moves its mark only
//! forward and says whether it did; a step the primary already had is refused here as replayed.
//! When the primary cannot be reached within [`ASK_WITHIN`] — it is down, the case a standby is
//! there for — the sign-in goes on and the failure is logged.
//!
//! Here in `authn/`, beside the sign-in that asks, rather than in `replication/`, which routes
//! the primary's side ([`mark`]) and re-exports this module as `replication::totp`: the
//! sign-in must not import the replication that builds on it.

use super::trail::{person_actor, record, user_object};
use crate::error::{ApiResult, WebError};
use crate::replica::Mode;
use crate::state::{AppState, blocking};
use adam_core::UserId;
use adam_store::Retention;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How long a standby's sign-in waits for the primary's answer.
pub const ASK_WITHIN: Duration = Duration::from_secs(2);

/// A step a sign-in on the standby is about to take.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsedStep {
    /// The account.
    pub user: UserId,
    /// The TOTP step.
    pub step: u64,
}

/// The primary's answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct Marked {
    /// The mark moved to this step; `false`: the primary had used it (or a later one) already.
    pub marked: bool,
}

/// The primary's side: marks the step used, with an access record of the sign-in it stands for.
pub(crate) async fn mark(
    State(s): State<AppState>,
    axum::Json(used): axum::Json<UsedStep>,
) -> ApiResult<axum::Json<Marked>> {
    if !matches!(s.replica.mode(), Mode::Primary) {
        return Err(WebError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not-primary",
            "this server is not the primary: a TOTP step is marked on the primary",
        )
        .sl("ta strežnik ni glavni strežnik: korak TOTP se označi na glavnem strežniku"));
    }
    // Only a step a code could sign in with now (one step of clock skew either way): a step
    // far ahead would refuse every later code of the account as replayed.
    let current = adam_auth::totp::TotpStep::at(s.now()).0;
    if used.step + 1 < current || used.step > current + 1 {
        return Err(WebError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "totp-step-out-of-window",
            format!(
                "step {} is not one a code signs in with now (step {current})",
                used.step
            ),
        )
        .sl(format!(
            "korak {} ni korak, s katerim se zdaj prijavi koda (korak {current})",
            used.step
        )));
    }
    let audit = record(
        &s,
        Retention::Access,
        person_actor(used.user, true),
        None,
        "auth.totp_step_on_standby",
        user_object(&s, used.user),
        Some(serde_json::json!({ "step": used.step })),
        "ok",
    );
    let store = s.store.clone();
    let marked = blocking(move || store.use_totp_step(used.user, used.step, &[audit])).await??;
    Ok(axum::Json(Marked { marked }))
}

/// The standby's side, before a sign-in takes `step`: whether the primary says the step was
/// used there already. `false` on a primary (nothing to ask) and when the primary cannot be
/// asked in time.
pub(crate) async fn taken_on_primary(s: &AppState, user: UserId, step: u64) -> bool {
    let (Mode::Standby(primary), Some(client)) = (s.replica.mode(), s.replica.client()) else {
        return false;
    };
    let Ok(body) = serde_json::to_vec(&UsedStep { user, step }) else {
        return false;
    };
    match client
        .request(
            &primary,
            hyper::Method::POST,
            "/replication/v1/totp-step",
            Some(body),
            ASK_WITHIN,
        )
        .await
    {
        Ok((200, answer)) => match serde_json::from_slice::<Marked>(&answer) {
            Ok(m) => !m.marked,
            Err(e) => {
                tracing::warn!(error = %e, "the primary's answer on a TOTP step could not be read");
                false
            }
        },
        Ok((status, answer)) => {
            tracing::warn!(status, answer = %String::from_utf8_lossy(&answer), "the primary did not mark a TOTP step used here");
            false
        }
        Err(e) => {
            tracing::warn!(error = %e, "the primary could not be told of a TOTP step used here");
            false
        }
    }
}
