//! When each account was last used (Decree Art. 50(2): accounts that are not used are
//! removed), read from what the store already keeps — no second write path:
//! - the last sign-in: the newest session of the account past the password step
//!   (`auth_sessions` rows are ended, never deleted; a half-finished `mfa` sign-in whose
//!   second factor never came is not a sign-in);
//! - the last token use: `api_tokens.last_used`, kept by the server (at most once a minute);
//! - when the account was created: its first audited change (`audit` rows about the user
//!   written by a change of the world; those are kept for the change-log retention, unlike
//!   the access records that age out).

use crate::StoreError;
use crate::sql::{Tx, Val, req_id, req_int};
use adam_core::{EntityKind, Timestamp, UserId};
use std::collections::BTreeMap;

/// What the store knows of one account's use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountActivity {
    /// The account.
    pub user: UserId,
    /// Its first audited change (its creation), if the trail still has it.
    pub created: Option<Timestamp>,
    /// Its last sign-in (a session past the password step).
    pub last_sign_in: Option<Timestamp>,
    /// The last use of any of its API tokens.
    pub last_token_use: Option<Timestamp>,
}

impl AccountActivity {
    /// The later of the last sign-in and the last token use.
    pub fn last_use(&self) -> Option<Timestamp> {
        self.last_sign_in.max(self.last_token_use)
    }
}

/// Every account the store has a trace of, by id.
pub(crate) fn account_activity(tx: &mut dyn Tx) -> Result<Vec<AccountActivity>, StoreError> {
    let mut by_user: BTreeMap<u32, AccountActivity> = BTreeMap::new();
    let mut put = |user: u32, f: &mut dyn FnMut(&mut AccountActivity)| {
        let entry = by_user.entry(user).or_insert_with(|| AccountActivity {
            user: UserId(user),
            created: None,
            last_sign_in: None,
            last_token_use: None,
        });
        f(entry);
    };
    let mut rows: Vec<(u32, i64)> = Vec::new();
    tx.each(
        "SELECT user_id, MAX(created) FROM auth_sessions WHERE state <> 'mfa' GROUP BY user_id",
        &[],
        &mut |row| {
            rows.push((
                req_id(row, 0, "auth_sessions", "user_id")?,
                req_int(row, 1, "auth_sessions", "created")?,
            ));
            Ok(())
        },
    )?;
    for (user, at) in rows.drain(..) {
        put(user, &mut |a| a.last_sign_in = Some(Timestamp(at)));
    }
    tx.each(
        "SELECT user_id, MAX(last_used) FROM api_tokens WHERE last_used IS NOT NULL GROUP BY user_id",
        &[],
        &mut |row| {
            rows.push((
                req_id(row, 0, "api_tokens", "user_id")?,
                req_int(row, 1, "api_tokens", "last_used")?,
            ));
            Ok(())
        },
    )?;
    for (user, at) in rows.drain(..) {
        put(user, &mut |a| a.last_token_use = Some(Timestamp(at)));
    }
    tx.each(
        "SELECT object_id, MIN(at) FROM audit WHERE object_kind = $1 AND revision IS NOT NULL GROUP BY object_id",
        &[Val::text(EntityKind::User.as_str())],
        &mut |row| {
            rows.push((req_id(row, 0, "audit", "object_id")?, req_int(row, 1, "audit", "at")?));
            Ok(())
        },
    )?;
    for (user, at) in rows.drain(..) {
        put(user, &mut |a| a.created = Some(Timestamp(at)));
    }
    Ok(by_user.into_values().collect())
}
