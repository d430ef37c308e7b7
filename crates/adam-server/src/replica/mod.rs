//! This server's part in the pair of sites (issue 18): what it knows of its role, its lag and
//! its standby ([`Replica`], held by the state), the TLS set-up (`tls.rs`) and the client that
//! reaches the other site (`client.rs`).
//!
//! Here, below `state` (which holds the [`Replica`]), `authn` (a sign-in on a standby asks the
//! primary about its TOTP step) and `service` (the operations page shows the role), so that
//! none of them imports `replication/`, which builds on all three (`ARCHITECTURE.md`: no two
//! modules import each other). The replication itself — the listener, the follower, the
//! promotion and the drill — is `replication/`, which re-exports these under its own path.

pub mod client;
pub mod tls;

use crate::error::{ApiResult, WebError};
use adam_core::Revision;
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

    /// Whether writes wait for the standby (synchronous mode is on).
    pub fn synchronous(&self) -> bool {
        self.sync.lock().unwrap_or_else(PoisonError::into_inner).is_some()
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

/// The role's name.
pub fn role_name(mode: &Mode) -> &'static str {
    match mode {
        Mode::Primary => "primary",
        Mode::Standby(_) => "standby",
        Mode::Promoting => "promoting",
        Mode::Fenced(_) => "fenced",
    }
}
