//! The second factor (TOTP): enrolment, confirmation, a lost factor, and its removal by an
//! administrator.

use super::caller::*;
use super::client::*;
use super::scope::*;
use super::session::confirmed_totp;
use super::signin::*;
use super::trail::*;
use super::types::*;
use crate::error::{ApiResult, WebError};
use crate::state::{AppState, blocking};
use adam_auth::totp::{BackupCodes, TotpSecret};
use adam_core::*;
use adam_store::{AuthSession, Retention, SessionState, SignIn, TotpEnrolment};
use axum::http::StatusCode;

/// A user administrator removes the second factor of someone they manage who lost it and its
/// backup codes (the API's and the UI's): the credentials rule applies, since whoever removes
/// a factor and knows the password can enrol their own (issue 12, item 6). Recorded, with the
/// reason, as the security event `security.factor_reset` (Art. 33), in the transaction that
/// removes the factor.
pub(crate) async fn reset_factor_of(
    s: &AppState,
    caller: &Caller,
    client: &Client,
    user: UserId,
    reason: &Text,
) -> ApiResult<()> {
    // Credentials are copied from the primary: a change here would be overwritten.
    s.replica.refuse_writes()?;
    caller.require(Scope::Write)?;
    {
        let w = s.world();
        w.require_credentials(&caller.actor(None), user, s.now())
            .map_err(|e| WebError::from_engine(e, &w))?;
    }
    let store = s.store.clone();
    if !confirmed_totp(&blocking(move || store.totp(user)).await??) {
        return Err(WebError::new(
            StatusCode::CONFLICT,
            "no-factor",
            "the account has no second factor to remove",
        )
        .sl("račun nima drugega faktorja, ki bi ga lahko odstranili"));
    }
    let audit = record(
        s,
        Retention::Change,
        caller.actor(None),
        Some(client.ip),
        "security.factor_reset",
        user_object(s, user),
        Some(serde_json::json!({"factor": "totp", "reason": reason.as_str()})),
        "removed",
    );
    let store = s.store.clone();
    let now = s.now();
    blocking(move || store.remove_totp(user, now, &[audit])).await??;
    // Art. 33(1): the loss is an incident to handle, not only a record.
    let who = s
        .world()
        .user(user)
        .map_or_else(|_| user.to_string(), |u| u.username.to_string());
    crate::security_event::raise_event(
        s,
        crate::security_event::Detected::FactorLost,
        &who,
        Some(client.ip.to_string()),
    )
    .await;
    Ok(())
}

/// Starts TOTP enrolment: a new secret (unconfirmed) and ten backup codes, shown once.
pub(crate) async fn start_enrolment(s: &AppState, person: &Person) -> ApiResult<TotpEnrolled> {
    // Credentials are copied from the primary: a change here would be overwritten.
    s.replica.refuse_writes()?;
    let s = s.clone();
    let caller = &person.caller;
    if person
        .session
        .as_ref()
        .is_some_and(|x| x.state == SessionState::PasswordChange)
    {
        return Err(
            WebError::forbidden("password-change-required", "change the temporary password first")
                .sl("najprej zamenjajte začasno geslo"),
        );
    }
    caller.require(Scope::Write)?;
    session_only_for_factors(person)?;
    let user = caller.user;
    let store = s.store.clone();
    if confirmed_totp(&blocking(move || store.totp(user)).await??) {
        return Err(WebError::new(
            StatusCode::CONFLICT,
            "totp-enrolled",
            "a second factor is already enrolled; report it lost first to replace it",
        )
        .sl("drugi faktor je že nastavljen; če ga želite zamenjati, ga najprej prijavite kot izgubljenega"));
    }
    let secret = TotpSecret::generate().map_err(|e| WebError::internal(&e))?;
    let (codes, set) =
        BackupCodes::generate(&s.authn.backup_key, &user.0.to_string()).map_err(|e| WebError::internal(&e))?;
    let username = s.world().user(user)?.username.as_str().to_owned();
    let enrolment = TotpEnrolment {
        user,
        secret: secret.to_base32(),
        confirmed: false,
        created: s.now(),
        last_step: None,
    };
    let set = serde_json::to_value(&set).map_err(|e| WebError::internal(&e))?;
    let audit = record(
        &s,
        Retention::Change,
        caller.actor(None),
        caller.source_ip.as_deref().and_then(|i| i.parse().ok()),
        "totp.enrol",
        user_object(&s, user),
        None,
        "ok",
    );
    let store = s.store.clone();
    blocking(move || store.save_totp(&enrolment, Some(&set), &[audit])).await??;
    let answer = TotpEnrolled {
        otpauth_uri: secret.otpauth_uri(&username),
        secret: secret.to_base32(),
        backup_codes: codes.iter().map(|c| c.as_str().to_owned()).collect(),
    };
    Ok(answer)
}

