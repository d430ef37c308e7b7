//! Authentication records, shared by both backends: password credentials, TOTP enrolments and
//! backup codes, password-reset links and sessions (issue 5, SPEC §4).
//!
//! Every write here runs in one transaction together with the audit records the caller hands
//! in (appended through the trail's `Tail`, like every other record), so a password change, a
//! sign-in or a revoked session is never stored without its trace, nor the other way round.
//! The one write without an audit record is [`touch_session`]: a session's "last seen" is
//! bookkeeping for the idle timeout, not an event, and recording it would put every request of
//! every person into the trail.
//!
//! Nothing stored here gives a secret back: passwords are Argon2id PHC strings, session ids,
//! CSRF tokens and reset links are SHA-256 of 256-bit random secrets, backup codes are keyed
//! HMAC tags. The TOTP seed is the exception (the server computes codes from it): it is kept in
//! its own table, `auth_totp`, sealed under a key outside the database (`seal.rs`), and never
//! copied into an audit record. [`TotpEnrolment::secret`] is the seed in clear: sealing and
//! opening happen here, on the way in and out.

use crate::keys::Keyring;
use crate::keys::seal;
use crate::sql::{Row, Tx, Val, Writes, one, req_id, req_int, req_text, write_error};
use crate::{NewAudit, StoreError};
use adam_core::{Timestamp, UserId};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// An account's password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordCredential {
    /// The account.
    pub user: UserId,
    /// The Argon2id PHC string.
    pub phc: String,
    /// A temporary password set by an administrator: the next sign-in only allows a change.
    pub must_change: bool,
    /// When it was set.
    pub set_at: Timestamp,
}

/// A password to store, and what else the same transaction does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswordChange {
    /// The new credential.
    pub credential: PasswordCredential,
    /// Revoke every other live session of the account, keeping only this one (if any).
    pub revoke_sessions: bool,
    /// The session to keep when revoking.
    pub keep_session: Option<i64>,
    /// The reset link this change uses up (refused when it was used meanwhile).
    pub reset: Option<i64>,
}

/// An account's TOTP enrolment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpEnrolment {
    /// The account.
    pub user: UserId,
    /// The seed, base32.
    pub secret: String,
    /// Whether a code has proved the person's app has it; only a confirmed factor counts.
    pub confirmed: bool,
    /// When it was made.
    pub created: Timestamp,
    /// The last step a code matched (a code of that step or an earlier one is a replay).
    pub last_step: Option<u64>,
}

/// An account's backup codes: the set as `adam_auth::totp::BackupCodes` serialises it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredBackupCodes {
    /// The account.
    pub user: UserId,
    /// The tags and used flags.
    pub codes: Value,
    /// When the set was made.
    pub created: Timestamp,
    /// When a code of the set was last used.
    pub used_at: Option<Timestamp>,
}

/// A password-reset link sent to an e-mail address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordReset {
    /// Id (assigned by the store; 0 before insertion).
    pub id: i64,
    /// Hex SHA-256 of the secret.
    pub hash: String,
    /// The address it was sent to.
    pub email: String,
    /// The accounts the e-mail listed; the link resets one of them.
    pub users: Vec<UserId>,
    /// When it was requested.
    pub created: Timestamp,
    /// Refused from this instant on.
    pub expires: Timestamp,
    /// When it was used.
    pub used_at: Option<Timestamp>,
    /// Who asked for it.
    pub source_ip: Option<String>,
}

/// How far a session's sign-in got.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    /// Signed in.
    Active,
    /// The password was right; the second factor is outstanding.
    Mfa,
    /// A second factor is required and none is enrolled: only enrolment is allowed.
    MfaEnrolment,
    /// Signed in with a temporary password: only the password change is allowed.
    PasswordChange,
}

