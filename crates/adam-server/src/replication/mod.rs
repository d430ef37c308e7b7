//! ADAM at two sites (issue 18; Decree Art. 15, 60(2)): a standby that follows the primary's
//! change log and audit trail over mutual TLS, serves reads while it follows, shows its lag,
//! and is promoted to primary with a new generation that fences the old one.
//!
//! - `tls.rs`: rustls configurations (the API's certificate; mutual TLS between the sites);
//! - `client.rs`: the small HTTP/1.1 client one site uses to reach the other;
//! - `primary.rs`: the replication listener's routes (status, the log, the fence notice) and
//!   the watch on the peer that fences this server when the peer was promoted;
//! - `standby.rs`: the follower that asks for batches, applies them (`adam_store::replication`
//!   proves each) and keeps the world in memory in step;
//! - `totp.rs`: a TOTP step a sign-in takes on the standby is marked used on the primary
//!   first, so one code signs in once across both sites;
//! - here: [`Replica`], what a server knows of its role, its lag and its standby, and the
//!   promotion.
//!
//! Architecture invariant: a standby writes its store only through
//! [`adam_store::Replication::apply_batch`]; its own access records are kept aside and join the
//! trail at promotion, so its trail is the primary's record for record.

pub mod client;
pub mod drill;
pub mod primary;
pub mod standby;
pub mod tls;
pub mod totp;

use crate::error::{ApiResult, WebError};
use crate::state::{AppState, blocking};
use adam_core::{Revision, Timestamp};
use adam_store::replication::{Fence, Position, ReplicationState, Role};
use axum::http::StatusCode;
use serde::Serialize;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The `from` of the fence a drill's isolation sets.
pub const ISOLATED: &str = "isolated for a drill";

/// What this server is now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Takes changes.
    Primary,
    /// Follows the primary at this address; refuses changes.
    Standby(String),
    /// Being promoted: access records go to the trail, changes still wait.
    Promoting,
    /// Another server was promoted in this one's place; refuses changes.
    Fenced(Fence),
}

/// What a standby knows of how far behind it is.
#[derive(Clone, Debug, Default, Serialize, schemars::JsonSchema)]
pub struct Lag {
    /// The revision and audit record this standby holds.
    pub applied: Option<PositionView>,
    /// The primary's, as it said in its last answer.
    pub primary: Option<PositionView>,
    /// Revisions the standby is behind.
    pub revisions: u64,
    /// Seconds between the primary's newest change and the newest this standby holds.
    pub seconds: i64,
    /// When the primary last answered (seconds since 1970).
    pub last_contact: Option<i64>,
    /// Why following stopped or failed, if it did.
    pub error: Option<String>,
    /// Whether the standby stopped following because the histories diverged.
    pub diverged: bool,
}

/// A position, for the API.
#[derive(Clone, Copy, Debug, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct PositionView {
    /// The latest revision.
    pub revision: u64,
    /// The latest audit record.
    pub seq: u64,
}

impl From<Position> for PositionView {
    fn from(p: Position) -> PositionView {
        PositionView {
            revision: p.revision.0,
            seq: p.seq,
        }
    }
}

/// A server's replication: its mode, a standby's lag, and a primary's view of its standby.
pub struct Replica {
    mode: Mutex<Mode>,
    lag: Mutex<Lag>,
    /// Bumped after every commit and every appended batch of records: wakes the long polls.
    changed: tokio::sync::watch::Sender<u64>,
    /// The position the standby last said it holds, and when (a primary's view).
    standby: tokio::sync::watch::Sender<Option<(Position, Instant)>>,
    /// Synchronous mode: a write is answered only once the standby holds it (or refused after
    /// this long).
    sync: Mutex<Option<Duration>>,
    /// The client that reaches the other site (set by `serve` when replication is configured).
    client: Mutex<Option<std::sync::Arc<client::PeerClient>>>,
}

impl Replica {
    /// The replica of a store in `state`.
    pub fn new(state: &ReplicationState) -> Replica {
        let mode = match (&state.fenced, state.role, &state.following) {
            (Some(f), _, _) => Mode::Fenced(f.clone()),
            (None, Role::Standby, Some(url)) => Mode::Standby(url.clone()),
            _ => Mode::Primary,
        };
        Replica {
            mode: Mutex::new(mode),
            lag: Mutex::new(Lag::default()),
            changed: tokio::sync::watch::channel(0).0,
            standby: tokio::sync::watch::channel(None).0,
            sync: Mutex::new(None),
            client: Mutex::new(None),
        }
    }