/// The secret and `otpauth://` URI of the person's enrolment that is started and not yet
/// confirmed, to show its QR code again after a wrong first code (the secret is the person's
/// own and was shown to them a moment ago; the backup codes are not kept, only their hashes).
pub(crate) async fn pending_enrolment(s: &AppState, user: UserId) -> ApiResult<Option<(String, String)>> {
    let store = s.store.clone();
    let Some(pending) = blocking(move || store.totp(user)).await??.filter(|t| !t.confirmed) else {
        return Ok(None);
    };
    let secret = TotpSecret::from_base32(&pending.secret).map_err(|e| WebError::internal(&e))?;
    let username = s.world().user(user)?.username.as_str().to_owned();
    Ok(Some((secret.to_base32(), secret.otpauth_uri(&username))))
}

/// Confirms TOTP enrolment with a code; a session then counts the factor (a new session
/// replaces it).
pub(crate) async fn confirm_enrolment(s: &AppState, person: Person, client: &Client, code: &str) -> ApiResult<Opened> {
    // Credentials are copied from the primary: a change here would be overwritten.
    s.replica.refuse_writes()?;
    let s = s.clone();
    let caller = &person.caller;
    caller.require(Scope::Write)?;
    session_only_for_factors(&person)?;
    bounded("/code", code.trim(), MAX_CODE, false)?;
    let user = caller.user;
    let store = s.store.clone();
    let enrolment = blocking(move || store.totp(user))
        .await??
        .filter(|t| !t.confirmed)
        .ok_or_else(|| {
            WebError::new(
                StatusCode::CONFLICT,
                "no-enrolment",
                "there is no enrolment to confirm: start one with POST /api/v1/auth/totp",
            )
            .sl("ni nastavitve, ki bi jo lahko potrdili: začnite jo s POST /api/v1/auth/totp")
        })?;
    let secret = TotpSecret::from_base32(&enrolment.secret).map_err(|e| WebError::internal(&e))?;
    let step = secret.verify(code, s.now(), None).map_err(|_| {
        WebError::new(StatusCode::UNPROCESSABLE_ENTITY, "bad-code", "the code does not match")
            .sl("koda se ne ujema")
            .with("pointer", "/code")
    })?;
    let confirmed = TotpEnrolment {
        confirmed: true,
        last_step: Some(step.0),
        ..enrolment
    };
    let audit = record(
        &s,
        Retention::Change,
        caller.actor(None),
        Some(client.ip),
        "totp.confirm",
        user_object(&s, user),
        None,
        "ok",
    );
    let store = s.store.clone();
    blocking(move || store.save_totp(&confirmed, None, &[audit])).await??;
    // A session that has just shown the factor is replaced by one that counts it.
    match person.session {
        Some(session) => {
            let sign_in = SignIn {
                replaces: Some(session.id),
                ..SignIn::default()
            };
            start_session(&s, user, SessionState::Active, true, client, sign_in, "auth.login.mfa").await
        }
        None => Ok(Opened {
            answer: LoginAnswer {
                user: Some(user),
                ..LoginAnswer::default()
            },
            cookie: None,
        }),
    }
}

/// A token cannot change the account's factors: it is one factor, and whoever holds it has not
/// shown the second (issue 12, item 6).
pub(crate) fn session_only_for_factors(person: &Person) -> ApiResult<&AuthSession> {
    person.session.as_ref().ok_or_else(|| {
        WebError::forbidden(
            "session-only",
            "the second factor is enrolled, confirmed and reported lost from a signed-in session, never with an API token",
        ).sl("drugi faktor se nastavi, potrdi in prijavi kot izgubljen v seji prijavljene osebe, nikoli z žetonom API")
    })
}

/// The caller's second factor is lost or stolen: disabled at once, a security event recorded.
/// Only a session that showed the factor (a code or a backup code) may do it; without one, the
/// person asks their user administrator. A token or a password-only session could otherwise
/// remove the factor and enrol its own.
pub(crate) async fn report_lost_factor(s: &AppState, person: &Person, client: &Client) -> ApiResult<()> {
    // Credentials are copied from the primary: a change here would be overwritten.
    s.replica.refuse_writes()?;
    let caller = &person.caller;
    caller.require(Scope::Write)?;
    let session = session_only_for_factors(person)?;
    let user = caller.user;
    if !session.mfa {
        let store = s.store.clone();
        if confirmed_totp(&blocking(move || store.totp(user)).await??) {
            return Err(WebError::forbidden(
                "factor-not-shown",
                "only a session signed in with the second factor (a code or a backup code) may report it lost; \
                 otherwise ask your user administrator",
            ));
        }
    }
    // Art. 33: a lost or stolen factor is a security incident, recorded for good.
    let audit = record(
        s,
        Retention::Change,
        caller.actor(None),
        Some(client.ip),
        "security.factor_lost",
        user_object(s, user),
        Some(serde_json::json!({"factor": "totp"})),
        "disabled",
    );
    let store = s.store.clone();
    let now = s.now();
    blocking(move || store.remove_totp(user, now, &[audit])).await??;
    // Art. 33(1): the loss is an incident to handle, not only a record.
    let who = s
        .world()
        .user(user)
        .map_or_else(|_| user.to_string(), |u| u.username.to_string());
    crate::security_event::raise_event(
        s,
        crate::security_event::Detected::FactorLost,
        &who,
        Some(client.ip.to_string()),
    )
    .await;
    Ok(())
}
