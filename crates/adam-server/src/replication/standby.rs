//! The follower of a standby (`serve --standby-of https://primary:port`): asks the primary's
//! replication listener for the next batch (a long poll that returns as soon as there is
//! something), has the store prove and apply it in one transaction, brings the world in memory
//! to the new revision, and keeps the lag. A refusal that means the histories diverged stops
//! following for good (an operator decides: seed a new standby, or promote this one); a
//! network failure is retried with a growing pause.

use super::client::PeerClient;
use super::{Lag, Mode};
use crate::state::{AppState, blocking};
use adam_store::StoreError;
use adam_store::replication::Batch;
use std::sync::Arc;
use std::time::Duration;

/// How long one request waits for something new.
const POLL: Duration = Duration::from_secs(10);

/// Follows `primary` until this server stops being a standby.
pub fn spawn_follower(s: AppState, client: Arc<PeerClient>, primary: String) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut pause = Duration::from_millis(100);
        loop {
            if !matches!(s.replica.mode(), Mode::Standby(_)) {
                return;
            }
            match follow_once(&s, &client, &primary).await {
                Ok(()) => pause = Duration::from_millis(100),
                Err(Stop::Diverged(why)) => {
                    tracing::error!(%primary, reason = %why, "the standby stopped following: the histories diverge");
                    s.replica.update_lag(|l| {
                        l.error = Some(why);
                        l.diverged = true;
                    });
                    return;
                }
                Err(Stop::Retry(why)) => {
                    tracing::warn!(%primary, reason = %why, "following the primary failed; trying again");
                    s.replica.update_lag(|l| l.error = Some(why));
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(5));
                }
            }
        }
    })
}

/// Why one round of following ended without applying.
pub enum Stop {
    /// The histories diverge: following must stop.
    Diverged(String),
    /// A failure worth trying again (the network, the primary restarting).
    Retry(String),
}

impl Stop {
    /// What happened, for a person.
    pub fn reason(&self) -> &str {
        match self {
            Stop::Diverged(r) | Stop::Retry(r) => r,
        }
    }
}

/// What one round of following did.
pub enum Round {
    /// Nothing new: where this standby is and what the primary holds.
    Empty {
        /// This standby's position.
        position: adam_store::replication::Position,
        /// The primary's head.
        head: adam_store::replication::Head,
    },
    /// A batch applied.
    Applied {
        /// What was applied.
        applied: adam_store::replication::Applied,
        /// The primary's head.
        head: adam_store::replication::Head,
        /// When the newest applied change was committed.
        last_at: Option<i64>,
    },
}

/// Asks the primary for the next batch and has the store prove and apply it.
pub async fn round(
    store: &Arc<dyn adam_store::Store>,
    client: &PeerClient,
    primary: &str,
    wait: Duration,
) -> Result<Round, Stop> {
    let st = store.clone();
    let (position, digest, mark) = tokio::task::spawn_blocking(move || {
        Ok::<_, StoreError>((st.position()?, st.credentials_digest()?, st.attachments_mark()?))
    })
    .await
    .map_err(|e| Stop::Retry(e.to_string()))?
    .map_err(|e| Stop::Retry(e.to_string()))?;
    let path = format!(
        "/replication/v1/log?revision={}&seq={}&credentials={digest}&attachments={mark}&wait_ms={}",
        position.revision.0,
        position.seq,
        wait.as_millis()
    );
    let (status, body) = client
        .request(primary, hyper::Method::GET, &path, None, wait + Duration::from_secs(20))
        .await
        .map_err(|e| Stop::Retry(e.to_string()))?;
    if status == 409 {
        // The primary says the histories differ (this standby holds what it does not).
        return Err(Stop::Diverged(problem_detail(&body)));
    }
    if status != 200 {
        return Err(Stop::Retry(format!(
            "the primary answered {status}: {}",
            problem_detail(&body)
        )));
    }
    let batch: Batch = serde_json::from_slice(&body).map_err(|e| Stop::Retry(format!("an unreadable batch: {e}")))?;
    let head = batch.head;
    if batch.is_empty() {
        return Ok(Round::Empty { position, head });
    }
    let last_at = batch.changes.last().map(|c| c.at.0);
    let st = store.clone();
    let applied = tokio::task::spawn_blocking(move || st.apply_batch(&batch))
        .await
        .map_err(|e| Stop::Retry(e.to_string()))?;
    match applied {
        Ok(applied) => Ok(Round::Applied { applied, head, last_at }),
        Err(StoreError::Replication(refusal)) => Err(Stop::Diverged(refusal.to_string())),
        Err(e) => Err(Stop::Retry(e.to_string())),
    }
}

/// Brings a standby's store up to its primary before the server loads it (a new standby's
/// store is empty: it has no world to load until the first batch). Returns the position.
pub async fn seed(
    store: &Arc<dyn adam_store::Store>,
    client: &PeerClient,
    primary: &str,
) -> Result<adam_store::replication::Position, Stop> {
    let st = store.clone();
    let url = primary.to_owned();
    tokio::task::spawn_blocking(move || st.follow(&url))
        .await
        .map_err(|e| Stop::Retry(e.to_string()))?
        .map_err(|e| Stop::Retry(e.to_string()))?;
    loop {
        if let Round::Empty { position, .. } = round(store, client, primary, Duration::ZERO).await? {
            return Ok(position);
        }
    }
}

async fn follow_once(s: &AppState, client: &PeerClient, primary: &str) -> Result<(), Stop> {
    let now = s.now().0;
    match round(&s.store, client, primary, POLL).await? {
        Round::Empty { position, head } => {
            s.replica.update_lag(|l| {
                l.applied = Some(position.into());
                l.primary = Some(head.position.into());
                l.revisions = head.position.revision.0.saturating_sub(position.revision.0);
                if l.revisions == 0 {
                    l.seconds = 0;
                }
                l.last_contact = Some(now);
                l.error = None;
            });
        }
        Round::Applied { applied, head, last_at } => {
            if applied.credentials {
                s.forget_tokens();
            }
            let me = s.clone();
            blocking(move || me.catch_up_blocking())
                .await
                .map_err(|e| Stop::Retry(e.detail.clone()))?
                .map_err(|e| Stop::Retry(e.detail.clone()))?;
            s.replica.update_lag(|l: &mut Lag| {
                l.applied = Some(applied.position.into());
                l.primary = Some(head.position.into());
                l.revisions = head.position.revision.0.saturating_sub(applied.position.revision.0);
                l.seconds = match (l.revisions, last_at) {
                    (0, _) => 0,
                    (_, Some(at)) => (head.at.0 - at).max(0),
                    (_, None) => l.seconds,
                };
                l.last_contact = Some(now);
                l.error = None;
            });
        }
    }
    Ok(())
}

fn problem_detail(body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("detail").and_then(|d| d.as_str()).map(str::to_owned))
        .unwrap_or_else(|| String::from_utf8_lossy(body).chars().take(300).collect())
}
