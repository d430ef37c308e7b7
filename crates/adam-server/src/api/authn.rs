//! Sign-in and the person's own credentials: login (with the second factor), logout, sessions,
//! password change, TOTP enrolment, a lost factor, "forgot password" by e-mail and the reset;
//! and for user administrators a temporary password and unlocking an account.
//!
//! Answers never tell whether an account exists: a wrong password and an unknown username get
//! the same 401 after the same Argon2 work, and a reset request the same 202 whether or not
//! the address is known (the e-mail is sent by a background task, so timing does not tell
//! either). Every sign-in, refusal, lock and credential change is in the audit trail, written
//! in the transaction of the change it records.

use super::{Api, Doc};
/// Setting a password as the system (the command line and the tests call it here).
pub use crate::authn::set_password_as;
use crate::authn::*;
use crate::body::Body;
use crate::error::ApiResult;
use crate::http::Id;
use crate::state::AppState;
use adam_core::*;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};

pub(crate) fn routes(api: Api) -> Api {
    let t = "authentication";
    api.route(
        Method::POST,
        "/api/v1/auth/login",
        Doc::new(
            t,
            "Sign in with username and password: sets the session cookie, or asks for the second factor",
            "anyone",
        )
        .public()
        .body::<LoginRequest>()
        .response::<LoginAnswer>(),
        post(login),
    )
    .route(
        Method::POST,
        "/api/v1/auth/login/totp",
        Doc::new(
            t,
            "Finish a sign-in with a TOTP code or a backup code",
            "anyone holding a login challenge",
        )
        .public()
        .body::<SecondFactor>()
        .response::<LoginAnswer>(),
        post(login_totp),
    )
    .route(
        Method::POST,
        "/api/v1/auth/logout",
        Doc::new(t, "End the current session", "a signed-in person").response::<Done>(),
        post(logout),
    )
    .route(
        Method::GET,
        "/api/v1/auth/sessions",
        Doc::new(t, "The caller's own live sessions", "anyone, for their own").response::<Vec<SessionView>>(),
        get(list_sessions),
    )
    .route(
        Method::DELETE,
        "/api/v1/auth/sessions/{id}",
        Doc::new(t, "End one of the caller's own sessions", "anyone, for their own").response::<Done>(),
        delete(revoke_session),
    )
    .route(
        Method::POST,
        "/api/v1/auth/password",
        Doc::new(
            t,
            "Change one's own password; ends every other session of the account",
            "anyone with a password, for their own",
        )
        .body::<PasswordChangeRequest>()
        .response::<PasswordChanged>(),
        post(change_password),
    )
    .route(
        Method::POST,
        "/api/v1/auth/totp",
        Doc::new(
            t,
            "Start TOTP enrolment: the secret, its otpauth URI and ten backup codes, shown once",
            "anyone, for their own account",
        )
        .body::<Empty>()
        .response::<TotpEnrolled>()
        .created(),
        post(enrol_totp),
    )
    .route(
        Method::POST,
        "/api/v1/auth/totp/confirm",
        Doc::new(
            t,
            "Confirm TOTP enrolment with a code from the app",
            "anyone, for their own account",
        )
        .body::<CodeRequest>()
        .response::<LoginAnswer>(),
        post(confirm_totp),
    )
    .route(
        Method::POST,
        "/api/v1/auth/totp/lost",
        Doc::new(
            t,
            "Report the second factor lost or stolen: it is disabled at once and a security event raised",
            "anyone, for their own account",
        )
        .body::<Empty>()
        .response::<Done>(),
        post(lost_totp),
    )
    .route(
        Method::POST,
        "/api/v1/auth/forgot",
        Doc::new(
            t,
            "Ask for a password-reset e-mail; the answer is the same whether or not the address is known",
            "anyone",
        )
        .public()
        .body::<ForgotRequest>()
        .response::<Accepted>()
        .accepted(),
        post(forgot),
    )
    .route(
        Method::POST,
        "/api/v1/auth/reset",
        Doc::new(
            t,
            "Set a new password with the code from the reset e-mail",
            "anyone holding a reset code",
        )
        .public()
        .body::<ResetRequest>()
        .response::<PasswordChanged>(),
        post(reset),
    )
    .route(
        Method::POST,
        "/api/v1/auth/step-up",
        Doc::new(
            t,
            "Show the second factor from a signed-in session (step-up, needed for Z3 and C3 records): \
             the session is replaced by one that counts it, with a new cookie and CSRF token",
            "a person signed in with a session, for their own",
        )
        .body::<StepUpRequest>()
        .response::<LoginAnswer>(),
        post(step_up),
    )
    .route(
        Method::POST,
        "/api/v1/users/{id}/password",
        Doc::new(
            t,
            "Set a temporary password that must be changed at the next sign-in; ends the account's sessions",
            "a user administrator for the people they manage; the system administrator for admin and service accounts \
             and for a person's account still being set up (no job, no role)",
        )
        .body::<TemporaryPassword>()
        .response::<Done>(),
        post(set_temporary_password),
    )
    .route(
        Method::POST,
        "/api/v1/users/{id}/unlock",
        Doc::new(
            t,
            "Lift the sign-in lock and delays of an account",
            "the system administrator, or a user administrator for users in their offices",
        )
        .body::<Empty>()
        .response::<Done>(),
        post(unlock),
    )
    .route(
        Method::POST,
        "/api/v1/users/{id}/totp/reset",
        Doc::new(
            t,
            "Remove a person's second factor and backup codes (lost phone and codes), with the reason; \
             they enrol a new one at their next sign-in; ends their sessions signed in with it",
            "a user administrator for the people they manage (never their own); the system administrator \
             for admin accounts",
        )
        .body::<FactorReset>()
        .response::<Done>(),
        post(reset_factor),
    )
}

