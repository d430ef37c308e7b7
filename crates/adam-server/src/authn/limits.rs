//! Failed attempts: per account, per address and overall, shared between servers through the
//! store, so that guessing passwords, codes or reset secrets is slow and visible.

use super::trail::*;
use crate::error::{ApiResult, WebError};
use crate::mail;
use crate::security_event::Detected;
use crate::state::{AppState, blocking};
use adam_auth::limiter::{AttemptLimiter, KeyState, SharedKeys, SharedStates};
use adam_core::*;
use adam_store::{AttemptState, NewAudit, Retention};
use axum::http::StatusCode;
use std::net::IpAddr;

pub(crate) fn too_many(retry: adam_auth::limiter::Retry, now: Timestamp) -> WebError {
    if retry.until.0 == i64::MAX {
        // NIST SP 800-63B: after 100 consecutive failures only an administrator unlocks.
        return WebError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "account-locked",
            "too many failed sign-ins on this account: ask your user administrator to unlock it",
        )
        .sl("preveč neuspelih prijav v ta račun: prosite skrbnika uporabnikov, naj ga odklene");
    }
    let seconds = retry.until.0.saturating_sub(now.0).max(1);
    WebError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too-many-attempts",
        format!("too many attempts; try again in {seconds} s"),
    )
    .sl(format!("preveč poskusov; poskusite znova čez {seconds} s"))
    .with("retry_after", seconds)
}

pub(crate) fn bad_credentials() -> WebError {
    WebError::unauthenticated("the username or the password is wrong")
        .sl("uporabniško ime ali geslo je napačno")
        .with("reason", "bad-credentials")
}

/// Which attempt limits: sign-ins (and codes and password checks), or reset requests (keyed
/// by e-mail address).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Limits {
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
pub(crate) const ATTEMPTS_KEPT: i64 = 2 * 86_400;

pub(crate) fn key_state(x: &AttemptState) -> KeyState {
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
pub(crate) async fn check_limits(
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
pub(crate) async fn share_limits(
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
pub(crate) async fn succeeded(s: &AppState, account: &str, ip: IpAddr) -> ApiResult<()> {
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
pub(crate) async fn clear_account_limits(s: &AppState, account: &str, audit: Vec<NewAudit>) -> ApiResult<()> {
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
pub(crate) async fn failed_attempt(
    s: &AppState,
    username: &str,
    user: Option<UserId>,
    ip: IpAddr,
    action: &str,
) -> ApiResult<()> {
    let now = s.now();
    s.metrics.signin_failed();
    let outcome = s.authn.limiter().record_failure(username, ip, now);
    let object = user.map_or_else(
        || AuditObject {
            kind: adam_core::EntityKind::User,
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
    let (mut source_locked, mut account_locked) = (false, false);
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
        // For the security events: guessing from one source (at one account or at any), or
        // the account locked for everyone.
        if what == "account" {
            account_locked = true;
        } else {
            source_locked = true;
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
    // Art. 18(2): what ADAM detects becomes a security event — an account locked, a source
    // locked for guessing (at any name, known or not), the limit for everyone reached.
    let detected = [
        (account_locked && user.is_some(), Detected::LockOut),
        (source_locked, Detected::SourceLocked),
        (outcome.global_exhausted, Detected::GlobalLimit),
    ];
    for (_, detection) in detected.into_iter().filter(|(happened, _)| *happened) {
        crate::security_event::raise_event(s, detection, username, Some(ip.to_string())).await;
    }
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
