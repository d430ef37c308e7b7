//! `GET /metrics`, `GET /ready` and the replication status, promotion and drill isolation
//! (`/api/v1/replication…`), over `service::operations` and `replication`.

use super::guard::needs;
use super::{Api, Doc};
use crate::authn::{Caller, Scope};
use crate::error::ApiResult;
use crate::error::WebError;
use crate::replication::Status;
use crate::replication::drill::{DrillReport, DrillRequest};
use crate::service::operations::{Ready, from_this_host, may_operate, may_read_metrics, metrics_text, readiness};
use crate::state::AppState;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
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
    .route(
        Method::GET,
        "/api/v1/replication",
        Doc::new(
            t,
            "This server's replication: role, generation and lineage, fence, a standby's lag, a primary's standby",
            "the system administrator or a service account",
        )
        .response::<Status>(),
        get(replication),
    )
    .route(
        Method::POST,
        "/api/v1/replication/promote",
        Doc::new(
            t,
            "Promote this standby to primary: a new generation; the old primary is told it is fenced",
            "the system administrator or a service account with the write scope",
        )
        .response::<Status>(),
        post(needs(Scope::Write, promote)),
    )
    .route(
        Method::POST,
        "/api/v1/replication/isolate",
        Doc::new(
            t,
            "Isolate this primary for a drill: it refuses changes and stops shipping its log, as if its site were lost",
            "the system administrator or a service account with the write scope",
        )
        .response::<Status>(),
        post(needs(Scope::Write, isolate)),
    )
    .route(
        Method::POST,
        "/api/v1/replication/drill",
        Doc::new(
            t,
            "The standby's part of a failover drill: promote, take the first write, verify the trail, and file the drill with its measured RTO and RPO in the continuity register",
            "the system administrator or a service account with the write scope",
        )
        .body::<DrillRequest>()
        .response::<DrillReport>(),
        post(needs(Scope::Write, drill)),
    )
}

async fn drill(
    State(s): State<AppState>,
    caller: Caller,
    crate::body::Body(request): crate::body::Body<DrillRequest>,
) -> ApiResult<axum::Json<DrillReport>> {
    may_operate(&caller)?;
    Ok(axum::Json(crate::replication::drill::run(&s, request).await?))
}

async fn replication(State(s): State<AppState>, caller: Caller) -> ApiResult<axum::Json<Status>> {
    may_read_metrics(&caller)?;
    Ok(axum::Json(crate::replication::status(&s).await?))
}

async fn promote(State(s): State<AppState>, caller: Caller) -> ApiResult<axum::Json<Status>> {
    may_operate(&caller)?;
    crate::replication::promote(&s, s.now()).await?;
    Ok(axum::Json(crate::replication::status(&s).await?))
}

async fn isolate(State(s): State<AppState>, caller: Caller) -> ApiResult<axum::Json<Status>> {
    may_operate(&caller)?;
    crate::replication::isolate(&s, s.now()).await?;
    Ok(axum::Json(crate::replication::status(&s).await?))
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
