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
    // Kept: `GET /metrics` asks this of a caller it may not have, with no route guard.
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

/// Refuses a caller who may not promote or isolate this server: the system administrator and
/// service accounts with the write scope may (the scope is their routes', `needs(Scope::Write,
/// …)`, refused before this).
pub fn may_operate(caller: &Caller) -> ApiResult<()> {
    if matches!(caller.kind, AccountKind::Admin | AccountKind::SystemUser) {
        return Ok(());
    }
    Err(WebError::forbidden(
        "operations-denied",
        "promoting or isolating a server is for the system administrator or a service account",
    )
    .sl("povišanje ali osamitev strežnika je naloga skrbnika sistema ali storitvenega računa"))
}

/// The metrics in Prometheus' text format 0.0.4.
pub fn metrics_text(state: &AppState) -> String {
    let queued = crate::state::ACCESS_QUEUE.saturating_sub(state.access_room_left());
    let mode = state.replica.mode();
    let lag = state.replica.lag();
    let standby = state.replica.standby_position();
    let replication = crate::metrics::ReplicationGauges {
        role: crate::replica::role_name(&mode),
        lag_revisions: matches!(mode, crate::replica::Mode::Standby(_)).then_some(lag.revisions),
        lag_seconds: matches!(mode, crate::replica::Mode::Standby(_)).then_some(lag.seconds),
        standby_revision: standby.map(|(p, _)| p.revision.0),
        standby_seconds_ago: standby.map(|(_, ago)| ago.as_secs_f64()),
    };
    state.metrics.render(state.revision().0, queued as u64, &replication)
}

/// What `GET /ready` answers.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Ready {
    /// `primary`, `standby`, `promoting` or `fenced`.
    pub role: &'static str,
    /// The revision of the world this server holds.
    pub revision: u64,
    /// A standby's lag in revisions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lag: Option<u64>,
    /// A standby's lag in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lag_seconds: Option<i64>,
    /// One line for a person: "primary", "standby, lag 3", "fenced: …".
    pub summary: String,
}

/// Whether this server is ready, and as what.
pub fn readiness(state: &AppState) -> Ready {
    use crate::replica::Mode;
    let mode = state.replica.mode();
    let lag = state.replica.lag();
    let standby = matches!(mode, Mode::Standby(_));
    let summary = match &mode {
        Mode::Primary => "primary".to_owned(),
        Mode::Standby(url) if lag.diverged => format!(
            "standby of {url}, stopped: {}",
            lag.error.as_deref().unwrap_or("the histories diverge")
        ),
        Mode::Standby(url) => format!("standby of {url}, lag {} ({} s)", lag.revisions, lag.seconds),
        Mode::Promoting => "promoting".to_owned(),
        Mode::Fenced(f) if f.from == crate::replica::ISOLATED => {
            format!("fenced: isolated for a drill at revision {}", f.until_revision.0)
        }
        Mode::Fenced(f) => format!(
            "fenced: {} was promoted in this server's place (generation {})",
            f.from, f.number
        ),
    };
    Ready {
        role: crate::replica::role_name(&mode),
        revision: state.revision().0,
        lag: standby.then_some(lag.revisions),
        lag_seconds: standby.then_some(lag.seconds),
        summary,
    }
}
