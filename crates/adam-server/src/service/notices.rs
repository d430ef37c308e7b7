//! What the write path does after each commit — the e-mail of `notify.rs` (rights to revoke,
//! reviews, steps to perform) and the recorded notices of `hosting_notify.rs` — and the
//! opening of the state with it: [`AppState::open`] and [`AppState::load`] are defined here,
//! over `state`'s `open_with`, so that `state.rs` names nothing of this layer, which builds on
//! it (`ARCHITECTURE.md`: no two modules import each other).

use crate::state::{AppState, Clock, Config};
use adam_core::Plan;
use adam_store::{AuditContext, Store, StoreError};
use std::sync::Arc;

/// Sends what a committed plan calls for, each on a thread of its own (the order is the write
/// path's of old: the e-mail first, then the recorded notices).
fn after_commit(s: &AppState, plan: &Plan, context: &AuditContext) {
    super::notify::after_commit(s, plan);
    super::hosting_notify::after_commit(s, plan, context);
}

impl AppState {
    /// Loads the world from the store, on a blocking thread (the store's clients block, and
    /// PostgreSQL's must never run on an async worker).
    pub async fn load(store: Arc<dyn Store>, clock: Clock, config: Config) -> Result<AppState, StoreError> {
        tokio::task::spawn_blocking(move || AppState::open(store, clock, config))
            .await
            .map_err(|e| StoreError::Database(format!("the loading thread failed: {e}")))?
    }

    /// Loads the world from the store. This blocks: from async code use [`AppState::load`].
    pub fn open(store: Arc<dyn Store>, clock: Clock, config: Config) -> Result<AppState, StoreError> {
        AppState::open_with(store, clock, config, after_commit)
    }
}
