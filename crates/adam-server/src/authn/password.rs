//! Passwords: checking and hashing, the rules, a person's own change, and an administrator's
//! temporary password and unlocking.

use super::caller::*;
use super::client::*;
use super::limits::*;
use super::scope::*;
use super::session::confirmed_totp;
use super::trail::*;
use super::types::*;
use crate::authn_config::*;
use crate::error::{ApiResult, WebError};
use crate::state::{AppState, blocking};
use adam_auth::hash::Verification;
use adam_auth::password::{Context, Lang, PasswordProblem};
use adam_core::*;
use adam_store::{PasswordChange, PasswordCredential, Retention, SessionState};
use axum::http::StatusCode;

/// Verifies a password against the stored hash (or the dummy, so that an account without a
/// password costs the same), with the number of concurrent hashes bounded.
pub(crate) async fn verify_password(
    s: &AppState,
    password: String,
    phc: Option<String>,
) -> ApiResult<Option<Verification>> {
    let _permit = s.authn.hashing.acquire().await.map_err(|e| WebError::internal(&e))?;
    let me = s.clone();
    let known = phc.is_some();
    let phc = phc.unwrap_or_else(|| s.authn.dummy_phc.clone());
    let result = blocking(move || me.authn.hasher.verify(&password, &phc)).await?;
    match result {
        Ok(v) if known => Ok(Some(v)),
        Ok(_) => Ok(None),
        Err(e) => Err(WebError::internal(&e)),
    }
}

pub(crate) async fn hash_password(s: &AppState, password: String) -> ApiResult<String> {
    let _permit = s.authn.hashing.acquire().await.map_err(|e| WebError::internal(&e))?;
    let me = s.clone();
    blocking(move || me.authn.hasher.hash(&password))
        .await?
        .map(|d| d.as_str().to_owned())
        .map_err(|e| WebError::internal(&e))
}

/// The password rules' refusal: one entry per broken rule, in the request's language.
pub(crate) fn weak_password(problems: &[adam_auth::password::PasswordProblem], lang: Lang) -> WebError {
    let list: Vec<serde_json::Value> = problems
        .iter()
        .map(|p| {
            let mut v = serde_json::to_value(p).unwrap_or_default();
            if let Some(map) = v.as_object_mut() {
                map.insert("message".to_owned(), p.message(lang).into());
            }
            v
        })
        .collect();
    let detail = problems.iter().map(|p| p.message(lang)).collect::<Vec<_>>().join("; ");
    WebError::new(StatusCode::UNPROCESSABLE_ENTITY, "weak-password", detail).with("problems", list)
}

/// Refuses a new password that is the account's current one (`current`, its stored hash):
/// after a temporary password the administrator who typed it would know the permanent one, and
/// a "change" to the same password changes nothing. Compared by verifying against the hash, so
/// nothing but the hash is kept; costs one more Argon2id verification per change.
pub(crate) async fn refuse_reuse(
    s: &AppState,
    current: Option<&PasswordCredential>,
    new: &str,
    pointer: &str,
    lang: Lang,
) -> ApiResult<()> {
    let Some(current) = current else {
        return Ok(());
    };
    if matches!(
        verify_password(s, new.to_owned(), Some(current.phc.clone())).await?,
        Some(Verification::Ok { .. })
    ) {
        return Err(reused(current.must_change, pointer, lang));
    }
    Ok(())
}

/// The refusal of a new password that is the current one (`temporary`: set by an
/// administrator), at the field `pointer`.
fn reused(temporary: bool, pointer: &str, lang: Lang) -> WebError {
    let problem = PasswordProblem::Reused { temporary };
    let mut refusal = weak_password(std::slice::from_ref(&problem), lang);
    refusal.code = "password-reused";
    refusal.with("pointer", pointer)
}

