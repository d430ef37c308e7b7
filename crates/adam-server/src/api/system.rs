//! Health, the OpenAPI document, the organisation's settings, the change feed and API tokens.

use super::guard::needs;
use super::{Api, Doc};
use crate::authn::{Caller, Scope, hash_secret, new_secret};
use crate::body::Body;
use crate::error::{ApiResult, WebError};
use crate::http::{Id, Params};
use crate::state::{AppState, blocking};
use adam_core::*;
use adam_store::ApiToken;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub(crate) fn routes(api: Api) -> Api {
    let t = "system";
    api.route(
        Method::GET,
        "/api/health",
        Doc::new(t, "Whether the server is up, and its revision", "anyone")
            .public()
            .response::<Health>(),
        get(health),
    )
    .route(
        Method::GET,
        "/api/openapi.json",
        Doc::new(t, "This document", "anyone").public(),
        get(openapi),
    )
    .route(
        Method::GET,
        "/api/v1/settings",
        Doc::new(t, "The organisation's settings", "any account with the read scope").response::<Settings>(),
        get(needs(Scope::Read, get_settings)),
    )
    .route(
        Method::PUT,
        "/api/v1/settings",
        Doc::new(t, "Replace the organisation's settings", "the system administrator")
            .body::<Settings>()
            .response::<Settings>(),
        put(needs(Scope::Write, put_settings)),
    )
    .route(
        Method::GET,
        "/api/v1/changes",
        Doc::new(
            t,
            "The change log after a revision (for applications keeping a copy)",
            "service accounts with the changes scope",
        )
        .query::<ChangesQuery>()
        .response::<Vec<ChangeSet>>(),
        get(needs(Scope::Changes, changes)),
    )
    .route(
        Method::POST,
        "/api/v1/tokens",
        Doc::new(
            t,
            "Issue an API token; its secret is shown only in this answer",
            "the system administrator",
        )
        .body::<NewToken>()
        .response::<IssuedToken>()
        .created(),
        post(needs(Scope::Write, issue_token)),
    )
    .route(
        Method::GET,
        "/api/v1/tokens",
        Doc::new(
            t,
            "API tokens of an account (never their secrets)",
            "the system administrator, or anyone for their own",
        )
        .query::<TokenQuery>()
        .response::<Vec<ApiToken>>(),
        get(needs(Scope::Read, list_tokens)),
    )
    .route(
        Method::DELETE,
        "/api/v1/tokens/{id}",
        Doc::new(
            t,
            "Revoke an API token",
            "the system administrator, or anyone for their own",
        )
        .response::<Revoked>(),
        delete(needs(Scope::Write, revoke_token)),
    )
    .route(
        Method::POST,
        "/api/v1/tokens/{id}/lost",
        Doc::new(
            t,
            "Report an API token lost or stolen (Art. 33): it is revoked at once, the loss recorded \
             (`security.token_lost`) and a security event opened for the information-security lead",
            "the system administrator, or anyone for their own",
        )
        .response::<Revoked>(),
        post(needs(Scope::Write, report_lost_token)),
    )
}

/// The server's health.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Health {
    /// `ok`.
    pub status: &'static str,
    /// The revision the server is at.
    pub revision: Revision,
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
}

async fn health(State(s): State<AppState>) -> axum::Json<Health> {
    axum::Json(Health {
        status: "ok",
        revision: s.revision(),
        backend: s.store.backend(),
    })
}

async fn openapi() -> Response {
    axum::Json(crate::openapi_document()).into_response()
}

async fn get_settings(State(s): State<AppState>, _caller: Caller) -> ApiResult<axum::Json<Settings>> {
    Ok(axum::Json(s.world().settings().clone()))
}

/// The change request a governed change implements.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeRef {
    /// The approved change request (a case of `change-request` at its step `implement`):
    /// required while ADAM governs its own changes (`governed_changes`).
    pub change: Option<CaseId>,
}

async fn put_settings(
    State(s): State<AppState>,
    caller: Caller,
    Params(q): Params<ChangeRef>,
    Body(b): Body<Settings>,
) -> ApiResult<axum::Json<Settings>> {
    crate::service::settings::set(&s, &caller, b, q.change).await?;
    Ok(axum::Json(s.world().settings().clone()))
}

/// Where to start reading the change log.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangesQuery {
    /// Changes after this revision (default 0: from the beginning).
    pub after: Option<u64>,
    /// At most this many change sets, 1–1000 (default 100).
    pub limit: Option<usize>,
}

async fn changes(
    State(s): State<AppState>,
    caller: Caller,
    Params(q): Params<ChangesQuery>,
) -> ApiResult<axum::Json<Vec<ChangeSet>>> {
    if caller.kind != AccountKind::SystemUser {
        return Err(WebError::forbidden(
            "service-accounts-only",
            "the change feed carries every record, documents included; it is for service accounts",
        )
        .sl("tok sprememb nosi vse zapise, tudi dokumente; namenjen je servisnim računom"));
    }
    let limit = q.limit.unwrap_or(100);
    if limit == 0 || limit > 1000 {
        return Err(WebError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "page-size",
            format!("limit must be between 1 and 1000, not {limit}"),
        )
        .sl(format!("limit mora biti med 1 in 1000, ne {limit}")));
    }
    let store = s.store.clone();
    let after = Revision(q.after.unwrap_or(0));
    Ok(axum::Json(blocking(move || store.changes_since(after, limit)).await??))
}

