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
use crate::auth::{Caller, Scope, hash_secret};
use crate::body::Body;
use crate::error::{ApiResult, WebError};
use crate::http::Id;
use crate::login::{self, authenticate, client_ip, language, new_session, set_cookie};
use crate::mail;
use crate::state::{AppState, blocking};
use adam_auth::hash::Verification;
use adam_auth::limiter::{AttemptLimiter, KeyState, SharedKeys, SharedStates};
use adam_auth::password::{Context, Lang};
use adam_auth::token::{TokenHash, TokenKind, TokenRecord};
use adam_auth::totp::{BackupCodes, TotpSecret};
use adam_core::*;
use adam_store::{
    AttemptState, AuthSession, NewAudit, PasswordChange, PasswordCredential, PasswordReset, Retention, SessionState,
    SignIn, StoreError, TotpEnrolment,
};
use axum::extract::{FromRef, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

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

/// Why a person's second factor is removed by their administrator.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FactorReset {
    /// The reason, kept in the audit trail (e.g. "telefon izgubljen, prijava 2026-12-03, identiteta preverjena osebno").
    pub reason: Text,
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
        ));
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
    Ok(())
}

// ---- bodies and answers -------------------------------------------------------------------

/// A sign-in.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The username.
    #[schemars(length(min = 1, max = 64))]
    pub username: String,
    /// The password (at most 1024 bytes).
    #[schemars(length(min = 1, max = 1024))]
    pub password: String,
}

/// The second step of a sign-in.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecondFactor {
    /// The challenge from the first step.
    #[schemars(length(min = 1, max = 128))]
    pub challenge: String,
    /// Six digits from the authenticator app, or a backup code (`xxxxx-xxxxx`).
    #[schemars(length(min = 1, max = 32))]
    pub code: String,
}

/// The answer to a sign-in step.
#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct LoginAnswer {
    /// The second factor is needed: send it with `challenge` to `/api/v1/auth/login/totp`.
    pub mfa_required: bool,
    /// The login challenge (only with `mfa_required`), valid a few minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub challenge: Option<String>,
    /// Signed in with a temporary password: only `POST /api/v1/auth/password` is allowed.
    pub password_change_required: bool,
    /// A second factor is required and none is enrolled: only enrolment is allowed.
    pub mfa_enrolment_required: bool,
    /// The token to send as `X-CSRF-Token` with every state-changing request of the session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
    /// The account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<UserId>,
    /// Whether the session has shown a second factor.
    pub mfa: bool,
    /// When the session ends at the latest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<Timestamp>,
}

/// No body needed (`{}`).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Empty {}

/// Done.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Done {
    /// `true`.
    pub done: bool,
}

/// A session as its owner sees it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SessionView {
    /// Id (to end it).
    pub id: i64,
    /// When it began.
    pub created: Timestamp,
    /// The last request.
    pub last_seen: Timestamp,
    /// When it ends at the latest.
    pub expires: Timestamp,
    /// Whether it showed a second factor.
    pub mfa: bool,
    /// The address it signed in from.
    pub source_ip: Option<String>,
    /// The browser it signed in with.
    pub user_agent: Option<String>,
    /// Whether this is the session of the request.
    pub current: bool,
}

/// A password change.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeRequest {
    /// The current password.
    #[schemars(length(min = 1, max = 1024))]
    pub current: String,
    /// The new password.
    #[schemars(length(min = 1, max = 1024))]
    pub new: String,
}

/// A changed password.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PasswordChanged {
    /// `true`.
    pub changed: bool,
    /// Every other session of the account was ended.
    pub other_sessions_ended: bool,
    /// This session ended too (it was for the change only): sign in with the new password.
    pub sign_in_again: bool,
}

/// A temporary password.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TemporaryPassword {
    /// The password; the person must change it at the next sign-in.
    #[schemars(length(min = 1, max = 1024))]
    pub password: String,
}

/// A started TOTP enrolment.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TotpEnrolled {
    /// The secret in base32, for typing into the app.
    pub secret: String,
    /// The `otpauth://` URI, for a QR code.
    pub otpauth_uri: String,
    /// Ten single-use backup codes: shown now and never again.
    pub backup_codes: Vec<String>,
}

/// A code.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    /// Six digits from the authenticator app.
    #[schemars(length(min = 1, max = 32))]
    pub code: String,
}

/// A step-up.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepUpRequest {
    /// Six digits from the authenticator app, or a backup code (`xxxxx-xxxxx`).
    #[schemars(length(min = 1, max = 32))]
    pub code: String,
}

