//! # adam-server
//!
//! ADAM's HTTP API on axum: the directory, roles and grants, the filing plan, folders and
//! documents with their ACL entries and workflow, and the questions to the engine (`check`,
//! `lookup`, `who`, `explain`). Every response error is an RFC 9457 problem; every change goes
//! through [`AppState::execute`], the single write path; the OpenAPI document is generated
//! from the route declarations.

pub mod api;
pub mod auth;
pub mod body;
pub mod demo;
pub mod error;
pub mod explain;
pub mod http;
pub mod login;
pub mod mail;
pub mod openapi;
pub mod state;
pub mod transfer;
pub mod ui;

pub use auth::{Caller, Scope};
pub use error::{ApiResult, WebError};
pub use state::{AppState, Clock, Config};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::OnceLock;

/// The header every response carries: the revision the server was at when it answered.
pub const REVISION_HEADER: &str = "x-adam-revision";

/// The OpenAPI document of this build.
pub fn openapi_document() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| openapi::document(api::api().operations()))
}

async fn stamp_revision(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&state.revision().0.to_string()) {
        response.headers_mut().insert(REVISION_HEADER, value);
    }
    response
        .headers_mut()
        .insert(axum::http::header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
        .headers_mut()
        .insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    response
}

async fn not_found(request: Request) -> WebError {
    WebError::not_found(format!("there is no {} {}", request.method(), request.uri().path()))
}

async fn method_not_allowed(request: Request) -> Response {
    WebError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        format!("{} is not allowed on {}", request.method(), request.uri().path()),
    )
    .into_response()
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let (routes, _) = api::api().into_parts();
    routes
        .merge(ui::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(body::MAX_BODY))
        .layer(middleware::from_fn_with_state(state.clone(), stamp_revision))
        .with_state(state)
}

/// Serves the application on `listener` until `shutdown` completes, following the change log
/// meanwhile.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let follower = state.spawn_follower();
    let audit = state.spawn_audit_tasks();
    let app = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let result = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;
    follower.abort();
    // Access records queued before the shutdown are written before the process ends.
    state.flush_access().await;
    for task in audit {
        task.abort();
    }
    result
}
