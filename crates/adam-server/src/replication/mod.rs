//! ADAM at two sites (issue 18; Decree Art. 15, 60(2)): a standby that follows the primary's
//! change log and audit trail over mutual TLS, serves reads while it follows, shows its lag,
//! and is promoted to primary with a new generation that fences the old one.
//!
//! - `primary.rs`: the replication listener's routes (status, the log, the fence notice) and
//!   the watch on the peer that fences this server when the peer was promoted;
//! - `standby.rs`: the follower that asks for batches, applies them (`adam_store::replication`
//!   proves each) and keeps the world in memory in step;
//! - `drill.rs`: the failover drill;
//! - here: the status, the promotion, the isolation for a drill and the start of a site.
//!
//! What the modules below use lives below them and is re-exported here: [`Replica`] (what a
//! server knows of its role, its lag and its standby), the TLS set-up and the client that
//! reaches the other site are `replica/`; the TOTP step a sign-in on a standby marks used on
//! the primary first is `authn/totp_step.rs` (re-exported as `totp`).
//!
//! Architecture invariant: a standby writes its store only through
//! [`adam_store::Replication::apply_batch`]; its own access records are kept aside and join the
//! trail at promotion, so its trail is the primary's record for record.

pub mod drill;
pub mod primary;
pub mod standby;

pub use crate::authn::totp_step as totp;
pub use crate::replica::{ISOLATED, Lag, Mode, PositionView, Replica, client, role_name, tls};

use crate::error::{ApiResult, WebError};
use crate::state::{AppState, blocking};
use adam_core::{Revision, Timestamp};
use adam_store::replication::{Fence, ReplicationState};
use axum::http::StatusCode;
use serde::Serialize;
use std::time::Duration;

/// What `GET /api/v1/replication` and the replication listener's status say.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Status {
    /// `primary`, `standby`, `promoting` or `fenced`.
    pub role: &'static str,
    /// The store's generation, its number and lineage, and the fence if any.
    #[schemars(with = "serde_json::Value")]
    pub state: ReplicationState,
    /// Where this server's history ends.
    pub position: PositionView,
    /// When its newest revision was committed (seconds since 1970; 0 with none).
    pub head_at: i64,
    /// A standby's lag.
    pub lag: Option<Lag>,
    /// A primary's standby: the position it last said it holds, and how many seconds ago.
    pub standby: Option<StandbyView>,
    /// Whether writes wait for the standby.
    pub synchronous: bool,
}

/// A primary's view of its standby.
#[derive(Clone, Copy, Debug, Serialize, schemars::JsonSchema)]
pub struct StandbyView {
    /// What it holds.
    pub holds: PositionView,
    /// Seconds since it last asked.
    pub seconds_ago: f64,
    /// Revisions it is behind.
    pub behind: u64,
}

/// This server's replication status.
pub async fn status(s: &AppState) -> ApiResult<Status> {
    let store = s.store.clone();
    let (state, position, head_at) = blocking(move || {
        let position = store.position()?;
        let head_at = store
            .change_log(Revision(position.revision.0.saturating_sub(1)), 1)?
            .first()
            .map_or(0, |c| c.at.0);
        Ok::<_, adam_store::StoreError>((store.replication_state()?, position, head_at))
    })
    .await??;
    let mode = s.replica.mode();
    Ok(Status {
        role: role_name(&mode),
        state,
        position: position.into(),
        head_at,
        lag: matches!(mode, Mode::Standby(_)).then(|| s.replica.lag()),
        standby: s.replica.standby_position().map(|(p, ago)| StandbyView {
            holds: p.into(),
            seconds_ago: ago.as_secs_f64(),
            behind: position.revision.0.saturating_sub(p.revision.0),
        }),
        synchronous: s.replica.synchronous(),
    })
}

/// Promotes this standby: stops following, appends the access records it kept aside, starts a
/// new generation, takes changes — and tells the old primary it is fenced, if it can be
/// reached (`notify`). Returns the new state.
pub async fn promote(s: &AppState, at: Timestamp) -> ApiResult<ReplicationState> {
    let before = s.replica.mode();
    let old_primary = match &before {
        Mode::Standby(url) => Some(url.clone()),
        Mode::Primary => {
            return Err(WebError::new(
                StatusCode::CONFLICT,
                "already-primary",
                "this server is the primary already",
            )
            .sl("ta strežnik je že glavni strežnik"));
        }
        Mode::Promoting => {
            return Err(
                WebError::new(StatusCode::CONFLICT, "promoting", "a promotion is under way").sl("povišanje že poteka"),
            );
        }
        Mode::Fenced(_) => None,
    };
    s.replica.set_mode(Mode::Promoting);
    // Access records queued while following are kept aside before the aside is emptied.
    s.flush_access().await;
    let store = s.store.clone();
    let promoted = blocking(move || store.promote(at)).await?;
    let state = match promoted {
        Ok(state) => state,
        Err(e) => {
            s.replica.set_mode(before);
            return Err(e.into());
        }
    };
    s.replica.set_mode(Mode::Primary);
    s.replica.update_lag(|l| *l = Lag::default());
    let me = s.clone();
    blocking(move || me.catch_up_blocking()).await??;
    tracing::warn!(
        generation = %state.generation,
        number = state.number,
        "promoted to primary"
    );
    if let (Some(url), Some(client)) = (old_primary, s.replica.client()) {
        // Off the promotion's path: the old primary may be gone, and the first write must not
        // wait for it.
        let notice = state.clone();
        tokio::spawn(async move { primary::notify_fence(&client, &url, &notice).await });
    }
    Ok(state)
}

