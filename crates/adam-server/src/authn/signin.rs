//! Signing in: the password step, the second factor, step-up, and ending sessions.

use super::caller::*;
use super::client::*;
use super::limits::*;
use super::password::*;
use super::scope::*;
use super::session::*;
use super::token::*;
use super::trail::*;
use super::types::*;
use crate::error::{ApiResult, WebError};
use crate::state::{AppState, blocking};
use adam_auth::hash::Verification;
use adam_auth::totp::{BackupCodes, TotpSecret};
use adam_core::*;
use adam_store::{Retention, SessionState, SignIn, StoreError};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// A response with a JSON body and, if given, a `Set-Cookie`.
pub(crate) fn with_cookie<T: Serialize>(status: StatusCode, body: &T, cookie: Option<String>) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    if let Some(cookie) = cookie
        && let Ok(v) = HeaderValue::from_str(&cookie)
    {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// A stored sign-in step: the answer and, once the session is usable, its cookie.
pub(crate) struct Opened {
    /// What the API answers.
    pub answer: LoginAnswer,
    /// The `Set-Cookie` value (not for a login challenge, which travels in the answer).
    pub cookie: Option<String>,
}

impl IntoResponse for Opened {
    fn into_response(self) -> Response {
        with_cookie(StatusCode::OK, &self.answer, self.cookie)
    }
}

/// Stores a new session for a sign-in step and answers with its cookie and CSRF token.
pub(crate) async fn start_session(
    s: &AppState,
    user: UserId,
    state: SessionState,
    mfa: bool,
    client: &Client,
    sign_in: SignIn,
    action: &str,
) -> ApiResult<Opened> {
    let (mut session, secret, csrf) = new_session(
        s,
        user,
        state,
        mfa,
        Some(client.ip.to_string()),
        client.user_agent.clone(),
    )?;
    let audit = record(
        s,
        Retention::Access,
        person_actor(user, mfa),
        Some(client.ip),
        action,
        user_object(s, user),
        Some(serde_json::json!({"state": state, "mfa": mfa})),
        "ok",
    );
    // On a standby the primary marks the step first (`replication/totp.rs`).
    if let Some(step) = sign_in.totp_step
        && super::totp_step::taken_on_primary(s, user, step).await
    {
        return Err(WebError::unauthenticated("this code was already used")
            .sl("ta koda je bila že uporabljena")
            .with("reason", "replayed"));
    }
    let store = s.store.clone();
    let stored = session.clone();
    session.id = match blocking(move || store.create_session(&stored, &sign_in, &[audit])).await? {
        Ok(id) => id,
        Err(StoreError::Spent(_)) => {
            return Err(WebError::unauthenticated("this code was already used")
                .sl("ta koda je bila že uporabljena")
                .with("reason", "replayed"));
        }
        Err(e) => return Err(e.into()),
    };
    let mut answer = LoginAnswer {
        user: Some(user),
        mfa,
        ..LoginAnswer::default()
    };
    if state == SessionState::Mfa {
        answer.mfa_required = true;
        answer.challenge = Some(secret);
        return Ok(Opened { answer, cookie: None });
    }
    answer.password_change_required = state == SessionState::PasswordChange;
    answer.mfa_enrolment_required = state == SessionState::MfaEnrolment;
    answer.csrf_token = Some(csrf);
    answer.expires = Some(session.expires);
    let cookie = set_cookie(&s.config.auth, &secret, s.config.auth.absolute_timeout);
    Ok(Opened {
        answer,
        cookie: Some(cookie),
    })
}

/// The first step of a sign-in (the API's and the UI's): checks the password and opens a
/// session, a login challenge, or a session restricted to the step the account still needs.
pub(crate) async fn password_step(s: &AppState, client: &Client, b: LoginRequest) -> ApiResult<Opened> {
    let s = s.clone();
    let now = s.now();
    bounded("/username", b.username.trim(), MAX_USERNAME, false)?;
    bounded("/password", &b.password, MAX_PASSWORD, true)?;
    // Only active people's accounts sign in with a password; service accounts use tokens.
    let (known, user) = {
        let w = s.world();
        let found = w.user_by_username(&b.username).ok();
        let user = found
            .and_then(|id| w.user(id).ok())
            .filter(|u| u.active && u.kind != AccountKind::SystemUser)
            .map(|u| u.id);
        (found.is_some(), user)
    };
    check_limits(&s, Limits::SignIn, &b.username, known, client.ip, now).await?;
    let credential = match user {
        Some(u) => {
            let store = s.store.clone();
            blocking(move || store.password(u)).await??
        }
        None => None,
    };
    let verdict = verify_password(&s, b.password.clone(), credential.as_ref().map(|c| c.phc.clone())).await?;
    let (Some(user), Some(credential), Some(Verification::Ok { needs_rehash })) = (user, credential, verdict) else {
        failed_attempt(&s, &b.username, user, client.ip, "auth.login").await?;
        return Err(bad_credentials());
    };
    succeeded(&s, &b.username, client.ip).await?;
    let rehash = if needs_rehash {
        Some(hash_password(&s, b.password.clone()).await?)
    } else {
        None
    };
    let sign_in = SignIn {
        rehash,
        ..SignIn::default()
    };
    if credential.must_change {
        return start_session(
            &s,
            user,
            SessionState::PasswordChange,
            false,
            client,
            sign_in,
            "auth.login",
        )
        .await;
    }
    let store = s.store.clone();
    let totp = blocking(move || store.totp(user)).await??;
    let state = if confirmed_totp(&totp) {
        SessionState::Mfa
    } else if mfa_required(&s, user, client.ip) {
        SessionState::MfaEnrolment
    } else if check_policy(&s, user, &b.password, client.lang).await.is_err() {
        // A password today's rules refuse (a newer list of breached passwords, a longer
        // minimum) is changed before anything else, as Kanidm checks its badlist at sign-in
        // too. Only a sign-in without a second factor gets here: with one the password is one
        // of two factors, and a change before the factor would bypass it.
        SessionState::PasswordChange
    } else {
        SessionState::Active
    };
    start_session(&s, user, state, false, client, sign_in, "auth.login").await
}

/// What a second-factor code showed.
pub(crate) enum CodeCheck {
    /// A current TOTP code or an unused backup code; `sign_in` says what it uses up.
    Accepted,
    /// A TOTP code of a step already used.
    Replayed,
    /// Neither.
    Wrong,
    /// A backup code on a standby: it is not spent here, since the primary — whose credentials
    /// the standby copies — would never learn it was used and would take it again.
    BackupOnStandby,
}

/// The refusal of a backup code on a standby, in both languages.
fn backup_on_standby() -> WebError {
    WebError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "backup-code-on-standby",
        "this server is a standby: backup codes are spent on the primary only; sign in here with the code of your authenticator app",
    )
    .sl("ta strežnik je rezervni: rezervne kode sprejema le glavni strežnik; tukaj se prijavite s kodo aplikacije za preverjanje")
}

