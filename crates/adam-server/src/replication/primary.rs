//! The replication listener (`serve --replication-listen`), reached only over mutual TLS by
//! the other site: its status, the log a standby follows, and the notice that another server
//! was promoted in this one's place. And the watch on the peer that fences this server when
//! it finds the peer promoted past it (the old primary that comes back after a failover).

use super::client::PeerClient;
use super::{Mode, status};
use crate::error::{ApiResult, WebError};
use crate::state::{AppState, blocking};
use adam_core::Revision;
use adam_store::StoreError;
use adam_store::replication::{Fence, Position, ReplicationState, Role};
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use std::time::Duration;

/// At most this many audit records per batch (a revision's records are never split).
const BATCH_RECORDS: usize = 2_000;
/// The longest a request for the log waits for something new.
const LONGEST_WAIT: Duration = Duration::from_secs(25);

/// The replication listener's routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/replication/v1/status", get(status_route))
        .route("/replication/v1/log", get(log))
        .route("/replication/v1/fence", post(fence))
        .route("/replication/v1/totp-step", post(super::totp::mark))
        .with_state(state)
}

async fn status_route(State(s): State<AppState>) -> ApiResult<axum::Json<super::Status>> {
    Ok(axum::Json(status(&s).await?))
}

/// What a standby asks for.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogQuery {
    /// The revision it holds.
    pub revision: u64,
    /// The audit record it holds.
    pub seq: u64,
    /// The digest of its credential tables.
    pub credentials: Option<String>,
    /// How long to wait for something new, in milliseconds (at most 25 s).
    pub wait_ms: Option<u64>,
    /// Every attachment up to this id is on the standby.
    pub attachments: Option<i64>,
}

async fn log(
    State(s): State<AppState>,
    Query(q): Query<LogQuery>,
) -> ApiResult<axum::Json<adam_store::replication::Batch>> {
    let after = Position {
        revision: Revision(q.revision),
        seq: q.seq,
    };
    if !matches!(s.replica.mode(), Mode::Primary) {
        return Err(WebError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not-primary",
            "this server is not the primary (a standby, or fenced, or isolated for a drill): follow the primary",
        )
        .sl("ta strežnik ni glavni strežnik: sledite glavnemu"));
    }
    // What the standby says it holds is its acknowledgement (synchronous mode waits for it).
    s.replica.standby_holds(after);
    let deadline = tokio::time::Instant::now() + Duration::from_millis(q.wait_ms.unwrap_or(0)).min(LONGEST_WAIT);
    let mut changes = s.replica.subscribe_changes();
    loop {
        changes.mark_unchanged();
        let store = s.store.clone();
        let digest = q.credentials.clone();
        let mark = q.attachments.unwrap_or(0);
        let batch = blocking(move || store.ship(after, BATCH_RECORDS, digest.as_deref(), mark)).await?;
        let batch = match batch {
            Ok(b) => b,
            Err(StoreError::Replication(refusal)) => {
                return Err(
                    WebError::new(StatusCode::CONFLICT, refusal.code(), refusal.to_string()).sl(format!(
                        "rezervni strežnik in glavni strežnik nimata iste zgodovine: {refusal}"
                    )),
                );
            }
            Err(e) => return Err(e.into()),
        };
        if !batch.is_empty() || tokio::time::Instant::now() >= deadline {
            return Ok(axum::Json(batch));
        }
        // Woken by a commit here, or every quarter second for commits by another process.
        let _ = tokio::time::timeout_at(
            deadline.min(tokio::time::Instant::now() + Duration::from_millis(250)),
            changes.changed(),
        )
        .await;
    }
}

/// The notice a promoted standby sends its old primary.
#[derive(Debug, Deserialize, serde::Serialize)]
pub struct FenceNotice {
    /// The new primary's state (its lineage names this server's generation).
    pub state: ReplicationState,
    /// The new primary's address as it calls itself.
    pub from: String,
}

async fn fence(
    State(s): State<AppState>,
    axum::Json(notice): axum::Json<FenceNotice>,
) -> ApiResult<axum::Json<super::Status>> {
    fence_if_replaced(&s, &notice.state, &notice.from).await?;
    Ok(axum::Json(status(&s).await?))
}

/// Fences this server when `peer` is a primary whose history came through this server's
/// generation (it was promoted in this one's place). Anything else is refused as no reason.
async fn fence_if_replaced(s: &AppState, peer: &ReplicationState, from: &str) -> ApiResult<bool> {
    let store = s.store.clone();
    let mine = blocking(move || store.replication_state()).await??;
    let replaced = peer.role == Role::Primary
        && peer.generation != mine.generation
        && peer.lineage.iter().any(|g| g.generation == mine.generation);
    if !replaced {
        return Err(WebError::new(
            StatusCode::CONFLICT,
            "not-replaced",
            "the server that sent the notice does not descend from this one's generation",
        )
        .sl("strežnik, ki je poslal obvestilo, ne izhaja iz generacije tega strežnika"));
    }
    if mine.fenced.is_some() {
        return Ok(false);
    }
    let Some(ended) = peer.lineage.iter().find(|g| g.generation == mine.generation) else {
        return Ok(false);
    };
    let fence = Fence {
        generation: peer.generation.clone(),
        number: peer.number,
        until_revision: ended.until_revision,
        until_seq: ended.until_seq,
        promoted_at: ended.ended_at,
        from: from.to_owned(),
    };
    let store = s.store.clone();
    let f = fence.clone();
    blocking(move || store.fence(&f)).await??;
    s.replica.set_mode(Mode::Fenced(fence.clone()));
    tracing::error!(
        from = %fence.from,
        generation = fence.number,
        until_revision = fence.until_revision.0,
        "fenced: another server was promoted to primary in this one's place; changes are refused"
    );
    Ok(true)
}

/// Tells the old primary at `url` that it was replaced (best effort: it may be gone; the
/// watch on its side fences it when it comes back).
pub async fn notify_fence(client: &PeerClient, url: &str, state: &ReplicationState) {
    let notice = FenceNotice {
        state: state.clone(),
        from: "promoted standby".to_owned(),
    };
    let Ok(body) = serde_json::to_vec(&notice) else {
        return;
    };
    match client
        .request(
            url,
            hyper::Method::POST,
            "/replication/v1/fence",
            Some(body),
            Duration::from_secs(5),
        )
        .await
    {
        Ok((200, _)) => tracing::info!(%url, "the old primary was told it is fenced"),
        Ok((status, body)) => {
            tracing::warn!(%url, status, answer = %String::from_utf8_lossy(&body), "the old primary refused the fence notice")
        }
        Err(e) => tracing::warn!(%url, error = %e, "the old primary could not be told it is fenced"),
    }
}

/// Asks the peer at `url` for its status every `every`, and fences this server when the peer
/// was promoted in its place. Runs on a primary configured with `--replication-peer`.
pub fn spawn_peer_watch(
    s: AppState,
    client: std::sync::Arc<PeerClient>,
    url: String,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if matches!(s.replica.mode(), Mode::Primary)
                && let Ok((200, body)) = client
                    .request(
                        &url,
                        hyper::Method::GET,
                        "/replication/v1/status",
                        None,
                        Duration::from_secs(5),
                    )
                    .await
                && let Ok(peer) = serde_json::from_slice::<serde_json::Value>(&body)
                && let Some(state) = peer.get("state").cloned()
                && let Ok(state) = serde_json::from_value::<ReplicationState>(state)
                && state.role == Role::Primary
            {
                let _ = fence_if_replaced(&s, &state, &url).await;
            }
            tokio::time::sleep(every).await;
        }
    })
}
