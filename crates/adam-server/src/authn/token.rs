//! API tokens: an application authenticates with `Authorization: Bearer adam_…`. The token's
//! secret is never stored: the store keeps its SHA-256 (a 256-bit random secret needs no slow
//! hash). A token acts as one account, carries scopes, may expire and can be revoked; the
//! account must exist and be active at the time of the request.

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