impl SessionState {
    fn as_str(self) -> &'static str {
        match self {
            SessionState::Active => "active",
            SessionState::Mfa => "mfa",
            SessionState::MfaEnrolment => "mfa_enrolment",
            SessionState::PasswordChange => "password_change",
        }
    }

    fn parse(s: &str) -> Result<SessionState, StoreError> {
        match s {
            "active" => Ok(SessionState::Active),
            "mfa" => Ok(SessionState::Mfa),
            "mfa_enrolment" => Ok(SessionState::MfaEnrolment),
            "password_change" => Ok(SessionState::PasswordChange),
            other => Err(StoreError::Corrupt(format!("auth_sessions.state holds {other:?}"))),
        }
    }
}

/// A browser session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthSession {
    /// Id (assigned by the store; 0 before insertion).
    pub id: i64,
    /// Hex SHA-256 of the cookie's secret.
    pub hash: String,
    /// Hex SHA-256 of the CSRF token.
    pub csrf_hash: String,
    /// The account.
    pub user: UserId,
    /// How far the sign-in got.
    pub state: SessionState,
    /// Whether a second factor was shown.
    pub mfa: bool,
    /// When it began.
    pub created: Timestamp,
    /// The last request (for the idle timeout).
    pub last_seen: Timestamp,
    /// The absolute end.
    pub expires: Timestamp,
    /// When it was ended (logout, revocation, password change).
    pub revoked_at: Option<Timestamp>,
    /// The client's address at sign-in.
    pub source_ip: Option<String>,
    /// The client's User-Agent at sign-in.
    pub user_agent: Option<String>,
}

/// What a sign-in step stores besides its session.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignIn {
    /// The half-finished session this one replaces (ended in the same transaction).
    pub replaces: Option<i64>,
    /// The TOTP step the code matched: stored only if later than the last one, otherwise the
    /// sign-in is refused as a replay ([`StoreError::Spent`]).
    pub totp_step: Option<u64>,
    /// The backup codes after one was used.
    pub backup_codes: Option<Value>,
    /// A fresh hash of the password (the parameters changed since it was stored).
    pub rehash: Option<String>,
}

fn ts(v: Option<i64>) -> Option<Timestamp> {
    v.map(Timestamp)
}

fn step_val(step: u64) -> Result<Val<'static>, StoreError> {
    i64::try_from(step)
        .map(Val::int)
        .map_err(|_| StoreError::Corrupt(format!("TOTP step {step} does not fit")))
}

fn audit(tx: &mut dyn Tx, keys: &Keyring, records: &[NewAudit], writes: &mut Writes) -> Result<(), StoreError> {
    crate::audit::tail::append_audit(tx, keys, records, writes)
}

fn exec(tx: &mut dyn Tx, writes: &mut Writes, sql: &'static str, params: &[Val<'_>]) -> Result<u64, StoreError> {
    writes.exec(tx, sql, params).map_err(write_error)
}

// ---- passwords ----------------------------------------------------------------------------

/// The password of an account.
pub(crate) fn password(tx: &mut dyn Tx, user: UserId) -> Result<Option<PasswordCredential>, StoreError> {
    one(
        tx,
        "SELECT user_id, phc, must_change, set_at FROM auth_passwords WHERE user_id = $1",
        &[Val::int(user.0)],
        |row| {
            Ok(PasswordCredential {
                user: UserId(req_id(row, 0, "auth_passwords", "user_id")?),
                phc: req_text(row, 1, "auth_passwords", "phc")?.to_owned(),
                must_change: row.boolean(2)?,
                set_at: Timestamp(req_int(row, 3, "auth_passwords", "set_at")?),
            })
        },
    )
}

