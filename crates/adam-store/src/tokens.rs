//! API tokens, shared by both backends: issue, look-up by hash, revocation, an account's list.
//! Only a hash of a token's secret is stored; each change is recorded in the audit trail in
//! its transaction.

use crate::StoreError;
use crate::audit::AuditContext;
use crate::audit::tail::{Ending, end_once, record_change};

use crate::keys::Keyring;
use crate::sql::{Row, Tx, Val, Writes, one, req_id, req_int, req_text, write_error};
use adam_core::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// An API token. Only a hash of the secret is stored; the secret is shown once, at issue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ApiToken {
    /// Id (assigned by the store; 0 before insertion).
    pub id: i64,
    /// The account it acts as.
    pub user: UserId,
    /// A name to recognise it by ("nightly import").
    pub name: String,
    /// The first characters of the secret, to tell tokens apart in lists.
    pub prefix: String,
    /// Hex SHA-256 of the secret.
    pub hash: String,
    /// What it may be used for (`read`, `write`, `check`…).
    pub scopes: Vec<String>,
    /// When issued.
    pub created: Timestamp,
    /// When it stops working.
    pub expires: Option<Timestamp>,
    /// When revoked.
    pub revoked: Option<Timestamp>,
    /// When it was last used, to the minute: written at most once a minute per token (see
    /// [`touch_token`]), so a busy token costs one small write a minute, not one per request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used: Option<Timestamp>,
}

const TOKEN_KIND: adam_core::EntityKind = adam_core::EntityKind::Token;

/// A token as the audit trail shows it: everything but the hash.
fn token_json(t: &ApiToken) -> Option<Value> {
    let mut v = serde_json::to_value(t).ok()?;
    if let Some(map) = v.as_object_mut() {
        map.remove("hash");
    }
    Some(v)
}

fn token_object(t: &ApiToken) -> Result<AuditObject, StoreError> {
    Ok(AuditObject {
        kind: TOKEN_KIND,
        id: u32::try_from(t.id).map_err(|_| StoreError::Corrupt(format!("token id {} does not fit", t.id)))?,
        label: format!("{} ({}…) of {}", t.name, t.prefix, t.user),
    })
}

/// Stores a token and its `token.issue` audit record.
pub(crate) fn create_token(
    tx: &mut dyn Tx,
    keys: &Keyring,
    token: &ApiToken,
    context: &AuditContext,
    writes: &mut Writes,
) -> Result<i64, StoreError> {
    let scopes = serde_json::to_value(&token.scopes).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let params = [
        Val::int(token.user.0),
        Val::text(&token.name),
        Val::text(&token.prefix),
        Val::text(&token.hash),
        Val::Json(Some(scopes)),
        Val::int(token.created.0),
        Val::opt_int(token.expires.map(|t| t.0)),
        Val::opt_int(token.revoked.map(|t| t.0)),
    ];
    let exists = one(
        tx,
        "SELECT 1 FROM users WHERE id = $1",
        &[Val::int(token.user.0)],
        |_| Ok(()),
    )?;
    if exists.is_none() {
        return Err(StoreError::NotFound(format!("{}", token.user)));
    }
    // An insert with RETURNING is a query; it counts as a write all the same.
    writes.checkpoint()?;
    let id = one(
        tx,
        "INSERT INTO api_tokens (user_id, name, prefix, hash, scopes, created, expires, revoked) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        &params,
        |row| req_int(row, 0, "api_tokens", "id"),
    )?
    .ok_or_else(|| StoreError::Database("the token insert returned no id".to_owned()))?;
    let stored = ApiToken { id, ..token.clone() };
    record_change(
        tx,
        keys,
        writes,
        context,
        "token.issue",
        &token_object(&stored)?,
        (None, token_json(&stored)),
    )?;
    Ok(id)
}

const TOKEN_COLUMNS_BY_HASH: &str = "SELECT id, user_id, name, prefix, hash, scopes, created, expires, revoked, \
                                     last_used FROM api_tokens WHERE hash = $1";
