//! # adam-server
//!
//! ADAM's HTTP API on axum: the directory, roles and grants, the filing plan, folders and
//! documents with their ACL entries and workflow, and the questions to the engine (`check`,
//! `lookup`, `who`, `explain`). Every response error is an RFC 9457 problem; every change goes
//! through [`AppState::execute`], the single write path; the OpenAPI document is generated
//! from the route declarations.

pub mod api;
pub mod authn;
mod authn_config;
pub mod body;
pub mod demo;
pub mod error;
pub mod explain;
pub mod http;
pub mod mail;
pub mod metrics;
pub mod openapi;
mod replica;
pub mod replication;
mod request_log;
mod security_event;
pub mod service;
pub mod state;
pub mod transfer;
pub mod ui;

/// The old path of the session settings and [`authn::new_session`], kept for the command line
/// and the tests that name it.
pub use authn as login;
pub use authn::{Caller, Scope};
pub use error::{ApiResult, WebError};
pub use state::{AppState, Clock, Config};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
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
    // Secure cookies mean HTTPS: browsers are told to use nothing else for a year (not with
    // `--insecure-cookies`, which serves plain HTTP on loopback).
    if state.config.auth.secure_cookies {
        response.headers_mut().insert(
            axum::http::header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

/// Every refusal is a problem document (RFC 9457): an extractor's own rejection (a path id
/// that is not a number, a query or form that does not parse…) is plain text, which this turns
/// into a problem with the same status and the text as its detail.
async fn problem_rejections(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let plain = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("text/plain"));
    if !plain || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024)
        .await
        .unwrap_or_default();
    let detail = String::from_utf8_lossy(&bytes).trim().to_owned();
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "body-too-large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported-media-type",
        _ if status.is_server_error() => "internal",
        _ if detail.starts_with("Invalid URL") => "invalid-path",
        _ if detail.contains("query string") => "invalid-query",
        _ => "invalid-request",
    };
    let detail = if detail.is_empty() {
        status.canonical_reason().unwrap_or("refused").to_owned()
    } else {
        detail
    };
    WebError::new(status, code, detail).into_response()
}

async fn not_found(request: Request) -> WebError {
    let sl = format!("naslov {} {} ne obstaja", request.method(), request.uri().path());
    WebError::not_found(format!("there is no {} {}", request.method(), request.uri().path())).sl(sl)
}

async fn method_not_allowed(request: Request) -> Response {
    WebError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        format!("{} is not allowed on {}", request.method(), request.uri().path()),
    )
    .sl(format!(
        "{} na naslovu {} ni dovoljen",
        request.method(),
        request.uri().path()
    ))
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
        .layer(middleware::from_fn(problem_rejections))
        .layer(middleware::from_fn(error::speak))
        .layer(middleware::from_fn_with_state(state.clone(), stamp_revision))
        .layer(middleware::from_fn_with_state(state.clone(), request_log::log_request))
        .with_state(state)
}

/// Serves the application on `listener` until `shutdown` completes, following the change log
/// meanwhile.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, None, state, shutdown).await
}

/// [`serve`], over TLS when `tls` is given (`serve --tls-cert/--tls-key`).
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    tls: Option<std::sync::Arc<rustls::ServerConfig>>,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let follower = state.spawn_follower(stopped.clone());
    let audit = state.spawn_audit_tasks(stopped.clone());
    let reminders = state.spawn_reminders(stopped);
    let app = router(state.clone());
    let result = connections(listener, tls, app, state.config.header_read_timeout, shutdown).await;
    // The background tasks finish the round in flight and end: once this returns, nothing of
    // this server writes any more (aborting them would leave a checkpoint or a purge running
    // in its blocking thread after the server "stopped").
    let _ = stop.send(true);
    let _ = follower.await;
    let _ = reminders.await;
    let _ = audit.keeper.await;
    // Access records queued before the shutdown are written before the process ends.
    state.flush_access().await;
    state.stop_access_writer();
    if let Some(writer) = audit.writer {
        // It ends at once: the queue was just flushed.
        let _ = tokio::task::spawn_blocking(move || writer.join()).await;
    }
    result
}

/// Serves the replication listener (`replication::primary`) on `listener` over mutual TLS
/// until `shutdown` completes: a peer without a certificate of the installation's authority
/// does not get past the handshake.
pub async fn serve_replication(
    listener: tokio::net::TcpListener,
    tls: std::sync::Arc<rustls::ServerConfig>,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = replication::primary::router(state.clone());
    // A long poll waits up to 25 s for something new: the header timeout is for idle peers.
    connections(listener, Some(tls), app, std::time::Duration::from_secs(60), shutdown).await
}

/// Accepts connections and serves each with hyper's HTTP/1 server, which closes a connection
/// that has not sent a whole request head within `header_timeout` — also an idle kept-alive
/// one (axum's `serve` sets no timer, so a trickling client kept its connection for ever).
/// With `tls`, each connection's handshake comes first (in its own task, so a slow handshake
/// holds up no one). At `shutdown` the listener closes, every connection finishes its request
/// in flight, and this returns when all are done.
async fn connections(
    listener: tokio::net::TcpListener,
    tls: Option<std::sync::Arc<rustls::ServerConfig>>,
    app: Router,
    header_timeout: std::time::Duration,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::extract::ConnectInfo;
    use hyper_util::rt::TokioIo;
    use tower::ServiceExt;

    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let (done_tx, done_rx) = tokio::sync::watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(x) => x,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(ConnectInfo(remote));
            app.clone().oneshot(request.map(axum::body::Body::new))
        });
        let stop = stop_rx.clone();
        let done = done_rx.clone();
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            match acceptor {
                Some(acceptor) => {
                    let handshake = tokio::time::timeout(header_timeout, acceptor.accept(stream)).await;
                    match handshake {
                        Ok(Ok(tls)) => serve_connection(TokioIo::new(tls), service, header_timeout, stop).await,
                        Ok(Err(e)) => tracing::debug!(error = %e, %remote, "TLS handshake refused"),
                        Err(_) => tracing::debug!(%remote, "TLS handshake timed out"),
                    }
                }
                None => serve_connection(TokioIo::new(stream), service, header_timeout, stop).await,
            }
            drop(done);
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    drop(done_rx);
    done_tx.closed().await;
    Ok(())
}

/// Serves one connection until it ends, or finishes its request in flight once `stop` says so.
async fn serve_connection<I, S>(
    io: I,
    service: S,
    header_timeout: std::time::Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
    S: hyper::service::HttpService<hyper::body::Incoming> + Send,
    S::Future: Send + 'static,
    S::ResBody: Send + 'static,
    <S::ResBody as http_body::Body>::Data: Send,
    <S::ResBody as http_body::Body>::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    use hyper_util::rt::TokioTimer;
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(header_timeout);
    let connection = builder.serve_connection(io, service).with_upgrades();
    let mut connection = std::pin::pin!(connection);
    loop {
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection ended");
                }
                break;
            }
            changed = stop.changed() => {
                connection.as_mut().graceful_shutdown();
                if changed.is_err() {
                    // The sender is gone: nothing more to wait for but the connection.
                    let _ = connection.as_mut().await;
                    break;
                }
            }
        }
    }
}