/// Stores a password (replacing any), ends the account's other sessions if asked, uses up the
/// reset link if one is named, and appends the audit records.
pub(crate) fn set_password(
    tx: &mut dyn Tx,
    keys: &Keyring,
    change: &PasswordChange,
    records: &[NewAudit],
    writes: &mut Writes,
) -> Result<(), StoreError> {
    let c = &change.credential;
    if let Some(reset) = change.reset {
        let n = exec(
            tx,
            writes,
            "UPDATE auth_resets SET used_at = $2 WHERE id = $1 AND used_at IS NULL",
            &[Val::int(reset), Val::int(c.set_at.0)],
        )?;
        if n == 0 {
            return Err(StoreError::Spent(format!("reset link {reset}")));
        }
    }
    exec(
        tx,
        writes,
        "INSERT INTO auth_passwords (user_id, phc, must_change, set_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id) DO UPDATE SET phc = excluded.phc, must_change = excluded.must_change, \
         set_at = excluded.set_at",
        &[
            Val::int(c.user.0),
            Val::text(&c.phc),
            Val::Bool(c.must_change),
            Val::int(c.set_at.0),
        ],
    )?;
    if change.revoke_sessions {
        exec(
            tx,
            writes,
            "UPDATE auth_sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL AND id <> $3",
            &[
                Val::int(c.user.0),
                Val::int(c.set_at.0),
                Val::int(change.keep_session.unwrap_or(-1)),
            ],
        )?;
    }
    audit(tx, keys, records, writes)
}

// ---- TOTP and backup codes ----------------------------------------------------------------

/// The TOTP enrolment of an account, its seed opened.
pub(crate) fn totp(tx: &mut dyn Tx, keys: &Keyring, user: UserId) -> Result<Option<TotpEnrolment>, StoreError> {
    let found = one(
        tx,
        "SELECT user_id, secret, confirmed, created, last_step FROM auth_totp WHERE user_id = $1",
        &[Val::int(user.0)],
        |row| {
            Ok(TotpEnrolment {
                user: UserId(req_id(row, 0, "auth_totp", "user_id")?),
                secret: req_text(row, 1, "auth_totp", "secret")?.to_owned(),
                confirmed: row.boolean(2)?,
                created: Timestamp(req_int(row, 3, "auth_totp", "created")?),
                last_step: row
                    .int(4)?
                    .map(|s| u64::try_from(s).map_err(|_| StoreError::Corrupt(format!("auth_totp.last_step {s}"))))
                    .transpose()?,
            })
        },
    )?;
    found
        .map(|t| {
            Ok(TotpEnrolment {
                secret: seal::open(keys, t.user.0.into(), &t.secret)?,
                ..t
            })
        })
        .transpose()
}

/// Seals every TOTP seed still stored in clear (written before seeds were sealed); returns how
/// many. Run when a store opens. It records no audit event: like a schema migration it changes
/// how a credential is kept, not the credential, and nobody acts.
pub(crate) fn seal_clear_totp(tx: &mut dyn Tx, keys: &Keyring, writes: &mut Writes) -> Result<usize, StoreError> {
    if clear_totp(tx)? == 0 {
        return Ok(0);
    }
    let clear: Vec<(i64, String)> = stored_totp(tx)?
        .into_iter()
        .filter(|(_, stored)| !stored.starts_with(seal::PREFIX))
        .collect();
    for (user, secret) in &clear {
        let sealed = seal::seal(keys, *user, secret)?;
        exec(
            tx,
            writes,
            "UPDATE auth_totp SET secret = $2 WHERE user_id = $1",
            &[Val::int(*user), Val::text(&sealed)],
        )?;
    }
    Ok(clear.len())
}

/// Every TOTP seed as stored: `(account, stored form)`.
fn stored_totp(tx: &mut dyn Tx) -> Result<Vec<(i64, String)>, StoreError> {
    let mut all = Vec::new();
    tx.each(
        "SELECT user_id, secret FROM auth_totp ORDER BY user_id",
        &[],
        &mut |row| {
            all.push((
                req_int(row, 0, "auth_totp", "user_id")?,
                req_text(row, 1, "auth_totp", "secret")?.to_owned(),
            ));
            Ok(())
        },
    )?;
    Ok(all)
}