/// A reset request.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ForgotRequest {
    /// The e-mail address of the account(s).
    #[schemars(length(min = 1, max = 254))]
    pub email: String,
}

/// The answer to a reset request (always the same).
#[derive(Debug, Serialize, JsonSchema)]
pub struct Accepted {
    /// What happens next, in Slovenian.
    pub message_sl: &'static str,
    /// What happens next, in English.
    pub message_en: &'static str,
}

/// A reset.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    /// The code (or the `token` of the link) from the e-mail.
    #[schemars(length(min = 1, max = 128))]
    pub token: String,
    /// Which of the listed accounts.
    #[schemars(length(min = 1, max = 64))]
    pub username: String,
    /// The new password.
    #[schemars(length(min = 1, max = 1024))]
    pub new_password: String,
}

pub(crate) const ACCEPTED: Accepted = Accepted {
    message_sl: "Če je naslov registriran, boste prejeli e-sporočilo s povezavo za novo geslo. \
                 Sicer se obrnite na svojega skrbnika uporabnikov.",
    message_en: "If this address is registered you will get an e-mail with a link to set a new password; \
                 otherwise ask your user administrator.",
};

// ---- helpers ------------------------------------------------------------------------------

/// The longest username (in characters) a sign-in accepts: the directory's own limit.
pub(crate) const MAX_USERNAME: usize = 64;
/// The longest password (in bytes) any route accepts, before any hashing: far above the
/// policy's 128 characters, far below what would make Argon2 or memory an attack surface.
pub(crate) const MAX_PASSWORD: usize = 1024;
/// The longest second-factor code (a TOTP code has 6 digits, a backup code 11 characters).
pub(crate) const MAX_CODE: usize = 32;
/// The longest login challenge or reset code (64 hex digits; `adam_reset_` and 52 symbols).
pub(crate) const MAX_SECRET: usize = 128;
/// The longest e-mail address (RFC 5321).
pub(crate) const MAX_EMAIL: usize = 254;

/// Refuses a field longer than `max` (characters, or bytes for passwords) before anything is
/// looked up, counted, kept or stored: 422 `too-long` naming the field. Says nothing about
/// accounts: no account has such a name.
pub(crate) fn bounded(pointer: &'static str, value: &str, max: usize, bytes: bool) -> ApiResult<()> {
    let n = if bytes {
        value.len()
    } else {
        value.chars().take(max + 1).count()
    };
    if n > max {
        let unit = if bytes { "bytes" } else { "characters" };
        return Err(WebError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "too-long",
            format!("{}: at most {max} {unit}", pointer.trim_start_matches('/')),
        )
        .with("pointer", pointer)
        .with("max_length", max));
    }
    Ok(())
}

/// A session-or-token caller that may be in a restricted sign-in state.
pub struct Person {
    /// The caller.
    pub caller: Caller,
    /// The session, if signed in by cookie.
    pub session: Option<AuthSession>,
}

impl<S> FromRequestParts<S> for Person
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let (caller, session) = authenticate(parts, &state, true).await?;
        Ok(Person { caller, session })
    }
}

/// The client's address and browser.
pub struct Client {
    /// The address.
    pub ip: IpAddr,
    /// The User-Agent.
    pub user_agent: Option<String>,
    /// The language of messages.
    pub lang: Lang,
}

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Client {
            ip: client_ip(parts),
            user_agent: parts
                .headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            lang: language(&parts.headers),
        })
    }
}

fn user_object(s: &AppState, user: UserId) -> AuditObject {
    let label = s
        .world()
        .user(user)
        .map_or_else(|_| user.to_string(), |u| u.username.as_str().to_owned());
    AuditObject {
        kind: "ADAM_ENTITY_USER".to_owned(),
        id: user.0,
        label,
    }
}

// Each argument is one field of the audit record; a builder would only rename them.
#[allow(clippy::too_many_arguments)]
fn record(
    s: &AppState,
    retention: Retention,
    actor: Actor,
    ip: Option<IpAddr>,
    action: &str,
    object: AuditObject,
    after: Option<serde_json::Value>,
    outcome: &str,
) -> NewAudit {
    NewAudit {
        retention,
        context: s.context(actor, ip.map(|i| i.to_string())),
        action: action.to_owned(),
        object,
        before: None,
        after,
        outcome: outcome.to_owned(),
    }
}