const TOKEN_COLUMNS_BY_ID: &str = "SELECT id, user_id, name, prefix, hash, scopes, created, expires, revoked, \
                                   last_used FROM api_tokens WHERE id = $1";
const TOKEN_COLUMNS_BY_USER: &str = "SELECT id, user_id, name, prefix, hash, scopes, created, expires, revoked, \
                                     last_used FROM api_tokens WHERE user_id = $1 ORDER BY id DESC";

fn token_of(row: &dyn Row) -> Result<ApiToken, StoreError> {
    const T: &str = "api_tokens";
    let scopes = row
        .json(5)?
        .ok_or_else(|| StoreError::Corrupt("api_tokens.scopes is NULL".to_owned()))?;
    Ok(ApiToken {
        id: req_int(row, 0, T, "id")?,
        user: UserId(req_id(row, 1, T, "user_id")?),
        name: req_text(row, 2, T, "name")?.to_owned(),
        prefix: req_text(row, 3, T, "prefix")?.to_owned(),
        hash: req_text(row, 4, T, "hash")?.to_owned(),
        scopes: serde_json::from_value(scopes).map_err(|e| StoreError::Corrupt(format!("api_tokens.scopes: {e}")))?,
        created: Timestamp(req_int(row, 6, T, "created")?),
        expires: row.int(7)?.map(Timestamp),
        revoked: row.int(8)?.map(Timestamp),
        last_used: row.int(9)?.map(Timestamp),
    })
}

/// A token seen in use at `at`. Not an audit record (every use of a token is not a change);
/// the server calls it at most once a minute per token, and a late call never moves the time
/// back.
pub(crate) fn touch_token(tx: &mut dyn Tx, id: i64, at: Timestamp, writes: &mut Writes) -> Result<(), StoreError> {
    writes
        .exec(
            tx,
            "UPDATE api_tokens SET last_used = $2 WHERE id = $1 AND (last_used IS NULL OR last_used < $2)",
            &[Val::int(id), Val::int(at.0)],
        )
        .map_err(write_error)?;
    Ok(())
}

/// The token with this hash.
pub(crate) fn token_by_hash(tx: &mut dyn Tx, hash: &str) -> Result<Option<ApiToken>, StoreError> {
    one(tx, TOKEN_COLUMNS_BY_HASH, &[Val::text(hash)], token_of)
}

/// The token with this id, revoked or not.
pub(crate) fn token_by_id(tx: &mut dyn Tx, id: i64) -> Result<Option<ApiToken>, StoreError> {
    one(tx, TOKEN_COLUMNS_BY_ID, &[Val::int(id)], token_of)
}

/// The tokens of an account, newest first.
pub(crate) fn tokens_of(tx: &mut dyn Tx, user: UserId) -> Result<Vec<ApiToken>, StoreError> {
    let mut out = Vec::new();
    tx.each(TOKEN_COLUMNS_BY_USER, &[Val::int(user.0)], &mut |row| {
        out.push(token_of(row)?);
        Ok(())
    })?;
    Ok(out)
}

/// Revokes a token and records `token.revoke`. Revoking a revoked token changes nothing.
pub(crate) fn revoke_token(
    tx: &mut dyn Tx,
    keys: &Keyring,
    id: i64,
    context: &AuditContext,
    writes: &mut Writes,
) -> Result<(), StoreError> {
    let before = one(tx, TOKEN_COLUMNS_BY_ID, &[Val::int(id)], token_of)?
        .ok_or_else(|| StoreError::NotFound(format!("token {id}")))?;
    let how = Ending {
        update: "UPDATE api_tokens SET revoked = $2 WHERE id = $1",
        action: "token.revoke",
        end: |t: &mut ApiToken| &mut t.revoked,
        object: token_object,
        json: token_json,
    };
    end_once(tx, keys, writes, context, (id, before), &how)
}