async fn reset_factor(
    State(s): State<AppState>,
    caller: Caller,
    client: Client,
    Id(id): Id,
    Body(b): Body<FactorReset>,
) -> ApiResult<axum::Json<Done>> {
    reset_factor_of(&s, &caller, &client, UserId(id), &b.reason).await?;
    Ok(axum::Json(Done { done: true }))
}

// ---- bodies and answers -------------------------------------------------------------------

// ---- helpers ------------------------------------------------------------------------------

// ---- handlers -----------------------------------------------------------------------------

async fn login(State(s): State<AppState>, client: Client, Body(b): Body<LoginRequest>) -> ApiResult<Opened> {
    password_step(&s, &client, b).await
}

async fn login_totp(State(s): State<AppState>, client: Client, Body(b): Body<SecondFactor>) -> ApiResult<Opened> {
    second_factor_step(&s, &client, b).await
}

async fn logout(State(s): State<AppState>, person: Person) -> ApiResult<Response> {
    end_session(&s, &person).await?;
    Ok(with_cookie(
        StatusCode::OK,
        &Done { done: true },
        Some(clear_cookie(&s)),
    ))
}

async fn list_sessions(State(s): State<AppState>, caller: Caller) -> ApiResult<axum::Json<Vec<SessionView>>> {
    sessions_of(&s, &caller).await.map(axum::Json)
}

async fn revoke_session(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<axum::Json<Done>> {
    end_own_session(&s, &caller, i64::from(id)).await?;
    Ok(axum::Json(Done { done: true }))
}

async fn change_password(
    State(s): State<AppState>,
    person: Person,
    client: Client,
    Body(b): Body<PasswordChangeRequest>,
) -> ApiResult<axum::Json<PasswordChanged>> {
    change_own_password(&s, &person, &client, b).await.map(axum::Json)
}

async fn set_temporary_password(
    State(s): State<AppState>,
    caller: Caller,
    client: Client,
    Id(id): Id,
    Body(b): Body<TemporaryPassword>,
) -> ApiResult<axum::Json<Done>> {
    set_temporary(&s, &caller, &client, UserId(id), b.password).await?;
    Ok(axum::Json(Done { done: true }))
}

async fn unlock(
    State(s): State<AppState>,
    caller: Caller,
    client: Client,
    Id(id): Id,
    Body(_): Body<Empty>,
) -> ApiResult<axum::Json<Done>> {
    unlock_user(&s, &caller, &client, UserId(id)).await?;
    Ok(axum::Json(Done { done: true }))
}

async fn enrol_totp(State(s): State<AppState>, person: Person, Body(_): Body<Empty>) -> ApiResult<Response> {
    let answer = start_enrolment(&s, &person).await?;
    Ok((StatusCode::CREATED, axum::Json(answer)).into_response())
}

async fn confirm_totp(
    State(s): State<AppState>,
    person: Person,
    client: Client,
    Body(b): Body<CodeRequest>,
) -> ApiResult<Opened> {
    confirm_enrolment(&s, person, &client, &b.code).await
}

async fn lost_totp(
    State(s): State<AppState>,
    person: Person,
    client: Client,
    Body(_): Body<Empty>,
) -> ApiResult<axum::Json<Done>> {
    report_lost_factor(&s, &person, &client).await?;
    Ok(axum::Json(Done { done: true }))
}

async fn forgot(State(s): State<AppState>, client: Client, Body(b): Body<ForgotRequest>) -> ApiResult<Response> {
    request_reset(&s, &client, &b.email).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(ACCEPTED)).into_response())
}

async fn reset(
    State(s): State<AppState>,
    client: Client,
    Body(b): Body<ResetRequest>,
) -> ApiResult<axum::Json<PasswordChanged>> {
    complete_reset(&s, &client, b).await.map(axum::Json)
}

/// Step-up (SPEC §4, Art. 53): a session signed in with the password alone shows the second
/// factor, because a decision on a Z3 or C3 record needs it. Like every step that raises what a
/// session may do, it replaces the session with a new one (new secret and CSRF token: no
/// fixation), which keeps the old one's absolute end — showing a factor proves a device, not the
/// password again, so it must not extend the sign-in. An access record `auth.step_up` is written
/// in the transaction that stores the new session.
async fn step_up(
    State(s): State<AppState>,
    person: Person,
    client: Client,
    Body(b): Body<StepUpRequest>,
) -> ApiResult<Opened> {
    step_up_session(&s, person, &client, &b.code).await
}