/// Re-seals every TOTP seed under `next`, the key of a rotation, and records the rotation in
/// the audit trail; returns how many seeds. A seed that does not open with the current key
/// stops the rotation (nothing is changed): re-sealing it would lose it for good.
pub(crate) fn reseal_totp(
    tx: &mut dyn Tx,
    keys: &Keyring,
    next: &[u8; 32],
    context: &crate::AuditContext,
    writes: &mut Writes,
) -> Result<usize, StoreError> {
    let all = stored_totp(tx)?;
    for (user, stored) in &all {
        let seed = seal::open(keys, *user, stored)?;
        let sealed = seal::seal_with(next, *user, &seed)?;
        exec(
            tx,
            writes,
            "UPDATE auth_totp SET secret = $2 WHERE user_id = $1",
            &[Val::int(*user), Val::text(&sealed)],
        )?;
    }
    audit(
        tx,
        keys,
        &[NewAudit {
            retention: crate::Retention::Change,
            context: context.clone(),
            action: "auth.totp_key.rotate".to_owned(),
            object: adam_core::AuditObject {
                kind: adam_core::EntityKind::Key,
                id: 0,
                label: crate::keys::TOTP_KEY_FILE.to_owned(),
            },
            before: None,
            after: Some(serde_json::json!({ "seeds": all.len() })),
            outcome: "ok".to_owned(),
        }],
        writes,
    )?;
    Ok(all.len())
}

/// Finishes or forgets a rotation of the TOTP key that stopped between its steps (run when a
/// store opens): the staged key becomes `totp.key` if the seeds open with it (the transaction
/// re-sealing them committed) or if there is none, and is dropped if they open with the
/// current key.
pub(crate) fn resolve_staged_totp(tx: &mut dyn Tx, keys: &Keyring) -> Result<(), StoreError> {
    let Some(next) = keys.staged_totp_key()? else {
        return Ok(());
    };
    let sealed = stored_totp(tx)?
        .into_iter()
        .find(|(_, stored)| stored.starts_with(seal::PREFIX));
    match sealed {
        None => keys.commit_totp_key(&next),
        Some((user, stored)) => {
            if seal::open_with(&next, user, &stored)?.is_some() {
                keys.commit_totp_key(&next)
            } else if seal::open_with(&keys.totp_key(), user, &stored)?.is_some() {
                keys.discard_staged_totp_key()
            } else {
                Err(StoreError::Keys(format!(
                    "the TOTP seeds open neither with {} nor with {}",
                    keys.dir().join(crate::keys::TOTP_KEY_FILE).display(),
                    keys.dir().join(crate::keys::TOTP_NEXT_FILE).display()
                )))
            }
        }
    }
}

/// How many TOTP seeds are stored in clear (the check before [`seal_clear_totp`], so that
/// opening a store takes no write lock when there is nothing to seal).
pub(crate) fn clear_totp(tx: &mut dyn Tx) -> Result<i64, StoreError> {
    Ok(one(
        tx,
        "SELECT count(*) FROM auth_totp WHERE secret NOT LIKE 'v1:%'",
        &[],
        |row| row.int(0),
    )?
    .flatten()
    .unwrap_or(0))
}

/// The backup codes of an account.
pub(crate) fn backup_codes(tx: &mut dyn Tx, user: UserId) -> Result<Option<StoredBackupCodes>, StoreError> {
    one(
        tx,
        "SELECT user_id, codes, created, used_at FROM auth_backup_codes WHERE user_id = $1",
        &[Val::int(user.0)],
        |row| {
            Ok(StoredBackupCodes {
                user: UserId(req_id(row, 0, "auth_backup_codes", "user_id")?),
                codes: row
                    .json(1)?
                    .ok_or_else(|| StoreError::Corrupt("auth_backup_codes.codes is NULL".to_owned()))?,
                created: Timestamp(req_int(row, 2, "auth_backup_codes", "created")?),
                used_at: ts(row.int(3)?),
            })
        },
    )
}