/// Checks `code` as a TOTP code newer than `last_step`, or else as one of the account's backup
/// codes, and records in `sign_in` what the sign-in step uses up (the step, or the code set
/// with that code spent) — for the login's second step and for a step-up alike.
#[allow(clippy::too_many_arguments)]
pub(crate) fn check_code(
    s: &AppState,
    user: UserId,
    secret: &TotpSecret,
    last_step: Option<u64>,
    codes: Option<adam_store::StoredBackupCodes>,
    code: &str,
    now: Timestamp,
    sign_in: &mut SignIn,
) -> CodeCheck {
    match secret.verify(code, now, last_step.map(adam_auth::totp::TotpStep)) {
        Ok(step) => {
            sign_in.totp_step = Some(step.0);
            CodeCheck::Accepted
        }
        Err(adam_auth::totp::TotpRejection::Replayed) => CodeCheck::Replayed,
        Err(_) if s.replica.keeps_access_aside() => {
            // Not a current code; a backup code is not spent on a standby.
            let is_backup = codes.is_some_and(|stored| {
                serde_json::from_value::<BackupCodes>(stored.codes)
                    .is_ok_and(|mut set| set.redeem(&s.authn.backup_key, &user.0.to_string(), code).is_ok())
            });
            if is_backup {
                CodeCheck::BackupOnStandby
            } else {
                CodeCheck::Wrong
            }
        }
        Err(_) => {
            // Not a current code: perhaps a backup code.
            let redeemed = codes.and_then(|stored| {
                let mut set: BackupCodes = serde_json::from_value(stored.codes).ok()?;
                set.redeem(&s.authn.backup_key, &user.0.to_string(), code).ok()?;
                serde_json::to_value(&set).ok()
            });
            match redeemed {
                Some(set) => {
                    sign_in.backup_codes = Some(set);
                    CodeCheck::Accepted
                }
                None => CodeCheck::Wrong,
            }
        }
    }
}

