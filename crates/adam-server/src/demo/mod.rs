//! The demo organisation: "Mestna občina Koper" as the seed's screenshots show it (004 §3).
//!
//! Why it exists: a records officer evaluating ADAM, a developer trying the API and the tests
//! all need an organisation that looks like a real one — offices from a signing plan with their
//! automatic heads and secretariats, staff holding jobs, the seed's applications and roles,
//! grants with validity windows in every status, a filing plan, and case files that are in the
//! middle of their workflow. Everything here is built through the engine's commands, never by
//! writing records directly, so the demo obeys every rule a real organisation does, and the
//! ACL entries on folders and documents are exactly what the Diagram 1 transitions produce.
//!
//! One sequence of commands serves two callers: [`build`] runs it on a plain [`World`] (tests,
//! tools), [`load`] runs it through [`AppState::execute_as`], the server's single write path,
//! so the demo lands in the store and in the audit trail under the application `adam-demo`.
//! The sequence is written once, against a small private `Executor` abstraction.
//!
//! All names of people, e-mail addresses and phone numbers are invented; e-mail addresses use
//! the reserved `.example` top-level domain so a demo can never mail a real person.
//!
//! The modules: `data` (the organisation as tables), `steps` and `sequence` (the commands that
//! build it), `inventory` (its registers), `executor` (on a world or through the server) and
//! `ids` (what a caller gets back), `hosting` (the registry of information solutions).

mod continuity;
mod data;
mod executor;
mod hosting;
mod ids;
mod inventory;
mod raci;
mod sequence;
mod steps;
#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;

pub use data::ORGANISATION;
pub use executor::APPLICATION;
pub use ids::{Demo, Documents, Folders, Offices};
pub use inventory::Inventory;

use crate::error::WebError;
use crate::state::AppState;
use adam_core::{AccountKind, Error, Text, Timestamp, World};
use executor::{OnState, OnWorld};
use sequence::sequence;
use std::future::Future;
use std::task::{Context, Poll, Waker};

/// Builds the demo organisation in `world` (a fresh `World::new(ORGANISATION)`), as of `at`.
///
/// Setup runs as [`Actor::System`](adam_core::Actor::System); the scoped user administrator does the two-step deletion
/// of a former clerk; workflow steps run as the clerks themselves in their jobs.
pub fn build(world: &mut World, at: Timestamp) -> Result<Demo, Error> {
    let mut on = OnWorld { world, at };
    let future = sequence(&mut on, at);
    let mut future = std::pin::pin!(future);
    // The world executes synchronously, so the sequence never waits: one poll completes it.
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result,
        Poll::Pending => Err(Error::State(adam_core::StateError::Corrupt(
            "the demo sequence waited on a synchronous world".to_owned(),
        ))),
    }
}

/// A fresh world holding the demo organisation as of `at`.
pub fn world(at: Timestamp) -> Result<(World, Demo), Error> {
    let mut world = World::new(Text::parse("organisation", ORGANISATION)?);
    let demo = build(&mut world, at)?;
    Ok((world, demo))
}

/// Loads the demo organisation through the server's write path, as of the server's clock, so
/// every step is stored and audited (application `adam-demo`). Refused when the organisation
/// already has offices or users other than admin accounts: the demo is for an empty
/// installation. An existing `admin` account is kept and used as the demo's.
pub async fn load(state: &AppState) -> Result<Demo, WebError> {
    // The operator's own `admin` account (made by an installation) does not count.
    let occupied = {
        let world = state.world();
        !world.offices().is_empty() || world.users().iter().any(|u| u.kind != AccountKind::Admin)
    };
    if occupied {
        return Err(WebError::new(
            axum::http::StatusCode::CONFLICT,
            "demo-not-empty",
            "the organisation already has offices or users; the demo is loaded only into an empty installation",
        ));
    }
    let at = state.now();
    sequence(&mut OnState { state }, at).await
}