/// Stores an enrolment (replacing any) and, if given, a fresh set of backup codes.
pub(crate) fn save_totp(
    tx: &mut dyn Tx,
    keys: &Keyring,
    enrolment: &TotpEnrolment,
    codes: Option<&Value>,
    records: &[NewAudit],
    writes: &mut Writes,
) -> Result<(), StoreError> {
    let last = enrolment.last_step.map(step_val).transpose()?.unwrap_or(Val::Int(None));
    let sealed = seal::seal(keys, enrolment.user.0.into(), &enrolment.secret)?;
    exec(
        tx,
        writes,
        "INSERT INTO auth_totp (user_id, secret, confirmed, created, last_step) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, confirmed = excluded.confirmed, \
         created = excluded.created, last_step = excluded.last_step",
        &[
            Val::int(enrolment.user.0),
            Val::text(&sealed),
            Val::Bool(enrolment.confirmed),
            Val::int(enrolment.created.0),
            last,
        ],
    )?;
    if let Some(codes) = codes {
        exec(
            tx,
            writes,
            "INSERT INTO auth_backup_codes (user_id, codes, created, used_at) VALUES ($1, $2, $3, NULL) \
             ON CONFLICT (user_id) DO UPDATE SET codes = excluded.codes, created = excluded.created, used_at = NULL",
            &[
                Val::int(enrolment.user.0),
                Val::Json(Some(codes.clone())),
                Val::int(enrolment.created.0),
            ],
        )?;
    }
    audit(tx, keys, records, writes)
}

/// Removes an account's TOTP enrolment and backup codes (a lost or stolen factor) and ends
/// every session of the account that was signed in with a second factor: whoever holds the
/// factor may have used it.
pub(crate) fn remove_totp(
    tx: &mut dyn Tx,
    keys: &Keyring,
    user: UserId,
    at: Timestamp,
    records: &[NewAudit],
    writes: &mut Writes,
) -> Result<(), StoreError> {
    exec(
        tx,
        writes,
        "UPDATE auth_sessions SET revoked_at = $2 WHERE user_id = $1 AND mfa AND revoked_at IS NULL",
        &[Val::int(user.0), Val::int(at.0)],
    )?;
    exec(
        tx,
        writes,
        "DELETE FROM auth_totp WHERE user_id = $1",
        &[Val::int(user.0)],
    )?;
    exec(
        tx,
        writes,
        "DELETE FROM auth_backup_codes WHERE user_id = $1",
        &[Val::int(user.0)],
    )?;
    audit(tx, keys, records, writes)
}

/// Marks TOTP `step` used for `user` (compare-and-set: only a newer step moves the mark), with
/// `records`; whether the mark moved. A standby reports here the step a sign-in used there, so
/// the same code is not taken again on the primary within its step.
pub(crate) fn use_totp_step(
    tx: &mut dyn Tx,
    keys: &Keyring,
    user: UserId,
    step: u64,
    records: &[NewAudit],
    writes: &mut Writes,
) -> Result<bool, StoreError> {
    let moved = move_totp_mark(tx, writes, user, step)?;
    if moved {
        audit(tx, keys, records, writes)?;
    }
    Ok(moved)
}

/// Moves `user`'s last used TOTP step to `step` if it is newer; whether it moved. The
/// compare-and-set makes replay refusal hold across servers and concurrent requests.
fn move_totp_mark(tx: &mut dyn Tx, writes: &mut Writes, user: UserId, step: u64) -> Result<bool, StoreError> {
    let n = exec(
        tx,
        writes,
        "UPDATE auth_totp SET last_step = $2 WHERE user_id = $1 AND (last_step IS NULL OR last_step < $2)",
        &[Val::int(user.0), step_val(step)?],
    )?;
    Ok(n > 0)
}

