//! The credentials role of the store ([`Credentials`]): API tokens (`tokens.rs`), attempt
//! limits (`limits.rs`), passwords, second factors, sessions and reset links (`authn.rs`),
//! accounts' last use (`activity.rs`),
//! implemented once for both backends.

use crate::StoreError;
use crate::activity::{self, AccountActivity};
use crate::audit::{AuditContext, NewAudit};
use crate::authn::{
    self, AuthSession, PasswordChange, PasswordCredential, PasswordReset, SignIn, StoredBackupCodes, TotpEnrolment,
};
use crate::limits::{self, AttemptState};
use crate::sql::Backend;
use crate::tokens::{self, ApiToken};
use adam_core::{Timestamp, UserId};

/// What people and programs sign in with: API tokens, the shared attempt limits, passwords,
/// second factors (TOTP, backup codes), sessions and password-reset links. Each write appends
/// the audit records it is given in its transaction.
pub trait Credentials {
    /// Stores a new token (and its audit record) and returns its id.
    fn create_token(&self, token: &ApiToken, context: &AuditContext) -> Result<i64, StoreError>;

    /// The token with this hash, revoked or not.
    fn token_by_hash(&self, hash: &str) -> Result<Option<ApiToken>, StoreError>;

    /// The token with this id, revoked or not.
    fn token_by_id(&self, id: i64) -> Result<Option<ApiToken>, StoreError>;

    /// Revokes a token (and records it).
    fn revoke_token(&self, id: i64, context: &AuditContext) -> Result<(), StoreError>;

    /// Revokes a token reported lost or stolen and appends `audit` (the report), in one
    /// transaction: the token cannot outlive the record of its loss, nor the record its revocation.
    fn revoke_lost_token(&self, id: i64, context: &AuditContext, audit: &[NewAudit]) -> Result<(), StoreError>;

    /// The tokens of an account, newest first.
    fn tokens_of(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError>;

    /// Records that a token was used at `at` (never moving its last use back).
    fn touch_token(&self, id: i64, at: Timestamp) -> Result<(), StoreError>;

    /// The shared attempt-limit states of `keys` (those that have one).
    fn attempts(&self, keys: &[String]) -> Result<Vec<AttemptState>, StoreError>;

    /// Stores attempt-limit states, forgets keys, drops rows stale before `stale_before`, and
    /// appends `audit`, in one transaction.
    fn record_attempts(
        &self,
        states: &[AttemptState],
        forget: &[String],
        stale_before: Timestamp,
        audit: &[NewAudit],
    ) -> Result<(), StoreError>;

    /// The password of an account.
    fn password(&self, user: UserId) -> Result<Option<PasswordCredential>, StoreError>;

    /// Stores a password, ends other sessions and uses up a reset link as `change` says.
    fn set_password(&self, change: &PasswordChange, audit: &[NewAudit]) -> Result<(), StoreError>;

    /// The TOTP enrolment of an account.
    fn totp(&self, user: UserId) -> Result<Option<TotpEnrolment>, StoreError>;

    /// The backup codes of an account.
    fn backup_codes(&self, user: UserId) -> Result<Option<StoredBackupCodes>, StoreError>;

    /// Stores a TOTP enrolment and, if given, a new set of backup codes.
    fn save_totp(
        &self,
        enrolment: &TotpEnrolment,
        codes: Option<&serde_json::Value>,
        audit: &[NewAudit],
    ) -> Result<(), StoreError>;

    /// Removes the TOTP enrolment and backup codes of an account and ends its sessions that
    /// were signed in with a second factor.
    fn remove_totp(&self, user: UserId, at: Timestamp, audit: &[NewAudit]) -> Result<(), StoreError>;

    /// Marks a TOTP step used (only a newer one moves the mark), with `audit` when it moved;
    /// whether it moved.
    fn use_totp_step(&self, user: UserId, step: u64, audit: &[NewAudit]) -> Result<bool, StoreError>;

    /// Stores a session and what its sign-in step used up; returns its id.
    fn create_session(&self, session: &AuthSession, sign_in: &SignIn, audit: &[NewAudit]) -> Result<i64, StoreError>;

    /// The session with this hash.
    fn session_by_hash(&self, hash: &str) -> Result<Option<AuthSession>, StoreError>;

    /// The sessions of an account that have not been ended, newest first.
    fn sessions_of(&self, user: UserId) -> Result<Vec<AuthSession>, StoreError>;

    /// Moves a session's last-seen time forward.
    fn touch_session(&self, id: i64, at: Timestamp) -> Result<(), StoreError>;

    /// Ends a session; `false` when it had already ended.
    fn revoke_session(&self, id: i64, at: Timestamp, audit: &[NewAudit]) -> Result<bool, StoreError>;

    /// Stores a password-reset link; returns its id.
    fn create_reset(&self, reset: &PasswordReset, audit: &[NewAudit]) -> Result<i64, StoreError>;

    /// The reset link with this hash.
    fn reset_by_hash(&self, hash: &str) -> Result<Option<PasswordReset>, StoreError>;

    /// When each account was created, last signed in and last used a token (`activity.rs`).
    fn account_activity(&self) -> Result<Vec<AccountActivity>, StoreError>;
}

impl<B: Backend> Credentials for B {
    fn create_token(&self, token: &ApiToken, context: &AuditContext) -> Result<i64, StoreError> {
        self.write(|tx, writes| tokens::create_token(tx, self.keyring(), token, context, writes))
    }