/// A token to issue.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// The account it acts as.
    pub user: UserId,
    /// A name to recognise it by.
    pub name: Text,
    /// What it may do (default: read).
    #[serde(default = "default_scopes")]
    pub scopes: Vec<Scope>,
    /// When it stops working (default: never; service accounts should rotate).
    #[serde(default)]
    pub expires: Option<Timestamp>,
}

fn default_scopes() -> Vec<Scope> {
    vec![Scope::Read]
}

/// A freshly issued token.
#[derive(Debug, Serialize, JsonSchema)]
pub struct IssuedToken {
    /// The secret: shown now and never again.
    pub secret: String,
    /// The stored record.
    pub token: ApiToken,
}

/// Whose tokens.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenQuery {
    /// The account (default: the caller).
    pub user: Option<u32>,
}

/// A revoked token.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Revoked {
    /// The token's id.
    pub revoked: i64,
}

fn is_system_administrator(s: &AppState, caller: &Caller) -> bool {
    crate::authn::token::is_system_administrator(s, caller)
}

/// Issues a token and returns its secret (the CLI uses this too).
pub async fn issue(
    s: &AppState,
    actor: Actor,
    source_ip: Option<String>,
    user: UserId,
    name: &str,
    scopes: &[Scope],
    expires: Option<Timestamp>,
) -> ApiResult<IssuedToken> {
    // Credentials are copied from the primary: a change here would be overwritten.
    s.replica.refuse_writes()?;
    s.world().user(user)?;
    let secret = new_secret().map_err(|e| WebError::internal(&e))?;
    let mut token = ApiToken {
        id: 0,
        user,
        name: name.to_owned(),
        prefix: secret.chars().take(12).collect(),
        hash: hash_secret(&secret),
        scopes: scopes.iter().map(|s| s.as_str().to_owned()).collect(),
        created: s.now(),
        expires,
        revoked: None,
        last_used: None,
    };
    let store = s.store.clone();
    let context = s.context(actor, source_ip);
    let record = token.clone();
    token.id = blocking(move || store.create_token(&record, &context)).await??;
    Ok(IssuedToken { secret, token })
}

async fn issue_token(State(s): State<AppState>, caller: Caller, Body(b): Body<NewToken>) -> ApiResult<Response> {
    if !is_system_administrator(&s, &caller) {
        return Err(WebError::forbidden(
            "system-administrator-only",
            "only the system administrator issues tokens",
        )
        .sl("žetone izdaja le sistemski skrbnik"));
    }
    // Nobody mints a credential that acts as another person (issue 12, item 4): a token is
    // for a service account, or for the administrator themself. A person signs in.
    let kind = s.world().user(b.user)?.kind;
    if kind != AccountKind::SystemUser && b.user != caller.user {
        return Err(WebError::forbidden(
            "token-for-another-person",
            "tokens are issued for service accounts or for yourself; a person signs in with their own password",
        )
        .sl("žetoni se izdajo servisnim računom ali vam; oseba se prijavi s svojim geslom"));
    }
    if b.expires.is_some_and(|e| e <= s.now()) {
        return Err(WebError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "expires-in-the-past",
            "expires must be in the future",
        )
        .sl("expires mora biti v prihodnosti")
        .with("pointer", "/expires"));
    }
    let issued = issue(
        &s,
        caller.actor(None),
        caller.source_ip.clone(),
        b.user,
        b.name.as_str(),
        &b.scopes,
        b.expires,
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(issued)).into_response())
}

async fn list_tokens(
    State(s): State<AppState>,
    caller: Caller,
    Params(q): Params<TokenQuery>,
) -> ApiResult<axum::Json<Vec<ApiToken>>> {
    let user = q.user.map_or(caller.user, UserId);
    if user != caller.user && !is_system_administrator(&s, &caller) {
        return Err(
            WebError::forbidden("not-yourself", "you may list your own tokens").sl("izpišete lahko le svoje žetone")
        );
    }
    let store = s.store.clone();
    Ok(axum::Json(blocking(move || store.tokens_of(user)).await??))
}

async fn revoke_token(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<axum::Json<Revoked>> {
    let id = i64::from(id);
    crate::authn::may_revoke(&s, &caller, id).await?;
    let store = s.store.clone();
    let context = s.context(caller.actor(None), caller.source_ip.clone());
    blocking(move || store.revoke_token(id, &context)).await??;
    s.forget_tokens();
    Ok(axum::Json(Revoked { revoked: id }))
}

/// A token reported lost or stolen (`crate::authn::report_lost_token`).
async fn report_lost_token(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<axum::Json<Revoked>> {
    let id = i64::from(id);
    crate::authn::report_lost_token(&s, &caller, id).await?;
    Ok(axum::Json(Revoked { revoked: id }))
}