/// Checks a new password against the policy for `user`.
pub(crate) async fn check_policy(s: &AppState, user: UserId, password: &str, lang: Lang) -> ApiResult<()> {
    let policy = policy()?;
    let store = s.store.clone();
    let has_second_factor = confirmed_totp(&blocking(move || store.totp(user)).await??);
    let (username, first, last, email, org) = {
        let w = s.world();
        let u = w.user(user)?;
        (
            u.username.as_str().to_owned(),
            u.first_name.as_str().to_owned(),
            u.last_name.as_str().to_owned(),
            u.email.as_str().to_owned(),
            w.settings().organisation.as_str().to_owned(),
        )
    };
    let context = Context {
        username: &username,
        first_name: &first,
        last_name: &last,
        email: &email,
        organisation: &org,
        service_name: "ADAM",
        has_second_factor,
    };
    policy
        .check(password, &context)
        .map_err(|problems| weak_password(&problems, lang))
}

/// Changes the person's own password (after checking the current one and the rules); ends
/// every other session, and this one too when it was for the change only.
pub(crate) async fn change_own_password(
    s: &AppState,
    person: &Person,
    client: &Client,
    b: PasswordChangeRequest,
) -> ApiResult<PasswordChanged> {
    // Credentials are copied from the primary: a change here would be overwritten.
    s.replica.refuse_writes()?;
    let s = s.clone();
    let caller = &person.caller;
    if person
        .session
        .as_ref()
        .is_some_and(|x| x.state == SessionState::MfaEnrolment)
    {
        return Err(WebError::forbidden(
            "mfa-enrolment-required",
            "enrol a second factor first (POST /api/v1/auth/totp)",
        )
        .sl("najprej si nastavite drugi faktor (POST /api/v1/auth/totp)"));
    }
    caller.require(Scope::Write)?;
    bounded("/current", &b.current, MAX_PASSWORD, true)?;
    bounded("/new", &b.new, MAX_PASSWORD, true)?;
    let user = caller.user;
    let username = s.world().user(user)?.username.as_str().to_owned();
    let now = s.now();
    check_limits(&s, Limits::SignIn, &username, true, client.ip, now).await?;
    let store = s.store.clone();
    // The current password was just verified, so the new one is the same exactly when it is
    // the same text (the hash does not normalise): no second Argon2id verification needed.
    let same = b.new == b.current;
    let current = blocking(move || store.password(user)).await??.ok_or_else(|| {
        WebError::new(
            StatusCode::CONFLICT,
            "no-password",
            "this account has no password; a user administrator can set a temporary one",
        )
        .sl("ta račun nima gesla; skrbnik uporabnikov lahko nastavi začasno")
    })?;
    if !matches!(
        verify_password(&s, b.current, Some(current.phc)).await?,
        Some(Verification::Ok { .. })
    ) {
        failed_attempt(&s, &username, Some(user), client.ip, "password.change").await?;
        return Err(WebError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "wrong-password",
            "the current password is wrong",
        )
        .sl("trenutno geslo je napačno")
        .with("pointer", "/current"));
    }
    check_policy(&s, user, &b.new, client.lang).await?;
    if same {
        return Err(reused(current.must_change, "/new", client.lang));
    }
    let phc = hash_password(&s, b.new).await?;
    // A session that was for the change only ends with it; an active one is kept.
    let keep = person
        .session
        .as_ref()
        .filter(|x| x.state == SessionState::Active)
        .map(|x| x.id);
    let sign_in_again = person.session.is_some() && keep.is_none();
    let change = PasswordChange {
        credential: PasswordCredential {
            user,
            phc,
            must_change: false,
            set_at: now,
        },
        revoke_sessions: true,
        keep_session: keep,
        reset: None,
    };
    let audit = record(
        &s,
        Retention::Change,
        caller.actor(None),
        Some(client.ip),
        "password.change",
        user_object(&s, user),
        None,
        "ok",
    );
    let store = s.store.clone();
    blocking(move || store.set_password(&change, &[audit])).await??;
    Ok(PasswordChanged {
        changed: true,
        other_sessions_ended: true,
        sign_in_again,
    })
}