    /// The mode now.
    pub fn mode(&self) -> Mode {
        self.mode.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    pub(crate) fn set_mode(&self, mode: Mode) {
        *self.mode.lock().unwrap_or_else(PoisonError::into_inner) = mode;
    }

    /// Whether access records are kept aside (a standby's).
    pub fn keeps_access_aside(&self) -> bool {
        matches!(self.mode(), Mode::Standby(_))
    }

    /// Whether this server writes its own audit upkeep (checkpoints, the purge).
    pub fn writes_upkeep(&self) -> bool {
        matches!(self.mode(), Mode::Primary)
    }

    /// The lag now.
    pub fn lag(&self) -> Lag {
        self.lag.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    pub(crate) fn update_lag(&self, f: impl FnOnce(&mut Lag)) {
        f(&mut self.lag.lock().unwrap_or_else(PoisonError::into_inner));
    }

    /// Wakes whoever waits for something new to ship.
    pub fn bump(&self) {
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Turns synchronous mode on (with the longest wait for the standby) or off.
    pub fn set_sync(&self, wait: Option<Duration>) {
        *self.sync.lock().unwrap_or_else(PoisonError::into_inner) = wait;
    }

    /// Sets the client that reaches the other site.
    pub fn set_client(&self, client: std::sync::Arc<client::PeerClient>) {
        *self.client.lock().unwrap_or_else(PoisonError::into_inner) = Some(client);
    }

    /// The client that reaches the other site, when configured.
    pub fn client(&self) -> Option<std::sync::Arc<client::PeerClient>> {
        self.client.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The standby's position as it last said, and how long ago.
    pub fn standby_position(&self) -> Option<(Position, Duration)> {
        (*self.standby.borrow()).map(|(p, at)| (p, at.elapsed()))
    }

    pub(crate) fn standby_holds(&self, position: Position) {
        self.standby.send_modify(|s| {
            let newer = s.is_none_or(|(p, _)| p.revision <= position.revision);
            if newer {
                *s = Some((position, Instant::now()));
            }
        });
    }

    /// Refuses a change on a server that is not the primary.
    pub fn refuse_writes(&self) -> ApiResult<()> {
        match self.mode() {
            Mode::Primary => Ok(()),
            Mode::Standby(url) => Err(WebError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "standby",
                format!("this server is a standby of {url}: it serves reads; changes go to the primary"),
            )
            .sl(format!(
                "ta strežnik je rezervni strežnik za {url}: odgovarja na branja, spremembe sprejema glavni strežnik"
            ))
            .with("primary", url)),
            Mode::Promoting => Err(WebError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "promoting",
                "this server is being promoted to primary; try again in a moment",
            )
            .sl("ta strežnik postaja glavni strežnik; poskusite znova čez trenutek")),
            Mode::Fenced(f) if f.from == ISOLATED => Err(WebError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "fenced",
                format!(
                    "this server was isolated for a drill at revision {}, as if its site were lost; it accepts no changes",
                    f.until_revision.0
                ),
            )
            .sl(format!(
                "ta strežnik je bil za vajo osamljen pri reviziji {}, kot da bi bila njegova lokacija izgubljena; ne sprejema sprememb",
                f.until_revision.0
            ))),
            Mode::Fenced(f) => Err(WebError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "fenced",
                format!(
                    "another server ({}) was promoted to primary in this one's place (generation {}, at revision {}); this server accepts no changes",
                    f.from, f.number, f.until_revision.0
                ),
            )
            .sl(format!(
                "namesto tega strežnika je bil za glavnega povišan drug strežnik ({}, generacija {}, pri reviziji {}); ta strežnik ne sprejema sprememb",
                f.from, f.number, f.until_revision.0
            ))),
        }
    }

    /// In synchronous mode, waits until the standby holds `revision`; a standby that does not
    /// confirm in time gets the write refused as not acknowledged (it is committed here, and
    /// the standby will receive it; what is refused is the promise that a second site holds it).
    pub async fn wait_for_standby(&self, revision: Revision) -> ApiResult<()> {
        let Some(wait) = *self.sync.lock().unwrap_or_else(PoisonError::into_inner) else {
            return Ok(());
        };
        if !matches!(self.mode(), Mode::Primary) {
            return Ok(());
        }
        let mut rx = self.standby.subscribe();
        let reached = tokio::time::timeout(wait, rx.wait_for(|s| s.is_some_and(|(p, _)| p.revision >= revision))).await;
        match reached {
            Ok(Ok(_)) => Ok(()),
            _ => Err(WebError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "standby-not-confirming",
                format!(
                    "the change was committed here at revision {} but the standby did not confirm it within {} ms; it is not acknowledged as held at the second site",
                    revision.0,
                    wait.as_millis()
                ),
            )
            .sl(format!(
                "sprememba je zapisana tu z revizijo {}, a rezervni strežnik je ni potrdil v {} ms; ni potrjeno, da jo hrani tudi druga lokacija",
                revision.0,
                wait.as_millis()
            ))
            .with("revision", revision.0)),
        }
    }

    pub(crate) fn subscribe_changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changed.subscribe()
    }
}

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

/// The role's name.
pub fn role_name(mode: &Mode) -> &'static str {
    match mode {
        Mode::Primary => "primary",
        Mode::Standby(_) => "standby",
        Mode::Promoting => "promoting",
        Mode::Fenced(_) => "fenced",
    }
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
        synchronous: s.replica.sync.lock().unwrap_or_else(PoisonError::into_inner).is_some(),
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