// ---- sessions -----------------------------------------------------------------------------

fn session_of(row: &dyn Row) -> Result<AuthSession, StoreError> {
    const T: &str = "auth_sessions";
    Ok(AuthSession {
        id: req_int(row, 0, T, "id")?,
        hash: req_text(row, 1, T, "hash")?.to_owned(),
        csrf_hash: req_text(row, 2, T, "csrf_hash")?.to_owned(),
        user: UserId(req_id(row, 3, T, "user_id")?),
        state: SessionState::parse(req_text(row, 4, T, "state")?)?,
        mfa: row.boolean(5)?,
        created: Timestamp(req_int(row, 6, T, "created")?),
        last_seen: Timestamp(req_int(row, 7, T, "last_seen")?),
        expires: Timestamp(req_int(row, 8, T, "expires")?),
        revoked_at: ts(row.int(9)?),
        source_ip: row.text(10)?.map(str::to_owned),
        user_agent: row.text(11)?.map(str::to_owned),
    })
}

/// Stores a new session and what the sign-in step used up, with the audit records.
pub(crate) fn create_session(
    tx: &mut dyn Tx,
    keys: &Keyring,
    session: &AuthSession,
    sign_in: &SignIn,
    records: &[NewAudit],
    writes: &mut Writes,
) -> Result<i64, StoreError> {
    let user = Val::int(session.user.0);
    if let Some(step) = sign_in.totp_step
        && !move_totp_mark(tx, writes, session.user, step)?
    {
        return Err(StoreError::Spent(format!("TOTP step {step}")));
    }
    if let Some(codes) = &sign_in.backup_codes {
        exec(
            tx,
            writes,
            "UPDATE auth_backup_codes SET codes = $2, used_at = $3 WHERE user_id = $1",
            &[
                Val::int(session.user.0),
                Val::Json(Some(codes.clone())),
                Val::int(session.created.0),
            ],
        )?;
    }
    if let Some(phc) = &sign_in.rehash {
        exec(
            tx,
            writes,
            "UPDATE auth_passwords SET phc = $2 WHERE user_id = $1",
            &[Val::int(session.user.0), Val::text(phc)],
        )?;
    }
    if let Some(old) = sign_in.replaces {
        exec(
            tx,
            writes,
            "UPDATE auth_sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
            &[Val::int(old), Val::int(session.created.0)],
        )?;
    }
    writes.checkpoint()?;
    let id = one(
        tx,
        "INSERT INTO auth_sessions (hash, csrf_hash, user_id, state, mfa, created, last_seen, expires, revoked_at, \
         source_ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        &[
            Val::text(&session.hash),
            Val::text(&session.csrf_hash),
            user,
            Val::text(session.state.as_str()),
            Val::Bool(session.mfa),
            Val::int(session.created.0),
            Val::int(session.last_seen.0),
            Val::int(session.expires.0),
            Val::opt_int(session.revoked_at.map(|t| t.0)),
            Val::opt_text(session.source_ip.as_deref()),
            Val::opt_text(session.user_agent.as_deref()),
        ],
        |row| req_int(row, 0, "auth_sessions", "id"),
    )?
    .ok_or_else(|| StoreError::Database("the session insert returned no id".to_owned()))?;
    audit(tx, keys, records, writes)?;
    Ok(id)
}

/// The session with this hash, ended or not.
pub(crate) fn session_by_hash(tx: &mut dyn Tx, hash: &str) -> Result<Option<AuthSession>, StoreError> {
    const SQL: &str = "SELECT id, hash, csrf_hash, user_id, state, mfa, created, last_seen, expires, revoked_at, \
                       source_ip, user_agent FROM auth_sessions WHERE hash = $1";
    one(tx, SQL, &[Val::text(hash)], session_of)
}