/// The second step of a sign-in: a TOTP code or a backup code against the login challenge.
pub(crate) async fn second_factor_step(s: &AppState, client: &Client, b: SecondFactor) -> ApiResult<Opened> {
    let s = s.clone();
    let now = s.now();
    bounded("/challenge", b.challenge.trim(), MAX_SECRET, false)?;
    bounded("/code", b.code.trim(), MAX_CODE, false)?;
    let store = s.store.clone();
    let hash = hash_secret(b.challenge.trim());
    let challenge = blocking(move || store.session_by_hash(&hash))
        .await??
        .filter(|c| c.state == SessionState::Mfa && alive(c, &s.config.auth, now))
        .ok_or_else(|| {
            WebError::unauthenticated("the login challenge is unknown or has expired; sign in again")
                .sl("prijava je potekla ali ni znana; prijavite se znova")
        })?;
    let user = challenge.user;
    let username = s.world().user(user)?.username.as_str().to_owned();
    check_limits(&s, Limits::SignIn, &username, true, client.ip, now).await?;
    let store = s.store.clone();
    let (totp, codes) = blocking(move || Ok::<_, StoreError>((store.totp(user)?, store.backup_codes(user)?))).await??;
    let totp = totp.filter(|t| t.confirmed).ok_or_else(|| {
        WebError::unauthenticated("the account has no second factor any more; sign in again")
            .sl("račun nima več drugega faktorja; prijavite se znova")
    })?;
    let secret = TotpSecret::from_base32(&totp.secret).map_err(|e| WebError::internal(&e))?;
    let mut sign_in = SignIn {
        replaces: Some(challenge.id),
        ..SignIn::default()
    };
    match check_code(&s, user, &secret, totp.last_step, codes, &b.code, now, &mut sign_in) {
        CodeCheck::Accepted => {}
        CodeCheck::Replayed => {
            failed_attempt(&s, &username, Some(user), client.ip, "auth.mfa").await?;
            return Err(WebError::unauthenticated("this code was already used")
                .sl("ta koda je bila že uporabljena")
                .with("reason", "replayed"));
        }
        CodeCheck::BackupOnStandby => return Err(backup_on_standby()),
        CodeCheck::Wrong => {
            failed_attempt(&s, &username, Some(user), client.ip, "auth.mfa").await?;
            return Err(WebError::unauthenticated("the code is wrong")
                .sl("koda je napačna")
                .with("reason", "bad-code"));
        }
    }
    succeeded(&s, &username, client.ip).await?;
    start_session(&s, user, SessionState::Active, true, client, sign_in, "auth.login.mfa").await
}

/// Ends the person's current session (logout), recorded in the audit trail.
pub(crate) async fn end_session(s: &AppState, person: &Person) -> ApiResult<()> {
    let Some(session) = person.session.clone() else {
        return Err(WebError::forbidden(
            "session-only",
            "logout ends a session; an API token is revoked with DELETE /api/v1/tokens/{id}",
        )
        .sl("odjava konča sejo; žeton API se prekliče z DELETE /api/v1/tokens/{id}"));
    };
    let audit = record(
        s,
        Retention::Access,
        person.caller.actor(None),
        person.caller.source_ip.as_deref().and_then(|i| i.parse().ok()),
        "auth.logout",
        user_object(s, session.user),
        None,
        "ok",
    );
    let store = s.store.clone();
    let now = s.now();
    blocking(move || store.revoke_session(session.id, now, &[audit])).await??;
    Ok(())
}

/// The caller's own live sessions.
pub(crate) async fn sessions_of(s: &AppState, caller: &Caller) -> ApiResult<Vec<SessionView>> {
    caller.require(Scope::Read)?;
    let store = s.store.clone();
    let user = caller.user;
    let now = s.now();
    let sessions = blocking(move || store.sessions_of(user)).await??;
    Ok(sessions
        .into_iter()
        .filter(|x| x.state != SessionState::Mfa && alive(x, &s.config.auth, now))
        .map(|x| SessionView {
            id: x.id,
            created: x.created,
            last_seen: x.last_seen,
            expires: x.expires,
            mfa: x.mfa,
            source_ip: x.source_ip,
            user_agent: x.user_agent,
            current: caller.session == Some(x.id),
        })
        .collect())
}

/// Ends one of the caller's own sessions; another person's looks like none at all.
pub(crate) async fn end_own_session(s: &AppState, caller: &Caller, id: i64) -> ApiResult<()> {
    caller.require(Scope::Write)?;
    let store = s.store.clone();
    let user = caller.user;
    let mine = blocking(move || store.sessions_of(user))
        .await??
        .into_iter()
        .any(|x| x.id == id);
    if !mine {
        // Another person's session and no session at all look the same.
        return Err(WebError::not_found(format!("you have no session {id}")).sl(format!("seje {id} nimate")));
    }
    let audit = record(
        s,
        Retention::Access,
        caller.actor(None),
        caller.source_ip.as_deref().and_then(|i| i.parse().ok()),
        "auth.session.revoke",
        user_object(s, user),
        Some(serde_json::json!({"session": id})),
        "ok",
    );
    let store = s.store.clone();
    let now = s.now();
    blocking(move || store.revoke_session(id, now, &[audit])).await??;
    Ok(())
}

