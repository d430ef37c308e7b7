//! What an operator's monitoring reads (issue #18): `GET /metrics` (Prometheus' text format)
//! and `GET /ready` (whether this server is the primary, and its revision).
//!
//! `/metrics` says how busy the server is and how often sign-ins fail — nothing personal, but
//! nothing an anonymous client on the network needs either. Default deny: it is answered to a
//! scrape **from this host** (a loopback peer, and no `Forwarded`/`X-Forwarded-For`/
//! `X-Real-IP` header: a reverse proxy on the same host forwards other hosts' requests from
//! loopback), or to a token or session of the system administrator or a service account with
//! the `read` scope; everyone else is refused. `/ready` is public, as `/api/health` is.

use crate::authn::{Caller, Scope};
use crate::error::{ApiResult, WebError};
use crate::state::AppState;
use adam_core::AccountKind;
use axum::http::HeaderMap;
use serde::Serialize;
use std::net::SocketAddr;

/// The headers a reverse proxy adds for the client it forwards.
const FORWARDING_HEADERS: [&str; 3] = ["forwarded", "x-forwarded-for", "x-real-ip"];

/// Whether a request comes from this host itself: a loopback peer that forwards no one.
pub fn from_this_host(peer: Option<SocketAddr>, headers: &HeaderMap) -> bool {
    peer.is_some_and(|p| p.ip().is_loopback()) && !FORWARDING_HEADERS.iter().any(|h| headers.contains_key(*h))
}

/// Refuses a caller who may not read the metrics (see the module's header).
pub fn may_read_metrics(caller: &Caller) -> ApiResult<()> {
    caller.require(Scope::Read)?;
    if matches!(caller.kind, AccountKind::Admin | AccountKind::SystemUser) {
        return Ok(());
    }
    Err(WebError::forbidden(
        "metrics-denied",
        "the metrics are read from this host, or by the system administrator or a service account",
    )
    .sl("meritve se berejo s tega strežnika ali jih bere skrbnik sistema ali storitveni račun"))
}

/// The metrics in Prometheus' text format 0.0.4.
pub fn metrics_text(state: &AppState) -> String {
    let queued = crate::state::ACCESS_QUEUE.saturating_sub(state.access_room_left());
    state.metrics.render(state.revision().0, queued as u64)
}

/// What `GET /ready` answers.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Ready {
    /// `primary` (a standby will say `standby`, with its lag).
    pub role: &'static str,
    /// The revision of the world this server holds.
    pub revision: u64,
}

/// Whether this server is ready, and as what.
pub fn readiness(state: &AppState) -> Ready {
    Ready {
        role: "primary",
        revision: state.revision().0,
    }
}
