//! The service layer: what the server does, as functions over typed requests and the caller
//! that return typed answers or a problem, whichever door the request came in by. The API
//! (`api/`) and the UI (`ui/`) are adapters over it: they parse, call, and render. Sign-in
//! and credentials are the service of `authn/`.
//!
//! The state is opened here (`notices.rs`: [`AppState::open`](crate::AppState::open) with the
//! notices the write path sends after each commit), and the overdue reminders' task is started
//! here (`process/events.rs`), so that `state.rs` names nothing of this layer.

pub mod attachments;
pub mod audit;
pub mod backup;
pub mod continuity;
pub mod decisions;
pub mod decree_roles;
pub mod directory;
pub mod dormant;
pub mod filing;
pub mod grants;
pub mod hosting;
pub(crate) mod hosting_notify;
pub mod integrity;
pub mod inventory;
pub mod inventory_export;
mod notices;
pub(crate) mod notify;
pub mod operations;
pub mod overview;
pub mod past;
pub mod process;
pub mod raci;
pub mod raci_report;
pub mod records;
pub mod register;
pub mod register_export;
pub mod review;
pub mod risk;
pub mod roles;
pub mod settings;
pub mod setup;

use crate::error::{ApiResult, WebError};
use adam_core::{CreatedId, Plan};

/// The id of the record `plan` created, for a command that creates one. Written once for
/// every kind; a plan that created none of that kind is a bug (the engine always names what a
/// creating command created), so it answers an internal error, not a refusal.
pub(crate) fn created<T: CreatedId>(plan: &Plan) -> ApiResult<T> {
    plan.created
        .and_then(T::of)
        .ok_or_else(|| WebError::internal(&format!("{} not created", T::WHAT)))
}
