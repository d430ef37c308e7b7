//! `GET /metrics` and `GET /ready`, over `service::operations`.

use super::{Api, Doc};
use crate::authn::Caller;
use crate::error::WebError;
use crate::service::operations::{Ready, from_this_host, may_read_metrics, metrics_text, readiness};
use crate::state::AppState;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::net::SocketAddr;

pub(crate) fn routes(api: Api) -> Api {
    let t = "system";
    api.route(
        Method::GET,
        "/metrics",
        Doc::new(
            t,
            "Prometheus metrics (text format 0.0.4): revision, audit queue, requests and latencies, failed sign-ins, last backup",
            "a scrape from this host (loopback, not forwarded), the system administrator or a service account",
        )
        .public()
        .text(),
        get(metrics),
    )
    .route(
        Method::GET,
        "/ready",
        Doc::new(t, "Whether this server is ready, as primary or standby, and its revision", "anyone")
            .public()
            .response::<Ready>(),
        get(ready),
    )
}

async fn metrics(
    State(s): State<AppState>,
    peer: Result<ConnectInfo<SocketAddr>, axum::extract::rejection::ExtensionRejection>,
    headers: HeaderMap,
    caller: Result<Caller, WebError>,
) -> Response {
    if !from_this_host(peer.ok().map(|c| c.0), &headers) {
        let allowed = caller.and_then(|c| may_read_metrics(&c));
        if let Err(e) = allowed {
            return e.into_response();
        }
    }
    let mut response = metrics_text(&s).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

async fn ready(State(s): State<AppState>) -> axum::Json<Ready> {
    axum::Json(readiness(&s))
}