fn person_actor(user: UserId, mfa: bool) -> Actor {
    Actor::User {
        user,
        job: None,
        session: Session { mfa },
    }
}

fn too_many(retry: adam_auth::limiter::Retry, now: Timestamp) -> WebError {
    if retry.until.0 == i64::MAX {
        // NIST SP 800-63B: after 100 consecutive failures only an administrator unlocks.
        return WebError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "account-locked",
            "too many failed sign-ins on this account: ask your user administrator to unlock it",
        );
    }
    let seconds = retry.until.0.saturating_sub(now.0).max(1);
    WebError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too-many-attempts",
        format!("too many attempts; try again in {seconds} s"),
    )
    .with("retry_after", seconds)
}

fn bad_credentials() -> WebError {
    WebError::unauthenticated("the username or the password is wrong").with("reason", "bad-credentials")
}

/// Verifies a password against the stored hash (or the dummy, so that an account without a
/// password costs the same), with the number of concurrent hashes bounded.
async fn verify_password(s: &AppState, password: String, phc: Option<String>) -> ApiResult<Option<Verification>> {
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

async fn hash_password(s: &AppState, password: String) -> ApiResult<String> {
    let _permit = s.authn.hashing.acquire().await.map_err(|e| WebError::internal(&e))?;
    let me = s.clone();
    blocking(move || me.authn.hasher.hash(&password))
        .await?
        .map(|d| d.as_str().to_owned())
        .map_err(|e| WebError::internal(&e))
}

/// Which attempt limits: sign-ins (and codes and password checks), or reset requests (keyed
/// by e-mail address).
#[derive(Clone, Copy, Debug)]
enum Limits {
    SignIn,
    Reset,
}

impl Limits {
    fn lock(self, s: &AppState) -> std::sync::MutexGuard<'_, AttemptLimiter> {
        match self {
            Limits::SignIn => s.authn.limiter(),
            Limits::Reset => s.authn.forgot(),
        }
    }

    /// The keys the store shares an attempt's states under (fixed-size: accounts hashed).
    fn keys(self, s: &AppState, account: &str, ip: IpAddr) -> SharedKeys {
        let k = self.lock(s).shared_keys(account, ip);
        match self {
            Limits::SignIn => k,
            Limits::Reset => SharedKeys {
                account: format!("reset:{}", k.account),
                pair: k.pair.map(|p| format!("reset:{p}")),
                address: format!("reset:{}", k.address),
            },
        }
    }
}

/// Rows of runs over for this long are dropped from the shared table (longer than any
/// policy's memory of a run or of earlier locks); an account's consecutive count stays.
const ATTEMPTS_KEPT: i64 = 2 * 86_400;

fn key_state(x: &AttemptState) -> KeyState {
    KeyState {
        failures: x.failures,
        delay_until: x.delay_until,
        locked_until: x.locked_until,
        last_failure: x.last_failure,
        locks: x.locks,
    }
}

/// Whether an attempt on `account` from `ip` may go ahead: the shared states first (another
/// server may have counted failures), then this server's limiter decides. The states of an
/// account that does not exist (`known` false) are kept by this server only, never stored, so
/// that names nobody has cannot fill the database.
async fn check_limits(
    s: &AppState,
    limits: Limits,
    account: &str,
    known: bool,
    ip: IpAddr,
    now: Timestamp,
) -> ApiResult<()> {
    let keys = limits.keys(s, account, ip);
    let mut wanted = vec![keys.address.clone()];
    if known {
        wanted.push(keys.account.clone());
        wanted.extend(keys.pair.clone());
    }
    let store = s.store.clone();
    let found = blocking(move || store.attempts(&wanted)).await??;
    let state = |key: &str| found.iter().find(|x| x.key == key).map(key_state);
    let mut limiter = limits.lock(s);
    if known {
        let states = SharedStates {
            account: state(&keys.account),
            pair: keys.pair.as_deref().and_then(state),
            address: state(&keys.address),
        };
        limiter.adopt(account, ip, states);
    } else {
        limiter.adopt_address(ip, state(&keys.address));
    }
    limiter.check(account, ip, now).map_err(|r| too_many(r, now))
}

