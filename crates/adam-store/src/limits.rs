//! Attempt limits shared by every server (SPEC §4, issue 5): the state of each account and
//! source address with recent failed sign-ins.
//!
//! Each server keeps its limiter in memory for speed, but reads a key's state from here before
//! it decides and writes it back after a failure, in the transaction of the failure's audit
//! records. An attacker who spreads guesses over several servers therefore meets one count, not
//! one per server. Two servers failing the same key in the same instant may lose one of the
//! two increments (the last write wins); the next failure counts again, so the delays still
//! grow. Rows of keys whose run is over are deleted as new failures are written — except an
//! account's count of consecutive failures (`account:…`), which only a success or an unlock
//! ends (NIST SP 800-63B); such rows exist only for accounts that exist. Keys are of fixed
//! size: accounts appear as a SHA-256, never as the name a caller sent.

use crate::keys::Keyring;
use crate::sql::{Tx, Val, Writes, req_int, req_text, write_error};
use crate::{NewAudit, StoreError};
use adam_core::Timestamp;
use serde::{Deserialize, Serialize};

/// The shared state of one key (`account:<hash>`, `pair:<hash>:<ip>` or `address:<ip>`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptState {
    /// The key.
    pub key: String,
    /// Failures in the current run.
    pub failures: u32,
    /// No attempt before this instant.
    pub delay_until: Timestamp,
    /// Locked until this instant, if locked.
    pub locked_until: Option<Timestamp>,
    /// The last failure.
    pub last_failure: Timestamp,
    /// Locks of the key still remembered (each makes the next longer).
    #[serde(default)]
    pub locks: u32,
}

/// The states of `keys` (those that have one).
pub(crate) fn attempts(tx: &mut dyn Tx, keys: &[String]) -> Result<Vec<AttemptState>, StoreError> {
    let mut out = Vec::new();
    for key in keys {
        tx.each(
            "SELECT key, failures, delay_until, locked_until, last_failure, locks FROM auth_attempts WHERE key = $1",
            &[Val::text(key)],
            &mut |row| {
                let failures = req_int(row, 1, "auth_attempts", "failures")?;
                out.push(AttemptState {
                    key: req_text(row, 0, "auth_attempts", "key")?.to_owned(),
                    failures: u32::try_from(failures)
                        .map_err(|_| StoreError::Corrupt(format!("auth_attempts.failures {failures}")))?,
                    delay_until: Timestamp(req_int(row, 2, "auth_attempts", "delay_until")?),
                    locked_until: row.int(3)?.map(Timestamp),
                    last_failure: Timestamp(req_int(row, 4, "auth_attempts", "last_failure")?),
                    locks: u32::try_from(req_int(row, 5, "auth_attempts", "locks")?).unwrap_or(u32::MAX),
                });
                Ok(())
            },
        )?;
    }
    Ok(out)
}

/// Stores `states`, forgets `forget` (a key ending in `*` forgets every key that starts with
/// the rest), drops rows whose run ended before `stale_before` (and whose lock, if any, is over
/// by then; never an account's consecutive count), and appends `audit` — one transaction.
pub(crate) fn record_attempts(
    tx: &mut dyn Tx,
    keys: &Keyring,
    states: &[AttemptState],
    forget: &[String],
    stale_before: Timestamp,
    audit: &[NewAudit],
    writes: &mut Writes,
) -> Result<(), StoreError> {
    for s in states {
        writes
            .exec(
                tx,
                "INSERT INTO auth_attempts (key, failures, delay_until, locked_until, last_failure, locks) \
                 VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, delay_until = excluded.delay_until, \
                 locked_until = excluded.locked_until, last_failure = excluded.last_failure, locks = excluded.locks",
                &[
                    Val::text(&s.key),
                    Val::int(s.failures),
                    Val::int(s.delay_until.0),
                    Val::opt_int(s.locked_until.map(|t| t.0)),
                    Val::int(s.last_failure.0),
                    Val::int(s.locks),
                ],
            )
            .map_err(write_error)?;
    }
    for key in forget {
        match key.strip_suffix('*') {
            // Keys are hex digits, ':' and addresses: no LIKE wildcard among them, but escape
            // anyway.
            Some(prefix) => {
                let pattern = format!(
                    "{}%",
                    prefix.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
                );
                writes
                    .exec(
                        tx,
                        "DELETE FROM auth_attempts WHERE key LIKE $1 ESCAPE '\\'",
                        &[Val::text(&pattern)],
                    )
                    .map_err(write_error)?;
            }
            None => {
                writes
                    .exec(tx, "DELETE FROM auth_attempts WHERE key = $1", &[Val::text(key)])
                    .map_err(write_error)?;
            }
        }
    }
    writes
        .exec(
            tx,
            "DELETE FROM auth_attempts WHERE last_failure < $1 AND (locked_until IS NULL OR locked_until < $1) \
             AND key NOT LIKE 'account:%'",
            &[Val::int(stale_before.0)],
        )
        .map_err(write_error)?;
    crate::audit::tail::append_audit(tx, keys, audit, writes)
}
