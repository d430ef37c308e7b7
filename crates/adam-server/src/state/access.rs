//! The access-record writer: requests queue their access records, one thread of its own
//! appends what has queued up in one transaction (group commit) and tells each request once
//! its records are committed — an answer is given only when its access record is durable
//! (Decree: every access recorded; a crash loses no answered access, issue #14).
//!
//! Why a thread of its own rather than a task that hands each transaction to
//! `spawn_blocking`: the writer does nothing but blocking store work, and every hand-off
//! between the runtime and the blocking pool (a wake-up of the pool's thread, then of the
//! task) sat on the path of every recorded answer (BENCHMARKS.md, "The access-record writer
//! on a thread of its own"). The thread holds the state only weakly, between batches, so it
//! keeps nothing alive: it ends when told to ([`AppState::stop_access_writer`]) or when the
//! state is dropped (the queue's sender with it).

use super::{AppState, Inner};
use crate::error::{ApiResult, WebError};
use adam_store::NewAudit;
use axum::http::StatusCode;
use std::sync::{PoisonError, Weak};
use tokio::sync::{mpsc, oneshot};

/// Records the access queue holds before requests wait for room (about 1.1 KiB each in memory,
/// so some 110 MiB at most). Counted in records, not messages: a queue of a few hundred
/// one-record messages is a few milliseconds of checks, and it filled whenever the writer's
/// transaction took longer (an fsync, a WAL checkpoint, a move of search keys), holding
/// every request that produced a record for the rest of the commit.
pub const ACCESS_QUEUE: usize = 100_000;
/// Records per message.
pub const ACCESS_CHUNK: usize = 100;
/// The most records one transaction of the writer takes.
const BATCH_MAX: usize = 10_000;

/// What the access-record writer receives.
pub(crate) enum AccessMessage {
    /// Records, and whom to tell whether they were committed.
    Records(Vec<NewAudit>, oneshot::Sender<bool>),
    /// Answered once everything queued before it is written.
    Flush(oneshot::Sender<()>),
    /// The writer ends after what was queued before it.
    Stop,
}

/// The refusal of a request whose access records could not be made durable: no answer
/// without its record.
fn audit_unavailable(why: &str) -> WebError {
    WebError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "audit-unavailable",
        format!("{why}; the access was not recorded, so it is not answered"),
    )
    .sl(format!("{why}; dostop ni bil zapisan, zato nanj ni odgovora"))
}

impl AppState {
    /// Records accesses: queues them for the writer thread, which appends what has queued up
    /// in one transaction (group commit), and returns once that transaction has committed.
    /// Many waiting requests share one commit, so the wait is about one commit, not one per
    /// request (`BENCHMARKS.md`, #14).
    ///
    /// The queue is bounded ([`ACCESS_QUEUE`] records, in messages of at most [`ACCESS_CHUNK`]):
    /// when the writer falls behind, the requests that produce records wait for room rather
    /// than pile records up in memory. Auditing is never skipped to keep up: when the records
    /// cannot be written, the request is refused (503 `audit-unavailable`).
    pub async fn record_access(&self, records: Vec<NewAudit>) -> ApiResult<()> {
        let mut records = records;
        let mut waits = Vec::new();
        while !records.is_empty() {
            let rest = records.split_off(records.len().min(ACCESS_CHUNK));
            // Room for these records first (given back by the writer once they are committed).
            let n = u32::try_from(records.len()).unwrap_or(u32::MAX);
            match self.access_room.acquire_many(n).await {
                Ok(permits) => permits.forget(),
                Err(_) => return Err(audit_unavailable("the access queue is closed")),
            }
            let (done, wait) = oneshot::channel();
            if self.access.send(AccessMessage::Records(records, done)).is_err() {
                return Err(audit_unavailable("the access-record writer has stopped"));
            }
            waits.push(wait);
            records = rest;
        }
        for wait in waits {
            match wait.await {
                Ok(true) => {}
                Ok(false) => return Err(audit_unavailable("the access records could not be written")),
                Err(_) => return Err(audit_unavailable("the access-record writer has stopped")),
            }
        }
        Ok(())
    }

    /// Room left in the access queue, in records (for tests and diagnostics).
    pub fn access_room_left(&self) -> usize {
        self.access_room.available_permits()
    }

    /// Waits until every access record queued so far is written.
    pub async fn flush_access(&self) {
        let (done, wait) = oneshot::channel();
        if self.access.send(AccessMessage::Flush(done)).is_ok() {
            let _ = wait.await;
        }
    }

    /// Tells the writer to end once what is queued now is written; later records are refused
    /// (503 `audit-unavailable`), never answered unrecorded.
    pub fn stop_access_writer(&self) {
        let _ = self.access.send(AccessMessage::Stop);
    }

    /// Starts the writer's thread, once per state (later calls start nothing).
    pub(super) fn spawn_access_writer(&self) -> Option<std::thread::JoinHandle<()>> {
        let rx = self.access_rx.lock().unwrap_or_else(PoisonError::into_inner).take()?;
        let state = std::sync::Arc::downgrade(&self.0);
        let spawned = std::thread::Builder::new()
            .name("adam-access-writer".to_owned())
            .spawn(move || write_until_stopped(rx, &state));
        match spawned {
            Ok(handle) => Some(handle),
            Err(e) => {
                // Nothing reads the queue then: every recorded access is refused, none is
                // answered unrecorded.
                tracing::error!(error = %e, "the access-record writer could not start");
                None
            }
        }
    }
}

/// The writer's loop: everything queued since the last transaction goes into the next one.
fn write_until_stopped(mut rx: mpsc::UnboundedReceiver<AccessMessage>, state: &Weak<Inner>) {
    let mut stopping = false;
    while !stopping {
        let Some(first) = rx.blocking_recv() else { return };
        let mut batch = Vec::new();
        let mut flushes = Vec::new();
        let mut waiting = Vec::new();
        let mut next = Some(first);
        while let Some(m) = next.take() {
            match m {
                AccessMessage::Records(r, done) => {
                    batch.extend(r);
                    waiting.push(done);
                }
                AccessMessage::Flush(f) => flushes.push(f),
                AccessMessage::Stop => stopping = true,
            }
            if batch.len() < BATCH_MAX && !stopping {
                next = rx.try_recv().ok();
            }
        }
        if !batch.is_empty() {
            // The state is held only while a batch is written: gone, nobody waits any more.
            let Some(inner) = state.upgrade() else { return };
            let me = AppState(inner);
            let n = batch.len();
            // A standby's trail is its primary's: its own records wait aside for its promotion
            // (`replication/`).
            let written = if me.replica.keeps_access_aside() {
                me.store.keep_aside(&batch)
            } else {
                me.store.append_audit(&batch)
            };
            let written = match written {
                Ok(()) => true,
                Err(e) => {
                    tracing::error!(error = %e, records = n, "access records were not written");
                    false
                }
            };
            me.access_room.add_permits(n);
            me.replica.bump();
            // The requests waiting for these records answer now (or are refused).
            for done in waiting {
                let _ = done.send(written);
            }
        }
        for f in flushes {
            let _ = f.send(());
        }
    }
}