/// Writes this server's states of an attempt to the shared table, with `audit`, in one
/// transaction (only the address's for an account that does not exist).
async fn share_limits(
    s: &AppState,
    limits: Limits,
    account: &str,
    known: bool,
    ip: IpAddr,
    audit: Vec<NewAudit>,
) -> ApiResult<()> {
    let states = limits.lock(s).states(account, ip);
    let keys = limits.keys(s, account, ip);
    let mut pairs = vec![(keys.address, states.address)];
    if known {
        pairs.push((keys.account, states.account));
        if let Some(p) = keys.pair {
            pairs.push((p, states.pair));
        }
    }
    let mut save = Vec::new();
    let mut forget = Vec::new();
    for (key, state) in pairs {
        match state {
            Some(k) => save.push(AttemptState {
                key,
                failures: k.failures,
                delay_until: k.delay_until,
                locked_until: k.locked_until,
                last_failure: k.last_failure,
                locks: k.locks,
            }),
            None => forget.push(key),
        }
    }
    let stale = Timestamp(s.now().0 - ATTEMPTS_KEPT);
    let store = s.store.clone();
    blocking(move || store.record_attempts(&save, &forget, stale, &audit)).await??;
    Ok(())
}

/// A success from `ip` ends the account's consecutive count and that source's run on it, here
/// and in the shared table.
async fn succeeded(s: &AppState, account: &str, ip: IpAddr) -> ApiResult<()> {
    s.authn.limiter().record_success(account, ip);
    let keys = Limits::SignIn.keys(s, account, ip);
    let mut forget = vec![keys.account];
    forget.extend(keys.pair);
    let stale = Timestamp(s.now().0 - ATTEMPTS_KEPT);
    let store = s.store.clone();
    blocking(move || store.record_attempts(&[], &forget, stale, &[])).await??;
    Ok(())
}