/// Upgrades a password-only session with a TOTP or backup code (the API's and the UI's): a
/// new session secret that counts the factor, with the old absolute end.
pub(crate) async fn step_up_session(s: &AppState, person: Person, client: &Client, code: &str) -> ApiResult<Opened> {
    let s = s.clone();
    let Some(current) = person.session else {
        return Err(WebError::forbidden(
            "session-only",
            "step-up upgrades a signed-in session; an API token is one factor and cannot show a second",
        )
        .sl(
            "dodatna potrditev velja za sejo prijavljene osebe; žeton API je en sam faktor in drugega ne more pokazati",
        ));
    };
    match current.state {
        SessionState::Active => {}
        SessionState::PasswordChange => {
            return Err(
                WebError::forbidden("password-change-required", "change the temporary password first")
                    .sl("najprej zamenjajte začasno geslo"),
            );
        }
        SessionState::MfaEnrolment | SessionState::Mfa => {
            return Err(WebError::forbidden(
                "mfa-enrolment-required",
                "enrol a second factor first (POST /api/v1/auth/totp)",
            )
            .sl("najprej si nastavite drugi faktor (POST /api/v1/auth/totp)"));
        }
    }
    let user = current.user;
    if current.mfa {
        // Already counted: nothing to upgrade, the cookie and CSRF token stay as they are.
        return Ok(Opened {
            answer: LoginAnswer {
                user: Some(user),
                mfa: true,
                expires: Some(current.expires),
                ..LoginAnswer::default()
            },
            cookie: None,
        });
    }
    let now = s.now();
    bounded("/code", code.trim(), MAX_CODE, false)?;
    let username = s.world().user(user)?.username.as_str().to_owned();
    check_limits(&s, Limits::SignIn, &username, true, client.ip, now).await?;
    let store = s.store.clone();
    let (totp, codes) = blocking(move || Ok::<_, StoreError>((store.totp(user)?, store.backup_codes(user)?))).await??;
    let totp = totp.filter(|t| t.confirmed).ok_or_else(|| {
        WebError::new(
            StatusCode::CONFLICT,
            "no-second-factor",
            "this account has no second factor: enrol one with POST /api/v1/auth/totp",
        )
        .sl("ta račun nima drugega faktorja: nastavite ga s POST /api/v1/auth/totp")
    })?;
    let secret = TotpSecret::from_base32(&totp.secret).map_err(|e| WebError::internal(&e))?;
    let bad_code = |reason: &str| {
        WebError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad-code",
            "the code is wrong or was already used",
        )
        .sl("koda je napačna ali je bila že uporabljena")
        .with("pointer", "/code")
        .with("reason", reason)
    };
    let mut sign_in = SignIn {
        replaces: Some(current.id),
        ..SignIn::default()
    };
    match check_code(&s, user, &secret, totp.last_step, codes, code, now, &mut sign_in) {
        CodeCheck::Accepted => {}
        CodeCheck::Replayed => {
            failed_attempt(&s, &username, Some(user), client.ip, "auth.step_up").await?;
            return Err(bad_code("replayed"));
        }
        CodeCheck::BackupOnStandby => return Err(backup_on_standby()),
        CodeCheck::Wrong => {
            failed_attempt(&s, &username, Some(user), client.ip, "auth.step_up").await?;
            return Err(bad_code("bad-code"));
        }
    }
    succeeded(&s, &username, client.ip).await?;
    let (mut session, secret, csrf) = new_session(
        &s,
        user,
        SessionState::Active,
        true,
        Some(client.ip.to_string()),
        client.user_agent.clone(),
    )?;
    session.expires = current.expires;
    let audit = record(
        &s,
        Retention::Access,
        person_actor(user, true),
        Some(client.ip),
        "auth.step_up",
        user_object(&s, user),
        Some(serde_json::json!({"replaces": current.id, "mfa": true})),
        "ok",
    );
    if let Some(step) = sign_in.totp_step
        && super::totp_step::taken_on_primary(&s, user, step).await
    {
        return Err(bad_code("replayed"));
    }
    let store = s.store.clone();
    let stored = session.clone();
    match blocking(move || store.create_session(&stored, &sign_in, &[audit])).await? {
        Ok(_) => {}
        Err(StoreError::Spent(_)) => return Err(bad_code("replayed")),
        Err(e) => return Err(e.into()),
    }
    let answer = LoginAnswer {
        user: Some(user),
        mfa: true,
        csrf_token: Some(csrf),
        expires: Some(session.expires),
        ..LoginAnswer::default()
    };
    let cookie = set_cookie(&s.config.auth, &secret, (session.expires.0 - now.0).max(0));
    Ok(Opened {
        answer,
        cookie: Some(cookie),
    })
}
