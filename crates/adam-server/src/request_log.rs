//! One log line per request: method, path, status and latency (issue #14, item 19).
//!
//! The line is written when the answer is ready, at `INFO` with the target `adam::request`, so
//! an operator can filter it. What it holds is chosen so that no secret can reach the log: the
//! path without its query (a reset link carries its code in `?token=`), and no header at all
//! (tokens, cookies and the CSRF token travel in headers; passwords only in bodies, which are
//! never read here).
//!
//! The same hook counts the request for `GET /metrics` (`metrics.rs`): by the route's template
//! as axum matched it, its status and its latency.

use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

/// Logs the request once its answer is ready.
pub(crate) async fn log_request(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    // `path()` never includes the query string.
    let path = request.uri().path().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    state.metrics.request(&route, response.status().as_u16(), seconds);
    let latency_ms = seconds * 1000.0;
    tracing::info!(
        target: "adam::request",
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        latency_ms = format_args!("{latency_ms:.1}"),
        "request"
    );
    response
}