/// A user administrator sets a temporary password for someone they administer (the API's and
/// the UI's): checked against the rules, to be changed at the next sign-in, every session of
/// the account ended.
pub(crate) async fn set_temporary(
    s: &AppState,
    caller: &Caller,
    client: &Client,
    user: UserId,
    password: String,
) -> ApiResult<()> {
    // Credentials are copied from the primary: a change here would be overwritten.
    s.replica.refuse_writes()?;
    let s = s.clone();
    let b = TemporaryPassword { password };
    caller.require(Scope::Write)?;
    bounded("/password", &b.password, MAX_PASSWORD, true)?;
    {
        let w = s.world();
        // Whoever sets a password can sign in as the account: the credentials rule, not only
        // the management one (the operator's administrator never sets a person's password).
        w.require_credentials(&caller.actor(None), user, s.now())
            .map_err(|e| WebError::from_engine(e, &w))?;
        if w.user(user)?.kind == AccountKind::SystemUser {
            return Err(WebError::new(
                StatusCode::CONFLICT,
                "service-account",
                "service accounts sign in with API tokens, not passwords",
            )
            .sl("servisni računi se prijavljajo z žetoni API, ne z gesli"));
        }
    }
    if user == caller.user {
        return Err(WebError::forbidden(
            "not-yourself",
            "change your own password with POST /api/v1/auth/password",
        )
        .sl("svoje geslo zamenjajte s POST /api/v1/auth/password"));
    }
    check_policy(&s, user, &b.password, client.lang).await?;
    let phc = hash_password(&s, b.password).await?;
    let change = PasswordChange {
        credential: PasswordCredential {
            user,
            phc,
            must_change: true,
            set_at: s.now(),
        },
        revoke_sessions: true,
        keep_session: None,
        reset: None,
    };
    let audit = record(
        &s,
        Retention::Change,
        caller.actor(None),
        Some(client.ip),
        "password.set_temporary",
        user_object(&s, user),
        None,
        "ok",
    );
    let store = s.store.clone();
    blocking(move || store.set_password(&change, &[audit])).await??;
    Ok(())
}

/// Sets a password for `user` (checked against the policy), as the CLI and the demo do it:
/// `must_change` makes it temporary. Ends the account's sessions and records the change.
pub async fn set_password_as(
    s: &AppState,
    actor: Actor,
    user: UserId,
    password: &str,
    must_change: bool,
) -> ApiResult<()> {
    // Credentials are copied from the primary: a change here would be overwritten.
    s.replica.refuse_writes()?;
    s.world().user(user)?;
    check_policy(s, user, password, Lang::En).await?;
    let phc = hash_password(s, password.to_owned()).await?;
    let change = PasswordChange {
        credential: PasswordCredential {
            user,
            phc,
            must_change,
            set_at: s.now(),
        },
        revoke_sessions: true,
        keep_session: None,
        reset: None,
    };
    let action = if must_change {
        "password.set_temporary"
    } else {
        "password.set"
    };
    let audit = record(
        s,
        Retention::Change,
        actor,
        None,
        action,
        user_object(s, user),
        None,
        "ok",
    );
    let store = s.store.clone();
    blocking(move || store.set_password(&change, &[audit])).await??;
    Ok(())
}

/// A user administrator lifts the sign-in lock and delays of someone they administer (the
/// API's and the UI's), recorded as a security event.
pub(crate) async fn unlock_user(s: &AppState, caller: &Caller, client: &Client, user: UserId) -> ApiResult<()> {
    let s = s.clone();
    caller.require(Scope::Write)?;
    let username = {
        let w = s.world();
        w.require_user(&caller.actor(None), user, s.now())
            .map_err(|e| WebError::from_engine(e, &w))?;
        w.user(user)?.username.as_str().to_owned()
    };
    let audit = record(
        &s,
        Retention::Change,
        caller.actor(None),
        Some(client.ip),
        "security.unlock",
        user_object(&s, user),
        None,
        "ok",
    );
    // The unlock and its record, in one transaction.
    clear_account_limits(&s, &username, vec![audit]).await?;
    Ok(())
}