/// The sessions of an account that have not been ended, newest first.
pub(crate) fn sessions_of(tx: &mut dyn Tx, user: UserId) -> Result<Vec<AuthSession>, StoreError> {
    let mut out = Vec::new();
    tx.each(
        "SELECT id, hash, csrf_hash, user_id, state, mfa, created, last_seen, expires, revoked_at, \
         source_ip, user_agent FROM auth_sessions WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id DESC",
        &[Val::int(user.0)],
        &mut |row| {
            out.push(session_of(row)?);
            Ok(())
        },
    )?;
    Ok(out)
}

/// Moves a session's "last seen" forward (never back). No audit record: see the module text.
pub(crate) fn touch_session(tx: &mut dyn Tx, id: i64, at: Timestamp, writes: &mut Writes) -> Result<(), StoreError> {
    exec(
        tx,
        writes,
        "UPDATE auth_sessions SET last_seen = $2 WHERE id = $1 AND last_seen < $2",
        &[Val::int(id), Val::int(at.0)],
    )?;
    Ok(())
}

/// Ends a session (logout or revocation) with its audit records; ending an ended session
/// changes nothing and records nothing.
pub(crate) fn revoke_session(
    tx: &mut dyn Tx,
    keys: &Keyring,
    id: i64,
    at: Timestamp,
    records: &[NewAudit],
    writes: &mut Writes,
) -> Result<bool, StoreError> {
    let n = exec(
        tx,
        writes,
        "UPDATE auth_sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
        &[Val::int(id), Val::int(at.0)],
    )?;
    if n == 0 {
        return Ok(false);
    }
    audit(tx, keys, records, writes)?;
    Ok(true)
}

// ---- password resets ----------------------------------------------------------------------

fn reset_of(row: &dyn Row) -> Result<PasswordReset, StoreError> {
    const T: &str = "auth_resets";
    let users = row
        .json(3)?
        .ok_or_else(|| StoreError::Corrupt("auth_resets.users is NULL".to_owned()))?;
    Ok(PasswordReset {
        id: req_int(row, 0, T, "id")?,
        hash: req_text(row, 1, T, "hash")?.to_owned(),
        email: req_text(row, 2, T, "email")?.to_owned(),
        users: serde_json::from_value(users).map_err(|e| StoreError::Corrupt(format!("auth_resets.users: {e}")))?,
        created: Timestamp(req_int(row, 4, T, "created")?),
        expires: Timestamp(req_int(row, 5, T, "expires")?),
        used_at: ts(row.int(6)?),
        source_ip: row.text(7)?.map(str::to_owned),
    })
}

/// Stores a reset link with its audit records and returns its id.
pub(crate) fn create_reset(
    tx: &mut dyn Tx,
    keys: &Keyring,
    reset: &PasswordReset,
    records: &[NewAudit],
    writes: &mut Writes,
) -> Result<i64, StoreError> {
    let users = serde_json::to_value(&reset.users).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    writes.checkpoint()?;
    let id = one(
        tx,
        "INSERT INTO auth_resets (hash, email, users, created, expires, used_at, source_ip) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        &[
            Val::text(&reset.hash),
            Val::text(&reset.email),
            Val::Json(Some(users)),
            Val::int(reset.created.0),
            Val::int(reset.expires.0),
            Val::opt_int(reset.used_at.map(|t| t.0)),
            Val::opt_text(reset.source_ip.as_deref()),
        ],
        |row| req_int(row, 0, "auth_resets", "id"),
    )?
    .ok_or_else(|| StoreError::Database("the reset insert returned no id".to_owned()))?;
    audit(tx, keys, records, writes)?;
    Ok(id)
}

/// The reset link with this hash, used or not.
pub(crate) fn reset_by_hash(tx: &mut dyn Tx, hash: &str) -> Result<Option<PasswordReset>, StoreError> {
    one(
        tx,
        "SELECT id, hash, email, users, created, expires, used_at, source_ip FROM auth_resets WHERE hash = $1",
        &[Val::text(hash)],
        reset_of,
    )
}