/// An administrator's unlock: the account's locks and delays from every source end, here and in
/// the shared table, with `audit`.
async fn clear_account_limits(s: &AppState, account: &str, audit: Vec<NewAudit>) -> ApiResult<()> {
    s.authn.limiter().unlock_account(account);
    let keys = Limits::SignIn.keys(s, account, IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    let forget = vec![keys.account, format!("{}*", AttemptLimiter::pair_prefix(account))];
    let stale = Timestamp(s.now().0 - ATTEMPTS_KEPT);
    let store = s.store.clone();
    blocking(move || store.record_attempts(&[], &forget, stale, &audit)).await??;
    Ok(())
}

/// Records a failed attempt; a new lock (of the account, the address, or the global budget)
/// is a security event and the account's owner is told by e-mail.
async fn failed_attempt(s: &AppState, username: &str, user: Option<UserId>, ip: IpAddr, action: &str) -> ApiResult<()> {
    let now = s.now();
    let outcome = s.authn.limiter().record_failure(username, ip, now);
    let object = user.map_or_else(
        || AuditObject {
            kind: "ADAM_ENTITY_USER".to_owned(),
            id: 0,
            label: "unknown account".to_owned(),
        },
        |u| user_object(s, u),
    );
    let actor = user.map_or(Actor::System, |u| person_actor(u, false));
    let mut records = vec![record(
        s,
        Retention::Access,
        actor,
        Some(ip),
        action,
        object.clone(),
        None,
        "refused: bad-credentials",
    )];
    let mut lock = None;
    for (what, o) in [
        ("account-from-address", Some(outcome.account)),
        ("account", outcome.account_total),
        ("address", Some(outcome.address)),
    ] {
        let Some(o) = o.filter(|o| o.became_locked) else {
            continue;
        };
        // `until` absent: until a user administrator unlocks the account.
        let until = o.locked_until.filter(|t| t.0 != i64::MAX);
        records.push(record(
            s,
            Retention::Change,
            actor,
            Some(ip),
            "security.login_locked",
            object.clone(),
            Some(serde_json::json!({"locked": what, "until": until, "address": ip.to_string()})),
            "locked",
        ));
        if what != "address" {
            lock = Some(until);
        }
    }
    if outcome.global_exhausted {
        records.push(record(
            s,
            Retention::Change,
            Actor::System,
            Some(ip),
            "security.login_global_limit",
            object.clone(),
            None,
            "limited",
        ));
    }
    // The failure's records and the new shared state, in one transaction.
    let known = s.world().user_by_username(username).is_ok();
    share_limits(s, Limits::SignIn, username, known, ip, records).await?;
    if let (Some(until), Some(user)) = (lock, user) {
        let email = s.world().user(user).ok().map(|u| u.email.as_str().to_owned());
        if let (Some(email), Some(config)) = (email, s.config.auth.mail.clone()) {
            let minutes = until.map(|t| (t.0 - now.0) / 60);
            let message = mail::lock_message(&email, username, minutes, &ip.to_string());
            tokio::task::spawn_blocking(move || {
                if let Err(e) = mail::send(&config, &message) {
                    tracing::error!(error = %e, "the lock notice was not sent");
                }
            });
        }
    }
    Ok(())
}

/// A response with a JSON body and, if given, a `Set-Cookie`.
fn with_cookie<T: Serialize>(status: StatusCode, body: &T, cookie: Option<String>) -> Response {
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
async fn start_session(
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
    let store = s.store.clone();
    let stored = session.clone();
    session.id = match blocking(move || store.create_session(&stored, &sign_in, &[audit])).await? {
        Ok(id) => id,
        Err(StoreError::Spent(_)) => {
            return Err(WebError::unauthenticated("this code was already used").with("reason", "replayed"));
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

fn confirmed_totp(t: &Option<TotpEnrolment>) -> bool {
    t.as_ref().is_some_and(|t| t.confirmed)
}

/// The password rules' refusal: one entry per broken rule, in the request's language.
fn weak_password(problems: &[adam_auth::password::PasswordProblem], lang: Lang) -> WebError {
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

/// Checks a new password against the policy for `user`.
async fn check_policy(s: &AppState, user: UserId, password: &str, lang: Lang) -> ApiResult<()> {
    let policy = login::policy()?;
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

// ---- handlers -----------------------------------------------------------------------------

async fn login(State(s): State<AppState>, client: Client, Body(b): Body<LoginRequest>) -> ApiResult<Opened> {
    password_step(&s, &client, b).await
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
    } else if login::mfa_required(&s, user, client.ip) {
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
enum CodeCheck {
    /// A current TOTP code or an unused backup code; `sign_in` says what it uses up.
    Accepted,
    /// A TOTP code of a step already used.
    Replayed,
    /// Neither.
    Wrong,
}

/// Checks `code` as a TOTP code newer than `last_step`, or else as one of the account's backup
/// codes, and records in `sign_in` what the sign-in step uses up (the step, or the code set
/// with that code spent) — for the login's second step and for a step-up alike.
#[allow(clippy::too_many_arguments)]
fn check_code(
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

async fn login_totp(State(s): State<AppState>, client: Client, Body(b): Body<SecondFactor>) -> ApiResult<Opened> {
    second_factor_step(&s, &client, b).await
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
        .filter(|c| c.state == SessionState::Mfa && login::alive(c, &s.config.auth, now))
        .ok_or_else(|| WebError::unauthenticated("the login challenge is unknown or has expired; sign in again"))?;
    let user = challenge.user;
    let username = s.world().user(user)?.username.as_str().to_owned();
    check_limits(&s, Limits::SignIn, &username, true, client.ip, now).await?;
    let store = s.store.clone();
    let (totp, codes) = blocking(move || Ok::<_, StoreError>((store.totp(user)?, store.backup_codes(user)?))).await??;
    let totp = totp
        .filter(|t| t.confirmed)
        .ok_or_else(|| WebError::unauthenticated("the account has no second factor any more; sign in again"))?;
    let secret = TotpSecret::from_base32(&totp.secret).map_err(|e| WebError::internal(&e))?;
    let mut sign_in = SignIn {
        replaces: Some(challenge.id),
        ..SignIn::default()
    };
    match check_code(&s, user, &secret, totp.last_step, codes, &b.code, now, &mut sign_in) {
        CodeCheck::Accepted => {}
        CodeCheck::Replayed => {
            failed_attempt(&s, &username, Some(user), client.ip, "auth.mfa").await?;
            return Err(WebError::unauthenticated("this code was already used").with("reason", "replayed"));
        }
        CodeCheck::Wrong => {
            failed_attempt(&s, &username, Some(user), client.ip, "auth.mfa").await?;
            return Err(WebError::unauthenticated("the code is wrong").with("reason", "bad-code"));
        }
    }
    succeeded(&s, &username, client.ip).await?;
    start_session(&s, user, SessionState::Active, true, client, sign_in, "auth.login.mfa").await
}

fn clear_cookie(s: &AppState) -> String {
    set_cookie(&s.config.auth, "", 0)
}

async fn logout(State(s): State<AppState>, person: Person) -> ApiResult<Response> {
    end_session(&s, &person).await?;
    Ok(with_cookie(
        StatusCode::OK,
        &Done { done: true },
        Some(clear_cookie(&s)),
    ))
}

/// Ends the person's current session (logout), recorded in the audit trail.
pub(crate) async fn end_session(s: &AppState, person: &Person) -> ApiResult<()> {
    let Some(session) = person.session.clone() else {
        return Err(WebError::forbidden(
            "session-only",
            "logout ends a session; an API token is revoked with DELETE /api/v1/tokens/{id}",
        ));
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

async fn list_sessions(State(s): State<AppState>, caller: Caller) -> ApiResult<axum::Json<Vec<SessionView>>> {
    sessions_of(&s, &caller).await.map(axum::Json)
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
        .filter(|x| x.state != SessionState::Mfa && login::alive(x, &s.config.auth, now))
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

async fn revoke_session(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<axum::Json<Done>> {
    end_own_session(&s, &caller, i64::from(id)).await?;
    Ok(axum::Json(Done { done: true }))
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
        return Err(WebError::not_found(format!("you have no session {id}")));
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

async fn change_password(
    State(s): State<AppState>,
    person: Person,
    client: Client,
    Body(b): Body<PasswordChangeRequest>,
) -> ApiResult<axum::Json<PasswordChanged>> {
    change_own_password(&s, &person, &client, b).await.map(axum::Json)
}

/// Changes the person's own password (after checking the current one and the rules); ends
/// every other session, and this one too when it was for the change only.
pub(crate) async fn change_own_password(
    s: &AppState,
    person: &Person,
    client: &Client,
    b: PasswordChangeRequest,
) -> ApiResult<PasswordChanged> {
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
        ));
    }
    caller.require(Scope::Write)?;
    bounded("/current", &b.current, MAX_PASSWORD, true)?;
    bounded("/new", &b.new, MAX_PASSWORD, true)?;
    let user = caller.user;
    let username = s.world().user(user)?.username.as_str().to_owned();
    let now = s.now();
    check_limits(&s, Limits::SignIn, &username, true, client.ip, now).await?;
    let store = s.store.clone();
    let current = blocking(move || store.password(user)).await??.ok_or_else(|| {
        WebError::new(
            StatusCode::CONFLICT,
            "no-password",
            "this account has no password; a user administrator can set a temporary one",
        )
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
        .with("pointer", "/current"));
    }
    check_policy(&s, user, &b.new, client.lang).await?;
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
            ));
        }
    }
    if user == caller.user {
        return Err(WebError::forbidden(
            "not-yourself",
            "change your own password with POST /api/v1/auth/password",
        ));
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

async fn enrol_totp(State(s): State<AppState>, person: Person, Body(_): Body<Empty>) -> ApiResult<Response> {
    let answer = start_enrolment(&s, &person).await?;
    Ok((StatusCode::CREATED, axum::Json(answer)).into_response())
}

/// Starts TOTP enrolment: a new secret (unconfirmed) and ten backup codes, shown once.
pub(crate) async fn start_enrolment(s: &AppState, person: &Person) -> ApiResult<TotpEnrolled> {
    let s = s.clone();
    let caller = &person.caller;
    if person
        .session
        .as_ref()
        .is_some_and(|x| x.state == SessionState::PasswordChange)
    {
        return Err(WebError::forbidden(
            "password-change-required",
            "change the temporary password first",
        ));
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
        ));
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

async fn confirm_totp(
    State(s): State<AppState>,
    person: Person,
    client: Client,
    Body(b): Body<CodeRequest>,
) -> ApiResult<Opened> {
    confirm_enrolment(&s, person, &client, &b.code).await
}

/// Confirms TOTP enrolment with a code; a session then counts the factor (a new session
/// replaces it).
pub(crate) async fn confirm_enrolment(s: &AppState, person: Person, client: &Client, code: &str) -> ApiResult<Opened> {
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
        })?;
    let secret = TotpSecret::from_base32(&enrolment.secret).map_err(|e| WebError::internal(&e))?;
    let step = secret.verify(code, s.now(), None).map_err(|_| {
        WebError::new(StatusCode::UNPROCESSABLE_ENTITY, "bad-code", "the code does not match").with("pointer", "/code")
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

async fn lost_totp(
    State(s): State<AppState>,
    person: Person,
    client: Client,
    Body(_): Body<Empty>,
) -> ApiResult<axum::Json<Done>> {
    report_lost_factor(&s, &person, &client).await?;
    Ok(axum::Json(Done { done: true }))
}

/// A token cannot change the account's factors: it is one factor, and whoever holds it has not
/// shown the second (issue 12, item 6).
fn session_only_for_factors(person: &Person) -> ApiResult<&AuthSession> {
    person.session.as_ref().ok_or_else(|| {
        WebError::forbidden(
            "session-only",
            "the second factor is enrolled, confirmed and reported lost from a signed-in session, never with an API token",
        )
    })
}

/// The caller's second factor is lost or stolen: disabled at once, a security event recorded.
/// Only a session that showed the factor (a code or a backup code) may do it; without one, the
/// person asks their user administrator. A token or a password-only session could otherwise
/// remove the factor and enrol its own.
pub(crate) async fn report_lost_factor(s: &AppState, person: &Person, client: &Client) -> ApiResult<()> {
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
    Ok(())
}

async fn forgot(State(s): State<AppState>, client: Client, Body(b): Body<ForgotRequest>) -> ApiResult<Response> {
    request_reset(&s, &client, &b.email).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(ACCEPTED)).into_response())
}

/// "I forgot my password": one e-mail listing every account with the address, with a code
/// valid a few minutes. Succeeds the same way whether or not the address is known.
pub(crate) async fn request_reset(s: &AppState, client: &Client, email: &str) -> ApiResult<()> {
    let s = s.clone();
    let now = s.now();
    bounded("/email", email.trim(), MAX_EMAIL, false)?;
    let email = email.trim().to_lowercase();
    // Per e-mail address for everyone (the mailbox is what is protected), keyed by a hash.
    check_limits(&s, Limits::Reset, &email, true, client.ip, now).await?;
    s.authn.forgot().record_failure(&email, client.ip, now);
    share_limits(&s, Limits::Reset, &email, true, client.ip, Vec::new()).await?;
    let (accounts, organisation) = {
        let w = s.world();
        let accounts: Vec<(UserId, mail::ListedAccount)> = w
            .users()
            .iter()
            .filter(|u| u.active && u.kind != AccountKind::SystemUser && u.email.as_str().to_lowercase() == email)
            .map(|u| {
                let offices: Vec<String> = u
                    .jobs
                    .iter()
                    .filter_map(|j| w.job(*j).ok())
                    .filter_map(|j| w.office(j.office).ok())
                    .map(|o| o.name.as_str().to_owned())
                    .collect();
                let offices = if offices.is_empty() {
                    "—".to_owned()
                } else {
                    offices.join(", ")
                };
                (
                    u.id,
                    mail::ListedAccount {
                        username: u.username.as_str().to_owned(),
                        offices,
                    },
                )
            })
            .collect();
        (accounts, w.settings().organisation.as_str().to_owned())
    };
    let object = AuditObject {
        kind: "ADAM_ENTITY_USER".to_owned(),
        id: accounts.first().map_or(0, |(u, _)| u.0),
        label: accounts
            .iter()
            .map(|(_, a)| a.username.clone())
            .collect::<Vec<_>>()
            .join(", "),
    };
    if accounts.is_empty() {
        let audit = record(
            &s,
            Retention::Access,
            Actor::System,
            Some(client.ip),
            "auth.reset.request",
            object,
            None,
            "refused: unknown-address",
        );
        let store = s.store.clone();
        blocking(move || store.append_audit(&[audit])).await??;
        return Ok(());
    }
    let (secret, token) = TokenRecord::issue(TokenKind::Reset, now, Some(s.config.auth.reset_lifetime))
        .map_err(|e| WebError::internal(&e))?;
    let reset = PasswordReset {
        id: 0,
        hash: hex::encode(token.hash.as_bytes()),
        email: email.clone(),
        users: accounts.iter().map(|(u, _)| *u).collect(),
        created: now,
        expires: now.plus_seconds(s.config.auth.reset_lifetime),
        used_at: None,
        source_ip: Some(client.ip.to_string()),
    };
    let audit = record(
        &s,
        Retention::Change,
        Actor::System,
        Some(client.ip),
        "auth.reset.request",
        object,
        Some(serde_json::json!({"accounts": reset.users, "expires": reset.expires})),
        "ok",
    );
    let store = s.store.clone();
    blocking(move || store.create_reset(&reset, &[audit])).await??;
    if let Some(config) = s.config.auth.mail.clone() {
        let listed: Vec<mail::ListedAccount> = accounts.into_iter().map(|(_, a)| a).collect();
        let link = format!(
            "{}/reset?token={}",
            s.config.auth.public_url.trim_end_matches('/'),
            secret.as_str()
        );
        let message = mail::reset_message(
            &email,
            &organisation,
            &listed,
            &link,
            secret.as_str(),
            s.config.auth.reset_lifetime / 60,
        );
        // Sent in the background: the answer must not take longer for a known address.
        tokio::task::spawn_blocking(move || {
            if let Err(e) = mail::send(&config, &message) {
                tracing::error!(error = %e, "the reset e-mail was not sent");
            }
        });
    } else {
        tracing::warn!("a reset link was requested but no mail server is configured");
    }
    Ok(())
}

async fn reset(
    State(s): State<AppState>,
    client: Client,
    Body(b): Body<ResetRequest>,
) -> ApiResult<axum::Json<PasswordChanged>> {
    complete_reset(&s, &client, b).await.map(axum::Json)
}

/// Sets a new password with the code of a reset e-mail; ends every session of the account.
pub(crate) async fn complete_reset(s: &AppState, client: &Client, b: ResetRequest) -> ApiResult<PasswordChanged> {
    let s = s.clone();
    let now = s.now();
    bounded("/token", b.token.trim(), MAX_SECRET, false)?;
    bounded("/username", b.username.trim(), MAX_USERNAME, false)?;
    bounded("/new_password", &b.new_password, MAX_PASSWORD, true)?;
    let known = s.world().user_by_username(&b.username).is_ok();
    check_limits(&s, Limits::SignIn, &b.username, known, client.ip, now).await?;
    let refused = |why: &str| {
        WebError::new(
            StatusCode::GONE,
            "invalid-reset",
            "the reset code is wrong, used or expired; ask for a new e-mail",
        )
        .with("reason", why)
    };
    let user = s.world().user_by_username(&b.username).ok();
    let found = match TokenHash::of(b.token.trim()) {
        Ok(hash) => {
            let store = s.store.clone();
            let hex = hex::encode(hash.as_bytes());
            blocking(move || store.reset_by_hash(&hex)).await??
        }
        Err(_) => None,
    };
    let Some(reset) = found.filter(|r| user.is_some_and(|u| r.users.contains(&u))) else {
        failed_attempt(&s, &b.username, user, client.ip, "auth.reset").await?;
        return Err(refused("unknown"));
    };
    let Some(user) = user else {
        return Err(refused("unknown"));
    };
    if reset.used_at.is_some() {
        return Err(refused("used"));
    }
    if now >= reset.expires {
        return Err(refused("expired"));
    }
    if !s.world().user(user).is_ok_and(|u| u.active) {
        return Err(refused("inactive"));
    }
    check_policy(&s, user, &b.new_password, client.lang).await?;
    let phc = hash_password(&s, b.new_password).await?;
    let change = PasswordChange {
        credential: PasswordCredential {
            user,
            phc,
            must_change: false,
            set_at: now,
        },
        revoke_sessions: true,
        keep_session: None,
        reset: Some(reset.id),
    };
    let audit = record(
        &s,
        Retention::Change,
        person_actor(user, false),
        Some(client.ip),
        "password.reset",
        user_object(&s, user),
        Some(serde_json::json!({"reset": reset.id})),
        "ok",
    );
    let store = s.store.clone();
    match blocking(move || store.set_password(&change, &[audit])).await? {
        Ok(()) => {}
        Err(StoreError::Spent(_)) => return Err(refused("used")),
        Err(e) => return Err(e.into()),
    }
    succeeded(&s, &b.username, client.ip).await?;
    Ok(PasswordChanged {
        changed: true,
        other_sessions_ended: true,
        sign_in_again: true,
    })
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

/// Upgrades a password-only session with a TOTP or backup code (the API's and the UI's): a
/// new session secret that counts the factor, with the old absolute end.
pub(crate) async fn step_up_session(s: &AppState, person: Person, client: &Client, code: &str) -> ApiResult<Opened> {
    let s = s.clone();
    let Some(current) = person.session else {
        return Err(WebError::forbidden(
            "session-only",
            "step-up upgrades a signed-in session; an API token is one factor and cannot show a second",
        ));
    };
    match current.state {
        SessionState::Active => {}
        SessionState::PasswordChange => {
            return Err(WebError::forbidden(
                "password-change-required",
                "change the temporary password first",
            ));
        }
        SessionState::MfaEnrolment | SessionState::Mfa => {
            return Err(WebError::forbidden(
                "mfa-enrolment-required",
                "enrol a second factor first (POST /api/v1/auth/totp)",
            ));
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
    })?;
    let secret = TotpSecret::from_base32(&totp.secret).map_err(|e| WebError::internal(&e))?;
    let bad_code = |reason: &str| {
        WebError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad-code",
            "the code is wrong or was already used",
        )
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