    fn token_by_hash(&self, hash: &str) -> Result<Option<ApiToken>, StoreError> {
        self.read(|tx| tokens::token_by_hash(tx, hash))
    }

    fn token_by_id(&self, id: i64) -> Result<Option<ApiToken>, StoreError> {
        self.read(|tx| tokens::token_by_id(tx, id))
    }

    fn revoke_token(&self, id: i64, context: &AuditContext) -> Result<(), StoreError> {
        self.write(|tx, writes| tokens::revoke_token(tx, self.keyring(), id, context, writes))
    }

    fn revoke_lost_token(&self, id: i64, context: &AuditContext, audit: &[NewAudit]) -> Result<(), StoreError> {
        self.write(|tx, writes| {
            tokens::revoke_token(tx, self.keyring(), id, context, writes)?;
            crate::audit::tail::append_audit(tx, self.keyring(), audit, writes)
        })
    }

    fn tokens_of(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError> {
        self.read(|tx| tokens::tokens_of(tx, user))
    }

    fn touch_token(&self, id: i64, at: Timestamp) -> Result<(), StoreError> {
        self.write(|tx, writes| tokens::touch_token(tx, id, at, writes))
    }

    fn attempts(&self, keys: &[String]) -> Result<Vec<AttemptState>, StoreError> {
        self.read(|tx| limits::attempts(tx, keys))
    }

    fn record_attempts(
        &self,
        states: &[AttemptState],
        forget: &[String],
        stale_before: Timestamp,
        audit: &[NewAudit],
    ) -> Result<(), StoreError> {
        self.write(|tx, writes| {
            limits::record_attempts(tx, self.keyring(), states, forget, stale_before, audit, writes)
        })
    }

    fn password(&self, user: UserId) -> Result<Option<PasswordCredential>, StoreError> {
        self.read(|tx| authn::password(tx, user))
    }

    fn set_password(&self, change: &PasswordChange, audit: &[NewAudit]) -> Result<(), StoreError> {
        self.write(|tx, writes| authn::set_password(tx, self.keyring(), change, audit, writes))
    }

    fn totp(&self, user: UserId) -> Result<Option<TotpEnrolment>, StoreError> {
        self.read(|tx| authn::totp(tx, self.keyring(), user))
    }

    fn backup_codes(&self, user: UserId) -> Result<Option<StoredBackupCodes>, StoreError> {
        self.read(|tx| authn::backup_codes(tx, user))
    }

    fn save_totp(
        &self,
        enrolment: &TotpEnrolment,
        codes: Option<&serde_json::Value>,
        audit: &[NewAudit],
    ) -> Result<(), StoreError> {
        self.write(|tx, writes| authn::save_totp(tx, self.keyring(), enrolment, codes, audit, writes))
    }

    fn remove_totp(&self, user: UserId, at: Timestamp, audit: &[NewAudit]) -> Result<(), StoreError> {
        self.write(|tx, writes| authn::remove_totp(tx, self.keyring(), user, at, audit, writes))
    }

    fn use_totp_step(&self, user: UserId, step: u64, audit: &[NewAudit]) -> Result<bool, StoreError> {
        self.write(|tx, writes| authn::use_totp_step(tx, self.keyring(), user, step, audit, writes))
    }

    fn create_session(&self, session: &AuthSession, sign_in: &SignIn, audit: &[NewAudit]) -> Result<i64, StoreError> {
        self.write(|tx, writes| authn::create_session(tx, self.keyring(), session, sign_in, audit, writes))
    }

    fn session_by_hash(&self, hash: &str) -> Result<Option<AuthSession>, StoreError> {
        self.read(|tx| authn::session_by_hash(tx, hash))
    }

    fn sessions_of(&self, user: UserId) -> Result<Vec<AuthSession>, StoreError> {
        self.read(|tx| authn::sessions_of(tx, user))
    }

    fn touch_session(&self, id: i64, at: Timestamp) -> Result<(), StoreError> {
        self.write(|tx, writes| authn::touch_session(tx, id, at, writes))
    }

    fn revoke_session(&self, id: i64, at: Timestamp, audit: &[NewAudit]) -> Result<bool, StoreError> {
        self.write(|tx, writes| authn::revoke_session(tx, self.keyring(), id, at, audit, writes))
    }

    fn create_reset(&self, reset: &PasswordReset, audit: &[NewAudit]) -> Result<i64, StoreError> {
        self.write(|tx, writes| authn::create_reset(tx, self.keyring(), reset, audit, writes))
    }

    fn reset_by_hash(&self, hash: &str) -> Result<Option<PasswordReset>, StoreError> {
        self.read(|tx| authn::reset_by_hash(tx, hash))
    }

    fn account_activity(&self) -> Result<Vec<AccountActivity>, StoreError> {
        self.read(activity::account_activity)
    }
}