/// Isolates this primary for a drill, as if its site were lost: it refuses changes and stops
/// shipping its log, across restarts, until an operator lifts the fence (`adam promote
/// --unfence`… or a new standby is seeded from the new primary).
pub async fn isolate(s: &AppState, at: Timestamp) -> ApiResult<ReplicationState> {
    if !matches!(s.replica.mode(), Mode::Primary) {
        return Err(WebError::new(
            StatusCode::CONFLICT,
            "not-primary",
            "only the primary is isolated for a drill",
        )
        .sl("za vajo se osami le glavni strežnik"));
    }
    let store = s.store.clone();
    let state = blocking(move || -> Result<ReplicationState, adam_store::StoreError> {
        let here = store.position()?;
        let mine = store.replication_state()?;
        store.fence(&Fence {
            generation: mine.generation,
            number: mine.number,
            until_revision: here.revision,
            until_seq: here.seq,
            promoted_at: at,
            from: ISOLATED.to_owned(),
        })
    })
    .await??;
    if let Some(f) = &state.fenced {
        s.replica.set_mode(Mode::Fenced(f.clone()));
    }
    tracing::warn!("isolated for a drill: changes are refused and the log is not shipped");
    Ok(state)
}

/// How a server takes part in replication (`serve`'s flags).
pub struct Site {
    /// This site's certificate, key and the installation's authority (mutual TLS).
    pub identity: Option<tls::Identity>,
    /// The replication listener, bound.
    pub listener: Option<tokio::net::TcpListener>,
    /// The primary to follow (`--standby-of`).
    pub standby_of: Option<String>,
    /// The other site's replication listener, watched for a promotion past this server.
    pub peer: Option<String>,
    /// Synchronous mode: how long a write waits for the standby.
    pub synchronous: Option<Duration>,
}

/// Why a site could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// TLS set-up.
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
    /// The store.
    #[error(transparent)]
    Store(#[from] adam_store::StoreError),
    /// A combination of flags that cannot work.
    #[error("{0}")]
    Flags(&'static str),
}

/// Starts this server's part: the replication listener, the follower of a standby, the watch
/// on the peer; synchronous mode. The tasks end when the server stops (abort them).
pub async fn start(s: &AppState, site: Site) -> Result<Vec<tokio::task::JoinHandle<()>>, SiteError> {
    let mut tasks = Vec::new();
    let needs_tls = site.listener.is_some() || site.standby_of.is_some() || site.peer.is_some();
    let identity = match (&site.identity, needs_tls) {
        (Some(id), _) => Some(id.clone()),
        (None, true) => {
            return Err(SiteError::Flags(
                "replication needs this site's certificate: --site-cert, --site-key and --site-ca",
            ));
        }
        (None, false) => None,
    };
    if let Some(id) = &identity {
        if id.ca.is_none() {
            return Err(SiteError::Flags(
                "replication needs the installation's authority: --site-ca",
            ));
        }
        s.replica.set_client(std::sync::Arc::new(client::PeerClient::new(id)?));
    }
    if let (Some(listener), Some(id)) = (site.listener, &identity) {
        let config = tls::server_config(id)?;
        let state = s.clone();
        tasks.push(tokio::spawn(async move {
            if let Err(e) = crate::serve_replication(listener, config, state, std::future::pending()).await {
                tracing::error!(error = %e, "the replication listener stopped");
            }
        }));
    }
    if let Some(primary) = site.standby_of {
        let store = s.store.clone();
        let url = primary.clone();
        blocking(move || store.follow(&url))
            .await
            .map_err(|_| SiteError::Flags("the store could not be set to follow"))??;
        s.replica.set_mode(Mode::Standby(primary.clone()));
        if let Some(client) = s.replica.client() {
            tasks.push(standby::spawn_follower(s.clone(), client, primary));
        }
    }
    if let (Some(peer), Some(client)) = (site.peer, s.replica.client()) {
        tasks.push(primary::spawn_peer_watch(
            s.clone(),
            client,
            peer,
            Duration::from_secs(2),
        ));
    }
    s.replica.set_sync(site.synchronous);
    Ok(tasks)
}
