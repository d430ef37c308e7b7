//! Who is calling: an application with an API token, or a person with a session
//! (`login.rs`).
//!
//! An application authenticates with `Authorization: Bearer adam_…`. The token's secret is never
//! stored: the store keeps its SHA-256 (a 256-bit random secret needs no slow hash). A token
//! acts as one account, carries scopes, may expire and can be revoked. The account must exist
//! and be active at the time of the request. [`Caller`] is what handlers see, whichever the
//! credential.

use crate::error::{ApiResult, WebError};
use crate::state::AppState;
use adam_core::{AccountKind, Actor, JobId, Revision, Session, UserId};
use adam_store::ApiToken;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What a token may be used for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Read the directory, roles and records the account may see.
    Read,
    /// Make changes the account may make.
    Write,
    /// Ask about other users' access (`check`, `lookup`, `who`, `explain`).
    Check,
    /// Read the change feed.
    Changes,
}

impl Scope {
    /// Every scope.
    pub const ALL: [Scope; 4] = [Scope::Read, Scope::Write, Scope::Check, Scope::Changes];

    /// The scope's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Check => "check",
            Scope::Changes => "changes",
        }
    }

    /// Parses a scope name.
    pub fn parse(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// An authenticated caller.
#[derive(Clone, Debug)]
pub struct Caller {
    /// The account.
    pub user: UserId,
    /// Its kind.
    pub kind: AccountKind,
    /// The scopes of the credential used.
    pub scopes: Vec<Scope>,
    /// The client's address.
    pub source_ip: Option<String>,
    /// "Answer from state no older than this revision" (header `X-Adam-Min-Revision`).
    pub min_revision: Option<Revision>,
    /// Whether the credential proved a second factor (a session signed in with one).
    pub mfa: bool,
    /// The session, when the caller signed in rather than sending a token.
    pub session: Option<i64>,
    /// The session's CSRF token, for the forms of a page (none for a token).
    pub csrf: Option<String>,
}

impl Caller {
    /// The actor for the engine, acting in `job` if given. A token is one factor; a session
    /// is two when its sign-in showed a second factor (the engine's Z3/C3 rule reads this).
    pub fn actor(&self, job: Option<JobId>) -> Actor {
        Actor::User {
            user: self.user,
            job,
            session: Session { mfa: self.mfa },
        }
    }

    /// Refuses unless the credential carries the scope.
    pub fn require(&self, scope: Scope) -> ApiResult<()> {
        if self.scopes.contains(&scope) {
            Ok(())
        } else {
            Err(WebError::forbidden(
                "missing-scope",
                format!("this token lacks the '{}' scope", scope.as_str()),
            ))
        }
    }
}

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

/// The header carrying the minimum revision.
pub const MIN_REVISION: &str = "x-adam-min-revision";

impl<S> FromRequestParts<S> for Caller
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        crate::login::authenticate(parts, &state, false)
            .await
            .map(|(caller, _)| caller)
    }
}

/// The live API token a request's `Authorization: Bearer` header names.
pub(crate) async fn bearer(parts: &Parts, state: &AppState) -> ApiResult<ApiToken> {
    let header = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| WebError::unauthenticated("send an API token: Authorization: Bearer adam_…"))?;
    let secret = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|s| s.starts_with("adam_"))
        .ok_or_else(|| WebError::unauthenticated("the Authorization header must be 'Bearer adam_…'"))?;
    let token = state
        .token(hash_secret(secret))
        .await?
        .ok_or_else(|| WebError::unauthenticated("the token is not known"))?;
    let now = state.now();
    if token.revoked.is_some() {
        return Err(WebError::unauthenticated("the token has been revoked"));
    }
    if token.expires.is_some_and(|e| now >= e) {
        return Err(WebError::unauthenticated("the token has expired"));
    }
    Ok(token)
}
