//! API tokens: an application authenticates with `Authorization: Bearer adam_…`. The token's
//! secret is never stored: the store keeps its SHA-256 (a 256-bit random secret needs no slow
//! hash). A token acts as one account, carries scopes, may expire and can be revoked; the
//! account must exist and be active at the time of the request. A token reported lost or stolen is
//! revoked at once and opens a security event ([`report_lost_token`], Art. 33).

use crate::error::{ApiResult, WebError};
use crate::state::AppState;
use adam_store::ApiToken;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};

/// A new random token secret: `adam_` and 64 hex digits.
pub fn new_secret() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(format!("adam_{}", hex::encode(bytes)))
}

/// The hash under which a secret is stored.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The live API token a request's `Authorization: Bearer` header names.
pub(crate) async fn bearer(parts: &Parts, state: &AppState) -> ApiResult<ApiToken> {
    let header = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            WebError::unauthenticated("send an API token: Authorization: Bearer adam_…")
                .sl("pošljite žeton API: Authorization: Bearer adam_…")
        })?;
    let secret = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|s| s.starts_with("adam_"))
        .ok_or_else(|| {
            WebError::unauthenticated("the Authorization header must be 'Bearer adam_…'")
                .sl("glava Authorization mora biti 'Bearer adam_…'")
        })?;
    let token = state
        .token(hash_secret(secret))
        .await?
        .ok_or_else(|| WebError::unauthenticated("the token is not known").sl("žeton ni znan"))?;
    let now = state.now();
    if token.revoked.is_some() {
        return Err(WebError::unauthenticated("the token has been revoked").sl("žeton je preklican"));
    }
    if token.expires.is_some_and(|e| now >= e) {
        return Err(WebError::unauthenticated("the token has expired").sl("žeton je potekel"));
    }
    state.token_used(token.id);
    Ok(token)
}

/// Whether the caller is the system administrator (full authority), who manages every
/// account's tokens.
pub(crate) fn is_system_administrator(s: &AppState, caller: &super::Caller) -> bool {
    let w = s.world();
    matches!(
        w.authority(&caller.actor(None), s.now()),
        Ok(adam_core::Authority::Full)
    )
}

/// The caller's own tokens, revoked ones included.
async fn own_tokens(s: &AppState, caller: &super::Caller) -> ApiResult<Vec<ApiToken>> {
    let store = s.store.clone();
    let me = caller.user;
    crate::state::blocking(move || store.tokens_of(me))
        .await?
        .map_err(Into::into)
}

/// The tokens the caller may report lost, with the username each acts as: their own, and —
/// for the system administrator, who issues them — every service account's.
pub(crate) async fn manageable_tokens(s: &AppState, caller: &super::Caller) -> ApiResult<Vec<(String, ApiToken)>> {
    let mut accounts = vec![caller.user];
    if is_system_administrator(s, caller) {
        let w = s.world();
        accounts.extend(
            w.users()
                .iter()
                .filter(|u| u.kind == adam_core::AccountKind::SystemUser && u.id != caller.user)
                .map(|u| u.id),
        );
    }
    let store = s.store.clone();
    let tokens = crate::state::blocking(move || -> Result<Vec<ApiToken>, adam_store::StoreError> {
        let mut out = Vec::new();
        for user in accounts {
            out.extend(store.tokens_of(user)?);
        }
        Ok(out)
    })
    .await??;
    let w = s.world();
    Ok(tokens
        .into_iter()
        .map(|t| {
            let name = w
                .user(t.user)
                .map_or_else(|_| t.user.to_string(), |u| u.username.to_string());
            (name, t)
        })
        .collect())
}

/// Refuses a caller who may not revoke token `id`: their own, or any for the system
/// administrator.
pub(crate) async fn may_revoke(s: &AppState, caller: &super::Caller, id: i64) -> ApiResult<()> {
    // Credentials are copied from the primary: a change here would be overwritten.
    s.replica.refuse_writes()?;
    let mine = own_tokens(s, caller).await?.iter().any(|t| t.id == id);
    if !mine && !is_system_administrator(s, caller) {
        return Err(WebError::forbidden("not-yourself", "you may revoke your own tokens")
            .sl("prekličete lahko le svoje žetone"));
    }
    Ok(())
}

/// A token reported lost or stolen, by its holder or the system administrator (the API's
/// `POST /api/v1/tokens/{id}/lost` and the sessions page's button): revoked and its loss
/// recorded (`security.token_lost`) in one transaction, then a security event for the lead
/// (Art. 33(1): the means is disabled at once and an incident opened), as a lost second
/// factor is.
pub(crate) async fn report_lost_token(s: &AppState, caller: &super::Caller, id: i64) -> ApiResult<()> {
    caller.require(super::Scope::Write)?;
    may_revoke(s, caller, id).await?;
    let store = s.store.clone();
    let token = crate::state::blocking(move || store.token_by_id(id))
        .await??
        .ok_or_else(|| WebError::not_found(format!("token {id}")))?;
    let owner = super::trail::user_object(s, token.user);
    let who = format!("{} ({})", owner.label, token.name);
    let ip = caller.source_ip.as_deref().and_then(|ip| ip.parse().ok());
    let report = super::trail::record(
        s,
        adam_store::Retention::Change,
        caller.actor(None),
        ip,
        "security.token_lost",
        owner,
        Some(serde_json::json!({"token": id, "name": token.name, "prefix": token.prefix})),
        "revoked",
    );
    let store = s.store.clone();
    let context = s.context(caller.actor(None), caller.source_ip.clone());
    crate::state::blocking(move || store.revoke_lost_token(id, &context, &[report])).await??;
    s.forget_tokens();
    crate::security_event::raise_event(
        s,
        crate::security_event::Detected::TokenLost,
        &who,
        caller.source_ip.clone(),
    )
    .await;
    Ok(())
}
