//! The typed requests and answers of the sign-in flows, shared by the API (JSON) and the UI.

use crate::error::{ApiResult, WebError};
use adam_core::*;
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Why a person's second factor is removed by their administrator.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FactorReset {
    /// The reason, kept in the audit trail (e.g. "telefon izgubljen, prijava 2026-12-03, identiteta preverjena osebno").
    pub reason: Text,
}

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
